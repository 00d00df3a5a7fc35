package org.peerkit.ffw;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.nn.Buffered;
import org.peerkit.nn.Buffers;
import org.peerkit.nn.Module;
import org.peerkit.nn.Param;
import org.peerkit.nn.PassGuard;
import org.peerkit.tensor.Parallel;
import org.peerkit.tensor.Vec;

/**
 * BatchNorm over the query features (paper §3.3, following PKM): training mode normalises by the
 * batch mean and biased variance (eps 1e-5) and updates running statistics with momentum 0.1 and
 * the unbiased variance — PyTorch's BatchNorm1d, which the PyTorch reference uses (lib/README.md); evaluation
 * mode uses the running statistics. Shapes: T rows (tokens), F features; x, y [T, F].
 */
public final class QueryBatchNorm implements Module, Buffered {

    static final double EPS = 1e-5;
    static final double MOMENTUM = 0.1;

    private final String name;
    private final Param gamma;
    private final Param beta;
    private final double[] runningMean;
    private final double[] runningVar;
    private final PassGuard guard;
    private boolean training = true;
    private boolean lastWasTraining;
    private INDArray xHatTxHQ;
    private INDArray yTxHQ;
    private INDArray dxTxHQ;
    private double[] invStd;

    public QueryBatchNorm(String name, int features, DataType dtype) {
        this.name = name;
        this.gamma = new Param(name + ".weight", Param.Kind.NORM, Nd4j.ones(dtype, features));
        this.beta = new Param(name + ".bias", Param.Kind.NORM, Nd4j.zeros(dtype, features));
        this.runningMean = new double[features];
        this.runningVar = new double[features];
        Arrays.fill(runningVar, 1.0);
        this.invStd = new double[features];
        this.guard = new PassGuard(name);
    }

    /** Features per parallel task: 32 floats are two cache lines per row. */
    private static final int BLOCK = 32;

    private static int blocks(int features) {
        return (features + BLOCK - 1) / BLOCK;
    }

    public Param gamma() {
        return gamma;
    }

    public Param beta() {
        return beta;
    }

    /** The running statistics, so checkpoints carry what evaluation mode uses. */
    @Override
    public Map<String, double[]> buffers() {
        Map<String, double[]> m = new LinkedHashMap<>();
        m.put(name + ".running_mean", runningMean);
        m.put(name + ".running_var", runningVar);
        return m;
    }

    /** Copies scale, shift and running statistics from {@code other} (same width). */
    void copyFrom(QueryBatchNorm other) {
        gamma.value().assign(other.gamma.value());
        beta.value().assign(other.beta.value());
        System.arraycopy(other.runningMean(), 0, runningMean(), 0, runningMean().length);
        System.arraycopy(other.runningVar(), 0, runningVar(), 0, runningVar().length);
    }

    public double[] runningMean() {
        return runningMean;
    }

    public double[] runningVar() {
        return runningVar;
    }

    /** Whether forward normalises by batch statistics (training) rather than running ones. */
    public boolean isTraining() {
        return training;
    }

    @Override
    public void setTraining(boolean training) {
        this.training = training;
    }

    @Override
    public List<Param> params() {
        return List.of(gamma, beta);
    }

    @Override
    public INDArray forward(INDArray x) {
        int f = runningMean.length;
        Buffers.requireCols(name, x, f);
        int t = (int) x.size(0);
        if (training && t < 2) {
            throw new IllegalArgumentException(name + ": batch norm in training mode needs at least 2 tokens, got "
                    + t + " (call setTraining(false) to use the running statistics)");
        }
        xHatTxHQ = Buffers.ensure(xHatTxHQ, x.dataType(), t, f);
        yTxHQ = Buffers.ensure(yTxHQ, x.dataType(), t, f);
        Vec xs = Vec.read(x);
        Vec xh = Vec.of(xHatTxHQ);
        Vec y = Vec.of(yTxHQ);
        boolean train = training;
        // Column blocks walked row by row: each row reads BLOCK contiguous features, where a
        // column-at-a-time walk strides f floats per element and misses the cache on every read.
        // Each column is still summed in row order, so the numbers are those of the plain loops.
        Parallel.rows(blocks(f), 4 * t * BLOCK, (fromBlock, toBlock) -> {
            int c0 = fromBlock * BLOCK;
            int w = Math.min(f, toBlock * BLOCK) - c0;
            double[] mean = new double[w];
            double[] is = new double[w];
            blockStatistics(xs, t, f, c0, train, mean, is);
            normaliseBlock(xs, xh, y, t, f, c0, mean, is);
        });
        lastWasTraining = train;
        guard.forwardDone();
        return yTxHQ;
    }

    /**
     * Mean and 1/std of columns [c0, c0 + mean.length): the batch's (updating the running
     * statistics) in training, the running ones in evaluation.
     */
    private void blockStatistics(Vec xs, int t, int f, int c0, boolean train, double[] mean, double[] is) {
        int w = mean.length;
        double[] ss = new double[w];
        if (train) {
            columnSums(xs, t, f, c0, mean, null);
            for (int c = 0; c < w; c++) {
                mean[c] /= t;
            }
            columnSums(xs, t, f, c0, ss, mean);
        }
        for (int c = 0; c < w; c++) {
            int col = c0 + c;
            double var;
            if (train) {
                var = ss[c] / t;
                runningMean[col] = (1 - MOMENTUM) * runningMean[col] + MOMENTUM * mean[c];
                runningVar[col] = (1 - MOMENTUM) * runningVar[col] + MOMENTUM * ss[c] / (t - 1);
            } else {
                mean[c] = runningMean[col];
                var = runningVar[col];
            }
            is[c] = 1 / Math.sqrt(var + EPS);
            invStd[col] = is[c];
        }
    }

    /** into[c] += Σ_rows x (centre == null) or Σ_rows (x − centre[c])², rows in order. */
    private static void columnSums(Vec xs, int t, int f, int c0, double[] into, double[] centre) {
        for (int r = 0; r < t; r++) {
            for (int c = 0; c < into.length; c++) {
                double v = xs.get(r * f + c0 + c);
                if (centre == null) {
                    into[c] += v;
                } else {
                    into[c] += (v - centre[c]) * (v - centre[c]);
                }
            }
        }
    }

    /** x̂ = (x − mean)·(1/std) and y = γ·x̂ + β on columns [c0, c0 + mean.length). */
    private void normaliseBlock(Vec xs, Vec xh, Vec y, int t, int f, int c0, double[] mean, double[] is) {
        Vec g = Vec.of(gamma.value());
        Vec b = Vec.of(beta.value());
        for (int r = 0; r < t; r++) {
            for (int c = 0; c < mean.length; c++) {
                int i = r * f + c0 + c;
                double v = (xs.get(i) - mean[c]) * is[c];
                xh.set(i, v);
                y.set(i, g.get(c0 + c) * v + b.get(c0 + c));
            }
        }
    }

    @Override
    public INDArray backward(INDArray dy) {
        guard.beginBackward();
        int f = runningMean.length;
        int t = (int) dy.size(0);
        dxTxHQ = Buffers.ensure(dxTxHQ, dy.dataType(), t, f);
        Vec d = Vec.read(dy);
        Vec xh = Vec.of(xHatTxHQ);
        Vec dx = Vec.of(dxTxHQ);
        Vec g = Vec.of(gamma.value());
        Vec dg = Vec.of(gamma.grad());
        Vec db = Vec.of(beta.grad());
        boolean train = lastWasTraining;
        Parallel.rows(blocks(f), 4 * t * BLOCK, (fromBlock, toBlock) -> {
            int c0 = fromBlock * BLOCK;
            int c1 = Math.min(f, toBlock * BLOCK);
            int w = c1 - c0;
            double[] sumDy = new double[w];
            double[] sumDyXh = new double[w];
            for (int r = 0; r < t; r++) {
                for (int c = 0; c < w; c++) {
                    int i = r * f + c0 + c;
                    double v = d.get(i);
                    sumDy[c] += v;
                    sumDyXh[c] += v * xh.get(i);
                }
            }
            double[] scale = new double[w];
            for (int c = 0; c < w; c++) {
                dg.set(c0 + c, dg.get(c0 + c) + sumDyXh[c]);
                db.set(c0 + c, db.get(c0 + c) + sumDy[c]);
                scale[c] = g.get(c0 + c) * invStd[c0 + c];
            }
            for (int r = 0; r < t; r++) {
                for (int c = 0; c < w; c++) {
                    int i = r * f + c0 + c;
                    double v = d.get(i);
                    // training: the batch statistics depend on x too
                    double grad = train ? v - sumDy[c] / t - xh.get(i) * sumDyXh[c] / t : v;
                    dx.set(i, scale[c] * grad);
                }
            }
        });
        return dxTxHQ;
    }
}
