package org.peerkit.cuda;

import java.util.List;

/**
 * Checks {@link PkmDevice} against a PKM golden file (lib's float64 ffw.PkmLayer in training mode,
 * written by org.peerkit.golden.PkmGoldenCase): y, dx, every parameter gradient (named as lib names
 * the parameters, in PkmLayer.params() order) and the number of value rows touched.
 */
final class PkmGolden {
    private final Gpu gpu;
    private final SafeTensorsFile f;
    private final GoldenCheck check;

    PkmGolden(Gpu gpu, SafeTensorsFile f, GoldenCheck check) {
        this.gpu = gpu;
        this.f = f;
        this.check = check;
    }

    void run() {
        PeerShape shape = new PeerShape(f.meta("d_model"), f.meta("num_values"), f.meta("heads"), f.meta("k"),
                f.meta("d_key"), 0);
        int t = (int) f.shape("x")[0];
        PkmDevice layer = new PkmDevice(gpu, shape, t, f.meta("shared_keys") == 1, f.meta("query_bn") == 1);
        DeviceArray x = gpu.upload(f.floats("x"));
        DeviceArray dy = gpu.upload(f.floats("dy"));
        try {
            String[] names = f.metaText("params").split(",");
            List<ParamArrays> params = layer.params();
            check.close("parameter count", new float[] {params.size()}, new double[] {names.length}, 0);
            for (int i = 0; i < Math.min(names.length, params.size()); i++) {
                gpu.write(params.get(i).value(), f.floats("p." + names[i]));
            }
            check.close("y", gpu.floats(layer.forward(x, t)), f.get("y"));
            check.close("dx", gpu.floats(layer.backward(x, dy, t)), f.get("dx"));
            for (int i = 0; i < Math.min(names.length, params.size()); i++) {
                check.close("grad " + names[i], gpu.floats(params.get(i).grad()), f.get("g." + names[i]));
            }
            check.close("touched rows", new float[] {gpu.ints(layer.buffers().touchedCount)[0]}, f.get("touched_rows"),
                    0);
        } finally {
            layer.free();
            gpu.free(x);
            gpu.free(dy);
        }
    }
}
