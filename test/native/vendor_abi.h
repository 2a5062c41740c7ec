// vendor_abi.h — prints the calling-convention shape of a C type, for test/vendor-abi.test.ts. That
// test compiles a generated file that includes a vendor's header (cuda.h, cublasLt.h,
// hip_runtime_api.h) and then flintml's hand-written declarations of the same API
// (native/gpu/cuda_api.h, blas_api.h, hip_api.h), and prints, for each entry point, abiOf<> of both
// prototypes; the test compares the two texts.
//
// The text keeps what the ABI depends on and drops what it does not: a scalar is its class and size
// ("int4" for an int, an unsigned or a 4-byte enum; "float8"), a pointer is "ptr(" + its pointee +
// ")" (const dropped), a complete struct is "struct<size>", an incomplete one (an opaque handle's
// target) "opaque", a function "fn(result,arg,...)". So `int attrib` matches `CUdevice_attribute
// attrib`, and `unsigned long long` matches `CUdeviceptr`, but `unsigned int*` does not match
// `size_t*` and a missing argument is a different text.
#pragma once
#include <cstddef>
#include <string>
#include <type_traits>

namespace vendor_abi {

template <class T, class = void>
struct IsComplete : std::false_type {};
template <class T>
struct IsComplete<T, std::void_t<decltype(sizeof(T))>> : std::true_type {};

template <class T>
std::string abiOf();

template <class F>
struct Fn;
template <class R, class... A>
struct Fn<R(A...)> {
  static std::string text() {
    std::string s = "fn(" + abiOf<R>();
    ((s += "," + abiOf<A>()), ...);
    return s + ")";
  }
};
template <class R, class... A>
struct Fn<R(A...) noexcept> : Fn<R(A...)> {};

template <class T>
std::string abiOf() {
  using U = std::remove_cv_t<T>;
  if constexpr (std::is_void_v<U>) {
    return "void";
  } else if constexpr (std::is_integral_v<U> || std::is_enum_v<U>) {
    return "int" + std::to_string(sizeof(U));
  } else if constexpr (std::is_floating_point_v<U>) {
    return "float" + std::to_string(sizeof(U));
  } else if constexpr (std::is_pointer_v<U>) {
    using P = std::remove_cv_t<std::remove_pointer_t<U>>;
    if constexpr (std::is_function_v<P>) return Fn<P>::text();
    else return "ptr(" + abiOf<P>() + ")";
  } else if constexpr (std::is_function_v<U>) {
    return Fn<U>::text();
  } else if constexpr (std::is_class_v<U> || std::is_union_v<U>) {
    if constexpr (IsComplete<U>::value) return "struct" + std::to_string(sizeof(U));
    else return "opaque";
  } else {
    return "unknown";
  }
}

}  // namespace vendor_abi
