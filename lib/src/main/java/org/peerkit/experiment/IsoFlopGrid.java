package org.peerkit.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.peerkit.flops.FfwKind;
import org.peerkit.flops.FfwSpec;
import org.peerkit.flops.IsoFlopPlanner;
import org.peerkit.flops.LadderConfig;

/**
 * The {@code "isoflop"} block of a grid file (read by {@link Sweep#fromFile}): isoFLOP ladders
 * (paper §3.1, Fig. 1) at one or more FLOP budgets, instead of a Cartesian {@code "grid"}.
 *
 * <pre>{@code
 * "isoflop": {
 *   "budgets": [2e12, 6e12],                       // training FLOPs, one ladder each
 *   "kinds":   ["dense", "moe", "pkm", "peer"],    // optional, default all four
 *   "ladder":  {"dModels": [32, 64, 96], "seqLen": 64,          // LadderConfig fields; each one
 *               "ffw": {"peer": {"experts": 4096, "heads": 4,   // left out is LadderConfig.kit()'s
 *                                "topK": 8, "keyDim": 32, "queryBatchNorm": true}}},
 *   "seeds":   [1, 2, 3],                          // optional, default the base spec's seed
 *   "bracket": {"rounds": 3, "minSteps": 50}       // optional: how BracketedIsoFlop may extend
 * }
 * }</pre>
 *
 * Members are {@link Sweep#isoFlop} of the file's base spec, seed by seed (so an interrupted sweep
 * has whole ladders of the first seeds rather than a few seeds of every rung), then budget by budget
 * (first budget first), kind by kind, smallest width first. Every field is checked before anything trains, and an error
 * names the file, the field and what to write instead.
 */
final class IsoFlopGrid {

    static final List<String> FIELDS = List.of("budgets", "kinds", "ladder", "seeds", "bracket");
    static final List<String> BRACKET_FIELDS = List.of("rounds", "minSteps");

    /**
     * A parsed block.
     *
     * @param rounds how many times {@link BracketedIsoFlop} may extend each ladder (0: never)
     * @param minSteps the fewest steps a wider rung must get to be added
     */
    record Block(List<Double> budgets, List<FfwKind> kinds, LadderConfig ladder, List<Long> seeds, int rounds,
            long minSteps) {
    }
    static final List<String> LADDER_FIELDS = List.of("vocabSize", "seqLen", "batchSize", "dModels", "dModelPerLayer",
            "headDim", "ffwMult", "ffw");

    private IsoFlopGrid() {
    }

    /** The members of the sweep {@code name} described by {@code block}, on {@code base}: the initial ladders. */
    static List<RunSpec> specs(String name, JsonNode block, RunSpec base, String source) {
        Block b = block(block, base, source);
        return specs(name, base, b, b.ladder(), b.budgets(), b.kinds(), source);
    }

    /** Every seed of {@code ladder} for each budget and kind, seed outermost. */
    static List<RunSpec> specs(String name, RunSpec base, Block block, LadderConfig ladder, List<Double> budgets,
            List<FfwKind> kinds, String source) {
        String where = source + ": isoflop";
        List<RunSpec> out = new ArrayList<>();
        for (long seed : block.seeds()) {
            for (double b : budgets) {
                for (FfwKind k : kinds) {
                    try {
                        out.addAll(Sweep.isoFlop(name, base.withSeed(seed), b, ladder, k).specs());
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(where + ", budget " + IsoFlopPlanner.sci(b) + ", kind "
                                + k.id() + ": " + e.getMessage(), e);
                    }
                }
            }
        }
        return out;
    }

    /** Reads and checks the whole block. */
    static Block block(JsonNode block, RunSpec base, String source) {
        String where = source + ": isoflop";
        if (block == null || !block.isObject()) {
            throw new IllegalArgumentException(where + " must be an object {\"budgets\": [...], \"kinds\": [...],"
                    + " \"ladder\": {...}}");
        }
        unknownFields(block, FIELDS, where);
        JsonNode br = block.get("bracket");
        if (br != null && !br.isObject()) {
            throw new IllegalArgumentException(where + ".bracket must be an object {\"rounds\": 3, \"minSteps\": 50}");
        }
        if (br != null) {
            unknownFields(br, BRACKET_FIELDS, where + ".bracket");
        }
        int rounds = br != null && br.has("rounds") ? nonNegativeInt(br.get("rounds"), where + ".bracket.rounds") : 0;
        long minSteps = br != null && br.has("minSteps") ? positiveInt(br.get("minSteps"), where + ".bracket.minSteps") : 1;
        return new Block(budgets(block.get("budgets"), where), kinds(block.get("kinds"), where),
                ladder(block.get("ladder"), base, where + ".ladder"), seeds(block.get("seeds"), base.seed(), where),
                rounds, minSteps);
    }

    private static int nonNegativeInt(JsonNode v, String where) {
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0) {
            throw new IllegalArgumentException(where + "=" + v + " must be a whole number ≥ 0");
        }
        return v.asInt();
    }

    /** The seed axis: distinct whole numbers; absent means the base spec's seed alone. */
    static List<Long> seeds(JsonNode n, long fallback, String where) {
        if (n == null) {
            return List.of(fallback);
        }
        if (!n.isArray() || n.isEmpty()) {
            throw new IllegalArgumentException(where + ".seeds must be a non-empty list of whole numbers, e.g. [1, 2, 3]");
        }
        Set<Long> out = new LinkedHashSet<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode v = n.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw new IllegalArgumentException(where + ".seeds[" + i + "]=" + v + " is not a whole number");
            }
            if (!out.add(v.asLong())) {
                throw new IllegalArgumentException(where + ".seeds lists " + v + " twice");
            }
        }
        return List.copyOf(out);
    }

    private static List<Double> budgets(JsonNode n, String where) {
        if (n == null || !n.isArray() || n.isEmpty()) {
            throw new IllegalArgumentException(where + ".budgets must be a non-empty list of training-FLOP budgets,"
                    + " e.g. [2e12, 6e12]");
        }
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode v = n.get(i);
            if (!v.isNumber() || !(v.asDouble() > 0) || !Double.isFinite(v.asDouble())) {
                throw new IllegalArgumentException(where + ".budgets[" + i + "]=" + v + " is not a positive number of"
                        + " FLOPs, e.g. 2e12");
            }
            if (out.contains(v.asDouble())) {
                throw new IllegalArgumentException(where + ".budgets lists " + v + " twice");
            }
            out.add(v.asDouble());
        }
        return out;
    }

    private static List<FfwKind> kinds(JsonNode n, String where) {
        if (n == null) {
            return List.of(FfwKind.values());
        }
        if (!n.isArray() || n.isEmpty()) {
            throw new IllegalArgumentException(where + ".kinds must be a non-empty list of " + FfwKind.names());
        }
        Set<FfwKind> out = new LinkedHashSet<>();
        for (int i = 0; i < n.size(); i++) {
            FfwKind k;
            try {
                k = FfwKind.parse(n.get(i).isTextual() ? n.get(i).asText() : n.get(i).toString());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ".kinds[" + i + "]: " + e.getMessage(), e);
            }
            if (!out.add(k)) {
                throw new IllegalArgumentException(where + ".kinds lists '" + k.id() + "' twice");
            }
        }
        return List.copyOf(out);
    }

    /** {@link LadderConfig#kit()} with the fields the block gives replaced. */
    static LadderConfig ladder(JsonNode n, RunSpec base, String where) {
        LadderConfig kit = LadderConfig.kit();
        if (n == null) {
            return kit;
        }
        if (!n.isObject()) {
            throw new IllegalArgumentException(where + " must be an object of LadderConfig fields: "
                    + String.join(", ", LADDER_FIELDS));
        }
        unknownFields(n, LADDER_FIELDS, where);
        List<Integer> dModels = n.has("dModels") ? widths(n.get("dModels"), where) : kit.dModels();
        Map<FfwKind, FfwSpec> ffw = new EnumMap<>(kit.ffw());
        if (n.has("ffw")) {
            putFfwSettings(n.get("ffw"), ffw, base, where);
        }
        try {
            return new LadderConfig(intOr(n, "vocabSize", kit.vocabSize(), where), intOr(n, "seqLen", kit.seqLen(), where),
                    intOr(n, "batchSize", kit.batchSize(), where), dModels,
                    intOr(n, "dModelPerLayer", kit.dModelPerLayer(), where), intOr(n, "headDim", kit.headDim(), where),
                    intOr(n, "ffwMult", kit.ffwMult(), where), ffw);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    /** A ladder's d_model widths: a non-empty, strictly increasing list of positive ints. */
    private static List<Integer> widths(JsonNode ds, String where) {
        if (!ds.isArray() || ds.isEmpty()) {
            throw new IllegalArgumentException(where + ".dModels must be a non-empty list of widths, e.g. [32, 64, 96]");
        }
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < ds.size(); i++) {
            list.add(positiveInt(ds.get(i), where + ".dModels[" + i + "]"));
        }
        for (int i = 1; i < list.size(); i++) {
            if (list.get(i) <= list.get(i - 1)) {
                throw new IllegalArgumentException(where + ".dModels=" + list + " must be strictly increasing");
            }
        }
        return list;
    }

    /** Reads a ladder's {@code ffw} block (kind → settings) into {@code ffw}. */
    private static void putFfwSettings(JsonNode f, Map<FfwKind, FfwSpec> ffw, RunSpec base, String where) {
        if (!f.isObject()) {
            throw new IllegalArgumentException(where + ".ffw must map kinds (moe, pkm, peer) to their settings,"
                    + " e.g. {\"peer\": {\"experts\": 4096, \"heads\": 4, \"topK\": 8, \"keyDim\": 32,"
                    + " \"queryBatchNorm\": true}}");
        }
        for (Map.Entry<String, JsonNode> e : f.properties()) {
            FfwKind k;
            try {
                k = FfwKind.parse(e.getKey());
            } catch (IllegalArgumentException x) {
                throw new IllegalArgumentException(where + ".ffw: " + x.getMessage(), x);
            }
            ffw.put(k, ffwSpec(k, e.getValue(), base, where + ".ffw." + k.id()));
        }
    }

    /**
     * One kind's settings, read by the strict spec reader (so a misspelt or missing field is named
     * exactly as in a spec file): the settings go into {@code base}'s {@code ffw} slot.
     */
    private static FfwSpec ffwSpec(FfwKind k, JsonNode settings, RunSpec base, String where) {
        if (!settings.isObject()) {
            throw new IllegalArgumentException(where + " must be an object of " + k.id() + " settings");
        }
        ObjectNode s = ((ObjectNode) settings).deepCopy();
        if (s.has("kind") && !k.id().equalsIgnoreCase(s.get("kind").asText())) {
            throw new IllegalArgumentException(where + " says kind '" + s.get("kind").asText() + "': leave 'kind' out"
                    + " or write '" + k.id() + "'");
        }
        s.put("kind", k.id());
        ObjectNode tree = (ObjectNode) readTree(base.toJson());
        tree.set("ffw", s);
        return SpecJson.read(tree.toString(), where).ffw();
    }

    private static int intOr(JsonNode n, String field, int fallback, String where) {
        return n.has(field) ? positiveInt(n.get(field), where + "." + field) : fallback;
    }

    private static int positiveInt(JsonNode v, String where) {
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() <= 0) {
            throw new IllegalArgumentException(where + "=" + v + " must be a positive whole number");
        }
        return v.asInt();
    }

    private static void unknownFields(JsonNode n, List<String> known, String where) {
        for (var it = n.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!known.contains(f)) {
                throw new IllegalArgumentException(where + ": unknown field '" + f + "'; known fields: "
                        + String.join(", ", known));
            }
        }
    }

    private static JsonNode readTree(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
