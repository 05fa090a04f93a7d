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

/// Samples per panel of the batched kernels.
#define PIPELINE_SPARSE_PANEL 64

/// Batched kernels work on *panels*: a batch of `batch` samples of `width` features, row-major, is cut into
/// ⌈batch / 64⌉ panels of 64 samples; panel p is a `width × 64` block (offset p·width·64) whose row i holds
/// feature i of samples 64p … 64p+63, contiguous (the last panel's rows are only partly used). Every stored
/// weight then multiplies one contiguous run of 64 samples held in registers.
///
/// Panels [panel_begin, panel_end) of x (batch × width, row-major) into xp.
void pipeline_pack_panels(const float *restrict x, float *restrict xp, size_t batch, size_t width, size_t panel_begin,
                          size_t panel_end);

/// The inverse of `pipeline_pack_panels`: panels [panel_begin, panel_end) of yp into y (batch × width, row-major).
void pipeline_unpack_panels(const float *restrict yp, float *restrict y, size_t batch, size_t width, size_t panel_begin,
                            size_t panel_end);

/// Outputs [row_begin, row_end) of panels [panel_begin, panel_end), xp and yp in panel layout (inputs and
/// outputs features):
///   y[b, j] = bias[j] + Σ_k values[k]·x[b, indices[k]]   (over row j's nonzeros in stored order, for every b)
/// Each output is computed by the same operations whatever the row or panel ranges, so any fixed split
/// across threads gives identical bits.
void pipeline_csr_panels(const int32_t *restrict indptr, const int32_t *restrict indices, const float *restrict values,
                         const float *restrict bias, const float *restrict xp, size_t inputs, size_t batch, float *restrict yp,
                         size_t outputs, size_t row_begin, size_t row_end, size_t panel_begin, size_t panel_end);

#endif
