package org.peerkit.experiment;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.peerkit.flops.FfwSpec;

/**
 * Random mutations of a valid spec and of valid grid files (fixed seeds): every reading either
 * succeeds or fails with an {@link IllegalArgumentException} whose message is one readable line,
 * never another exception type (a raw NullPointerException, ClassCastException, ArithmeticException...).
 */
class SpecReaderFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String[] WEIRD = {"64.5", "-1", "0", "1e300", "-1e300", "99999999999", "9.3e18", "1.9",
        "\"64\"", "\"\"", "true", "null", "[]", "{}", "[1, 2]", "{\"kind\": \"peer\"}", "\"PEER\"", "\"FLOPS\"",
        "2147483648", "-0.0", "1e-320", "\"NaN\""};

    @Test
    void mutatedSpecsFailWithOneClearSentence() throws Exception {
        String valid = SpecJson.pretty(RunSpec.defaults().withFfw(new FfwSpec.Peer(256, 2, 4, 16,
                true)));
        Random rnd = new Random(17);
        for (int i = 0; i < 2500; i++) {
            String mutated = mutate(valid, rnd);
            check(mutated, json -> SpecJson.read(json, "fuzz.json"));
        }
    }

    @Test
    void mutatedGridFilesFailWithOneClearSentence(@TempDir Path dir) throws Exception {
        List<String> grids = List.of(
                Files.readString(repoFile("notebooks/sweeps/smoke-4.json")),
                "{\"name\": \"iso\", \"isoflop\": {\"budgets\": [1e10, 3e10], \"kinds\": [\"dense\", \"peer\"],"
                        + " \"ladder\": {\"dModels\": [32, 48], \"seqLen\": 32, \"batchSize\": 4,"
                        + " \"ffw\": {\"peer\": {\"experts\": 256, \"heads\": 2, \"topK\": 4, \"keyDim\": 16,"
                        + " \"queryBatchNorm\": true}}}}}",
                "{\"name\": \"g\", \"grid\": {\"seed\": [1, 2], \"model.dModel\": [32, 64]}}");
        Random rnd = new Random(29);
        Path f = dir.resolve("grid.json");
        for (int i = 0; i < 1500; i++) {
            String mutated = mutate(grids.get(i % grids.size()), rnd);
            check(mutated, json -> {
                try {
                    Files.writeString(f, json);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                Sweep.fromFile(f);
            });
        }
    }

    private static void check(String json, Consumer<String> reader) {
        try {
            reader.accept(json);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            assertTrue(m != null && !m.isBlank() && !m.contains("\n\tat ") && !m.contains("com.fasterxml")
                    && !m.contains("java.lang."), "unclear message for\n" + json + "\n: " + m);
        } catch (RuntimeException | StackOverflowError e) {
            fail("raw " + e + " for\n" + json, e);
        }
    }

    /** One to three mutations: a value replaced, a field dropped or added, or the text cut or a character flipped. */
    private static String mutate(String json, Random rnd) throws Exception {
        int kind = rnd.nextInt(10);
        if (kind == 0) {
            return json.substring(0, rnd.nextInt(json.length()));
        }
        if (kind == 1) {
            char[] c = json.toCharArray();
            c[rnd.nextInt(c.length)] = "{}[]\":,0-.e9a ".charAt(rnd.nextInt(14));
            return new String(c);
        }
        JsonNode root = JSON.readTree(json);
        int n = 1 + rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            List<JsonNode> containers = new ArrayList<>();
            collect(root, containers);
            JsonNode c = containers.get(rnd.nextInt(containers.size()));
            JsonNode weird = JSON.readTree(WEIRD[rnd.nextInt(WEIRD.length)]);
            if (c instanceof ObjectNode o && o.size() > 0) {
                List<String> names = new ArrayList<>();
                o.fieldNames().forEachRemaining(names::add);
                String name = names.get(rnd.nextInt(names.size()));
                switch (rnd.nextInt(4)) {
                    case 0 -> o.remove(name);
                    case 1 -> o.set(name + "x", weird);
                    default -> o.set(name, weird);
                }
            } else if (c instanceof ArrayNode a && a.size() > 0) {
                a.set(rnd.nextInt(a.size()), weird);
            } else if (c instanceof ArrayNode a) {
                a.add(F.numberNode(rnd.nextInt()));
            }
        }
        return root.toString();
    }

    private static void collect(JsonNode n, List<JsonNode> out) {
        if (n.isContainerNode()) {
            out.add(n);
            n.forEach(child -> collect(child, out));
        }
    }

    private static Path repoFile(String rel) {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve(rel))) {
            p = p.getParent();
        }
        return p == null ? Path.of(rel) : p.resolve(rel);
    }
}
