// Product-key retrieval (paper §2, Eq. 5) after the two sub-score GEMMs (cuBLAS): per-row top-k'
// of each half's sub-scores, then the top k of the k'^2 sums with the softmax gates of each head.
// Backward: the sparse gradient of score = s1[row] + s2[col] into the queries and the sub-keys.
// Layouts follow org.peerkit.tensor.Kernels: q [T, H*Q] head-major, sub-keys [S, Q/2], scores and
// gates [T*H, k] sorted descending per (token, head), expert = row * S + col.
#include "common.cuh"

#define PK_ROWS_PER_BLOCK 8  // one warp per row, 256 threads

// topV/topI [rows, kh] <- the kh largest of each row of scores [rows, s], sorted descending.
template <int KMAX>
__device__ void topk_rows(const float* __restrict__ scores, int rows, int s, int kh,
                          float* __restrict__ topV, int* __restrict__ topI) {
    const int row = blockIdx.x * PK_ROWS_PER_BLOCK + (threadIdx.x >> 5);
    const int lane = threadIdx.x & 31;
    if (row >= rows) {
        return;  // the whole warp leaves together: row is warp-uniform
    }
    const float* r = scores + (size_t)row * s;
    PkTopList<KMAX> list;
    list.clear();
    for (int c = lane; c < s; c += PK_WARP) {
        list.insert(r[c], c);
    }
    float v;
    int i;
    pk_warp_merge<KMAX>(list, kh, v, i);
    if (lane < kh) {
        topV[(size_t)row * kh + lane] = v;
        topI[(size_t)row * kh + lane] = i;
    }
}

// For each (token, head): candidates a*kh + b with score v1[a] + v2[b]; keeps the top k, sorted
// descending, writes scores, gates = softmax(scores), the sub-key rows/columns and expert ids.
template <int KMAX>
__device__ void combine_softmax(const float* __restrict__ v1, const int* __restrict__ i1,
                                const float* __restrict__ v2, const int* __restrict__ i2,
                                int rows, int kh, int k, int s, float* __restrict__ scores,
                                float* __restrict__ gates, int* __restrict__ rowIdx,
                                int* __restrict__ colIdx, int* __restrict__ expert) {
    const int row = blockIdx.x * PK_ROWS_PER_BLOCK + (threadIdx.x >> 5);
    const int lane = threadIdx.x & 31;
    if (row >= rows) {
        return;
    }
    // lane a holds the a-th best of each half (kh <= 32); shuffles hand them to the candidates
    const float a1 = lane < kh ? v1[(size_t)row * kh + lane] : -CUDART_INF_F;
    const float a2 = lane < kh ? v2[(size_t)row * kh + lane] : -CUDART_INF_F;
    const int r1 = lane < kh ? i1[(size_t)row * kh + lane] : 0;
    const int r2 = lane < kh ? i2[(size_t)row * kh + lane] : 0;
    const int n = kh * kh;
    PkTopList<KMAX> list;
    list.clear();
    for (int base = 0; base < n; base += PK_WARP) {
        const int c = base + lane;
        const bool ok = c < n;
        const float s1 = __shfl_sync(PK_FULL_MASK, a1, ok ? c / kh : 0);
        const float s2 = __shfl_sync(PK_FULL_MASK, a2, ok ? c % kh : 0);
        if (ok) {
            list.insert(s1 + s2, c);
        }
    }
    float v;
    int c;
    pk_warp_merge<KMAX>(list, k, v, c);
    const int cc = lane < k ? c : 0;
    const int sr = __shfl_sync(PK_FULL_MASK, r1, cc / kh);
    const int sc = __shfl_sync(PK_FULL_MASK, r2, cc % kh);
    const float top = __shfl_sync(PK_FULL_MASK, v, 0);  // lane 0 holds the maximum
    const float e = lane < k ? expf(v - top) : 0.0f;
    const float sum = pk_warp_sum(e);
    if (lane < k) {
        const size_t o = (size_t)row * k + lane;
        scores[o] = v;
        gates[o] = e / sum;
        rowIdx[o] = sr;
        colIdx[o] = sc;
        expert[o] = sr * s + sc;
    }
}

#define PK_TOPK_VARIANTS(K)                                                                        \
    extern "C" __global__ void __launch_bounds__(256) pk_topk_rows_##K(                            \
        const float* scores, int rows, int s, int kh, float* topV, int* topI) {                   \
        topk_rows<K>(scores, rows, s, kh, topV, topI);                                             \
    }                                                                                              \
    extern "C" __global__ void __launch_bounds__(256) pk_combine_softmax_##K(                      \
        const float* v1, const int* i1, const float* v2, const int* i2, int rows, int kh, int k,  \
        int s, float* scores, float* gates, int* rowIdx, int* colIdx, int* expert) {               \
        combine_softmax<K>(v1, i1, v2, i2, rows, kh, k, s, scores, gates, rowIdx, colIdx, expert); \
    }

// The host picks the smallest KMAX >= k (org.peerkit.cuda.PeerDevice).
PK_TOPK_VARIANTS(4)
PK_TOPK_VARIANTS(8)
PK_TOPK_VARIANTS(16)
PK_TOPK_VARIANTS(32)

// dScores -> dq (overwritten) and dKeys1/dKeys2 (accumulated): score = q1.k1[row] + q2.k2[col], so
// dq1 = sum_r ds_r k1[row_r], dk1[row_r] += ds_r q1 (the same for the second half with col).
// One warp per (token, head); lanes r < k hold slot r. Sub-keys shared by all heads have
// keyHeadStride 0; per-head sub-keys (PKM, ffw.ProductKeyQuery) are [H*S, Q/2] with head h's table
// at h * keyHeadStride (= S * Q/2), row = token * heads + h.
extern "C" __global__ void __launch_bounds__(256) pk_retrieval_backward(
    const float* __restrict__ dScores, const int* __restrict__ rowIdx, const int* __restrict__ colIdx,
    const float* __restrict__ q, const float* __restrict__ keys1In, const float* __restrict__ keys2In,
    int rows, int qdim, int k, float* __restrict__ dq, float* dKeys1In, float* dKeys2In, int heads,
    long long keyHeadStride) {
    const int row = blockIdx.x * PK_ROWS_PER_BLOCK + (threadIdx.x >> 5);
    const int lane = threadIdx.x & 31;
    if (row >= rows) {
        return;
    }
    const size_t ko = (size_t)(row % heads) * (size_t)keyHeadStride;
    const float* keys1 = keys1In + ko;
    const float* keys2 = keys2In + ko;
    float* dKeys1 = dKeys1In + ko;
    float* dKeys2 = dKeys2In + ko;
    const int half = qdim / 2;
    const size_t o = (size_t)row * k + lane;
    const float ds = lane < k ? dScores[o] : 0.0f;
    const int ri = lane < k ? rowIdx[o] : 0;
    const int ci = lane < k ? colIdx[o] : 0;
    const float* q1 = q + (size_t)row * qdim;
    const float* q2 = q1 + half;
    for (int jb = 0; jb < half; jb += PK_WARP) {
        const int j = jb + lane;
        const bool ok = j < half;
        const float x1 = ok ? q1[j] : 0.0f;
        const float x2 = ok ? q2[j] : 0.0f;
        float acc1 = 0.0f;
        float acc2 = 0.0f;
        for (int r = 0; r < k; ++r) {
            const float d = __shfl_sync(PK_FULL_MASK, ds, r);
            const int a = __shfl_sync(PK_FULL_MASK, ri, r);
            const int b = __shfl_sync(PK_FULL_MASK, ci, r);
            if (ok) {
                acc1 += d * keys1[(size_t)a * half + j];
                acc2 += d * keys2[(size_t)b * half + j];
                atomicAdd(dKeys1 + (size_t)a * half + j, d * x1);
                atomicAdd(dKeys2 + (size_t)b * half + j, d * x2);
            }
        }
        if (ok) {
            dq[(size_t)row * qdim + j] = acc1;
            dq[(size_t)row * qdim + half + j] = acc2;
        }
    }
}

// Backward of the per-group softmax: dScores = g * (dg - sum_group g*dg), one warp per group.
extern "C" __global__ void __launch_bounds__(256) pk_softmax_groups_backward(
    const float* __restrict__ gates, const float* __restrict__ dGates, int groups, int k,
    float* __restrict__ dScores) {
    const int row = blockIdx.x * PK_ROWS_PER_BLOCK + (threadIdx.x >> 5);
    const int lane = threadIdx.x & 31;
    if (row >= groups) {
        return;
    }
    float dot = 0.0f;
    for (int jb = 0; jb < k; jb += PK_WARP) {
        const int j = jb + lane;
        if (j < k) {
            dot += gates[(size_t)row * k + j] * dGates[(size_t)row * k + j];
        }
    }
    dot = pk_warp_sum(dot);
    for (int j = lane; j < k; j += PK_WARP) {
        const size_t o = (size_t)row * k + j;
        dScores[o] = gates[o] * (dGates[o] - dot);
    }
}
