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
// Launch: blockDim.x = FLINT_BLOCK, grid-stride (any grid size).
#include "compat.cuh"
#include "core/philox.h"

namespace flint {
namespace kern {
namespace {

template <class T> struct UniformBits {  // as many bits as the type's mantissa holds (philox.h)
  static constexpr int value = IsSame<T, Half>::value ? 11 : IsSame<T, BFloat16>::value ? 8 : 24;
};

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
  typedef typename ComputeT<T>::type C;
  FLINT_GRID_LOOP(i, n) {
    const philox::Words r = s.at((uint64_t)i);
    if constexpr (IsSame<T, double>::value) {
      out[i] = from + (to - from) * philox::uniformDouble(r.w[0], r.w[1]);
    } else {
      const C u = philox::uniformFloat(r.w[0], UniformBits<T>::value);
      out[i] = store<T>((C)from + ((C)to - (C)from) * u);
    }
  }
}

template <class T> FLINT_DEV void normalFill(T* out, index_t n, const philox::Stream s, double mean, double stdev) {
  typedef typename ComputeT<T>::type C;
  FLINT_GRID_LOOP(i, n) {
    const philox::Words r = s.at((uint64_t)i);
    if constexpr (IsSame<T, double>::value) out[i] = mean + stdev * philox::normalDouble(r);
    else out[i] = store<T>((C)mean + (C)stdev * philox::normalFloat(r));
  }
}

template <class T> FLINT_DEV void randintFill(T* out, index_t n, const philox::Stream s, int64_t low, uint64_t range) {
  FLINT_GRID_LOOP(i, n) {
    const int64_t v = philox::integerIn(s.at((uint64_t)i), low, range);
    if constexpr (IsSame<T, bool>::value) out[i] = v != 0;
    else if constexpr (IsSame<T, Half>::value || IsSame<T, BFloat16>::value) out[i] = store<T>((float)v);
    else out[i] = (T)v;
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
