#include "kernels.h"
#include <math.h>

// No contraction into FMA: results must not depend on the instruction set the compiler targets.
#pragma STDC FP_CONTRACT OFF

void pipeline_adam_update(float *restrict p, float *restrict m, float *restrict v, const float *restrict g, size_t n,
                          float b1, float c1, float b2, float c2, float step, float inv_corr2, float eps) {
    for (size_t i = 0; i < n; i++) {
        float gi = g[i];
        float mi = b1 * m[i] + c1 * gi;
        float vi = b2 * v[i] + c2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] -= step * mi / (sqrtf(vi) * inv_corr2 + eps);
    }
}
