// Expert mixing (paper Eqs. 6-7): y[t] = sum_m g[t,m] * act(u[e].x[t]) * v[e], e = expert[t*M+m],
// and its backward; the PKM weighted bag y[t] = sum_m g[t,m] * v[e]. Token-major: one block per
// token, u and v rows read in place (no T*M*D gather). Expert gradients are scattered with
// float atomics into dense du/dv; the rows touched are flagged in `used` so that the optimiser and
// the re-zeroing of du/dv cost O(touched rows * D), not O(N * D).
// Requires D % 4 == 0 (rows are read as float4; the host checks it).
#include "common.cuh"

#define PK_MIX_THREADS 256
#define PK_MIX_WARPS (PK_MIX_THREADS / PK_WARP)

__device__ __forceinline__ float dot4(float4 a, float4 b) {
    return a.x * b.x + a.y * b.y + a.z * b.z + a.w * b.w;
}

// warp-wide a.b over D/4 float4 (result in every lane)
__device__ __forceinline__ float warp_dot(const float4* __restrict__ a, const float4* b, int d4) {
    float s = 0.0f;
    for (int j = threadIdx.x & 31; j < d4; j += PK_WARP) {
        s += dot4(a[j], b[j]);
    }
    return pk_warp_sum(s);
}

// out[t] = sum_m coef[m] * table[rows[m]] for the block's token (coef, rows in shared memory)
__device__ __forceinline__ void weighted_rows(const float* coef, const int* rows, int m,
                                              const float* __restrict__ table, int d4, float4* out) {
    for (int j = threadIdx.x; j < d4; j += blockDim.x) {
        float4 acc = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
        for (int i = 0; i < m; ++i) {
            const float c = coef[i];
            const float4 r = reinterpret_cast<const float4*>(table + (size_t)rows[i] * (d4 * 4))[j];
            acc.x += c * r.x;
            acc.y += c * r.y;
            acc.z += c * r.z;
            acc.w += c * r.w;
        }
        out[j] = acc;
    }
}

// preAct [T, M] <- u[e].x[t]; y [T, D] <- the weighted expert sum. Shared: x[D] + coef[M] + rows[M].
extern "C" __global__ void __launch_bounds__(PK_MIX_THREADS) pk_mix_forward(
    const float* __restrict__ x, const int* __restrict__ expert, const float* __restrict__ gates,
    const float* __restrict__ u, const float* __restrict__ v, int T, int M, int D, int act,
    float* __restrict__ preAct, float* __restrict__ y) {
    extern __shared__ float4 smem[];
    const int t = blockIdx.x;
    const int d4 = D / 4;
    float4* xs = smem;
    float* coef = reinterpret_cast<float*>(xs + d4);
    int* rows = reinterpret_cast<int*>(coef + M);
    const float4* xt = reinterpret_cast<const float4*>(x + (size_t)t * D);
    for (int j = threadIdx.x; j < d4; j += blockDim.x) {
        xs[j] = xt[j];
    }
    __syncthreads();
    const int warp = threadIdx.x >> 5;
    for (int m = warp; m < M; m += PK_MIX_WARPS) {
        const size_t o = (size_t)t * M + m;
        const int e = expert[o];
        const float a = warp_dot(reinterpret_cast<const float4*>(u + (size_t)e * D), xs, d4);
        if ((threadIdx.x & 31) == 0) {
            preAct[o] = a;
            coef[m] = gates[o] * pk_act(a, act);
            rows[m] = e;
        }
    }
    __syncthreads();
    weighted_rows(coef, rows, M, v, d4, reinterpret_cast<float4*>(y + (size_t)t * D));
}

// Backward of pk_mix_forward. dx [T, D] and dGates [T, M] are overwritten; du, dv [N, D] are
// accumulated (atomics) and used[e] is set to 1 for every expert e that was routed to.
//   dA = dy.v[e]; dGates = dA * act(a); dpre = dA * g * act'(a)
//   dx += dpre * u[e]; du[e] += dpre * x; dv[e] += g * act(a) * dy
extern "C" __global__ void __launch_bounds__(PK_MIX_THREADS) pk_mix_backward(
    const float* __restrict__ dy, const float* __restrict__ x, const int* __restrict__ expert,
    const float* __restrict__ gates, const float* __restrict__ u, const float* __restrict__ v,
    const float* __restrict__ preAct, int T, int M, int D, int act, float* __restrict__ dx,
    float* __restrict__ dGates, float* du, float* dv, unsigned char* used) {
    extern __shared__ float4 smem[];
    const int t = blockIdx.x;
    const int d4 = D / 4;
    const int lane = threadIdx.x & 31;
    float4* xs = smem;
    float4* dys = xs + d4;
    float* coef = reinterpret_cast<float*>(dys + d4);
    int* rows = reinterpret_cast<int*>(coef + M);
    for (int j = threadIdx.x; j < d4; j += blockDim.x) {
        xs[j] = reinterpret_cast<const float4*>(x + (size_t)t * D)[j];
        dys[j] = reinterpret_cast<const float4*>(dy + (size_t)t * D)[j];
    }
    __syncthreads();
    for (int m = threadIdx.x >> 5; m < M; m += PK_MIX_WARPS) {
        const size_t o = (size_t)t * M + m;
        const int e = expert[o];
        const float g = gates[o];
        const float a = preAct[o];
        const float s = pk_act(a, act);
        const float dA = warp_dot(reinterpret_cast<const float4*>(v + (size_t)e * D), dys, d4);
        const float dpre = dA * g * pk_act_grad(a, act);
        const float cv = g * s;
        float* duRow = du + (size_t)e * D;
        float* dvRow = dv + (size_t)e * D;
        for (int j = lane; j < d4; j += PK_WARP) {
            const float4 xv = xs[j];
            const float4 gv = dys[j];
            atomicAdd(duRow + 4 * j, dpre * xv.x);
            atomicAdd(duRow + 4 * j + 1, dpre * xv.y);
            atomicAdd(duRow + 4 * j + 2, dpre * xv.z);
            atomicAdd(duRow + 4 * j + 3, dpre * xv.w);
            atomicAdd(dvRow + 4 * j, cv * gv.x);
            atomicAdd(dvRow + 4 * j + 1, cv * gv.y);
            atomicAdd(dvRow + 4 * j + 2, cv * gv.z);
            atomicAdd(dvRow + 4 * j + 3, cv * gv.w);
        }
        if (lane == 0) {
            dGates[o] = dA * s;
            coef[m] = dpre;
            rows[m] = e;
            used[e] = 1;
        }
    }
    __syncthreads();
    weighted_rows(coef, rows, M, u, d4, reinterpret_cast<float4*>(dx + (size_t)t * D));
}

// PKM (Lample et al. 2019): y[t] = sum_m g[t,m] * v[e]. Shared: coef[M] + rows[M].
extern "C" __global__ void __launch_bounds__(PK_MIX_THREADS) pk_bag_forward(
    const int* __restrict__ expert, const float* __restrict__ gates, const float* __restrict__ v,
    int T, int M, int D, float* __restrict__ y) {
    extern __shared__ float smemf[];
    const int t = blockIdx.x;
    float* coef = smemf;
    int* rows = reinterpret_cast<int*>(coef + M);
    for (int m = threadIdx.x; m < M; m += blockDim.x) {
        coef[m] = gates[(size_t)t * M + m];
        rows[m] = expert[(size_t)t * M + m];
    }
    __syncthreads();
    weighted_rows(coef, rows, M, v, D / 4, reinterpret_cast<float4*>(y + (size_t)t * D));
}

// Backward of pk_bag_forward: dGates[t,m] = dy[t].v[e] (overwritten), dv[e] += g * dy[t].
extern "C" __global__ void __launch_bounds__(PK_MIX_THREADS) pk_bag_backward(
    const float* __restrict__ dy, const int* __restrict__ expert, const float* __restrict__ gates,
    const float* __restrict__ v, int T, int M, int D, float* __restrict__ dGates, float* dv,
    unsigned char* used) {
    extern __shared__ float4 smem[];
    const int t = blockIdx.x;
    const int d4 = D / 4;
    const int lane = threadIdx.x & 31;
    float4* dys = smem;
    for (int j = threadIdx.x; j < d4; j += blockDim.x) {
        dys[j] = reinterpret_cast<const float4*>(dy + (size_t)t * D)[j];
    }
    __syncthreads();
    for (int m = threadIdx.x >> 5; m < M; m += PK_MIX_WARPS) {
        const size_t o = (size_t)t * M + m;
        const int e = expert[o];
        const float g = gates[o];
        const float dA = warp_dot(reinterpret_cast<const float4*>(v + (size_t)e * D), dys, d4);
        float* dvRow = dv + (size_t)e * D;
        for (int j = lane; j < d4; j += PK_WARP) {
            const float4 gv = dys[j];
            atomicAdd(dvRow + 4 * j, g * gv.x);
            atomicAdd(dvRow + 4 * j + 1, g * gv.y);
            atomicAdd(dvRow + 4 * j + 2, g * gv.z);
            atomicAdd(dvRow + 4 * j + 3, g * gv.w);
        }
        if (lane == 0) {
            dGates[o] = dA;
            used[e] = 1;
        }
    }
}

// rows[0 .. *count) <- the experts with used[e] != 0 (in no particular order), flags cleared.
extern "C" __global__ void pk_collect_rows(unsigned char* used, int n, int* rows, int* count) {
    const int e = blockIdx.x * blockDim.x + threadIdx.x;
    if (e < n && used[e]) {
        used[e] = 0;
        rows[atomicAdd(count, 1)] = e;
    }
}

// a[rows[i], :] <- 0 for i < *count: re-zeroes the gradient rows a step touched (grid = max rows).
extern "C" __global__ void pk_zero_rows(float* a, const int* __restrict__ rows,
                                        const int* __restrict__ count, int D) {
    const int i = blockIdx.x;
    if (i >= *count) {
        return;
    }
    float* r = a + (size_t)rows[i] * D;
    for (int j = threadIdx.x; j < D; j += blockDim.x) {
        r[j] = 0.0f;
    }
}
