// print.ts — PyTorch-style text for tensors: `tensor([[1., 2.],\n        [3., 4.]])`.
// Floats share one format per tensor (fixed with 4 decimals, or scientific when the range is
// wide); tensors with more than 1000 elements show the first and last 3 of each dim with '...'.
// Complex elements print as torch's `1.0000+2.0000j`: the real parts share one format (padded to
// one width), the imaginary parts another.
import { DType, isComplexDType, isFloating } from './dtype';

/** What printing reads of a tensor (tensor.ts calls formatTensor; this file does not import it). */
export interface Printable {
  readonly shape: number[];
  readonly numel: number;
  readonly dtype: DType;
  readonly device: string;
  dataSync(): unknown;
}

const THRESHOLD = 1000;
const EDGE = 3;

function sampleValues(flat: ArrayLike<number>, shape: readonly number[], summarize: boolean): number[] {
  if (!summarize) return Array.from(flat);
  const out: number[] = [];
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const walk = (d: number, base: number): void => {
    if (d === shape.length) { out.push(flat[base]); return; }
    const n = shape[d];
    for (let i = 0; i < n; i++) {
      if (n > 2 * EDGE && i === EDGE) i = n - EDGE;
      walk(d + 1, base + i * strides[d]);
    }
  };
  walk(0, 0);
  return out;
}

function floatFormatter(vals: number[]): (v: number) => string {
  const finite = vals.filter((v) => Number.isFinite(v));
  const allInt = finite.every((v) => Number.isInteger(v));
  const absMax = finite.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const nonzero = finite.filter((v) => v !== 0).map(Math.abs);
  const absMin = nonzero.length ? Math.min(...nonzero) : 0;
  const special = (v: number): string | null => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : null);
  if (allInt && absMax < 1e8) return (v) => special(v) ?? `${v.toFixed(0)}.`;
  const sci = absMax >= 1e8 || (absMin > 0 && absMin < 1e-4) || (absMin > 0 && absMax / absMin > 1000);
  if (sci) return (v) => special(v) ?? v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
  return (v) => special(v) ?? v.toFixed(4);
}

/** @internal */
export function formatTensor(t: Printable): string {
  const shape = t.shape;
  const n = t.numel;
  const summarize = n > THRESHOLD;
  const flat = t.dataSync() as ArrayLike<number>;
  let strs: string[];
  if (isComplexDType(t.dtype)) {
    const re = new Float64Array(n), im = new Float64Array(n);
    for (let i = 0; i < n; i++) { re[i] = flat[2 * i]; im[i] = flat[2 * i + 1]; }
    const rv = sampleValues(re, shape, summarize), iv = sampleValues(im, shape, summarize);
    const fr = floatFormatter(rv), fi = floatFormatter(iv);
    const rs = rv.map(fr), rw = rs.reduce((m, s) => Math.max(m, s.length), 0);
    strs = rs.map((r, i) => { const s = fi(iv[i]); return `${r.padStart(rw)}${s[0] === '-' ? '' : '+'}${s}j`; });
  } else {
    const vals = sampleValues(flat, shape, summarize);
    const fmtOne: (v: number) => string = t.dtype === 'bool' ? (v) => (v ? 'True' : 'False')
      : isFloating(t.dtype) ? floatFormatter(vals) : (v) => String(v);
    strs = vals.map(fmtOne);
  }
  const width = strs.reduce((m, s) => Math.max(m, s.length), 0);
  let pos = 0;
  const indent = 'tensor('.length;
  const build = (d: number): string => {
    if (shape.length === 0) return strs[0];
    const len = shape[d];
    const items: string[] = [];
    for (let i = 0; i < len; i++) {
      if (summarize && len > 2 * EDGE && i === EDGE) { items.push(d === shape.length - 1 ? ' ...' : '...'); i = len - EDGE; }
      items.push(d === shape.length - 1 ? strs[pos++].padStart(width) : build(d + 1));
    }
    if (d === shape.length - 1) return `[${items.join(', ')}]`;
    const sep = ',' + '\n'.repeat(shape.length - 1 - d) + ' '.repeat(indent + d + 1);
    return `[${items.join(sep)}]`;
  };
  const body = n === 0 ? '[]' : build(0);
  const extras: string[] = [];
  if (n === 0 && shape.length > 1) extras.push(`size=[${shape.join(', ')}]`);
  const defaultDtype = t.dtype === 'float32' || t.dtype === 'int32' || t.dtype === 'bool' || t.dtype === 'complex64';
  if (!defaultDtype) extras.push(`dtype=${t.dtype}`);
  if (t.device !== 'cpu') extras.push(`device='${t.device}'`);
  return `tensor(${body}${extras.length ? ', ' + extras.join(', ') : ''})`;
}
