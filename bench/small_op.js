// small_op.js — the cost of one small op: `add` of two 16-element float32 tensors with the result
// disposed each time, in µs per op (lower is better), against PyTorch CPU torch.add on the same
// sizes (bench/peers/torch_small_op.py; at its default thread count and pinned to the cores, the
// ratio against the faster) and tfjs wasm tf.add + dispose. Each impl: a warm-up of
// 20,000 calls, then 7 batches of 100,000 calls; the median of the batches' per-call times. GC
// and the FinalizationRegistry's work fall inside the batches: they are part of an op's cost.
// The impls take turns for FLINT_BENCH_ROUNDS rounds (default 3); medians over rounds.
//
//   node bench/small_op.js
'use strict';
const { loadFlint, timeBatches, loadTfjsWasm, runTorchPeerBoth, sampleTorchBest, Report, rounds } = require('./common');

const N = 16, INNER = 100000, RUNS = 7;

async function main() {
  const rep = new Report('small_op');
  const fl = loadFlint();
  const { tf, variant, version } = await loadTfjsWasm();
  const vals = Float32Array.from({ length: N }, (_, i) => i * 0.25 - 1);
  const vals2 = vals.map((v) => v * 3);
  const a = fl.tensor(vals), b = fl.tensor(vals2);
  const ta = tf.tensor1d(vals), tb = tf.tensor1d(vals2);
  const k = `add, ${N} x float32`;
  const R = rounds(3);
  let torchVersion = '';
  for (let round = 0; round < R; round++) {
    const before = fl.memory.stats().liveTensors;
    const ours = timeBatches(() => fl.add(a, b).dispose(), { inner: INNER, runs: RUNS });
    if (fl.memory.stats().liveTensors !== before) throw new Error('small_op: flintml leaked tensors');
    const torch = runTorchPeerBoth('torch_small_op.py', [String(N), String(INNER), String(RUNS)]);
    torchVersion = `${torch.version} (torch-default ${torch.defaultThreads} thread(s), torch-pinned ${torch.pinnedThreads})`;
    const tfjs = timeBatches(() => tf.add(ta, tb).dispose(), { inner: INNER, runs: RUNS });
    rep.sample('flintml', k, 'us', ours.seconds * 1e6);
    sampleTorchBest(rep, k, 'us', torch.default[0].us, torch.pinned[0].us, false);
    rep.sample('tfjs-wasm', k, 'us', tfjs.seconds * 1e6);
  }
  a.dispose(); b.dispose(); ta.dispose(); tb.dispose();
  rep.ratio(k, 'flintml', 'torch-best', '<=1.0, aim 0.5');
  rep.ratio(k, 'flintml', 'tfjs-wasm');
  console.log(`# torch ${torchVersion}; tfjs ${version}, ${variant}`);
  rep.finish(`small op: µs per op, median (min–max) of ${R} interleaved rounds; lower is better`);
}

main().catch((e) => { console.error(e); process.exit(1); });
