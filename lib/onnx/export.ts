// export.ts — `fl.onnx.export(model, sampleInputs, path, options)`: traces one forward pass of a
// model in eval mode into an ONNX graph and writes it (protobuf through protobufjs, lib/onnx/proto.ts).
//
// How it traces. Every op with an ONNX mapping reports itself as it returns (lib/trace.ts: the
// mapping is written next to the op, in its table entry for the elementwise ops). The tracer keeps
// a map from tensors to ONNX values: the sample inputs are graph inputs, the model's parameters and
// buffers are initializers under their state-dict names, tensors that existed before the trace are
// folded into constants, and each reported op adds its nodes. A tensor made during the trace that no
// op reported comes from an op without a mapping: using it fails the export with OnnxExportError
// naming the kernel that wrote it (the native call hook of lib/native.ts tells which). That failure
// is lazy — only values the outputs depend on must be known — because composite ops (linear,
// layerNorm) report their own mapping after their parts did; the parts' nodes are then dropped as
// unused.
//
// Dynamic axes. The traced sizes (reshape targets, slice bounds, creation sizes) are plain numbers,
// so a graph traced at batch 2 would hard-wire 2. The exporter therefore traces once more for each
// named dynamic axis, with that axis one larger, and compares the graphs: they must be the same node
// for node, and the int64 size constants that changed are computed in the graph from the input's
// shape (Shape → Gather → Mul/Add → Concat) as the linear (a·n + c) or product (k·n·m) form that
// explains both traces. Anything else that changes with an axis fails the export naming it.
import * as fs from 'fs';
import { describeArg } from '../arity';
import { noGrad } from '../autograd';
import { DType, isComplexDType } from '../dtype';
import { FileError, FlintError, OnnxExportError, ValueError } from '../errors';
import { setCallHook, callNative, getCallHook } from '../native';
import type { CallHook, OperandView, ScalarOperand, TransferKind } from '../native';
import { cat, narrow } from '../ops/views';
import { fmt } from '../shape';
import { scope, Tensor } from '../tensor';
import { traceState } from '../trace';
import type { Lowering, OpTracer, TracedOutput, TracedValue } from '../trace';
import * as A from '../args';
import { optional, signature } from '../args';
import { GraphBuilder, GraphNode, Initializer } from './graph';
import { encodeModel, ONNX_DTYPE, ATTR_TYPE } from './proto';

/** What `fl.onnx.export` accepts as the model: an `nn.Module` (or anything with `forward`). */
export interface Exportable {
  forward(...inputs: Tensor[]): unknown;
  namedParameters?(): [string, Tensor][];
  namedBuffers?(): [string, Tensor][];
  training?: boolean;
  train?(mode?: boolean): unknown;
  eval?(): unknown;
}

/** Options of `fl.onnx.export` (torch.onnx.export's keywords in camelCase). */
export interface ExportOptions {
  /** Names of the graph's inputs, in order (default `input_0`, `input_1`, …). */
  inputNames?: string[];
  /** Names of the graph's outputs, in the order the forward's result flattens to (default `output_0`, …). */
  outputNames?: string[];
  /**
   * Axes whose size is left open, by input or output name: `{ input_0: { 0: 'batch' } }` or
   * `{ input_0: [0] }` (named `input_0_dim0`). Sizes of the graph that follow such an axis are
   * computed in the graph. Output axes are found by the exporter; naming them here names them.
   */
  dynamicAxes?: Record<string, Record<number, string> | number[]>;
  /** ONNX opset to write: 17 (default 18, where every reduction takes its axes as an input) up to 21. */
  opset?: number;
}

const EXPORT_ARGS = signature('onnx.export', ['model', 'sampleInputs', 'path'], {
  model: A.required(A.anyValue<Exportable>()),
  sampleInputs: A.required(A.anyValue<Tensor | Tensor[]>()),
  path: A.required(A.str),
  inputNames: optional(A.arrayOf(A.str)),
  outputNames: optional(A.arrayOf(A.str)),
  dynamicAxes: optional(A.anyValue<Record<string, Record<number, string> | number[]>>()),
  opset: optional(A.int({ min: 17, max: 21 }), 18),
});

/**
 * A tensor's value: `dynamic` when it depends on the graph's inputs; `dataSized` when its size may
 * depend on their values (the result of an op of DATA_SIZED, or of any op on such a value).
 */
type Known = { kind: 'value'; name: string; dtype: DType; shape: number[]; version: number; dynamic: boolean; dataSized?: boolean } | { kind: 'poison'; error: string };

/**
 * The ops whose output size depends on the input's values (ONNX NonZero/Compress compute it in the
 * graph). What follows them may use their values but not their sizes: a mapping that asks for a size
 * constant (a reshape target, a slice bound) while one of its inputs is data-sized is refused, as the
 * graph would hold the traced size (two traces at two batch sizes cannot tell it from a batch size).
 */
const DATA_SIZED = new Set(['maskedSelect', 'nonzero']);

/** One traced forward pass: the tensor → value map and the graph it built. */
class Tracer implements OpTracer {
  readonly g: GraphBuilder;
  private readonly values = new WeakMap<object, Known>();
  private readonly created = new WeakSet<object>();
  private readonly writers = new WeakMap<object, string>();

  constructor(opset: number, private readonly params: Map<Tensor, string>) {
    this.g = new GraphBuilder(opset);
  }

  storageCreated(storage: object): void { this.created.add(storage); }

  /** The first host read of a value that depends on the inputs (the graph would hold the traced numbers). */
  hostReadError: string | null = null;
  hostRead(t: TracedOutput): void {
    const k = this.values.get(t);
    if (this.hostReadError === null && k !== undefined && (k.kind === 'poison' || k.dynamic)) {
      this.hostReadError = `onnx.export: the forward pass reads the values of a tensor of shape ${fmt(t._shape)} that depends on the inputs ` +
        '(item, dataSync or toArray); the exported graph would hold the traced numbers instead: keep the computation in tensor ops';
    }
  }

  /** The native call hook: remembers which kernel last wrote each storage made during the trace (for the error naming an unmapped op). */
  readonly hook: CallHook = {
    op: (id: number, opName: string, operands: readonly (OperandView | ScalarOperand)[], params: readonly number[] | undefined): void => {
      const out = operands[0] as OperandView | undefined;
      if (out && out._storage) this.writers.set(out._storage, opName);
      callNative(id, opName, operands, params);
    },
    transfer: <T>(_kind: TransferKind, _bytes: number, fn: () => T): T => fn(),
  };

  input(t: Tensor, name: string): void {
    this.values.set(t, { kind: 'value', name, dtype: t.dtype, shape: t._shape.slice(), version: t._storage.version, dynamic: true });
    // a view of an input that no op reported is no constant: it fails like a tensor an unmapped op made
    this.created.add(t._storage);
  }

  record(op: string, inputs: readonly unknown[], outputs: readonly TracedOutput[], lower: Lowering): void {
    const vals: TracedValue[] = [];
    let poison: Known | null = null;
    let dynamic = false, dataSizedIn = false;
    for (const x of inputs) {
      if (x === null || x === undefined) { vals.push({ name: '', dtype: 'float32', shape: [], absent: true }); continue; }
      if (typeof x === 'number' || typeof x === 'boolean') { vals.push({ name: '', dtype: typeof x === 'boolean' ? 'bool' : 'float32', shape: [], scalar: +x }); continue; }
      if (!(x instanceof Tensor)) throw new FlintError(`onnx.export: internal error, ${op} reported an input that is not a tensor`);
      if (isComplexDType(x.dtype) && !CARRIES_COMPLEX.has(op)) { poison = complexPoison(op, x); break; }
      // an in-place op's input is its output: the op itself changed the version
      const k = this.resolve(x, outputs.includes(x));
      if (k.kind === 'poison') { poison = k; break; }
      dynamic ||= k.dynamic;
      dataSizedIn ||= k.dataSized === true;
      vals.push({ name: k.name, dtype: k.dtype, shape: k.shape });
    }
    const cx = outputs.find((o) => isComplexDType(o.dtype));
    if (poison === null && cx !== undefined && !CARRIES_COMPLEX.has(op)) poison = complexPoison(op, cx);
    if (poison === null) {
      try {
        this.g.currentOp = op;
        const sizesBefore = this.g.sizeCount;
        const r = lower(this.g, vals, outputs);
        if (dataSizedIn && this.g.sizeCount > sizesBefore) {
          throw new OnnxExportError(`onnx.export: ${op} needs the size of a tensor whose size depends on the input's values (made by ${[...DATA_SIZED].join(' or ')}); ` +
            'the graph would hold the traced size: use its values only (elementwise ops, reductions)');
        }
        const names = typeof r === 'string' ? [r] : r;
        const dataSized = dataSizedIn || DATA_SIZED.has(op);
        outputs.forEach((o, i) => {
          const t = o as unknown as Tensor;
          this.values.set(t, { kind: 'value', name: names[i], dtype: t.dtype, shape: t._shape.slice(), version: t._storage.version, dynamic, dataSized });
        });
        return;
      } catch (e) {
        if (!(e instanceof OnnxExportError)) throw e;
        poison = { kind: 'poison', error: e.message };
      } finally {
        this.g.currentOp = '';
      }
    }
    for (const o of outputs) this.values.set(o, poison);
  }

  /** The value of tensor t: reported, a parameter/buffer, a constant, or poison (made by an unmapped op). */
  resolve(t: Tensor, writtenByThisOp = false): Known {
    const k = this.values.get(t);
    if (k !== undefined) {
      if (k.kind === 'value' && k.version !== t._storage.version && !writtenByThisOp) {
        return { kind: 'poison', error: `onnx.export: a tensor of shape ${fmt(t._shape)} was modified in place during the forward pass (${this.writers.get(t._storage) ?? 'an in-place op'}); in-place ops are not exported, use the out-of-place op` };
      }
      return k;
    }
    const pname = this.params.get(t);
    let v: Known;
    if (pname !== undefined) {
      v = { kind: 'value', name: this.g.param(pname, exportDType(t), t._shape, () => readValues(t)), dtype: t.dtype, shape: t._shape.slice(), version: t._storage.version, dynamic: false };
    } else if (this.created.has(t._storage)) {
      const writer = this.writers.get(t._storage);
      return {
        kind: 'poison',
        error: writer !== undefined
          ? `onnx.export: op '${writer}' has no ONNX mapping (it made a tensor of shape ${fmt(t._shape)} that the outputs depend on)`
          : `onnx.export: a tensor of shape ${fmt(t._shape)} that the outputs depend on was made during the forward pass by an op that has no ONNX mapping`,
      };
    } else {
      // made before the trace (a plain property of the model, a tensor the forward closes over): a constant
      v = { kind: 'value', name: this.g.constant(exportDType(t), t._shape, readValues(t)), dtype: t.dtype, shape: t._shape.slice(), version: t._storage.version, dynamic: false };
    }
    this.values.set(t, v);
    return v;
  }
}

/**
 * The ops whose complex inputs or outputs the graph carries, as the [..., 2] float value of their
 * real view (viewAsReal's output): the views between fl.fft's transforms (which work on real views,
 * lib/ops/fft.ts) and the user's real tensors. Every other op on a complex tensor is refused: its
 * mapping would see the complex shape, not the value's.
 */
const CARRIES_COMPLEX = new Set(['viewAsReal', 'viewAsComplex']);
function complexPoison(op: string, t: TracedOutput): Known {
  return { kind: 'poison', error: `onnx.export: ${op} of a ${t.dtype} tensor (shape ${fmt(t._shape)}) has no ONNX mapping: the graph carries complex values only from fl.fft's transforms to fl.viewAsReal (and from fl.viewAsComplex to fl.fft's)` };
}

function exportDType(t: Tensor): DType {
  if (t.dtype === 'float16' || t.dtype === 'bfloat16') {
    throw new OnnxExportError(`onnx.export: ${t.dtype} tensors are not exported yet (shape ${fmt(t._shape)}); export a float32 copy of the model (model.to({ dtype: 'float32' }))`);
  }
  if (isComplexDType(t.dtype)) {
    throw new OnnxExportError(`onnx.export: ${t.dtype} tensors (shape ${fmt(t._shape)}) cannot be graph inputs, outputs or constants: onnxruntime runs no complex tensors; pass and return their real views (fl.viewAsReal)`);
  }
  return t.dtype;
}

/** A tensor's values, read with tracing suspended (the read's own ops are no part of the model). */
function readValues(t: Tensor): ArrayLike<number> {
  const tr = traceState.tracer;
  traceState.tracer = null;
  try { return Array.from(t.dataSync() as ArrayLike<number>); } finally { traceState.tracer = tr; }
}

/** The tensors of a forward's result, depth first (a tensor, arrays of results, or an object's values). */
function flattenOutputs(r: unknown, out: Tensor[] = []): Tensor[] {
  if (r instanceof Tensor) out.push(r);
  else if (Array.isArray(r)) for (const x of r) flattenOutputs(x, out);
  else if (r !== null && typeof r === 'object') for (const x of Object.values(r)) flattenOutputs(x, out);
  else throw new ValueError(`onnx.export: the forward pass returned ${r === undefined ? 'undefined' : typeof r}; it must return tensors (or arrays/objects of them)`);
  return out;
}

interface Trace {
  g: GraphBuilder;
  outputs: { name: string; dtype: DType; shape: number[]; dataSized: boolean }[];
}

/** One forward pass under the tracer, pruned to what the outputs need, with outputs renamed. */
function traceOnce(model: Exportable, inputs: Tensor[], inputNames: string[], outputNames: string[] | undefined, opset: number, params: Map<Tensor, string>): Trace {
  if (getCallHook() !== null) throw new ValueError('onnx.export: cannot trace while fl.profiler records; export outside the profile');
  const tracer = new Tracer(opset, params);
  inputs.forEach((t, i) => tracer.input(t, inputNames[i]));
  return scope(() => {
    let result: unknown;
    traceState.tracer = tracer;
    setCallHook(tracer.hook);
    try {
      result = noGrad(() => model.forward(...inputs));
    } finally {
      traceState.tracer = null;
      setCallHook(null);
    }
    if (tracer.hostReadError !== null) throw new OnnxExportError(tracer.hostReadError);
    const outs = flattenOutputs(result);
    if (outs.length === 0) throw new ValueError('onnx.export: the forward pass returned no tensor');
    const names = outputNames ?? outs.map((_, i) => `output_${i}`);
    if (names.length !== outs.length) throw new ValueError(`onnx.export: outputNames has ${names.length} names but the forward pass returns ${outs.length} tensors`);
    const g = tracer.g;
    const outputs = outs.map((t, i) => {
      const k = tracer.resolve(t);
      if (k.kind === 'poison') throw new OnnxExportError(k.error);
      g.currentOp = 'output';
      g.nodes.push({ opType: 'Identity', inputs: [k.name], outputs: [names[i]], attrs: {}, op: `output/${names[i]}` });
      return { name: names[i], dtype: exportDType(t), shape: t._shape.slice(), dataSized: k.dataSized === true };
    });
    prune(g, new Set(outputs.map((o) => o.name)));
    return { g, outputs };
  });
}

/** Drops the nodes and initializers that no output depends on (the parts of ops that reported as a whole). */
function prune(g: GraphBuilder, outputs: Set<string>): void {
  const need = new Set(outputs);
  const keep: GraphNode[] = [];
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i];
    if (!n.outputs.some((o) => need.has(o))) continue;
    keep.push(n);
    for (const x of n.inputs) if (x !== '') need.add(x);
  }
  g.nodes.splice(0, g.nodes.length, ...keep.reverse());
  for (const name of [...g.inits.keys()]) if (!need.has(name)) g.inits.delete(name);
}

/** A named dynamic axis: where its size is read, and its size in the base trace and in its own second trace. */
interface DynamicAxis { name: string; input: string; axis: number; base: number; alt: number }

/** The normalized dynamic axes: input name → axis → symbol name. */
function readDynamicAxes(dyn: ExportOptions['dynamicAxes'], inputNames: string[], outputNames: string[] | undefined): Map<string, Map<number, string>> {
  const m = new Map<string, Map<number, string>>();
  if (dyn === undefined) return m;
  if (dyn === null || typeof dyn !== 'object') throw new ValueError('onnx.export: dynamicAxes must be an object { name: { axis: axisName } }');
  for (const [k, v] of Object.entries(dyn)) {
    if (!inputNames.includes(k) && !(outputNames ?? []).includes(k) && !/^output_\d+$/.test(k)) {
      throw new ValueError(`onnx.export: dynamicAxes names '${k}', which is neither an input (${inputNames.join(', ')}) nor an output name`);
    }
    const axes = new Map<number, string>();
    // an axis is a number (or a numeric key); a name is a string (Number() and String() of a Symbol throw)
    if (Array.isArray(v)) {
      for (const a of v) {
        if (typeof a !== 'number' && typeof a !== 'string') throw new ValueError(`onnx.export: dynamicAxes.${k}: axis ${describeArg(a)} is not a dim index`);
        axes.set(Number(a), `${k}_dim${String(a)}`);
      }
    } else if (v !== null && typeof v === 'object') {
      for (const [a, n] of Object.entries(v)) {
        if (typeof n !== 'string' && typeof n !== 'number') throw new ValueError(`onnx.export: dynamicAxes.${k}: the name of axis ${a} must be a string, got ${describeArg(n)}`);
        axes.set(Number(a), String(n));
      }
    }
    else throw new ValueError(`onnx.export: dynamicAxes.${k} must be { axis: name } or [axis, …]`);
    for (const a of axes.keys()) if (!Number.isInteger(a) || a < 0) throw new ValueError(`onnx.export: dynamicAxes.${k}: axis ${String(a)} is not a dim index`);
    m.set(k, axes);
  }
  return m;
}

/** The sample inputs with every axis named `sym` one larger (the first slice repeated at the end). */
function grownInputs(inputs: Tensor[], inputNames: string[], axes: Map<string, Map<number, string>>, sym: string): Tensor[] {
  return noGrad(() => inputs.map((t, i) => {
    let x = t;
    for (const [a, s] of axes.get(inputNames[i]) ?? []) {
      if (s !== sym) continue;
      const first = narrow(x, a, 0, 1);
      const grown = cat([x, first], a);
      first.dispose();
      if (x !== t) x.dispose();
      x = grown;
    }
    return x;
  }));
}

function sameAttrs(a: GraphNode['attrs'], b: GraphNode['attrs']): boolean { return JSON.stringify(a) === JSON.stringify(b); }

/** Replaces the size constants of `base` that change between it and the second traces by nodes that compute them. */
function makeDynamic(base: Trace, alts: { sym: DynamicAxis; trace: Trace }[]): void {
  const g = base.g;
  for (const { sym, trace } of alts) {
    const a = trace.g;
    const where = `the graph changes with the size of dynamic axis '${sym.name}' (traced at ${sym.base} and ${sym.alt})`;
    if (a.nodes.length !== g.nodes.length) throw new OnnxExportError(`onnx.export: ${where}: ${g.nodes.length} nodes, then ${a.nodes.length}; the forward pass must not branch on that size`);
    g.nodes.forEach((n, i) => {
      const m = a.nodes[i];
      if (n.opType !== m.opType || n.inputs.join() !== m.inputs.join() || !sameAttrs(n.attrs, m.attrs)) {
        throw new OnnxExportError(`onnx.export: ${where}: node ${i} (${n.op}) differs (${n.opType}${JSON.stringify(n.attrs)} then ${m.opType}${JSON.stringify(m.attrs)}); its attributes must not depend on that size`);
      }
    });
    for (const [name, init] of g.inits) {
      const other = a.inits.get(name);
      if (!other || other.shape.join() !== init.shape.join()) throw new OnnxExportError(`onnx.export: ${where}: a constant of shape ${fmt(init.shape)} made in the forward pass (${name}) changes shape; make it with an op that has an ONNX mapping`);
      if (init.kind === 'const' && Array.from(init.values!).join() !== Array.from(other.values!).join()) {
        throw new OnnxExportError(`onnx.export: ${where}: a constant of shape ${fmt(init.shape)} (${name}) changes value`);
      }
    }
  }
  // the size constants that changed, element by element
  const pre: GraphNode[] = [];
  const symValue = new Map<string, string>();
  let k = 0;
  const fresh = (p: string) => `${p}__dyn_${k++}`;
  const node = (opType: string, inputs: string[], attrs: GraphNode['attrs'] = {}, out = fresh(opType)): string => {
    pre.push({ opType, inputs, outputs: [out], attrs, op: `dynamic/${opType}_${k++}` });
    return out;
  };
  const ints = (vals: number[]): string => {
    const name = fresh('ints');
    g.inits.set(name, { name, dtype: 'int64', shape: [vals.length], kind: 'const', values: vals });
    return name;
  };
  const dimOf = (s: DynamicAxis): string => {
    let v = symValue.get(s.name);
    if (v === undefined) { v = node('Gather', [node('Shape', [s.input]), ints([s.axis])], { axis: 0 }); symValue.set(s.name, v); }
    return v;
  };
  for (const [name, init] of [...g.inits]) {
    if (init.kind !== 'size') continue;
    const v0 = Array.from(init.values!);
    const altVals = alts.map(({ trace }) => Array.from(trace.g.inits.get(name)!.values!));
    if (altVals.every((vs) => vs.join() === v0.join())) continue;
    const parts: string[] = [];
    let run: number[] = [];
    v0.forEach((x, j) => {
      const changed = alts.map((c, s) => ({ sym: c.sym, v: altVals[s][j] })).filter((c) => c.v !== x);
      if (changed.length === 0) { run.push(x); return; }
      if (run.length) { parts.push(ints(run)); run = []; }
      parts.push(sizeExpr(x, j, changed, dimOf, node, ints, name));
    });
    if (run.length) parts.push(ints(run));
    g.inits.delete(name);
    // the constant's name is now the output of the node that computes it
    if (init.shape.length === 0) node('Squeeze', [parts[0], ints([0])], {}, name);
    else if (parts.length > 1) node('Concat', parts, { axis: 0 }, name);
    else node('Identity', parts, {}, name);
  }
  g.nodes.unshift(...pre);
}

/** The nodes computing one size element v0 (base trace) that became `changed[i].v` when `changed[i].sym` grew. */
function sizeExpr(v0: number, j: number, changed: { sym: DynamicAxis; v: number }[], dimOf: (s: DynamicAxis) => string,
  node: (t: string, i: string[], a?: GraphNode['attrs']) => string, ints: (v: number[]) => string, name: string): string {
  const fail = (): never => {
    throw new OnnxExportError(`onnx.export: size ${j} of ${name} is ${v0} in the trace and ${changed.map((c) => `${c.v} with ${c.sym.name}=${c.sym.alt}`).join(', ')}: ` +
      'not a multiple or a product of the dynamic axes; compute it from tensor shapes the exporter can follow');
  };
  if (changed.length === 1) {
    const { sym, v } = changed[0];
    const a = (v - v0) / (sym.alt - sym.base), c = v0 - a * sym.base;
    if (!Number.isInteger(a) || !Number.isInteger(c)) fail();
    let x = dimOf(sym);
    if (a !== 1) x = node('Mul', [x, ints([a])]);
    if (c !== 0) x = node('Add', [x, ints([c])]);
    return x;
  }
  // v = k · Π n_s over the changed axes
  const prodBase = changed.reduce((p, c) => p * c.sym.base, 1);
  const kf = v0 / prodBase;
  if (!Number.isInteger(kf)) fail();
  for (const c of changed) if (c.v !== kf * (prodBase / c.sym.base) * c.sym.alt) fail();
  let x = dimOf(changed[0].sym);
  for (const c of changed.slice(1)) x = node('Mul', [x, dimOf(c.sym)]);
  if (kf !== 1) x = node('Mul', [x, ints([kf])]);
  return x;
}

function valueInfo(name: string, dtype: DType | 'int64', dims: (number | string)[]): Record<string, unknown> {
  return {
    name,
    type: { tensorType: { elemType: ONNX_DTYPE[dtype], shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

function attrProto(name: string, v: GraphNode['attrs'][string]): Record<string, unknown> {
  if (typeof v === 'number') return { name, type: ATTR_TYPE.INT, i: v };
  if (typeof v === 'string') return { name, type: ATTR_TYPE.STRING, s: Buffer.from(v, 'utf8') };
  if (Array.isArray(v)) return { name, type: ATTR_TYPE.INTS, ints: v };
  if ('f' in (v as object)) return { name, type: ATTR_TYPE.FLOAT, f: (v as { f: number }).f };
  return { name, type: ATTR_TYPE.FLOATS, floats: (v as { floats: number[] }).floats };
}

function rawData(init: Initializer): Uint8Array {
  const vals = init.values ?? init.read!();
  let arr: ArrayBufferView;
  switch (init.dtype) {
    case 'float32': arr = Float32Array.from(vals); break;
    case 'float64': arr = Float64Array.from(vals); break;
    case 'int32': arr = Int32Array.from(vals); break;
    case 'int64': arr = BigInt64Array.from(Array.from(vals, (x) => BigInt(x))); break;
    case 'uint8': case 'bool': arr = Uint8Array.from(vals, (x) => (init.dtype === 'bool' ? (x ? 1 : 0) : x)); break;
    default: throw new OnnxExportError(`onnx.export: ${init.dtype} initializers are not exported (${init.name})`);
  }
  return new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
}

/**
 * Exports `model` to an ONNX file by tracing one forward pass on `sampleInputs` in eval mode (the
 * model's mode is restored afterwards), as `torch.onnx.export`. Parameters and buffers become
 * initializers under their state-dict names; the graph uses opset 18 by default (17 to 21).
 * Axes named in `dynamicAxes` stay open: the graph computes the sizes that follow them.
 * An op of the forward pass without an ONNX mapping fails with `OnnxExportError` naming it.
 * ```ts
 * fl.onnx.export(model, [x], 'model.onnx', {
 *   inputNames: ['x'], outputNames: ['y'], dynamicAxes: { x: { 0: 'batch' }, y: { 0: 'batch' } },
 * });
 * // then, with onnxruntime-node:
 * const session = await ort.InferenceSession.create('model.onnx');
 * const { y } = await session.run({ x: new ort.Tensor('float32', data, [5, 4]) });
 * ```
 */
export function exportModel(model: Exportable, sampleInputs: Tensor | Tensor[], path: string, options?: ExportOptions): void {
  const o = EXPORT_ARGS.parse(Array.from(arguments));
  if (o.model === null || typeof o.model !== 'object' || typeof (o.model as Exportable).forward !== 'function') {
    throw new ValueError('onnx.export: model must be an nn.Module (an object with forward)');
  }
  const inputs = o.sampleInputs instanceof Tensor ? [o.sampleInputs] : Array.isArray(o.sampleInputs) ? o.sampleInputs.slice() : null;
  if (inputs === null || inputs.length === 0 || inputs.some((t) => !(t instanceof Tensor))) throw new ValueError('onnx.export: sampleInputs must be a Tensor or a non-empty array of Tensors');
  for (const t of inputs) exportDType(t);
  const inputNames = o.inputNames ?? inputs.map((_, i) => `input_${i}`);
  if (inputNames.length !== inputs.length) throw new ValueError(`onnx.export: inputNames has ${inputNames.length} names for ${inputs.length} inputs`);
  if (new Set(inputNames).size !== inputNames.length) throw new ValueError(`onnx.export: inputNames repeat a name: ${inputNames.join(', ')}`);
  const axes = readDynamicAxes(o.dynamicAxes, inputNames, o.outputNames);

  const m = o.model;
  const params = new Map<Tensor, string>();
  for (const [n, t] of m.namedParameters?.() ?? []) if (!params.has(t)) params.set(t, n);
  for (const [n, t] of m.namedBuffers?.() ?? []) if (t && !params.has(t)) params.set(t, n);

  const wasTraining = m.training;
  if (typeof m.eval === 'function') m.eval();
  try {
    const base = traceOnce(m, inputs, inputNames, o.outputNames, o.opset, params);
    // one more trace per named dynamic axis, with that axis one larger
    const symbols: DynamicAxis[] = [];
    for (const [inName, ax] of axes) {
      const i = inputNames.indexOf(inName);
      if (i < 0) continue;
      for (const [a, s] of ax) {
        if (a >= inputs[i].ndim) throw new ValueError(`onnx.export: dynamicAxes.${inName} names axis ${a} of a ${inputs[i].ndim}-d input`);
        const prev = symbols.find((x) => x.name === s);
        if (prev) {
          if (inputs[i]._shape[a] !== prev.base) throw new ValueError(`onnx.export: dynamic axis '${s}' has size ${prev.base} in ${prev.input} but ${inputs[i]._shape[a]} in ${inName}`);
          continue;
        }
        symbols.push({ name: s, input: inName, axis: a, base: inputs[i]._shape[a], alt: inputs[i]._shape[a] + 1 });
      }
    }
    const alts = symbols.map((sym) => {
      const grown = grownInputs(inputs, inputNames, axes, sym.name);
      try {
        return { sym, trace: traceOnce(m, grown, inputNames, o.outputNames, o.opset, params) };
      } finally {
        grown.forEach((t, i) => { if (t !== inputs[i]) t.dispose(); });
      }
    });
    if (alts.length) makeDynamic(base, alts);

    const outAxes = (i: number): (number | string)[] => base.outputs[i].shape.map((d, j) => {
      const named = axes.get(base.outputs[i].name)?.get(j);
      if (named) return named;
      if (base.outputs[i].dataSized) return `${base.outputs[i].name}_dim${j}`;  // no trace tells a data-dependent size from a fixed one
      const changed = alts.filter((a) => a.trace.outputs[i].shape[j] !== d);
      if (changed.length === 0) return d;
      if (changed.length === 1 && changed[0].trace.outputs[i].shape[j] === changed[0].sym.alt && d === changed[0].sym.base) return changed[0].sym.name;
      return `${base.outputs[i].name}_dim${j}`;
    });
    const g = base.g;
    const model = {
      irVersion: o.opset >= 21 ? 10 : o.opset >= 19 ? 9 : 8,
      opsetImport: [{ domain: '', version: o.opset }],
      producerName: 'flintml',
      producerVersion: VERSION,
      graph: {
        name: (m as object).constructor?.name ?? 'model',
        node: g.nodes.map((n) => ({ input: n.inputs, output: n.outputs, name: n.op, opType: n.opType, attribute: Object.entries(n.attrs).map(([k, v]) => attrProto(k, v)) })),
        initializer: [...g.inits.values()].map((init) => ({ name: init.name, dims: init.shape, dataType: ONNX_DTYPE[init.dtype], rawData: rawData(init) })),
        input: inputs.map((t, i) => valueInfo(inputNames[i], t.dtype, t._shape.map((d, j) => axes.get(inputNames[i])?.get(j) ?? d))),
        output: base.outputs.map((out, i) => valueInfo(out.name, out.dtype, outAxes(i))),
      },
    };
    const bytes = encodeModel(model);
    try {
      fs.writeFileSync(o.path, bytes);
    } catch (e) {
      throw new FileError(`onnx.export: cannot write ${o.path}: ${(e as Error).message}`, (e as NodeJS.ErrnoException).code, { cause: e });
    }
  } finally {
    if (wasTraining !== undefined && typeof m.train === 'function') m.train(wasTraining);
  }
}

const VERSION: string = (JSON.parse(fs.readFileSync(`${__dirname}/../../package.json`, 'utf8')) as { version: string }).version;
