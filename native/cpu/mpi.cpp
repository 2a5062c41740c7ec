// mpi.cpp — the MPI engine's native half: finds OpenMPI at run time (dlopen, RTLD_GLOBAL because
// OpenMPI's own plugins resolve symbols of libmpi) and runs the engine's jobs with blocking MPI
// calls. Only the engine's dedicated thread (native/addon/mpi_binding.cpp) calls run(), so MPI is
// initialised with MPI_THREAD_FUNNELED from that thread and every call comes from it, in the order
// JS issued them: the same order on every rank, as collectives need.
//
// Reductions: float32/float64/int32 use MPI's predefined types and ops. MPI has no 16-bit float
// types, so float16/bfloat16 reduce through user-defined ops (MPI_Op_create) over MPI_UINT16_T that
// widen each pair to float, combine and round back, as NCCL's half reductions do hop by hop. 'avg'
// is a sum divided by the world size here (MPI has no average); the group refuses it for int32.
// Data movement (broadcast, allGather, send/recv) is bytes (MPI_BYTE), whatever the dtype.
#include "mpi_api.h"
#include <dlfcn.h>
#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include "../core/error.h"
#include "../core/float16.h"

namespace flint {
namespace mpi {

namespace {

Api g_api;
LoadInfo g_info;

struct Entry { const char* name; void** slot; bool object; };

void loadOnce() {
  Api& a = g_api;
  const Entry entries[] = {
      {"MPI_Init_thread", (void**)&a.Init_thread, false}, {"MPI_Initialized", (void**)&a.Initialized, false},
      {"MPI_Finalized", (void**)&a.Finalized, false}, {"MPI_Finalize", (void**)&a.Finalize, false},
      {"MPI_Comm_rank", (void**)&a.Comm_rank, false}, {"MPI_Comm_size", (void**)&a.Comm_size, false},
      {"MPI_Comm_set_errhandler", (void**)&a.Comm_set_errhandler, false}, {"MPI_Allreduce", (void**)&a.Allreduce, false},
      {"MPI_Bcast", (void**)&a.Bcast, false}, {"MPI_Allgather", (void**)&a.Allgather, false},
      {"MPI_Reduce_scatter_block", (void**)&a.Reduce_scatter_block, false}, {"MPI_Send", (void**)&a.Send, false},
      {"MPI_Recv", (void**)&a.Recv, false}, {"MPI_Barrier", (void**)&a.Barrier, false},
      {"MPI_Op_create", (void**)&a.Op_create, false}, {"MPI_Error_string", (void**)&a.Error_string, false},
      {"MPI_Get_library_version", (void**)&a.Get_library_version, false},
      {"ompi_mpi_comm_world", &a.commWorld, true}, {"ompi_mpi_byte", &a.byteT, true},
      {"ompi_mpi_float", &a.floatT, true}, {"ompi_mpi_double", &a.doubleT, true},
      {"ompi_mpi_int", &a.intT, true}, {"ompi_mpi_uint16_t", &a.uint16T, true},
      {"ompi_mpi_op_sum", &a.sum, true}, {"ompi_mpi_op_max", &a.max, true},
      {"ompi_mpi_op_min", &a.min, true}, {"ompi_mpi_op_prod", &a.prod, true},
      {"ompi_mpi_errors_return", &a.errorsReturn, true},
  };
  std::vector<std::string> files;
  if (const char* f = std::getenv("FLINT_MPI_LIB")) { if (*f) files.push_back(f); }
  files.push_back("libmpi.so.40");
  files.push_back("libmpi.so");
  for (const std::string& file : files) {
    void* h = dlopen(file.c_str(), RTLD_NOW | RTLD_GLOBAL);
    if (!h) {
      const char* e = dlerror();
      g_info.log.push_back(file + ": not loaded (" + (e ? e : "unknown error") + ")");
      continue;
    }
    std::vector<std::string> missing;
    for (const Entry& e : entries) {
      *e.slot = dlsym(h, e.name);
      if (!*e.slot) missing.push_back(e.name);
    }
    // the file's path from any symbol it resolved (dladdr: dlinfo would need GLIBC_2.34, see glibc_compat.cpp)
    std::string path = file;
    for (const Entry& e : entries) {
      Dl_info where;
      if (*e.slot && dladdr(*e.slot, &where) && where.dli_fname) { path = where.dli_fname; break; }
    }
    if (!missing.empty()) {
      std::string m;
      if (missing.size() == sizeof(entries) / sizeof(entries[0])) m = "no MPI symbol at all";
      else for (const std::string& s : missing) m += (m.empty() ? "missing " : ", ") + s;
      g_info.log.push_back(file + ": loaded from " + path + " but it is not OpenMPI's ABI (" + m + ")");
      continue;  // the handle stays open: a partly used library is never closed under its threads
    }
    char version[kMaxLibraryVersionString] = {0};
    int len = 0;
    if (a.Get_library_version(version, &len) == kSuccess) {
      std::string v(version, (size_t)std::max(0, len));
      while (!v.empty() && (v.back() == '\n' || v.back() == '\0' || v.back() == ' ')) v.pop_back();
      size_t comma = v.find(',');
      g_info.version = comma == std::string::npos ? v : v.substr(0, comma);
    }
    g_info.loaded = true;
    g_info.path = path;
    g_info.log.push_back(file + ": loaded from " + path);
    return;
  }
}

std::string errorText(const char* call, int rc) {
  char s[kMaxErrorString] = {0};
  int len = 0;
  std::string msg = g_api.Error_string && g_api.Error_string(rc, s, &len) == kSuccess ? std::string(s, (size_t)std::max(0, len)) : "error " + std::to_string(rc);
  return std::string(call) + ": " + msg;
}

// ---- 16-bit float reductions (user-defined MPI ops) ------------------------------------------
template <float (*ToF)(uint16_t), uint16_t (*FromF)(float), int Kind>
void halfOp(void* in, void* inout, int* len, Datatype*) {
  const uint16_t* a = static_cast<const uint16_t*>(in);
  uint16_t* b = static_cast<uint16_t*>(inout);
  for (int i = 0; i < *len; i++) {
    float x = ToF(a[i]), y = ToF(b[i]), r;
    if (Kind == 0) r = x + y;
    else if (Kind == 1) r = x != x || y != y ? x + y : (x > y ? x : y);  // NaN propagates, as MPI_MAX on floats does
    else if (Kind == 2) r = x != x || y != y ? x + y : (x < y ? x : y);
    else r = x * y;
    b[i] = FromF(r);
  }
}
uint16_t toHalf(float f) { return floatToHalf(f); }
float fromHalf(uint16_t h) { return halfToFloat(h); }
uint16_t toBf16(float f) { return floatToBf16(f); }
float fromBf16(uint16_t h) { return bf16ToFloat(h); }

Op halfOps[2][4];  // [f16, bf16][sum, max, min, prod], made at Init

void makeHalfOps() {
  UserFunction* fns[2][4] = {
      {halfOp<fromHalf, toHalf, 0>, halfOp<fromHalf, toHalf, 1>, halfOp<fromHalf, toHalf, 2>, halfOp<fromHalf, toHalf, 3>},
      {halfOp<fromBf16, toBf16, 0>, halfOp<fromBf16, toBf16, 1>, halfOp<fromBf16, toBf16, 2>, halfOp<fromBf16, toBf16, 3>},
  };
  for (int d = 0; d < 2; d++)
    for (int k = 0; k < 4; k++) g_api.Op_create(fns[d][k], 1, &halfOps[d][k]);
}

Datatype typeOf(DType dt) {
  switch (dt) {
    case DType::F32: return g_api.floatT;
    case DType::F64: return g_api.doubleT;
    case DType::I32: return g_api.intT;
    case DType::F16: case DType::BF16: return g_api.uint16T;
    default: return nullptr;
  }
}

Op opOf(DType dt, ReduceOp op) {
  int k = op == ReduceOp::Sum || op == ReduceOp::Avg ? 0 : op == ReduceOp::Max ? 1 : op == ReduceOp::Min ? 2 : 3;
  if (dt == DType::F16 || dt == DType::BF16) return halfOps[dt == DType::F16 ? 0 : 1][k];
  Op ops[4] = {g_api.sum, g_api.max, g_api.min, g_api.prod};
  return ops[k];
}

/** avg = sum / world size, in the dtype's arithmetic (16-bit floats through float). */
void divide(char* p, int64_t n, DType dt, int size) {
  switch (dt) {
    case DType::F32: { float* x = (float*)p; for (int64_t i = 0; i < n; i++) x[i] /= (float)size; break; }
    case DType::F64: { double* x = (double*)p; for (int64_t i = 0; i < n; i++) x[i] /= (double)size; break; }
    case DType::F16: { uint16_t* x = (uint16_t*)p; for (int64_t i = 0; i < n; i++) x[i] = floatToHalf(halfToFloat(x[i]) / (float)size); break; }
    case DType::BF16: { uint16_t* x = (uint16_t*)p; for (int64_t i = 0; i < n; i++) x[i] = floatToBf16(bf16ToFloat(x[i]) / (float)size); break; }
    default: break;
  }
}

// MPI counts are int: larger buffers go in chunks (each chunk is its own collective, issued in the
// same order on every rank).
constexpr int64_t kChunk = (int64_t)1 << 30;

bool check(Job& job, const char* call, int rc) {
  if (rc == kSuccess) return true;
  job.error = errorText(call, rc);
  return false;
}

int g_rank = 0, g_size = 1;

}  // namespace

const LoadInfo& load() {
  static std::once_flag once;
  std::call_once(once, loadOnce);
  return g_info;
}

const Api& api() { return g_api; }

void run(Job& job) {
  const Api& a = g_api;
  Comm w = a.commWorld;
  int64_t isz = itemsize(job.dtype);
  switch (job.kind) {
    case JobKind::Init: {
      int provided = 0, inited = 0;
      a.Initialized(&inited);
      if (!inited && !check(job, "MPI_Init_thread", a.Init_thread(nullptr, nullptr, kThreadFunneled, &provided))) return;
      a.Comm_set_errhandler(w, a.errorsReturn);  // errors come back as codes (the group names them), not abort()
      if (!check(job, "MPI_Comm_rank", a.Comm_rank(w, &g_rank)) || !check(job, "MPI_Comm_size", a.Comm_size(w, &g_size))) return;
      makeHalfOps();
      job.rank = g_rank;
      job.size = g_size;
      return;
    }
    case JobKind::AllReduce: {
      for (int64_t at = 0; at < job.count; at += kChunk) {
        int n = (int)std::min(kChunk, job.count - at);
        if (!check(job, "MPI_Allreduce", a.Allreduce(inPlace(), job.buf + at * isz, n, typeOf(job.dtype), opOf(job.dtype, job.op), w))) return;
      }
      if (job.op == ReduceOp::Avg) divide(job.buf, job.count, job.dtype, g_size);
      return;
    }
    case JobKind::Broadcast: {
      int64_t bytes = job.count * isz;
      for (int64_t at = 0; at < bytes; at += kChunk)
        if (!check(job, "MPI_Bcast", a.Bcast(job.buf + at, (int)std::min(kChunk, bytes - at), a.byteT, job.peer, w))) return;
      return;
    }
    case JobKind::AllGather: {
      int64_t bytes = job.count * isz;
      if (bytes > INT_MAX) { job.error = "allGather: more than 2^31 - 1 bytes per rank"; return; }
      std::vector<char> all((size_t)(bytes * g_size));
      if (!check(job, "MPI_Allgather", a.Allgather(job.buf, (int)bytes, a.byteT, all.data(), (int)bytes, a.byteT, w))) return;
      for (int r = 0; r < g_size; r++) std::memcpy(job.parts[(size_t)r], all.data() + r * bytes, (size_t)bytes);
      return;
    }
    case JobKind::ReduceScatter: {
      int64_t bytes = job.count * isz;
      if (job.count > INT_MAX) { job.error = "reduceScatter: more than 2^31 - 1 elements per rank"; return; }
      std::vector<char> all((size_t)(bytes * g_size));
      for (int r = 0; r < g_size; r++) std::memcpy(all.data() + r * bytes, job.parts[(size_t)r], (size_t)bytes);
      if (!check(job, "MPI_Reduce_scatter_block", a.Reduce_scatter_block(all.data(), job.buf, (int)job.count, typeOf(job.dtype), opOf(job.dtype, job.op), w))) return;
      if (job.op == ReduceOp::Avg) divide(job.buf, job.count, job.dtype, g_size);
      return;
    }
    case JobKind::Send: {
      int64_t bytes = job.count * isz;
      for (int64_t at = 0; at < bytes; at += kChunk)
        if (!check(job, "MPI_Send", a.Send(job.buf + at, (int)std::min(kChunk, bytes - at), a.byteT, job.peer, 0, w))) return;
      return;
    }
    case JobKind::Recv: {
      int64_t bytes = job.count * isz;
      for (int64_t at = 0; at < bytes; at += kChunk)
        if (!check(job, "MPI_Recv", a.Recv(job.buf + at, (int)std::min(kChunk, bytes - at), a.byteT, job.peer, 0, w, nullptr))) return;
      return;
    }
    case JobKind::Barrier:
      check(job, "MPI_Barrier", a.Barrier(w));
      return;
    case JobKind::Finalize: {
      int fin = 0;
      a.Finalized(&fin);
      if (!fin) check(job, "MPI_Finalize", a.Finalize());
      return;
    }
  }
}

}  // namespace mpi
}  // namespace flint
