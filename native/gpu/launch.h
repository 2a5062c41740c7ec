// launch.h — what a GPU op (native/gpu/ops_*.cpp) uses to run kernels of native/kernels/*.cu.
//
// An op registered with FLINT_REGISTER_OP(name, DeviceType::CUDA, fn) receives the same OpCall as
// its CPU twin, with TensorArg::data pointing at DEVICE memory (already offset to the first
// element). It validates what the CPU kernel validates (same ErrorKind, same message), then launches
// kernels by their exported extern "C" name. Everything here works for NVIDIA (driver API) and AMD
// (HIP module API) alike, through the Driver (driver.h) that discovery picked.
//
// Ordering: every launch, copy and memset goes to the current stream of the current device
// (fl.cuda.withStream changes it), so work of one op runs in order and after earlier ops' work.
// Nothing here synchronizes the host, except where a function says so.
//
// Errors found by kernels (an out-of-range index, an integer division by zero) cannot be thrown
// from the device: the op asks errorWord() for an int in device memory, passes it to the kernel,
// which atomicOr()s bits into it; the host reads these words at the next synchronization point
// (data(), item(), synchronize()) — or right after the launch when FLINT_SYNC=1 — and throws the
// error that the op's decoder makes of the bits, naming the op. Ops that cannot fail pass nullptr.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include "../core/error.h"
#include "../core/tensor.h"

namespace flint {
namespace gpu {

struct Dim3 {
  unsigned x = 1, y = 1, z = 1;
  Dim3() = default;
  Dim3(unsigned x_, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};

constexpr unsigned kBlock = 256;            // FLINT_BLOCK of compat.cuh
constexpr unsigned kMaxGridX = 2147483647u;  // gridDim.x limit (y and z: 65535)

/** Launches `kernel` with `params` (an array of pointers to each argument, as cuLaunchKernel takes). */
void launchRaw(const char* kernel, Dim3 grid, Dim3 block, unsigned sharedBytes, void** params);

/**
 * Launches `kernel` (an extern "C" name in native/kernels) on the current stream. The arguments
 * are copied by value; their C++ types must match the kernel's parameter types exactly (index_t is
 * int64_t, a StridedArgs<N> struct must have the kernel's layout, pointers are void* / T*).
 */
template <class... A>
void launch(const char* kernel, Dim3 grid, Dim3 block, unsigned sharedBytes, const A&... args) {
  void* params[] = {const_cast<void*>(static_cast<const void*>(&args))..., nullptr};
  launchRaw(kernel, grid, block, sharedBytes, params);
}

/** Blocks for a grid-stride loop over n items, each thread taking `perThread` per pass (>= 1, capped). */
unsigned gridFor(int64_t n, int perThread = 1);

/** The device's number of multiprocessors (SMs / CUs). */
int multiProcessorCount();

/**
 * Called with the nonzero bits a kernel left in its error word; it must throw (fail(kind, msg)),
 * with `op` naming the op (the name given to errorWord()).
 */
using ErrorDecoder = void (*)(int bits, const char* op);
/** A zeroed int in device memory for one launch of `op`, checked later as described above. */
int* errorWord(const char* op, ErrorDecoder decode);

/** Stream-ordered temporary device memory for one op; freed (for reuse on this stream) by the destructor. */
class DeviceBuffer {
 public:
  explicit DeviceBuffer(size_t bytes);
  ~DeviceBuffer();
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  void* get() const { return ptr_; }
  template <class T> T* as() const { return static_cast<T*>(ptr_); }

 private:
  void* ptr_ = nullptr;
};

/** Async on the current stream. */
void memsetAsync(void* dst, int byte, size_t bytes);
void copyDeviceToDeviceAsync(void* dst, const void* src, size_t bytes);
void copyDeviceToHostAsync(void* dst, const void* src, size_t bytes);
/** Blocks until the current stream's work is done (then checks error words). */
void synchronizeStream();

/** The current stream as the vendor's handle (CUstream / hipStream_t) — for GEMM libraries. */
void* currentStreamHandle();
/** The vendor of the running backend. */
bool isAmd();

/** fl.backends.matmul.allowTF32 (default false, as in PyTorch). */
bool allowTF32();
void setAllowTF32(bool on);

}  // namespace gpu
}  // namespace flint
