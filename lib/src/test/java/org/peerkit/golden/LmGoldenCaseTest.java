package org.peerkit.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.ffw.PkmLayer;
import org.peerkit.model.DecoderLm;
import org.peerkit.model.Precision;
import org.peerkit.nn.Param;
import org.peerkit.tensor.Backend;
import org.peerkit.tensor.BackendKind;
import org.peerkit.train.AdamW;
import org.peerkit.train.GradClip;
import org.peerkit.train.SafeTensors;

/**
 * The whole-LM golden files (lm_dense, lm_peer): lib's own float32 model, loaded from a file and
 * stepped as the Trainer steps, lands within the tolerance the GPU suite applies to the device LM
 * (lib/cuda LmGolden.TOLERANCE), so that tolerance is one float32 arithmetic can meet.
 */
class LmGoldenCaseTest {
    /** lib/cuda LmGolden.TOLERANCE: max|got − ref| / max|ref| per array. */
    private static final double TOLERANCE = 1e-4;

    @TempDir
    static Path dir;

    @BeforeAll
    static void write() throws IOException {
        Backend.start(BackendKind.CPU);
        for (LmGoldenCase c : LmGoldenCase.cases()) {
            c.write(dir);
        }
    }

    @Test
    void float32StepOfLibMeetsTheDeviceTolerance() throws IOException {
        for (LmGoldenCase c : LmGoldenCase.cases()) {
            DecoderLm lm = c.model(Precision.FLOAT);
            Path file = dir.resolve(c.name() + ".safetensors");
            SafeTensors.readInto(file, LmGoldenCase.values(lm));
            Map<String, INDArray> ref = refs(file, lm);
            lm.zeroGrads();
            double loss = lm.forwardLoss(c.windows(), c.batch());
            lm.backward(1.0);
            assertEquals(ref.get("loss").getDouble(0), loss, 1e-5 * loss, c.name() + " loss");
            for (Param p : lm.params()) {
                assertClose(ref.get("g." + p.name()), p.grad(), c.name() + " gradient " + p.name());
            }
            AdamW opt = new AdamW(lm.params(), LmGoldenCase.ADAM, true);
            readMoments(file, lm, opt);
            GradClip.clip(lm.params(), LmGoldenCase.CLIP, true);
            opt.step(LmGoldenCase.LR);
            for (Param p : lm.params()) {
                assertClose(ref.get("p1." + p.name()), p.value(), c.name() + " parameter after " + p.name());
                assertClose(ref.get("m1." + p.name()), opt.firstMoments().get(p.name()), c.name() + " m " + p.name());
                assertClose(ref.get("v1." + p.name()), opt.secondMoments().get(p.name()), c.name() + " v " + p.name());
            }
        }
    }

    @Test
    void anUpdateWithoutClippingMissesTheTolerance() throws IOException {
        LmGoldenCase c = LmGoldenCase.cases().get(0);
        DecoderLm lm = c.model(Precision.FLOAT);
        Path file = dir.resolve(c.name() + ".safetensors");
        SafeTensors.readInto(file, LmGoldenCase.values(lm));
        Map<String, INDArray> ref = refs(file, lm);
        lm.zeroGrads();
        lm.forwardLoss(c.windows(), c.batch());
        lm.backward(1.0);
        AdamW opt = new AdamW(lm.params(), LmGoldenCase.ADAM, true);
        readMoments(file, lm, opt);
        opt.step(LmGoldenCase.LR);
        double worst = 0;
        for (Param p : lm.params()) {
            worst = Math.max(worst, relErr(ref.get("p1." + p.name()), p.value()));
        }
        assertTrue(worst > 10 * TOLERANCE, "unclipped update misses by " + worst);
    }

    @Test
    void thePeerStepIsRowSparseAndClipped() throws IOException {
        LmGoldenCase c = LmGoldenCase.cases().get(1);
        DecoderLm lm = c.model(Precision.DOUBLE);
        Map<String, INDArray> ref = refs(dir.resolve(c.name() + ".safetensors"), lm);
        String u = "blocks." + c.cfg().middleBlock() + ".ffw.u";
        INDArray before = ref.get("p." + u);
        INDArray after = ref.get("p1." + u);
        INDArray grad = ref.get("g." + u);
        int moved = 0;
        for (int row = 0; row < before.rows(); row++) {
            boolean touched = grad.getRow(row).amaxNumber().doubleValue() > 0;
            boolean changed = !before.getRow(row).equals(after.getRow(row));
            assertEquals(touched, changed, u + " row " + row + ": only rows with a gradient move");
            moved += changed ? 1 : 0;
        }
        assertTrue(moved > 0 && moved < before.rows(), moved + " of " + before.rows() + " expert rows moved");
        assertTrue(ref.get("grad_norm").getDouble(0) > LmGoldenCase.CLIP, "the step is clipped");
    }

    @Test
    void benchSpecsCarryLibsFlopCounts() throws IOException {
        LmBenchSpec.write(dir);
        Properties p = new Properties();
        p.load(Files.newBufferedReader(dir.resolve(LmBenchSpec.FILE)));
        List<LmBenchSpec> specs = LmBenchSpec.specs();
        assertEquals(String.join(",", specs.stream().map(LmBenchSpec::name).toList()), p.getProperty("names"));
        long dense = Long.parseLong(p.getProperty(specs.get(0).name() + ".training_flops_per_token"));
        long peer = Long.parseLong(p.getProperty(specs.get(1).name() + ".training_flops_per_token"));
        long pkm = Long.parseLong(p.getProperty(specs.get(2).name() + ".training_flops_per_token"));
        assertTrue(dense > 0 && peer < dense, dense + " vs " + peer + ": PEER h 8 k 16 is cheaper than 4·D·4D");
        // the expert layer's forward FLOPs replace the dense FFW's 4·D·F, times 3 for training
        assertEquals(dense + 3 * (PkmLayer.forwardFlopsPerToken(512, 256, 8, 32, 128) - 4L * 512 * 2048),
                pkm);
        assertEquals("PKM", p.getProperty(specs.get(2).name() + ".kind"));
    }

    /** Every reference array of the file (float64), plus the float32 inputs widened. */
    private static Map<String, INDArray> refs(Path file, DecoderLm lm) throws IOException {
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put("loss", Nd4j.zeros(DataType.DOUBLE, 1));
        m.put("grad_norm", Nd4j.zeros(DataType.DOUBLE, 1));
        for (Param p : lm.params()) {
            for (String k : new String[] {"g.", "p1.", "m1.", "v1."}) {
                m.put(k + p.name(), Nd4j.zeros(DataType.DOUBLE, p.shape()));
            }
        }
        Map<String, INDArray> in = new LinkedHashMap<>();
        lm.params().forEach(p -> in.put("p." + p.name(), Nd4j.zeros(DataType.FLOAT, p.shape())));
        SafeTensors.readInto(file, m);
        SafeTensors.readInto(file, in);
        in.forEach((k, v) -> m.put(k, v.castTo(DataType.DOUBLE)));
        return m;
    }

    private static void readMoments(Path file, DecoderLm lm, AdamW opt) throws IOException {
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (Param p : lm.params()) {
            m.put("m." + p.name(), opt.firstMoments().get(p.name()));
            m.put("v." + p.name(), opt.secondMoments().get(p.name()));
        }
        SafeTensors.readInto(file, m);
        opt.setStepCount(LmGoldenCase.STEP - 1);
    }

    private static double relErr(INDArray ref, INDArray got) {
        double scale = ref.amaxNumber().doubleValue();
        return got.castTo(DataType.DOUBLE).sub(ref).amaxNumber().doubleValue() / (scale == 0 ? 1 : scale);
    }

    private static void assertClose(INDArray ref, INDArray got, String what) {
        double err = relErr(ref, got);
        assertTrue(err <= TOLERANCE, what + ": relative error " + err + " above " + TOLERANCE);
    }
}
