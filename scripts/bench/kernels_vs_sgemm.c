// One-core kernel benchmark (run by scripts/bench/sparse.sh and compress.sh): the repo's CSR and int8 kernels
// against OpenBLAS cblas_sgemm on LeNet-300-100's layer shapes (784→300→100→10), same weights, same batch,
// back to back in one process. Build: cc -O3 -fno-math-errno -I Sources/CKernels/include $(pkg-config
// --cflags --libs openblas) scripts/bench/kernels_vs_sgemm.c -lm; run with OPENBLAS_NUM_THREADS=1.
//
//   kernels_vs_sgemm sparse DENSITY BATCH   full forward pass (bias, ReLU): sgemm vs CSR panels (batch > 1)
//                                            or CSR matvec (batch 1)
//   kernels_vs_sgemm int8 M N K             c = a·bᵀ: sgemm (float copies) vs the dot-product and the
//                                            register-blocked int8 kernels
// Prints the best and the median of 15 timings (each the mean of enough calls to take ~20 ms).
#define _GNU_SOURCE
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../Sources/CKernels/int8_gemm.c"
#include "../../Sources/CKernels/sparse.c"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}
static unsigned long long state = 12345;
static float uniform(void) {  // [0, 1)
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (float)((state >> 40) & 0xFFFFFF) / 16777216.0f;
}
static int compare(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }

typedef void (*run_fn)(void);
#define REPS 15
// Times fns[0..n) interleaved: REPS rounds, each timing every function once; best and median per function.
static void time_all(run_fn *fns, const char **names, int n) {
    double t[8][REPS];
    int calls[8];
    for (int f = 0; f < n; f++) {
        calls[f] = 1;
        for (;;) {
            double s = now();
            for (int c = 0; c < calls[f]; c++) fns[f]();
            if (now() - s > 0.02 || calls[f] > 1 << 20) break;
            calls[f] *= 2;
        }
    }
    for (int r = 0; r < REPS; r++)
        for (int f = 0; f < n; f++) {
            double s = now();
            for (int c = 0; c < calls[f]; c++) fns[f]();
            t[f][r] = (now() - s) / calls[f];
        }
    for (int f = 0; f < n; f++) {
        qsort(t[f], REPS, sizeof(double), compare);
        printf("%-14s best %10.1f us  median %10.1f us   best ratio vs %s %.2fx  median ratio %.2fx\n", names[f], t[f][0] * 1e6,
               t[f][REPS / 2] * 1e6, names[0], t[0][0] / t[f][0], t[0][REPS / 2] / t[f][REPS / 2]);
    }
}

// ---- sparse ----
static const int dims[4] = {784, 300, 100, 10};
static float *W[3], *bias[3], *act[3], *X, *scratch;
static int32_t *indptr[3], *indices[3];
static float *values[3];
static size_t batch;

static void relu(float *y, size_t n) { for (size_t i = 0; i < n; i++) y[i] = y[i] > 0 ? y[i] : 0; }

static void dense_pass(void) {
    const float *in = X;
    for (int l = 0; l < 3; l++) {
        const int o = dims[l + 1], i = dims[l];
        for (size_t b = 0; b < batch; b++) memcpy(act[l] + b * o, bias[l], o * sizeof(float));
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)batch, o, i, 1, in, i, W[l], o, 1, act[l], o);
        if (l < 2) relu(act[l], batch * o);
        in = act[l];
    }
}

static void sparse_pass(void) {
    const float *in = X;
    const size_t panels = (batch + PIPELINE_SPARSE_PANEL - 1) / PIPELINE_SPARSE_PANEL;
    for (int l = 0; l < 3; l++) {
        const int o = dims[l + 1], i = dims[l];
        if (batch == 1) {
            pipeline_csr_matvec(indptr[l], indices[l], values[l], bias[l], in, act[l], 0, o);
        } else {
            float *xp = scratch, *yp = scratch + panels * PIPELINE_SPARSE_PANEL * 784;
            pipeline_pack_panels(in, xp, batch, i, 0, panels);
            pipeline_csr_panels(indptr[l], indices[l], values[l], bias[l], xp, i, batch, yp, o, 0, o, 0, panels);
            pipeline_unpack_panels(yp, act[l], batch, o, 0, panels);
        }
        if (l < 2) relu(act[l], batch * o);
        in = act[l];
    }
}

static int bench_sparse(double density, size_t b) {
    batch = b;
    long nonzeros = 0, total = 0;
    for (int l = 0; l < 3; l++) {
        const int in = dims[l], out = dims[l + 1];
        W[l] = malloc(sizeof(float) * in * out);
        bias[l] = malloc(sizeof(float) * out);
        act[l] = malloc(sizeof(float) * batch * out);
        for (int j = 0; j < out; j++) bias[l][j] = uniform() - 0.5f;
        for (int k = 0; k < in * out; k++) W[l][k] = uniform() < density ? (uniform() - 0.5f) * 0.2f : 0;
        indptr[l] = malloc(sizeof(int32_t) * (out + 1));
        indices[l] = malloc(sizeof(int32_t) * in * out);
        values[l] = malloc(sizeof(float) * in * out);
        int n = 0;
        indptr[l][0] = 0;
        for (int j = 0; j < out; j++) {
            for (int i = 0; i < in; i++)
                if (W[l][i * out + j] != 0) { indices[l][n] = i; values[l][n++] = W[l][i * out + j]; }
            indptr[l][j + 1] = n;
        }
        nonzeros += n;
        total += in * out;
    }
    X = malloc(sizeof(float) * batch * 784);
    for (size_t k = 0; k < batch * 784; k++) X[k] = uniform() * 2 - 1;
    scratch = malloc(sizeof(float) * ((batch + 63) / 64) * 64 * (784 + 300));
    float *reference = malloc(sizeof(float) * batch * 10);
    dense_pass();
    memcpy(reference, act[2], sizeof(float) * batch * 10);
    sparse_pass();
    double worst = 0;
    for (size_t k = 0; k < batch * 10; k++) worst = fmax(worst, fabs(act[2][k] - reference[k]) / fmax(1, fabs(reference[k])));
    printf("sparse: LeNet-300-100, %.2f %% of weights zero, batch %zu, max relative difference sparse vs dense %.2g\n",
           100.0 * (1 - (double)nonzeros / total), batch, worst);
    if (worst > 1e-3) return 1;
    run_fn fns[] = {dense_pass, sparse_pass};
    const char *names[] = {"dense-sgemm", batch == 1 ? "csr-matvec" : "csr-panels"};
    time_all(fns, names, 2);
    return 0;
}

// ---- int8 ----
static size_t M, N, K;
static int8_t *A8, *B8;
static float *Af, *Bf, *Cf;
static int32_t *C0, *C1, *Apacked;
static int16_t *Bpacked;
static void sgemm_nt(void) { cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)M, (int)N, (int)K, 1, Af, (int)K, Bf, (int)K, 0, Cf, (int)N); }
static void int8_dot(void) { pipeline_int8_gemm_nt(A8, B8, C0, M, N, K); }
static void int8_blocked(void) {  // packing the activations is part of every call, as in the layer
    pipeline_int8_pack_a(A8, M, K, Apacked, 0, M);
    pipeline_int8_gemm_packed(Apacked, Bpacked, C1, M, N, K, 0, M);
}

static int bench_int8(size_t m, size_t n, size_t k) {
    M = m; N = n; K = k;
    A8 = malloc(m * k); B8 = malloc(n * k);
    Af = malloc(sizeof(float) * m * k); Bf = malloc(sizeof(float) * n * k); Cf = malloc(sizeof(float) * m * n);
    C0 = malloc(sizeof(int32_t) * m * n); C1 = malloc(sizeof(int32_t) * m * n);
    Apacked = malloc(sizeof(int32_t) * pipeline_int8_packed_a_count(m, k));
    Bpacked = malloc(sizeof(int16_t) * pipeline_int8_packed_b_count(n, k));
    for (size_t i = 0; i < m * k; i++) { A8[i] = (int8_t)(int)(uniform() * 256 - 128); Af[i] = A8[i]; }
    for (size_t i = 0; i < n * k; i++) { B8[i] = (int8_t)(int)(uniform() * 256 - 128); Bf[i] = B8[i]; }
    pipeline_int8_pack_b(B8, n, k, Bpacked);
    int8_dot();
    int8_blocked();
    sgemm_nt();
    int same = memcmp(C0, C1, sizeof(int32_t) * m * n) == 0;
    for (size_t i = 0; i < m * n; i++) same &= (double)C1[i] == (double)Cf[i];  // sgemm is exact here too (|c| < 2^24)
    printf("int8: c[%zu × %zu] = a·bᵀ, depth %zu; blocked == dot-product == sgemm: %s\n", m, n, k, same ? "yes" : "NO");
    if (!same) return 1;
    run_fn fns[] = {sgemm_nt, int8_dot, int8_blocked};
    const char *names[] = {"f32-sgemm", "int8-dot", "int8-blocked"};
    time_all(fns, names, 3);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 4 && !strcmp(argv[1], "sparse")) return bench_sparse(atof(argv[2]), (size_t)atol(argv[3]));
    if (argc == 5 && !strcmp(argv[1], "int8")) return bench_int8((size_t)atol(argv[2]), (size_t)atol(argv[3]), (size_t)atol(argv[4]));
    fprintf(stderr, "usage: %s sparse DENSITY BATCH | int8 M N K\n", argv[0]);
    return 2;
}
