// graph.ts — the ONNX graph that one traced forward pass builds (lib/onnx/export.ts): nodes in the
// order the ops ran, initializers (parameters and buffers by name, folded constants, and the int64
// "size" constants that may follow a dynamic axis), and the ops' mappings' view of it (OnnxGraph in
// lib/trace.ts). Names are handed out from counters, so two traces of the same model at two batch
// sizes name everything alike and can be compared node by node.
import { DType } from '../dtype';
import { OnnxExportError, ValueError } from '../errors';
import type { AttrValue, OnnxGraph, TracedValue } from '../trace';
import { ONNX_DTYPE } from './proto';

/** One node as recorded. */
export interface GraphNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, AttrValue>;
  /** The flintml op that added it (named in the node's name). */
  op: string;
}

/** An initializer: a parameter/buffer (data read when the model is written), a folded constant, or a size. */
export interface Initializer {
  name: string;
  dtype: DType | 'int64';
  shape: number[];
  kind: 'param' | 'const' | 'size';
  /** The values (const and size); params read theirs from `read` when written. */
  values?: ArrayLike<number>;
  read?: () => ArrayLike<number>;
}

export class GraphBuilder implements OnnxGraph {
  readonly nodes: GraphNode[] = [];
  readonly inits = new Map<string, Initializer>();
  /** The flintml op whose mapping runs now (named in node names and errors). */
  currentOp = '';
  private counter = 0;
  private opCounter = 0;

  constructor(readonly opset: number) {}

  fresh(prefix: string): string { return `${prefix}_${this.counter++}`; }

  node(opType: string, inputs: readonly string[], attrs: Readonly<Record<string, AttrValue>> = {}, outputs = 1): string[] {
    const outs = Array.from({ length: outputs }, () => this.fresh(this.currentOp || opType));
    this.nodes.push({ opType, inputs: inputs.slice(), outputs: outs, attrs: { ...attrs }, op: `${this.currentOp}/${opType}_${this.opCounter++}` });
    return outs;
  }

  op(opType: string, inputs: readonly string[], attrs?: Readonly<Record<string, AttrValue>>): string {
    return this.node(opType, inputs, attrs)[0];
  }

  private addInit(init: Omit<Initializer, 'name'>, prefix: string): string {
    const name = this.fresh(prefix);
    this.inits.set(name, { ...init, name });
    return name;
  }

  /** How many size constants (sizes/size) the mappings asked for: the tracer refuses them for data-sized inputs. */
  sizeCount = 0;

  sizes(values: readonly number[]): string {
    this.sizeCount++;
    checkInts(values, 'sizes');
    return this.addInit({ dtype: 'int64', shape: [values.length], kind: 'size', values: values.slice() }, 'size');
  }

  size(value: number): string {
    this.sizeCount++;
    checkInts([value], 'size');
    return this.addInit({ dtype: 'int64', shape: [], kind: 'size', values: [value] }, 'size');
  }

  ints(values: readonly number[]): string {
    checkInts(values, 'ints');
    return this.addInit({ dtype: 'int64', shape: [values.length], kind: 'const', values: values.slice() }, 'ints');
  }

  constant(dtype: DType, shape: readonly number[], values: ArrayLike<number>): string {
    return this.addInit({ dtype, shape: shape.slice(), kind: 'const', values: Array.from(values) }, 'const');
  }

  /** A parameter or buffer of the model, by its state-dict name. */
  param(name: string, dtype: DType, shape: readonly number[], read: () => ArrayLike<number>): string {
    if (!this.inits.has(name)) this.inits.set(name, { name, dtype, shape: shape.slice(), kind: 'param', read });
    return name;
  }

  operand(v: TracedValue, dtype: DType): string {
    if (v.absent) throw new OnnxExportError(`onnx.export: ${this.currentOp}: an optional input is missing where its mapping needs it`);
    if (v.scalar !== undefined) return this.constant(dtype, [], [v.scalar]);
    return this.cast(v.name, v.dtype, dtype);
  }

  cast(name: string, from: DType | 'int64', to: DType | 'int64'): string {
    return from === to ? name : this.op('Cast', [name], { to: ONNX_DTYPE[to] });
  }

  reduce(opType: string, x: string, axes: readonly number[], keepdims: boolean): string {
    // opset 18 moved every reduction's axes from an attribute to an input (ReduceSum since 13)
    if (this.opset >= 18 || opType === 'ReduceSum') return this.op(opType, [x, this.ints(axes)], { keepdims: keepdims ? 1 : 0 });
    return this.op(opType, [x], { axes: axes.slice(), keepdims: keepdims ? 1 : 0 });
  }

  unsupported(op: string, why: string): never {
    throw new OnnxExportError(`onnx.export: ${op} has no ONNX mapping for this use: ${why}`);
  }
}

function checkInts(values: readonly number[], what: string): void {
  for (const v of values) if (!Number.isSafeInteger(v)) throw new ValueError(`onnx.export: ${what}: expected integers, got ${String(v)}`);
}
