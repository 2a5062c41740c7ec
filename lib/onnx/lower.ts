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
