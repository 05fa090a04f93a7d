#ifndef PIPELINE_KERNELS_H
#define PIPELINE_KERNELS_H
#include <stddef.h>

/// One bias-corrected Adam update over n elements (restrict pointers, so the C compiler vectorises it):
///   m = b1·m + c1·g;  v = b2·v + c2·g²;  p -= step · m / (sqrt(v)·inv_corr2 + eps)
/// Evaluated exactly in this order for every element, without fused multiply-adds, so the result is the
/// same bit for bit as the scalar Swift reference.
void pipeline_adam_update(float *restrict p, float *restrict m, float *restrict v, const float *restrict g, size_t n,
                          float b1, float c1, float b2, float c2, float step, float inv_corr2, float eps);

#endif
