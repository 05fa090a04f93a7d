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
