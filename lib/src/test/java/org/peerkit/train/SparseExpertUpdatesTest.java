package org.peerkit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.ffw.PeerConfig;
import org.peerkit.ffw.ProductKeys;
import org.peerkit.ffw.PeerLayer;
import org.peerkit.model.DecoderLm;
import org.peerkit.model.FfwFactory;
import org.peerkit.model.LmConfig;
import org.peerkit.nn.Param;
import org.peerkit.tensor.Activation;

/**
 * Row-sparse expert-table gradients and the lazy AdamW update in the training loop
 * ({@link TrainConfig#sparseExpertUpdates()}): exact agreement with dense AdamW when every row is
 * touched, the documented difference otherwise, and bit-identical resume.
 */
class SparseExpertUpdatesTest {

    private static DecoderLm lm(int side, int heads, int k) {
        FfwFactory peer = (name, block, cfg, rng) -> new PeerLayer(name,
                new PeerConfig(cfg.dModel(), new ProductKeys(side * side, heads, k, 8, true), Activation.GELU),
                cfg.precision().dataType(), rng);
        return new DecoderLm(LmConfig.tiny(32).withShape(16, 2, 2, 32), FfwFactory.middle(peer), 3);
    }

    private static PeerLayer peer(DecoderLm lm) {
        return (PeerLayer) lm.feedForwards().get(lm.config().middleBlock());
    }

    /** No clipping: the sparse path computes the norm in its own loop, which may differ in the last bit. */
    /** A trainer on 2 synthetic windows of {@code seqLen} tokens (vocabulary 32, seed 1). */
    private static Trainer trainer(DecoderLm lm, int seqLen, long steps, boolean sparse) {
        return new Trainer(lm, new SyntheticBatches(2, seqLen, 32, 1), config(steps, sparse));
    }

    private static TrainConfig config(long steps, boolean sparse) {
        return new TrainConfig(steps, 1, 0.0, new LrSchedule(1e-2, 1, steps, 0.1),
                new AdamWConfig(0.9, 0.95, 1e-8, 0.1, false), 5, sparse);
    }

    private static void assertSameParams(DecoderLm a, DecoderLm b) {
        for (int i = 0; i < a.params().size(); i++) {
            assertArrayEquals(a.params().get(i).value().data().asFloat(), b.params().get(i).value().data().asFloat(),
                    0f, a.params().get(i).name());
        }
    }

    /** Each step's touched rows of the PEER tables, read after the step (before the next zeroGrads). */
    private static List<int[]> trainRecordingRows(Trainer t) {
        List<int[]> rows = new ArrayList<>();
        t.addListener(new TrainListener() {
            @Override
            public void onStep(Trainer tr, StepMetrics m) {
                rows.add(peer(tr.model()).u().touchedRows());
            }
        });
        t.run();
        return rows;
    }

    @Test
    void paramZeroGradClearsOnlyTouchedRowsAndReportsThemAscending() {
        Param p = new Param("t", Param.Kind.EMBEDDING, Nd4j.zeros(DataType.FLOAT, 6, 2)).trackRows();
        assertTrue(p.rowTracked());
        p.grad().getRow(4).assign(1);
        p.grad().getRow(1).assign(2);
        p.markRows(new int[] {4, 1});
        p.markRows(new int[] {1});
        assertArrayEquals(new int[] {1, 4}, p.touchedRows());
        p.zeroGrad();
        assertEquals(0, p.touchedRowCount());
        assertEquals(0.0, p.grad().sumNumber().doubleValue());
        // an unmarked write survives zeroGrad: the contract the class comment states
        p.grad().getRow(0).assign(3);
        p.zeroGrad();
        assertEquals(6.0, p.grad().sumNumber().doubleValue());
        Param dense = new Param("d", Param.Kind.WEIGHT, Nd4j.zeros(DataType.FLOAT, 3, 2));
        assertFalse(dense.rowTracked());
        assertArrayEquals(new int[] {0, 1, 2}, dense.touchedRows());
    }

    @Test
    void peerBackwardMarksTheRowsItWrote() {
        Trainer t = trainer(lm(8, 2, 2), 8, 1, true);
        DecoderLm lm = t.model();
        t.trainStep();
        Param u = peer(lm).u();
        int[] rows = u.touchedRows();
        assertArrayEquals(peer(lm).touchedRows(), rows);
        assertTrue(rows.length > 0 && rows.length < 64, "touched " + rows.length);
        Set<Integer> touched = new HashSet<>();
        Arrays.stream(rows).forEach(touched::add);
        INDArray g = u.grad();
        for (int r = 0; r < 64; r++) {
            if (!touched.contains(r)) {
                assertEquals(0.0, g.getRow(r).norm1Number().doubleValue(), 0.0, "row " + r);
            }
        }
        lm.zeroGrads();
        assertEquals(0.0, u.grad().norm1Number().doubleValue(), 0.0);
        assertEquals(0, u.touchedRowCount());
    }

    @Test
    void sparseEqualsDenseBitForBitWhenEveryRowIsTouchedEveryStep() {
        // N = 4 experts and 2 heads × top-2 over 32 tokens: every expert is used in every step (checked)
        Trainer td = trainer(lm(2, 2, 2), 16, 6, false);
        Trainer ts = trainer(lm(2, 2, 2), 16, 6, true);
        assertFalse(td.optimizer().sparseRows());
        assertTrue(ts.optimizer().sparseRows());
        trainRecordingRows(td);
        List<int[]> rows = trainRecordingRows(ts);
        for (int[] r : rows) {
            assertEquals(4, r.length, "a step left an expert untouched: " + Arrays.toString(r));
        }
        assertSameParams(td.model(), ts.model());
    }

    @Test
    void sparseLeavesRowsOutsideTheStepAloneWhereDenseMovesThem() {
        // N = 256 experts, 16 tokens × 1 head × top-2: most rows untouched in any one step
        Trainer td = trainer(lm(16, 1, 2), 8, 2, false);
        Trainer ts = trainer(lm(16, 1, 2), 8, 2, true);
        DecoderLm dense = td.model();
        DecoderLm sparse = ts.model();
        td.trainStep();
        ts.trainStep();
        // step 1: m = v = 0 before it and no decay on the (embedding-kind) tables, so untouched rows stay
        // put in both: the models agree exactly
        assertSameParams(dense, sparse);
        Set<Integer> first = new HashSet<>();
        Arrays.stream(peer(sparse).u().touchedRows()).forEach(first::add);
        INDArray afterFirst = peer(sparse).u().value().dup();
        td.trainStep();
        ts.trainStep();
        Set<Integer> second = new HashSet<>();
        Arrays.stream(peer(sparse).u().touchedRows()).forEach(second::add);
        int onlyFirst = 0;
        for (int r = 0; r < 256; r++) {
            float[] d = peer(dense).u().value().getRow(r).toFloatVector();
            float[] s = peer(sparse).u().value().getRow(r).toFloatVector();
            if (first.contains(r) && !second.contains(r)) {
                onlyFirst++;
                // dense: stale momentum moves the row; sparse: value (and moments) unchanged
                assertArrayEquals(afterFirst.getRow(r).toFloatVector(), s, 0f, "sparse row " + r);
                assertFalse(Arrays.equals(d, s), "dense row " + r + " should have moved");
            } else {
                assertArrayEquals(d, s, 0f, "row " + r);
            }
        }
        assertTrue(onlyFirst > 0, "no row was touched in step 1 only; pick other sizes");
        // everything that is not an expert table still agrees bit for bit
        for (int i = 0; i < dense.params().size(); i++) {
            Param p = dense.params().get(i);
            if (!p.rowTracked()) {
                assertArrayEquals(p.value().data().asFloat(), sparse.params().get(i).value().data().asFloat(), 0f,
                        p.name());
            }
        }
    }

    @Test
    void sparseRunResumedFromACheckpointRetracesTheUninterruptedRunBitForBit(@TempDir Path dir) throws Exception {
        Trainer tw = trainer(lm(16, 2, 4), 8, 6, true);
        List<Double> lossesWhole = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            lossesWhole.add(tw.trainStep().loss());
        }
        Trainer t1 = trainer(lm(16, 2, 4), 8, 6, true);
        List<Double> losses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            losses.add(t1.trainStep().loss());
        }
        Path ckpt = t1.saveCheckpoint(dir, 2);
        Trainer t2 = trainer(lm(16, 2, 4), 8, 6, true);
        t2.resume(ckpt);
        assertTrue(t2.config().sparseExpertUpdates());
        assertTrue(Checkpoint.readState(ckpt).train().sparseExpertUpdates());
        for (int i = 0; i < 3; i++) {
            losses.add(t2.trainStep().loss());
        }
        assertEquals(lossesWhole, losses);
        assertSameParams(tw.model(), t2.model());
    }
}
