package org.peerkit.cuda;

import java.util.Arrays;

/**
 * PEER's query BatchNorm (ffw.QueryBatchNorm, paper §3.3) on the GPU over x [T, C]: training mode
 * normalises by the batch statistics and updates the running ones (momentum 0.1, unbiased
 * variance), evaluation mode uses the running ones; eps 1e-5, as PyTorch's BatchNorm1d.
 */
public final class BatchNormDevice {
    static final float EPS = 1e-5f;
    static final float MOMENTUM = 0.1f;
    private static final int THREADS = 256;

    private final Gpu gpu;
    private final int features;
    public final DeviceArray gamma;
    public final DeviceArray beta;
    public final DeviceArray dGamma;
    public final DeviceArray dBeta;
    public final DeviceArray runMean;
    public final DeviceArray runVar;
    private final DeviceArray mean;
    private final DeviceArray inv;
    private boolean lastWasTraining;

    public BatchNormDevice(Gpu gpu, int features) {
        this.gpu = gpu;
        this.features = features;
        gamma = gpu.upload(filled(features, 1f));
        beta = gpu.alloc(features);
        dGamma = gpu.alloc(features);
        dBeta = gpu.alloc(features);
        runMean = gpu.alloc(features);
        runVar = gpu.upload(filled(features, 1f));
        mean = gpu.alloc(features);
        inv = gpu.alloc(features);
    }

    private static float[] filled(int n, float value) {
        float[] a = new float[n];
        Arrays.fill(a, value);
        return a;
    }

    /** y [rows, C] = BN(x); in training mode also updates the running statistics. */
    public void forward(DeviceArray x, DeviceArray y, int rows, boolean training) {
        long columnBlocks = (features + 31) / 32;
        if (training) {
            gpu.launch("ops", "pk_batchnorm_stats", columnBlocks, THREADS, 0, x, rows, features, EPS, MOMENTUM, mean,
                    inv, runMean, runVar);
        } else {
            gpu.launch("ops", "pk_batchnorm_eval_stats", (features + THREADS - 1) / THREADS, THREADS, 0, runMean,
                    runVar, features, EPS, mean, inv);
        }
        long n = (long) rows * features;
        gpu.launch("ops", "pk_batchnorm_apply", Math.min(65536, (n + THREADS - 1) / THREADS), THREADS, 0, x, mean, inv,
                gamma, beta, (long) rows, features, y);
        lastWasTraining = training;
    }

    /** dx (overwritten) from dy, accumulating dGamma and dBeta; training-mode forwards only. */
    public void backward(DeviceArray dy, DeviceArray x, DeviceArray dx, int rows) {
        if (!lastWasTraining) {
            throw new IllegalStateException("BatchNorm backward after an evaluation-mode forward: train mode is needed");
        }
        gpu.launch("ops", "pk_batchnorm_backward", (features + 31) / 32, THREADS, 0, dy, x, mean, inv, gamma, rows,
                features, dx, dGamma, dBeta);
    }

    public void free() {
        for (DeviceArray a : new DeviceArray[] {gamma, beta, dGamma, dBeta, runMean, runVar, mean, inv}) {
            gpu.free(a);
        }
    }
}
