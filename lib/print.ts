// print.ts — PyTorch-style text for tensors: `tensor([[1., 2.],\n        [3., 4.]])`, a port of torch
// 1.13's torch/_tensor_str.py under its print options (PRINT_OPTS: precision, threshold, edgeitems,
// linewidth, sci_mode; set by fl.setPrintoptions in lib/print-options.ts, which holds the checked
// entry points, since this file is imported by tensor.ts and cannot import lib/args.ts).
//
// torch's _Formatter in short: integer and bool tensors print each value as Python's str, padded to
// the widest. Floating tensors pick one format from their nonzero finite values (of the summarised
// elements when summarising): "int mode" (all integral: `3.`) unless max/min > 1000 or max > 1e8,
// then scientific; otherwise fixed with `precision` decimals unless max/min > 1000, max > 1e8 or
// min < 1e-4, then scientific; sciMode true/false overrides the choice (not when every value is 0 or
// non-finite, as torch). Widths come from the nonzero finite values only, so `inf` may be wider.
// A row wraps after as many elements as fit in linewidth (the element width + 2 each); tensors
// with more than `threshold` elements show the first and last `edgeitems` of each dim with '...'.
// Complex elements print as `1.0000+2.0000j`: real parts with one formatter, imaginary parts with
// another. Numbers are formatted as Python's `'{:.4f}'` / `'{:.4e}'` (ties to even, `-0.`).
import { DType, isComplexDType, isFloating } from './dtype';
import { defaultComplexDtype, getDefaultDtype } from './defaults';

/** What printing reads of a tensor (tensor.ts calls formatTensor; this file does not import it). */
export interface Printable {
  readonly shape: number[];
  readonly numel: number;
  readonly dtype: DType;
  readonly device: string;
  dataSync(): unknown;
}

/** The print options, as torch's `PRINT_OPTS` (`fl.getPrintoptions()` returns a copy). */
export interface PrintOptions {
  /** Digits after the decimal point (or of the mantissa in scientific notation); default 4. */
  precision: number;
  /** More elements than this are summarised with '...' (default 1000; Infinity: never). */
  threshold: number;
  /** Elements shown at each end of a summarised dim (default 3). */
  edgeitems: number;
  /** Characters per line before a row wraps (default 80). */
  linewidth: number;
  /** true: scientific notation, false: fixed, null (default): chosen per tensor. */
  sciMode: boolean | null;
}

/** @internal torch's PRINT_OPTS, process-wide; changed only through fl.setPrintoptions. */
export const printOptions: PrintOptions = { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sciMode: null };

// ---- Python's number formatting -----------------------------------------------------------------

/** Python's text of a non-finite float, or null. */
function nonFinite(v: number): string | null {
  return Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : null;
}

/**
 * JS rounds an exact tie away from zero (toFixed, toExponential: "pick the larger n"), Python to
 * even. `exact` is the value's digits far past the cut (exact for a double: its expansion ends or
 * the longer form shows where it goes), `cut` the index of the first dropped digit; returns the kept
 * digits when the value is exactly halfway and the kept last digit is even, else null.
 */
function evenTie(exact: string, cut: number): string | null {
  if (exact[cut] !== '5' || !/^0*$/.test(exact.slice(cut + 1))) return null;
  const kept = exact.slice(0, exact[cut - 1] === '.' ? cut - 1 : cut);
  return Number(kept[kept.length - 1]) % 2 === 0 ? kept : null;
}

/** Python's `'{:.pf}'.format(v)`. */
export function pyFixed(v: number, p: number): string {
  const nf = nonFinite(v);
  if (nf !== null) return nf;
  const neg = v < 0 || Object.is(v, -0), a = Math.abs(v);
  let s: string;
  if (a >= 1e21) s = BigInt(a).toString() + (p > 0 ? `.${'0'.repeat(p)}` : '');  // an integer: no rounding
  else {
    s = a.toFixed(p);
    const exact = a.toFixed(Math.min(100, p + 60));
    const tie = evenTie(exact, exact.indexOf('.') + p + 1);
    if (tie !== null) s = tie;
  }
  return neg ? `-${s}` : s;
}

/** Python's `'{:.pe}'.format(v)`: `1.2346e+05`, two exponent digits at least. */
export function pyExp(v: number, p: number): string {
  const nf = nonFinite(v);
  if (nf !== null) return nf;
  const neg = v < 0 || Object.is(v, -0), a = Math.abs(v);
  let s = a.toExponential(p);
  const exact = a.toExponential(Math.min(100, p + 60));
  const e = exact.indexOf('e');
  const tie = evenTie(exact.slice(0, e), p + 2);  // mantissa 'd.ddd…': digit p+1 after the point is at p + 2
  if (tie !== null) s = tie + exact.slice(e);
  s = s.replace(/e([+-])(\d)$/, 'e$10$2');
  return neg ? `-${s}` : s;
}

// ---- torch's _Formatter ---------------------------------------------------------------------------

/** One format for a set of values, with its width (torch's `_Formatter`). */
class Formatter {
  private intMode = true;
  private sciMode = false;
  private maxWidth = 1;

  constructor(vals: readonly number[], private readonly kind: 'float' | 'int' | 'bool') {
    const p = printOptions.precision;
    if (kind !== 'float') {
      for (const v of vals) this.maxWidth = Math.max(this.maxWidth, this.plain(v).length);
      return;
    }
    const nz = vals.filter((v) => Number.isFinite(v) && v !== 0);
    if (nz.length === 0) return;  // torch returns before reading sci_mode too
    let mn = Infinity, mx = 0;
    for (const v of nz) { const a = Math.abs(v); if (a < mn) mn = a; if (a > mx) mx = a; }
    this.intMode = nz.every((v) => v === Math.ceil(v));
    const width = (f: (v: number) => string, extra = 0) => { for (const v of nz) this.maxWidth = Math.max(this.maxWidth, f(v).length + extra); };
    if (this.intMode) {
      if (mx / mn > 1000 || mx > 1e8) { this.sciMode = true; width((v) => pyExp(v, p)); } else width((v) => pyFixed(v, 0), 1);
    } else if (mx / mn > 1000 || mx > 1e8 || mn < 1e-4) {
      this.sciMode = true;
      width((v) => pyExp(v, p));
    } else width((v) => pyFixed(v, p));
    if (printOptions.sciMode !== null) this.sciMode = printOptions.sciMode;
  }

  private plain(v: number): string { return this.kind === 'bool' ? (v ? 'True' : 'False') : String(v); }

  width(): number { return this.maxWidth; }

  format(v: number): string {
    let s: string;
    if (this.kind !== 'float') s = this.plain(v);
    else if (this.sciMode) s = pyExp(v, printOptions.precision);
    else if (this.intMode) s = pyFixed(v, 0) + (Number.isFinite(v) ? '.' : '');
    else s = pyFixed(v, printOptions.precision);
    return s.padStart(this.maxWidth);
  }
}

/** The values torch's formatter sees: all, or the first and last `edge` of each dim (get_summarized_data). */
function sampleValues(flat: ArrayLike<number>, shape: readonly number[], summarize: boolean, edge: number): number[] {
  if (!summarize) return Array.from(flat);
  const out: number[] = [];
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const walk = (d: number, base: number): void => {
    if (d === shape.length) { out.push(flat[base]); return; }
    const n = shape[d];
    for (let i = 0; i < n; i++) {
      if (n > 2 * edge && i === edge) i = n - edge;
      walk(d + 1, base + i * strides[d]);
    }
  };
  walk(0, 0);
  return out;
}

/** torch's text of a complex element: the real part, then the imaginary part with its sign, then 'j'. */
function complexText(re: string, im: string): string {
  const i = `${im}j`.trimStart();
  return i[0] === '+' || i[0] === '-' ? re + i : `${re}+${i}`;
}

/** torch's _add_suffixes: `, dtype=…` on the last line, or on a new line when it would pass linewidth. */
function addSuffixes(text: string, suffixes: readonly string[], indent: number): string {
  const parts = [text];
  let lastLineLen = text.length - text.lastIndexOf('\n') + 1;
  for (const s of suffixes) {
    if (lastLineLen + s.length + 2 > printOptions.linewidth) {
      parts.push(`,\n${' '.repeat(indent)}${s}`);
      lastLineLen = indent + s.length;
    } else {
      parts.push(`, ${s}`);
      lastLineLen += s.length + 2;
    }
  }
  return `${parts.join('')})`;
}

/** @internal torch's `str(t)` under the current print options. */
export function formatTensor(t: Printable): string {
  const { threshold, edgeitems: edge, linewidth } = printOptions;
  const shape = t.shape, ndim = shape.length;
  const n = t.numel;
  const prefix = 'tensor(';
  const indent = prefix.length;
  const summarize = n > threshold;
  const complex = isComplexDType(t.dtype);
  let body: string;
  if (n === 0) body = '[]';
  else {
    const flat = t.dataSync() as ArrayLike<number>;
    let re: ArrayLike<number> = flat, im: ArrayLike<number> = flat;
    if (complex) {
      const r = new Float64Array(n), i = new Float64Array(n);
      for (let k = 0; k < n; k++) { r[k] = flat[2 * k]; i[k] = flat[2 * k + 1]; }
      re = r; im = i;
    }
    const kind = complex || isFloating(t.dtype) ? 'float' : t.dtype === 'bool' ? 'bool' : 'int';
    const f1 = new Formatter(sampleValues(re, shape, summarize, edge), kind);
    const f2 = complex ? new Formatter(sampleValues(im, shape, summarize, edge), 'float') : null;
    const elem = (k: number): string => (f2 ? complexText(f1.format(re[k]), f2.format(im[k])) : f1.format(re[k]));
    const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
    // the indexes of a dim's entries that are shown, with -1 where '...' stands
    const shown = (len: number): number[] => {
      if (!(summarize && len > 2 * edge)) return Array.from({ length: len }, (_, i) => i);
      return [...Array.from({ length: edge }, (_, i) => i), -1, ...Array.from({ length: edge }, (_, i) => len - edge + i)];
    };
    const vector = (base: number, d: number, ind: number): string => {
      const elementLength = f1.width() + 2 + (f2 ? f2.width() + 1 : 0);
      const perLine = Math.max(1, Math.floor((linewidth - ind) / elementLength));
      const data = shown(shape[d]).map((i) => (i < 0 ? ' ...' : elem(base + i * strides[d])));
      const lines: string[] = [];
      for (let i = 0; i < data.length; i += perLine) lines.push(data.slice(i, i + perLine).join(', '));
      return `[${lines.join(`,\n${' '.repeat(ind + 1)}`)}]`;
    };
    const build = (base: number, d: number, ind: number): string => {
      if (d === ndim - 1) return vector(base, d, ind);
      const slices = shown(shape[d]).map((i) => (i < 0 ? '...' : build(base + i * strides[d], d + 1, ind + 1)));
      return `[${slices.join(`,${'\n'.repeat(ndim - d - 1)}${' '.repeat(ind + 1)}`)}]`;
    };
    body = ndim === 0 ? elem(0) : build(0, 0, indent);
  }
  const suffixes: string[] = [];
  if (t.device !== 'cpu') suffixes.push(`device='${t.device}'`);
  const dflt = getDefaultDtype();
  if (n === 0) {
    // an empty tensor has no values to tell its dtype by: every dtype but the default is shown
    if (ndim !== 1) suffixes.push(`size=[${shape.join(', ')}]`);
    if (t.dtype !== dflt) suffixes.push(`dtype=${t.dtype}`);
  } else if (!(t.dtype === dflt || t.dtype === defaultComplexDtype() || t.dtype === 'int32' || t.dtype === 'bool')) {
    suffixes.push(`dtype=${t.dtype}`);  // int32 stands for torch's int64, its default integer dtype
  }
  return addSuffixes(prefix + body, suffixes, indent);
}
