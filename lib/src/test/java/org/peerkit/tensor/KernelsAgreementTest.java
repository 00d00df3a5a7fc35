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

/** The plain-Java and the ND4J-ops kernels compute the same PEER and value-bag passes. */
class KernelsAgreementTest {

    @ParameterizedTest
    @CsvSource({"GELU,true,300", "RELU,false,37"})
    void peerLayerAgrees(ExpertActivation act, boolean bn, int tokens) {
        PeerConfig cfg = new PeerConfig(12, 256, 3, 5, 8, act, bn);
        PeerLayer cpu = new PeerLayer("peer", cfg, DataType.DOUBLE, new Rng(5), new CpuKernels());
        PeerLayer nd4j = new PeerLayer("peer", cfg, DataType.DOUBLE, new Rng(5), new Nd4jKernels());
        Rng rng = new Rng(6);
        INDArray x = rng.normal(DataType.DOUBLE, 1, tokens, 12);
        INDArray dy = rng.normal(DataType.DOUBLE, 1, tokens, 12);
        close("y", cpu.forward(x), nd4j.forward(x));
        assertArrayEquals(cpu.routing().expertTHK(), nd4j.routing().expertTHK());
        close("dx", cpu.backward(dy), nd4j.backward(dy));
        assertArrayEquals(cpu.touchedRows(), nd4j.touchedRows());
        for (int i = 0; i < cpu.params().size(); i++) {
            Param p = cpu.params().get(i);
            close(p.name(), p.grad(), nd4j.params().get(i).grad());
        }
    }

    @ParameterizedTest
    @CsvSource({"300", "5"})
    void valueBagAgrees(int tokens) {
        Rng rng = new Rng(tokens);
        int m = 6;
        INDArray v = rng.normal(DataType.DOUBLE, 1, 40, 7);
        INDArray gates = rng.normal(DataType.DOUBLE, 1, tokens, m);
        INDArray dy = rng.normal(DataType.DOUBLE, 1, tokens, 7);
        int[] experts = new int[tokens * m];
        for (int i = 0; i < experts.length; i++) {
            experts[i] = rng.nextInt(40);
        }
        Kernels[] ks = {new CpuKernels(), new Nd4jKernels()};
        INDArray[] y = new INDArray[2];
        INDArray[] dg = new INDArray[2];
        INDArray[] dv = new INDArray[2];
        int[][] touched = new int[2][];
        for (int i = 0; i < 2; i++) {
            y[i] = Nd4j.zeros(DataType.DOUBLE, tokens, 7);
            dg[i] = Nd4j.zeros(DataType.DOUBLE, tokens, m);
            dv[i] = Nd4j.zeros(DataType.DOUBLE, 40, 7);
            ks[i].bagForward(experts, gates, v, y[i]);
            touched[i] = ks[i].bagBackward(dy, experts, gates, v, dg[i], dv[i]);
        }
        close("y", y[0], y[1]);
        close("dGates", dg[0], dg[1]);
        close("dv", dv[0], dv[1]);
        assertArrayEquals(touched[0], touched[1]);
    }

    private static void close(String what, INDArray a, INDArray b) {
        double diff = a.sub(b).norm2Number().doubleValue();
        double norm = b.norm2Number().doubleValue();
        assertTrue(diff <= 1e-12 * Math.max(norm, 1e-30), what + ": ‖cpu − nd4j‖ = " + diff + " vs ‖nd4j‖ " + norm);
    }
}
