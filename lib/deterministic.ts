// deterministic.ts — torch.use_deterministic_algorithms: the flag, its warn-only form, and the alert
// that an op whose GPU implementation is nondeterministic raises when it runs with the flag on.
//
// What is nondeterministic in flintml (checked kernel by kernel in native/kernels/*.cu):
// - the GPU scatter with mode add (native/kernels/indexing.cu's atomicAddInto: hardware float atomics,
//   16-bit floats through a CAS loop) on a floating dtype: the order in which repeated indices add up
//   changes from run to run, and so do the last bits of the sums. Every op that adds at indices goes
//   through it: scatterAdd, indexAdd, indexPut / put with accumulate, scatterReduce 'sum' and 'mean',
//   bincount with float weights, histc, histogram, istft's overlap-add, asStrided's backward, and the
//   backwards of gather, indexSelect (so embedding and tensor indexing), takeAlongDim and cummax/cummin.
//   With the flag on these take a deterministic composition instead (lib/ops/scatter-deterministic.ts:
//   a stable sort of the target positions, a segmented scan, one assigning scatter), as torch does
//   for scatter_add_ / index_add / index_put(accumulate) / gather's and index_select's backwards.
// - the GPU scatter with mode prod (scatterReduce 'prod') on a floating dtype: a CAS loop whose order
//   of multiplications varies. It alerts (throws, or warns with warnOnly), as torch 2.x does for
//   scatter_reduce 'prod' on CUDA.
// Deterministic already, so never alerted: the plain scatter (the last write along dim wins, through
// a winner pass), scatterReduce 'amax'/'amin' (order-independent), integer and bool scatter-adds
// (integer adds commute exactly), every reduction, scan, softmax, norm and sort kernel (fixed
// combination orders, no atomics on data: see each .cu file's head), the convolutions and pools
// (gathers instead of scatters), and GEMM (cuBLASLt gets a fresh workspace per call from the caching
// allocator, so torch's CUBLAS_WORKSPACE_CONFIG requirement has no counterpart). The CPU kernels are
// sequential: a CPU op never alerts.
import { FlintError } from './errors';
import { bool, optional, required, signature, tooManyArgs } from './args';
import type { ArgsThenOptions } from './args';
import type { Tensor } from './tensor';

/**
 * Thrown by an op that has no deterministic implementation on its device while
 * `fl.useDeterministicAlgorithms(true)` is set (torch's RuntimeError of the same text).
 */
export class NondeterministicAlgorithmError extends FlintError {}

/** @internal The flag (read by the ops that consult it) and the deterministic scatter-add the ops layer registers. */
export const deterministicState = {
  enabled: false,
  warnOnly: false,
  /**
   * Adds `src` (cut to the index's extent) into `self` at `index` along `dim` without atomics;
   * `name` is the op its errors name. Registered by lib/ops/scatter-deterministic.ts when the ops
   * layer loads (it sorts, which lib/ops/indexing.ts cannot import); null before that.
   */
  scatterAdd: null as ((self: Tensor, dim: number, index: Tensor, src: Tensor, name: string) => boolean) | null,
};

/** the alerts already given as warnings since the flag was last set (each is given once) */
const warned = new Set<string>();

const USE_ARGS = signature('useDeterministicAlgorithms', ['mode'], { mode: required(bool), warnOnly: optional(bool, false) });

/**
 * Makes ops use deterministic algorithms, as `torch.use_deterministic_algorithms`: with `mode` true,
 * an op whose GPU implementation is nondeterministic takes a deterministic one where flintml has it
 * (the scatter-adds behind scatterAdd, indexAdd, indexPut with accumulate and the backwards of
 * gather, indexSelect and embedding) and otherwise throws a `NondeterministicAlgorithmError` when it
 * runs on the GPU — or, with `warnOnly`, warns once (process.emitWarning) and runs. CPU ops are
 * deterministic and never throw.
 * ```ts
 * fl.useDeterministicAlgorithms(true);
 * fl.useDeterministicAlgorithms(true, { warnOnly: true });
 * ```
 */
export function useDeterministicAlgorithms(mode: boolean, options?: { warnOnly?: boolean }): void;
export function useDeterministicAlgorithms(...args: ArgsThenOptions<[mode: boolean], { warnOnly?: boolean }>): void;
export function useDeterministicAlgorithms(...args: unknown[]): void {
  const o = USE_ARGS.parse(args);
  deterministicState.enabled = o.mode;
  deterministicState.warnOnly = o.warnOnly;
  warned.clear();
}

/** Whether `useDeterministicAlgorithms(true)` is in effect (torch's `are_deterministic_algorithms_enabled`): `fl.areDeterministicAlgorithmsEnabled()`. */
export function areDeterministicAlgorithmsEnabled(): boolean {
  if (arguments.length > 0) tooManyArgs('areDeterministicAlgorithmsEnabled', '', arguments);
  return deterministicState.enabled;
}

/** Whether the deterministic mode only warns (`useDeterministicAlgorithms(mode, { warnOnly: true })`): `fl.isDeterministicAlgorithmsWarnOnlyEnabled()`. */
export function isDeterministicAlgorithmsWarnOnlyEnabled(): boolean {
  if (arguments.length > 0) tooManyArgs('isDeterministicAlgorithmsWarnOnlyEnabled', '', arguments);
  return deterministicState.warnOnly;
}

/**
 * @internal torch's alertNotDeterministic: called by an op about to run a nondeterministic kernel
 * (the caller checks `deterministicState.enabled`); throws, or warns once per `caller` with warnOnly.
 */
export function alertNotDeterministic(caller: string): void {
  const text = `${caller} does not have a deterministic implementation, but you set 'fl.useDeterministicAlgorithms(true)'. ` +
    "You can turn off determinism just for this operation, or you can use the 'warnOnly: true' option, if that's acceptable for your application.";
  if (!deterministicState.warnOnly) throw new NondeterministicAlgorithmError(text);
  if (warned.has(caller)) return;
  warned.add(caller);
  process.emitWarning(text, { type: 'UserWarning', code: 'FLINT_NONDETERMINISTIC' });
}
