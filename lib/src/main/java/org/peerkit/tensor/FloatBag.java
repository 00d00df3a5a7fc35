package org.peerkit.tensor;

import java.util.Arrays;

/**
 * PKM's value bag ({@link Kernels#bagForward}, {@link Kernels#bagBackward}) on float32 storage, the
 * fast path beside {@link ExactKernels}' double reference: rows are bulk-copied into float arrays,
 * dots run on {@link Simd}, and the value-table gradient is summed expert by expert (one thread per
 * touched row, pairs in ascending order), so the result does not depend on the threads.
 */
final class FloatBag {

    private FloatBag() {
    }

    /** y[t] = Σ_m gate[t,m]·v[e(t,m)]. */
    static void forward(int[] expertTM, Vec.F32 g, Vec.F32 v, Vec.F32 y, int d, int m) {
        Parallel.rows(expertTM.length / m, m * d, (from, to) -> {
            float[] yt = new float[d];
            float[] row = new float[d];
            float[] gate = new float[m];
            for (int t = from; t < to; t++) {
                Arrays.fill(yt, 0f);
                g.rowF(t * m, gate);
                for (int s = 0; s < m; s++) {
                    v.rowF(expertTM[t * m + s] * d, row);
                    axpy(gate[s], row, yt, d);
                }
                y.putRowF(t * d, yt);
            }
        });
    }

    /** dGates[t,m] = dy[t]·v[e] (overwritten); dv[e] += Σ gate·dy[t]; returns the touched experts. */
    static int[] backward(Vec.F32 dy, int[] expertTM, Vec.F32 g, Vec.F32 v, Vec.F32 dg, Vec.F32 dv, int d, int m,
            int experts) {
        Parallel.rows(expertTM.length / m, m * d, (from, to) -> {
            float[] dyt = new float[d];
            float[] row = new float[d];
            float[] dgate = new float[m];
            for (int t = from; t < to; t++) {
                dy.rowF(t * d, dyt);
                for (int s = 0; s < m; s++) {
                    v.rowF(expertTM[t * m + s] * d, row);
                    dgate[s] = Simd.dot(row, 0, dyt, 0, d);
                }
                dg.putRowF(t * m, dgate);
            }
        });
        float[] gate = new float[expertTM.length];
        g.rowF(0, gate);
        ExpertBuckets b = ExpertBuckets.of(expertTM, experts);
        valueGradient(b, m, d, gate, dy, dv);
        return b.touched();
    }

    private static void valueGradient(ExpertBuckets b, int m, int d, float[] gate, Vec.F32 dy, Vec.F32 dv) {
        int[] touched = b.touched();
        Parallel.rows(touched.length, d * b.pairsPerExpert(), (from, to) -> {
            float[] acc = new float[d];
            float[] row = new float[d];
            for (int i = from; i < to; i++) {
                int e = touched[i];
                dv.rowF(e * d, acc);
                for (int p = b.start()[e]; p < b.start()[e] + b.count()[e]; p++) {
                    int tm = b.order()[p];
                    dy.rowF((tm / m) * d, row);
                    axpy(gate[tm], row, acc, d);
                }
                dv.putRowF(e * d, acc);
            }
        });
    }

    private static void axpy(float w, float[] x, float[] y, int n) {
        for (int j = 0; j < n; j++) {
            y[j] += w * x[j];
        }
    }
}
