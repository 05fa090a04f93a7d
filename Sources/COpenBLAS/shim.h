#ifndef PIPELINE_COPENBLAS_SHIM_H
#define PIPELINE_COPENBLAS_SHIM_H
#include <cblas.h>
#include <lapacke.h>
#endif
