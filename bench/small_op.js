// small_op.js — the cost of one small op: `add` of two 16-element float32 tensors with the result
// disposed each time, in µs per op (lower is better), against PyTorch CPU torch.add on the same
// sizes (bench/peers/torch_small_op.py) and tfjs wasm tf.add + dispose. Each impl: a warm-up of
// 20,000 calls, then 7 batches of 100,000 calls; the median of the batches' per-call times. GC
// and the FinalizationRegistry's work fall inside the batches: they are part of an op's cost.
//
//   node bench/small_op.js
'use strict';
const { loadFlint, timeBatches, loadTfjsWasm, runTorchPeer, Report } = require('./common');

const N = 16, INNER = 100000, RUNS = 7;

async function main() {
  const rep = new Report('small_op');
  const fl = loadFlint();
  const vals = Float32Array.from({ length: N }, (_, i) => i * 0.25 - 1);
  const a = fl.tensor(vals), b = fl.tensor(vals.map((v) => v * 3));
  const before = fl.memory.stats().liveTensors;
  const ours = timeBatches(() => fl.add(a, b).dispose(), { inner: INNER, runs: RUNS });
  if (fl.memory.stats().liveTensors !== before) throw new Error('small_op: flintml leaked tensors');
  a.dispose(); b.dispose();

  const torch = runTorchPeer('torch_small_op.py', [String(N), String(INNER), String(RUNS)])[0];

  const { tf, variant, version } = await loadTfjsWasm();
  const ta = tf.tensor1d(vals), tb = tf.tensor1d(vals.map((v) => v * 3));
  const tfjs = timeBatches(() => tf.add(ta, tb).dispose(), { inner: INNER, runs: RUNS });
  ta.dispose(); tb.dispose();

  const k = `add, ${N} x float32`;
  const o = rep.add('flintml', k, 'us', ours.seconds * 1e6, { min: ours.min * 1e6, max: ours.max * 1e6 });
  const t = rep.add('torch', k, 'us', torch.us, { min: torch.min_us, max: torch.max_us });
  const j = rep.add('tfjs-wasm', k, 'us', tfjs.seconds * 1e6, { min: tfjs.min * 1e6, max: tfjs.max * 1e6 });
  rep.ratio(k, 'flintml', 'torch', o, t, '<=1.0, aim 0.5');
  rep.ratio(k, 'flintml', 'tfjs-wasm', o, j);
  rep.table(`small op: µs per op (lower is better); torch ${torch.torch}; tfjs ${version} ${variant}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
