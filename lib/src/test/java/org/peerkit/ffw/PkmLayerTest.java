package org.peerkit.ffw;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.peerkit.nn.GradCheck;
import org.peerkit.nn.Param;
import org.peerkit.nn.Rng;

/** PKM: finite-difference gradients in double for shared and per-head keys, with and without BN. */
class PkmLayerTest {

    @ParameterizedTest
    @CsvSource({"true,true", "false,true", "false,false"})
    void gradientsMatchFiniteDifferences(boolean shared, boolean bn) {
        PkmLayer layer = new PkmLayer("pkm", PkmConfig.defaults().withDModel(5).withHeads(2).withK(3)
                .withDKey(4).withNumExperts(16)
                .withSharedKeys(shared).withQueryBatchNorm(bn), DataType.DOUBLE, new Rng(3));
        Rng rng = new Rng(8);
        INDArray x = rng.normal(DataType.DOUBLE, 1.0, 6, 5);
        INDArray dy = rng.normal(DataType.DOUBLE, 1.0, 6, 5);
        layer.forward(x);
        INDArray dx = layer.backward(dy).dup();
        DoubleSupplier loss = () -> layer.forward(x).mul(dy).sumNumber().doubleValue();
        check("x", dx, GradCheck.numeric(x, loss));
        for (Param p : layer.params()) {
            check(p.name(), p.grad().dup(), GradCheck.numeric(p.value(), loss));
        }
    }

    @Test
    void badConfigsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PkmConfig.defaults().withNumExperts(1000));
        assertTrue(e.getMessage().contains("numExperts=1000 is not a perfect square"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PkmConfig.defaults().withDKey(127));
        assertTrue(e.getMessage().contains("dKey=127 must be even"), e.getMessage());
    }

    private static void check(String what, INDArray analytic, double[] numeric) {
        double rel = GradCheck.relError(analytic.dup('c').data().asDouble(), numeric);
        assertTrue(rel <= GradCheck.TOLERANCE, what + ": relative error " + rel);
    }
}
