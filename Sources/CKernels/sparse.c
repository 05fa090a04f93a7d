#include "sparse_kernels.h"

// No contraction into FMA: results must not depend on the instruction set the compiler targets.
#pragma STDC FP_CONTRACT OFF

// The AVX2 clones are picked at load time on CPUs that have it; both evaluate the same operations in the
// same order (no FMA, no reassociation), so they give the same bits as the baseline clone.
#if defined(__x86_64__) && defined(__clang__)
#define PIPELINE_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define PIPELINE_CLONES
#endif

PIPELINE_CLONES
void pipeline_csr_matvec(const int32_t *restrict indptr, const int32_t *restrict indices, const float *restrict values,
                         const float *restrict bias, const float *restrict x, float *restrict y,
                         size_t row_begin, size_t row_end) {
    for (size_t j = row_begin; j < row_end; j++) {
        int32_t k = indptr[j];
        const int32_t end = indptr[j + 1];
        float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        for (; k + 8 <= end; k += 8) {
            for (int l = 0; l < 8; l++) acc[l] += values[k + l] * x[indices[k + l]];
        }
        for (int l = 0; k < end; k++, l++) acc[l] += values[k] * x[indices[k]];
        float sum = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
        y[j] = bias[j] + sum;
    }
}

// Columns per register tile: 64 floats = 8 AVX registers of accumulators.
#define TILE 64

PIPELINE_CLONES
void pipeline_csr_matmul_t(const int32_t *restrict indptr, const int32_t *restrict indices, const float *restrict values,
                           const float *restrict bias, const float *restrict xt, size_t batch, float *restrict yt,
                           size_t row_begin, size_t row_end) {
    for (size_t j = row_begin; j < row_end; j++) {
        const int32_t begin = indptr[j], end = indptr[j + 1];
        float *restrict out = yt + j * batch;
        size_t c = 0;
        for (; c + TILE <= batch; c += TILE) {
            float acc[TILE];
            for (int l = 0; l < TILE; l++) acc[l] = 0;
            for (int32_t k = begin; k < end; k++) {
                const float v = values[k];
                const float *restrict row = xt + (size_t)indices[k] * batch + c;
                for (int l = 0; l < TILE; l++) acc[l] += v * row[l];
            }
            for (int l = 0; l < TILE; l++) out[c + l] = bias[j] + acc[l];
        }
        if (c < batch) {
            const size_t rest = batch - c;
            float acc[TILE];
            for (size_t l = 0; l < rest; l++) acc[l] = 0;
            for (int32_t k = begin; k < end; k++) {
                const float v = values[k];
                const float *restrict row = xt + (size_t)indices[k] * batch + c;
                for (size_t l = 0; l < rest; l++) acc[l] += v * row[l];
            }
            for (size_t l = 0; l < rest; l++) out[c + l] = bias[j] + acc[l];
        }
    }
}

#define BLOCK 32

void pipeline_transpose(const float *restrict src, float *restrict dst, size_t rows, size_t cols) {
    for (size_t r0 = 0; r0 < rows; r0 += BLOCK) {
        const size_t r1 = r0 + BLOCK < rows ? r0 + BLOCK : rows;
        for (size_t c0 = 0; c0 < cols; c0 += BLOCK) {
            const size_t c1 = c0 + BLOCK < cols ? c0 + BLOCK : cols;
            for (size_t r = r0; r < r1; r++)
                for (size_t c = c0; c < c1; c++) dst[c * rows + r] = src[r * cols + c];
        }
    }
}
