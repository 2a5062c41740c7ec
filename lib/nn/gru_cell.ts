// gru_cell.ts — the fused GRU cell op behind nn.GRU's time loop, and the whole-sequence GRU layer
// built on it (internal: not re-exported by fl.nn): the GRU's twins of lstm_cell.ts's lstmCell and
// lstmSequence. Kernels: native/cpu/rnn.cpp, native/gpu/ops_rnn.cpp, native/kernels/rnn.cu; the
// per-unit math and the operand layout: native/core/rnn.h. The sequence op composes that cell with
// the 'matmul' and 'copy' kernels and an in-place add (the recurrent bias), so it runs on every
// device that has them.
import { needsGrad, noGrad, record } from '../autograd';
import { call, opId, OperandView } from '../native';
import { zeros } from '../ops/creation';
import { matmul } from '../ops/matmul';
import { sum } from '../ops/reduce';
import { contiguousCopy, emptyTensor, scope, scopeSync, Tensor } from '../tensor';
import { traced } from '../trace';
import { mat3, Part, seqOps, slab } from './lstm_cell';

let CELL_OPS: [number, number] | undefined;
function cellOps(): [number, number] {
  if (!CELL_OPS) CELL_OPS = [opId('gruCell'), opId('gruCellBackward')];
  return CELL_OPS;
}

/**
 * @internal One GRU step fused (native/core/rnn.h): the input projection xg = x·W_ihᵀ + b_ih and
 * the recurrent one hg = h0·W_hhᵀ + b_hh ([B, 3H], gate order r, z, n) and the state h0 [B, H] ->
 * h1 = (1 − z)·n + z·h0 with r = σ(xr + hr), z = σ(xz + hz), n = tanh(xn + r·hn), as torch.nn.GRU.
 * One autograd node; its backward is one native pass giving the gradients of xg, hg (which differ
 * in the n part: d hn = d xn · r) and h0's direct part (z · dh1).
 */
export function gruCell(xg: Tensor, hg: Tensor, h0: Tensor): Tensor {
  const [CELL, CELL_BW] = cellOps();
  const [B, H] = h0._shape;
  const dev = h0._storage.device, dt = h0.dtype;
  const given = [xg, hg, h0];
  const ins = noGrad(() => given.map((t) => (t.isContiguous() ? t : t.contiguous())));
  const h1 = emptyTensor([B, H], dt, dev, false, 'gruCell');
  const act = emptyTensor([B, 4 * H], dt, dev, false, 'gruCell');
  try {
    call(CELL, 'gruCell', [h1, act, ...ins], []);
  } catch (e) { h1.dispose(); act.dispose(); throw e; } finally {
    ins.forEach((t, i) => { if (t !== given[i]) t.dispose(); });
  }
  if (needsGrad(xg, hg, h0)) {
    record('gruCell', given, [h1], [act, h0], ([gh], [sa, sh0]) => scope(() => {
      const g = gh ? (gh.isContiguous() ? gh : gh.contiguous()) : zeros([B, H], { dtype: dt, device: h0.device });
      const dxg = emptyTensor([B, 3 * H], dt, dev, false, 'gruCell backward');
      const dhg = emptyTensor([B, 3 * H], dt, dev, false, 'gruCell backward');
      const dh0 = emptyTensor([B, H], dt, dev, false, 'gruCell backward');
      call(CELL_BW, 'gruCellBackward', [dxg, dhg, dh0, sa, sh0.isContiguous() ? sh0 : sh0.contiguous(), g], []);
      return [dxg, dhg, dh0];
    }));
  }
  act.dispose();  // the node keeps its own view when it saved it
  // ONNX: the cell's own ops (opset 17 has GRU, but one node per step keeps the unrolled loop's shape)
  return traced('gruCell', given, h1, (g, [vx, vh, v0]) => {
    const [xr, xz, xn] = g.node('Split', [vx.name, g.ints([H, H, H])], { axis: 1 }, 3);
    const [hr, hz, hn] = g.node('Split', [vh.name, g.ints([H, H, H])], { axis: 1 }, 3);
    const r = g.op('Sigmoid', [g.op('Add', [xr, hr])]);
    const z = g.op('Sigmoid', [g.op('Add', [xz, hz])]);
    const n = g.op('Tanh', [g.op('Add', [xn, g.op('Mul', [r, hn])])]);
    return g.op('Add', [n, g.op('Mul', [z, g.op('Sub', [v0.name, n])])]);
  });
}

// ---- the whole sequence: one autograd node per layer and direction ---------------------------
//
// As lstmSequence (lstm_cell.ts, which says why): the node keeps every step's activations and the
// states in [T+1, B, H], and its backward loops over time without autograd: per step one
// gruCellBackward, one [B, 3H] x [3H, H] GEMM for the previous h's gradient and two in-place adds;
// then the recurrent weight's gradient is ONE [3H, T·B] x [T·B, H] GEMM and its bias's one sum.
// The gradient of xg is the input projection's, whose own matmul/add nodes (lib/nn/rnn.ts) give
// the input weight's, the input's and b_ih's gradients over the whole sequence. Unlike the LSTM's,
// the recurrent bias b_hh cannot be folded into the input projection (b_hn sits inside r·(W_hn·h +
// b_hn)): each step adds it to the recurrent GEMM's result.

/**
 * @internal One GRU layer in one direction over a whole sequence: the input projection with b_ih
 * folded in, xw [T, B, 3H] (T, B > 0), the recurrent weight whh [3H, H], its bias bhh [3H] (or
 * null) and the initial state h0 [B, H] -> [out [T, B, H], hN [B, H]]; `reverse` runs from t = T-1
 * down. One autograd node (inputs xw, whh, bhh, h0). The outputs are views of the buffer the node
 * saves, so an in-place change of them before backward is caught by the saved-tensor version check.
 */
export function gruSequence(xw: Tensor, whh: Tensor, bhh: Tensor | null, h0: Tensor, reverse: boolean): [Tensor, Tensor] {
  const [CELL, CELL_BW] = cellOps();
  const [MATMUL, COPY] = seqOps();
  const [T, B, G3] = xw._shape;
  const H = G3 / 3;
  const dev = xw._storage.device, dt = xw.dtype;
  const x = xw.isContiguous() ? xw : noGrad(() => xw.contiguous());
  // HS[k]: the states between steps; forward: HS[0] = h0, HS[t+1] = h_t; reverse: HS[T] = h0, HS[t] = h_t
  const HS = emptyTensor([T + 1, B, H], dt, dev, false, 'gru');
  const ACT = emptyTensor([T, B, 4 * H], dt, dev, false, 'gru');
  const HG = emptyTensor([B, 3 * H], dt, dev, false, 'gru');
  const hg3 = mat3(slab(HG, 0, B, 3 * H));
  const b = bhh ? noGrad(() => bhh.detach()) : null;
  // whhᵀ [H, 3H] read in place (the GEMM takes the transposed layout without a copy)
  const whhT: OperandView = new Part(whh, [1, H, 3 * H], [0, whh._strides[1], whh._strides[0]], whh._offset);
  try {
    call(COPY, 'gru', [slab(HS, reverse ? T : 0, B, H), h0]);
    for (let s = 0; s < T; s++) {
      const t = reverse ? T - 1 - s : s;
      const prev = reverse ? t + 1 : t, cur = reverse ? t : t + 1;
      call(MATMUL, 'matmul', [hg3, mat3(slab(HS, prev, B, H)), whhT]);
      if (b) HG.add_(b);
      call(CELL, 'gruCell', [slab(HS, cur, B, H), slab(ACT, t, B, 4 * H), slab(x, t, B, 3 * H), HG, slab(HS, prev, B, H)], []);
    }
  } catch (e) {
    HS.dispose(); ACT.dispose();
    throw e;
  } finally {
    HG.dispose();
    b?.dispose();
    if (x !== xw) x.dispose();
  }
  const out = HS._view([T, B, H], [B * H, H, 1], HS._offset + (reverse ? 0 : B * H));
  const hN = HS._view([B, H], [H, 1], HS._offset + (reverse ? 0 : T) * B * H);
  if (needsGrad(xw, whh, bhh, h0)) {
    const needW = whh.requiresGrad, needB = !!bhh && bhh.requiresGrad, needH0 = h0.requiresGrad;
    record('gru', [xw, whh, bhh, h0], [out, hN], [ACT, HS, whh], ([gOut, ghN], [sA, sH, sW]) => scopeSync(() => {
      const DX = emptyTensor([T, B, 3 * H], dt, dev, false, 'gru backward');
      const DHG = emptyTensor([T, B, 3 * H], dt, dev, false, 'gru backward');
      // the gradient reaching each step's h: the output's, plus (added below, step by step) the next step's
      const GH = gOut ? contiguousCopy(gOut, 'gru backward') : emptyTensor([T, B, H], dt, dev, true, 'gru backward');
      const hAt = (t: number): Tensor => GH._view([B, H], [H, 1], GH._offset + t * B * H);
      if (ghN) hAt(reverse ? 0 : T - 1).add_(ghN);
      const DIRECT = emptyTensor([B, H], dt, dev, false, 'gru backward');  // z · dh, h_prev's direct part
      const TMP = emptyTensor([B, H], dt, dev, false, 'gru backward');     // dhg · W_hh, its part through hg
      const tmp3 = mat3(slab(TMP, 0, B, H));
      const w3 = mat3(sW);
      for (let s = T - 1; s >= 0; s--) {
        const t = reverse ? T - 1 - s : s;
        const prev = reverse ? t + 1 : t;
        const dhg = slab(DHG, t, B, 3 * H);
        call(CELL_BW, 'gruCellBackward', [slab(DX, t, B, 3 * H), dhg, DIRECT, slab(sA, t, B, 4 * H), slab(sH, prev, B, H), slab(GH, t, B, H)], []);
        if (s === 0 && !needH0) break;
        call(MATMUL, 'matmul', [tmp3, mat3(dhg), w3]);
        TMP.add_(DIRECT);  // the whole gradient of h_prev
        if (s > 0) hAt(reverse ? t + 1 : t - 1).add_(TMP);
      }
      // the recurrent weight's gradient over the whole sequence: Σ_t dhg_tᵀ h_{t-1}, one GEMM; its bias's one sum
      const gW = needW
        ? matmul(DHG._view([3 * H, T * B], [1, 3 * H], DHG._offset), sH._view([T * B, H], [H, 1], sH._offset + (reverse ? B * H : 0)))
        : null;
      const gB = needB ? sum(DHG._view([T * B, 3 * H], [3 * H, 1], DHG._offset), 0) : null;
      return [DX, gW, gB, needH0 ? TMP : null];
    }));
  }
  // the node holds its own views of what it saved; the outputs keep the state buffer alive
  HS.dispose(); ACT.dispose();
  return [out, hN];
}
