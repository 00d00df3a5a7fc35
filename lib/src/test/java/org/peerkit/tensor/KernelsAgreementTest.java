package org.peerkit.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.peerkit.ffw.PeerConfig;
import org.peerkit.ffw.PeerLayer;
import org.peerkit.nn.Param;
import org.peerkit.nn.Rng;

/**
 * The float fast path computes what the exact (double) reference does, within float round-off:
 * a PEER layer built from the same seed runs once in FLOAT and once in DOUBLE (the path the
 * gradient checks test), on the same inputs.
 */
class KernelsAgreementTest {

    @ParameterizedTest
    @CsvSource({"GELU,true,300,64", "RELU,false,37,256", "GELU,false,2100,16"})
    void floatFastPathAgreesWithExactReference(Activation act, boolean bn, int tokens, int experts) {
        PeerConfig cfg = PeerConfig.defaults().withDModel(12).withHeads(3).withK(4).withDKey(8)
                .withNumExperts(experts)
                .withActivation(act).withQueryBatchNorm(bn);
        PeerLayer exact = new PeerLayer("peer", cfg, DataType.DOUBLE, new Rng(5));
        PeerLayer fast = new PeerLayer("peer", cfg, DataType.FLOAT, new Rng(5));
        for (int i = 0; i < exact.params().size(); i++) {
            fast.params().get(i).value().assign(exact.params().get(i).value());
        }
        Rng rng = new Rng(6);
        INDArray x = rng.normal(DataType.DOUBLE, 1, tokens, 12);
        INDArray dy = rng.normal(DataType.DOUBLE, 1, tokens, 12);
        INDArray yExact = exact.forward(x);
        INDArray yFast = fast.forward(x.castTo(DataType.FLOAT));
        assertArrayEquals(exact.routing().expertTHK(), fast.routing().expertTHK(),
                "the float scores choose the same experts (random data has no near-ties at this size)");
        close("y", yFast, yExact);
        close("dx", fast.backward(dy.castTo(DataType.FLOAT)), exact.backward(dy));
        assertArrayEquals(exact.touchedRows(), fast.touchedRows());
        for (int i = 0; i < exact.params().size(); i++) {
            Param p = exact.params().get(i);
            close(p.name(), fast.params().get(i).grad(), p.grad());
        }
    }

    private static void close(String what, INDArray fast, INDArray exact) {
        double diff = fast.castTo(DataType.DOUBLE).sub(exact).norm2Number().doubleValue();
        double norm = exact.norm2Number().doubleValue();
        assertTrue(diff <= 1e-5 * Math.max(norm, 1e-30), what + ": ‖float − double‖ = " + diff + " vs ‖double‖ " + norm);
    }
}
