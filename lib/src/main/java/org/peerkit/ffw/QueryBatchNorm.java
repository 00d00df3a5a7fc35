package org.peerkit.ffw;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.nn.Buffers;
import org.peerkit.nn.Module;
import org.peerkit.nn.Parallel;
import org.peerkit.nn.Param;
import org.peerkit.nn.PassGuard;
import org.peerkit.nn.Vec;

/**
 * BatchNorm over the query features (paper §3.3, following PKM): training mode normalises by the
 * batch mean and biased variance (eps 1e-5) and updates running statistics with momentum 0.1 and
 * the unbiased variance — PyTorch's BatchNorm1d, which the yardstick reference uses; evaluation
 * mode uses the running statistics. Shapes: T rows (tokens), F features; x, y [T, F].
 */
public final class QueryBatchNorm implements Module, org.peerkit.nn.Buffered {

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
    private INDArray xHatTF;
    private INDArray yTF;
    private INDArray dxTF;
    private double[] invStd;

    public QueryBatchNorm(String name, int features, DataType dtype) {
        this.name = name;
        this.gamma = new Param(name + ".weight", Param.Kind.NORM, Nd4j.ones(dtype, features));
        this.beta = new Param(name + ".bias", Param.Kind.NORM, Nd4j.zeros(dtype, features));
        this.runningMean = new double[features];
        this.runningVar = new double[features];
        java.util.Arrays.fill(runningVar, 1.0);
        this.invStd = new double[features];
        this.guard = new PassGuard(name);
    }

    public Param gamma() {
        return gamma;
    }

    public Param beta() {
        return beta;
    }

    /** The running statistics, so checkpoints carry what evaluation mode uses. */
    @Override
    public java.util.Map<String, double[]> buffers() {
        java.util.Map<String, double[]> m = new java.util.LinkedHashMap<>();
        m.put(name + ".running_mean", runningMean);
        m.put(name + ".running_var", runningVar);
        return m;
    }

    public double[] runningMean() {
        return runningMean;
    }

    public double[] runningVar() {
        return runningVar;
    }

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
        xHatTF = Buffers.ensure(xHatTF, x.dataType(), t, f);
        yTF = Buffers.ensure(yTF, x.dataType(), t, f);
        Vec xs = Vec.read(x);
        Vec xh = Vec.of(xHatTF);
        Vec y = Vec.of(yTF);
        Vec g = Vec.of(gamma.value());
        Vec b = Vec.of(beta.value());
        boolean train = training;
        Parallel.rows(f, 4 * t, (from, to) -> {
            for (int c = from; c < to; c++) {
                double mean;
                double var;
                if (train) {
                    double s = 0;
                    for (int r = 0; r < t; r++) {
                        s += xs.get(r * f + c);
                    }
                    mean = s / t;
                    double ss = 0;
                    for (int r = 0; r < t; r++) {
                        double dv = xs.get(r * f + c) - mean;
                        ss += dv * dv;
                    }
                    var = ss / t;
                    runningMean[c] = (1 - MOMENTUM) * runningMean[c] + MOMENTUM * mean;
                    runningVar[c] = (1 - MOMENTUM) * runningVar[c] + MOMENTUM * ss / (t - 1);
                } else {
                    mean = runningMean[c];
                    var = runningVar[c];
                }
                double is = 1 / Math.sqrt(var + EPS);
                invStd[c] = is;
                for (int r = 0; r < t; r++) {
                    double v = (xs.get(r * f + c) - mean) * is;
                    xh.set(r * f + c, v);
                    y.set(r * f + c, g.get(c) * v + b.get(c));
                }
            }
        });
        lastWasTraining = train;
        guard.forwardDone();
        return yTF;
    }

    @Override
    public INDArray backward(INDArray dy) {
        guard.beginBackward();
        int f = runningMean.length;
        int t = (int) dy.size(0);
        dxTF = Buffers.ensure(dxTF, dy.dataType(), t, f);
        Vec d = Vec.read(dy);
        Vec xh = Vec.of(xHatTF);
        Vec dx = Vec.of(dxTF);
        Vec g = Vec.of(gamma.value());
        Vec dg = Vec.of(gamma.grad());
        Vec db = Vec.of(beta.grad());
        boolean train = lastWasTraining;
        Parallel.rows(f, 4 * t, (from, to) -> {
            for (int c = from; c < to; c++) {
                double sumDy = 0;
                double sumDyXh = 0;
                for (int r = 0; r < t; r++) {
                    double v = d.get(r * f + c);
                    sumDy += v;
                    sumDyXh += v * xh.get(r * f + c);
                }
                dg.set(c, dg.get(c) + sumDyXh);
                db.set(c, db.get(c) + sumDy);
                double scale = g.get(c) * invStd[c];
                for (int r = 0; r < t; r++) {
                    double v = d.get(r * f + c);
                    // training: the batch statistics depend on x too
                    double grad = train ? v - sumDy / t - xh.get(r * f + c) * sumDyXh / t : v;
                    dx.set(r * f + c, scale * grad);
                }
            }
        });
        return dxTF;
    }
}
