// The dense operations of a decoder step besides PEER: RMSNorm, LayerNorm, BatchNorm, bias, GELU,
// cross-entropy, embedding and AdamW (dense, and row-sparse for the expert tables). Formulas
// follow lib's double-precision reference paths (org.peerkit.nn.RmsNorm, nn.LayerNorm, nn.Linear,
// ffw.QueryBatchNorm, nn.Gelu, nn.CrossEntropy, nn.Embedding, train.AdamW, train.SparseRowAdamW),
// which write the golden files these kernels are checked against.
#include "common.cuh"

#define PK_ROW_THREADS 256

// Sum over the block (every thread gets the result); scratch holds PK_ROW_THREADS / 32 floats.
__device__ float block_sum(float x, float* scratch) {
    x = pk_warp_sum(x);
    const int warp = threadIdx.x >> 5;
    if ((threadIdx.x & 31) == 0) {
        scratch[warp] = x;
    }
    __syncthreads();
    float total = 0.0f;
    for (int w = 0; w < (int)(blockDim.x >> 5); ++w) {
        total += scratch[w];
    }
    __syncthreads();  // scratch is reused by the next call
    return total;
}

__device__ float block_max(float x, float* scratch) {
    x = pk_warp_max(x);
    const int warp = threadIdx.x >> 5;
    if ((threadIdx.x & 31) == 0) {
        scratch[warp] = x;
    }
    __syncthreads();
    float best = -CUDART_INF_F;
    for (int w = 0; w < (int)(blockDim.x >> 5); ++w) {
        best = fmaxf(best, scratch[w]);
    }
    __syncthreads();
    return best;
}

// y = x * rstd * w, rstd = 1 / sqrt(mean(x^2) + eps); one block per row of x [rows, D].
extern "C" __global__ void __launch_bounds__(PK_ROW_THREADS) pk_rmsnorm_forward(
    const float* __restrict__ x, const float* __restrict__ w, int rows, int D, float eps,
    float* __restrict__ y, float* __restrict__ rstd) {
    __shared__ float scratch[PK_ROW_THREADS / PK_WARP];
    const float* xr = x + (size_t)blockIdx.x * D;
    float ss = 0.0f;
    for (int j = threadIdx.x; j < D; j += blockDim.x) {
        ss += xr[j] * xr[j];
    }
    const float r = rsqrtf(block_sum(ss, scratch) / D + eps);
    for (int j = threadIdx.x; j < D; j += blockDim.x) {
        y[(size_t)blockIdx.x * D + j] = xr[j] * r * w[j];
    }
    if (threadIdx.x == 0) {
        rstd[blockIdx.x] = r;
    }
}

// dx = r * w * dy - x * r^3 * sum(w * dy * x) / D (overwritten); dw += dy * x * r (atomics).
extern "C" __global__ void __launch_bounds__(PK_ROW_THREADS) pk_rmsnorm_backward(
    const float* __restrict__ dy, const float* __restrict__ x, const float* __restrict__ w,
    const float* __restrict__ rstd, int rows, int D, float* __restrict__ dx, float* dw) {
    __shared__ float scratch[PK_ROW_THREADS / PK_WARP];
    const size_t base = (size_t)blockIdx.x * D;
    const float r = rstd[blockIdx.x];
    float s = 0.0f;
    for (int j = threadIdx.x; j < D; j += blockDim.x) {
        s += w[j] * dy[base + j] * x[base + j];
    }
    const float c = block_sum(s, scratch) * r * r * r / D;
    for (int j = threadIdx.x; j < D; j += blockDim.x) {
        dx[base + j] = r * w[j] * dy[base + j] - x[base + j] * c;
        atomicAdd(dw + j, dy[base + j] * x[base + j] * r);
    }
}

// LayerNorm (nn.LayerNorm): y = (x - mean) * inv * g + b, inv = 1 / sqrt(var + eps) with the biased
// variance; mean and inv per row are kept for backward. One block per row of x [rows, D].
extern "C" __global__ void __launch_bounds__(PK_ROW_THREADS) pk_layernorm_forward(
    const float* __restrict__ x, const float* __restrict__ g, const float* __restrict__ b, int rows, int D,
    float eps, float* __restrict__ y, float* __restrict__ mean, float* __restrict__ inv) {
    __shared__ float scratch[PK_ROW_THREADS / PK_WARP];
    const float* xr = x + (size_t)blockIdx.x * D;
    float s = 0.0f;
    for (int j = threadIdx.x; j < D; j += blockDim.x) {
        s += xr[j];
    }
    const float mu = block_sum(s, scratch) / D;
    float ss = 0.0f;
    for (int j = threadIdx.x; j < D; j += blockDim.x) {
        ss += (xr[j] - mu) * (xr[j] - mu);  // two passes: no cancellation for rows with a large mean
    }
    const float r = rsqrtf(block_sum(ss, scratch) / D + eps);
    for (int j = threadIdx.x; j < D; j += blockDim.x) {
        y[(size_t)blockIdx.x * D + j] = (xr[j] - mu) * r * g[j] + b[j];
    }
    if (threadIdx.x == 0) {
        mean[blockIdx.x] = mu;
        inv[blockIdx.x] = r;
    }
}

// dx = inv * (dxh - mean(dxh) - xh * mean(dxh * xh)) with xh = (x - mean) * inv, dxh = dy * g
// (overwritten); dg += dy * xh, db += dy (atomics).
extern "C" __global__ void __launch_bounds__(PK_ROW_THREADS) pk_layernorm_backward(
    const float* __restrict__ dy, const float* __restrict__ x, const float* __restrict__ g,
    const float* __restrict__ mean, const float* __restrict__ inv, int rows, int D, float* __restrict__ dx,
    float* dg, float* db) {
    __shared__ float scratch[PK_ROW_THREADS / PK_WARP];
    const size_t base = (size_t)blockIdx.x * D;
    const float mu = mean[blockIdx.x];
    const float r = inv[blockIdx.x];
    float s1 = 0.0f;
    float s2 = 0.0f;
    for (int j = threadIdx.x; j < D; j += blockDim.x) {
        const float dxh = dy[base + j] * g[j];
        s1 += dxh;
        s2 += dxh * (x[base + j] - mu) * r;
    }
    const float m1 = block_sum(s1, scratch) / D;
    const float m2 = block_sum(s2, scratch) / D;
    for (int j = threadIdx.x; j < D; j += blockDim.x) {
        const float xh = (x[base + j] - mu) * r;
        dx[base + j] = r * (dy[base + j] * g[j] - m1 - xh * m2);
        atomicAdd(dg + j, dy[base + j] * xh);
        atomicAdd(db + j, dy[base + j]);
    }
}

// y[r, j] += b[j] for y [rows, D] (a Linear's bias after its cuBLAS GEMM).
extern "C" __global__ void pk_add_bias(float* y, const float* __restrict__ b, long long rows, int D) {
    const long long n = rows * D;
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        y[i] += b[i % D];
    }
}

// db[j] += sum_r dy[r, j]: block i sums rows 64i .. 64i+63 of every column (reads coalesced along
// a row), then one atomic per column. Grid = ceil(rows / 64).
extern "C" __global__ void pk_bias_grad(const float* __restrict__ dy, long long rows, int D, float* db) {
    const long long r0 = (long long)blockIdx.x * 64;
    const long long r1 = min(rows, r0 + 64);
    for (int j = threadIdx.x; j < D; j += blockDim.x) {
        float s = 0.0f;
        for (long long r = r0; r < r1; ++r) {
            s += dy[r * D + j];
        }
        atomicAdd(db + j, s);
    }
}

// BatchNorm over the query features (ffw.QueryBatchNorm, paper §3.3): per column of x [rows, C].
// Column reductions use 32 columns x 8 row lanes per block (reads coalesced along a row); grid =
// ceil(C / 32), 256 threads. Returns the 8 lanes' sum to every thread of the column.
__device__ float column_sum(float v, float (*lanes)[32]) {
    const int c = threadIdx.x & 31;
    const int ty = threadIdx.x >> 5;
    lanes[ty][c] = v;
    __syncthreads();
    float total = 0.0f;
    for (int i = 0; i < 8; ++i) {
        total += lanes[i][c];
    }
    __syncthreads();
    return total;
}

// Training mode: mean and inv = 1/sqrt(var + eps) with the biased variance (two passes), and the
// running statistics updated with momentum and the unbiased variance (PyTorch's BatchNorm1d).
extern "C" __global__ void __launch_bounds__(256) pk_batchnorm_stats(
    const float* __restrict__ x, int rows, int C, float eps, float momentum, float* __restrict__ mean,
    float* __restrict__ inv, float* runMean, float* runVar) {
    __shared__ float lanes[8][32];
    const int col = blockIdx.x * 32 + (threadIdx.x & 31);
    const int ty = threadIdx.x >> 5;
    float s = 0.0f;
    for (int r = ty; col < C && r < rows; r += 8) {
        s += x[(size_t)r * C + col];
    }
    const float mu = column_sum(s, lanes) / rows;
    float ss = 0.0f;
    for (int r = ty; col < C && r < rows; r += 8) {
        const float d = x[(size_t)r * C + col] - mu;
        ss += d * d;
    }
    ss = column_sum(ss, lanes);
    if (ty == 0 && col < C) {
        mean[col] = mu;
        inv[col] = rsqrtf(ss / rows + eps);
        runMean[col] = (1.0f - momentum) * runMean[col] + momentum * mu;
        runVar[col] = (1.0f - momentum) * runVar[col] + momentum * ss / (rows - 1);
    }
}

// Evaluation mode: mean and inv from the running statistics.
extern "C" __global__ void pk_batchnorm_eval_stats(const float* __restrict__ runMean, const float* __restrict__ runVar,
                                                   int C, float eps, float* __restrict__ mean, float* __restrict__ inv) {
    const int col = blockIdx.x * blockDim.x + threadIdx.x;
    if (col < C) {
        mean[col] = runMean[col];
        inv[col] = rsqrtf(runVar[col] + eps);
    }
}

// y = (x - mean) * inv * gamma + beta, elementwise over x [rows, C].
extern "C" __global__ void pk_batchnorm_apply(const float* __restrict__ x, const float* __restrict__ mean,
                                              const float* __restrict__ inv, const float* __restrict__ gamma,
                                              const float* __restrict__ beta, long long rows, int C, float* __restrict__ y) {
    const long long n = rows * C;
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        const int j = (int)(i % C);
        y[i] = (x[i] - mean[j]) * inv[j] * gamma[j] + beta[j];
    }
}

// Backward, training mode: dgamma += sum dy*xh, dbeta += sum dy (one writer per column), then
// dx = gamma * inv * (dy - sum(dy)/rows - xh * sum(dy*xh)/rows) (overwritten), xh = (x - mean) * inv.
extern "C" __global__ void __launch_bounds__(256) pk_batchnorm_backward(
    const float* __restrict__ dy, const float* __restrict__ x, const float* __restrict__ mean,
    const float* __restrict__ inv, const float* __restrict__ gamma, int rows, int C, float* __restrict__ dx,
    float* dgamma, float* dbeta) {
    __shared__ float lanes[8][32];
    const int col = blockIdx.x * 32 + (threadIdx.x & 31);
    const int ty = threadIdx.x >> 5;
    const float mu = col < C ? mean[col] : 0.0f;
    const float r = col < C ? inv[col] : 0.0f;
    float s1 = 0.0f;
    float s2 = 0.0f;
    for (int row = ty; col < C && row < rows; row += 8) {
        const size_t i = (size_t)row * C + col;
        s1 += dy[i];
        s2 += dy[i] * (x[i] - mu) * r;
    }
    const float sumDy = column_sum(s1, lanes);
    const float sumDyXh = column_sum(s2, lanes);
    if (col >= C) {
        return;
    }
    if (ty == 0) {
        dgamma[col] += sumDyXh;
        dbeta[col] += sumDy;
    }
    const float scale = gamma[col] * r;
    for (int row = ty; row < rows; row += 8) {
        const size_t i = (size_t)row * C + col;
        dx[i] = scale * (dy[i] - sumDy / rows - (x[i] - mu) * r * sumDyXh / rows);
    }
}

// The dense FFW's GELU is lib's nn.Gelu, the tanh approximation (GPT-2):
// y = x/2 * (1 + tanh(c * (x + a x^3))), c = sqrt(2/pi), a = 0.044715. (Experts use the exact erf
// form, common.cuh, as Activation.GELU.)
__device__ __forceinline__ float pk_gelu_tanh_inner(float x) {
    return 0.79788456080286536f * (x + 0.044715f * x * x * x);
}

extern "C" __global__ void pk_gelu_forward(const float* __restrict__ x, long long n, float* __restrict__ y) {
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        const float v = x[i];
        y[i] = 0.5f * v * (1.0f + tanhf(pk_gelu_tanh_inner(v)));
    }
}

// dy/dx = (1 + t)/2 + x/2 * (1 - t^2) * c * (1 + 3a x^2), t = tanh(c * (x + a x^3))
extern "C" __global__ void pk_gelu_backward(const float* __restrict__ x, const float* __restrict__ dy,
                                            long long n, float* __restrict__ dx) {
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        const float v = x[i];
        const float t = tanhf(pk_gelu_tanh_inner(v));
        const float grad = 0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * 0.79788456080286536f * (1.0f + 3.0f * 0.044715f * v * v);
        dx[i] = dy[i] * grad;
    }
}

// Per row of logits [rows, V]: loss[row] = logsumexp - logit[target]; dLogits = scale * (softmax -
// onehot(target)) (scale = 1 / rows for the mean loss). One block per row.
extern "C" __global__ void __launch_bounds__(PK_ROW_THREADS) pk_cross_entropy(
    const float* __restrict__ logits, const int* __restrict__ targets, int rows, int V, float scale,
    float* __restrict__ loss, float* __restrict__ dLogits) {
    __shared__ float scratch[PK_ROW_THREADS / PK_WARP];
    const size_t base = (size_t)blockIdx.x * V;
    float mx = -CUDART_INF_F;
    for (int j = threadIdx.x; j < V; j += blockDim.x) {
        mx = fmaxf(mx, logits[base + j]);
    }
    mx = block_max(mx, scratch);
    float se = 0.0f;
    for (int j = threadIdx.x; j < V; j += blockDim.x) {
        se += expf(logits[base + j] - mx);
    }
    se = block_sum(se, scratch);
    const int target = targets[blockIdx.x];
    for (int j = threadIdx.x; j < V; j += blockDim.x) {
        const float p = expf(logits[base + j] - mx) / se;
        dLogits[base + j] = scale * (p - (j == target ? 1.0f : 0.0f));
    }
    if (threadIdx.x == 0) {
        loss[blockIdx.x] = mx + logf(se) - logits[base + target];
    }
}

// y[t] = table[tokens[t]]; one block per token.
extern "C" __global__ void pk_embedding_forward(const float* __restrict__ table, const int* __restrict__ tokens,
                                                int T, int D, float* __restrict__ y) {
    const float* row = table + (size_t)tokens[blockIdx.x] * D;
    for (int j = threadIdx.x; j < D; j += blockDim.x) {
        y[(size_t)blockIdx.x * D + j] = row[j];
    }
}

// dTable[tokens[t]] += dy[t] (atomics: a token may repeat).
extern "C" __global__ void pk_embedding_backward(const float* __restrict__ dy, const int* __restrict__ tokens,
                                                 int T, int D, float* dTable) {
    float* row = dTable + (size_t)tokens[blockIdx.x] * D;
    for (int j = threadIdx.x; j < D; j += blockDim.x) {
        atomicAdd(row + j, dy[(size_t)blockIdx.x * D + j]);
    }
}

// One AdamW element, as train.AdamW: m, v moments; p <- p * keep - lr * mhat / (sqrt(vhat) + eps)
// with keep = 1 - lr * weightDecay (or 1), bc1 = 1 - beta1^t, bc2 = 1 - beta2^t.
__device__ __forceinline__ void adamw_one(float* p, const float* g, float* m, float* v, size_t i,
                                          float lr, float b1, float b2, float eps, float keep,
                                          float bc1, float bc2, float gscale = 1.0f) {
    const float gi = g[i] * gscale;
    const float mi = b1 * m[i] + (1.0f - b1) * gi;
    const float vi = b2 * v[i] + (1.0f - b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i] * keep - lr * (mi / bc1) / (sqrtf(vi / bc2) + eps);
}

extern "C" __global__ void pk_adamw(float* p, const float* __restrict__ g, float* m, float* v, long long n,
                                    float lr, float b1, float b2, float eps, float keep, float bc1, float bc2) {
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        adamw_one(p, g, m, v, (size_t)i, lr, b1, b2, eps, keep, bc1, bc2);
    }
}

// The row-sparse update (train.SparseRowAdamW): only rows[0 .. *count) of p [N, D] move; one block
// per listed row (grid = the most rows a step can touch).
extern "C" __global__ void pk_adamw_rows(float* p, const float* __restrict__ g, float* m, float* v,
                                         const int* __restrict__ rows, const int* __restrict__ count, int D,
                                         float lr, float b1, float b2, float eps, float keep, float bc1, float bc2) {
    if ((int)blockIdx.x >= *count) {
        return;
    }
    const size_t base = (size_t)rows[blockIdx.x] * D;
    for (int j = threadIdx.x; j < D; j += blockDim.x) {
        adamw_one(p, g, m, v, base + j, lr, b1, b2, eps, keep, bc1, bc2);
    }
}

// out = a + b, elementwise (the residual adds of a block, and their gradients).
extern "C" __global__ void pk_add(const float* __restrict__ a, const float* __restrict__ b, long long n,
                                  float* __restrict__ out) {
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        out[i] = a[i] + b[i];
    }
}

// a[i] = value (norm gains of 1 at initialisation).
extern "C" __global__ void pk_fill_value(float* a, long long n, float value) {
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        a[i] = value;
    }
}

// *acc += sum(a^2) over a [n] in double (train.GradClip sums in double): one partial sum per block.
extern "C" __global__ void __launch_bounds__(PK_ROW_THREADS) pk_sum_squares(const float* __restrict__ a, long long n,
                                                                            double* acc) {
    __shared__ float scratch[PK_ROW_THREADS / PK_WARP];
    float s = 0.0f;
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        s += a[i] * a[i];
    }
    s = block_sum(s, scratch);
    if (threadIdx.x == 0) {
        atomicAdd(acc, (double)s);
    }
}

// *acc += sum(a[rows[i], :]^2) for i < *count: the touched expert rows only (GradClip's sparse path).
extern "C" __global__ void __launch_bounds__(PK_ROW_THREADS) pk_sum_squares_rows(
    const float* __restrict__ a, const int* __restrict__ rows, const int* __restrict__ count, int D, double* acc) {
    __shared__ float scratch[PK_ROW_THREADS / PK_WARP];
    if ((int)blockIdx.x >= *count) {
        return;
    }
    const float* r = a + (size_t)rows[blockIdx.x] * D;
    float s = 0.0f;
    for (int j = threadIdx.x; j < D; j += blockDim.x) {
        s += r[j] * r[j];
    }
    s = block_sum(s, scratch);
    if (threadIdx.x == 0) {
        atomicAdd(acc, (double)s);
    }
}

// factor[0] = maxNorm / (norm + 1e-12) when norm > maxNorm > 0, else 1; factor[1] = norm, with
// norm = sqrt(*sumsq) (train.GradClip.clip). One thread; the update kernels read factor[0].
extern "C" __global__ void pk_clip_factor(const double* __restrict__ sumsq, float maxNorm, float* factor) {
    const double norm = sqrt(*sumsq);
    factor[0] = (maxNorm > 0.0f && norm > maxNorm) ? (float)(maxNorm / (norm + 1e-12)) : 1.0f;
    factor[1] = (float)norm;
}

// pk_adamw with the gradient scaled by *gscale (the clipping factor, left on the device).
extern "C" __global__ void pk_adamw_scaled(float* p, const float* __restrict__ g, float* m, float* v, long long n,
                                           const float* __restrict__ gscale, float lr, float b1, float b2, float eps,
                                           float keep, float bc1, float bc2) {
    const float s = *gscale;
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        adamw_one(p, g, m, v, (size_t)i, lr, b1, b2, eps, keep, bc1, bc2, s);
    }
}

// pk_adamw_rows with the gradient scaled by *gscale.
extern "C" __global__ void pk_adamw_rows_scaled(float* p, const float* __restrict__ g, float* m, float* v,
                                                const int* __restrict__ rows, const int* __restrict__ count, int D,
                                                const float* __restrict__ gscale, float lr, float b1, float b2,
                                                float eps, float keep, float bc1, float bc2) {
    if ((int)blockIdx.x >= *count) {
        return;
    }
    const float s = *gscale;
    const size_t base = (size_t)rows[blockIdx.x] * D;
    for (int j = threadIdx.x; j < D; j += blockDim.x) {
        adamw_one(p, g, m, v, base + j, lr, b1, b2, eps, keep, bc1, bc2, s);
    }
}

__device__ __forceinline__ unsigned long long pk_mix64(unsigned long long z) {
    z += 0x9E3779B97F4A7C15ull;  // splitmix64's finaliser
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// a[i] ~ N(0, std^2), a counter-based hash of (seed, i) through Box-Muller: benchmark parameters
// at paper scale (2 x 4 GiB for u, v) are drawn on the device instead of crossing PCIe.
extern "C" __global__ void pk_fill_normal(float* a, long long n, unsigned long long seed, float std) {
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        const unsigned long long h = pk_mix64(seed ^ pk_mix64((unsigned long long)i));
        const float u1 = (float)((h >> 40) + 1) * (1.0f / 16777216.0f);  // (0, 1]
        const float u2 = (float)(h & 0xFFFFFFull) * (1.0f / 16777216.0f);
        a[i] = std * sqrtf(-2.0f * logf(u1)) * cospif(2.0f * u2);
    }
}
