// core.cpp — small shared pieces: dtype names, error codes, the op table, TensorArg helpers.
#include <cstring>
#include <mutex>
#include <unordered_map>
#include "dtype.h"
#include "error.h"
#include "optable.h"
#include "tensor.h"
#include "loops.h"

namespace flint {

const char* dtypeName(DType d) {
  static const char* names[] = {"float32", "float64", "float16", "bfloat16", "int32", "uint8", "bool"};
  int i = (int)d;
  return (i >= 0 && i < kNumDTypes) ? names[i] : "unknown";
}

const char* errorCode(ErrorKind k) {
  switch (k) {
#define FLINT_ERROR_KIND_CASE(kind, code) \
  case ErrorKind::kind:                   \
    return code;
    FLINT_ERROR_KINDS(FLINT_ERROR_KIND_CASE)
#undef FLINT_ERROR_KIND_CASE
  }
  return "FlintError";
}

std::string TensorArg::shapeStr() const {
  std::string s = "[";
  for (int i = 0; i < ndim; i++) { if (i) s += ", "; s += std::to_string(shape[i]); }
  return s + "]";
}

double OpCall::param(int i) const {
  if (i >= np) fail(ErrorKind::Flint, std::string(name) + ": missing parameter " + std::to_string(i));
  return p[i];
}

void makeScalarArg(TensorArg& t, DType dt, double v, const TensorArg& ref) {
  t.dtype = dt;
  t.isScalar = true;
  t.ndim = ref.ndim;
  for (int i = 0; i < ref.ndim; i++) { t.shape[i] = ref.shape[i]; t.strides[i] = 0; }
  dispatchDType(dt, [&](auto tag) {
    using T = decltype(tag);
    T val = store<T>(v);
    std::memcpy(t.scalar, &val, sizeof(T));
  });
  t.data = t.scalar;
}

namespace {
struct Table {
  std::vector<OpEntry> entries;
  std::unordered_map<std::string, int> ids;
};
Table& table() { static Table* t = new Table(); return *t; }
}  // namespace

int registerOp(const char* name, DeviceType dev, OpFn fn) {
  Table& t = table();
  auto it = t.ids.find(name);
  int id;
  if (it == t.ids.end()) {
    id = (int)t.entries.size();
    t.entries.push_back(OpEntry{name, {nullptr, nullptr}});
    t.ids[name] = id;
  } else id = it->second;
  t.entries[id].fn[(int)dev] = fn;
  return id;
}

int opId(const std::string& name) {
  auto it = table().ids.find(name);
  return it == table().ids.end() ? -1 : it->second;
}
const OpEntry& opEntry(int id) { return table().entries[id]; }
int opCount() { return (int)table().entries.size(); }

}  // namespace flint
