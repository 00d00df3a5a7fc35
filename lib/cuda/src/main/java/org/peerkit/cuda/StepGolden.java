package org.peerkit.cuda;

/**
 * Checks LayerNorm, the dense FFW ({@link DenseFfwDevice}), PKM's bag kernels and causal
 * self-attention ({@link AttentionDevice}) and the query BatchNorm against the golden file of
 * lib's float64 LayerNorm, DenseFfw, Kernels.bagForward/bagBackward, CausalSelfAttention and
 * QueryBatchNorm (training mode, eps 1e-5, momentum 0.1).
 */
final class StepGolden {
    private static final int THREADS = 256;

    private final Gpu gpu;
    private final SafeTensorsFile f;
    private final GoldenCheck check;

    StepGolden(Gpu gpu, SafeTensorsFile f, GoldenCheck check) {
        this.gpu = gpu;
        this.f = f;
        this.check = check;
    }

    void run() {
        layerNorm();
        denseFfw();
        bag();
        attention();
        batchNorm();
    }

    private void layerNorm() {
        int rows = (int) f.shape("ln.x")[0];
        int d = (int) f.shape("ln.x")[1];
        DeviceArray x = gpu.upload(f.floats("ln.x"));
        DeviceArray g = gpu.upload(f.floats("ln.g"));
        DeviceArray b = gpu.upload(f.floats("ln.b"));
        DeviceArray dy = gpu.upload(f.floats("ln.dy"));
        DeviceArray y = gpu.alloc(x.length());
        DeviceArray mean = gpu.alloc(rows);
        DeviceArray inv = gpu.alloc(rows);
        DeviceArray dx = gpu.alloc(x.length());
        DeviceArray dg = gpu.alloc(d);
        DeviceArray db = gpu.alloc(d);
        float eps = Float.parseFloat(f.metaText("ln_eps"));
        gpu.launch("ops", "pk_layernorm_forward", rows, THREADS, 0, x, g, b, rows, d, eps, y, mean, inv);
        gpu.launch("ops", "pk_layernorm_backward", rows, THREADS, 0, dy, x, g, mean, inv, rows, d, dx, dg, db);
        closeAll("layernorm", "ln", new String[] {"y", "dx", "dg", "db"}, y, dx, dg, db);
        free(x, g, b, dy, y, mean, inv, dx, dg, db);
    }

    private void denseFfw() {
        int t = (int) f.shape("ffw.x")[0];
        int d = (int) f.shape("ffw.x")[1];
        int hidden = (int) f.shape("ffw.w1")[1];
        DenseFfwDevice ffw = new DenseFfwDevice(gpu, d, hidden, t);
        writeAll("ffw", new String[] {"w1", "b1", "w2", "b2"}, ffw.w1, ffw.b1, ffw.w2, ffw.b2);
        DeviceArray x = gpu.upload(f.floats("ffw.x"));
        DeviceArray dy = gpu.upload(f.floats("ffw.dy"));
        check.close("dense ffw y", gpu.floats(ffw.forward(x, t)), f.get("ffw.y"));
        closeAll("dense ffw", "ffw", new String[] {"dx", "dw1", "db1", "dw2", "db2"}, ffw.backward(x, dy, t), ffw.dw1,
                ffw.db1, ffw.dw2, ffw.db2);
        ffw.free();
        free(x, dy);
    }

    private void bag() {
        int t = (int) f.shape("bag.gates")[0];
        int m = (int) f.shape("bag.gates")[1];
        int n = (int) f.shape("bag.v")[0];
        int d = (int) f.shape("bag.v")[1];
        DeviceArray expert = gpu.upload(f.ints("bag.expert"));
        DeviceArray gates = gpu.upload(f.floats("bag.gates"));
        DeviceArray v = gpu.upload(f.floats("bag.v"));
        DeviceArray dy = gpu.upload(f.floats("bag.dy"));
        DeviceArray y = gpu.alloc((long) t * d);
        DeviceArray dGates = gpu.alloc((long) t * m);
        DeviceArray dv = gpu.alloc(v.length());
        DeviceArray used = gpu.alloc((n + 3L) / 4);
        DeviceArray rows = gpu.alloc(n);
        DeviceArray count = gpu.alloc(1);
        gpu.launch("mixing", "pk_bag_forward", t, THREADS, 8 * m, expert, gates, v, t, m, d, y);
        gpu.launch("mixing", "pk_bag_backward", t, THREADS, 4 * d, dy, expert, gates, v, t, m, d, dGates, dv, used);
        gpu.launch("mixing", "pk_collect_rows", (n + THREADS - 1) / THREADS, THREADS, 0, used, n, rows, count);
        closeAll("pkm bag", "bag", new String[] {"y", "dgates", "dv"}, y, dGates, dv);
        check.close("pkm touched rows", new float[] {gpu.ints(count)[0]}, f.get("bag.touched_rows"), 0);
        free(expert, gates, v, dy, y, dGates, dv, used, rows, count);
    }

    private void attention() {
        long[] shape = f.shape("att.x");
        int batch = (int) shape[0];
        int seq = (int) shape[1];
        int d = (int) shape[2];
        AttentionDevice att = new AttentionDevice(gpu, batch, seq, f.meta("att_heads"), d);
        writeAll("att", new String[] {"wqkv", "bqkv", "wproj", "bproj"}, att.wqkv, att.bqkv, att.wproj, att.bproj);
        DeviceArray x = gpu.upload(f.floats("att.x"));
        DeviceArray dy = gpu.upload(f.floats("att.dy"));
        check.close("attention y", gpu.floats(att.forward(x)), f.get("att.y"));
        closeAll("attention", "att", new String[] {"dx", "dwqkv", "dbqkv", "dwproj", "dbproj"}, att.backward(x, dy),
                att.dwqkv, att.dbqkv, att.dwproj, att.dbproj);
        att.free();
        free(x, dy);
    }

    private void batchNorm() {
        int rows = (int) f.shape("bn.x")[0];
        int c = (int) f.shape("bn.x")[1];
        DeviceArray x = gpu.upload(f.floats("bn.x"));
        DeviceArray gamma = gpu.upload(f.floats("bn.gamma"));
        DeviceArray beta = gpu.upload(f.floats("bn.beta"));
        DeviceArray dy = gpu.upload(f.floats("bn.dy"));
        DeviceArray runMean = gpu.upload(f.floats("bn.run_mean0"));
        DeviceArray runVar = gpu.upload(f.floats("bn.run_var0"));
        DeviceArray mean = gpu.alloc(c);
        DeviceArray inv = gpu.alloc(c);
        DeviceArray y = gpu.alloc(x.length());
        DeviceArray dx = gpu.alloc(x.length());
        DeviceArray dGamma = gpu.alloc(c);
        DeviceArray dBeta = gpu.alloc(c);
        long columnBlocks = (c + 31) / 32;
        gpu.launch("ops", "pk_batchnorm_stats", columnBlocks, THREADS, 0, x, rows, c, 1e-5f, 0.1f, mean, inv, runMean,
                runVar);
        gpu.launch("ops", "pk_batchnorm_apply", (x.length() + THREADS - 1) / THREADS, THREADS, 0, x, mean, inv, gamma,
                beta, (long) rows, c, y);
        gpu.launch("ops", "pk_batchnorm_backward", columnBlocks, THREADS, 0, dy, x, mean, inv, gamma, rows, c, dx,
                dGamma, dBeta);
        check.close("batchnorm y", gpu.floats(y), f.get("bn.y"));
        check.close("batchnorm running mean", gpu.floats(runMean), f.get("bn.run_mean"));
        check.close("batchnorm running var", gpu.floats(runVar), f.get("bn.run_var"));
        closeAll("batchnorm", "bn", new String[] {"dx", "dgamma", "dbeta"}, dx, dGamma, dBeta);
        free(x, gamma, beta, dy, runMean, runVar, mean, inv, y, dx, dGamma, dBeta);
    }

    /** Uploads the golden file's {@code prefix.name} into each parameter, in order. */
    private void writeAll(String prefix, String[] names, DeviceArray... params) {
        for (int i = 0; i < names.length; i++) {
            gpu.write(params[i], f.floats(prefix + "." + names[i]));
        }
    }

    /** Checks each device array against the golden file's {@code prefix.name}, reported as "label name". */
    private void closeAll(String label, String prefix, String[] names, DeviceArray... arrays) {
        for (int i = 0; i < names.length; i++) {
            check.close(label + " " + names[i], gpu.floats(arrays[i]), f.get(prefix + "." + names[i]));
        }
    }

    private void free(DeviceArray... arrays) {
        for (DeviceArray a : arrays) {
            gpu.free(a);
        }
    }
}
