package org.peerkit.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * The Trainer's update on the GPU (train.Trainer#trainStep): global-norm clipping (train.GradClip,
 * the norm summed in double, row-sparse tables over their touched rows) then AdamW (train.AdamW),
 * dense or on the touched rows only (train.SparseRowAdamW, sparse expert updates). The clipping
 * factor never leaves the device: pk_clip_factor writes it and the update kernels read it.
 */
final class DeviceAdamW {
    private static final int THREADS = 256;
    private static final long MAX_BLOCKS = 4096;

    /** β₁, β₂, ε, λ (lib's AdamWConfig) and the global-norm limit (≤ 0: no clipping). */
    record Settings(float beta1, float beta2, float eps, float weightDecay, float clipNorm) {
        /** AdamWConfig.defaults() and TrainConfig.defaults()' clipNorm. */
        static Settings defaults() {
            return new Settings(0.9f, 0.95f, 1e-8f, 0.1f, 1.0f);
        }
    }

    /** A parameter with its first and second moments. */
    record Slot(LmParam spec, ParamArrays arrays, DeviceArray m, DeviceArray v) {
    }

    private final Gpu gpu;
    private final Settings settings;
    private final List<Slot> slots = new ArrayList<>();
    /** One double (two floats) of Σg², then [clip factor, norm]. */
    private final DeviceArray sumSquares;
    private final DeviceArray factor;
    private long step;

    DeviceAdamW(Gpu gpu, Settings settings, List<LmParam> specs, List<ParamArrays> arrays) {
        if (specs.size() != arrays.size()) {
            throw new IllegalArgumentException(specs.size() + " parameter names for " + arrays.size()
                    + " device parameters: LmShape.params() and LmDevice disagree");
        }
        this.gpu = gpu;
        this.settings = settings;
        for (int i = 0; i < specs.size(); i++) {
            LmParam p = specs.get(i);
            ParamArrays a = arrays.get(i);
            if (a.value().length() != p.length() || a.rowSparse() != p.rowSparse()) {
                throw new IllegalArgumentException(p.name() + " has " + p.length() + " elements (row-sparse "
                        + p.rowSparse() + ") but its device array " + a.value().length() + " (row-sparse "
                        + a.rowSparse() + "): LmShape.params() and LmDevice disagree");
            }
            slots.add(new Slot(p, a, gpu.alloc(p.length()), gpu.alloc(p.length())));
        }
        sumSquares = gpu.alloc(2);
        factor = gpu.alloc(2);
    }

    List<Slot> slots() {
        return slots;
    }

    long stepCount() {
        return step;
    }

    /** Steps already taken (bias corrections use t = this + 1 next), as AdamW.setStepCount. */
    void setStepCount(long t) {
        step = t;
    }

    /** Clips and applies one AdamW step with learning rate {@code lr}; nothing is read back. */
    void step(float lr) {
        clip();
        step++;
        float bc1 = (float) (1 - Math.pow(settings.beta1(), step));
        float bc2 = (float) (1 - Math.pow(settings.beta2(), step));
        for (Slot s : slots) {
            ParamArrays a = s.arrays();
            float keep = s.spec().decays() ? 1 - lr * settings.weightDecay() : 1f;
            if (a.rowSparse()) {
                gpu.launch("ops", "pk_adamw_rows_scaled", a.maxRows(), THREADS, 0, a.value(), a.grad(), s.m(), s.v(),
                        a.touched(), a.touchedCount(), s.spec().rowWidth(), factor, lr, settings.beta1(),
                        settings.beta2(), settings.eps(), keep, bc1, bc2);
            } else {
                gpu.launch("ops", "pk_adamw_scaled", blocks(a.value().length()), THREADS, 0, a.value(), a.grad(),
                        s.m(), s.v(), a.value().length(), factor, lr, settings.beta1(), settings.beta2(),
                        settings.eps(), keep, bc1, bc2);
            }
        }
    }

    private void clip() {
        gpu.zero(sumSquares);
        for (Slot s : slots) {
            ParamArrays a = s.arrays();
            if (a.rowSparse()) {
                gpu.launch("ops", "pk_sum_squares_rows", a.maxRows(), THREADS, 0, a.grad(), a.touched(),
                        a.touchedCount(), s.spec().rowWidth(), sumSquares);
            } else {
                gpu.launch("ops", "pk_sum_squares", blocks(a.grad().length()), THREADS, 0, a.grad(),
                        a.grad().length(), sumSquares);
            }
        }
        gpu.launch("ops", "pk_clip_factor", 1, 1, 0, sumSquares, settings.clipNorm(), factor);
    }

    /** The global gradient norm of the last step, before clipping (reads the device). */
    double gradNorm() {
        return gpu.floats(factor)[1];
    }

    private static long blocks(long n) {
        return Math.min(MAX_BLOCKS, (n + THREADS - 1) / THREADS);
    }

    void free() {
        for (Slot s : slots) {
            gpu.free(s.m());
            gpu.free(s.v());
        }
        gpu.free(sumSquares);
        gpu.free(factor);
    }
}
