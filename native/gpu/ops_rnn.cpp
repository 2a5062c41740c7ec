// ops_rnn.cpp — the CUDA/HIP entries of the fused recurrent cells ('lstmCell', 'lstmCellBackward',
// 'gruCell', 'gruCellBackward'), the host twins of native/cpu/rnn.cpp: the same checks
// (native/core/rnn.h), then one launch of native/kernels/rnn.cu over the step's B*H hidden units.
#include "../core/error.h"
#include "../core/optable.h"
#include "../core/rnn.h"
#include "../core/tensor.h"
#include "launch.h"
#include "ops_common.h"

namespace flint {
namespace {

void cudaLstmCell(const OpCall& c) {
  const int64_t H = checks::checkLstmCell(c);
  const TensorArg& c0 = c.t[5];
  if (!gpu::isFloatDType(c0.dtype)) checks::failCellDType("lstmCell");
  const int64_t n = c0.numel();
  if (n == 0) return;
  gpu::launch(gpu::kernelName("flint_lstm_cell", c0.dtype).c_str(), gpu::Dim3(gpu::gridFor(n)), gpu::Dim3(gpu::kBlock), 0,
              c.t[0].data, c.t[1].data, c.t[2].data, static_cast<const void*>(c.t[3].data), static_cast<const void*>(c.t[4].data),
              static_cast<const void*>(c0.data), n, H);
}

void cudaLstmCellBackward(const OpCall& c) {
  const int64_t H = checks::checkLstmCellBackward(c);
  const TensorArg& gc = c.t[6];
  if (!gpu::isFloatDType(gc.dtype)) checks::failCellDType("lstmCellBackward");
  const int64_t n = gc.numel();
  if (n == 0) return;
  gpu::launch(gpu::kernelName("flint_lstm_cell_backward", gc.dtype).c_str(), gpu::Dim3(gpu::gridFor(n)), gpu::Dim3(gpu::kBlock), 0,
              c.t[0].data, c.t[1].data, static_cast<const void*>(c.t[2].data), static_cast<const void*>(c.t[3].data),
              static_cast<const void*>(c.t[4].data), static_cast<const void*>(c.t[5].data), static_cast<const void*>(gc.data), n, H);
}

void cudaGruCell(const OpCall& c) {
  const int64_t H = checks::checkGruCell(c);
  const TensorArg& h0 = c.t[4];
  if (!gpu::isFloatDType(h0.dtype)) checks::failCellDType("gruCell");
  const int64_t n = h0.numel();
  if (n == 0) return;
  gpu::launch(gpu::kernelName("flint_gru_cell", h0.dtype).c_str(), gpu::Dim3(gpu::gridFor(n)), gpu::Dim3(gpu::kBlock), 0,
              c.t[0].data, c.t[1].data, static_cast<const void*>(c.t[2].data), static_cast<const void*>(c.t[3].data),
              static_cast<const void*>(h0.data), n, H);
}

void cudaGruCellBackward(const OpCall& c) {
  const int64_t H = checks::checkGruCellBackward(c);
  const TensorArg& gh = c.t[5];
  if (!gpu::isFloatDType(gh.dtype)) checks::failCellDType("gruCellBackward");
  const int64_t n = gh.numel();
  if (n == 0) return;
  gpu::launch(gpu::kernelName("flint_gru_cell_backward", gh.dtype).c_str(), gpu::Dim3(gpu::gridFor(n)), gpu::Dim3(gpu::kBlock), 0,
              c.t[0].data, c.t[1].data, c.t[2].data, static_cast<const void*>(c.t[3].data), static_cast<const void*>(c.t[4].data),
              static_cast<const void*>(gh.data), n, H);
}

}  // namespace

FLINT_REGISTER_OP("lstmCell", DeviceType::CUDA, cudaLstmCell);
FLINT_REGISTER_OP("lstmCellBackward", DeviceType::CUDA, cudaLstmCellBackward);
FLINT_REGISTER_OP("gruCell", DeviceType::CUDA, cudaGruCell);
FLINT_REGISTER_OP("gruCellBackward", DeviceType::CUDA, cudaGruCellBackward);

}  // namespace flint
