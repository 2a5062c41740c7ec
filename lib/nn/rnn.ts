// rnn.ts — recurrent layers: `LSTM`, `GRU` and the Elman `RNN` (tanh or relu), multi-layer,
// optionally bidirectional, with PyTorch's parameter names (`weight_ih_l0`, `bias_hh_l1_reverse`, …)
// and gate order (LSTM: i, f, g, o; GRU: r, z, n), so that state dicts load from PyTorch
// checkpoints unchanged. The single-step cells (`LSTMCell`, `GRUCell`, `RNNCell`): rnn_cell.ts.
//
// The input projection of a whole layer is one matmul ([T, B, I] @ [I, G·H]) before the time loop,
// so each step does one [B, H] @ [H, G·H] matmul plus the gate math. Each layer and direction runs
// as ONE autograd node (lstmSequence, lstm_cell.ts; gruSequence, gru_cell.ts: the fused cell per
// step, the backward's weight gradient one GEMM over the sequence, as cuDNN's RNN does); the
// composed path below (one fused-cell node and one matmul node per step, whose autograd does the
// backpropagation through time) stays for ONNX export (it traces the unrolled loop), autocast, and
// empty sequences or batches. The Elman RNN's step is its recurrent matmul, an add and the
// activation (no fused cell: one activation op is the whole gate math).
//
// A PackedSequence input (lib/nn/packed.ts: the sequences sorted by length, step t's rows the first
// batchSizes[t] sequences) runs per step on those first rows only: the state is [B, H] throughout,
// step t updates its first batchSizes[t] rows (narrow, the step, cat with the rest), so a finished
// sequence keeps its last state (forward direction) and one not yet started keeps h0 (reverse: it
// starts at its own last step). That is the composed path's step (fused cells, one matmul node per
// step; the input projection one GEMM over the packed rows), so the fused whole-sequence nodes and
// the ordinary padded input's fast path stay as they were.
import { describeArg } from '../arity';
import { DTypeError, ShapeError, ValueError } from '../errors';
import { isFloating, DType } from '../dtype';
import { getDefaultDtype } from '../defaults';
import { scope, Tensor } from '../tensor';
import { gruCell, gruSequence } from './gru_cell';
import { checkRecurrentInput, checkRecurrentState } from './rnn_checks';
import { lstmCell, lstmSequence, rnnSequenceOpsOn } from './lstm_cell';
import { traceState } from '../trace';
import { autocastLowDtype, castLow } from '../amp';
import { add, relu, tanh } from '../ops/elementwise';
import { zeros } from '../ops/creation';
import { matmul } from '../ops/matmul';
import { cat, narrow, select, stack, transpose, unbind, unsqueeze, squeeze } from '../ops/views';
import { indexSelect } from '../ops/indexing';
import { fmt } from '../shape';
import { PackedSequence, packedLayout } from './packed';
import { Module } from './module';
import { dropoutOp as dropout } from './functional';
import { newParameter } from './params';
import { uniform_ } from './init';
import * as A from '../args';
import { ArgsThenOptions, optional, required, signature } from '../args';

/** Options shared by `LSTM`, `GRU` and `RNN` (PyTorch's keyword arguments in camelCase). */
export interface RNNOptions {
  /** Stacked recurrent layers (default 1). */
  numLayers?: number;
  /** Whether the layers have `bias_ih`/`bias_hh` (default true). */
  bias?: boolean;
  /** Input and output are [batch, seq, feature] instead of [seq, batch, feature] (default false). */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, in training mode (default 0). */
  dropout?: number;
  /** Run a second set of layers backwards in time and concatenate both outputs (default false). */
  bidirectional?: boolean;
  /** Parameter dtype (default float32). */
  dtype?: DType;
  /** Parameter device (default 'cpu'). */
  device?: string;
}

/** Options of `RNN`: those of `LSTM` and `GRU` and its activation. */
export interface ElmanRNNOptions extends RNNOptions {
  /** The activation of each step: 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
}

/** PyTorch's `mode` of a recurrent layer. */
export type RNNMode = 'LSTM' | 'GRU' | 'RNN_TANH' | 'RNN_RELU';
type Kind = 'LSTM' | 'GRU' | 'RNN';

// PyTorch: LSTM(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
// bidirectional=False, *, device, dtype); GRU the same; RNN with nonlinearity='tanh' after
// num_layers (lib/args.ts).
const RNN_PARAMS = {
  inputSize: required(A.anyValue<number>()), hiddenSize: required(A.anyValue<number>()), numLayers: optional(A.anyValue<number>(), 1),
  bias: optional(A.bool, true), batchFirst: optional(A.bool, false), dropout: optional(A.anyValue<number>(), 0), bidirectional: optional(A.bool, false),
  dtype: optional(A.dtype), device: optional(A.device),
};
const GATED_POSITIONAL = ['inputSize', 'hiddenSize', 'numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional'] as const;
const RNN_ARGS = {
  LSTM: signature('LSTM', GATED_POSITIONAL, RNN_PARAMS),
  GRU: signature('GRU', GATED_POSITIONAL, RNN_PARAMS),
  RNN: signature('RNN', ['inputSize', 'hiddenSize', 'numLayers', 'nonlinearity', 'bias', 'batchFirst', 'dropout', 'bidirectional'],
    { ...RNN_PARAMS, nonlinearity: optional(A.oneOf('tanh', 'relu'), 'tanh') }),
};
const GATES: Record<Kind, number> = { LSTM: 4, GRU: 3, RNN: 1 };
const MAX_LAYERS = 65536;

function posInt(v: unknown, what: string, op: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new ValueError(`${op}: ${what} must be a positive integer, got ${describeArg(v)}`);
  return v;
}

/** The shared machinery of `LSTM`, `GRU` and `RNN`; not used directly. */
export abstract class RNNBase extends Module {
  /** PyTorch's mode: 'LSTM', 'GRU', 'RNN_TANH' or 'RNN_RELU'. */
  readonly mode: RNNMode;
  /** The layer's class name, for messages. */
  protected readonly kind: Kind;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;

  /** `args`: the subclass constructor's arguments, in PyTorch's order (see lib/args.ts). */
  constructor(kind: Kind, args: readonly unknown[]) {
    super();
    if (kind !== 'LSTM' && kind !== 'GRU' && kind !== 'RNN') throw new ValueError(`RNNBase: construct nn.LSTM, nn.GRU or nn.RNN, got ${describeArg(kind)}`);
    if (!Array.isArray(args)) throw new ValueError(`${kind}: expected the constructor's arguments as an array`);
    const options = kind === 'RNN' ? RNN_ARGS.RNN.parse(args) : { ...RNN_ARGS[kind].parse(args), nonlinearity: null };
    this.kind = kind;
    this.mode = kind === 'RNN' ? (options.nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU') : kind;
    this.inputSize = posInt(options.inputSize, 'inputSize', kind);
    this.hiddenSize = posInt(options.hiddenSize, 'hiddenSize', kind);
    this.numLayers = posInt(options.numLayers, 'numLayers', kind);
    // each layer holds its own parameter tensors (JavaScript objects): a count in the billions
    // would exhaust V8's heap, which ends the process instead of throwing
    if (this.numLayers > MAX_LAYERS) throw new ValueError(`${kind}: numLayers must be at most ${MAX_LAYERS}, got ${this.numLayers}`);
    this.bias = options.bias;
    this.batchFirst = options.batchFirst;
    const p = options.dropout;
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new ValueError(`${kind}: dropout must be a number in [0, 1], got ${describeArg(p)}`);
    this.dropout = p;
    this.bidirectional = options.bidirectional;
    const H = this.hiddenSize;
    const G = GATES[kind] * H;
    const k = 1 / Math.sqrt(H);
    const D = this.bidirectional ? 2 : 1;
    const opts = { dtype: options.dtype ?? getDefaultDtype(), device: options.device };
    const init = (t: Tensor) => uniform_(t, -k, k);
    if (!isFloating(opts.dtype)) throw new DTypeError(`${kind}: dtype must be floating, got ${String(opts.dtype)}`);
    const self = this as unknown as Record<string, Tensor>;
    // PyTorch's registration order: per layer, per direction: w_ih, w_hh, b_ih, b_hh
    for (let l = 0; l < this.numLayers; l++) {
      const inp = l === 0 ? this.inputSize : H * D;
      for (let d = 0; d < D; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        self[`weight_ih${sfx}`] = newParameter([G, inp], opts, init);
        self[`weight_hh${sfx}`] = newParameter([G, H], opts, init);
        if (this.bias) {
          self[`bias_ih${sfx}`] = newParameter([G], opts, init);
          self[`bias_hh${sfx}`] = newParameter([G], opts, init);
        }
      }
    }
  }

  /** @internal The parameters of one layer and direction, read by name (so `to()` replacements are seen). */
  protected weights(l: number, d: number): { wih: Tensor; whh: Tensor; bih: Tensor | null; bhh: Tensor | null } {
    const self = this as unknown as Record<string, Tensor>;
    const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
    return { wih: self[`weight_ih${sfx}`], whh: self[`weight_hh${sfx}`], bih: this.bias ? self[`bias_ih${sfx}`] : null, bhh: this.bias ? self[`bias_hh${sfx}`] : null };
  }

  /** @internal The forward of a layer with one state (GRU, RNN): [output, hN]. */
  protected forwardH(x: Tensor | PackedSequence, h0?: Tensor | null): [Tensor | PackedSequence, Tensor] {
    if (x instanceof PackedSequence) {
      const [out, [hN]] = this.forwardPacked(x, [h0]);
      return [out, hN];
    }
    return scope(() => {
      const { xs, unbatched, batch } = this.prepareInput(x);
      const D = this.bidirectional ? 2 : 1;
      const h = h0 != null
        ? this.checkState(h0, 'h0', unbatched ? null : batch, x)
        : zeros([this.numLayers * D, batch, this.hiddenSize], { dtype: x.dtype, device: x.device });
      const { out, hN } = this.runLayers(xs, unbatched && h0 != null ? unsqueeze(h, 1) : h, null);
      return [restore(out, unbatched, this.batchFirst, false), restore(hN, unbatched, false, true)] as [Tensor, Tensor];
    });
  }

  /**
   * @internal The forward of a PackedSequence: `states` ([h0] or [h0, c0], each absent or [L·D, B, H]
   * in the caller's batch order) are permuted into the sorted order and the final states back, as
   * torch's permute_hidden; returns the output PackedSequence (the input's batch sizes and
   * permutations) and the final states.
   */
  protected forwardPacked(p: PackedSequence, states: readonly (Tensor | null | undefined)[]): [PackedSequence, Tensor[]] {
    const x = checkRecurrentInput(p.data, this.kind, 1, this.inputSize, this.weights(0, 0).wih.dtype);
    if (x.ndim !== 2) throw new ShapeError(`${this.kind}: a PackedSequence's data must be 2-D [Σ lengths, ${this.inputSize}], got shape ${fmt(x._shape)}`);
    const { batchSizes, offsets } = packedLayout(p, this.kind);
    const B = batchSizes[0];
    const D = this.bidirectional ? 2 : 1;
    const names = states.length === 2 ? ['h0', 'c0'] : ['h0'];
    return scope(() => {
      const s0 = names.map((name, i) => {
        const given = states[i];
        if (given == null) return zeros([this.numLayers * D, B, this.hiddenSize], { dtype: x.dtype, device: x.device });
        const h = this.checkState(given, name, B, x);
        return p.sortedIndices ? indexSelect(h, 1, p.sortedIndices) : h;
      });
      const { out, hN, cN } = this.runPackedLayers(x, s0[0], s0.length === 2 ? s0[1] : null, batchSizes, offsets);
      const back = (t: Tensor): Tensor => (p.unsortedIndices ? indexSelect(t, 1, p.unsortedIndices) : t);
      const dev = out.device;
      const packed = new PackedSequence(out, p.batchSizes.to('cpu'), p.sortedIndices?.to(dev) ?? null, p.unsortedIndices?.to(dev) ?? null);
      return [packed, cN ? [back(hN), back(cN)] : [back(hN)]] as [PackedSequence, Tensor[]];
    });
  }

  /** @internal runLayers over packed rows x [N, I] (see the head of this file). */
  private runPackedLayers(x: Tensor, h0: Tensor, c0: Tensor | null, bs: readonly number[], offsets: readonly number[]): { out: Tensor; hN: Tensor; cN: Tensor | null } {
    const D = this.bidirectional ? 2 : 1;
    const hs: Tensor[] = [];
    const cs: Tensor[] = [];
    let input = x;
    for (let l = 0; l < this.numLayers; l++) {
      const dirOuts: Tensor[] = [];
      for (let d = 0; d < D; d++) {
        const { h, c, out } = this.runPackedDirection(input, l, d, select(h0, 0, l * D + d), c0 ? select(c0, 0, l * D + d) : null, bs, offsets);
        hs.push(h);
        if (c) cs.push(c);
        dirOuts.push(out);
      }
      input = D === 1 ? dirOuts[0] : cat(dirOuts, 1);
      if (this.training && this.dropout > 0 && l < this.numLayers - 1) input = dropout(input, this.dropout, true, this.kind);
    }
    return { out: input, hN: stack(hs, 0), cN: c0 ? stack(cs, 0) : null };
  }

  /**
   * @internal What runDirection and runPackedDirection start from: layer l, direction d's weights
   * and states, cast under autocast (recorded casts: the parameters get float32 gradients), and the
   * input projection of every step at once (rows of a [T, B, ·] or packed [N, ·] input). LSTM and RNN
   * fold both biases into it (one pass, one sum for their gradients); the GRU's b_hn stays out (it
   * sits inside r·(W_hn·h + b_hn)).
   */
  private directionInputs(input: Tensor, l: number, d: number, h0: Tensor, c0: Tensor | null): { h0: Tensor; c0: Tensor | null; whh: Tensor; bhh: Tensor | null; xw: Tensor } {
    let { wih, whh, bih, bhh } = this.weights(l, d);
    if (autocastLowDtype() !== null) {
      [input, h0, wih, whh] = [input, h0, wih, whh].map(castLow);
      if (c0) c0 = castLow(c0);
      if (bih) bih = castLow(bih);
      if (bhh) bhh = castLow(bhh);
    }
    let xw = matmul(input, transpose(wih, 0, 1));
    if (this.mode !== 'GRU' && bih && bhh) xw = add(xw, add(bih, bhh));
    else if (bih) xw = add(xw, bih);
    return { h0, c0, whh, bhh: bhh ?? null, xw };
  }

  /**
   * @internal One layer in one direction over packed rows: step t updates the first bs[t] rows of
   * the [B, H] state (the reverse direction walks t from the last step down, so each sequence starts
   * at its own last step from h0). Autocast as runDirection.
   */
  private runPackedDirection(input: Tensor, l: number, d: number, h0_: Tensor, c0_: Tensor | null, bs: readonly number[], offsets: readonly number[]) {
    const { h0, c0, whh, bhh, xw } = this.directionInputs(input, l, d, h0_, c0_);
    const lstm = this.mode === 'LSTM', gru = this.mode === 'GRU';
    const whhT = transpose(whh, 0, 1);
    const T = bs.length, B = bs[0];
    let h = h0;
    let c = c0;
    const outs: Tensor[] = new Array(T);
    for (let s = 0; s < T; s++) {
      const t = d === 0 ? s : T - 1 - s;
      const n = bs[t];
      const xt = narrow(xw, 0, offsets[t], n);
      const hp = n === B ? h : narrow(h, 0, 0, n);
      let hn: Tensor;
      let cn: Tensor | null = null;
      if (lstm) {
        [hn, cn] = lstmCell(xt, matmul(hp, whhT), n === B ? c! : narrow(c!, 0, 0, n));
      } else if (gru) {
        let hw = matmul(hp, whhT);
        if (bhh) hw = add(hw, bhh);
        hn = gruCell(xt, hw, hp);
      } else {
        const pre = add(xt, matmul(hp, whhT));
        hn = this.mode === 'RNN_TANH' ? tanh(pre) : relu(pre);
      }
      outs[t] = hn;
      h = n === B ? hn : cat([hn, narrow(h, 0, n, B - n)], 0);
      if (cn) c = n === B ? cn : cat([cn, narrow(c!, 0, n, B - n)], 0);
    }
    return { h, c, out: cat(outs, 0) };
  }

  /** @internal Checks a state tensor against [layers·dirs, (B,) H]. */
  protected checkState(state: unknown, name: string, batch: number | null, x: Tensor): Tensor {
    const D = this.bidirectional ? 2 : 1;
    const want = batch === null ? [this.numLayers * D, this.hiddenSize] : [this.numLayers * D, batch, this.hiddenSize];
    return checkRecurrentState(state, this.kind, name, want, x);
  }

  /** @internal Validates the input; returns it as [T, B, I] plus whether it was unbatched. */
  protected prepareInput(input: unknown): { xs: Tensor; unbatched: boolean; batch: number } {
    const x = checkRecurrentInput(input, this.kind, 2, this.inputSize, this.weights(0, 0).wih.dtype);
    if (x.ndim === 2) return { xs: unsqueeze(x, 1), unbatched: true, batch: 1 };
    // [T, B, I] in memory: the input projection is then one GEMM, and so are its weight's and the
    // input's gradients (a strided [T, B] would be a batch of T products and a sum)
    const xs = this.batchFirst ? transpose(x, 0, 1).contiguous() : x;
    return { xs, unbatched: false, batch: xs._shape[1] };
  }

  /**
   * @internal Runs all layers over xs [T, B, I] from initial states (each [L·D, B, H]);
   * returns the output [T, B, D·H] and the final states stacked as [L·D, B, H].
   */
  protected runLayers(xs: Tensor, h0: Tensor, c0: Tensor | null): { out: Tensor; hN: Tensor; cN: Tensor | null } {
    const D = this.bidirectional ? 2 : 1;
    const T = xs._shape[0];
    const hs: Tensor[] = [];
    const cs: Tensor[] = [];
    let input = xs;
    for (let l = 0; l < this.numLayers; l++) {
      const dirOuts: Tensor[] = [];
      for (let d = 0; d < D; d++) {
        const { h, c, out } = this.runDirection(input, l, d, select(h0, 0, l * D + d), c0 ? select(c0, 0, l * D + d) : null, T);
        hs.push(h);
        if (c) cs.push(c);
        dirOuts.push(out);
      }
      input = D === 1 ? dirOuts[0] : cat(dirOuts, 2);
      if (this.training && this.dropout > 0 && l < this.numLayers - 1) input = dropout(input, this.dropout, true, this.kind);
    }
    return { out: input, hN: stack(hs, 0), cN: c0 ? stack(cs, 0) : null };
  }

  /**
   * @internal One layer in one direction over the whole sequence. Under autocast the layer runs in
   * the autocast dtype, as torch.autocast runs cuDNN's RNN (its output and states in that dtype):
   * the float32 input, states and parameters are cast first (recorded casts: the parameters get
   * float32 gradients).
   */
  private runDirection(input: Tensor, l: number, d: number, h0_: Tensor, c0_: Tensor | null, T: number) {
    const H = this.hiddenSize;
    const { h0, c0, whh, bhh, xw } = this.directionInputs(input, l, d, h0_, c0_);
    const lstm = this.mode === 'LSTM', gru = this.mode === 'GRU';
    if ((lstm || gru) && T > 0 && xw._shape[1] > 0 && rnnSequenceOpsOn() && traceState.tracer === null && autocastLowDtype() === null) {
      if (lstm) {
        const [out, h, c] = lstmSequence(xw, whh, h0, c0!, d === 1);
        return { h, c, out };
      }
      const [out, h] = gruSequence(xw, whh, bhh, h0, d === 1);
      return { h, c: null, out };
    }
    const whhT = transpose(whh, 0, 1);
    let h = h0;
    let c = c0;
    const outs: Tensor[] = new Array(T);
    const xts = unbind(xw, 0);
    for (let s = 0; s < T; s++) {
      const t = d === 0 ? s : T - 1 - s;
      const xt = xts[t];
      if (lstm) {
        [h, c] = lstmCell(xt, matmul(h, whhT), c!);
      } else if (gru) {
        let hw = matmul(h, whhT);
        if (bhh) hw = add(hw, bhh);
        h = gruCell(xt, hw, h);
      } else {
        const pre = add(xt, matmul(h, whhT));
        h = this.mode === 'RNN_TANH' ? tanh(pre) : relu(pre);
      }
      outs[t] = h;
    }
    return { h, c, out: T === 0 ? zeros([0, h0._shape[0], H], { dtype: h0.dtype, device: h0.device }) : stack(outs, 0) };
  }

  extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += ', bias=False';
    if (this.batchFirst) s += ', batch_first=True';
    if (this.dropout) s += `, dropout=${this.dropout}`;
    if (this.bidirectional) s += ', bidirectional=True';
    return s;
  }
}

/** Puts a [T, B, F] result back into the caller's layout. */
function restore(t: Tensor, unbatched: boolean, batchFirst: boolean, isState: boolean): Tensor {
  if (unbatched) return squeeze(t, 1);
  if (batchFirst && !isState) return transpose(t, 0, 1);
  return t;
}

/**
 * Multi-layer long short-term memory, as `torch.nn.LSTM`. Input [T, B, I] (or [B, T, I] with
 * `batchFirst`, or unbatched [T, I]); initial state `[h0, c0]`, each [layers·dirs, B, H] (zeros when
 * omitted). Returns `[output, [hN, cN]]`, output [T, B, dirs·H].
 *
 * Each layer and direction is one autograd node for the whole sequence (as cuDNN's RNN): its
 * backward runs the time loop without recording and computes the weights' gradients as one GEMM
 * each over the sequence. Gradients reach the input, `h0`/`c0` and every parameter. The output of a
 * one-direction LSTM is a view of the states that node saved: changing it in place before
 * `backward()` is an AutogradError. (flintml's backward never records a graph itself, so there are
 * no higher-order gradients through this, as through any op.)
 *
 * A `PackedSequence` input (`nn.utils.rnn.packPaddedSequence`) gives a PackedSequence output and
 * each sequence's final state at its own last step (the reverse direction starts there); `h0`/`c0`
 * and `hN`/`cN` are in the batch's original order, as torch's.
 *
 * ```ts
 * const lstm = new nn.LSTM(10, 20, { numLayers: 2, batchFirst: true });
 * const [y, [h, c]] = lstm.forward(fl.randn([3, 5, 10])); // y: [3, 5, 20], h and c: [2, 3, 20]
 * const [py] = lstm.forward(nn.utils.rnn.packPaddedSequence(fl.randn([3, 5, 10]), [2, 5, 4], true, false));
 * ```
 */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options?: RNNOptions);
  constructor(inputSize: number, hiddenSize: number, ...args: ArgsThenOptions<[numLayers: number, bias: boolean, batchFirst: boolean, dropout: number, bidirectional: boolean], RNNOptions>);
  constructor(...args: unknown[]) { super('LSTM', args); }

  forward(x: PackedSequence, hx?: [Tensor, Tensor] | null): [PackedSequence, [Tensor, Tensor]];
  forward(x: Tensor, hx?: [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]];
  forward(x: Tensor | PackedSequence, hx?: [Tensor, Tensor] | null): [Tensor | PackedSequence, [Tensor, Tensor]] {
    if (hx != null && (!Array.isArray(hx) || hx.length !== 2)) throw new ValueError('LSTM: the initial state must be [h0, c0]');
    if (x instanceof PackedSequence) {
      const [out, [hN, cN]] = this.forwardPacked(x, hx ? [hx[0], hx[1]] : [null, null]);
      return [out, [hN, cN]];
    }
    return scope(() => {
      const { xs, unbatched, batch } = this.prepareInput(x);
      const D = this.bidirectional ? 2 : 1;
      const zero = () => zeros([this.numLayers * D, batch, this.hiddenSize], { dtype: x.dtype, device: x.device });
      const bdim = unbatched ? null : batch;
      const h0 = hx ? this.checkState(hx[0], 'h0', bdim, x) : zero();
      const c0 = hx ? this.checkState(hx[1], 'c0', bdim, x) : zero();
      const { out, hN, cN } = this.runLayers(xs, unbatched && hx ? unsqueeze(h0, 1) : h0, unbatched && hx ? unsqueeze(c0, 1) : c0);
      return [restore(out, unbatched, this.batchFirst, false), [restore(hN, unbatched, false, true), restore(cN!, unbatched, false, true)]] as [Tensor, [Tensor, Tensor]];
    });
  }
}

/**
 * Multi-layer gated recurrent unit, as `torch.nn.GRU`. Input [T, B, I] (or [B, T, I] with
 * `batchFirst`, or unbatched [T, I]); initial state h0 [layers·dirs, B, H] (zeros when omitted).
 * Returns `[output, hN]`. A `PackedSequence` input gives a PackedSequence output, as for `LSTM`.
 *
 * Each layer and direction is one autograd node for the whole sequence, as for `LSTM` (and with
 * the same rule: the output of a one-direction GRU is a view of the states that node saved).
 *
 * ```ts
 * const gru = new nn.GRU(10, 20);
 * const [y, h] = gru.forward(fl.randn([5, 3, 10])); // y: [5, 3, 20], h: [1, 3, 20]
 * ```
 */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options?: RNNOptions);
  constructor(inputSize: number, hiddenSize: number, ...args: ArgsThenOptions<[numLayers: number, bias: boolean, batchFirst: boolean, dropout: number, bidirectional: boolean], RNNOptions>);
  constructor(...args: unknown[]) { super('GRU', args); }

  forward(x: PackedSequence, h0?: Tensor | null): [PackedSequence, Tensor];
  forward(x: Tensor, h0?: Tensor | null): [Tensor, Tensor];
  forward(x: Tensor | PackedSequence, h0?: Tensor | null): [Tensor | PackedSequence, Tensor] { return this.forwardH(x, h0); }
}

/**
 * Multi-layer Elman recurrent network, as `torch.nn.RNN`: h_t = act(x_t·W_ihᵀ + b_ih + h_{t-1}·W_hhᵀ
 * + b_hh) with act tanh (default) or relu. Input [T, B, I] (or [B, T, I] with `batchFirst`, or
 * unbatched [T, I]); initial state h0 [layers·dirs, B, H] (zeros when omitted). Returns
 * `[output, hN]`, output [T, B, dirs·H]. A `PackedSequence` input gives a PackedSequence output,
 * as for `LSTM`.
 *
 * ```ts
 * const rnn = new nn.RNN(10, 20, { numLayers: 2, nonlinearity: 'relu' });
 * const [y, h] = rnn.forward(fl.randn([5, 3, 10])); // y: [5, 3, 20], h: [2, 3, 20]
 * new nn.RNN(10, 20, 2, 'tanh');                     // PyTorch's positional order
 * ```
 */
export class RNN extends RNNBase {
  /** The activation: 'tanh' or 'relu'. */
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(inputSize: number, hiddenSize: number, options?: ElmanRNNOptions);
  constructor(inputSize: number, hiddenSize: number, ...args: ArgsThenOptions<[numLayers: number, nonlinearity: 'tanh' | 'relu', bias: boolean, batchFirst: boolean, dropout: number, bidirectional: boolean], ElmanRNNOptions>);
  constructor(...args: unknown[]) {
    super('RNN', args);
    this.nonlinearity = this.mode === 'RNN_RELU' ? 'relu' : 'tanh';
  }

  forward(x: PackedSequence, h0?: Tensor | null): [PackedSequence, Tensor];
  forward(x: Tensor, h0?: Tensor | null): [Tensor, Tensor];
  forward(x: Tensor | PackedSequence, h0?: Tensor | null): [Tensor | PackedSequence, Tensor] { return this.forwardH(x, h0); }
}
