package org.peerkit.cuda;

/**
 * RMSNorm or LayerNorm over rows of [T, D] on the GPU (lib's nn.RmsNorm / nn.LayerNorm, ops.cu):
 * gain (and LayerNorm's bias), their gradients, and the per-row statistics kept for backward.
 */
final class NormDevice {
    private static final int THREADS = 256;

    private final Gpu gpu;
    private final boolean layer;
    private final int dModel;
    private final int rows;
    private final float eps;
    final DeviceArray weight;
    final DeviceArray bias;
    final DeviceArray dWeight;
    final DeviceArray dBias;
    /** [T, D] output and input gradient; [T] per-row statistics (rstd, or mean and 1/std). */
    final DeviceArray y;
    final DeviceArray dx;
    private final DeviceArray stat1;
    private final DeviceArray stat2;

    NormDevice(Gpu gpu, boolean layerNorm, int dModel, int rows, float eps) {
        this.gpu = gpu;
        this.layer = layerNorm;
        this.dModel = dModel;
        this.rows = rows;
        this.eps = eps;
        weight = gpu.alloc(dModel);
        dWeight = gpu.alloc(dModel);
        bias = layerNorm ? gpu.alloc(dModel) : null;
        dBias = layerNorm ? gpu.alloc(dModel) : null;
        y = gpu.alloc((long) rows * dModel);
        dx = gpu.alloc(y.length());
        stat1 = gpu.alloc(rows);
        stat2 = layerNorm ? gpu.alloc(rows) : null;
        gpu.launch("ops", "pk_fill_value", (dModel + THREADS - 1) / THREADS, THREADS, 0, weight, (long) dModel, 1f);
    }

    /** The parameters in lib's order (gain, then LayerNorm's bias) with their gradients. */
    DeviceArray[] values() {
        return layer ? new DeviceArray[] {weight, bias} : new DeviceArray[] {weight};
    }

    DeviceArray[] grads() {
        return layer ? new DeviceArray[] {dWeight, dBias} : new DeviceArray[] {dWeight};
    }

    DeviceArray forward(DeviceArray x) {
        if (layer) {
            gpu.launch("ops", "pk_layernorm_forward", rows, THREADS, 0, x, weight, bias, rows, dModel, eps, y, stat1,
                    stat2);
        } else {
            gpu.launch("ops", "pk_rmsnorm_forward", rows, THREADS, 0, x, weight, rows, dModel, eps, y, stat1);
        }
        return y;
    }

    /** dx overwritten; gradients accumulated. */
    DeviceArray backward(DeviceArray dy, DeviceArray x) {
        if (layer) {
            gpu.launch("ops", "pk_layernorm_backward", rows, THREADS, 0, dy, x, weight, stat1, stat2, rows, dModel, dx,
                    dWeight, dBias);
        } else {
            gpu.launch("ops", "pk_rmsnorm_backward", rows, THREADS, 0, dy, x, weight, stat1, rows, dModel, dx, dWeight);
        }
        return dx;
    }

    void zeroGradients() {
        for (DeviceArray g : grads()) {
            gpu.zero(g);
        }
    }

    void free() {
        for (DeviceArray a : new DeviceArray[] {weight, bias, dWeight, dBias, y, dx, stat1, stat2}) {
            if (a != null) {
                gpu.free(a);
            }
        }
    }
}
