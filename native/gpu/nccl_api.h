// nccl_api.h — the GPU collective libraries, found with dlopen at run time like every vendor library
// here: NVIDIA's NCCL (libnccl.so.2) and AMD's RCCL (librccl.so.1, the same C API on HIP streams).
// Searched by lib_search.h (FLINT_CUDA_LIBS, the loader path, then NVIDIA: the nvidia/*/lib folders
// of Python environments — pip's nvidia-nccl-cu12 wheel is nvidia/nccl/lib — and CUDA toolkits;
// AMD: $ROCM_PATH/lib). No vendor header is needed to build: the types, enum values and prototypes
// below are declared by hand from NCCL's documentation ("NCCL API": Types, Communicator Creation and
// Management Functions, Collective Communication Functions, Group Calls, Point To Point
// Communication Functions; docs.nvidia.com/deeplearning/nccl/user-guide/docs/api), which RCCL's
// documentation repeats (rocm.docs.amd.com/projects/rccl, API library). Enum values are the C ABI:
//   ncclResult_t   ncclSuccess 0, ncclUnhandledCudaError 1, ncclSystemError 2, ncclInternalError 3,
//                  ncclInvalidArgument 4, ncclInvalidUsage 5, ncclRemoteError 6 (2.13+),
//                  ncclInProgress 7 (2.14+)
//   ncclDataType_t ncclInt8 0, ncclUint8 1, ncclInt32 2, ncclUint32 3, ncclInt64 4, ncclUint64 5,
//                  ncclFloat16 6, ncclFloat32 7, ncclFloat64 8, ncclBfloat16 9 (2.10+)
//   ncclRedOp_t    ncclSum 0, ncclProd 1, ncclMax 2, ncclMin 3, ncclAvg 4 (2.10+)
//   ncclUniqueId   struct { char internal[NCCL_UNIQUE_ID_BYTES = 128]; }, passed BY VALUE to
//                  ncclCommInitRank
//   ncclGetVersion NCCL_VERSION(X,Y,Z) = X*10000 + Y*100 + Z (X*1000 + Y*100 + Z before 2.9)
// The collectives take the stream as cudaStream_t (NCCL) / hipStream_t (RCCL): the driver's stream
// handle, which is what the backend's streams are (CUstream is cudaStream_t; hipStream_t is itself).
// NCCL uses the device of the calling thread's current context: the communicator's thread makes
// its device current first (nccl_comm.cpp).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>
#include "dl_table.h"

namespace flint {
namespace gpu {

using ncclResult_t = int;
using ncclComm_t = struct ncclComm*;
constexpr int NCCL_UNIQUE_ID_BYTES = 128;
struct ncclUniqueId { char internal[NCCL_UNIQUE_ID_BYTES]; };
static_assert(sizeof(ncclUniqueId) == 128, "ncclUniqueId layout");

constexpr ncclResult_t ncclSuccess = 0;
constexpr ncclResult_t ncclInProgress = 7;

// ncclDataType_t
constexpr int ncclInt32 = 2;
constexpr int ncclFloat16 = 6;
constexpr int ncclFloat32 = 7;
constexpr int ncclFloat64 = 8;
constexpr int ncclBfloat16 = 9;
// ncclRedOp_t
constexpr int ncclSum = 0;
constexpr int ncclProd = 1;
constexpr int ncclMax = 2;
constexpr int ncclMin = 3;
constexpr int ncclAvg = 4;

/** NCCL_VERSION(2, 10, 0): ncclAvg and ncclBfloat16 appeared in 2.10. */
constexpr int kNcclVersionAvgBf16 = 21000;
/**
 * NCCL 2.7.0, ncclSend/ncclRecv: the oldest NCCL the engine accepts. Up to 2.8 NCCL_VERSION was
 * X*1000+Y*100+Z (2.7.8 reports 2708, 2.8.4 2804), from 2.9 X*10000+Y*100+Z (2.9.3: 20903): so
 * 2.7.0's old code, 2700, is below every 2.7+ code of either encoding and above every 2.6.x (26xx).
 */
constexpr int kNcclVersionMin = 2700;

struct NcclApi {
  ncclResult_t (*ncclGetVersion)(int* version) = nullptr;
  ncclResult_t (*ncclGetUniqueId)(ncclUniqueId* uniqueId) = nullptr;
  ncclResult_t (*ncclCommInitRank)(ncclComm_t* comm, int nranks, ncclUniqueId commId, int rank) = nullptr;
  ncclResult_t (*ncclCommDestroy)(ncclComm_t comm) = nullptr;
  ncclResult_t (*ncclCommAbort)(ncclComm_t comm) = nullptr;
  ncclResult_t (*ncclCommGetAsyncError)(ncclComm_t comm, ncclResult_t* asyncError) = nullptr;
  const char* (*ncclGetErrorString)(ncclResult_t result) = nullptr;
  const char* (*ncclGetLastError)(ncclComm_t comm) = nullptr;  // optional (2.13+)
  ncclResult_t (*ncclAllReduce)(const void* sendbuff, void* recvbuff, size_t count, int datatype, int op, ncclComm_t comm,
                                void* stream) = nullptr;
  ncclResult_t (*ncclBroadcast)(const void* sendbuff, void* recvbuff, size_t count, int datatype, int root, ncclComm_t comm,
                                void* stream) = nullptr;
  ncclResult_t (*ncclAllGather)(const void* sendbuff, void* recvbuff, size_t sendcount, int datatype, ncclComm_t comm,
                                void* stream) = nullptr;
  ncclResult_t (*ncclReduceScatter)(const void* sendbuff, void* recvbuff, size_t recvcount, int datatype, int op,
                                    ncclComm_t comm, void* stream) = nullptr;
  ncclResult_t (*ncclSend)(const void* sendbuff, size_t count, int datatype, int peer, ncclComm_t comm, void* stream) = nullptr;
  ncclResult_t (*ncclRecv)(void* recvbuff, size_t count, int datatype, int peer, ncclComm_t comm, void* stream) = nullptr;
  ncclResult_t (*ncclGroupStart)() = nullptr;
  ncclResult_t (*ncclGroupEnd)() = nullptr;
};

struct CollectiveLibrary {
  bool found = false;
  bool amd = false;
  std::string name;       // "NCCL" / "RCCL"
  std::string path;       // the loaded file
  int versionCode = 0;    // ncclGetVersion's code
  std::string version;    // "2.21.5"
  std::vector<std::string> searchLog;  // every place tried, found or not and why
  std::string reason;     // when !found: one line saying why (the last line of the log)
  NcclApi api;
  LoadedTable lib;

  bool hasAvgAndBf16() const { return versionCode >= kNcclVersionAvgBf16; }
};

/**
 * The collective library of this process's GPU vendor (NCCL, or RCCL when the GPU runtime chose
 * AMD), searched once on first use (thread-safe). Never throws: found is false and the log and
 * reason say why.
 */
const CollectiveLibrary& collectiveLibrary();

/** The search for `amd` without caching, with the environment as it is now (tests, through the test addon). */
CollectiveLibrary searchCollectiveLibrary(bool amd);

/** "2.21.5" from ncclGetVersion's code (either encoding). */
std::string ncclVersionString(int code);

/** JSON {"found","name","path","version","versionCode","avg","bfloat16","reason","searchLog":[...]}. */
std::string collectiveInfoJson(const CollectiveLibrary& lib);

/** The library's text for a result code ("unhandled system error"), with the code. */
std::string ncclResultText(const CollectiveLibrary& lib, ncclResult_t r);

}  // namespace gpu
}  // namespace flint
