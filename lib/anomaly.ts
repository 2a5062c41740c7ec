// anomaly.ts — autograd's anomaly detection (torch.autograd.set_detect_anomaly / detect_anomaly):
// the mode, and the forward stacks it keeps. The tape (lib/autograd.ts) reads the mode in two places:
// - record(): with the mode on, each new node keeps the JavaScript stack of the forward call that
//   made it. Error.captureStackTrace into a plain object stores the frames; V8 formats them only when
//   the text is read (an error), so a node pays for the capture, never for the formatting. Off, a
//   node costs one boolean test more.
// - run(): with the mode on, a node's input gradients are checked for NaN after its backward
//   (checkNan: one isnan().any() and a one-element host read per gradient, as torch's engine), and an
//   error thrown while the node runs gets the forward stack of its op attached.
// The scoped form, detectAnomaly(fn), is in lib/autograd-api.ts (it restores the mode as noGrad does).
import { bool, optional, required, signature, tooManyArgs } from './args';
import type { ArgsThenOptions } from './args';

/** @internal The mode, read by the tape. */
export const anomalyMode = { enabled: false, checkNan: true };

/** frames kept of a forward call (V8's default of 10 often ends inside a model's layers) */
const FRAMES = 64;

/** @internal The stack of the current call, above `below` (a function on the stack): the frames are formatted when read. */
export function captureForwardStack(below: (...a: never[]) => unknown): { stack: string } {
  const holder = { stack: '' };
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = FRAMES;
  Error.captureStackTrace(holder, below);
  Error.stackTraceLimit = limit;
  return holder;
}

/** @internal The frames of a captured stack, one `    at …` line each (the header line dropped). */
export function forwardFrames(holder: { stack: string }): string {
  const s = String(holder.stack);
  const nl = s.indexOf('\n');
  return nl < 0 ? '' : s.slice(nl + 1);
}

const SET_ARGS = signature('autograd.setDetectAnomaly', ['mode', 'checkNan'], { mode: required(bool), checkNan: optional(bool, true) });

/**
 * Turns anomaly detection on or off for the whole process, as `torch.autograd.set_detect_anomaly`
 * (the scoped form is `fl.autograd.detectAnomaly(fn)`). On, every graph node keeps the stack of the forward
 * call that made it; a backward that computes a NaN gradient (with `checkNan`, the default) throws an
 * AutogradError `Function 'SqrtBackward' returned nan values in its 0th output.` followed by that
 * stack, and any error thrown inside a node's backward gets the stack appended to its message (and
 * as its `forwardStack` property). It slows forward and backward down: for debugging only.
 * ```ts
 * fl.autograd.setDetectAnomaly(true);
 * fl.autograd.setDetectAnomaly(true, { checkNan: false });  // stacks on errors, no NaN check
 * ```
 */
export function setDetectAnomaly(mode: boolean, options?: { checkNan?: boolean }): void;
export function setDetectAnomaly(...args: ArgsThenOptions<[mode: boolean, checkNan: boolean], { checkNan?: boolean }>): void;
export function setDetectAnomaly(...args: unknown[]): void {
  const o = SET_ARGS.parse(args);
  anomalyMode.enabled = o.mode;
  anomalyMode.checkNan = o.checkNan;
}

/** Whether anomaly detection is on (torch's `is_anomaly_enabled`): `fl.autograd.isAnomalyEnabled()`. */
export function isAnomalyEnabled(): boolean {
  if (arguments.length > 0) tooManyArgs('autograd.isAnomalyEnabled', '', arguments);
  return anomalyMode.enabled;
}

/** Whether anomaly detection checks gradients for NaN (torch's `is_anomaly_check_nan_enabled`): `fl.autograd.isAnomalyCheckNanEnabled()`. */
export function isAnomalyCheckNanEnabled(): boolean {
  if (arguments.length > 0) tooManyArgs('autograd.isAnomalyCheckNanEnabled', '', arguments);
  return anomalyMode.checkNan;
}
