// tensor.h — what a kernel sees of a tensor: a typed pointer into storage, shape and strides
// (in elements). Views arrive here already resolved (offset applied), so kernels never see storage.
#pragma once
#include <cstdint>
#if !defined(FLINT_KERNELS)  // the kernels (native/kernels, compat.cuh) include this header without the STL
#include <string>
#endif
#include "dtype.h"

namespace flint {

constexpr int kMaxDims = 16;

enum class DeviceType : int32_t { CPU = 0, CUDA = 1 };

struct TensorArg {
  void* data = nullptr;     // first element (storage base + offset * itemsize)
  DType dtype = DType::F32;
  int ndim = 0;
  int64_t shape[kMaxDims] = {};
  int64_t strides[kMaxDims] = {};  // in elements, may be 0 (broadcast) or negative never
  alignas(8) unsigned char scalar[16] = {};  // backing for a scalar operand (data points here)
  bool isScalar = false;

  int64_t numel() const { int64_t n = 1; for (int i = 0; i < ndim; i++) n *= shape[i]; return n; }
  bool isContiguous() const {
    int64_t s = 1;
    for (int i = ndim - 1; i >= 0; i--) { if (shape[i] != 1 && strides[i] != s) return false; s *= shape[i]; }
    return true;
  }
  template <class T> T* ptr() const { return static_cast<T*>(data); }
#if !defined(FLINT_KERNELS)
  std::string shapeStr() const;
#endif
};

// One call of an op: its tensors (outputs first, by each op's own convention) and numeric params.
struct OpCall {
  TensorArg* t = nullptr;
  int nt = 0;
  const double* p = nullptr;
  int np = 0;
  const char* name = "";
  double param(int i) const;  // throws when the op was given too few params
};

}  // namespace flint
