#ifndef PIPELINE_INT8_GEMM_H
#define PIPELINE_INT8_GEMM_H
#include <stddef.h>
#include <stdint.h>

/// Integer matrix product with exact int32 accumulation, the B operand transposed:
///   c[i·n + j] = Σ_k a[i·k_ + k] · bt[j·k_ + k]      (a: m × k_, bt: n × k_, c: m × n, all row-major)
/// Both operands are read along contiguous rows, so each output is one int8 dot product that the compiler
/// widens to int16 pairs and accumulates in int32 lanes (vpmaddwd under AVX2, chosen at run time when the
/// CPU has it). Exact as long as k_ · 128² fits in int32 (k_ < 131072).
void pipeline_int8_gemm_nt(const int8_t *restrict a, const int8_t *restrict bt, int32_t *restrict c,
                           size_t m, size_t n, size_t k);

/// Affine int8 quantization of n floats: q = clamp(round_half_even(x · inv_scale) + zero_point, lo, hi).
/// Also returns Σ q (as int32 over the n values), which the int8 GEMM needs for zero-point correction.
int32_t pipeline_quantize_int8(const float *restrict x, int8_t *restrict q, size_t n, float inv_scale,
                               int32_t zero_point, int32_t lo, int32_t hi);

/// Register-blocked form of the same product, c = a · btᵀ exactly in int32, on operands packed once:
/// int16 pairs of depth for B and int32 words of two int16 for A (see int8_gemm.c). The 4 × 16 micro-kernel
/// keeps its 64 int32 sums in 8 AVX2 registers (vpmaddwd), so each loaded operand is used 4 or 16 times.
/// Same exactness bound as `pipeline_int8_gemm_nt` (k < 131072).
///
/// Number of int16 values `pipeline_int8_pack_b` writes for an n × k bt.
size_t pipeline_int8_packed_b_count(size_t n, size_t k);

/// Number of int32 values `pipeline_int8_pack_a` writes for an m × k a.
size_t pipeline_int8_packed_a_count(size_t m, size_t k);

/// Packs bt (n × k, row-major) for `pipeline_int8_gemm_packed`.
void pipeline_int8_pack_b(const int8_t *restrict bt, size_t n, size_t k, int16_t *restrict packed);

/// Packs rows [row_begin, row_end) of a (m × k, row-major) for `pipeline_int8_gemm_packed` (zeroing the padding
/// rows of the last block of 4 when row_end == m). Ranges starting at a multiple of 4 can be packed in parallel.
void pipeline_int8_pack_a(const int8_t *restrict a, size_t m, size_t k, int32_t *restrict packed, size_t row_begin,
                          size_t row_end);

/// Rows [row_begin, row_end) of c (m × n, row-major) = a · btᵀ from the packed operands. Every output is the same
/// exact integer whatever the row range, so any split across threads gives the same result.
void pipeline_int8_gemm_packed(const int32_t *restrict apacked, const int16_t *restrict bpacked, int32_t *restrict c, size_t m,
                               size_t n, size_t k, size_t row_begin, size_t row_end);

#endif
