package org.peerkit.data;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;

/**
 * Reads the character vectors of an R lazy-load database ({@code Rdata.rdx} + {@code Rdata.rdb},
 * how an R package ships its data sets) without R. Both hold R's XDR serialisation (big-endian,
 * format 2 or 3), each object zlib-compressed behind a 4-byte length. Only the types these files
 * use are parsed: character vectors, strings, symbols, pair lists, lists, and int/double vectors.
 * The {@code .rdx} index is one gzip file; the {@code .rdb} holds each object as a 4-byte length
 * and a zlib stream at the offset the index gives.
 */
public final class RLazyLoad {

    private final ByteBuffer in;
    private final List<Object> refs = new ArrayList<>();

    private RLazyLoad(byte[] serialized) {
        this.in = ByteBuffer.wrap(serialized);
    }

    /** Variable name to its value as a list of strings (lines); variables of other types map to an empty list. */
    public static Map<String, List<String>> characterVectors(byte[] rdx, byte[] rdb) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Object index = parse(gunzip(rdx));
        Object vars = ((Map<?, ?>) index).get("variables");
        for (Map.Entry<?, ?> v : ((Map<?, ?>) vars).entrySet()) {
            List<?> pos = (List<?>) v.getValue();
            int off = ((Number) pos.get(0)).intValue();
            int len = ((Number) pos.get(1)).intValue();
            Object value = parse(inflate(rdb, off, len));
            List<String> lines = new ArrayList<>();
            if (value instanceof List<?> l) {
                l.forEach(s -> lines.add(s instanceof String str ? str : ""));
            }
            out.put(v.getKey().toString(), lines);
        }
        return out;
    }

    /** The index file: gzip. */
    static byte[] gunzip(byte[] gz) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new DataException("the R lazy-load index is not gzip (" + e.getMessage() + ")", e);
        }
    }

    /** A 4-byte big-endian uncompressed length, then a zlib stream. */
    static byte[] inflate(byte[] data, int offset, int length) {
        Inflater inf = new Inflater();
        try {
            inf.setInput(data, offset + 4, length - 4);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[1 << 16];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && inf.needsInput()) {
                    throw new DataException("truncated zlib stream in an R lazy-load file");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new DataException("not a zlib stream in an R lazy-load file (" + e.getMessage() + ")", e);
        } finally {
            inf.end();
        }
    }

    static Object parse(byte[] serialized) {
        RLazyLoad r = new RLazyLoad(serialized);
        if (serialized.length < 2 || serialized[0] != 'X' || serialized[1] != '\n') {
            throw new DataException("not R XDR serialisation (no 'X\\n' header)");
        }
        r.in.position(2);
        int version = r.in.getInt();
        r.in.getInt();
        r.in.getInt();
        if (version == 3) {
            int nameLength = r.in.getInt();
            r.in.position(r.in.position() + nameLength);  // native encoding name, e.g. UTF-8
        }
        return r.item();
    }

    private Object item() {
        int flags = in.getInt();
        int type = flags & 0xFF;
        boolean attr = (flags & 512) != 0;
        boolean tag = (flags & 1024) != 0;
        switch (type) {
            case 0xFE, 0xF2, 0xFD, 0xFB:
                return null;
            case 0xFF:
                return refs.get((flags >> 8 != 0 ? flags >> 8 : in.getInt()) - 1);
            case 1:
                Object symbol = item();
                refs.add(symbol);
                return symbol;
            case 9:
                return string();
            case 2, 6:
                return pairList(attr, tag);
            case 16, 19, 20:
                return vector(type, attr);
            case 10, 13, 14:
                return numbers(type, attr);
            default:
                throw new DataException("R serialisation type " + type + " is not supported by this reader");
        }
    }

    private String string() {
        int n = in.getInt();
        if (n < 0) {
            return null;
        }
        byte[] b = new byte[n];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** A pair list as a map from tag to value (tags are symbols, i.e. names). */
    private Map<String, Object> pairList(boolean attr, boolean tag) {
        if (attr) {
            item();
        }
        Object name = tag ? item() : null;
        Object car = item();
        Object cdr = item();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(String.valueOf(name), car);
        if (cdr instanceof Map<?, ?> rest) {
            rest.forEach((k, v) -> out.put(k.toString(), v));
        }
        return out;
    }

    /** A character vector or list; a list with a names attribute becomes a map. */
    private Object vector(int type, boolean attr) {
        int n = in.getInt();
        List<Object> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(item());
        }
        Object attributes = attr ? item() : null;
        if (type != 16 && attributes instanceof Map<?, ?> a && a.get("names") instanceof List<?> names) {
            Map<String, Object> named = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                named.put(String.valueOf(names.get(i)), values.get(i));
            }
            return named;
        }
        return values;
    }

    private List<Double> numbers(int type, boolean attr) {
        int n = in.getInt();
        List<Double> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(type == 14 ? in.getDouble() : (double) in.getInt());
        }
        if (attr) {
            item();
        }
        return values;
    }
}
