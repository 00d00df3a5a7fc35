// Shared device helpers for PEERkit's kernels: activations and the warp-wide top-k used by
// product-key retrieval (paper §2, Eq. 5). Compiled into every .cu file of this folder.
#pragma once

#include <math_constants.h>

#define PK_FULL_MASK 0xffffffffu
#define PK_WARP 32

// Expert activation codes, the order of org.peerkit.tensor.Activation (GELU, RELU).
#define PK_ACT_GELU 0
#define PK_ACT_RELU 1

// Exact (erf) GELU, as the yardstick's default and lib's Activation.GELU.
__device__ __forceinline__ float pk_gelu(float a) {
    return 0.5f * a * (1.0f + erff(a * 0.70710678118654752f));
}

// d/da GELU(a) = Phi(a) + a * phi(a).
__device__ __forceinline__ float pk_gelu_grad(float a) {
    float cdf = 0.5f * (1.0f + erff(a * 0.70710678118654752f));
    return cdf + a * 0.39894228040143268f * expf(-0.5f * a * a);
}

__device__ __forceinline__ float pk_act(float a, int act) {
    return act == PK_ACT_GELU ? pk_gelu(a) : fmaxf(a, 0.0f);
}

__device__ __forceinline__ float pk_act_grad(float a, int act) {
    return act == PK_ACT_GELU ? pk_gelu_grad(a) : (a > 0.0f ? 1.0f : 0.0f);
}

__device__ __forceinline__ float pk_warp_sum(float x) {
    for (int off = PK_WARP / 2; off > 0; off >>= 1) {
        x += __shfl_xor_sync(PK_FULL_MASK, x, off);
    }
    return x;
}

__device__ __forceinline__ float pk_warp_max(float x) {
    for (int off = PK_WARP / 2; off > 0; off >>= 1) {
        x = fmaxf(x, __shfl_xor_sync(PK_FULL_MASK, x, off));
    }
    return x;
}

// One lane's candidates, sorted descending, KMAX long (unused slots hold -inf). The loops are
// unrolled over the compile-time KMAX so the list stays in registers (no local memory).
template <int KMAX>
struct PkTopList {
    float v[KMAX];
    int i[KMAX];

    __device__ __forceinline__ void clear() {
#pragma unroll
        for (int j = 0; j < KMAX; ++j) {
            v[j] = -CUDART_INF_F;
            i[j] = -1;
        }
    }

    // Insertion into the sorted list; ties keep the earlier candidate first.
    __device__ __forceinline__ void insert(float val, int idx) {
        if (!(val > v[KMAX - 1])) {
            return;
        }
#pragma unroll
        for (int j = KMAX - 1; j > 0; --j) {
            bool below = val > v[j - 1];
            bool here = !below && val > v[j];
            v[j] = below ? v[j - 1] : (here ? val : v[j]);
            i[j] = below ? i[j - 1] : (here ? idx : i[j]);
        }
        if (val > v[0]) {
            v[0] = val;
            i[0] = idx;
        }
    }

    __device__ __forceinline__ void pop() {
#pragma unroll
        for (int j = 0; j < KMAX - 1; ++j) {
            v[j] = v[j + 1];
            i[j] = i[j + 1];
        }
        v[KMAX - 1] = -CUDART_INF_F;
        i[KMAX - 1] = -1;
    }
};

// Merges the 32 lanes' sorted lists into the warp's top k (k <= KMAX <= 32): k rounds of a warp
// argmax over the lists' heads; the winning lane pops its head. Afterwards lane r < k holds the
// r-th largest value and its index in outV/outI (descending, ties to the lower lane).
template <int KMAX>
__device__ __forceinline__ void pk_warp_merge(PkTopList<KMAX>& list, int k, float& outV, int& outI) {
    const int lane = threadIdx.x & (PK_WARP - 1);
    outV = -CUDART_INF_F;
    outI = -1;
    for (int r = 0; r < k; ++r) {
        float best = list.v[0];
        int bestI = list.i[0];
        int bestLane = lane;
        for (int off = PK_WARP / 2; off > 0; off >>= 1) {
            float ov = __shfl_xor_sync(PK_FULL_MASK, best, off);
            int oi = __shfl_xor_sync(PK_FULL_MASK, bestI, off);
            int ol = __shfl_xor_sync(PK_FULL_MASK, bestLane, off);
            if (ov > best || (ov == best && ol < bestLane)) {
                best = ov;
                bestI = oi;
                bestLane = ol;
            }
        }
        if (lane == bestLane) {
            list.pop();
        }
        if (lane == r) {
            outV = best;
            outI = bestI;
        }
    }
}
