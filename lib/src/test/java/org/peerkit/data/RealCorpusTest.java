package org.peerkit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** On the real prepared corpus (see {@link RealData} for when these run, skip or fail). */
class RealCorpusTest {

    @Test
    void splitsHoldTheDocumentedWholeDocuments() {
        PreparedData data = RealData.openOrSkip();
        assertEquals(187, data.documentIds(Split.TRAIN).size());
        assertEquals(23, data.documentIds(Split.VALID).size());
        assertEquals(23, data.documentIds(Split.TEST).size());
        assertEquals(1, data.documentIds(Split.MOBY_DICK).size());
        assertEquals(500, data.documentIds(Split.BROWN).size());
        assertEquals("1794_george_washington_n", data.documentIds(Split.VALID).get(0));
        assertEquals("1799_john_adams_f", data.documentIds(Split.TEST).get(0));
    }

    @Test
    void noEvaluationDocumentIsInTheTrainingSplit() {
        PreparedData data = RealData.openOrSkip();
        Set<String> trainIds = new HashSet<>(data.documentIds(Split.TRAIN));
        String train = data.text(Split.TRAIN);
        Set<String> heldOut = new HashSet<>();
        for (Split s : List.of(Split.VALID, Split.TEST)) {
            for (Document d : data.documents(s)) {
                assertFalse(trainIds.contains(d.id()), d.id() + " is in train and " + s.id());
                assertTrue(heldOut.add(d.id()), d.id() + " is in valid and test");
                assertFalse(train.contains(d.text()), d.id() + "'s text appears in the training text");
            }
        }
        assertEquals(233, trainIds.size() + heldOut.size());
    }

    @Test
    void theTokenizerSawOnlyTheTrainingSplitAndRetrainsIdentically() {
        PreparedData data = RealData.openOrSkip();
        String train = data.text(Split.TRAIN);
        assertEquals(DataFiles.sha256(train.getBytes(StandardCharsets.UTF_8)), data.tokenizer().trainingTextSha256());
        BpeTokenizer again = BpeTokenizer.train(train, BpeTokenizer.DEFAULT_VOCAB);
        assertEquals(data.tokenizer().hash(), again.hash(), "training on real text is deterministic");
    }

    @Test
    void heldOutTextRoundTripsExactly() {
        PreparedData data = RealData.openOrSkip();
        BpeTokenizer tok = data.tokenizer();
        for (Split s : List.of(Split.VALID, Split.TEST, Split.MOBY_DICK, Split.BROWN)) {
            String text = data.text(s);
            int[] ids = tok.encode(text);
            assertEquals(text, tok.decode(ids), s.id() + " round trip");
            assertArrayEquals(ids, data.shard(s).toArray(), s.id() + " shard equals a fresh encoding");
        }
    }

    @Test
    void batchesReadTokensOfTheVocabularyFromTheShards() {
        PreparedData data = RealData.openOrSkip();
        Batches train = data.batches(Split.TRAIN, 8, 128, 1);
        assertEquals(4096, train.vocabSize());
        int[] a = new int[8 * 129];
        int[] b = new int[8 * 129];
        for (long i = 0; i < 100; i++) {
            train.batch(i, a);
            data.batches(Split.TRAIN, 8, 128, 1).batch(i, b);
            assertArrayEquals(a, b);
            for (int t : a) {
                assertTrue(t >= 0 && t < 4096);
            }
        }
        Batches valid = data.batches(Split.VALID, 8, 128, 0);
        assertEquals((data.shard(Split.VALID).tokenCount() - 1) / 128, valid.evalWindows());
        int rows = valid.evalBatch(valid.evalBatches() - 1, a);
        assertTrue(rows >= 1 && rows <= 8);
        String decoded = data.tokenizer().decode(a, 0, 129);
        assertTrue(data.text(Split.VALID).contains(decoded.substring(1, decoded.length() - 1)), "an eval window is text of the split");
    }
}
