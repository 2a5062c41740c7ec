// random.cu — Philox fills, the twins of native/cpu/random.cpp. They include native/core/philox.h
// unchanged (its functions are FLINT_HD), so element i of the output draws counter block offset + i
// exactly as on the CPU: uniform and integer outputs are bit-identical to the CPU's; normals go
// through logf/cosf/sqrtf (or log/cos/sqrt) whose last-ulp rounding may differ between libms.
//
// Outputs are contiguous (lib/ops/random.ts makes a temporary for views). Generator state arrives
// as key0/key1 (seed low/high words) and the 64-bit counter offset.
//   flint_uniform_<f>(out, n, key0, key1, offset, from, to)       f: f32 f64 f16 bf16
//   flint_normal_<f>(out, n, key0, key1, offset, mean, std)
//   flint_randint_<dt>(out, n, key0, key1, offset, low, range)     every dtype; range = high - low
//     in [1, 2^53], checked by the host as on the CPU.
//   flint_bernoulli_<dt>(out, n, key0, key1, offset, p, pType, pScalar, wide)   every dtype
//   flint_bernoulli_check_<f>(p, n, first)             first index of a p outside [0, 1]
//   flint_philox_raw(out, c0, c1, c2, c3, k0, k1)      the philoxRaw test hook
// Launch: blockDim.x = FLINT_BLOCK, grid-stride (any grid size).
#include "compat.cuh"
#include "../core/random.h"

namespace flint {
namespace kern {
namespace {

FLINT_DEV philox::Stream streamOf(uint32_t key0, uint32_t key1, uint64_t offset) {
  philox::Stream s;
  s.key0 = key0;
  s.key1 = key1;
  s.offset = offset;
  return s;
}

#define FLINT_GRID_LOOP(i, n) \
  for (index_t i = (index_t)blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (index_t)gridDim.x * blockDim.x)

template <class T> FLINT_DEV void uniformFill(T* out, index_t n, const philox::Stream s, double from, double to) {
  FLINT_GRID_LOOP(i, n) out[i] = rnd::uniformAt<T>(s.at((uint64_t)i), from, to);
}

template <class T> FLINT_DEV void normalFill(T* out, index_t n, const philox::Stream s, double mean, double stdev) {
  FLINT_GRID_LOOP(i, n) out[i] = rnd::normalAt<T>(s.at((uint64_t)i), mean, stdev);
}

template <class T> FLINT_DEV void randintFill(T* out, index_t n, const philox::Stream s, int64_t low, uint64_t range) {
  FLINT_GRID_LOOP(i, n) out[i] = rnd::integerAs<T>(philox::integerIn(s.at((uint64_t)i), low, range));
}

// bernoulli: out[i] = uniform_i < p_i, the uniform in float64 when `wide` (a float64 p tensor, or a
// float64 output for a scalar p), else float32 — the CPU's draw. pType: -1 scalar p (pScalar), else
// the dtype of the contiguous p tensor (0 f32, 1 f64, 2 f16, 3 bf16, the DType order).
template <class T> FLINT_DEV void bernoulliFill(T* out, index_t n, const philox::Stream s, const void* p, int pType,
                                                double pScalar, int wide) {
  FLINT_GRID_LOOP(i, n) {
    double pv = pScalar;
    switch (pType) {
      case 0: pv = (double)static_cast<const float*>(p)[i]; break;
      case 1: pv = static_cast<const double*>(p)[i]; break;
      case 2: pv = (double)load(static_cast<const Half*>(p)[i]); break;
      case 3: pv = (double)load(static_cast<const BFloat16*>(p)[i]); break;
      default: break;
    }
    out[i] = store<T>(rnd::bernoulliAt(s.at((uint64_t)i), pv, wide != 0));
  }
}

// The first index of p outside [0, 1] (or NaN) into *first (atomicMin; the host presets it to
// kNoBadIndex, and indices from kNoBadIndex on are reported as kNoBadIndex - 1).
constexpr int kNoBadIndex = 0x7f7f7f7f;
template <class P> FLINT_DEV void probabilityCheck(const P* p, index_t n, int* first) {
  FLINT_GRID_LOOP(i, n) {
    const double v = (double)load(p[i]);
    if (!(v >= 0.0 && v <= 1.0)) atomicMin(first, (int)(i < (index_t)kNoBadIndex ? i : (index_t)kNoBadIndex - 1));
  }
}

#undef FLINT_GRID_LOOP

}  // namespace
}  // namespace kern
}  // namespace flint



#define FLINT_RANDOM_FLOAT(S, T)                                                                           \
  FLINT_KERNEL void flint_uniform_##S(void* out, index_t n, uint32_t key0, uint32_t key1, uint64_t offset, \
                                      double from, double to) {                                            \
    flint::kern::uniformFill<T>(static_cast<T*>(out), n, flint::kern::streamOf(key0, key1, offset), from, to); \
  }                                                                                                        \
  FLINT_KERNEL void flint_normal_##S(void* out, index_t n, uint32_t key0, uint32_t key1, uint64_t offset,  \
                                     double mean, double stdev) {                                          \
    flint::kern::normalFill<T>(static_cast<T*>(out), n, flint::kern::streamOf(key0, key1, offset), mean, stdev); \
  }
FLINT_FLOAT_DTYPES(FLINT_RANDOM_FLOAT)

#define FLINT_RANDINT(S, T)                                                                                \
  FLINT_KERNEL void flint_randint_##S(void* out, index_t n, uint32_t key0, uint32_t key1, uint64_t offset, \
                                      int64_t low, uint64_t range) {                                       \
    flint::kern::randintFill<T>(static_cast<T*>(out), n, flint::kern::streamOf(key0, key1, offset), low, range); \
  }
FLINT_DTYPES(FLINT_RANDINT)

// flint_bernoulli_<dt>(out, n, key0, key1, offset, p, pType, pScalar, wide): every output dtype.
#define FLINT_BERNOULLI(S, T)                                                                                \
  FLINT_KERNEL void flint_bernoulli_##S(void* out, index_t n, uint32_t key0, uint32_t key1, uint64_t offset, \
                                        const void* p, int pType, double pScalar, int wide) {                \
    flint::kern::bernoulliFill<T>(static_cast<T*>(out), n, flint::kern::streamOf(key0, key1, offset), p, pType, \
                                  pScalar, wide);                                                            \
  }
FLINT_DTYPES(FLINT_BERNOULLI)

// flint_bernoulli_check_<f>(p, n, first): the first index of a probability outside [0, 1], for the
// host's validation before drawing (as the CPU's); *first is preset to 0x7f7f7f7f (none).
#define FLINT_BERNOULLI_CHECK(S, T)                                                             \
  FLINT_KERNEL void flint_bernoulli_check_##S(const void* p, index_t n, int* first) {           \
    flint::kern::probabilityCheck<T>(static_cast<const T*>(p), n, first);                      \
  }
FLINT_FLOAT_DTYPES(FLINT_BERNOULLI_CHECK)

// flint_philox_raw(out, c0, c1, c2, c3, k0, k1): the philoxRaw test hook, out int32[4] <- the raw
// Philox4x32-10 words of one counter block (one thread).
FLINT_KERNEL void flint_philox_raw(int32_t* out, uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1) {
  if (blockIdx.x != 0 || threadIdx.x != 0) return;
  const flint::philox::Words r = flint::philox::philox4x32_10(c0, c1, c2, c3, k0, k1);
  for (int k = 0; k < 4; k++) out[k] = (int32_t)r.w[k];
}
