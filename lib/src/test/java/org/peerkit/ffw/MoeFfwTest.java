package org.peerkit.ffw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.peerkit.nn.Buffers;
import org.peerkit.nn.GradCheck;
import org.peerkit.nn.Param;
import org.peerkit.nn.Rng;
import org.peerkit.tensor.Activation;

/** Coarse MoE: MoE(1 expert) == dense, finite-difference gradients for both routers, capacity. */
class MoeFfwTest {

    @Test
    void oneExpertEqualsDenseWithSameWeights() {
        MoeConfig cfg = MoeConfig.defaults().withDModel(6).withRouter(MoeConfig.RouterKind.TOKEN_CHOICE, 1)
                .withExperts(1, 5).withCapacityFactor(1.0).withAuxLosses(0, 0);
        MoeFfw moe = new MoeFfw("moe", cfg, DataType.DOUBLE, new Rng(1));
        DenseFfw dense = new DenseFfw("dense", 6, 5, Activation.GELU, true, 0.5, 0.5, DataType.DOUBLE, new Rng(2));
        List<Param> from = moe.expert(0).params();
        for (int i = 0; i < from.size(); i++) {
            dense.params().get(i).value().assign(from.get(i).value());
        }
        Rng rng = new Rng(3);
        INDArray x = rng.normal(DataType.DOUBLE, 1, 7, 6);
        INDArray dy = rng.normal(DataType.DOUBLE, 1, 7, 6);
        assertEquals(dense.forward(x), moe.forward(x));
        assertEquals(dense.backward(dy), moe.backward(dy));
        for (int i = 0; i < from.size(); i++) {
            assertEquals(dense.params().get(i).grad(), from.get(i).grad());
        }
    }

    @ParameterizedTest
    @CsvSource({"TOKEN_CHOICE,1,2.0", "TOKEN_CHOICE,2,0.6", "EXPERT_CHOICE,1,1.0"})
    void gradientsMatchFiniteDifferences(MoeConfig.RouterKind kind, int topK, double cf) {
        MoeFfw moe = moe(MoeConfig.defaults().withDModel(5).withExperts(3, 4).withAuxLosses(0.05, 0.01), kind, topK,
                cf, DataType.DOUBLE, 11);
        Rng rng = new Rng(12);
        INDArray x = rng.normal(DataType.DOUBLE, 1, 8, 5);
        INDArray dy = rng.normal(DataType.DOUBLE, 1, 8, 5);
        moe.forward(x);
        INDArray dx = moe.backward(dy).dup();
        DoubleSupplier loss = () -> moe.forward(x).mul(dy).sumNumber().doubleValue() + moe.auxLoss();
        check("x", dx, GradCheck.numeric(x, loss));
        for (Param p : moe.params()) {
            check(p.name(), p.grad().dup(), GradCheck.numeric(p.value(), loss));
        }
    }

    @ParameterizedTest
    @CsvSource({"TOKEN_CHOICE,2,1.25", "EXPERT_CHOICE,1,1.0"})
    void steadyStepsAllocateNoNewBuffers(MoeConfig.RouterKind kind, int topK, double cf) {
        // fixed-capacity dispatch: routing changes every step, the buffers' shapes must not
        MoeFfw moe = moe(MoeConfig.defaults().withDModel(8).withExperts(4, 6).withAuxLosses(0.01, 0.001), kind, topK,
                cf, DataType.FLOAT, 21);
        Rng rng = new Rng(22);
        INDArray dy = rng.normal(DataType.FLOAT, 1, 32, 8);
        moe.forward(rng.normal(DataType.FLOAT, 1, 32, 8));
        moe.backward(dy);
        long before = Buffers.allocations();
        for (int step = 0; step < 3; step++) {
            moe.forward(rng.normal(DataType.FLOAT, 1, 32, 8));  // new inputs: new routing each step
            moe.backward(dy);
        }
        assertEquals(before, Buffers.allocations());
    }

    @Test
    void dispatchOverCapacityIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Dispatch(new int[][] {{0, 1, 2}}, new double[][] {{1, 1, 1}}, 2, 0, 3));
        assertTrue(e.getMessage().contains("expert 0 got 3 tokens") && e.getMessage().contains("capacity is 2"),
                e.getMessage());
    }

    @Test
    void capacityDropsAreCounted() {
        MoeConfig cfg = MoeConfig.defaults().withDModel(4).withRouter(MoeConfig.RouterKind.TOKEN_CHOICE, 2)
                .withExperts(4, 3).withCapacityFactor(0.5).withAuxLosses(0, 0).withActivation(Activation.RELU);
        MoeFfw moe = new MoeFfw("moe", cfg, DataType.FLOAT, new Rng(1));
        moe.forward(new Rng(2).normal(DataType.FLOAT, 1, 16, 4));
        Dispatch d = moe.lastDispatch();
        int kept = 0;
        for (int[] t : d.tokens()) {
            assertTrue(t.length <= 4, "capacity ⌈0.5·16·2/4⌉ = 4");
            kept += t.length;
        }
        assertEquals(32, d.requested());
        assertEquals(32 - kept, d.dropped());
        assertTrue(d.dropped() >= 16);
    }

    @Test
    void badCapacityFactorIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MoeConfig.defaults().withCapacityFactor(0.0));
        assertTrue(e.getMessage().contains("capacityFactor=0.0 must be > 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MoeConfig.defaults().withCapacityFactor(-1.5));
        assertTrue(e.getMessage().contains("capacityFactor=-1.5 must be > 0"), e.getMessage());
    }

    /** {@code base} routed by {@code kind} (top-{@code topK}, capacity factor {@code cf}), drawn from {@code seed}. */
    private static MoeFfw moe(MoeConfig base, MoeConfig.RouterKind kind, int topK, double cf, DataType dtype, long seed) {
        return new MoeFfw("moe", base.withRouter(kind, topK).withCapacityFactor(cf), dtype, new Rng(seed));
    }

    private static void check(String what, INDArray analytic, double[] numeric) {
        double rel = GradCheck.relError(analytic.dup('c').data().asDouble(), numeric);
        assertTrue(rel <= GradCheck.TOLERANCE, what + ": relative error " + rel);
    }
}
