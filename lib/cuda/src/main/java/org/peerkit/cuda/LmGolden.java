package org.peerkit.cuda;

/**
 * Checks one whole decoder-LM training step on the GPU ({@link LmDevice}) against the golden file
 * of lib's float64 step (org.peerkit.golden.LmGoldenCase: DecoderLm forward and backward, then
 * GradClip and AdamW with sparse expert rows): the loss, every gradient, the gradient norm, and
 * every parameter and both moments after the update, each named as lib names the parameter.
 */
final class LmGolden {
    /**
     * A whole step in float32 against float64: lib's own float32 step lands within 8.7e-7 on these
     * files (LmGoldenCaseTest, largest over every array); an update that missed the clipping factor
     * or a bias correction moves parameters by a few 1e-3 of their scale. One flipped PEER expert
     * choice on a near tie would also exceed it, and is a failure worth seeing.
     */
    static final double TOLERANCE = 1e-4;

    private final Gpu gpu;
    private final SafeTensorsFile f;
    private final GoldenCheck check;

    LmGolden(Gpu gpu, SafeTensorsFile f, GoldenCheck check) {
        this.gpu = gpu;
        this.f = f;
        this.check = check;
    }

    static DeviceAdamW.Settings settings(SafeTensorsFile f) {
        return new DeviceAdamW.Settings(number(f, "adam_beta1"), number(f, "adam_beta2"), number(f, "adam_eps"),
                number(f, "adam_weight_decay"), number(f, "clip"));
    }

    private static float number(SafeTensorsFile f, String key) {
        return Float.parseFloat(f.metaText(key));
    }

    void run() {
        LmShape shape = LmShape.fromGolden(f);
        LmDevice lm = new LmDevice(gpu, shape, settings(f));
        try {
            checkNames(lm);
            for (DeviceAdamW.Slot p : lm.params()) {
                String n = p.spec().name();
                gpu.write(p.arrays().value(), f.floats("p." + n));
                gpu.write(p.m(), f.floats("m." + n));
                gpu.write(p.v(), f.floats("v." + n));
            }
            lm.optimizer().setStepCount(f.meta("adam_step") - 1L);
            lm.setBatch(f.ints("windows"));
            lm.forwardBackward();
            check.close("loss", new float[] {(float) lm.loss()}, f.get("loss"), TOLERANCE);
            for (DeviceAdamW.Slot p : lm.params()) {
                check.close("grad " + p.spec().name(), gpu.floats(p.arrays().grad()), f.get("g." + p.spec().name()),
                        TOLERANCE);
            }
            lm.update(number(f, "lr"));
            check.close("grad norm", new float[] {(float) lm.optimizer().gradNorm()}, f.get("grad_norm"), TOLERANCE);
            for (DeviceAdamW.Slot p : lm.params()) {
                String n = p.spec().name();
                check.close("after " + n, gpu.floats(p.arrays().value()), f.get("p1." + n), TOLERANCE);
                check.close("adam m " + n, gpu.floats(p.m()), f.get("m1." + n), TOLERANCE);
                check.close("adam v " + n, gpu.floats(p.v()), f.get("v1." + n), TOLERANCE);
            }
        } finally {
            lm.free();
        }
    }

    /** The device's parameter names and decay flags are the file's (lib's), in lib's order. */
    private void checkNames(LmDevice lm) {
        String[] names = f.metaText("params").split(",");
        String[] decay = f.metaText("decay").split(",");
        int bad = names.length == lm.params().size() ? 0 : 1;
        for (int i = 0; bad == 0 && i < names.length; i++) {
            LmParam p = lm.params().get(i).spec();
            bad += p.name().equals(names[i]) && (p.decays() == decay[i].equals("1")) ? 0 : 1;
        }
        check.close("parameter names and decay", new float[] {bad}, new double[] {0}, 0);
    }
}
