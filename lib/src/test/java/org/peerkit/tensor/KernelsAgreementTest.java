package org.peerkit.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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

    /** PKM's value bag: the float path (FloatBag) against the double reference on the same routing. */
    @ParameterizedTest
    @CsvSource({"300,64,8,12", "37,1024,4,16"})
    void floatValueBagAgreesWithExactReference(int tokens, int values, int m, int d) {
        Rng rng = new Rng(9);
        int[] expertTM = new int[tokens * m];
        for (int i = 0; i < expertTM.length; i++) {
            expertTM[i] = (int) ((i * 2654435761L) % values);
        }
        INDArray gates = rng.normal(DataType.DOUBLE, 1, tokens, m);
        INDArray v = rng.normal(DataType.DOUBLE, 1, values, d);
        INDArray dy = rng.normal(DataType.DOUBLE, 1, tokens, d);
        CpuKernels k = new CpuKernels();
        INDArray yExact = Nd4j.zeros(DataType.DOUBLE, tokens, d);
        INDArray yFast = Nd4j.zeros(DataType.FLOAT, tokens, d);
        k.bagForward(expertTM, gates, v, yExact);
        k.bagForward(expertTM, gates.castTo(DataType.FLOAT), v.castTo(DataType.FLOAT), yFast);
        close("y", yFast, yExact);
        INDArray dgExact = Nd4j.zeros(DataType.DOUBLE, tokens, m);
        INDArray dgFast = Nd4j.zeros(DataType.FLOAT, tokens, m);
        INDArray dvExact = Nd4j.ones(DataType.DOUBLE, values, d);
        INDArray dvFast = Nd4j.ones(DataType.FLOAT, values, d);
        int[] touchedExact = k.bagBackward(dy, expertTM, gates, v, dgExact, dvExact);
        int[] touchedFast = k.bagBackward(dy.castTo(DataType.FLOAT), expertTM, gates.castTo(DataType.FLOAT),
                v.castTo(DataType.FLOAT), dgFast, dvFast);
        assertArrayEquals(touchedExact, touchedFast);
        close("dGates", dgFast, dgExact);
        close("dv (accumulated onto ones)", dvFast, dvExact);
    }

    private static void close(String what, INDArray fast, INDArray exact) {
        double diff = fast.castTo(DataType.DOUBLE).sub(exact).norm2Number().doubleValue();
        double norm = exact.norm2Number().doubleValue();
        assertTrue(diff <= 1e-5 * Math.max(norm, 1e-30), what + ": ‖float − double‖ = " + diff + " vs ‖double‖ " + norm);
    }
}
