/* gemm_openblas.c — the peer for the CPU GEMM benchmark: cblas_sgemm from the system OpenBLAS,
 * row-major, no transposes, C = A * B at n = 256, 512, 1024, 2048 (float32).
 * Each size: one warm-up call, then repetitions until at least 0.5 s has passed (3 at least); the
 * median time is reported. Prints one JSON line per size: {"n":..., "gflops":..., "ms":...}.
 *
 *   gcc -O2 bench/gemm_openblas.c -o /tmp/gemm_openblas -lopenblas && /tmp/gemm_openblas
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* CBLAS declarations, from the reference CBLAS documentation (Netlib cblas.h). */
enum { CblasRowMajor = 101, CblasNoTrans = 111 };
void cblas_sgemm(int order, int transA, int transB, int M, int N, int K, float alpha, const float* A, int lda,
                 const float* B, int ldb, float beta, float* C, int ldc);
char* openblas_get_config(void);
int openblas_get_num_threads(void);

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

int main(void) {
  static const int sizes[] = {256, 512, 1024, 2048};
  fprintf(stderr, "openblas: %s, %d threads\n", openblas_get_config(), openblas_get_num_threads());
  for (int s = 0; s < 4; s++) {
    const int n = sizes[s];
    float* A = malloc(sizeof(float) * n * n);
    float* B = malloc(sizeof(float) * n * n);
    float* C = malloc(sizeof(float) * n * n);
    for (long i = 0; i < (long)n * n; i++) { A[i] = (float)((i * 7 % 13) - 6) / 8; B[i] = (float)((i * 5 % 11) - 5) / 8; C[i] = 0; }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.f, A, n, B, n, 0.f, C, n);
    double times[4096];
    int reps = 0;
    const double start = now();
    while (reps < 4096 && (reps < 3 || now() - start < 0.5)) {
      const double t0 = now();
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.f, A, n, B, n, 0.f, C, n);
      times[reps++] = now() - t0;
    }
    qsort(times, reps, sizeof(double), cmp);
    const double t = times[reps / 2];
    printf("{\"impl\":\"openblas-c\",\"n\":%d,\"gflops\":%.2f,\"ms\":%.3f,\"reps\":%d}\n", n, 2.0 * n * n * n / t * 1e-9,
           t * 1e3, reps);
    free(A); free(B); free(C);
  }
  return 0;
}
