// backend.ts — what the native backend found at load time and its knobs.
import { describeArg } from './arity';
import { ValueError } from './errors';
import { binding, guard } from './native';

/**
 * Backend facts and settings: `fl.backend.info()` → `{ blas: 'openblas (libopenblas.so.0)', threads: 2, … }`;
 * `fl.backend.setNumThreads(1)` limits the CPU thread pool (also `FLINT_NUM_THREADS`).
 */
/** The CPU thread pool's limit (native/core/parallel.h's kMaxThreads). */
const MAX_THREADS = 1024;

export const backend = {
  /**
   * `cpuIsa`: the vector ISA the float CPU loops run on ('avx512', 'avx2' or 'base'; FLINT_CPU_ISA
   * caps it); `cpuIsaNote`: why FLINT_CPU_ISA was ignored, or ''.
   */
  info(): { blas: string; blasSearch: string; threads: number; maxDims: number; cpuIsa: string; cpuIsaNote: string } { return binding.info(); },
  /**
   * The GPU backend's state (after first use): the kernel image set loaded, how many kernels were
   * resolved, FLINT_SYNC, and the GPU GEMM library with its search log.
   */
  gpu(): { imageSet: string; modules: number; kernelsResolved: number; sync: boolean; blas?: string; blasSearch?: string[] } {
    const info = guard(() => binding.gpuBackendInfo());
    const blas = guard(() => binding.gpuBlasInfo());
    return { ...info, blas: blas.summary, blasSearch: blas.searchLog };
  },
  setNumThreads(n: number): void {
    if (!Number.isInteger(n) || n < 1) throw new ValueError(`setNumThreads: expected a positive integer, got ${describeArg(n)}`);
    // the native pool starts its threads as it needs them; a count it could never start is refused here
    if (n > MAX_THREADS) throw new ValueError(`setNumThreads: at most ${MAX_THREADS} threads, got ${n}`);
    binding.setNumThreads(n);
  },
};

/**
 * PyTorch's `torch.backends` switches: `fl.backends.matmul.allowTF32 = true` lets float32 matmuls on
 * NVIDIA GPUs use TF32 tensor cores (10-bit mantissa inputs, float32 accumulation; off by default).
 */
export const backends = {
  matmul: {
    get allowTF32(): boolean { return typeof binding.gpuAllowTF32 === 'function' ? binding.gpuAllowTF32() : false; },
    set allowTF32(on: boolean) { binding.gpuSetAllowTF32(!!on); },
  },
  /**
   * torch.backends.cudnn's flags that ported training scripts set (`deterministic = true`,
   * `benchmark = false`): kept and read back, and nothing else, since flintml runs no cuDNN: its
   * convolutions and pools are deterministic gathers (native/kernels/conv.cu) and nothing is
   * autotuned. `fl.useDeterministicAlgorithms(true)` is the switch that changes what ops do.
   */
  cudnn: { deterministic: false, benchmark: false },
};
