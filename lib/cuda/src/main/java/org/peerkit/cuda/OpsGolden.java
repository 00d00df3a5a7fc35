package org.peerkit.cuda;

/**
 * Checks the dense step kernels (ops.cu) against the golden file of lib's double-precision paths:
 * RMSNorm, GELU, cross-entropy, embedding and AdamW (dense and row-sparse).
 */
final class OpsGolden {
    private static final int THREADS = 256;

    private final Gpu gpu;
    private final SafeTensorsFile f;
    private final GoldenCheck check;

    OpsGolden(Gpu gpu, SafeTensorsFile f, GoldenCheck check) {
        this.gpu = gpu;
        this.f = f;
        this.check = check;
    }

    void run() {
        rmsNorm();
        gelu();
        crossEntropy();
        embedding();
        adamw(false);
        adamw(true);
    }

    private void rmsNorm() {
        int rows = (int) f.shape("rms.x")[0];
        int d = (int) f.shape("rms.x")[1];
        DeviceArray x = gpu.upload(f.floats("rms.x"));
        DeviceArray w = gpu.upload(f.floats("rms.w"));
        DeviceArray dy = gpu.upload(f.floats("rms.dy"));
        DeviceArray y = gpu.alloc(x.length());
        DeviceArray rstd = gpu.alloc(rows);
        DeviceArray dx = gpu.alloc(x.length());
        DeviceArray dw = gpu.alloc(d);
        float eps = Float.parseFloat(f.metaText("rms_eps"));
        gpu.launch("ops", "pk_rmsnorm_forward", rows, THREADS, 0, x, w, rows, d, eps, y, rstd);
        gpu.launch("ops", "pk_rmsnorm_backward", rows, THREADS, 0, dy, x, w, rstd, rows, d, dx, dw);
        check.close("rmsnorm y", gpu.floats(y), f.get("rms.y"));
        check.close("rmsnorm dx", gpu.floats(dx), f.get("rms.dx"));
        check.close("rmsnorm dw", gpu.floats(dw), f.get("rms.dw"));
        freeAll(x, w, dy, y, rstd, dx, dw);
    }

    private void gelu() {
        DeviceArray x = gpu.upload(f.floats("gelu.x"));
        DeviceArray dy = gpu.upload(f.floats("gelu.dy"));
        DeviceArray y = gpu.alloc(x.length());
        DeviceArray dx = gpu.alloc(x.length());
        long blocks = (x.length() + THREADS - 1) / THREADS;
        gpu.launch("ops", "pk_gelu_forward", blocks, THREADS, 0, x, x.length(), y);
        gpu.launch("ops", "pk_gelu_backward", blocks, THREADS, 0, x, dy, x.length(), dx);
        check.close("gelu y", gpu.floats(y), f.get("gelu.y"));
        check.close("gelu dx", gpu.floats(dx), f.get("gelu.dx"));
        freeAll(x, dy, y, dx);
    }

    private void crossEntropy() {
        int rows = (int) f.shape("ce.logits")[0];
        int vocab = (int) f.shape("ce.logits")[1];
        DeviceArray logits = gpu.upload(f.floats("ce.logits"));
        DeviceArray targets = gpu.upload(f.ints("ce.targets"));
        DeviceArray loss = gpu.alloc(rows);
        DeviceArray dLogits = gpu.alloc(logits.length());
        gpu.launch("ops", "pk_cross_entropy", rows, THREADS, 0, logits, targets, rows, vocab, 1f / rows, loss, dLogits);
        double mean = 0;
        for (float l : gpu.floats(loss)) {
            mean += l / rows;
        }
        check.close("cross-entropy loss", new float[] {(float) mean}, f.get("ce.loss"));
        check.close("cross-entropy dlogits", gpu.floats(dLogits), f.get("ce.dlogits"));
        freeAll(logits, targets, loss, dLogits);
    }

    private void embedding() {
        int t = (int) f.shape("emb.tokens")[0];
        int d = (int) f.shape("emb.table")[1];
        DeviceArray table = gpu.upload(f.floats("emb.table"));
        DeviceArray tokens = gpu.upload(f.ints("emb.tokens"));
        DeviceArray dy = gpu.upload(f.floats("emb.dy"));
        DeviceArray y = gpu.alloc((long) t * d);
        DeviceArray dTable = gpu.alloc(table.length());
        gpu.launch("ops", "pk_embedding_forward", t, THREADS, 0, table, tokens, t, d, y);
        gpu.launch("ops", "pk_embedding_backward", t, THREADS, 0, dy, tokens, t, d, dTable);
        check.close("embedding y", gpu.floats(y), f.get("emb.y"));
        check.close("embedding dtable", gpu.floats(dTable), f.get("emb.dtable"));
        freeAll(table, tokens, dy, y, dTable);
    }

    private void adamw(boolean rowSparse) {
        String s = rowSparse ? "r" : "";
        DeviceArray p = gpu.upload(f.floats("adam.p"));
        DeviceArray g = gpu.upload(f.floats("adam.g"));
        DeviceArray m = gpu.upload(f.floats("adam.m"));
        DeviceArray v = gpu.upload(f.floats("adam.v"));
        float lr = Float.parseFloat(f.metaText("adam_lr"));
        float b1 = Float.parseFloat(f.metaText("adam_beta1"));
        float b2 = Float.parseFloat(f.metaText("adam_beta2"));
        float eps = Float.parseFloat(f.metaText("adam_eps"));
        float keep = 1 - lr * Float.parseFloat(f.metaText("adam_weight_decay"));
        int step = f.meta("adam_step");
        float bc1 = (float) (1 - Math.pow(b1, step));
        float bc2 = (float) (1 - Math.pow(b2, step));
        if (rowSparse) {
            int[] rows = f.ints("adam.rows");
            DeviceArray list = gpu.upload(rows);
            DeviceArray count = gpu.upload(new int[] {rows.length});
            gpu.launch("ops", "pk_adamw_rows", rows.length, THREADS, 0, p, g, m, v, list, count,
                    (int) f.shape("adam.p")[1], lr, b1, b2, eps, keep, bc1, bc2);
            freeAll(list, count);
        } else {
            gpu.launch("ops", "pk_adamw", (p.length() + THREADS - 1) / THREADS, THREADS, 0, p, g, m, v, p.length(), lr,
                    b1, b2, eps, keep, bc1, bc2);
        }
        String what = rowSparse ? "adamw rows " : "adamw ";
        check.close(what + "p", gpu.floats(p), f.get("adam.p1" + s), 1e-6);
        check.close(what + "m", gpu.floats(m), f.get("adam.m1" + s));
        check.close(what + "v", gpu.floats(v), f.get("adam.v1" + s));
        freeAll(p, g, m, v);
    }

    private void freeAll(DeviceArray... arrays) {
        for (DeviceArray a : arrays) {
            gpu.free(a);
        }
    }
}
