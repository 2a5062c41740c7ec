// print-options.ts — fl.setPrintoptions / fl.getPrintoptions, torch's set_printoptions (and torch
// 2.x's get_printoptions) over the options that lib/print.ts reads. A file of its own because the
// argument checks come from lib/args.ts, which print.ts (imported by tensor.ts) cannot import.
import * as A from './args';
import { nullable, optional, signature } from './args';
import { tooManyArgs } from './arity';
import { printOptions } from './print';
import type { PrintOptions } from './print';

export type { PrintOptions } from './print';

/** The options of `setPrintoptions`: torch's keywords in camelCase, each optional. */
export interface SetPrintOptions {
  /** Digits after the decimal point (of the mantissa in scientific notation), 0 to 100. */
  precision?: number;
  /** Tensors with more elements are summarised (`Infinity`: never). */
  threshold?: number;
  /** Elements shown at each end of a summarised dim (1 or more). */
  edgeitems?: number;
  /** Characters per line before a row wraps. */
  linewidth?: number;
  /** Presets applied before the other options: 'default' (4, 1000, 3, 80), 'short' (2, 1000, 2, 80), 'full' (4, Infinity, 3, 80). */
  profile?: 'default' | 'short' | 'full';
  /** true: scientific notation, false: fixed, null: chosen per tensor (also what leaving it out sets, as torch). */
  sciMode?: boolean | null;
}

const PROFILES: Record<'default' | 'short' | 'full', Omit<PrintOptions, 'sciMode'>> = {
  default: { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 },
  short: { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 },
  full: { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 },
};

const SET_ARGS = signature('setPrintoptions', ['precision', 'threshold', 'edgeitems', 'linewidth', 'profile', 'sciMode'], {
  // 100: the most digits JS's toFixed/toExponential give (torch takes any count)
  precision: optional(A.int({ min: 0, max: 100 })),
  threshold: optional(A.num({ min: 0 })),
  // torch takes 0 and prints garbage (Python's x[-0:] is all of x): refused here
  edgeitems: optional(A.int({ min: 1 })),
  linewidth: optional(A.int({ min: 1 })),
  // torch ignores an unknown profile silently: refused here
  profile: optional(A.oneOf('default', 'short', 'full')),
  sciMode: optional(nullable(A.bool), null),
});

/**
 * Sets how tensors print, as `torch.set_printoptions` (same positional order; keywords in an
 * options object): `profile` first resets the others to a preset, then the given options apply.
 * As torch's, `sciMode` is set on every call: leaving it out sets null (automatic).
 * The options are process-wide; `fl.setPrintoptions({ profile: 'default' })` restores them.
 * ```ts
 * fl.setPrintoptions({ precision: 2 });
 * String(fl.tensor([1.12345]));          // 'tensor([1.12])'
 * fl.setPrintoptions({ threshold: 5 });
 * String(fl.arange(10));                 // 'tensor([0, 1, 2,  ..., 7, 8, 9])'
 * fl.setPrintoptions({ profile: 'default' });
 * ```
 */
export function setPrintoptions(options?: SetPrintOptions): void;
export function setPrintoptions(precision?: number, threshold?: number, edgeitems?: number, linewidth?: number, profile?: 'default' | 'short' | 'full', sciMode?: boolean | null): void;
export function setPrintoptions(...args: unknown[]): void {
  const o = SET_ARGS.parse(args);
  if (o.profile !== undefined) Object.assign(printOptions, PROFILES[o.profile]);
  if (o.precision !== undefined) printOptions.precision = o.precision;
  if (o.threshold !== undefined) printOptions.threshold = o.threshold;
  if (o.edgeitems !== undefined) printOptions.edgeitems = o.edgeitems;
  if (o.linewidth !== undefined) printOptions.linewidth = o.linewidth;
  printOptions.sciMode = o.sciMode;
}

/**
 * The current print options, a copy (torch 2.x's `torch.get_printoptions()`; 1.13 keeps them in
 * `torch._tensor_str.PRINT_OPTS`): `fl.getPrintoptions().precision // 4`
 */
export function getPrintoptions(): PrintOptions {
  if (arguments.length > 0) tooManyArgs('getPrintoptions', '', arguments);
  return { ...printOptions };
}
