// error.h — the one exception type that native code throws. The addon turns it into a JS error
// whose `code` names the class in lib/errors.ts (ShapeError, DTypeError, ...).
#pragma once
#include <stdexcept>
#include <string>

namespace flint {

enum class ErrorKind { Flint, Shape, DType, Device, Index, Disposed, BackendUnavailable, OutOfMemory, Value };

struct Error : std::runtime_error {
  ErrorKind kind;
  Error(ErrorKind k, const std::string& msg) : std::runtime_error(msg), kind(k) {}
};

[[noreturn]] inline void fail(ErrorKind k, const std::string& msg) { throw Error(k, msg); }
const char* errorCode(ErrorKind k);

}  // namespace flint
