package org.peerkit.train;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import java.util.stream.IntStream;
import org.peerkit.nn.Param;
import org.peerkit.tensor.Parallel;
import org.peerkit.tensor.Vec;

/** Global-norm gradient clipping (Pascanu et al. 2013), as {@code clip_grad_norm_}. */
public final class GradClip {

    private GradClip() {
    }

    /** Elements per partial sum: fixed, so the summation order (and the norm's bits) never varies. */
    private static final int CHUNK = 1 << 16;

    /**
     * √(Σ‖g‖²) over all parameters, accumulated in double: one parallel Java pass over fixed chunks
     * whose partial sums are added in order (deterministic), instead of one ND4J reduction per
     * parameter (each a dispatch plus an OpenMP loop that stalls when the cores are shared).
     */
    public static double globalNorm(List<Param> params) {
        return Math.sqrt(sumOfSquares(params));
    }

    /**
     * As {@link #globalNorm(List)}; with {@code sparseRows}, a {@linkplain Param#rowTracked()
     * row-tracked} gradient (expert tables) is read on its touched rows only (the others are zero),
     * so the sum runs in another order and the norm can differ from the dense one in the last bits.
     */
    public static double globalNorm(List<Param> params, boolean sparseRows) {
        if (!sparseRows) {
            return globalNorm(params);
        }
        List<Param> dense = new ArrayList<>();
        double sq = 0;
        for (Param p : params) {
            if (p.rowTracked()) {
                sq += rowSquares(p);
            } else {
                dense.add(p);
            }
        }
        return Math.sqrt(sumOfSquares(dense) + sq);
    }

    /** Touched rows per partial sum: fixed, so the summation order does not depend on the cores. */
    private static final int ROW_CHUNK = 256;

    private static double rowSquares(Param p) {
        int d = (int) p.shape()[1];
        Vec g = Vec.read(p.grad());
        int[] rows = p.touchedRows();
        return orderedSum((rows.length + ROW_CHUNK - 1) / ROW_CHUNK, c -> {
            double[] row = new double[d];
            float[] scratch = new float[d];
            double sq = 0;
            for (int i = c * ROW_CHUNK, end = Math.min(rows.length, i + ROW_CHUNK); i < end; i++) {
                g.row(rows[i] * d, row, scratch);
                for (double x : row) {
                    sq += x * x;
                }
            }
            return sq;
        });
    }

    /** Σ chunkSum(c) for c below chunks: chunks in parallel, partial sums added in chunk order (deterministic). */
    private static double orderedSum(int chunks, IntToDoubleFunction chunkSum) {
        double[] partial = new double[chunks];
        IntStream.range(0, chunks).parallel().forEach(c -> partial[c] = chunkSum.applyAsDouble(c));
        double sum = 0;
        for (double v : partial) {
            sum += v;
        }
        return sum;
    }

    private static double sumOfSquares(List<Param> params) {
        List<Vec> grads = new ArrayList<>();
        List<int[]> chunks = new ArrayList<>();  // {param index, from, to}
        for (Param p : params) {
            int n = (int) p.grad().length();
            for (int from = 0; from < n; from += CHUNK) {
                chunks.add(new int[] {grads.size(), from, Math.min(n, from + CHUNK)});
            }
            grads.add(Vec.read(p.grad()));
        }
        return orderedSum(chunks.size(), c -> {
            int[] ch = chunks.get(c);
            Vec g = grads.get(ch[0]);
            double sq = 0;
            for (int i = ch[1]; i < ch[2]; i++) {
                double v = g.get(i);
                sq += v * v;
            }
            return sq;
        });
    }

    /** As {@link #clip(List, double, boolean)} without the row-sparse path. */
    public static double clip(List<Param> params, double maxNorm) {
        return clip(params, maxNorm, false);
    }

    /**
     * Scales all gradients by maxNorm/norm when the global norm exceeds maxNorm (maxNorm ≤ 0 turns
     * clipping off). Returns the norm before clipping. With {@code sparseRows}, row-tracked
     * gradients are read and scaled on their touched rows only.
     */
    public static double clip(List<Param> params, double maxNorm, boolean sparseRows) {
        double norm = globalNorm(params, sparseRows);
        if (maxNorm > 0 && norm > maxNorm) {
            double scale = maxNorm / (norm + 1e-12);
            for (Param p : params) {
                if (sparseRows && p.rowTracked()) {
                    scaleRows(p, scale);
                } else {
                    p.grad().muli(scale);
                }
            }
        }
        return norm;
    }

    private static void scaleRows(Param p, double scale) {
        int d = (int) p.shape()[1];
        Vec g = Vec.of(p.grad());
        int[] rows = p.touchedRows();
        Parallel.rows(rows.length, d, (from, to) -> {
            for (int r = from; r < to; r++) {
                for (int i = rows[r] * d, end = i + d; i < end; i++) {
                    g.set(i, g.get(i) * scale);
                }
            }
        });
    }
}
