package org.peerkit.golden;

import java.io.IOException;
import java.nio.file.Path;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.ffw.DenseFfw;
import org.peerkit.ffw.QueryBatchNorm;
import org.peerkit.tensor.Activation;
import org.peerkit.nn.CausalSelfAttention;
import org.peerkit.nn.LayerNorm;
import org.peerkit.nn.Param;
import org.peerkit.nn.Rng;
import org.peerkit.tensor.CpuKernels;
import org.peerkit.tensor.Kernels;

/**
 * The golden file of the other layers of a decoder step on the GPU: LayerNorm, the dense FFW
 * (Linear with bias, GELU, Linear), PKM's weighted bag of value rows (Kernels.bagForward and
 * bagBackward), causal self-attention without rotary positions and PEER's query BatchNorm in
 * training mode, each from lib's float64 path.
 */
final class StepGoldenCase {
    static final double LN_EPS = 1e-5;

    private StepGoldenCase() {
    }

    static void write(Path dir, long seed) throws IOException {
        GoldenTensors.write(dir.resolve("step.safetensors"), seed, StepGoldenCase::layerNorm, StepGoldenCase::denseFfw,
                StepGoldenCase::bag, StepGoldenCase::attention, StepGoldenCase::batchNorm);
    }

    private static void layerNorm(Rng rng, GoldenTensors out) {
        LayerNorm ln = new LayerNorm("ln", 80, LN_EPS, DataType.DOUBLE);
        Param gain = ln.params().get(0);
        Param bias = ln.params().get(1);
        gain.value().assign(GoldenTensors.input(rng, 1, 80));
        bias.value().assign(GoldenTensors.input(rng, 1, 80));
        INDArray x = GoldenTensors.input(rng, 1, 9, 80).addi(3);  // a row mean far from 0
        GoldenTensors.roundToFloat(x);
        INDArray dy = GoldenTensors.input(rng, 1, 9, 80);
        out.in("ln.x", x).in("ln.g", gain.value()).in("ln.b", bias.value()).in("ln.dy", dy).meta("ln_eps", LN_EPS);
        out.ref("ln.y", ln.forward(x)).ref("ln.dx", ln.backward(dy)).ref("ln.dg", gain.grad()).ref("ln.db", bias.grad());
    }

    private static void denseFfw(Rng rng, GoldenTensors out) {
        DenseFfw ffw = new DenseFfw("ffw", 64, 96, Activation.GELU, true, 0.2, 0.1, DataType.DOUBLE, rng);
        for (Param p : ffw.params()) {
            p.value().assign(GoldenTensors.input(rng, 0.2, p.shape()));
        }
        INDArray x = GoldenTensors.input(rng, 1, 20, 64);
        INDArray dy = GoldenTensors.input(rng, 1, 20, 64);
        String[] names = {"ffw.w1", "ffw.b1", "ffw.w2", "ffw.b2"};
        for (int i = 0; i < names.length; i++) {
            out.in(names[i], ffw.params().get(i).value());
        }
        out.in("ffw.x", x).in("ffw.dy", dy).ref("ffw.y", ffw.forward(x)).ref("ffw.dx", ffw.backward(dy));
        for (int i = 0; i < names.length; i++) {
            out.ref(names[i].replace("ffw.", "ffw.d"), ffw.params().get(i).grad());
        }
    }

    private static void bag(Rng rng, GoldenTensors out) {
        int t = 12;
        int m = 6;
        int n = 40;
        int d = 32;
        int[] expert = new int[t * m];
        for (int i = 0; i < expert.length; i++) {
            expert[i] = rng.nextInt(n);
        }
        INDArray gates = GoldenTensors.input(rng, 1, t, m);
        INDArray v = GoldenTensors.input(rng, 1, n, d);
        INDArray dy = GoldenTensors.input(rng, 1, t, d);
        Kernels k = new CpuKernels();
        INDArray y = Nd4j.zeros(DataType.DOUBLE, t, d);
        k.bagForward(expert, gates, v, y);
        INDArray dGates = Nd4j.zeros(DataType.DOUBLE, t, m);
        INDArray dv = Nd4j.zeros(DataType.DOUBLE, n, d);
        int[] touched = k.bagBackward(dy, expert, gates, v, dGates, dv);
        out.ref("bag.expert", GoldenTensors.ints(expert)).in("bag.gates", gates).in("bag.v", v).in("bag.dy", dy);
        out.ref("bag.y", y).ref("bag.dgates", dGates).ref("bag.dv", dv)
                .ref("bag.touched_rows", Nd4j.createFromArray(new double[] {touched.length}));
    }

    private static void attention(Rng rng, GoldenTensors out) {
        int batch = 2;
        int seq = 7;
        int d = 32;
        CausalSelfAttention att = new CausalSelfAttention("att", d, 4, true, 0.3, 0.3, null, DataType.DOUBLE, rng);
        String[] names = {"att.wqkv", "att.bqkv", "att.wproj", "att.bproj"};
        for (int i = 0; i < names.length; i++) {
            Param p = att.params().get(i);
            p.value().assign(GoldenTensors.input(rng, 0.3, p.shape()));
            out.in(names[i], p.value());
        }
        INDArray x = GoldenTensors.input(rng, 1, batch, seq, d);
        INDArray dy = GoldenTensors.input(rng, 1, batch, seq, d);
        out.in("att.x", x).in("att.dy", dy).meta("att_heads", 4);
        out.ref("att.y", att.forward(x)).ref("att.dx", att.backward(dy));
        for (int i = 0; i < names.length; i++) {
            out.ref(names[i].replace("att.", "att.d"), att.params().get(i).grad());
        }
    }

    private static void batchNorm(Rng rng, GoldenTensors out) {
        QueryBatchNorm bn = new QueryBatchNorm("bn", 40, DataType.DOUBLE);
        bn.gamma().value().assign(GoldenTensors.input(rng, 1, 40));
        bn.beta().value().assign(GoldenTensors.input(rng, 1, 40));
        INDArray x = GoldenTensors.input(rng, 2, 50, 40).addi(1.5);
        GoldenTensors.roundToFloat(x);
        INDArray dy = GoldenTensors.input(rng, 1, 50, 40);
        out.in("bn.x", x).in("bn.gamma", bn.gamma().value()).in("bn.beta", bn.beta().value()).in("bn.dy", dy);
        out.in("bn.run_mean0", Nd4j.createFromArray(bn.runningMean().clone()))
                .in("bn.run_var0", Nd4j.createFromArray(bn.runningVar().clone()));
        bn.setTraining(true);
        out.ref("bn.y", bn.forward(x)).ref("bn.dx", bn.backward(dy)).ref("bn.dgamma", bn.gamma().grad())
                .ref("bn.dbeta", bn.beta().grad()).ref("bn.run_mean", Nd4j.createFromArray(bn.runningMean().clone()))
                .ref("bn.run_var", Nd4j.createFromArray(bn.runningVar().clone()));
    }
}
