package org.peerkit.cuda;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.peerkit.cuda.EmulatedGpu.Ptr;

/**
 * Java transcriptions of the kernels a decoder-LM step launches (ops.cu, attention.cu,
 * retrieval.cu, mixing.cu), element by element from each kernel's comment and code, for
 * {@link EmulatedGpu}. Sums run in a different order than on the GPU; results agree to float32
 * rounding. A kernel not transcribed here fails its launch with its name.
 */
final class EmulatedKernels {
    private final EmulatedGpu gpu;

    EmulatedKernels(EmulatedGpu gpu) {
        this.gpu = gpu;
    }

    private Ptr p(Object a) {
        return gpu.ptr(a);
    }

    private static int i(Object a) {
        return (Integer) a;
    }

    private static float f(Object a) {
        return (Float) a;
    }

    private static long l(Object a) {
        return (Long) a;
    }

    void run(String kernel, long grid, Object[] a) {
        String k = kernel.replaceAll("_(4|8|16|32)$", "");
        switch (k) {
            case "pk_fill_value" -> fill(p(a[0]), l(a[1]), f(a[2]));
            case "pk_fill_normal" -> fillNormal(p(a[0]), l(a[1]), l(a[2]), f(a[3]));
            case "pk_add" -> add(p(a[0]), p(a[1]), l(a[2]), p(a[3]));
            case "pk_add_bias" -> addBias(p(a[0]), p(a[1]), l(a[2]), i(a[3]));
            case "pk_bias_grad" -> biasGrad(p(a[0]), l(a[1]), i(a[2]), p(a[3]));
            case "pk_embedding_forward" -> embedding(p(a[0]), p(a[1]), i(a[2]), i(a[3]), p(a[4]));
            case "pk_embedding_backward" -> embeddingBackward(p(a[0]), p(a[1]), i(a[2]), i(a[3]), p(a[4]));
            case "pk_rmsnorm_forward" -> rms(p(a[0]), p(a[1]), i(a[2]), i(a[3]), f(a[4]), p(a[5]), p(a[6]));
            case "pk_rmsnorm_backward" -> rmsBackward(p(a[0]), p(a[1]), p(a[2]), p(a[3]), i(a[4]), i(a[5]), p(a[6]),
                    p(a[7]));
            case "pk_layernorm_forward" -> layerNorm(p(a[0]), p(a[1]), p(a[2]), i(a[3]), i(a[4]), f(a[5]), p(a[6]),
                    p(a[7]), p(a[8]));
            case "pk_layernorm_backward" -> layerNormBackward(p(a[0]), p(a[1]), p(a[2]), p(a[3]), p(a[4]), i(a[5]),
                    i(a[6]), p(a[7]), p(a[8]), p(a[9]));
            case "pk_gelu_forward" -> gelu(p(a[0]), l(a[1]), p(a[2]));
            case "pk_gelu_backward" -> geluBackward(p(a[0]), p(a[1]), l(a[2]), p(a[3]));
            case "pk_cross_entropy" -> crossEntropy(p(a[0]), p(a[1]), i(a[2]), i(a[3]), f(a[4]), p(a[5]), p(a[6]));
            case "pk_attention_forward" -> attention(p(a[0]), i(a[1]), i(a[2]), i(a[3]), i(a[4]), f(a[5]), p(a[6]),
                    p(a[7]));
            case "pk_attention_backward" -> attentionBackward(p(a[0]), p(a[1]), p(a[2]), i(a[3]), i(a[4]), i(a[5]),
                    i(a[6]), f(a[7]), p(a[8]));
            case "pk_rotary" -> rotary(p(a[0]), l(a[1]), i(a[2]), i(a[3]), i(a[4]), f(a[5]), f(a[6]));
            case "pk_sum_squares" -> sumSquares(p(a[0]), l(a[1]), p(a[2]));
            case "pk_sum_squares_rows" -> sumSquaresRows(grid, p(a[0]), p(a[1]), p(a[2]), i(a[3]), p(a[4]));
            case "pk_clip_factor" -> clipFactor(p(a[0]), f(a[1]), p(a[2]));
            case "pk_adamw_scaled" -> adamw(p(a[0]), p(a[1]), p(a[2]), p(a[3]), l(a[4]), p(a[5]).get(0), a, 6);
            case "pk_adamw_rows_scaled" -> adamwRows(grid, a, p(a[7]).get(0), 8);
            case "pk_adamw" -> adamw(p(a[0]), p(a[1]), p(a[2]), p(a[3]), l(a[4]), 1f, a, 5);
            case "pk_adamw_rows" -> adamwRows(grid, a, 1f, 7);
            case "pk_batchnorm_eval_stats" -> batchNormEval(p(a[0]), p(a[1]), i(a[2]), f(a[3]), p(a[4]), p(a[5]));
            case "pk_topk_rows" -> topk(p(a[0]), i(a[1]), i(a[2]), i(a[3]), p(a[4]), p(a[5]));
            case "pk_combine_softmax" -> combine(a);
            case "pk_mix_forward" -> PeerKernels.mixForward(this::p, a);
            case "pk_mix_backward" -> PeerKernels.mixBackward(this::p, a);
            case "pk_softmax_groups_backward" -> PeerKernels.softmaxBackward(p(a[0]), p(a[1]), i(a[2]), i(a[3]),
                    p(a[4]));
            case "pk_retrieval_backward" -> PeerKernels.retrievalBackward(this::p, a);
            case "pk_bag_forward" -> PeerKernels.bagForward(this::p, a);
            case "pk_bag_backward" -> PeerKernels.bagBackward(this::p, a);
            case "pk_collect_rows" -> PeerKernels.collectRows(p(a[0]), i(a[1]), p(a[2]), p(a[3]));
            case "pk_zero_rows" -> PeerKernels.zeroRows(grid, p(a[0]), p(a[1]), p(a[2]), i(a[3]));
            case "pk_batchnorm_stats" -> batchNormStats(p(a[0]), i(a[1]), i(a[2]), f(a[3]), f(a[4]), p(a[5]), p(a[6]),
                    p(a[7]), p(a[8]));
            case "pk_batchnorm_apply" -> batchNormApply(p(a[0]), p(a[1]), p(a[2]), p(a[3]), p(a[4]), l(a[5]), i(a[6]),
                    p(a[7]));
            case "pk_batchnorm_backward" -> batchNormBackward(p(a[0]), p(a[1]), p(a[2]), p(a[3]), p(a[4]), i(a[5]),
                    i(a[6]), p(a[7]), p(a[8]), p(a[9]));
            default -> throw new UnsupportedOperationException(kernel + " has no Java transcription in EmulatedKernels");
        }
    }

    private static void fill(Ptr a, long n, float v) {
        for (long x = 0; x < n; x++) {
            a.set(x, v);
        }
    }

    private static void fillNormal(Ptr a, long n, long seed, float std) {
        Random r = new Random(seed);
        for (long x = 0; x < n; x++) {
            a.set(x, (float) (std * r.nextGaussian()));
        }
    }

    private static void add(Ptr a, Ptr b, long n, Ptr out) {
        for (long x = 0; x < n; x++) {
            out.set(x, a.get(x) + b.get(x));
        }
    }

    private static void addBias(Ptr y, Ptr b, long rows, int d) {
        for (long x = 0; x < rows * d; x++) {
            y.add(x, b.get(x % d));
        }
    }

    private static void biasGrad(Ptr dy, long rows, int d, Ptr db) {
        for (int j = 0; j < d; j++) {
            float s = 0;
            for (long r = 0; r < rows; r++) {
                s += dy.get(r * d + j);
            }
            db.add(j, s);
        }
    }

    private static void embedding(Ptr table, Ptr tokens, int t, int d, Ptr y) {
        for (int x = 0; x < t; x++) {
            for (int j = 0; j < d; j++) {
                y.set((long) x * d + j, table.get((long) tokens.geti(x) * d + j));
            }
        }
    }

    private static void embeddingBackward(Ptr dy, Ptr tokens, int t, int d, Ptr dTable) {
        for (int x = 0; x < t; x++) {
            for (int j = 0; j < d; j++) {
                dTable.add((long) tokens.geti(x) * d + j, dy.get((long) x * d + j));
            }
        }
    }

    private static void rms(Ptr x, Ptr w, int rows, int d, float eps, Ptr y, Ptr rstd) {
        for (int r = 0; r < rows; r++) {
            float ss = 0;
            for (int j = 0; j < d; j++) {
                ss += x.get((long) r * d + j) * x.get((long) r * d + j);
            }
            float s = (float) (1 / Math.sqrt(ss / d + eps));
            for (int j = 0; j < d; j++) {
                y.set((long) r * d + j, x.get((long) r * d + j) * s * w.get(j));
            }
            rstd.set(r, s);
        }
    }

    private static void rmsBackward(Ptr dy, Ptr x, Ptr w, Ptr rstd, int rows, int d, Ptr dx, Ptr dw) {
        for (int r = 0; r < rows; r++) {
            long b = (long) r * d;
            float s = rstd.get(r);
            float sum = 0;
            for (int j = 0; j < d; j++) {
                sum += w.get(j) * dy.get(b + j) * x.get(b + j);
            }
            float c = sum * s * s * s / d;
            for (int j = 0; j < d; j++) {
                dx.set(b + j, s * w.get(j) * dy.get(b + j) - x.get(b + j) * c);
                dw.add(j, dy.get(b + j) * x.get(b + j) * s);
            }
        }
    }

    private static void layerNorm(Ptr x, Ptr g, Ptr bias, int rows, int d, float eps, Ptr y, Ptr mean, Ptr inv) {
        for (int r = 0; r < rows; r++) {
            long b = (long) r * d;
            float mu = 0;
            for (int j = 0; j < d; j++) {
                mu += x.get(b + j);
            }
            mu /= d;
            float ss = 0;
            for (int j = 0; j < d; j++) {
                ss += (x.get(b + j) - mu) * (x.get(b + j) - mu);
            }
            float s = (float) (1 / Math.sqrt(ss / d + eps));
            for (int j = 0; j < d; j++) {
                y.set(b + j, (x.get(b + j) - mu) * s * g.get(j) + bias.get(j));
            }
            mean.set(r, mu);
            inv.set(r, s);
        }
    }

    private static void layerNormBackward(Ptr dy, Ptr x, Ptr g, Ptr mean, Ptr inv, int rows, int d, Ptr dx, Ptr dg,
            Ptr db) {
        for (int r = 0; r < rows; r++) {
            long b = (long) r * d;
            float mu = mean.get(r);
            float s = inv.get(r);
            float m1 = 0;
            float m2 = 0;
            for (int j = 0; j < d; j++) {
                float dxh = dy.get(b + j) * g.get(j);
                m1 += dxh;
                m2 += dxh * (x.get(b + j) - mu) * s;
            }
            m1 /= d;
            m2 /= d;
            for (int j = 0; j < d; j++) {
                float xh = (x.get(b + j) - mu) * s;
                dx.set(b + j, s * (dy.get(b + j) * g.get(j) - m1 - xh * m2));
                dg.add(j, dy.get(b + j) * xh);
                db.add(j, dy.get(b + j));
            }
        }
    }

    private static double geluInner(double v) {
        return 0.79788456080286536 * (v + 0.044715 * v * v * v);
    }

    private static void gelu(Ptr x, long n, Ptr y) {
        for (long e = 0; e < n; e++) {
            double v = x.get(e);
            y.set(e, (float) (0.5 * v * (1 + Math.tanh(geluInner(v)))));
        }
    }

    private static void geluBackward(Ptr x, Ptr dy, long n, Ptr dx) {
        for (long e = 0; e < n; e++) {
            double v = x.get(e);
            double t = Math.tanh(geluInner(v));
            double grad = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * 0.79788456080286536 * (1 + 3 * 0.044715 * v * v);
            dx.set(e, (float) (dy.get(e) * grad));
        }
    }

    private static void crossEntropy(Ptr logits, Ptr targets, int rows, int v, float scale, Ptr loss, Ptr dLogits) {
        for (int r = 0; r < rows; r++) {
            long b = (long) r * v;
            double mx = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < v; j++) {
                mx = Math.max(mx, logits.get(b + j));
            }
            double se = 0;
            for (int j = 0; j < v; j++) {
                se += Math.exp(logits.get(b + j) - mx);
            }
            int target = targets.geti(r);
            for (int j = 0; j < v; j++) {
                double pr = Math.exp(logits.get(b + j) - mx) / se;
                dLogits.set(b + j, (float) (scale * (pr - (j == target ? 1 : 0))));
            }
            loss.set(r, (float) (mx + Math.log(se) - logits.get(b + target)));
        }
    }

    /** Causal softmax(scale·q·kᵀ)·v per (batch row, head); probabilities kept as [B·H, T, T]. */
    private static void attention(Ptr qkv, int bs, int t, int h, int e, float scale, Ptr probs, Ptr y) {
        int d = h * e;
        long row3 = 3L * d;
        for (int g = 0; g < bs * h; g++) {
            long base = (long) (g / h) * t * row3 + (long) (g % h) * e;
            for (int q = 0; q < t; q++) {
                double[] p = new double[q + 1];
                double mx = Double.NEGATIVE_INFINITY;
                for (int s = 0; s <= q; s++) {
                    double dot = 0;
                    for (int c = 0; c < e; c++) {
                        dot += qkv.get(base + q * row3 + c) * qkv.get(base + s * row3 + d + c);
                    }
                    p[s] = dot * scale;
                    mx = Math.max(mx, p[s]);
                }
                double sum = 0;
                for (int s = 0; s <= q; s++) {
                    p[s] = Math.exp(p[s] - mx);
                    sum += p[s];
                }
                for (int s = 0; s < t; s++) {
                    probs.set(((long) g * t + q) * t + s, s <= q ? (float) (p[s] / sum) : 0f);
                }
                for (int c = 0; c < e; c++) {
                    double acc = 0;
                    for (int s = 0; s <= q; s++) {
                        acc += probs.get(((long) g * t + q) * t + s) * qkv.get(base + s * row3 + 2L * d + c);
                    }
                    y.set(((long) (g / h) * t + q) * d + (long) (g % h) * e + c, (float) acc);
                }
            }
        }
    }

    private static void attentionBackward(Ptr qkv, Ptr probs, Ptr dy, int bs, int t, int h, int e, float scale,
            Ptr dqkv) {
        int d = h * e;
        long row3 = 3L * d;
        for (int g = 0; g < bs * h; g++) {
            long base = (long) (g / h) * t * row3 + (long) (g % h) * e;
            for (int q = 0; q < t; q++) {
                long prow = ((long) g * t + q) * t;
                long dyrow = ((long) (g / h) * t + q) * d + (long) (g % h) * e;
                double[] ds = new double[q + 1];
                double pdp = 0;
                for (int s = 0; s <= q; s++) {
                    double dot = 0;
                    for (int c = 0; c < e; c++) {
                        dot += dy.get(dyrow + c) * qkv.get(base + s * row3 + 2L * d + c);
                    }
                    ds[s] = dot;
                    pdp += probs.get(prow + s) * dot;
                }
                for (int s = 0; s <= q; s++) {
                    ds[s] = probs.get(prow + s) * (ds[s] - pdp);
                }
                for (int c = 0; c < e; c++) {
                    double acc = 0;
                    for (int s = 0; s <= q; s++) {
                        acc += ds[s] * qkv.get(base + s * row3 + d + c);
                    }
                    dqkv.set(base + q * row3 + c, (float) (scale * acc));
                }
                for (int s = 0; s <= q; s++) {
                    for (int c = 0; c < e; c++) {
                        dqkv.add(base + s * row3 + d + c, (float) (scale * ds[s] * qkv.get(base + q * row3 + c)));
                        dqkv.add(base + s * row3 + 2L * d + c, probs.get(prow + s) * dy.get(dyrow + c));
                    }
                }
            }
        }
    }

    /** Pairs (x[i], x[i + E/2]) of q and k of each (token, head) rotated by sign · pos · base^(-2i/E). */
    private static void rotary(Ptr qkv, long tokens, int t, int h, int e, float base, float sign) {
        int p = e / 2;
        long d = (long) h * e;
        for (long tok = 0; tok < tokens; tok++) {
            for (int part = 0; part < 2; part++) {
                for (int head = 0; head < h; head++) {
                    long o = tok * 3 * d + part * d + (long) head * e;
                    for (int i = 0; i < p; i++) {
                        double angle = (tok % t) * Math.pow(base, -2.0 * i / e);
                        float s = sign * (float) Math.sin(angle);
                        float c = (float) Math.cos(angle);
                        float a = qkv.get(o + i);
                        float b = qkv.get(o + i + p);
                        qkv.set(o + i, a * c - b * s);
                        qkv.set(o + i + p, b * c + a * s);
                    }
                }
            }
        }
    }

    private static void sumSquares(Ptr a, long n, Ptr acc) {
        double s = 0;
        for (long x = 0; x < n; x++) {
            s += (double) a.get(x) * a.get(x);
        }
        acc.setDouble(acc.getDouble() + s);
    }

    private static void sumSquaresRows(long grid, Ptr a, Ptr rows, Ptr count, int d, Ptr acc) {
        double s = 0;
        for (int b = 0; b < Math.min(grid, count.geti(0)); b++) {
            long base = (long) rows.geti(b) * d;
            for (int j = 0; j < d; j++) {
                s += (double) a.get(base + j) * a.get(base + j);
            }
        }
        acc.setDouble(acc.getDouble() + s);
    }

    private static void clipFactor(Ptr sumsq, float maxNorm, Ptr factor) {
        double norm = Math.sqrt(sumsq.getDouble());
        factor.set(0, maxNorm > 0 && norm > maxNorm ? (float) (maxNorm / (norm + 1e-12)) : 1f);
        factor.set(1, (float) norm);
    }

    /** One AdamW element per index; the scalars lr, β₁, β₂, ε, keep, bc1, bc2 start at args[from]. */
    private static void adamwOne(Ptr p, Ptr g, Ptr m, Ptr v, long x, float gs, Object[] s, int from) {
        float lr = f(s[from]);
        float b1 = f(s[from + 1]);
        float b2 = f(s[from + 2]);
        float gi = g.get(x) * gs;
        float mi = b1 * m.get(x) + (1 - b1) * gi;
        float vi = b2 * v.get(x) + (1 - b2) * gi * gi;
        m.set(x, mi);
        v.set(x, vi);
        p.set(x, p.get(x) * f(s[from + 4]) - lr * (mi / f(s[from + 5])) / ((float) Math.sqrt(vi / f(s[from + 6]))
                + f(s[from + 3])));
    }

    private static void adamw(Ptr p, Ptr g, Ptr m, Ptr v, long n, float gs, Object[] s, int from) {
        for (long x = 0; x < n; x++) {
            adamwOne(p, g, m, v, x, gs, s, from);
        }
    }

    /** pk_adamw_rows(_scaled): p, g, m, v, rows, count, D, [gscale,] then the scalars from args[from]. */
    private void adamwRows(long grid, Object[] a, float gs, int from) {
        Ptr rows = p(a[4]);
        int d = i(a[6]);
        for (int b = 0; b < Math.min(grid, p(a[5]).geti(0)); b++) {
            long base = (long) rows.geti(b) * d;
            for (int j = 0; j < d; j++) {
                adamwOne(p(a[0]), p(a[1]), p(a[2]), p(a[3]), base + j, gs, a, from);
            }
        }
    }

    private static void batchNormEval(Ptr runMean, Ptr runVar, int c, float eps, Ptr mean, Ptr inv) {
        for (int col = 0; col < c; col++) {
            mean.set(col, runMean.get(col));
            inv.set(col, (float) (1 / Math.sqrt(runVar.get(col) + eps)));
        }
    }

    /** The kh largest of each row, descending (ties: the lower column first). */
    private static void topk(Ptr scores, int rows, int s, int kh, Ptr topV, Ptr topI) {
        for (int r = 0; r < rows; r++) {
            List<Integer> cols = new ArrayList<>();
            for (int c = 0; c < s; c++) {
                cols.add(c);
            }
            final long b = (long) r * s;
            cols.sort(Comparator.comparingDouble((Integer c) -> -scores.get(b + c)).thenComparingInt(c -> c));
            for (int j = 0; j < kh; j++) {
                topV.set((long) r * kh + j, scores.get(b + cols.get(j)));
                topI.seti((long) r * kh + j, cols.get(j));
            }
        }
    }

    private void combine(Object[] a) {
        Ptr v1 = p(a[0]);
        Ptr i1 = p(a[1]);
        Ptr v2 = p(a[2]);
        Ptr i2 = p(a[3]);
        int rows = i(a[4]);
        int kh = i(a[5]);
        int k = i(a[6]);
        int s = i(a[7]);
        for (int r = 0; r < rows; r++) {
            List<Integer> cand = new ArrayList<>();
            for (int c = 0; c < kh * kh; c++) {
                cand.add(c);
            }
            final int row = r;
            cand.sort(Comparator.comparingDouble((Integer c) -> -(v1.get((long) row * kh + c / kh)
                    + v2.get((long) row * kh + c % kh))).thenComparingInt(c -> c));
            float top = v1.get((long) r * kh + cand.get(0) / kh) + v2.get((long) r * kh + cand.get(0) % kh);
            double sum = 0;
            for (int j = 0; j < k; j++) {
                int c = cand.get(j);
                sum += Math.exp(v1.get((long) r * kh + c / kh) + v2.get((long) r * kh + c % kh) - top);
            }
            for (int j = 0; j < k; j++) {
                int c = cand.get(j);
                float sc = v1.get((long) r * kh + c / kh) + v2.get((long) r * kh + c % kh);
                long o = (long) r * k + j;
                int sr = i1.geti((long) r * kh + c / kh);
                int scol = i2.geti((long) r * kh + c % kh);
                p(a[8]).set(o, sc);
                p(a[9]).set(o, (float) (Math.exp(sc - top) / sum));
                p(a[10]).seti(o, sr);
                p(a[11]).seti(o, scol);
                p(a[12]).seti(o, sr * s + scol);
            }
        }
    }

    private static void batchNormStats(Ptr x, int rows, int c, float eps, float momentum, Ptr mean, Ptr inv,
            Ptr runMean, Ptr runVar) {
        for (int col = 0; col < c; col++) {
            double mu = 0;
            for (int r = 0; r < rows; r++) {
                mu += x.get((long) r * c + col);
            }
            mu /= rows;
            double ss = 0;
            for (int r = 0; r < rows; r++) {
                double d = x.get((long) r * c + col) - mu;
                ss += d * d;
            }
            mean.set(col, (float) mu);
            inv.set(col, (float) (1 / Math.sqrt(ss / rows + eps)));
            runMean.set(col, (float) ((1 - momentum) * runMean.get(col) + momentum * mu));
            runVar.set(col, (float) ((1 - momentum) * runVar.get(col) + momentum * ss / (rows - 1)));
        }
    }

    private static void batchNormApply(Ptr x, Ptr mean, Ptr inv, Ptr gamma, Ptr beta, long rows, int c, Ptr y) {
        for (long e = 0; e < rows * c; e++) {
            int j = (int) (e % c);
            y.set(e, (x.get(e) - mean.get(j)) * inv.get(j) * gamma.get(j) + beta.get(j));
        }
    }

    private static void batchNormBackward(Ptr dy, Ptr x, Ptr mean, Ptr inv, Ptr gamma, int rows, int c, Ptr dx,
            Ptr dGamma, Ptr dBeta) {
        for (int col = 0; col < c; col++) {
            float mu = mean.get(col);
            float r = inv.get(col);
            double sumDy = 0;
            double sumDyXh = 0;
            for (int row = 0; row < rows; row++) {
                long e = (long) row * c + col;
                sumDy += dy.get(e);
                sumDyXh += dy.get(e) * (x.get(e) - mu) * r;
            }
            dGamma.add(col, (float) sumDyXh);
            dBeta.add(col, (float) sumDy);
            for (int row = 0; row < rows; row++) {
                long e = (long) row * c + col;
                dx.set(e, (float) (gamma.get(col) * r * (dy.get(e) - sumDy / rows - (x.get(e) - mu) * r * sumDyXh / rows)));
            }
        }
    }
}
