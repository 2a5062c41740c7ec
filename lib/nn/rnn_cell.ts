// rnn_cell.ts — the single-step recurrent cells, as torch.nn's: `LSTMCell`, `GRUCell` and the Elman
// `RNNCell` (tanh or relu). A step is the two projections (F.linear of the input and of the state,
// PyTorch's parameter names `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`) and the gate math: the
// fused cells of lstm_cell.ts / gru_cell.ts (one native op and one autograd node), or the Elman
// activation. Input [B, I] or unbatched [I]; states [B, H] (or [H]), zeros when omitted.
import { DTypeError, ValueError } from '../errors';
import { describeArg } from '../arity';
import { isFloating } from '../dtype';
import { autocastLowDtype, castLow } from '../amp';
import { add, relu, tanh } from '../ops/elementwise';
import { zeros } from '../ops/creation';
import { squeeze, unsqueeze } from '../ops/views';
import { scope, Tensor } from '../tensor';
import { linearOp as linear } from './functional';
import { gruCell } from './gru_cell';
import { uniform_ } from './init';
import { FactoryOptions, newParameter, pyBool } from './params';
import { lstmCell } from './lstm_cell';
import { checkRecurrentInput, checkRecurrentState } from './rnn_checks';
import { Module } from './module';
import * as A from '../args';
import { factoryKeywords as FACTORY, optional, required, signature } from '../args';

/** Options of `LSTMCell` and `GRUCell`. */
export interface RNNCellOptions extends FactoryOptions {
  /** Whether the cell has `bias_ih`/`bias_hh` (default true). */
  bias?: boolean;
}

/** Options of `RNNCell`. */
export interface ElmanRNNCellOptions extends RNNCellOptions {
  /** The activation: 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
}

type Kind = 'LSTMCell' | 'GRUCell' | 'RNNCell';
const SIZE = A.int({ min: 1 });
const CELL_PARAMS = { inputSize: required(SIZE), hiddenSize: required(SIZE), bias: optional(A.bool, true), ...FACTORY };
// PyTorch: LSTMCell(input_size, hidden_size, bias=True, device=None, dtype=None); GRUCell the same;
// RNNCell(input_size, hidden_size, bias=True, nonlinearity='tanh', device=None, dtype=None)
const CELL_ARGS = {
  LSTMCell: signature('LSTMCell', ['inputSize', 'hiddenSize', 'bias'], CELL_PARAMS),
  GRUCell: signature('GRUCell', ['inputSize', 'hiddenSize', 'bias'], CELL_PARAMS),
  RNNCell: signature('RNNCell', ['inputSize', 'hiddenSize', 'bias', 'nonlinearity'], { ...CELL_PARAMS, nonlinearity: optional(A.oneOf('tanh', 'relu'), 'tanh') }),
};
const GATES: Record<Kind, number> = { LSTMCell: 4, GRUCell: 3, RNNCell: 1 };

/** The shared machinery of the cells; not used directly. */
export abstract class RNNCellBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  weight_ih: Tensor;
  weight_hh: Tensor;
  bias_ih: Tensor | null;
  bias_hh: Tensor | null;
  /** The cell's class name, for messages. */
  protected readonly kind: Kind;
  /** @internal RNNCell's activation ('tanh' for the other cells). */
  protected readonly activation: 'tanh' | 'relu';

  constructor(kind: Kind, args: readonly unknown[]) {
    super();
    if (kind !== 'LSTMCell' && kind !== 'GRUCell' && kind !== 'RNNCell') throw new ValueError(`RNNCellBase: construct nn.LSTMCell, nn.GRUCell or nn.RNNCell, got ${describeArg(kind)}`);
    if (!Array.isArray(args)) throw new ValueError(`${kind}: expected the constructor's arguments as an array`);
    const o = kind === 'RNNCell' ? CELL_ARGS.RNNCell.parse(args) : { ...CELL_ARGS[kind].parse(args), nonlinearity: 'tanh' as const };
    if (o.dtype !== undefined && !isFloating(o.dtype)) throw new DTypeError(`${kind}: dtype must be floating, got ${String(o.dtype)}`);
    this.kind = kind;
    this.activation = o.nonlinearity;
    this.inputSize = o.inputSize;
    this.hiddenSize = o.hiddenSize;
    this.bias = o.bias;
    // PyTorch's init: every parameter U(-1/√H, 1/√H), registered weight_ih, weight_hh, bias_ih, bias_hh
    const k = 1 / Math.sqrt(o.hiddenSize), G = GATES[kind] * o.hiddenSize;
    const init = (t: Tensor) => uniform_(t, -k, k);
    this.weight_ih = newParameter([G, o.inputSize], o, init);
    this.weight_hh = newParameter([G, o.hiddenSize], o, init);
    this.bias_ih = o.bias ? newParameter([G], o, init) : null;
    this.bias_hh = o.bias ? newParameter([G], o, init) : null;
  }

  /**
   * @internal Checks the input ([B, I] or [I]) and the given states ([B, H] or [H], as the input
   * is batched or not; zeros when absent) and runs `step` on 2-D tensors: under autocast the
   * input, states and parameters in the autocast dtype (as torch.autocast runs its cells). The
   * results come back unbatched when the input was.
   */
  protected run(input: unknown, states: readonly unknown[], n: number, step: (x: Tensor, s: Tensor[], w: Tensor[]) => Tensor[]): Tensor[] {
    const x = checkRecurrentInput(input, this.kind, 1, this.inputSize, this.weight_ih.dtype);
    const batched = x.ndim === 2;
    const want = batched ? [x._shape[0], this.hiddenSize] : [this.hiddenSize];
    const names = n === 2 ? ['h', 'c'] : ['h'];
    return scope(() => {
      const s = names.map((name, i) => (states[i] == null ? zeros(want, { dtype: x.dtype, device: x.device }) : checkRecurrentState(states[i], this.kind, name, want, x)));
      let w = [this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh].filter((t): t is Tensor => t !== null);
      let xs = batched ? x : unsqueeze(x, 0);
      let ss = batched ? s : s.map((t) => unsqueeze(t, 0));
      if (autocastLowDtype() !== null) { xs = castLow(xs); ss = ss.map(castLow); w = w.map(castLow); }
      const out = step(xs, ss, w);
      return batched ? out : out.map((t) => squeeze(t, 0));
    });
  }

  /** @internal The two projections of a step: x·W_ihᵀ + b_ih and h·W_hhᵀ + b_hh. */
  protected projections(x: Tensor, h: Tensor, w: Tensor[]): [Tensor, Tensor] {
    const [wih, whh, bih, bhh] = w;
    return [linear(x, wih, bih ?? null, this.kind), linear(h, whh, bhh ?? null, this.kind)];
  }

  extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias ? '' : `, bias=${pyBool(false)}`}${this.activation === 'relu' ? ', nonlinearity=relu' : ''}`;
  }
}

/**
 * One LSTM step, as `torch.nn.LSTMCell`: input [B, I] (or [I]) and the state `[h, c]` (each [B, H];
 * zeros when omitted) -> `[h1, c1]`. The gate math is one fused op (lstm_cell.ts).
 * ```ts
 * const cell = new nn.LSTMCell(10, 20);
 * let [h, c] = cell.forward(fl.randn([3, 10]));      // h, c: [3, 20]
 * [h, c] = cell.forward(fl.randn([3, 10]), [h, c]);  // the next step
 * ```
 */
export class LSTMCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, options?: RNNCellOptions);
  constructor(inputSize: number, hiddenSize: number, bias: boolean, options?: FactoryOptions);
  constructor(...args: unknown[]) { super('LSTMCell', args); }

  forward(input: Tensor, hx?: [Tensor, Tensor] | null): [Tensor, Tensor] {
    if (hx != null && (!Array.isArray(hx) || hx.length !== 2)) throw new ValueError('LSTMCell: the state must be [h, c]');
    return this.run(input, hx ?? [], 2, (x, [h, c], w) => {
      const [xg, hg] = this.projections(x, h, w);
      return lstmCell(xg, hg, c);
    }) as [Tensor, Tensor];
  }
}

/**
 * One GRU step, as `torch.nn.GRUCell`: input [B, I] (or [I]) and h [B, H] (zeros when omitted) ->
 * h1. The gate math is one fused op (gru_cell.ts).
 * ```ts
 * const cell = new nn.GRUCell(10, 20);
 * const h = cell.forward(fl.randn([3, 10]));   // [3, 20]
 * cell.forward(fl.randn([3, 10]), h);          // the next step
 * ```
 */
export class GRUCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, options?: RNNCellOptions);
  constructor(inputSize: number, hiddenSize: number, bias: boolean, options?: FactoryOptions);
  constructor(...args: unknown[]) { super('GRUCell', args); }

  forward(input: Tensor, hx?: Tensor | null): Tensor {
    return this.run(input, [hx], 1, (x, [h], w) => {
      const [xg, hg] = this.projections(x, h, w);
      return [gruCell(xg, hg, h)];
    })[0];
  }
}

/**
 * One Elman RNN step, as `torch.nn.RNNCell`: h1 = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh), act tanh
 * (default) or relu; input [B, I] (or [I]) and h [B, H] (zeros when omitted).
 * ```ts
 * const cell = new nn.RNNCell(10, 20, { nonlinearity: 'relu' });
 * const h = cell.forward(fl.randn([3, 10]));   // [3, 20]
 * ```
 */
export class RNNCell extends RNNCellBase {
  /** The activation: 'tanh' or 'relu'. */
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(inputSize: number, hiddenSize: number, options?: ElmanRNNCellOptions);
  constructor(inputSize: number, hiddenSize: number, bias: boolean, nonlinearity?: 'tanh' | 'relu', options?: FactoryOptions);
  constructor(...args: unknown[]) {
    super('RNNCell', args);
    this.nonlinearity = this.activation;
  }

  forward(input: Tensor, hx?: Tensor | null): Tensor {
    return this.run(input, [hx], 1, (x, [h], w) => {
      const [xg, hg] = this.projections(x, h, w);
      const pre = add(xg, hg);
      return [this.nonlinearity === 'tanh' ? tanh(pre) : relu(pre)];
    })[0];
  }
}
