// trace.ts — the hook through which `fl.onnx.export` (lib/onnx/export.ts) sees a forward pass, in a
// leaf module so that the lowest layers (tensor.ts, the op files, nn) can report to it with one
// null test and no import cycle, as capture.ts does for CUDA graphs.
//
// Each op that has an ONNX mapping calls `traced(op, inputs, out, lower)` as it returns; `lower` is
// the op's mapping, written next to the op's definition (or in its table entry, for the elementwise
// tables): it adds the op's ONNX nodes to the graph and returns the output's value name. Ops built
// from other ops (linear, layerNorm, …) may report too: the nodes of their parts are then unused
// and the exporter drops them. An op that reports nothing leaves its output unknown to the tracer,
// which then fails the export naming the kernel that wrote it (lib/onnx/export.ts).
// The hot ops (elementwise, matmul, reductions) test `traceState.tracer` before they build the
// mapping's closure, so that an op pays one null test and no allocation while nothing traces.
import type { DType } from './dtype';

/** One input of a traced op as its mapping sees it: a graph value, a JS scalar, or absent (an optional input given null). */
export interface TracedValue {
  /** The ONNX value's name ('' for a scalar or an absent input). */
  readonly name: string;
  readonly dtype: DType;
  /** The concrete shape in this trace ([] for a scalar). */
  readonly shape: readonly number[];
  /** Set for a JS number/boolean operand. */
  readonly scalar?: number;
  /** Set for an input given as null/undefined. */
  readonly absent?: boolean;
}

/** What an op's output looks like to its mapping (a Tensor, structurally). */
export interface TracedOutput { readonly dtype: DType; readonly _shape: readonly number[] }

/** An ONNX attribute: an int, ints, a string, a float (`{ f }`) or floats (`{ floats }`). */
export type AttrValue = number | readonly number[] | string | { readonly f: number } | { readonly floats: readonly number[] };

/**
 * The graph under construction as an op's mapping sees it (implemented by lib/onnx/graph.ts).
 * Sizes that may depend on a dynamic axis (reshape targets, slice ends, creation sizes) go through
 * `sizes`/`size`: the exporter compares them between traces at two sizes of each dynamic axis and
 * computes in the graph (Shape → Gather → Mul/Add → Concat) those that change.
 */
export interface OnnxGraph {
  /** The opset being written (17 or newer). */
  readonly opset: number;
  /** Adds a node; returns its `outputs` (default 1) fresh output names. */
  node(opType: string, inputs: readonly string[], attrs?: Readonly<Record<string, AttrValue>>, outputs?: number): string[];
  /** Adds a one-output node; returns its output's name. */
  op(opType: string, inputs: readonly string[], attrs?: Readonly<Record<string, AttrValue>>): string;
  /** An int64 [n] tensor of sizes (a constant, or computed where they follow a dynamic axis). */
  sizes(values: readonly number[]): string;
  /** An int64 scalar size, as `sizes`. */
  size(value: number): string;
  /** A constant int64 [n] tensor that never depends on an axis (axes, permutations, split sizes). */
  ints(values: readonly number[]): string;
  /** A constant tensor. */
  constant(dtype: DType, shape: readonly number[], values: ArrayLike<number>): string;
  /** Input `v` as a tensor of `dtype`: a scalar becomes a 0-d constant, a tensor of another dtype is cast. */
  operand(v: TracedValue, dtype: DType): string;
  /** `name` (of dtype `from`) cast to `to` (itself when they are equal). */
  cast(name: string, from: DType | 'int64', to: DType | 'int64'): string;
  /** ReduceSum/Mean/Max/Min/Prod/LogSumExp over `axes` (axes as an input or an attribute, as the opset has it). */
  reduce(opType: string, x: string, axes: readonly number[], keepdims: boolean): string;
  /** Fails the export: op `op` is traced but this use of it has no ONNX form (`why`). */
  unsupported(op: string, why: string): never;
}

/** An op's ONNX mapping: adds its nodes to `g` and returns its outputs' value names. */
export type Lowering = (g: OnnxGraph, inputs: readonly TracedValue[], outputs: readonly TracedOutput[]) => string | readonly string[];

/** @internal What the exporter installs while it traces. */
export interface OpTracer {
  record(op: string, inputs: readonly unknown[], outputs: readonly TracedOutput[], lower: Lowering): void;
  /** A storage was allocated during the trace (tensor.ts): a tensor on it that no op reported comes from an unmapped op. */
  storageCreated(storage: object): void;
  /** A tensor's values are read to the host (dataSync, item, toArray): what follows would bake them in. */
  hostRead(t: TracedOutput): void;
}

/** @internal Set by fl.onnx.export for the duration of its traced forward passes. */
export const traceState: { tracer: OpTracer | null } = { tracer: null };

/** @internal Reports op `op` (inputs → out) with its ONNX mapping to the tracer, when one runs; returns out. */
export function traced<T extends TracedOutput>(op: string, inputs: readonly unknown[], out: T, lower: Lowering): T {
  const t = traceState.tracer;
  if (t !== null) t.record(op, inputs, [out], lower);
  return out;
}

/** @internal As `traced`, for an op with several outputs. */
export function tracedMany<T extends readonly TracedOutput[]>(op: string, inputs: readonly unknown[], outs: T, lower: Lowering): T {
  const t = traceState.tracer;
  if (t !== null) t.record(op, inputs, outs, lower);
  return outs;
}

/**
 * @internal Runs `fn` with tracing suspended: an op's own host reads that only validate its
 * arguments (the graph does not depend on them) are then no part of the exported model.
 */
export function untraced<T>(fn: () => T): T {
  const t = traceState.tracer;
  if (t === null) return fn();
  traceState.tracer = null;
  try { return fn(); } finally { traceState.tracer = t; }
}
