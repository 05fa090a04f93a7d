#ifndef PIPELINE_TREE_HISTOGRAMS_H
#define PIPELINE_TREE_HISTOGRAMS_H
#include <stddef.h>
#include <stdint.h>

/// Gradient-boosting histogram of one leaf over the features [first, first + features), row-wise.
/// `codes` is row-major (row r's code of feature f at codes[r·row_stride + f]); `rows` lists the leaf's `count`
/// rows and `gh` their (gradient, hessian) pairs in the same order. For each row in order and each feature j:
///   hist[(first + j)·hist_stride + 3·bin + 0] += g,  … + 1] += h,  … + 2] += 1      (bin = the row's code)
/// The rows are added in the given order with plain double adds (no reassociation), so the result is the same
/// bit for bit as the scalar loop; the loop only prefetches the codes of the row a few positions ahead, whose
/// address the hardware cannot guess.
void pipeline_histogram_rows(const uint8_t *restrict codes, size_t row_stride, const int32_t *restrict rows,
                             const float *restrict gh, size_t count, size_t first, size_t features,
                             double *restrict hist, size_t hist_stride);

/// CART class histogram of one node's rows for one feature: for each i in order, with r = rows[i] and
/// c = column[r·step]:  bin_count[c] += 1;  bin_weight[c·classes + labels[r]] += weights ? weights[r] : 1.
/// Returns the smallest and largest code seen in lo_hi[0], lo_hi[1] (count must be ≥ 1). Same adds in the same
/// order as the scalar loop; prefetches the code of the row a few positions ahead.
void pipeline_class_histogram(const uint8_t *restrict column, size_t step, const int32_t *restrict rows, size_t count,
                              const int32_t *restrict labels, const double *restrict weights, size_t classes,
                              int32_t *restrict bin_count, double *restrict bin_weight, int32_t *restrict lo_hi);

#endif
