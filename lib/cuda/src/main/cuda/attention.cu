// Causal multi-head self-attention core (lib's nn.CausalSelfAttention without rotary positions):
// P = softmax_causal(scale * q.k^T) per (batch row b, head h), y = P.v; and its backward. The q, k,
// v of head h are columns h*E .. h*E+E-1 of the parts 0, 1, 2 of the fused projection output
// qkv [B*T, 3D] = [B, T, 3, H, E]; y is token-major [B*T, D]; P is kept as [B*H, T, T] (zeros above
// the diagonal), as lib keeps it. One block per query row (g, t), t < T: the row's scores live in
// shared memory, so T is bounded by it (T <= 8192 at 48 KB). The projections are cuBLAS GEMMs.
#include "common.cuh"

#define PK_ATT_THREADS 128

__device__ __forceinline__ float att_block_reduce(float x, float* scratch, bool takeMax) {
    for (int off = PK_WARP / 2; off > 0; off >>= 1) {
        const float o = __shfl_xor_sync(PK_FULL_MASK, x, off);
        x = takeMax ? fmaxf(x, o) : x + o;
    }
    if ((threadIdx.x & 31) == 0) {
        scratch[threadIdx.x >> 5] = x;
    }
    __syncthreads();
    float r = scratch[0];
    for (int w = 1; w < (int)(blockDim.x >> 5); ++w) {
        r = takeMax ? fmaxf(r, scratch[w]) : r + scratch[w];
    }
    __syncthreads();
    return r;
}

// Shared: p[T] + qrow[E]. Grid = B*H*T.
extern "C" __global__ void __launch_bounds__(PK_ATT_THREADS) pk_attention_forward(
    const float* __restrict__ qkv, int B, int T, int H, int E, float scale, float* __restrict__ probs,
    float* __restrict__ y) {
    extern __shared__ float sm[];
    __shared__ float scratch[PK_ATT_THREADS / PK_WARP];
    float* p = sm;
    float* qrow = sm + T;
    const int t = blockIdx.x % T;
    const int g = blockIdx.x / T;
    const int b = g / H;
    const int h = g % H;
    const int D = H * E;
    const size_t row3 = (size_t)3 * D;
    const float* base = qkv + (size_t)b * T * row3 + (size_t)h * E;  // q of (b, 0, h)
    for (int e = threadIdx.x; e < E; e += blockDim.x) {
        qrow[e] = base[(size_t)t * row3 + e];
    }
    __syncthreads();
    float mx = -CUDART_INF_F;
    for (int s = threadIdx.x; s <= t; s += blockDim.x) {
        const float* k = base + (size_t)s * row3 + D;
        float dot = 0.0f;
        for (int e = 0; e < E; ++e) {
            dot += qrow[e] * k[e];
        }
        p[s] = dot * scale;
        mx = fmaxf(mx, p[s]);
    }
    mx = att_block_reduce(mx, scratch, true);
    float sum = 0.0f;
    for (int s = threadIdx.x; s <= t; s += blockDim.x) {
        p[s] = expf(p[s] - mx);
        sum += p[s];
    }
    sum = att_block_reduce(sum, scratch, false);
    float* prow = probs + ((size_t)g * T + t) * T;
    for (int s = threadIdx.x; s < T; s += blockDim.x) {
        const float v = s <= t ? p[s] / sum : 0.0f;
        if (s <= t) {
            p[s] = v;
        }
        prow[s] = v;
    }
    __syncthreads();
    for (int e = threadIdx.x; e < E; e += blockDim.x) {
        float acc = 0.0f;
        for (int s = 0; s <= t; ++s) {
            acc += p[s] * base[(size_t)s * row3 + 2 * D + e];
        }
        y[((size_t)b * T + t) * D + (size_t)h * E + e] = acc;
    }
}

// Backward for one query row (g, t): dP_s = dy_t.v_s; dS_s = P_s (dP_s - sum_s' P_s' dP_s');
// dq_t = scale sum_s dS_s k_s (stored); dk_s += scale dS_s q_t, dv_s += P_s dy_t (atomics), so
// dqkv must be zero before the launch. Shared: ds[T] + dyrow[E] + qrow[E]. Grid = B*H*T.
extern "C" __global__ void __launch_bounds__(PK_ATT_THREADS) pk_attention_backward(
    const float* __restrict__ qkv, const float* __restrict__ probs, const float* __restrict__ dy, int B, int T,
    int H, int E, float scale, float* dqkv) {
    extern __shared__ float sm[];
    __shared__ float scratch[PK_ATT_THREADS / PK_WARP];
    float* ds = sm;
    float* dyrow = sm + T;
    float* qrow = dyrow + E;
    const int t = blockIdx.x % T;
    const int g = blockIdx.x / T;
    const int b = g / H;
    const int h = g % H;
    const int D = H * E;
    const size_t row3 = (size_t)3 * D;
    const size_t off = (size_t)b * T * row3 + (size_t)h * E;
    const float* base = qkv + off;
    float* dbase = dqkv + off;
    const float* prow = probs + ((size_t)g * T + t) * T;
    for (int e = threadIdx.x; e < E; e += blockDim.x) {
        dyrow[e] = dy[((size_t)b * T + t) * D + (size_t)h * E + e];
        qrow[e] = base[(size_t)t * row3 + e];
    }
    __syncthreads();
    float pdp = 0.0f;
    for (int s = threadIdx.x; s <= t; s += blockDim.x) {
        const float* v = base + (size_t)s * row3 + 2 * D;
        float dot = 0.0f;
        for (int e = 0; e < E; ++e) {
            dot += dyrow[e] * v[e];
        }
        ds[s] = dot;
        pdp += prow[s] * dot;
    }
    pdp = att_block_reduce(pdp, scratch, false);
    for (int s = threadIdx.x; s <= t; s += blockDim.x) {
        ds[s] = prow[s] * (ds[s] - pdp);
    }
    __syncthreads();
    for (int e = threadIdx.x; e < E; e += blockDim.x) {
        float acc = 0.0f;
        for (int s = 0; s <= t; ++s) {
            acc += ds[s] * base[(size_t)s * row3 + D + e];
        }
        dbase[(size_t)t * row3 + e] = scale * acc;
    }
    for (int i = threadIdx.x; i < (t + 1) * E; i += blockDim.x) {
        const int s = i / E;
        const int e = i % E;
        atomicAdd(dbase + (size_t)s * row3 + D + e, scale * ds[s] * qrow[e]);
        atomicAdd(dbase + (size_t)s * row3 + 2 * D + e, prow[s] * dyrow[e]);
    }
}

// Rotary positions (lib's nn.Rotary, RoPE "rotate-half" as GPT-NeoX) in place on the q and k parts
// of the fused qkv [B*T, 3D]: pair i of each head's vector, (x[i], x[i + E/2]), rotates by angle
// pos * base^(-2i/E) with pos = token % T: x1' = x1 cos - x2 sin, x2' = x2 cos + x1 sin. sign -1
// applies the inverse rotation (the backward of a rotation is its transpose, lib's Rotary.unrotate).
// The angle and its sine and cosine are in double: pos * theta reaches hundreds of radians.
extern "C" __global__ void pk_rotary(float* qkv, long long tokens, int T, int H, int E, float base, float sign) {
    const int P = E / 2;
    const int D = H * E;
    const long long n = tokens * 2 * H * P;
    for (long long idx = blockIdx.x * (long long)blockDim.x + threadIdx.x; idx < n;
         idx += (long long)gridDim.x * blockDim.x) {
        const int i = (int)(idx % P);
        long long rest = idx / P;
        const int h = (int)(rest % H);
        rest /= H;
        const int part = (int)(rest % 2);
        const long long tok = rest / 2;
        const double angle = (double)(tok % T) * pow((double)base, -2.0 * i / E);
        double s;
        double c;
        sincos(angle, &s, &c);
        const float sf = sign * (float)s;
        const float cf = (float)c;
        float* v = qkv + tok * 3 * D + (long long)part * D + (long long)h * E;
        const float a = v[i];
        const float b = v[i + P];
        v[i] = a * cf - b * sf;
        v[i + P] = b * cf + a * sf;
    }
}
