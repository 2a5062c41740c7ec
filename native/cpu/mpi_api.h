// mpi_api.h — the part of OpenMPI's C API (libmpi.so.40) that the MPI engine of fl.distributed
// uses, declared by hand from the MPI standard and OpenMPI's documented ABI (no mpi.h is needed to
// build), and the engine's jobs (mpi.cpp), which native/addon/mpi_binding.cpp runs on one dedicated
// thread. OpenMPI's handles are pointers; its predefined ones (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM,
// …) are the addresses of global objects in the library (ompi_mpi_comm_world, ompi_mpi_float,
// ompi_mpi_op_sum, …), resolved with dlsym like the functions. MPICH's integer handles differ:
// this is OpenMPI's ABI only, and the loader says so when the symbols are missing.
#pragma once
#include <cstdint>
#include <string>
#include <vector>
#include "../core/dtype.h"

namespace flint {
namespace mpi {

typedef void* Comm;
typedef void* Datatype;
typedef void* Op;
typedef void* Errhandler;
typedef void UserFunction(void* in, void* inout, int* len, Datatype* type);

// Constants of OpenMPI's mpi.h (fixed by its ABI since 1.x).
constexpr int kSuccess = 0;
constexpr int kThreadFunneled = 1;
// MPI_MAX_ERROR_STRING is 256 by default, but Open MPI's configure can set it from 64 to 1024
// (--with-max-error-string) and MPI_Error_string may write that many: the buffer takes the largest.
constexpr int kMaxErrorString = 1024;
constexpr int kMaxLibraryVersionString = 256;
inline void* inPlace() { return reinterpret_cast<void*>(1); }  // MPI_IN_PLACE
// MPI_STATUS_IGNORE is a null MPI_Status*.

struct Api {
  int (*Init_thread)(int*, char***, int, int*);
  int (*Initialized)(int*);
  int (*Finalized)(int*);
  int (*Finalize)();
  int (*Comm_rank)(Comm, int*);
  int (*Comm_size)(Comm, int*);
  int (*Comm_set_errhandler)(Comm, Errhandler);
  int (*Allreduce)(const void*, void*, int, Datatype, Op, Comm);
  int (*Bcast)(void*, int, Datatype, int, Comm);
  int (*Allgather)(const void*, int, Datatype, void*, int, Datatype, Comm);
  int (*Reduce_scatter_block)(const void*, void*, int, Datatype, Op, Comm);
  int (*Send)(const void*, int, Datatype, int, int, Comm);
  int (*Recv)(void*, int, Datatype, int, int, Comm, void* status);
  int (*Barrier)(Comm);
  int (*Op_create)(UserFunction*, int, Op*);
  int (*Error_string)(int, char*, int*);
  int (*Get_library_version)(char*, int*);
  // predefined objects (addresses of ompi_mpi_* globals)
  Comm commWorld;
  Datatype byteT, floatT, doubleT, intT, uint16T;
  Op sum, max, min, prod;
  Errhandler errorsReturn;
};

/** What `mpiInfo()` reports: whether libmpi was found, where, its version, and why not. */
struct LoadInfo {
  bool loaded = false;
  std::string path, version;
  std::vector<std::string> log;
};

/** dlopen()s OpenMPI once (FLINT_MPI_LIB, then libmpi.so.40, libmpi.so) and resolves Api. */
const LoadInfo& load();
/** The table; only valid when load().loaded. */
const Api& api();

enum class JobKind : int32_t { Init = 0, AllReduce, Broadcast, AllGather, ReduceScatter, Send, Recv, Barrier, Finalize };
enum class ReduceOp : int32_t { Sum = 0, Avg, Max, Min, Prod };

/** One engine call: pointers into storages the JS side keeps alive until the job completes. */
struct Job {
  JobKind kind = JobKind::Barrier;
  char* buf = nullptr;             // the tensor (in place) / the send buffer
  std::vector<char*> parts;        // allGather's outputs, reduceScatter's inputs (one per rank)
  int64_t count = 0;               // elements of buf (allGather/reduceScatter: of one part)
  DType dtype = DType::F32;
  ReduceOp op = ReduceOp::Sum;
  int peer = 0;                    // broadcast's root, send's destination, recv's source
  // results
  int rank = -1, size = -1;        // Init
  std::string error;               // empty on success: "MPI_Allreduce: <MPI_Error_string>"
};

/** Runs `job` to completion on the calling thread (the engine's one MPI thread). */
void run(Job& job);

}  // namespace mpi
}  // namespace flint
