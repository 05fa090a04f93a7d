#ifndef PIPELINE_SPARSE_KERNELS_H
#define PIPELINE_SPARSE_KERNELS_H
#include <stddef.h>
#include <stdint.h>

/// Sparse (CSR) × dense kernels for pruned dense layers. The matrix is Wᵀ in CSR: row j holds output j's
/// nonzero weights, `indices` are input positions. Rows [row_begin, row_end) are computed; each output row
/// depends only on its own nonzeros, in stored order, so splitting rows across threads never changes a bit.
///
/// One sample: y[j] = bias[j] + Σ_k values[k]·x[indices[k]] over row j's nonzeros (8 partial sums k mod 8,
/// added in a fixed order; no fused multiply-add, so the result does not depend on the instruction set).
void pipeline_csr_matvec(const int32_t *restrict indptr, const int32_t *restrict indices, const float *restrict values,
                         const float *restrict bias, const float *restrict x, float *restrict y,
                         size_t row_begin, size_t row_end);

/// A batch in transposed layout: xt is inputs × batch (batch contiguous), yt is outputs × batch.
///   yt[j, b] = bias[j] + Σ_k values[k]·xt[indices[k], b]   (summed in stored order for every b)
void pipeline_csr_matmul_t(const int32_t *restrict indptr, const int32_t *restrict indices, const float *restrict values,
                           const float *restrict bias, const float *restrict xt, size_t batch, float *restrict yt,
                           size_t row_begin, size_t row_end);

/// Row-major transpose: dst (cols × rows) = srcᵀ, src is rows × cols. Blocked for the cache.
void pipeline_transpose(const float *restrict src, float *restrict dst, size_t rows, size_t cols);

#endif
