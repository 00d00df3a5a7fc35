package org.peerkit.experiment;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Collectors;
import org.peerkit.flops.FfwKind;

/**
 * The canonical JSON of a {@link RunSpec} and its hash.
 *
 * <p>Canonical means: keys sorted at every level, no whitespace, and numbers spelled one way
 * ({@link #number}), so the same spec always gives the same bytes whatever order a spec file lists
 * its fields in. Reading is strict: an unknown field, a missing field or a null is an error naming
 * it, because a silently defaulted field would silently change the run.
 */
public final class SpecJson {

    /** 16 hex digits = 64 bits of SHA-256: collisions are negligible for any number of runs. */
    public static final int ID_HEX_DIGITS = 16;
    private static final ObjectMapper CANONICAL = mapper(false);
    private static final ObjectMapper PRETTY = mapper(true);

    private SpecJson() {
    }

    private static ObjectMapper mapper(boolean indent) {
        SimpleModule numbers = new SimpleModule().addSerializer(Double.class, new CanonicalDouble())
                .addSerializer(double.class, new CanonicalDouble());
        JsonMapper.Builder b = JsonMapper.builder()
                .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                // strict numbers: 64.5 or "64" where an integer belongs is an error, never a truncation
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .defaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL))  // [null] in a list is an error too
                .addModule(numbers);
        if (indent) {
            b.enable(SerializationFeature.INDENT_OUTPUT);
        }
        return b.build();
    }

    public static String canonical(RunSpec spec) {
        try {
            return CANONICAL.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + spec, e);
        }
    }

    /** Sorted, indented: what spec.json holds (it hashes the same as {@link #canonical}). */
    public static String pretty(RunSpec spec) {
        try {
            return PRETTY.writeValueAsString(spec) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + spec, e);
        }
    }

    public static String sha256(String canonicalJson) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(canonicalJson.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    public static String id(RunSpec spec) {
        return sha256(canonical(spec)).substring(0, ID_HEX_DIGITS);
    }

    /**
     * Parses a spec; errors name the source, the field and what to do.
     *
     * @param source where the JSON came from, for messages (a file name)
     */
    public static RunSpec read(String json, String source) {
        try {
            RunSpec spec = CANONICAL.readValue(json, RunSpec.class);
            if (spec == null) {
                throw new IllegalArgumentException(source + " holds no run spec (JSON null); write one with"
                        + " `peerkit train --print-spec`");
            }
            return spec;
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(source + ": unknown field '" + path(e) + "'; known fields there: "
                    + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")), e);
        } catch (InvalidTypeIdException e) {
            throw new IllegalArgumentException(source + ": unknown FFW kind '" + e.getTypeId() + "' at '" + path(e)
                    + "': use one of " + FfwKind.names(), e);
        } catch (MismatchedInputException e) {
            String msg = e.getOriginalMessage();
            if (msg.contains("creator property")) {
                String field = msg.replaceAll("(?s)^[^']*'([^']*)'.*", "$1");
                String where = path(e);
                String full = where.equals(field) || where.endsWith("." + field) ? where
                        : (where.isEmpty() ? "" : where + ".") + field;
                throw new IllegalArgumentException(source + ": missing field '" + full
                        + "'; every field must be given (write one with `peerkit train --print-spec`)", e);
            }
            if (msg.contains("missing type id property 'kind'")) {
                throw new IllegalArgumentException(source + ": missing field '" + path(e) + ".kind': use one of "
                        + FfwKind.names(), e);
            }
            throw new IllegalArgumentException(source + ": " + badValue(e), e);
        } catch (JsonMappingException e) {
            throw new IllegalArgumentException(source + ": " + mappingProblem(e), e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + " is not valid JSON: " + e.getOriginalMessage() + " (line "
                    + e.getLocation().getLineNr() + ")", e);
        }
    }

    /** What went wrong building the spec from well-formed JSON, with the field's path. */
    private static String mappingProblem(JsonMappingException e) {
        Throwable root = rootCause(e);
        String where = path(e);
        if (root instanceof IllegalArgumentException) {
            return root.getMessage() + (where.isEmpty() ? "" : " (in '" + where + "')");
        }
        if (root instanceof RuntimeException) {  // a constructor choked on something the checks above let by
            return "the value at '" + where + "' is malformed; compare it with `peerkit train --print-spec`";
        }
        String msg = e.getOriginalMessage();
        if (msg.startsWith("Numeric value (")) {  // e.g. 99999999999 for an int
            return "'" + where + "'=" + msg.replaceAll("(?s)^Numeric value \\(([^)]*)\\) out of range of (\\w+).*$",
                    "$1 is out of range (a Java $2)");
        }
        return firstLine(msg) + " at '" + where + "'";
    }

    /** "'model.dModel' must be a whole number, not 64.5" and the like, for a value of the wrong type. */
    private static String badValue(MismatchedInputException e) {
        String where = "'" + path(e) + "'";
        String msg = e.getOriginalMessage();
        Class<?> target = e.getTargetType();
        boolean integral = target == int.class || target == long.class || target == Integer.class || target == Long.class;
        String value = msg.replaceAll("(?s)^.*?\\(([^)]*)\\).*$", "$1");
        if (integral && msg.contains("Floating-point value")) {
            return where + " must be a whole number, not " + value;
        }
        if (msg.contains("String value")) {
            return where + " must be a " + (isNumber(target) ? "number" : "value of its own type") + ", not the string "
                    + (value.startsWith("\"") ? value : "\"" + value + "\"");
        }
        String found = msg.contains("VALUE_TRUE") ? "true" : msg.contains("VALUE_FALSE") ? "false"
                : msg.contains("START_ARRAY") ? "a list" : msg.contains("START_OBJECT") ? "an object" : null;
        if (found != null && isNumber(target)) {
            return where + " must be a number, not " + found;
        }
        return "bad value at " + where + ": " + firstLine(msg);
    }

    private static boolean isNumber(Class<?> c) {
        return c != null && (c.isPrimitive() && c != boolean.class || Number.class.isAssignableFrom(c));
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * One spelling per double: integers below 2⁵³ as plain integers ("3", not "3.0"), anything else
     * as the shortest round-trip decimal with trailing zeros stripped ("0.001", "6E+18"), so
     * 3, 3.0 and 3e0 in a spec file hash alike.
     */
    static String number(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("a spec number is " + v + "; use finite numbers");
        }
        if (v == Math.rint(v) && Math.abs(v) < 0x1p53) {
            return Long.toString((long) v);
        }
        return new BigDecimal(Double.toString(v)).stripTrailingZeros().toString();
    }

    private static final class CanonicalDouble extends StdSerializer<Double> {
        CanonicalDouble() {
            super(Double.class);
        }

        @Override
        public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
            g.writeNumber(number(v));
        }
    }
}
