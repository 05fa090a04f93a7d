#include "tree_histograms.h"

enum { prefetch_ahead = 8 };

void pipeline_histogram_rows(const uint8_t *restrict codes, size_t row_stride, const int32_t *restrict rows,
                             const float *restrict gh, size_t count, size_t first, size_t features,
                             double *restrict hist, size_t hist_stride) {
    if (features == 0) return;
    double *base = hist + first * hist_stride;
    for (size_t i = 0; i < count; i++) {
        if (i + prefetch_ahead < count) {
            const uint8_t *next = codes + (size_t)rows[i + prefetch_ahead] * row_stride + first;
            __builtin_prefetch(next);
            __builtin_prefetch(next + features - 1);
        }
        const uint8_t *row = codes + (size_t)rows[i] * row_stride + first;
        const double g = (double)gh[2 * i], h = (double)gh[2 * i + 1];
        double *hb = base;
        for (size_t j = 0; j < features; j++) {
            const size_t bin = (size_t)row[j] * 3;
            hb[bin] += g;
            hb[bin + 1] += h;
            hb[bin + 2] += 1.0;
            hb += hist_stride;
        }
    }
}

void pipeline_class_histogram(const uint8_t *restrict column, size_t step, const int32_t *restrict rows, size_t count,
                              const int32_t *restrict labels, const double *restrict weights, size_t classes,
                              int32_t *restrict bin_count, double *restrict bin_weight, int32_t *restrict lo_hi) {
    int32_t lo = 255, hi = 0;
    for (size_t i = 0; i < count; i++) {
        if (i + 16 < count) __builtin_prefetch(column + (size_t)rows[i + 16] * step);
        const size_t r = (size_t)rows[i];
        const int32_t c = column[r * step];
        bin_count[c] += 1;
        bin_weight[(size_t)c * classes + (size_t)labels[r]] += weights ? weights[r] : 1.0;
        if (c < lo) lo = c;
        if (c > hi) hi = c;
    }
    lo_hi[0] = lo;
    lo_hi[1] = hi;
}
