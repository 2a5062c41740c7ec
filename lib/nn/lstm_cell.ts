// lstm_cell.ts — the fused LSTM cell op behind nn.LSTM's time loop (internal: not re-exported by
// fl.nn). Kernels: native/cpu/rnn.cpp, native/gpu/ops_rnn.cpp, native/kernels/rnn.cu; the per-unit
// math and the operand layout: native/core/rnn.h.
import { needsGrad, noGrad, record } from '../autograd';
import { call, opId } from '../native';
import { zeros } from '../ops/creation';
import { emptyTensor, scope, Tensor } from '../tensor';
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
