#include "int8_gemm.h"
#include <math.h>

// The same source compiled twice: a generic build and one targeting AVX2 (chosen once at run time). Integer
// arithmetic is exact, so both give identical results.
#define INT8_DOT_BODY                                                                                          \
    int32_t s = 0;                                                                                             \
    for (size_t p = 0; p < k; p++) s += (int32_t)a[p] * (int32_t)b[p];                                       \
    return s;

static inline int32_t dot_generic(const int8_t *restrict a, const int8_t *restrict b, size_t k) { INT8_DOT_BODY }

#if defined(__x86_64__)
__attribute__((target("avx2"))) static inline int32_t dot_avx2(const int8_t *restrict a, const int8_t *restrict b, size_t k) {
    INT8_DOT_BODY
}

__attribute__((target("avx2"))) static void gemm_avx2(const int8_t *restrict a, const int8_t *restrict bt, int32_t *restrict c,
                                                      size_t m, size_t n, size_t k) {
    for (size_t i = 0; i < m; i++) {
        const int8_t *row = a + i * k;
        for (size_t j = 0; j < n; j++) c[i * n + j] = dot_avx2(row, bt + j * k, k);
    }
}
#endif

static void gemm_generic(const int8_t *restrict a, const int8_t *restrict bt, int32_t *restrict c, size_t m, size_t n, size_t k) {
    for (size_t i = 0; i < m; i++) {
        const int8_t *row = a + i * k;
        for (size_t j = 0; j < n; j++) c[i * n + j] = dot_generic(row, bt + j * k, k);
    }
}

void pipeline_int8_gemm_nt(const int8_t *restrict a, const int8_t *restrict bt, int32_t *restrict c, size_t m, size_t n, size_t k) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2")) { gemm_avx2(a, bt, c, m, n, k); return; }
#endif
    gemm_generic(a, bt, c, m, n, k);
}

// The AVX2 clone rounds 8 lanes at once (vroundps, current rounding mode = half to even, like nearbyintf);
// the baseline x86-64 target has no rounding instruction and calls libm per value. Same results.
#if defined(__x86_64__) && defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
int32_t pipeline_quantize_int8(const float *restrict x, int8_t *restrict q, size_t n, float inv_scale, int32_t zero_point,
                               int32_t lo, int32_t hi) {
    int32_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        float r = nearbyintf(x[i] * inv_scale) + (float)zero_point;
        int32_t v = r < (float)lo ? lo : (r > (float)hi ? hi : (int32_t)r);
        q[i] = (int8_t)v;
        sum += v;
    }
    return sum;
}

// ---- Register-blocked GEMM on packed operands ----
//
// B (n × k, one row per output column) is packed once into int16 pairs: for each block of 16 columns and
// each pair of depths p, p+1: 16 columns × (b[j][p], b[j][p+1]). A is packed per 4 rows into int32 words
// holding the pair (a[i][p], a[i][p+1]) as two int16. One step of the 4 × 16 micro-kernel then broadcasts
// a word per row and multiplies it into two vectors of 8 column pairs with vpmaddwd (exact int16 × int16
// products, pair sums in int32), accumulating 4 × 16 int32 outputs in 8 registers.

#define NB 16
#define MB 4

static inline size_t round_up(size_t v, size_t m) { return (v + m - 1) / m * m; }

size_t pipeline_int8_packed_b_count(size_t n, size_t k) { return round_up(n, NB) * round_up(k, 2); }

size_t pipeline_int8_packed_a_count(size_t m, size_t k) { return round_up(m, MB) * (round_up(k, 2) / 2); }

void pipeline_int8_pack_b(const int8_t *restrict bt, size_t n, size_t k, int16_t *restrict packed) {
    const size_t kp = round_up(k, 2);
    for (size_t jb = 0; jb < round_up(n, NB); jb += NB) {
        int16_t *dst = packed + jb * kp;
        for (size_t p = 0; p < kp; p += 2) {
            for (size_t c = 0; c < NB; c++) {
                const size_t j = jb + c;
                dst[p * NB + 2 * c] = (j < n) ? bt[j * k + p] : 0;
                dst[p * NB + 2 * c + 1] = (j < n && p + 1 < k) ? bt[j * k + p + 1] : 0;
            }
        }
    }
}

void pipeline_int8_pack_a(const int8_t *restrict a, size_t m, size_t k, int32_t *restrict packed, size_t row_begin, size_t row_end) {
    const size_t pairs = round_up(k, 2) / 2;
    for (size_t i = row_begin; i < row_end; i++) {
        int32_t *dst = packed + (i / MB) * pairs * MB + (i % MB);
        const int8_t *row = a + i * k;
        for (size_t q = 0; q < pairs; q++) {
            const int16_t lo = row[2 * q], hi = (2 * q + 1 < k) ? row[2 * q + 1] : 0;
            dst[q * MB] = (int32_t)(((uint32_t)(uint16_t)hi << 16) | (uint32_t)(uint16_t)lo);
        }
    }
    // Rows past m in the last block are zero.
    if (row_end == m) {
        for (size_t i = m; i < round_up(m, MB); i++) {
            int32_t *dst = packed + (i / MB) * pairs * MB + (i % MB);
            for (size_t q = 0; q < pairs; q++) dst[q * MB] = 0;
        }
    }
}

// One 4 × 16 tile: out[r][c] = Σ_q madd(a word q of row r, b pair q of column c).
static inline void tile_generic(const int32_t *restrict ap, const int16_t *restrict bp, size_t pairs, int32_t out[MB][NB]) {
    for (int r = 0; r < MB; r++)
        for (int c = 0; c < NB; c++) out[r][c] = 0;
    for (size_t q = 0; q < pairs; q++) {
        for (int r = 0; r < MB; r++) {
            const int32_t w = ap[q * MB + r];
            const int32_t lo = (int16_t)(w & 0xFFFF), hi = (int16_t)((uint32_t)w >> 16);
            for (int c = 0; c < NB; c++) out[r][c] += lo * bp[q * 2 * NB + 2 * c] + hi * bp[q * 2 * NB + 2 * c + 1];
        }
    }
}

#if defined(__x86_64__)
#include <immintrin.h>
__attribute__((target("avx2"))) static inline void tile_avx2(const int32_t *restrict ap, const int16_t *restrict bp, size_t pairs,
                                                             int32_t out[MB][NB]) {
    __m256i c00 = _mm256_setzero_si256(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    for (size_t q = 0; q < pairs; q++) {
        const __m256i b0 = _mm256_loadu_si256((const __m256i *)(bp + q * 2 * NB));
        const __m256i b1 = _mm256_loadu_si256((const __m256i *)(bp + q * 2 * NB + NB));
        __m256i a = _mm256_set1_epi32(ap[q * MB]);
        c00 = _mm256_add_epi32(c00, _mm256_madd_epi16(a, b0));
        c01 = _mm256_add_epi32(c01, _mm256_madd_epi16(a, b1));
        a = _mm256_set1_epi32(ap[q * MB + 1]);
        c10 = _mm256_add_epi32(c10, _mm256_madd_epi16(a, b0));
        c11 = _mm256_add_epi32(c11, _mm256_madd_epi16(a, b1));
        a = _mm256_set1_epi32(ap[q * MB + 2]);
        c20 = _mm256_add_epi32(c20, _mm256_madd_epi16(a, b0));
        c21 = _mm256_add_epi32(c21, _mm256_madd_epi16(a, b1));
        a = _mm256_set1_epi32(ap[q * MB + 3]);
        c30 = _mm256_add_epi32(c30, _mm256_madd_epi16(a, b0));
        c31 = _mm256_add_epi32(c31, _mm256_madd_epi16(a, b1));
    }
    _mm256_storeu_si256((__m256i *)out[0], c00); _mm256_storeu_si256((__m256i *)(out[0] + 8), c01);
    _mm256_storeu_si256((__m256i *)out[1], c10); _mm256_storeu_si256((__m256i *)(out[1] + 8), c11);
    _mm256_storeu_si256((__m256i *)out[2], c20); _mm256_storeu_si256((__m256i *)(out[2] + 8), c21);
    _mm256_storeu_si256((__m256i *)out[3], c30); _mm256_storeu_si256((__m256i *)(out[3] + 8), c31);
}
#endif

void pipeline_int8_gemm_packed(const int32_t *restrict apacked, const int16_t *restrict bpacked, int32_t *restrict c, size_t m,
                               size_t n, size_t k, size_t row_begin, size_t row_end) {
    const size_t pairs = round_up(k, 2) / 2;
#if defined(__x86_64__)
    const int avx2 = __builtin_cpu_supports("avx2");
#endif
    // Column blocks outer: one block of packed B (pairs × 64 bytes) stays in L1 while the row blocks stream by.
    for (size_t jb = 0; jb < n; jb += NB) {
        const int16_t *bp = bpacked + jb * 2 * pairs;
        const size_t cols = n - jb < NB ? n - jb : NB;
        for (size_t ib = row_begin / MB * MB; ib < row_end; ib += MB) {
            int32_t out[MB][NB];
            const int32_t *ap = apacked + (ib / MB) * pairs * MB;
#if defined(__x86_64__)
            if (avx2) tile_avx2(ap, bp, pairs, out);
            else
#endif
                tile_generic(ap, bp, pairs, out);
            for (size_t r = 0; r < MB; r++) {
                const size_t i = ib + r;
                if (i < row_begin || i >= row_end) continue;
                for (size_t cc = 0; cc < cols; cc++) c[i * n + jb + cc] = out[r][cc];
            }
        }
    }
}
