package org.peerkit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.peerkit.data.BatchSource;
import org.peerkit.model.DecoderLm;
import org.peerkit.model.LmConfig;
import org.peerkit.model.Positions;
import org.peerkit.model.Precision;
import org.peerkit.nn.Buffers;
import org.peerkit.nn.NormKind;
import org.peerkit.nn.Param;
import org.peerkit.nn.Rng;
import org.peerkit.tensor.Activation;

class TrainerTest {

    /** Batch i is half i%2 of {@code full}'s batch i/2 (batch size halved). */
    record Halves(BatchSource full) implements BatchSource {
        public int batchSize() {
            return full.batchSize() / 2;
        }

        public int seqLen() {
            return full.seqLen();
        }

        public int vocabSize() {
            return full.vocabSize();
        }

        public void batch(long index, int[] w) {
            int[] all = new int[full.batchSize() * (full.seqLen() + 1)];
            full.batch(index / 2, all);
            System.arraycopy(all, (int) (index % 2) * w.length, w, 0, w.length);
        }
    }

    /**
     * One batch of random tokens served for every index: only memorisation lowers the loss, and a
     * model trained on it should memorise it.
     */
    record OneRandomBatch(int batchSize, int seqLen, int vocabSize) implements BatchSource {
        public void batch(long index, int[] w) {
            Rng r = new Rng(7);
            for (int i = 0; i < w.length; i++) {
                w[i] = r.nextInt(vocabSize);
            }
        }
    }

    static TrainConfig config(long steps, int accum, double lr) {
        return new TrainConfig(steps, accum, 1.0, new LrSchedule(lr, Math.min(10, (int) steps), steps, 0.1),
                AdamWConfig.defaults(), 7);
    }

    @Test
    void tinyLmOverfitsOneBatch() {
        DecoderLm lm = new DecoderLm(LmConfig.tiny(64), 1);
        BatchSource one = new OneRandomBatch(4, 16, 64);
        Trainer t = new Trainer(lm, one, new TrainConfig(150, 1, 1.0, new LrSchedule(1e-2, 10, 150, 0.1),
                new AdamWConfig(0.9, 0.95, 1e-8, 0.0, false), 7));
        List<Double> losses = LossCurve.train(t);
        assertEquals(Math.log(64), losses.get(0), 0.2);
        assertTrue(losses.get(losses.size() - 1) < 0.05, "final loss " + losses.get(losses.size() - 1));
    }

    @Test
    void twoHalfBatchesAccumulateToTheFullBatch() {
        LmConfig cfg = LmConfig.tiny(32).withPrecision(Precision.DOUBLE);
        BatchSource full = new SyntheticBatches(4, 12, 32, 3);
        DecoderLm a = new DecoderLm(cfg, 9);
        DecoderLm b = new DecoderLm(cfg, 9);
        Trainer ta = new Trainer(a, full, config(3, 1, 1e-3));
        Trainer tb = new Trainer(b, new Halves(full), config(3, 2, 1e-3));
        for (int s = 0; s < 3; s++) {
            StepMetrics ma = ta.trainStep();
            StepMetrics mb = tb.trainStep();
            assertEquals(ma.loss(), mb.loss(), 1e-12, "loss at step " + s);
            assertEquals(ma.gradNorm(), mb.gradNorm(), 1e-12, "grad norm at step " + s);
        }
        for (int i = 0; i < a.params().size(); i++) {
            Param pa = a.params().get(i);
            Param pb = b.params().get(i);
            assertArrayEquals(pa.value().dup().reshape(pa.size()).toDoubleVector(),
                    pb.value().dup().reshape(pb.size()).toDoubleVector(), 1e-12, pa.name());
        }
    }

    @Test
    void evaluationIsTheMeanLossAndLeavesTheModelAlone() {
        DecoderLm lm = new DecoderLm(LmConfig.tiny(32), 1);
        SyntheticBatches val = new SyntheticBatches(2, 8, 32, 99);
        Trainer t = new Trainer(lm, new SyntheticBatches(2, 8, 32, 1), config(4, 1, 1e-3));
        float before = lm.params().get(2).value().getFloat(0);
        int[] w = new int[2 * 9];
        double expected = 0;
        for (int i = 0; i < 3; i++) {
            val.batch(5 + i, w);
            expected += lm.forwardLoss(w, 2) / 3;
        }
        assertEquals(expected, t.evaluate(val, 5, 3), 1e-12);
        assertEquals(before, lm.params().get(2).value().getFloat(0));
        t.trainStep();  // a forward-only evaluation does not disturb the next step's forward/backward pairing
    }

    @Test
    void evalListenerTracksHeldOutLossAsItFalls(@TempDir Path dir) throws Exception {
        DecoderLm lm = new DecoderLm(LmConfig.tiny(32), 1);
        Trainer t = new Trainer(lm, new SyntheticBatches(8, 16, 32, 1), config(60, 1, 3e-3));
        EvalListener eval = new EvalListener(new SyntheticBatches(8, 16, 32, 2), 30, 2, dir.resolve("eval.csv"));
        t.addListener(eval).run();
        assertEquals(List.of(30L, 60L), eval.evals().stream().map(EvalListener.Eval::step).toList());
        assertTrue(eval.evals().get(1).loss() < Math.log(32) - 0.5, "held-out loss " + eval.evals().get(1).loss());
        List<String> lines = Files.readAllLines(dir.resolve("eval.csv"));
        assertEquals("step,val_loss,val_ppl", lines.get(0));
        assertTrue(lines.get(2).startsWith("60,"), lines.get(2));
    }

    @Test
    void steadyStateStepsAllocateNoNewArrays() {
        LmConfig cfg = LmConfig.tiny(64).withOptions(Positions.ROTARY, NormKind.LAYER,
                Activation.GELU, false, true);
        Trainer t = new Trainer(new DecoderLm(cfg, 1), new SyntheticBatches(2, 16, 64, 1), config(6, 2, 1e-3));
        t.trainStep();
        t.trainStep();
        long before = Buffers.allocations();
        for (int i = 0; i < 3; i++) {
            t.trainStep();
        }
        assertEquals(before, Buffers.allocations(), "buffers allocated after warm-up");
    }

    @Test
    void nanLossStopsWithTheStepAndKeepsTheLastGoodCheckpoint(@TempDir Path dir) throws Exception {
        DecoderLm lm = new DecoderLm(LmConfig.tiny(32), 1);
        Trainer t = new Trainer(lm, new SyntheticBatches(2, 8, 32, 1), config(10, 1, 1e-3));
        t.addListener(new CheckpointListener(dir, 2, 3));
        t.addListener(new TrainListener() {
            @Override
            public void onStep(Trainer tr, StepMetrics m) {
                if (m.step() == 4) {  // poison a weight after step 4 has been checkpointed
                    lm.params().get(3).value().putScalar(0, Float.NaN);
                }
            }
        });
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, t::run);
        assertEquals(5, e.step());
        assertTrue(e.getMessage().contains("loss is NaN at step 5") && e.getMessage().contains(
                "last good checkpoint is step 4"), e.getMessage());
        assertEquals(dir.resolve("step-00000004"), Checkpoint.latest(dir).orElseThrow());
        DecoderLm fresh = new DecoderLm(LmConfig.tiny(32), 2);
        assertEquals(4, Checkpoint.load(Checkpoint.latest(dir).orElseThrow(), fresh, null).step());
        assertTrue(Double.isFinite(fresh.params().get(3).value().getDouble(0)));
    }

    @Test
    void listenersWriteCsvAndConsoleAndTheDataMustFitTheModel(@TempDir Path dir) throws Exception {
        DecoderLm lm = new DecoderLm(LmConfig.tiny(32), 1);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Path csv = dir.resolve("metrics.csv");
        Trainer t = new Trainer(lm, new SyntheticBatches(2, 8, 32, 1), config(4, 1, 1e-3));
        t.addListener(new ConsoleListener(new PrintStream(console, true), 2)).addListener(new CsvMetricsListener(csv))
                .addListener(new ProgressListener());
        t.run();
        List<String> lines = Files.readAllLines(csv);
        assertEquals(CsvMetricsListener.HEADER, lines.get(0));
        assertEquals(5, lines.size());
        assertTrue(lines.get(4).startsWith("4,64,"), lines.get(4));
        assertTrue(console.toString().contains("step      4/4"), console.toString());
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(lm, new SyntheticBatches(2, 8, 100, 1), config(4, 1, 1e-3)));
        assertTrue(e.getMessage().contains("vocabSize=100 but the model only 32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(lm, new SyntheticBatches(2, 100, 32, 1), config(4, 1, 1e-3)));
        assertTrue(e.getMessage().contains("seqLen=100 exceeds the model's contextLength=64"), e.getMessage());
    }
}
