// hd.h — FLINT_HD marks small inline functions that both the host code and the GPU kernels use
// (float16.h, philox.h): __host__ __device__ under nvcc/hipcc, nothing for g++.
#pragma once

#if defined(__CUDACC__) || defined(__HIPCC__)
#define FLINT_HD __host__ __device__
#else
#define FLINT_HD
#endif
