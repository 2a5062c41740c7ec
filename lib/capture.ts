// capture.ts — whether a CUDA graph capture (fl.cuda.graph, lib/graphs.ts) is in progress, in a leaf
// module so that the lowest layers (tensor.ts, ops/views.ts, ops/random.ts, optim) can refuse what a
// graph cannot hold with one flag test and no import cycle. The native backend refuses the same
// things again (host copies, synchronization, pinned allocations, CPU ops: Error(Capture) in
// native/gpu/backend.cpp), so this layer only adds the name of the op the user called.
import { CaptureError } from './errors';

/** @internal Set by fl.cuda.graph for the duration of the captured function. */
export const captureState = { active: false };

/**
 * @internal Throws CaptureError naming `op` and saying why it cannot be captured, when a capture
 * is in progress. fl.cuda.graph then abandons the capture and rethrows.
 */
export function refuseInCapture(op: string, why: string): void {
  if (captureState.active) {
    throw new CaptureError(`${op}: ${why} cannot be captured into a CUDA graph (fl.cuda.graph replays GPU work only); ` +
      'do it before or after the capture');
  }
}
