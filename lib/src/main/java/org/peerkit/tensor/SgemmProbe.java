package org.peerkit.tensor;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Measures this machine's single-precision GEMM throughput: the measure every PEERkit benchmark
 * reports its own GFLOP/s against, because absolute times on shared 2-core machines swing by 2×.
 * Uses a preallocated output ({@code Nd4j.gemm(a, b, c, …)}): the allocating {@code mmul} is 2–4×
 * slower on ND4J M2.1 and would understate the machine.
 */
public final class SgemmProbe {
    private SgemmProbe() {}

    /** Median GFLOP/s of {@code reps} n×n×n sgemm calls after {@code warmup} untimed ones. */
    public static double gflops(int n, int warmup, int reps) {
        if (n < 1 || warmup < 0 || reps < 1) {
            throw new IllegalArgumentException("sgemm probe needs n>=1, warmup>=0, reps>=1; got n=" + n
                    + ", warmup=" + warmup + ", reps=" + reps);
        }
        Backend.start();
        try (INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
             INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
             INDArray c = Nd4j.zeros(DataType.FLOAT, n, n)) {
            for (int i = 0; i < warmup; i++) {
                Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            }
            double[] seconds = new double[reps];
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
                Nd4j.getExecutioner().commit(); // asynchronous backends: wait for the result
                seconds[i] = (System.nanoTime() - t0) * 1e-9;
            }
            Arrays.sort(seconds);
            double median = seconds[reps / 2];
            return 2.0 * n * n * (double) n / median / 1e9;
        }
    }
}
