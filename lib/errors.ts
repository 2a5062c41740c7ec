// errors.ts — the typed errors of flintml. Every error extends FlintError; messages name the op
// and the shapes/dtypes/devices involved. Native errors arrive with a `code` naming one of these.
// The native kinds are listed once, in native/core/error.h (FLINT_ERROR_KINDS): one class here per
// entry there (nativeErrorClasses), and test/errors.test.ts checks that the two lists match.

/** Base class of every error flintml throws. `catch (e) { if (e instanceof fl.FlintError) … }` */
export class FlintError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
/** Shapes that do not fit the op: `fl.add(fl.zeros([2, 3]), fl.zeros([4]))` throws this. */
export class ShapeError extends FlintError {}
/** A dtype the op does not accept, or a cast it refuses. */
export class DTypeError extends FlintError {}
/** Operands on different devices, or an unknown device string. Transfers are explicit. */
export class DeviceError extends FlintError {}
/** An index or dim out of range. */
export class IndexError extends FlintError {}
/** Use of a tensor after `dispose()` (or after its `scope` ended). */
export class DisposedError extends FlintError {}
/** The requested backend (e.g. `'cuda'`) cannot run on this host; the message says why. */
export class BackendUnavailableError extends FlintError {}
/** An allocation failed or is larger than any device could hold. */
export class OutOfMemoryError extends FlintError {}
/** A value the op cannot take (bad argument type, integer division by zero, …). */
export class ValueError extends FlintError {}
/**
 * A linear-algebra routine met a matrix it cannot factor or invert (torch.linalg.LinAlgError's
 * twin): `fl.linalg.inv` of a singular matrix, `fl.linalg.cholesky` of one that is not
 * positive-definite. The message names the op, the batch element and LAPACK's `info`.
 */
export class LinAlgError extends FlintError {}

/**
 * Something that a CUDA graph cannot hold was asked for while `fl.cuda.graph` captured: a host read
 * (`item()`, `dataSync()`, `await data()`, `to('cpu')`), a copy from a CPU tensor, an op on CPU
 * tensors, a synchronization, a random op, an allocation outside the graph's private pool. The
 * message names the op; the capture is abandoned and the process stays usable.
 */
export class CaptureError extends FlintError {}

/**
 * A value that does not fit the dtype it must become: flintml's integer index dtype is int32 (there
 * is no int64), so `long()` of 3e9 or an index space of more than 2^31 - 1 elements throws this.
 */
export class OverflowError extends ValueError {}

/**
 * A file that cannot be read or written (missing, a directory, no permission): the message names
 * the op and the path, `code` is Node's (`'ENOENT'`, …) and `cause` the original error.
 */
export class FileError extends FlintError {
  constructor(message: string, readonly code?: string, options?: { cause?: unknown }) {
    super(message);
    if (options && 'cause' in options) Object.defineProperty(this, 'cause', { value: options.cause, enumerable: false, configurable: true, writable: true });
  }
}

/**
 * `fl.onnx.export` cannot write the model: an op of the forward pass has no ONNX mapping (the
 * message names it), or a size changes with a dynamic axis in a way the graph cannot compute.
 */
export class OnnxExportError extends FlintError {}

/**
 * @internal The classes of the native error kinds, by the `code` the addon gives them: exactly the
 * list of native/core/error.h (test/errors.test.ts checks it). OverflowError and FileError are
 * thrown by the TypeScript layer only.
 */
export const nativeErrorClasses: Readonly<Record<string, new (m: string) => FlintError>> = {
  FlintError, ShapeError, DTypeError, DeviceError, IndexError, DisposedError,
  BackendUnavailableError, OutOfMemoryError, ValueError, CaptureError, LinAlgError,
};

/** @internal Converts an error thrown by the addon into its typed class. */
export function fromNative(e: unknown): unknown {
  if (e instanceof FlintError) return e;
  const code = (e as { code?: string } | null)?.code;
  const cls = code && Object.prototype.hasOwnProperty.call(nativeErrorClasses, code) ? nativeErrorClasses[code] : undefined;
  return cls ? new cls((e as Error).message) : e;
}

/**
 * A collective or the rendezvous failed: a peer died or never arrived (`timeoutMs` passed), the
 * engine reported an error, or the process group is not initialised. The message names the op, the
 * rank and the engine's own message; the group is unusable afterwards (destroyProcessGroup() still
 * works), as in PyTorch after a NCCL timeout.
 */
export class DistributedError extends FlintError {
  constructor(message: string, readonly op: string = '', readonly rank: number = -1) {
    super(message);
  }
}
