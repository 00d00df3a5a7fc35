package org.peerkit.golden;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.nn.CrossEntropy;
import org.peerkit.nn.Embedding;
import org.peerkit.nn.Gelu;
import org.peerkit.nn.Param;
import org.peerkit.nn.Rng;
import org.peerkit.nn.RmsNorm;
import org.peerkit.train.AdamW;
import org.peerkit.train.AdamWConfig;

/**
 * The golden file of the dense step kernels (lib/cuda ops.cu): RMSNorm, GELU (tanh form, nn.Gelu),
 * cross-entropy, embedding and AdamW dense and row-sparse, each from lib's float64 module.
 */
final class OpsGoldenCase {
    static final double RMS_EPS = 1e-5;
    static final double LR = 1e-2;
    static final AdamWConfig ADAM = new AdamWConfig(0.9, 0.95, 1e-8, 0.1, false);

    private OpsGoldenCase() {
    }

    static void write(Path dir, long seed) throws IOException {
        GoldenTensors.write(dir.resolve("ops.safetensors"), seed, OpsGoldenCase::rmsNorm, OpsGoldenCase::gelu,
                OpsGoldenCase::crossEntropy, OpsGoldenCase::embedding, OpsGoldenCase::adamw);
    }

    private static void rmsNorm(Rng rng, GoldenTensors out) {
        RmsNorm norm = new RmsNorm("rms", 96, RMS_EPS, DataType.DOUBLE);
        Param gain = norm.params().get(0);
        gain.value().assign(GoldenTensors.input(rng, 1, 96));
        INDArray x = GoldenTensors.input(rng, 1, 12, 96);
        INDArray dy = GoldenTensors.input(rng, 1, 12, 96);
        out.in("rms.x", x).in("rms.w", gain.value()).in("rms.dy", dy).meta("rms_eps", RMS_EPS);
        out.ref("rms.y", norm.forward(x)).ref("rms.dx", norm.backward(dy)).ref("rms.dw", gain.grad());
    }

    private static void gelu(Rng rng, GoldenTensors out) {
        Gelu gelu = new Gelu("gelu");
        INDArray x = GoldenTensors.input(rng, 2, 1000);
        INDArray dy = GoldenTensors.input(rng, 1, 1000);
        out.in("gelu.x", x).in("gelu.dy", dy).ref("gelu.y", gelu.forward(x)).ref("gelu.dx", gelu.backward(dy));
    }

    private static void crossEntropy(Rng rng, GoldenTensors out) {
        INDArray logits = GoldenTensors.input(rng, 2, 10, 77);
        int[] targets = new int[10];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = rng.nextInt(77);
        }
        CrossEntropy ce = new CrossEntropy();
        double loss = ce.forward(logits, targets);
        out.in("ce.logits", logits).ref("ce.targets", GoldenTensors.ints(targets))
                .ref("ce.loss", Nd4j.createFromArray(new double[] {loss})).ref("ce.dlogits", ce.backward(1.0));
    }

    private static void embedding(Rng rng, GoldenTensors out) {
        Embedding emb = new Embedding("emb", "vocabulary", 50, 24, 1.0, DataType.DOUBLE, rng);
        GoldenTensors.roundToFloat(emb.table().value());
        int[] tokens = new int[30];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = rng.nextInt(20);  // ids below 20 of 50: repeats, and rows no token uses
        }
        INDArray dy = GoldenTensors.input(rng, 1, 30, 24);
        out.in("emb.table", emb.table().value()).ref("emb.tokens", GoldenTensors.ints(tokens)).in("emb.dy", dy);
        out.ref("emb.y", emb.forward(tokens));
        emb.backward(dy);
        out.ref("emb.dtable", emb.table().grad());
    }

    /** Step 1 from zero moments, then the checked step 2, densely and on a few rows only. */
    private static void adamw(Rng rng, GoldenTensors out) {
        INDArray start = GoldenTensors.input(rng, 1, 20, 16);
        INDArray g0 = GoldenTensors.input(rng, 1, 20, 16);
        INDArray g = GoldenTensors.input(rng, 1, 20, 16);
        int[] rows = {1, 4, 5, 13, 19};
        Param dense = new Param("w", Param.Kind.WEIGHT, start.dup());
        Param sparse = new Param("w", Param.Kind.WEIGHT, start.dup()).trackRows();
        AdamW denseOpt = firstStep(dense, g0, false);
        AdamW sparseOpt = firstStep(sparse, g0, true);
        out.in("adam.p", dense.value()).in("adam.g", g).in("adam.m", denseOpt.firstMoments().get("w"))
                .in("adam.v", denseOpt.secondMoments().get("w")).ref("adam.rows", GoldenTensors.ints(rows));
        out.meta("adam_lr", LR).meta("adam_beta1", ADAM.beta1()).meta("adam_beta2", ADAM.beta2())
                .meta("adam_eps", ADAM.eps()).meta("adam_weight_decay", ADAM.weightDecay()).meta("adam_step", 2);
        dense.grad().assign(g);
        denseOpt.step(LR);
        out.ref("adam.p1", dense.value()).ref("adam.m1", denseOpt.firstMoments().get("w"))
                .ref("adam.v1", denseOpt.secondMoments().get("w"));
        sparse.zeroGrad();
        sparse.grad().assign(g);
        sparse.markRows(rows);
        sparseOpt.step(LR);
        out.ref("adam.p1r", sparse.value()).ref("adam.m1r", sparseOpt.firstMoments().get("w"))
                .ref("adam.v1r", sparseOpt.secondMoments().get("w"));
    }

    /** One step from zero moments; the state is then rounded to float32, as the device will hold it. */
    private static AdamW firstStep(Param p, INDArray g0, boolean sparseRows) {
        AdamW opt = new AdamW(List.of(p), ADAM, sparseRows);
        p.grad().assign(g0);
        p.markAllRows();
        opt.step(LR);
        GoldenTensors.roundToFloat(p.value());
        GoldenTensors.roundToFloat(opt.firstMoments().get("w"));
        GoldenTensors.roundToFloat(opt.secondMoments().get("w"));
        return opt;
    }
}
