// optable.h — the op table: op name -> one kernel entry per backend.
//
// Each backend file registers its kernels at load time with FLINT_REGISTER_OP; the addon resolves
// names to ids once (JS caches them) and dispatches on the device of the call's first tensor.
// A GPU backend fills the same names for DeviceType::CUDA; an op without an entry for a device
// fails with BackendUnavailableError naming the op and the device, never a silent fallback.
#pragma once
#include <string>
#include <vector>
#include "tensor.h"

namespace flint {

using OpFn = void (*)(const OpCall&);

struct OpEntry {
  std::string name;
  OpFn fn[2] = {nullptr, nullptr};  // indexed by DeviceType
};

int registerOp(const char* name, DeviceType dev, OpFn fn);  // returns the op id
int opId(const std::string& name);                           // -1 when unknown
const OpEntry& opEntry(int id);
int opCount();

struct OpRegistrar {
  OpRegistrar(const char* name, DeviceType dev, OpFn fn) { registerOp(name, dev, fn); }
};

#define FLINT_CAT2(a, b) a##b
#define FLINT_CAT(a, b) FLINT_CAT2(a, b)
#define FLINT_REGISTER_OP(name, dev, fn) \
  static ::flint::OpRegistrar FLINT_CAT(flint_reg_, __COUNTER__)(name, dev, fn)

}  // namespace flint
