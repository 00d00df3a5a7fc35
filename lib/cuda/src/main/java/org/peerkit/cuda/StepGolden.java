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
        check.close("layernorm y", gpu.floats(y), f.get("ln.y"));
        check.close("layernorm dx", gpu.floats(dx), f.get("ln.dx"));
        check.close("layernorm dg", gpu.floats(dg), f.get("ln.dg"));
        check.close("layernorm db", gpu.floats(db), f.get("ln.db"));
        for (DeviceArray a : new DeviceArray[] {x, g, b, dy, y, mean, inv, dx, dg, db}) {
            gpu.free(a);
        }
    }

    private void denseFfw() {
        int t = (int) f.shape("ffw.x")[0];
        int d = (int) f.shape("ffw.x")[1];
        int hidden = (int) f.shape("ffw.w1")[1];
        DenseFfwDevice ffw = new DenseFfwDevice(gpu, d, hidden, t);
        gpu.write(ffw.w1, f.floats("ffw.w1"));
        gpu.write(ffw.b1, f.floats("ffw.b1"));
        gpu.write(ffw.w2, f.floats("ffw.w2"));
        gpu.write(ffw.b2, f.floats("ffw.b2"));
        DeviceArray x = gpu.upload(f.floats("ffw.x"));
        DeviceArray dy = gpu.upload(f.floats("ffw.dy"));
        check.close("dense ffw y", gpu.floats(ffw.forward(x, t)), f.get("ffw.y"));
        check.close("dense ffw dx", gpu.floats(ffw.backward(x, dy, t)), f.get("ffw.dx"));
        check.close("dense ffw dw1", gpu.floats(ffw.dw1), f.get("ffw.dw1"));
        check.close("dense ffw db1", gpu.floats(ffw.db1), f.get("ffw.db1"));
        check.close("dense ffw dw2", gpu.floats(ffw.dw2), f.get("ffw.dw2"));
        check.close("dense ffw db2", gpu.floats(ffw.db2), f.get("ffw.db2"));
        ffw.free();
        gpu.free(x);
        gpu.free(dy);
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
        check.close("pkm bag y", gpu.floats(y), f.get("bag.y"));
        check.close("pkm bag dgates", gpu.floats(dGates), f.get("bag.dgates"));
        check.close("pkm bag dv", gpu.floats(dv), f.get("bag.dv"));
        check.close("pkm touched rows", new float[] {gpu.ints(count)[0]}, f.get("bag.touched_rows"), 0);
        for (DeviceArray a : new DeviceArray[] {expert, gates, v, dy, y, dGates, dv, used, rows, count}) {
            gpu.free(a);
        }
    }

    private void attention() {
        long[] shape = f.shape("att.x");
        int batch = (int) shape[0];
        int seq = (int) shape[1];
        int d = (int) shape[2];
        AttentionDevice att = new AttentionDevice(gpu, batch, seq, f.meta("att_heads"), d);
        gpu.write(att.wqkv, f.floats("att.wqkv"));
        gpu.write(att.bqkv, f.floats("att.bqkv"));
        gpu.write(att.wproj, f.floats("att.wproj"));
        gpu.write(att.bproj, f.floats("att.bproj"));
        DeviceArray x = gpu.upload(f.floats("att.x"));
        DeviceArray dy = gpu.upload(f.floats("att.dy"));
        check.close("attention y", gpu.floats(att.forward(x)), f.get("att.y"));
        check.close("attention dx", gpu.floats(att.backward(x, dy)), f.get("att.dx"));
        check.close("attention dwqkv", gpu.floats(att.dwqkv), f.get("att.dwqkv"));
        check.close("attention dbqkv", gpu.floats(att.dbqkv), f.get("att.dbqkv"));
        check.close("attention dwproj", gpu.floats(att.dwproj), f.get("att.dwproj"));
        check.close("attention dbproj", gpu.floats(att.dbproj), f.get("att.dbproj"));
        att.free();
        gpu.free(x);
        gpu.free(dy);
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
        check.close("batchnorm dx", gpu.floats(dx), f.get("bn.dx"));
        check.close("batchnorm dgamma", gpu.floats(dGamma), f.get("bn.dgamma"));
        check.close("batchnorm dbeta", gpu.floats(dBeta), f.get("bn.dbeta"));
        for (DeviceArray a : new DeviceArray[] {x, gamma, beta, dy, runMean, runVar, mean, inv, y, dx, dGamma, dBeta}) {
            gpu.free(a);
        }
    }
}
