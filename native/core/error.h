// error.h — the one exception type that native code throws, and the one list of error kinds.
// The addon (native/addon/js_errors.h) turns a flint::Error into a JS error whose `code` is the
// kind's class name in lib/errors.ts (ShapeError, DTypeError, ...).
//
// FLINT_ERROR_KINDS is the only place the kinds are listed: the enum below and errorCode()
// (core.cpp) expand it; lib/errors.ts declares one class per entry, and test/errors.test.ts checks
// that list against this one (and the compiled errorCode() table, through the test addon). A new
// kind is one line here, one class in lib/errors.ts.
#pragma once
#include <stdexcept>
#include <string>

namespace flint {

// X(kind, JS class name)
#define FLINT_ERROR_KINDS(X)                        \
  X(Flint, "FlintError")                            \
  X(Shape, "ShapeError")                            \
  X(DType, "DTypeError")                            \
  X(Device, "DeviceError")                          \
  X(Index, "IndexError")                            \
  X(Disposed, "DisposedError")                      \
  X(BackendUnavailable, "BackendUnavailableError")  \
  X(OutOfMemory, "OutOfMemoryError")                \
  X(Value, "ValueError")                            \
  X(Capture, "CaptureError")                        \
  X(LinAlg, "LinAlgError")

enum class ErrorKind {
#define FLINT_ERROR_KIND_ENUM(kind, code) kind,
  FLINT_ERROR_KINDS(FLINT_ERROR_KIND_ENUM)
#undef FLINT_ERROR_KIND_ENUM
};

struct Error : std::runtime_error {
  ErrorKind kind;
  Error(ErrorKind k, const std::string& msg) : std::runtime_error(msg), kind(k) {}
};

[[noreturn]] inline void fail(ErrorKind k, const std::string& msg) { throw Error(k, msg); }
/** The kind's JS class name ("ShapeError"); "FlintError" for a value outside the list. */
const char* errorCode(ErrorKind k);

}  // namespace flint
