// lstm_cell.ts — the fused LSTM cell op behind nn.LSTM's time loop, and the whole-sequence LSTM
// layer built on it (internal: not re-exported by fl.nn). Kernels: native/cpu/rnn.cpp,
// native/gpu/ops_rnn.cpp, native/kernels/rnn.cu; the per-unit math and the operand layout:
// native/core/rnn.h. The sequence op composes that cell with the 'matmul' and 'copy' kernels, so
// it runs on every device that has them.
import { needsGrad, noGrad, record } from '../autograd';
import { call, opId, OperandView } from '../native';
import { zeros } from '../ops/creation';
import { matmul } from '../ops/matmul';
import { contiguousCopy, emptyTensor, scope, scopeSync, Tensor } from '../tensor';
import { tracedMany } from '../trace';

let CELL_OPS: [number, number] | undefined;
function cellOps(): [number, number] {
  if (!CELL_OPS) CELL_OPS = [opId('lstmCell'), opId('lstmCellBackward')];
  return CELL_OPS;
}

/**
 * @internal One LSTM step fused (native/core/rnn.h): the gate pre-activations xg + hg ([B, 4H],
 * gate order i, f, g, o) and the cell state c0 [B, H] -> [h1, c1]. One autograd node; its
 * backward is one native pass giving the gradient of xg and hg (the same tensor: they are summed)
 * and of c0.
 */
export function lstmCell(xg: Tensor, hg: Tensor, c0: Tensor): [Tensor, Tensor] {
  const [CELL, CELL_BW] = cellOps();
  const [B, H] = c0._shape;
  const dev = c0._storage.device, dt = c0.dtype;
  const ins = noGrad(() => [xg, hg, c0].map((t) => (t.isContiguous() ? t : t.contiguous())));
  const h1 = emptyTensor([B, H], dt, dev, false, 'lstmCell');
  const c1 = emptyTensor([B, H], dt, dev, false, 'lstmCell');
  const act = emptyTensor([B, 4 * H], dt, dev, false, 'lstmCell');
  try {
    call(CELL, 'lstmCell', [h1, c1, act, ...ins], []);
  } catch (e) { h1.dispose(); c1.dispose(); act.dispose(); throw e; } finally {
    ins.forEach((t, i) => { if (t !== [xg, hg, c0][i]) t.dispose(); });
  }
  if (needsGrad(xg, hg, c0)) {
    record('lstmCell', [xg, hg, c0], [h1, c1], [act, c0, c1], ([gh, gc], [sa, sc0, sc1]) => scope(() => {
      const state = (g: Tensor | null): Tensor => (g ? (g.isContiguous() ? g : g.contiguous()) : zeros([B, H], { dtype: dt, device: c0.device }));
      const dg = emptyTensor([B, 4 * H], dt, dev, false, 'lstmCell backward');
      const dc0 = emptyTensor([B, H], dt, dev, false, 'lstmCell backward');
      call(CELL_BW, 'lstmCellBackward', [dg, dc0, sa, sc0.isContiguous() ? sc0 : sc0.contiguous(), sc1, state(gh), state(gc)], []);
      // xg and hg get the same gradient: the engine disposes each, so the second is a view
      return [dg, dg._view(dg._shape, dg._strides, dg._offset), dc0];
    }));
  }
  act.dispose();  // the node keeps its own view when it saved it
  // ONNX: the cell's own ops (opset 17 has LSTM, but one node per step keeps the unrolled loop's shape)
  return tracedMany('lstmCell', [xg, hg, c0], [h1, c1], (g, [vx, vh, vc]) => {
    const gates = g.op('Add', [vx.name, vh.name]);
    const [gi, gf, gg, go] = g.node('Split', [gates, g.ints([H, H, H, H])], { axis: 1 }, 4);
    const i = g.op('Sigmoid', [gi]), f = g.op('Sigmoid', [gf]), t = g.op('Tanh', [gg]), o = g.op('Sigmoid', [go]);
    const c = g.op('Add', [g.op('Mul', [f, vc.name]), g.op('Mul', [i, t])]);
    return [g.op('Mul', [o, g.op('Tanh', [c])]), c];
  }) as [Tensor, Tensor];
}

// ---- the whole sequence: one autograd node per layer and direction ---------------------------
//
// Why: with one lstmCell node and one matmul node per time step, the backward of a [T, B] sequence
// walks 2T nodes, sums the recurrent weight's gradient T times ([4H, H] each: 31 additions of
// [512, 128] for the benchmark's LSTM), and runs T small weight-gradient GEMMs. As cuDNN's RNN
// backward does, the node below keeps what its backward needs for the whole sequence (every step's
// activations, h and c in [T+1, B, ·] buffers) and its backward loops over time without autograd:
// per step one lstmCellBackward and one [B, 4H] x [4H, H] GEMM for the previous h's gradient, the
// gate gradients written into one [T, B, 4H] buffer; then the recurrent weight's gradient is ONE
// [4H, T·B] x [T·B, H] GEMM. The gate gradients are the gradient of the input projection, whose
// own matmul/add nodes (lib/nn/rnn.ts) give the input weight's and the input's gradients as one
// GEMM each over the sequence and the biases' as one sum.
// Higher-order gradients: flintml's backward always runs without recording (lib/autograd.ts has
// no create_graph), so there is no double backward through nn.LSTM on either path to keep.

let SEQ_OPS: [number, number] | undefined;
/** @internal The native ops a sequence node composes with its cell: matmul and copy. */
export function seqOps(): [number, number] {
  if (!SEQ_OPS) SEQ_OPS = [opId('matmul'), opId('copy')];
  return SEQ_OPS;
}

/** @internal A kernel operand over another's storage with its own shape, strides and offset (no Tensor object, no closure). */
export class Part implements OperandView {
  constructor(readonly src: OperandView, readonly _shape: readonly number[], readonly _strides: readonly number[], readonly _offset: number) {}
  get dtype(): OperandView['dtype'] { return this.src.dtype; }
  get _storage(): OperandView['_storage'] { return this.src._storage; }
  _handleFor(op: string): ReturnType<OperandView['_handleFor']> { return this.src._handleFor(op); }
}

/** @internal Slab i ([r, c]) of a contiguous [n, r, c] tensor. */
export function slab(t: Tensor, i: number, r: number, c: number): OperandView {
  return new Part(t, [r, c], [c, 1], t._offset + i * r * c);
}

/** @internal A 2-D operand as the matmul kernel's [1, rows, cols] (the batch stride is unused for one entry). */
export function mat3(v: OperandView): OperandView {
  return new Part(v, [1, v._shape[0], v._shape[1]], [0, v._strides[0], v._strides[1]], v._offset);
}

let sequenceOpsOn = true;
/**
 * @internal Turns the whole-sequence LSTM and GRU nodes on or off (tests compare them with the
 * per-step composed path); returns the previous setting.
 */
export function _useRnnSequenceOps(on: boolean): boolean {
  const was = sequenceOpsOn;
  sequenceOpsOn = on;
  return was;
}
/** @internal Whether nn.LSTM and nn.GRU use their sequence nodes where they can (see lib/nn/rnn.ts). */
export function rnnSequenceOpsOn(): boolean { return sequenceOpsOn; }

/**
 * @internal One LSTM layer in one direction over a whole sequence: the input projection with the
 * biases folded in, xw [T, B, 4H] (T, B > 0), the recurrent weight whh [4H, H] and the initial
 * states h0, c0 [B, H] -> [out [T, B, H], hN [B, H], cN [B, H]]; `reverse` runs from t = T-1 down.
 * One autograd node (inputs xw, whh, h0, c0). The outputs are views of the buffers the node saves,
 * so an in-place change of them before backward is caught by the saved-tensor version check.
 */
export function lstmSequence(xw: Tensor, whh: Tensor, h0: Tensor, c0: Tensor, reverse: boolean): [Tensor, Tensor, Tensor] {
  const [CELL, CELL_BW] = cellOps();
  const [MATMUL, COPY] = seqOps();
  const [T, B, G4] = xw._shape;
  const H = G4 / 4;
  const dev = xw._storage.device, dt = xw.dtype;
  const x = xw.isContiguous() ? xw : noGrad(() => xw.contiguous());
  // HS[k], CS[k]: the states between steps; forward: HS[0] = h0, HS[t+1] = h_t; reverse: HS[T] = h0, HS[t] = h_t
  const HS = emptyTensor([T + 1, B, H], dt, dev, false, 'lstm');
  const CS = emptyTensor([T + 1, B, H], dt, dev, false, 'lstm');
  const ACT = emptyTensor([T, B, 4 * H], dt, dev, false, 'lstm');
  const HG = emptyTensor([B, 4 * H], dt, dev, false, 'lstm');
  const hg = slab(HG, 0, B, 4 * H), hg3 = mat3(hg);
  // whhᵀ [H, 4H] read in place (the GEMM takes the transposed layout without a copy)
  const whhT: OperandView = new Part(whh, [1, H, 4 * H], [0, whh._strides[1], whh._strides[0]], whh._offset);
  try {
    const first = reverse ? T : 0;
    call(COPY, 'lstm', [slab(HS, first, B, H), h0]);
    call(COPY, 'lstm', [slab(CS, first, B, H), c0]);
    for (let s = 0; s < T; s++) {
      const t = reverse ? T - 1 - s : s;
      const prev = reverse ? t + 1 : t, cur = reverse ? t : t + 1;
      call(MATMUL, 'matmul', [hg3, mat3(slab(HS, prev, B, H)), whhT]);
      call(CELL, 'lstmCell', [slab(HS, cur, B, H), slab(CS, cur, B, H), slab(ACT, t, B, 4 * H), slab(x, t, B, 4 * H), hg, slab(CS, prev, B, H)], []);
    }
  } catch (e) {
    HS.dispose(); CS.dispose(); ACT.dispose();
    throw e;
  } finally {
    HG.dispose();
    if (x !== xw) x.dispose();
  }
  const last = reverse ? 0 : T;
  const out = HS._view([T, B, H], [B * H, H, 1], HS._offset + (reverse ? 0 : B * H));
  const hN = HS._view([B, H], [H, 1], HS._offset + last * B * H);
  const cN = CS._view([B, H], [H, 1], CS._offset + last * B * H);
  if (needsGrad(xw, whh, h0, c0)) {
    const needW = whh.requiresGrad, needH0 = h0.requiresGrad, needC0 = c0.requiresGrad;
    record('lstm', [xw, whh, h0, c0], [out, hN, cN], [ACT, HS, CS, whh], ([gOut, ghN, gcN], [sA, sH, sC, sW]) => scopeSync(() => {
      const DG = emptyTensor([T, B, 4 * H], dt, dev, false, 'lstm backward');
      // the gradient reaching each step's h: the output's, plus (added below, step by step) the next step's recurrent one
      const GH = gOut ? contiguousCopy(gOut, 'lstm backward') : emptyTensor([T, B, H], dt, dev, true, 'lstm backward');
      const hAt = (t: number): Tensor => GH._view([B, H], [H, 1], GH._offset + t * B * H);
      if (ghN) hAt(reverse ? 0 : T - 1).add_(ghN);
      let dc = gcN ? contiguousCopy(gcN, 'lstm backward') : emptyTensor([B, H], dt, dev, true, 'lstm backward');
      let dcPrev = emptyTensor([B, H], dt, dev, false, 'lstm backward');
      const TMP = emptyTensor([B, H], dt, dev, false, 'lstm backward');
      const tmp3 = mat3(slab(TMP, 0, B, H));
      const w3 = mat3(sW);
      for (let s = T - 1; s >= 0; s--) {
        const t = reverse ? T - 1 - s : s;
        const prev = reverse ? t + 1 : t, cur = reverse ? t : t + 1;
        const dg = slab(DG, t, B, 4 * H);
        call(CELL_BW, 'lstmCellBackward', [dg, dcPrev, slab(sA, t, B, 4 * H), slab(sC, prev, B, H), slab(sC, cur, B, H), slab(GH, t, B, H), dc], []);
        [dc, dcPrev] = [dcPrev, dc];
        if (s > 0) {  // the previous step's h feeds this step's gates through whh
          call(MATMUL, 'matmul', [tmp3, mat3(dg), w3]);
          hAt(reverse ? t + 1 : t - 1).add_(TMP);
        }
      }
      // the recurrent weight's gradient over the whole sequence: Σ_t dg_tᵀ h_{t-1}, one GEMM
      const gW = needW
        ? matmul(DG._view([4 * H, T * B], [1, 4 * H], DG._offset), sH._view([T * B, H], [H, 1], sH._offset + (reverse ? B * H : 0)))
        : null;
      const tFirst = reverse ? T - 1 : 0;
      const gh0 = needH0 ? matmul(DG._view([B, 4 * H], [4 * H, 1], DG._offset + tFirst * B * 4 * H), sW) : null;
      return [DG, gW, gh0, needC0 ? dc : null];
    }));
  }
  // the node holds its own views of what it saved; the outputs keep the state buffers alive
  HS.dispose(); CS.dispose(); ACT.dispose();
  return [out, hN, cN];
}
