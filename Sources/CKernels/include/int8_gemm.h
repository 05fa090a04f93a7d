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

#endif
