// lower.ts — ONNX lowerings shared by several ops' mappings (lib/trace.ts): the decompositions that
// more than one op file needs (adaptive pooling with uneven windows, pooling with a divisor
// override). Each helper only adds nodes through the OnnxGraph the mapping is given, so the op files
// can import it without importing the exporter.
import type { OnnxGraph } from '../trace';

/**
 * Adaptive pooling of `x` over `axes` (input sizes `inSizes`, output sizes `outSizes`) with torch's
 * windows [⌊i·n/o⌋, ⌈(i+1)·n/o⌉): mean and max over a box are separable, so each axis is pooled in
 * turn — a whole-axis reduction for one cell, otherwise one Slice → Reduce per cell and a Concat.
 * The windows are constants: an axis they cut cannot be dynamic (the graph would change with it).
 * A max is NaN where its window holds one, as torch's (see nanExtremum).
 */
export function adaptivePool(g: OnnxGraph, x: string, dtype: string, reduce: 'ReduceMean' | 'ReduceMax', axes: readonly number[], inSizes: readonly number[], outSizes: readonly number[]): string {
  let cur = x;
  axes.forEach((axis, i) => {
    const n = inSizes[i], o = outSizes[i];
    if (n === o) return;
    const red = (t: string) => (reduce === 'ReduceMax' ? nanExtremum(g, reduce, t, dtype, [axis], true) : g.reduce(reduce, t, [axis], true));
    if (o === 1) { cur = red(cur); return; }
    const cells: string[] = [];
    for (let j = 0; j < o; j++) {
      const a = Math.floor((j * n) / o), b = Math.ceil(((j + 1) * n) / o);
      const s = g.op('Slice', [cur, g.ints([a]), g.ints([b]), g.ints([axis])]);
      cells.push(red(s));
    }
    cur = g.op('Concat', cells, { axis });
  });
  return cur;
}

/**
 * Average pooling whose divisor is `divisor` for every window (torch's divisorOverride) of an
 * [N, C, ...spatial] input: the input is zero-padded (front `pads`, and at the end as far as the
 * last of the `outSizes` windows reaches, which covers ceilMode), so that every window is whole;
 * AveragePool then gives sum / window size, scaled by window size / divisor.
 */
export function sumPool(g: OnnxGraph, x: string, dtype: 'float32' | 'float64', kernel: readonly number[], strides: readonly number[], pads: readonly number[],
  inSizes: readonly number[], outSizes: readonly number[], divisor: number): string {
  const r = kernel.length;
  const end = kernel.map((k, i) => Math.max(0, (outSizes[i] - 1) * strides[i] + k - inSizes[i] - pads[i]));
  const padded = g.op('Pad', [x, g.ints([0, 0, ...pads, 0, 0, ...end])], { mode: 'constant' });
  const avg = g.op('AveragePool', [padded], { kernel_shape: kernel.slice(), strides: strides.slice(), pads: new Array<number>(2 * r).fill(0) });
  const area = kernel.reduce((p, k) => p * k, 1);
  return area === divisor ? avg : g.op('Mul', [avg, g.constant(dtype, [], [area / divisor])]);
}

/**
 * ReduceMax/ReduceMin with torch's NaN: onnxruntime's reductions skip NaN, torch's give NaN when the
 * reduced elements hold one. For floating `dtype` the result is replaced by NaN where an IsNaN mask
 * reduces to true; other dtypes reduce as they are.
 */
export function nanExtremum(g: OnnxGraph, reduce: 'ReduceMax' | 'ReduceMin', x: string, dtype: string, axes: readonly number[], keepdims: boolean): string {
  const m = g.reduce(reduce, x, axes, keepdims);
  if (dtype !== 'float32' && dtype !== 'float64') return m;
  const hasNaN = g.reduce('ReduceMax', g.cast(g.op('IsNaN', [x]), 'bool', 'float32'), axes, keepdims);
  return g.op('Where', [g.op('Greater', [hasNaN, g.constant('float32', [], [0])]), g.constant(dtype, [], [NaN]), m]);
}

/**
 * A key with torch's order for TopK/ArgMax/ArgMin over a floating `x`: NaN is the largest value
 * (`nanLargest`; for an ArgMin that must find the NaN too, the smallest). In float64, NaN becomes
 * ±inf and an infinite value of that sign the largest finite double, so that a NaN still wins over
 * it; float32 values stay exact in float64. Other dtypes are their own key.
 */
export function nanKey(g: OnnxGraph, x: string, dtype: string, nanLargest: boolean): string {
  if (dtype !== 'float32' && dtype !== 'float64') return x;
  const k = g.cast(x, dtype as 'float32', 'float64');
  const inf = g.op('IsInf', [k], nanLargest ? { detect_negative: 0 } : { detect_positive: 0 });
  const moved = g.op('Where', [inf, g.constant('float64', [], [nanLargest ? Number.MAX_VALUE : -Number.MAX_VALUE]), k]);
  return g.op('Where', [g.op('IsNaN', [k]), g.constant('float64', [], [nanLargest ? Infinity : -Infinity]), moved]);
}

/**
 * flintml's native "fft" (lib/ops/fft.ts c2cRaw): the unnormalized complex transform along dim 1 of
 * a [B, n, 2] float tensor, as ONNX DFT on the same layout (opset 17: the axis attribute; from 20 the
 * axis is an input, whose default -2 is that dim). onnxruntime's inverse DFT divides by n and the
 * kernel does not: the inverse is scaled back by n.
 */
export function dft(g: OnnxGraph, x: string, dtype: 'float32' | 'float64', n: number, inverse: boolean): string {
  const attrs = { inverse: inverse ? 1 : 0, onesided: 0 };
  const y = g.op('DFT', [x], g.opset >= 20 ? attrs : { ...attrs, axis: 1 });
  return inverse ? g.op('Mul', [y, g.constant(dtype, [], [n])]) : y;
}

/**
 * The unnormalized one-sided transform of a real [B, n] (fl.fft's r2c kernel): ONNX DFT with
 * `onesided` on the [B, n, 1] real signal, giving [B, n/2 + 1, 2].
 */
export function dftRealForward(g: OnnxGraph, x: string): string {
  const attrs = { inverse: 0, onesided: 1 };
  return g.op('DFT', [g.op('Unsqueeze', [x, g.ints([2])])], g.opset >= 20 ? attrs : { ...attrs, axis: 1 });
}

/**
 * The unnormalized real inverse (n points, n even) of a one-sided [B, n/2 + 1, 2] (fl.fft's c2r
 * kernel). ONNX's DFT has no one-sided inverse: the spectrum is completed with the conjugates of bins
 * n/2 − 1 … 1 (Hermitian symmetry), transformed back (onnxruntime divides by n, undone here) and its
 * real part kept. The imaginary parts of bins 0 and n/2 only reach the dropped imaginary part, so they
 * are ignored as the kernel (and torch) ignore them.
 */
export function dftRealInverse(g: OnnxGraph, X: string, dtype: 'float32' | 'float64', n: number): string {
  const m = n / 2 + 1;
  let full = X;
  if (m > 2) {
    const mirror = g.op('Slice', [X, g.ints([m - 2]), g.ints([0]), g.ints([1]), g.ints([-1])]);
    const conj = g.op('Mul', [mirror, g.constant(dtype, [2], [1, -1])]);
    full = g.op('Concat', [X, conj], { axis: 1 });
  }
  const y = dft(g, full, dtype, n, true);
  return g.op('Squeeze', [g.op('Slice', [y, g.ints([0]), g.ints([1]), g.ints([2])]), g.ints([2])]);
}

/**
 * The inclusive product scan of `x` (already in the result's dtype) along `axis`, of static length
 * n, as cumprod: Hillis–Steele, ⌈log2 n⌉ steps of y ← y · (y shifted by s along the axis, padded with
 * ones). Integers wrap as the kernel's (the products are exact modulo 2^32, in any order); floats
 * differ from the kernel's left-to-right products by the rounding of another order (≤ ⌈log2 n⌉ ulp
 * against n ulp); zeros, infinities and NaN propagate as there (0 and inf in a prefix give NaN in any order).
 */
export function cumprodScan(g: OnnxGraph, x: string, dtype: 'float32' | 'float64' | 'int32', axis: number, rank: number, n: number): string {
  let y = x;
  for (let s = 1; s < n; s *= 2) {
    const pads = new Array<number>(2 * rank).fill(0);
    pads[axis] = s;
    const head = g.op('Slice', [y, g.ints([0]), g.ints([n - s]), g.ints([axis])]);
    y = g.op('Mul', [y, g.op('Pad', [head, g.ints(pads), g.constant(dtype, [], [1])], { mode: 'constant' })]);
  }
  return y;
}
