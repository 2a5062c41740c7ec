// conv.ts — the convolution and pooling ops: `conv1d`, `conv2d`, `convTranspose2d`,
// `maxPool2d`, `avgPool2d`, `adaptiveAvgPool2d` with their gradients, with PyTorch's
// semantics and argument names (camelCase). Their Module classes are in nn/conv.ts; the kernels
// are native/cpu/conv.cpp, native/gpu/ops_conv.cpp and native/kernels/conv.cu.
//
// Convolution lowers to im2col + GEMM. The native 'im2col' kernel writes the columns of the whole
// batch as one [C*kh*kw, N, Ho*Wo] buffer, so each group is a single large GEMM
//   y[g] (Og x N*L) = W[g] (Og x Cg*kh*kw) @ cols[g] (Cg*kh*kw x N*L)
// and the result is permuted back to [N, O, Ho, Wo] in the same pass that adds the bias.
// Each convolution records ONE autograd node (inputs x, weight, bias). Its backward uses the
// forward's columns, kept up to convTuning.keepColsMax elements (they are kh*kw times the input's
// size; larger ones are rebuilt from the saved input):
//   dW = dY' @ cols^T,  dX = col2im(W^T @ dY'),  db = sum of dY over N, H, W
// where dY' is dY permuted to [O, N*L]. On the CPU, float32 and float64 conv2d take fused native
// kernels instead (fusedConv below; native/cpu/conv.cpp): image by image, with cache-sized column
// blocks, straight into NCHW, the same single autograd node. convTranspose2d is the same computation read backwards:
// its forward is col2im(W^T @ x) and its backward uses im2col.
// Pooling kernels work on planes; max pooling keeps int32 argmax indices (flat h*W+w in the input
// plane, as PyTorch's) and its backward scatters the gradient to them.
import { runLowPrecision } from '../amp';
import { traced, tracedMany, traceState } from '../trace';
import { adaptivePool, sumPool } from '../onnx/lower';
import { isGradEnabled, needsGrad, noGrad, record } from '../autograd';
import { isFloating } from '../dtype';
import { DTypeError, FlintError, ShapeError, ValueError } from '../errors';
import { describeArg } from '../arity';
import { call, opId, OperandView } from '../native';
import { add, commonDevice } from './elementwise';
import { matmul } from './matmul';
import { sum } from './reduce';
import { gather } from './indexing';
import { fmt } from '../shape';
import { emptyTensor, keep, scope, Tensor } from '../tensor';
import * as A from '../args';
import { ArgsThenOptions, optional, required, signature } from '../args';

// PyTorch's positional order of each functional (lib/args.ts): conv2d(input, weight, bias, stride,
// padding, dilation, groups), conv_transpose2d(input, weight, bias, stride, padding, output_padding,
// groups, dilation), max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode,
// return_indices), avg_pool2d(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
// divisor_override). Values are checked by the ops (messages naming the op and the shapes).
const ANY = A.anyValue<never>();
const REQ = required(ANY);
const OPT = optional(ANY);
const CONV_ARGS = {
  conv2d: signature('conv2d', ['input', 'weight', 'bias', 'stride', 'padding', 'dilation', 'groups'], {
    input: REQ, weight: REQ, bias: OPT, stride: OPT, padding: OPT, dilation: OPT, groups: OPT,
  }),
  conv1d: signature('conv1d', ['input', 'weight', 'bias', 'stride', 'padding', 'dilation', 'groups'], {
    input: REQ, weight: REQ, bias: OPT, stride: OPT, padding: OPT, dilation: OPT, groups: OPT,
  }),
  convTranspose2d: signature('convTranspose2d', ['input', 'weight', 'bias', 'stride', 'padding', 'outputPadding', 'groups', 'dilation'], {
    input: REQ, weight: REQ, bias: OPT, stride: OPT, padding: OPT, outputPadding: OPT, groups: OPT, dilation: OPT,
  }),
  maxPool2d: signature('maxPool2d', ['input', 'kernelSize', 'stride', 'padding', 'dilation', 'ceilMode', 'returnIndices'], {
    input: REQ, kernelSize: REQ, stride: OPT, padding: OPT, dilation: OPT, ceilMode: optional(A.bool), returnIndices: optional(A.bool),
  }),
  avgPool2d: signature('avgPool2d', ['input', 'kernelSize', 'stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'], {
    input: REQ, kernelSize: REQ, stride: OPT, padding: OPT, ceilMode: optional(A.bool), countIncludePad: optional(A.bool), divisorOverride: OPT,
  }),
  adaptiveAvgPool2d: signature('adaptiveAvgPool2d', ['input', 'outputSize'], { input: REQ, outputSize: REQ }),
};

const IM2COL = opId('im2col');
const COL2IM = opId('col2im');
const MAXPOOL = opId('maxPool2d');
const MAXPOOL_BW = opId('maxPool2dBackward');
const AVGPOOL = opId('avgPool2d');
const AVGPOOL_BW = opId('avgPool2dBackward');
const ADAPTIVE = opId('adaptiveAvgPool2d');
const ADAPTIVE_BW = opId('adaptiveAvgPool2dBackward');

/** A size per spatial dim: one number for all, or one per dim. */
export type Size2 = number | readonly [number, number];
/** Convolution padding: zeros on each side, or PyTorch's 'same' (stride 1 only) / 'valid' (none). */
export type ConvPadding = Size2 | 'same' | 'valid';

export interface Conv2dOptions {
  /** Step of the kernel (default 1). */
  stride?: Size2;
  /** Implicit zero padding (default 0). */
  padding?: ConvPadding;
  /** Spacing between kernel taps (default 1). */
  dilation?: Size2;
  /** Number of blocked connections from input to output channels (default 1). */
  groups?: number;
}
export interface Conv1dOptions {
  stride?: number | readonly [number];
  padding?: number | readonly [number] | 'same' | 'valid';
  dilation?: number | readonly [number];
  groups?: number;
}
export interface ConvTranspose2dOptions {
  stride?: Size2;
  /** dilation*(k-1) - padding zeros are added to each side of the input (default 0). */
  padding?: Size2;
  /** Extra size added to one side of the output (default 0; must be < stride or < dilation). */
  outputPadding?: Size2;
  groups?: number;
  dilation?: Size2;
}

// ---- argument checks ----------------------------------------------------------------------------

function needTensor(t: unknown, what: string, op: string): Tensor {
  if (!(t instanceof Tensor)) throw new ValueError(`${op}: ${what} must be a Tensor, got ${t === null ? 'null' : typeof t}`);
  t._handleFor(op);
  return t;
}

/** @internal A [h, w] pair from one number or a pair, each an integer >= min. */
export function pair(v: unknown, name: string, op: string, min: number): [number, number] {
  const arr = typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 1 ? [v[0], v[0]] : v;
  if (!Array.isArray(arr) || arr.length !== 2 || !arr.every((x) => Number.isInteger(x) && x >= min)) {
    throw new ValueError(`${op}: ${name} must be an integer >= ${String(min)} or a pair of them, got ${describeArg(v)}`);
  }
  return [arr[0], arr[1]];
}

/** @internal */
export function positiveInt(v: unknown, name: string, op: string): number {
  if (!Number.isInteger(v) || (v as number) < 1) throw new ValueError(`${op}: ${name} must be a positive integer, got ${describeArg(v)}`);
  return v as number;
}

/** The batch-first 4-D form of a [C, H, W] or [N, C, H, W] input (a tracked view) and whether it was unbatched. */
function batched(x: Tensor, op: string, what = 'input'): [Tensor, boolean] {
  if (x.ndim === 4) return [x, false];
  if (x.ndim === 3) return [x.unsqueeze(0), true];
  throw new ShapeError(`${op}: expected a 3-D [C, H, W] or 4-D [N, C, H, W] ${what}, got shape ${fmt(x._shape)}`);
}

/** Runs `body` on the 4-D form of x and returns the result in x's rank (views and their grads tracked). */
function on4d(x: Tensor, op: string, body: (x4: Tensor) => Tensor): Tensor {
  const [x4, unbatched] = batched(x, op);
  if (!unbatched) return body(x4);
  try {
    const y4 = body(x4);
    try { return y4.squeeze(0); } finally { y4.dispose(); }
  } finally {
    x4.dispose();
  }
}

/** Geometry of one 2-D im2col: kernel, stride, padding (top/left and bottom/right), dilation, output size. */
interface Geom { kh: number; kw: number; sh: number; sw: number; pt: number; pl: number; pb: number; pr: number; dh: number; dw: number; Ho: number; Wo: number }

function geomParams(g: Geom): number[] {
  return [g.kh, g.kw, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.Ho, g.Wo, g.pb, g.pr];
}

/** A [N, C*kh*kw, L] operand view of a [C*kh*kw, N, L] columns buffer. */
function colsView(buf: Tensor, N: number, CK: number, L: number): OperandView {
  return { dtype: buf.dtype, _shape: [N, CK, L], _strides: [L, N * L, 1], _offset: buf._offset, _storage: buf._storage, _handleFor: (o: string) => buf._handleFor(o) };
}

/** im2col of a 4-D image into a fresh [C*kh*kw, N*Ho*Wo] tensor. */
function im2col(x: Tensor, g: Geom, op: string): Tensor {
  const [N, C] = x._shape;
  const CK = C * g.kh * g.kw, L = g.Ho * g.Wo;
  const buf = emptyTensor([CK, N * L], x.dtype, x._storage.device, false, op);
  try {
    call(IM2COL, op, [colsView(buf, N, CK, L), x], geomParams(g));
  } catch (e) { buf.dispose(); throw e; }
  return buf;
}

/** col2im of a [C*kh*kw, N*Ho*Wo] columns tensor into a fresh image of `shape` [N, C, H, W]. */
function col2im(cols: Tensor, shape: readonly number[], g: Geom, op: string): Tensor {
  const [N, C] = shape;
  const CK = C * g.kh * g.kw, L = g.Ho * g.Wo;
  const src = cols.isContiguous() ? cols : cols.contiguous();
  const img = emptyTensor(shape, cols.dtype, cols._storage.device, false, op);
  try {
    call(COL2IM, op, [img, colsView(src, N, CK, L)], geomParams(g));
  } catch (e) { img.dispose(); throw e; } finally { if (src !== cols) src.dispose(); }
  return img;
}

// im2col and col2im are linear and each other's adjoint. A convolution's backward runs them raw,
// except in a backward that records (createGraph, grad mode): there they are ops of the graph,
// each with the other as its gradient, so that the convolutions have second derivatives.

/** im2col, recorded when grad is on and x requires grad (a createGraph backward). */
function im2colOp(x: Tensor, g: Geom, op: string): Tensor {
  const cols = im2col(x, g, op);
  if (needsGrad(x)) {
    const shape = x._shape;
    record('im2col', [x], [cols], [], ([gc]) => [col2imOp(gc!, shape, g, op)], true);
  }
  return cols;
}

/** col2im, recorded as im2colOp is. */
function col2imOp(cols: Tensor, shape: readonly number[], g: Geom, op: string): Tensor {
  const img = col2im(cols, shape, g, op);
  if (needsGrad(cols)) record('col2im', [cols], [img], [], ([gi]) => [im2colOp(gi!.isContiguous() ? gi! : gi!.contiguous(), g, op)], true);
  return img;
}

/**
 * A linear map that a native kernel runs (a pooling's forward or backward), as an op of the graph
 * when grad is on and its input requires grad (a backward that records, createGraph): its gradient
 * is `adjoint` of the incoming one, itself made the same way, so the poolings have derivatives of
 * every order. `saved` are what the adjoint reads (the argmax indices).
 */
function linearNode(name: string, src: Tensor, out: Tensor, adjoint: (g: Tensor, saved: Tensor[]) => Tensor, saved: Tensor[] = []): Tensor {
  if (needsGrad(src)) record(name, [src], [out], saved, ([g], sv) => [adjoint(g!, sv)], true);
  return out;
}

/** [N, C, H, W] -> contiguous [C, N*H*W] (channels first, so a group's channels are one matrix). */
function channelsFirst(t: Tensor): Tensor {
  const [N, C, H, W] = t._shape;
  return t.permute([1, 0, 2, 3]).contiguous().view([C, N * H * W]);
}

/** A [C, N*H*W] matrix as the image [N, C, H, W] (a contiguous copy, plus bias [C] when given). */
function batchFirst(m: Tensor, N: number, H: number, W: number, bias: Tensor | null): Tensor {
  const C = m._shape[0];
  const v = m.view([C, N, H, W]).permute([1, 0, 2, 3]);
  return bias ? add(v, bias.view([1, C, 1, 1])) : v.contiguous();
}

/** Parses conv2d's or convTranspose2d's arguments and runs the checks they share (operands, groups, dtypes, a 4-D weight). */
function convCall<O extends { groups?: number }>(op: 'conv2d' | 'convTranspose2d', args: unknown[], layout: string): { input: Tensor; weight: Tensor; bias: Tensor | null; options: O; groups: number } {
  const { input, weight, bias, ...options } = CONV_ARGS[op].parse(args) as { input: Tensor; weight: Tensor; bias?: Tensor | null } & O;
  needTensor(input, 'input', op); needTensor(weight, 'weight', op);
  if (bias !== null && bias !== undefined) needTensor(bias, 'bias', op);
  const groups = positiveInt(options.groups ?? 1, 'groups', op);
  checkConvDTypes(op, input, weight, bias ?? null);
  if (weight.ndim !== 4) throw new ShapeError(`${op}: expected a 4-D weight [${layout}, kh, kw], got ${fmt(weight._shape)}`);
  return { input, weight, bias: bias ?? null, options: options as unknown as O, groups };
}

function checkConvDTypes(op: string, x: Tensor, w: Tensor, b: Tensor | null): void {
  if (!isFloating(x.dtype)) throw new DTypeError(`${op}: expected a floating input, got ${x.dtype}`);
  if (w.dtype !== x.dtype || (b && b.dtype !== x.dtype)) {
    throw new DTypeError(`${op}: input, weight and bias must share one dtype, got ${x.dtype}, ${w.dtype}${b ? `, ${b.dtype}` : ''}`);
  }
  commonDevice(op, x, w, ...(b ? [b] : []));
}

// ---- conv2d --------------------------------------------------------------------------------------

/** Output size of a convolution/pooling along one dim (floor), padding given per side. */
function outSize(inp: number, k: number, s: number, p0: number, p1: number, d: number): number {
  return Math.floor((inp + p0 + p1 - d * (k - 1) - 1) / s) + 1;
}

function conv2dGeom(x: Tensor, w: Tensor, o: Conv2dOptions, op: string): Geom {
  const [, , H, W] = x._shape;
  const [, , kh, kw] = w._shape;
  const [sh, sw] = pair(o.stride ?? 1, 'stride', op, 1);
  const [dh, dw] = pair(o.dilation ?? 1, 'dilation', op, 1);
  let pt: number, pl: number, pb: number, pr: number;
  const pad = o.padding ?? 0;
  if (pad === 'valid') { pt = pl = pb = pr = 0; } else if (pad === 'same') {
    if (sh !== 1 || sw !== 1) throw new ValueError(`${op}: padding='same' is not supported for strided convolutions (stride ${fmt([sh, sw])})`);
    // PyTorch puts the odd extra zero on the bottom/right
    const th = dh * (kh - 1), tw = dw * (kw - 1);
    pt = Math.floor(th / 2); pb = th - pt; pl = Math.floor(tw / 2); pr = tw - pl;
  } else {
    if (typeof pad === 'string') throw new ValueError(`${op}: padding must be a number, a pair, 'same' or 'valid', got ${describeArg(pad)}`);
    [pt, pl] = pair(pad, 'padding', op, 0);
    pb = pt; pr = pl;
  }
  const eh = dh * (kh - 1) + 1, ew = dw * (kw - 1) + 1;
  if (H + pt + pb < eh || W + pl + pr < ew) {
    throw new ShapeError(`${op}: padded input size per channel (${String(H + pt + pb)} x ${String(W + pl + pr)}) is smaller than the ` +
      `(dilated) kernel size (${String(eh)} x ${String(ew)}); input ${fmt(x._shape)}, weight ${fmt(w._shape)}`);
  }
  return { kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, Ho: outSize(H, kh, sh, pt, pb, dh), Wo: outSize(W, kw, sw, pl, pr, dw) };
}

/**
 * Columns up to `convTuning.keepColsMax` elements (64 MiB of float32) are kept from the forward for
 * the weight gradient instead of being rebuilt from the input in the backward (as PyTorch's CPU convolution
 * keeps its `finput`): a second im2col costs a pass that writes kh*kw times the input. Larger ones
 * are rebuilt, so a big convolution's activation memory stays that of its input. Tests set it to 0
 * to take the rebuilding path on small shapes. (The CPU's fused conv2d keeps no columns: it rebuilds
 * them per cache-sized block.) `fusedCpu` turns the CPU's fused conv2d kernels on (the default) or
 * off: tests and bench/conv.js compare the two paths. `winogradCpu` picks how the fused kernels run
 * float32 3x3 stride-1 convolutions (forward, input and weight gradients; native/cpu/conv.cpp, winogradTile):
 * 'auto' takes Winograd F(m x m, 3x3) where it measured faster, 'off' never (the GEMM path), 'f2' and
 * 'f4' F(2x2, 3x3) or F(4x4, 3x3) wherever it applies (tests compare them). `winogradWgradCpu = false`
 * keeps the weight gradient on the GEMM path whatever `winogradCpu` says (bench/conv.js: the path before
 * the Winograd weight gradient, in the same rounds).
 * @internal
 */
export const convTuning: { keepColsMax: number; fusedCpu: boolean; winogradCpu: 'auto' | 'off' | 'f2' | 'f4'; winogradWgradCpu: boolean } =
  { keepColsMax: 1 << 24, fusedCpu: true, winogradCpu: 'auto', winogradWgradCpu: true };
const WINOGRAD_MODE = { off: 0, auto: 1, f2: 2, f4: 4 } as const;

/**
 * The CPU's fused convolution (native/cpu/conv.cpp, conv2dForward / conv2dBackwardInput /
 * conv2dBackwardWeight: image by image, with cache-sized blocks of columns, straight into NCHW) for
 * float32 and float64 on the CPU; the GPU and the 16-bit floats take im2col + one GEMM per group.
 * `convTuning.fusedCpu = false` turns it off (tests compare the two).
 */
function fusedConv(x: Tensor): boolean {
  return convTuning.fusedCpu && x._storage.device.type === 0 && (x.dtype === 'float32' || x.dtype === 'float64');
}

const CONV_FWD = opId('conv2dForward');
const CONV_BWD_IN = opId('conv2dBackwardInput');
const CONV_BWD_W = opId('conv2dBackwardWeight');

const dense = (t: Tensor): Tensor => (t.isContiguous() ? t : t.contiguous());

function conv2dCore(x: Tensor, w: Tensor, b: Tensor | null, g: Geom, groups: number, op: string): Tensor {
  const [N, C, H, W] = x._shape;
  const [O, Cg] = w._shape;
  const K = Cg * g.kh * g.kw, L = g.Ho * g.Wo;
  const grad = needsGrad(x, w, b);
  const fused = fusedConv(x);
  const params = fused ? [...geomParams(g), groups, WINOGRAD_MODE[convTuning.winogradCpu]] : [...geomParams(g), groups];
  const keepCols = !fused && grad && w.requiresGrad && C * g.kh * g.kw * N * L <= convTuning.keepColsMax;
  let kept: Tensor | null = null;
  const out = noGrad(() => scope(() => {
    if (N * O * L === 0) return emptyTensor([N, O, g.Ho, g.Wo], x.dtype, x._storage.device, true, op);
    if (fused) {
      const y = emptyTensor([N, O, g.Ho, g.Wo], x.dtype, x._storage.device, false, op);
      call(CONV_FWD, op, b ? [y, dense(x), dense(w), dense(b)] : [y, dense(x), dense(w)], params);
      return y;
    }
    const buf = im2col(x, g, op);
    if (keepCols) kept = keep(buf);
    const y = matmul(w.reshape([groups, O / groups, K]), buf.view([groups, K, N * L]));  // [G, Og, N*L]
    return batchFirst(y.view([O, N * L]), N, g.Ho, g.Wo, b);
  }));
  if (grad) {
    const colsKept = kept as Tensor | null;
    // the node holds its own view of the kept columns (a saved tensor); this one goes now
    const saved = colsKept ? [x, w, colsKept] : [x, w];
    try {
      record(op, [x, w, b], [out], saved, ([gy], [sx, sw, sc]) => scope(() => {
        let gx: Tensor | null = null, gw: Tensor | null = null, gb: Tensor | null = null;
        if (fused && !isGradEnabled()) {
          // the fused kernels are not ops of the graph: a backward that records (createGraph) takes the composed path below
          const gyc = dense(gy!);
          if (x.requiresGrad) {
            gx = emptyTensor([N, C, H, W], x.dtype, x._storage.device, false, op);
            call(CONV_BWD_IN, op, [gx, gyc, dense(sw)], params);
          }
          const wantB = !!b && b.requiresGrad;
          if (w.requiresGrad) {
            gw = emptyTensor(w._shape, w.dtype, w._storage.device, false, op);
            if (wantB) gb = emptyTensor([O], w.dtype, w._storage.device, false, op);
            const wParams = convTuning.winogradWgradCpu ? params : [...params.slice(0, -1), WINOGRAD_MODE.off];
            call(CONV_BWD_W, op, gb ? [gw, gyc, dense(sx), gb] : [gw, gyc, dense(sx)], wParams);
          } else if (wantB) gb = sum(gyc, [0, 2, 3]);
          return [gx, gw, gb];
        }
        const gP = channelsFirst(gy!).view([groups, O / groups, N * L]);
        const w3 = sw.reshape([groups, O / groups, K]);
        if (x.requiresGrad) gx = col2imOp(matmul(w3.mT, gP).view([C * g.kh * g.kw, N * L]), [N, C, H, W], g, op);
        if (w.requiresGrad) {
          // the kept columns are constants: a backward that records (createGraph) rebuilds them from x
          const cols = (colsKept !== null && !isGradEnabled() ? sc : im2colOp(sx, g, op)).view([groups, K, N * L]);
          gw = matmul(gP, cols.mT).reshape(w._shape as number[]).contiguous();
        }
        // the bias gradient from the channels-first copy: a sum along contiguous rows, where gy's
        // [0, 2, 3] reduction strides over the batch
        if (b && b.requiresGrad) gb = sum(gP.view([O, N * L]), 1);
        return [gx, gw, gb];
      }), true);
    } finally { colsKept?.dispose(); }
  }
  return traceState.tracer === null ? out : traced(op, [x, w, b], out, (gr, [vx, vw, vb]) => gr.op('Conv', vb.absent ? [vx.name, vw.name] : [vx.name, vw.name, vb.name], {
    kernel_shape: [g.kh, g.kw], strides: [g.sh, g.sw], pads: [g.pt, g.pl, g.pb, g.pr], dilations: [g.dh, g.dw], group: groups,
  }));
}

/**
 * 2-D convolution over [N, C, H, W] (or unbatched [C, H, W]) input, as `torch.nn.functional.conv2d`.
 * `weight` is [outChannels, inChannels / groups, kh, kw]; `bias` is [outChannels] or null.
 * Gradients flow to input, weight and bias.
 *
 * ```ts
 * const y = fl.nn.conv2d(x, w, b, { stride: 2, padding: 1 });   // x [8, 3, 32, 32], w [16, 3, 3, 3] -> [8, 16, 16, 16]
 * fl.nn.conv2d(x, w, null, { padding: 'same', dilation: 2 });
 * ```
 */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options?: Conv2dOptions): Tensor;
export function conv2d(input: Tensor, weight: Tensor, ...args: ArgsThenOptions<[bias: Tensor | null, stride: Size2, padding: ConvPadding, dilation: Size2, groups: number], Conv2dOptions>): Tensor;
export function conv2d(...args: unknown[]): Tensor {
  const lowp = runLowPrecision(conv2d, args); if (lowp) return lowp;  // autocast: input, weight and bias in its dtype
  const op = 'conv2d';
  const { input, weight, bias: b, options, groups } = convCall<Conv2dOptions>(op, args, 'out, in/groups');
  const [O, Cg] = weight._shape;
  if (O % groups !== 0) throw new ShapeError(`${op}: out channels ${String(O)} (weight ${fmt(weight._shape)}) must be divisible by groups ${String(groups)}`);
  if (b && (b.ndim !== 1 || b._shape[0] !== O)) throw new ShapeError(`${op}: expected bias of shape [${String(O)}], got ${fmt(b._shape)}`);
  return on4d(input, op, (x) => {
    const C = x._shape[1];
    if (C !== Cg * groups) {
      throw new ShapeError(`${op}: weight ${fmt(weight._shape)} with groups=${String(groups)} expects input with ${String(Cg * groups)} channels, ` +
        `got input ${fmt(input._shape)} with ${String(C)} channels`);
    }
    const g = conv2dGeom(x, weight, options, op);
    return conv2dCore(x, weight, b, g, groups, op);
  });
}

/** @internal One number from a number or a one-element array (strings and undefined pass through). */
export function single(v: unknown, name: string, op: string): unknown {
  if (typeof v === 'string' || v === undefined) return v;
  const n = typeof v === 'number' ? v : Array.isArray(v) && v.length === 1 ? v[0] : NaN;
  if (!Number.isInteger(n)) throw new ValueError(`${op}: ${name} must be an integer or a one-element array, got ${describeArg(v)}`);
  return n;
}

/**
 * 1-D convolution over [N, C, L] (or unbatched [C, L]) input, as `torch.nn.functional.conv1d`;
 * `weight` is [outChannels, inChannels / groups, k]. Runs as a conv2d with height 1.
 *
 * ```ts
 * const y = fl.nn.conv1d(x, w, b, { padding: 'same' });  // x [4, 8, 100], w [16, 8, 5] -> [4, 16, 100]
 * ```
 */
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null, options?: Conv1dOptions): Tensor;
export function conv1d(input: Tensor, weight: Tensor, ...args: ArgsThenOptions<[bias: Tensor | null, stride: number, padding: number | 'same' | 'valid', dilation: number, groups: number], Conv1dOptions>): Tensor;
export function conv1d(...args: unknown[]): Tensor {
  const { input, weight, bias, ...options } = CONV_ARGS.conv1d.parse(args) as { input: Tensor; weight: Tensor; bias?: Tensor | null } & Conv1dOptions;
  const op = 'conv1d';
  needTensor(input, 'input', op); needTensor(weight, 'weight', op);
  if (input.ndim !== 2 && input.ndim !== 3) throw new ShapeError(`${op}: expected a 2-D [C, L] or 3-D [N, C, L] input, got shape ${fmt(input._shape)}`);
  if (weight.ndim !== 3) throw new ShapeError(`${op}: expected a 3-D weight [out, in/groups, k], got ${fmt(weight._shape)}`);
  const stride = single(options.stride ?? 1, 'stride', op) as number;
  const dilation = single(options.dilation ?? 1, 'dilation', op) as number;
  const padding = single(options.padding ?? 0, 'padding', op) as number | 'same' | 'valid';
  const x = input.unsqueeze(-2), w = weight.unsqueeze(-2);
  try {
    const y = conv2d(x, w, bias, { stride: [1, stride], dilation: [1, dilation], padding: typeof padding === 'string' ? padding : [0, padding], groups: options.groups });
    try { return y.squeeze(-2); } finally { y.dispose(); }
  } catch (e) {
    // conv2d's refusal, said as conv1d's, with the caller's shapes (it ran on [.., 1, L] views)
    if (e instanceof FlintError && e.message.startsWith('conv2d:')) {
      const E = e.constructor as new (message: string) => FlintError;
      throw new E(`conv1d: ${e.message.slice('conv2d:'.length).trim()} (conv1d of input ${fmt(input._shape)} with weight ${fmt(weight._shape)}, computed as conv2d with a height of 1)`);
    }
    throw e;
  } finally { x.dispose(); w.dispose(); }
}

// ---- convTranspose2d -----------------------------------------------------------------------------

/**
 * 2-D transposed convolution ("deconvolution"), as `torch.nn.functional.conv_transpose2d`: the
 * gradient of conv2d with respect to its input. `weight` is [inChannels, outChannels / groups, kh, kw];
 * the output size is (H-1)*stride - 2*padding + dilation*(k-1) + outputPadding + 1.
 *
 * ```ts
 * const up = fl.nn.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }); // 16x16 -> 32x32 with k=3
 * ```
 */
export function convTranspose2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options?: ConvTranspose2dOptions): Tensor;
export function convTranspose2d(input: Tensor, weight: Tensor, ...args: ArgsThenOptions<[bias: Tensor | null, stride: Size2, padding: Size2, outputPadding: Size2, groups: number, dilation: Size2], ConvTranspose2dOptions>): Tensor;
export function convTranspose2d(...args: unknown[]): Tensor {
  const lowp = runLowPrecision(convTranspose2d, args); if (lowp) return lowp;  // autocast: input, weight and bias in its dtype
  const op = 'convTranspose2d';
  const { input, weight, bias: b, options, groups } = convCall<ConvTranspose2dOptions>(op, args, 'in, out/groups');
  const [Cin, Og, kh, kw] = weight._shape;
  const O = Og * groups;
  if (Cin % groups !== 0) throw new ShapeError(`${op}: in channels ${String(Cin)} (weight ${fmt(weight._shape)}) must be divisible by groups ${String(groups)}`);
  if (b && (b.ndim !== 1 || b._shape[0] !== O)) throw new ShapeError(`${op}: expected bias of shape [${String(O)}], got ${fmt(b._shape)}`);
  const [sh, sw] = pair(options.stride ?? 1, 'stride', op, 1);
  const [dh, dw] = pair(options.dilation ?? 1, 'dilation', op, 1);
  const [ph, pw] = pair(options.padding ?? 0, 'padding', op, 0);
  const [oph, opw] = pair(options.outputPadding ?? 0, 'outputPadding', op, 0);
  if ((oph >= sh && oph >= dh) || (opw >= sw && opw >= dw)) {
    throw new ValueError(`${op}: outputPadding ${fmt([oph, opw])} must be smaller than either stride ${fmt([sh, sw])} or dilation ${fmt([dh, dw])}`);
  }
  return on4d(input, op, (x) => {
    const [N, C, H, W] = x._shape;
    if (C !== Cin) throw new ShapeError(`${op}: weight ${fmt(weight._shape)} expects input with ${String(Cin)} channels, got input ${fmt(input._shape)}`);
    const Hout = (H - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1;
    const Wout = (W - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1;
    if (Hout < 1 || Wout < 1) throw new ShapeError(`${op}: output size ${fmt([Hout, Wout])} is too small for input ${fmt(input._shape)} and weight ${fmt(weight._shape)}`);
    // the conv2d whose input-gradient this is: image [N, O, Hout, Wout] -> columns of an H x W output
    const g: Geom = { kh, kw, sh, sw, pt: ph, pl: pw, pb: ph + oph, pr: pw + opw, dh, dw, Ho: H, Wo: W };
    const L = H * W, Kg = Og * kh * kw, Cg = Cin / groups;
    const out = noGrad(() => scope(() => {
      if (N * O * Hout * Wout === 0) return emptyTensor([N, O, Hout, Wout], x.dtype, x._storage.device, true, op);
      if (N * L * Cin === 0) {
        const z = emptyTensor([N, O, Hout, Wout], x.dtype, x._storage.device, true, op);
        return b ? add(z, b.view([1, O, 1, 1])) : z;
      }
      const xP = channelsFirst(x).view([groups, Cg, N * L]);
      const cols = matmul(weight.reshape([groups, Cg, Kg]).mT, xP);  // [G, Og*kh*kw, N*L]
      const y = col2im(cols.view([O * kh * kw, N * L]), [N, O, Hout, Wout], g, op);
      return b ? add(y, b.view([1, O, 1, 1])) : y;
    }));
    if (needsGrad(x, weight, b)) {
      record(op, [x, weight, b], [out], [x, weight], ([gy], [sx, sw2]) => scope(() => {
        const cols = im2colOp(gy!.isContiguous() ? gy! : gy!.contiguous(), g, op).view([groups, Kg, N * L]);
        let gx: Tensor | null = null, gw: Tensor | null = null, gb: Tensor | null = null;
        if (x.requiresGrad) {
          const m = matmul(sw2.reshape([groups, Cg, Kg]), cols);  // [G, Cg, N*L]
          gx = batchFirst(m.view([Cin, N * L]), N, H, W, null);
        }
        if (weight.requiresGrad) {
          gw = matmul(channelsFirst(sx).view([groups, Cg, N * L]), cols.mT).reshape(weight._shape as number[]).contiguous();
        }
        if (b && b.requiresGrad) gb = sum(gy!, [0, 2, 3]);
        return [gx, gw, gb];
      }), true);
    }
    return traceState.tracer === null ? out : traced(op, [x, weight, b], out, (gr, [vx, vw, vb]) => gr.op('ConvTranspose', vb.absent ? [vx.name, vw.name] : [vx.name, vw.name, vb.name], {
      kernel_shape: [kh, kw], strides: [sh, sw], pads: [ph, pw, ph, pw], output_padding: [oph, opw], dilations: [dh, dw], group: groups,
    }));
  });
}

// ---- pooling -------------------------------------------------------------------------------------

export interface MaxPool2dOptions {
  /** Step of the window (default: kernelSize). */
  stride?: Size2 | null;
  /** Implicit -inf padding on each side (at most half the kernel size; default 0). */
  padding?: Size2;
  /** Spacing between window taps (default 1). */
  dilation?: Size2;
  /** Use ceil instead of floor for the output size (default false). */
  ceilMode?: boolean;
  /** Also return the int32 argmax indices (flat h*W+w within each input plane). */
  returnIndices?: boolean;
}
export interface AvgPool2dOptions {
  stride?: Size2 | null;
  padding?: Size2;
  ceilMode?: boolean;
  /** Count the zero padding in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide every window by this instead of its size. */
  divisorOverride?: number | null;
}

/** PyTorch's pooling_output_shape for one dim. */
function poolOut(inp: number, k: number, pad: number, s: number, d: number, ceil: boolean): number {
  let o = Math.floor((inp + 2 * pad - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (o - 1) * s >= inp + pad) o--;
  return o;
}

interface PoolGeom { kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; dh: number; dw: number; Ho: number; Wo: number }

function poolGeom(x: Tensor, kernelSize: Size2, o: { stride?: Size2 | null; padding?: Size2; dilation?: Size2; ceilMode?: boolean }, op: string): PoolGeom {
  const [kh, kw] = pair(kernelSize, 'kernelSize', op, 1);
  const [sh, sw] = o.stride === undefined || o.stride === null || (Array.isArray(o.stride) && o.stride.length === 0) ? [kh, kw] : pair(o.stride, 'stride', op, 1);
  const [ph, pw] = pair(o.padding ?? 0, 'padding', op, 0);
  const [dh, dw] = pair(o.dilation ?? 1, 'dilation', op, 1);
  if (ph > kh / 2 || pw > kw / 2) throw new ValueError(`${op}: padding ${fmt([ph, pw])} should be at most half of the kernel size ${fmt([kh, kw])}`);
  const [, , H, W] = x._shape;
  const ceil = !!o.ceilMode;
  const Ho = poolOut(H, kh, ph, sh, dh, ceil), Wo = poolOut(W, kw, pw, sw, dw, ceil);
  if (Ho < 1 || Wo < 1) {
    throw new ShapeError(`${op}: input ${fmt(x._shape)} is too small for kernel ${fmt([kh, kw])} (dilation ${fmt([dh, dw])}, padding ${fmt([ph, pw])}): output would be ${fmt([Ho, Wo])}`);
  }
  // With dilation a window's taps can all fall in the padding (torch 1.13 then returns -inf with an
  // index outside the plane, and its backward writes there); refused here, naming the window
  for (const [n, k, p, s, d, out, axis] of [[H, kh, ph, sh, dh, Ho, 'height'], [W, kw, pw, sw, dw, Wo, 'width']] as const) {
    if (d === 1) continue;  // k consecutive taps from -p with p <= k / 2 always reach the input
    for (let i = 0; i < out; i++) {
      const first = i * s - p;
      let inside = false;
      for (let j = 0; j < k && !inside; j++) inside = first + j * d >= 0 && first + j * d < n;
      if (!inside) {
        throw new ValueError(`${op}: output ${axis} position ${String(i)} pools no element of the input ${fmt(x._shape)} (kernel ${fmt([kh, kw])}, stride ${fmt([sh, sw])}, padding ${fmt([ph, pw])}, dilation ${fmt([dh, dw])}${ceil ? ', ceilMode' : ''}): every tap of its window is padding`);
      }
    }
  }
  return { kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo };
}

function checkPoolInput(x: Tensor, op: string): void {
  if (!isFloating(x.dtype)) throw new DTypeError(`${op}: expected a floating input, got ${x.dtype}`);
}

/**
 * 2-D max pooling, as `torch.nn.functional.max_pool2d`. With `returnIndices` returns
 * `[output, indices]` (int32 flat positions h*W+w within each input plane, usable by a max unpool).
 * Ties go to the first maximum in the window; NaN propagates.
 *
 * ```ts
 * const y = fl.nn.maxPool2d(x, 2);                                 // [N, C, 28, 28] -> [N, C, 14, 14]
 * const [v, idx] = fl.nn.maxPool2d(x, 3, { stride: 2, padding: 1, returnIndices: true });
 * ```
 */
export function maxPool2d(input: Tensor, kernelSize: Size2, options: MaxPool2dOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(input: Tensor, kernelSize: Size2, options?: MaxPool2dOptions): Tensor;
export function maxPool2d(input: Tensor, kernelSize: Size2, ...args: ArgsThenOptions<[stride: Size2 | null, padding: Size2, dilation: Size2, ceilMode: boolean], MaxPool2dOptions>): Tensor;
export function maxPool2d(...args: unknown[]): Tensor | [Tensor, Tensor] {
  const { input, kernelSize, ...options } = CONV_ARGS.maxPool2d.parse(args) as { input: Tensor; kernelSize: Size2 } & MaxPool2dOptions;
  const op = 'maxPool2d';
  needTensor(input, 'input', op);
  checkPoolInput(input, op);
  let indices: Tensor | null = null;
  const out = on4d(input, op, (x) => {
    const g = poolGeom(x, kernelSize, options, op);
    const [N, C, H, W] = x._shape;
    const y = emptyTensor([N, C, g.Ho, g.Wo], x.dtype, x._storage.device, false, op);
    const idx = emptyTensor([N, C, g.Ho, g.Wo], 'int32', x._storage.device, false, op);
    try {
      call(MAXPOOL, op, [y, idx, x], [g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw]);
    } catch (e) { y.dispose(); idx.dispose(); throw e; }
    if (needsGrad(x)) {
      // the gradient scatters g to the argmax; its own gradient gathers from there
      const back = (gy: Tensor, si: Tensor): Tensor => {
        const gx = emptyTensor([N, C, H, W], x.dtype, x._storage.device, false, op);
        // the geometry lets the GPU gather per input pixel (the CPU kernel does not need it)
        call(MAXPOOL_BW, 'maxPool2d backward', [gx, gy, si], [g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw]);
        return linearNode('maxPool2dBackward', gy, gx, (gg, [sidx]) => gather(gg.reshape([N, C, H * W]), 2, sidx.reshape([N, C, g.Ho * g.Wo])).reshape([N, C, g.Ho, g.Wo]), [si]);
      };
      record(op, [x], [y], [idx], ([gy], [si]) => scope(() => [back(gy!, si)]));
    }
    const poolAttrs = { kernel_shape: [g.kh, g.kw], strides: [g.sh, g.sw], pads: [g.ph, g.pw, g.ph, g.pw], dilations: [g.dh, g.dw], ceil_mode: options.ceilMode ? 1 : 0 };
    if (traceState.tracer !== null && !options.returnIndices) traced(op, [x], y, (gr, [vx]) => gr.op('MaxPool', [vx.name], poolAttrs));
    // ONNX's indices count over the whole [N, C, H, W] input: modulo H·W they are torch's h·W + w
    if (traceState.tracer !== null && options.returnIndices) {
      tracedMany(op, [x], [y, idx], (gr, [vx]) => {
        const [v, i] = gr.node('MaxPool', [vx.name], poolAttrs, 2);
        return [v, gr.cast(gr.op('Mod', [i, gr.size(H * W)]), 'int64', 'int32')];
      });
    }
    if (options.returnIndices && input.ndim === 3) {
      indices = idx.squeeze(0);
      idx.dispose();
    } else if (options.returnIndices) indices = idx;
    else idx.dispose();
    return y;
  });
  return options.returnIndices ? [out, indices!] : out;
}

/**
 * 2-D average pooling, as `torch.nn.functional.avg_pool2d` (zero padding counted in the divisor
 * unless `countIncludePad: false`; `divisorOverride` replaces the divisor).
 *
 * ```ts
 * const y = fl.nn.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false });
 * ```
 */
export function avgPool2d(input: Tensor, kernelSize: Size2, options?: AvgPool2dOptions): Tensor;
export function avgPool2d(input: Tensor, kernelSize: Size2, ...args: ArgsThenOptions<[stride: Size2 | null, padding: Size2, ceilMode: boolean, countIncludePad: boolean, divisorOverride: number | null], AvgPool2dOptions>): Tensor;
export function avgPool2d(...args: unknown[]): Tensor {
  const { input, kernelSize, ...options } = CONV_ARGS.avgPool2d.parse(args) as { input: Tensor; kernelSize: Size2 } & AvgPool2dOptions;
  const op = 'avgPool2d';
  needTensor(input, 'input', op);
  checkPoolInput(input, op);
  const div = options.divisorOverride ?? 0;
  if (options.divisorOverride !== undefined && options.divisorOverride !== null && !(Number.isInteger(div) && div > 0)) {
    throw new ValueError(`${op}: divisorOverride must be a positive integer, got ${describeArg(options.divisorOverride)}`);
  }
  const includePad = options.countIncludePad ?? true;
  return on4d(input, op, (x) => {
    const g = poolGeom(x, kernelSize, options, op);
    const [N, C, H, W] = x._shape;
    const params = [g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, includePad ? 1 : 0, div];
    const y = emptyTensor([N, C, g.Ho, g.Wo], x.dtype, x._storage.device, false, op);
    try { call(AVGPOOL, op, [y, x], params); } catch (e) { y.dispose(); throw e; }
    if (needsGrad(x)) {
      // the backward and the forward are each other's adjoint (see linearNode)
      const fwd = (t: Tensor): Tensor => {
        const o = emptyTensor([N, C, g.Ho, g.Wo], x.dtype, x._storage.device, false, op);
        call(AVGPOOL, op, [o, t], params);
        return linearNode(op, t, o, back);
      };
      const back = (gy: Tensor): Tensor => {
        const gx = emptyTensor([N, C, H, W], x.dtype, x._storage.device, false, op);
        call(AVGPOOL_BW, 'avgPool2d backward', [gx, gy], params);
        return linearNode('avgPool2dBackward', gy, gx, fwd);
      };
      record(op, [x], [y], [], ([gy]) => scope(() => [back(gy!)]));
    }
    return traceState.tracer === null ? y : traced(op, [x], y, (gr, [vx]) => (div ? sumPool(gr, vx.name, y.dtype === 'float64' ? 'float64' : 'float32', [g.kh, g.kw], [g.sh, g.sw], [g.ph, g.pw], [H, W], [g.Ho, g.Wo], div) : gr.op('AveragePool', [vx.name], {
      kernel_shape: [g.kh, g.kw], strides: [g.sh, g.sw], pads: [g.ph, g.pw, g.ph, g.pw], ceil_mode: options.ceilMode ? 1 : 0, count_include_pad: includePad ? 1 : 0,
    })));
  });
}

/**
 * Adaptive 2-D average pooling to a fixed output size, as `torch.nn.functional.adaptive_avg_pool2d`:
 * output cell (i, j) averages rows [floor(i*H/Ho), ceil((i+1)*H/Ho)) and likewise columns.
 * A null entry keeps that input size.
 *
 * ```ts
 * fl.nn.adaptiveAvgPool2d(x, 1);          // global average pooling: [N, C, 1, 1]
 * fl.nn.adaptiveAvgPool2d(x, [5, null]);  // [N, C, 5, W]
 * ```
 */
export function adaptiveAvgPool2d(input: Tensor, outputSize: number | readonly [number | null, number | null]): Tensor;
export function adaptiveAvgPool2d(...args: unknown[]): Tensor {
  const { input, outputSize } = CONV_ARGS.adaptiveAvgPool2d.parse(args) as { input: Tensor; outputSize: number | readonly [number | null, number | null] };
  const op = 'adaptiveAvgPool2d';
  needTensor(input, 'input', op);
  checkPoolInput(input, op);
  return on4d(input, op, (x) => {
    const [N, C, H, W] = x._shape;
    const raw = typeof outputSize === 'number' ? [outputSize, outputSize] : outputSize;
    if (!Array.isArray(raw) || raw.length !== 2) throw new ValueError(`${op}: outputSize must be a number or a pair, got ${describeArg(outputSize)}`);
    const [Ho, Wo] = [raw[0] ?? H, raw[1] ?? W];
    if (!Number.isInteger(Ho) || !Number.isInteger(Wo) || Ho < 1 || Wo < 1) {
      throw new ValueError(`${op}: outputSize must hold positive integers (or null), got ${describeArg(outputSize)}`);
    }
    if ((H === 0 || W === 0) && N * C > 0) throw new ShapeError(`${op}: expected non-empty spatial dims, got input ${fmt(input._shape)}`);
    const y = emptyTensor([N, C, Ho, Wo], x.dtype, x._storage.device, false, op);
    try { call(ADAPTIVE, op, [y, x]); } catch (e) { y.dispose(); throw e; }
    if (needsGrad(x)) {
      const fwd = (t: Tensor): Tensor => {
        const o = emptyTensor([N, C, Ho, Wo], x.dtype, x._storage.device, false, op);
        call(ADAPTIVE, op, [o, t]);
        return linearNode(op, t, o, back);
      };
      const back = (gy: Tensor): Tensor => {
        const gx = emptyTensor([N, C, H, W], x.dtype, x._storage.device, false, op);
        call(ADAPTIVE_BW, 'adaptiveAvgPool2d backward', [gx, gy]);
        return linearNode('adaptiveAvgPool2dBackward', gy, gx, fwd);
      };
      record(op, [x], [y], [], ([gy]) => scope(() => [back(gy!)]));
    }
    // global pooling, or equal windows (sizes that divide): the adaptive windows of other sizes overlap unevenly
    return traceState.tracer === null ? y : traced(op, [x], y, (gr, [vx]) => (Ho === 1 && Wo === 1 ? gr.op('GlobalAveragePool', [vx.name])
      : H % Ho === 0 && W % Wo === 0 ? gr.op('AveragePool', [vx.name], { kernel_shape: [H / Ho, W / Wo], strides: [H / Ho, W / Wo] })
        : adaptivePool(gr, vx.name, vx.dtype, 'ReduceMean', [2, 3], [H, W], [Ho, Wo])));
  });
}
