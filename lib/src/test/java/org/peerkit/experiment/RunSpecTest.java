package org.peerkit.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.peerkit.data.Split;
import org.peerkit.flops.FfwKind;
import org.peerkit.flops.FfwSpec;

class RunSpecTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aWitherGivenTheCurrentValueCopiesEveryOtherFieldUnchanged() {
        RunSpec s = RunSpec.defaults().withSeed(7).withBatch(2, 8);
        assertEquals(s, s.withModel(s.model()));
        assertEquals(s, s.withFfw(s.ffw()));
        assertEquals(s, s.withPlacement(s.placement()));
        assertEquals(s, s.withBudget(s.budget()));
        assertEquals(s, s.withSchedule(s.schedule()));
        assertEquals(s, s.withBatch(s.batchSize(), s.seqLen()));
        assertEquals(s, s.withData(s.data()));
        assertEquals(s, s.withSeed(s.seed()));
        assertEquals(List.of(7L, 2, 8), List.of(s.seed(), s.batchSize(), s.seqLen()));
    }

    @Test
    void hashIsStableAcrossVersionsOfThisCode() {
        // a fixed spec's id pinned: changing the canonical form silently would orphan every run dir
        RunSpec s = RunSpec.defaults();
        assertEquals(s.id(), RunSpec.fromJson(s.toJson()).id());
        assertEquals(SpecJson.sha256(s.toJson()).substring(0, 16), s.id());
        assertEquals(16, s.id().length());
        assertTrue(s.toJson().startsWith("{\"accumSteps\":1,\"batchSize\":4,\"budget\":{\"amount\":2560,\"unit\":\"TOKENS\"}"),
                s.toJson());
    }

    @Test
    void fieldOrderWhitespaceAndNumberSpellingDoNotChangeTheHash() throws Exception {
        RunSpec s = RunSpec.defaults().withFfw(new FfwSpec.Peer(256, 2, 4, 16, true));
        ObjectNode tree = (ObjectNode) JSON.readTree(SpecJson.pretty(s));
        ObjectNode reversed = reverse(tree);
        String spelled = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(reversed)
                .replace("\"amount\" : 2560", "\"amount\" : 2.560e3");
        assertTrue(spelled.contains("2.560e3"));
        RunSpec back = RunSpec.fromJson(spelled);
        assertEquals(s, back);
        assertEquals(s.id(), back.id());
        assertEquals(s.toJson(), back.toJson());
    }

    private static ObjectNode reverse(ObjectNode n) {
        ObjectNode out = JSON.createObjectNode();
        List<Map.Entry<String, JsonNode>> es = new ArrayList<>();
        es.addAll(n.properties());
        Collections.reverse(es);
        for (var e : es) {
            out.set(e.getKey(), e.getValue().isObject() ? reverse((ObjectNode) e.getValue()) : e.getValue());
        }
        return out;
    }

    @Test
    void anyResultChangingFieldChangesTheHash() {
        RunSpec s = RunSpec.defaults();
        assertNotEquals(s.id(), s.withSeed(2).id());
        assertNotEquals(s.id(), s.withBatch(8, 16).id());
        assertNotEquals(s.id(), s.withPlacement(Placement.ALL).id());
        assertNotEquals(s.id(), s.withBudget(Budget.flops(1e9)).id());
    }

    @Test
    void theHashIsSha256OfTheCanonicalUtf8Bytes() {
        assertEquals("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", SpecJson.sha256("{}"));
    }

    @Test
    void canonicalNumbers() {
        assertEquals("3", SpecJson.number(3.0));
        assertEquals("0.001", SpecJson.number(1e-3));
        assertEquals("6E+18", SpecJson.number(6e18));
        assertEquals("0.1", SpecJson.number(0.1));
    }

    @Test
    void unknownFieldIsNamed() throws Exception {
        ObjectNode tree = (ObjectNode) JSON.readTree(RunSpec.defaults().toJson());
        ((ObjectNode) tree.get("model")).put("dmodel", 3);
        var e = assertThrows(IllegalArgumentException.class, () -> SpecJson.read(tree.toString(), "my.json"));
        assertTrue(e.getMessage().startsWith("my.json: unknown field 'model.dmodel'"), e.getMessage());
        assertTrue(e.getMessage().contains("dModel"), e.getMessage());
    }

    @Test
    void missingFieldIsNamed() throws Exception {
        ObjectNode tree = (ObjectNode) JSON.readTree(RunSpec.defaults().toJson());
        tree.remove("seed");
        var e = assertThrows(IllegalArgumentException.class, () -> SpecJson.read(tree.toString(), "my.json"));
        assertTrue(e.getMessage().startsWith("my.json: missing field 'seed'"), e.getMessage());
        ((ObjectNode) tree.get("schedule")).remove("peakLr");
        tree.put("seed", 3);
        e = assertThrows(IllegalArgumentException.class, () -> SpecJson.read(tree.toString(), "my.json"));
        assertTrue(e.getMessage().startsWith("my.json: missing field 'schedule.peakLr'"), e.getMessage());
    }

    @Test
    void unknownFfwKindIsNamed() throws Exception {
        ObjectNode tree = (ObjectNode) JSON.readTree(RunSpec.defaults().toJson());
        ((ObjectNode) tree.get("ffw")).put("kind", "mlp");
        var e = assertThrows(IllegalArgumentException.class, () -> SpecJson.read(tree.toString(), "my.json"));
        assertEquals("my.json: unknown FFW kind 'mlp' at 'ffw': use one of dense, moe, pkm, peer", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FfwKind.parse("mlp"));
        assertEquals("unknown FFW kind 'mlp': use one of dense, moe, pkm, peer", e.getMessage());
    }

    @Test
    void validationNamesTheField() throws Exception {
        ObjectNode tree = (ObjectNode) JSON.readTree(RunSpec.defaults().toJson());
        tree.put("batchSize", 0);
        var e = assertThrows(IllegalArgumentException.class, () -> SpecJson.read(tree.toString(), "f.json"));
        assertEquals("f.json: batchSize=0 must be positive", e.getMessage());
        tree.put("batchSize", 4);
        ((ObjectNode) tree.get("model")).put("nHeads", 3);
        e = assertThrows(IllegalArgumentException.class, () -> SpecJson.read(tree.toString(), "f.json"));
        assertTrue(e.getMessage().startsWith("f.json: dModel=64 is not divisible by nHeads=3")
                && e.getMessage().endsWith("(in 'model')"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new FfwSpec.Peer(1000, 8, 16, 128, true));
        assertTrue(e.getMessage().startsWith("ffw: product keys: numExperts=1000 is not a perfect square"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RunSpec.defaults().withBatch(4, 65));
        assertTrue(e.getMessage().startsWith("seqLen=65 must be in [1, model.contextLength=64]"), e.getMessage());
    }

    /** A fraction, a string or an out-of-range number where an integer belongs is an error, never a truncation. */
    @Test
    void numbersAreReadStrictly() throws Exception {
        String base = RunSpec.defaults().toJson();
        assertBad(base, "model", "dModel", "64.5", "f.json: 'model.dModel' must be a whole number, not 64.5");
        assertBad(base, null, "seed", "1.9", "f.json: 'seed' must be a whole number, not 1.9");
        assertBad(base, null, "batchSize", "\"4\"", "f.json: 'batchSize' must be a number, not the string \"4\"");
        assertBad(base, null, "batchSize", "99999999999", "f.json: 'batchSize'=99999999999 is out of range");
        assertBad(base, null, "seed", "1e30", "f.json: 'seed' must be a whole number, not 1.0E30");
        assertBad(base, null, "clipNorm", "true", "f.json: 'clipNorm' must be a number, not true");
    }

    /** A budget that buys more steps than a run can take is an error, not Long.MAX_VALUE steps. */
    @Test
    void hugeBudgetsAreErrors() {
        var e = assertThrows(IllegalArgumentException.class, () -> Budget.flops(1e300).steps(256, 1_000_000));
        assertTrue(e.getMessage().startsWith("budget.amount=1e300 flops buys"), e.getMessage());
        assertTrue(e.getMessage().contains("more than the 1000000000 steps a run may take"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Budget.tokens(Long.MAX_VALUE).steps(256, 1));
        assertTrue(e.getMessage().contains("more than the 1000000000 steps"), e.getMessage());
        assertEquals(1_000_000_000L, Budget.tokens(256_000_000_000L).steps(256, 1));
    }

    private static void assertBad(String json, String object, String field, String raw, String expectedStart)
            throws Exception {
        ObjectNode tree = (ObjectNode) JSON.readTree(json);
        ObjectNode at = object == null ? tree : (ObjectNode) tree.get(object);
        at.set(field, JSON.readTree(raw));
        var e = assertThrows(IllegalArgumentException.class, () -> SpecJson.read(tree.toString(), "f.json"));
        assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
    }

    @Test
    void theLibraryCorpusIsADataSourceWithATokenizerVocabulary() {
        RunSpec v1024 = RunSpec.defaults().withModel(RunSpec.defaults().model().withVocabSize(1024));
        RunSpec s = v1024.withData(new DataSpec(DataSpec.Source.LIBRARY, List.of(Split.VALID), 2, 0));
        RunSpec back = RunSpec.fromJson(s.toJson());
        assertEquals(DataSpec.Source.LIBRARY, back.data().source());
        assertEquals(1024, back.model().vocabSize());
        assertNotEquals(v1024.withData(new DataSpec(DataSpec.Source.SOTU, List.of(Split.VALID), 2, 0)).id(),
                s.id(), "another corpus is another run");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.withModel(s.model().withVocabSize(100)));
        assertTrue(e.getMessage().contains("model.vocabSize=100 is not a tokenizer vocabulary for data.source=LIBRARY"), e.getMessage());
    }
}
