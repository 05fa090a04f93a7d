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

// Samples per panel: 64 floats = 8 AVX registers of accumulators, one per stored weight and panel.
#define PANEL PIPELINE_SPARSE_PANEL

static inline size_t panel_lanes(size_t batch, size_t panel) {
    const size_t first = panel * PANEL;
    return batch - first < PANEL ? batch - first : PANEL;
}

PIPELINE_CLONES
void pipeline_csr_panels(const int32_t *restrict indptr, const int32_t *restrict indices, const float *restrict values,
                         const float *restrict bias, const float *restrict xp, size_t inputs, size_t batch, float *restrict yp,
                         size_t outputs, size_t row_begin, size_t row_end, size_t panel_begin, size_t panel_end) {
    for (size_t p = panel_begin; p < panel_end; p++) {
        const float *restrict xpp = xp + p * inputs * PANEL;
        float *restrict ypp = yp + p * outputs * PANEL;
        const size_t lanes = panel_lanes(batch, p);
        for (size_t j = row_begin; j < row_end; j++) {
            const int32_t begin = indptr[j], end = indptr[j + 1];
            float acc[PANEL];
            if (lanes == PANEL) {
                // Fixed trip count: the compiler keeps acc in registers and vectorises over the lanes.
                for (int l = 0; l < PANEL; l++) acc[l] = 0;
                for (int32_t k = begin; k < end; k++) {
                    const float v = values[k];
                    const float *restrict row = xpp + (size_t)indices[k] * PANEL;
                    for (int l = 0; l < PANEL; l++) acc[l] += v * row[l];
                }
                for (int l = 0; l < PANEL; l++) ypp[j * PANEL + l] = bias[j] + acc[l];
            } else {
                // The last, partial panel: the same operations in the same order on fewer lanes.
                for (size_t l = 0; l < lanes; l++) acc[l] = 0;
                for (int32_t k = begin; k < end; k++) {
                    const float v = values[k];
                    const float *restrict row = xpp + (size_t)indices[k] * PANEL;
                    for (size_t l = 0; l < lanes; l++) acc[l] += v * row[l];
                }
                for (size_t l = 0; l < lanes; l++) ypp[j * PANEL + l] = bias[j] + acc[l];
            }
        }
    }
}

// Panel packing is pure data movement, so the AVX2 8×8 block transpose and the scalar loop give the same bytes.
#if defined(__x86_64__)
#include <immintrin.h>

// dst[c·ds + r] = src[r·ss + c] for r, c < 8.
__attribute__((target("avx2"))) static inline void transpose8(const float *src, size_t ss, float *dst, size_t ds) {
    __m256 r0 = _mm256_loadu_ps(src), r1 = _mm256_loadu_ps(src + ss), r2 = _mm256_loadu_ps(src + 2 * ss),
           r3 = _mm256_loadu_ps(src + 3 * ss), r4 = _mm256_loadu_ps(src + 4 * ss), r5 = _mm256_loadu_ps(src + 5 * ss),
           r6 = _mm256_loadu_ps(src + 6 * ss), r7 = _mm256_loadu_ps(src + 7 * ss);
    __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1), t2 = _mm256_unpacklo_ps(r2, r3),
           t3 = _mm256_unpackhi_ps(r2, r3), t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5),
           t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
    __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE), u2 = _mm256_shuffle_ps(t1, t3, 0x44),
           u3 = _mm256_shuffle_ps(t1, t3, 0xEE), u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE),
           u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    _mm256_storeu_ps(dst, _mm256_permute2f128_ps(u0, u4, 0x20));
    _mm256_storeu_ps(dst + ds, _mm256_permute2f128_ps(u1, u5, 0x20));
    _mm256_storeu_ps(dst + 2 * ds, _mm256_permute2f128_ps(u2, u6, 0x20));
    _mm256_storeu_ps(dst + 3 * ds, _mm256_permute2f128_ps(u3, u7, 0x20));
    _mm256_storeu_ps(dst + 4 * ds, _mm256_permute2f128_ps(u0, u4, 0x31));
    _mm256_storeu_ps(dst + 5 * ds, _mm256_permute2f128_ps(u1, u5, 0x31));
    _mm256_storeu_ps(dst + 6 * ds, _mm256_permute2f128_ps(u2, u6, 0x31));
    _mm256_storeu_ps(dst + 7 * ds, _mm256_permute2f128_ps(u3, u7, 0x31));
}

__attribute__((target("avx2"))) static void pack_avx2(const float *restrict x, float *restrict xp, size_t batch, size_t width,
                                                      size_t panel_begin, size_t panel_end) {
    for (size_t p = panel_begin; p < panel_end; p++) {
        float *dst = xp + p * width * PANEL;
        const size_t lanes = panel_lanes(batch, p);
        size_t l = 0;
        for (; l + 8 <= lanes; l += 8) {
            const float *src = x + (p * PANEL + l) * width;
            size_t i = 0;
            for (; i + 8 <= width; i += 8) transpose8(src + i, width, dst + i * PANEL + l, PANEL);
            for (; i < width; i++)
                for (size_t q = 0; q < 8; q++) dst[i * PANEL + l + q] = src[q * width + i];
        }
        for (; l < lanes; l++)
            for (size_t i = 0; i < width; i++) dst[i * PANEL + l] = x[(p * PANEL + l) * width + i];
    }
}

__attribute__((target("avx2"))) static void unpack_avx2(const float *restrict yp, float *restrict y, size_t batch, size_t width,
                                                        size_t panel_begin, size_t panel_end) {
    for (size_t p = panel_begin; p < panel_end; p++) {
        const float *src = yp + p * width * PANEL;
        const size_t lanes = panel_lanes(batch, p);
        size_t l = 0;
        for (; l + 8 <= lanes; l += 8) {
            float *dst = y + (p * PANEL + l) * width;
            size_t i = 0;
            for (; i + 8 <= width; i += 8) transpose8(src + i * PANEL + l, PANEL, dst + i, width);
            for (; i < width; i++)
                for (size_t q = 0; q < 8; q++) dst[q * width + i] = src[i * PANEL + l + q];
        }
        for (; l < lanes; l++)
            for (size_t i = 0; i < width; i++) y[(p * PANEL + l) * width + i] = src[i * PANEL + l];
    }
}
#endif

void pipeline_pack_panels(const float *restrict x, float *restrict xp, size_t batch, size_t width, size_t panel_begin,
                          size_t panel_end) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2")) { pack_avx2(x, xp, batch, width, panel_begin, panel_end); return; }
#endif
    for (size_t p = panel_begin; p < panel_end; p++) {
        const size_t lanes = panel_lanes(batch, p);
        for (size_t l = 0; l < lanes; l++)
            for (size_t i = 0; i < width; i++) xp[p * width * PANEL + i * PANEL + l] = x[(p * PANEL + l) * width + i];
    }
}

void pipeline_unpack_panels(const float *restrict yp, float *restrict y, size_t batch, size_t width, size_t panel_begin,
                            size_t panel_end) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2")) { unpack_avx2(yp, y, batch, width, panel_begin, panel_end); return; }
#endif
    for (size_t p = panel_begin; p < panel_end; p++) {
        const size_t lanes = panel_lanes(batch, p);
        for (size_t l = 0; l < lanes; l++)
            for (size_t i = 0; i < width; i++) y[(p * PANEL + l) * width + i] = yp[p * width * PANEL + i * PANEL + l];
    }
}
