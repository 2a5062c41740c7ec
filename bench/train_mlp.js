// train_mlp.js — one training step of an MLP 784-512-512-10 (ReLU), batch 128, float32:
// forward, cross-entropy, backward, SGD (lr 0.01, momentum 0.9) — in ms per step (lower is
// better), against PyTorch CPU (bench/peers/torch_train_mlp.py) at its default thread count and
// pinned to the cores (the ratio uses the faster: PyTorch at its best) and tfjs wasm
// (optimizer.minimize with tfjs's momentum optimizer; its wasm backend runs one thread in Node, which
// has no wasm threads, so it has no thread setting to choose). Impls take turns for
// FLINT_BENCH_ROUNDS rounds.
//
//   node bench/train_mlp.js
'use strict';
const { loadFlint, timeEach, loadTfjsWasm, runTorchPeerBoth, sampleTorchBest, Report, rounds } = require('./common');

const B = 128, SIZES = [784, 512, 512, 10];

function flintStep(fl) {
  const { nn, optim } = fl;
  fl.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(784, 512), new nn.ReLU(), new nn.Linear(512, 512), new nn.ReLU(), new nn.Linear(512, 10));
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = fl.randn([B, 784]);
  const y = fl.randint(0, 10, [B]);
  const step = () => fl.scope(() => {
    opt.zeroGrad();
    const loss = nn.functional.crossEntropy(model.forward(x), y);
    loss.backward();
    opt.step();
  });
  const done = () => { opt.dispose(); model.dispose(); x.dispose(); y.dispose(); };
  return { step, done };
}

function tfjsStep(tf) {
  const ws = [], bs = [];
  for (let i = 0; i < SIZES.length - 1; i++) {
    const bound = 1 / Math.sqrt(SIZES[i]);
    ws.push(tf.variable(tf.randomUniform([SIZES[i], SIZES[i + 1]], -bound, bound)));
    bs.push(tf.variable(tf.randomUniform([SIZES[i + 1]], -bound, bound)));
  }
  const x = tf.randomNormal([B, 784]);
  const y = tf.oneHot(tf.randomUniform([B], 0, 10, 'int32'), 10);
  const opt = tf.train.momentum(0.01, 0.9);
  const step = () => {
    const cost = opt.minimize(() => {
      let h = x;
      for (let i = 0; i < ws.length; i++) {
        h = tf.add(tf.matMul(h, ws[i]), bs[i]);
        if (i < ws.length - 1) h = tf.relu(h);
      }
      return tf.losses.softmaxCrossEntropy(y, h);
    }, true);
    cost.dataSync();
    cost.dispose();
  };
  const done = () => { [...ws, ...bs, x, y].forEach((t) => t.dispose()); opt.dispose(); };
  return { step, done };
}

async function main() {
  const rep = new Report('train_mlp');
  const fl = loadFlint();
  const { tf, variant, version } = await loadTfjsWasm();
  const k = `MLP 784-512-512-10, batch ${B}, SGD step`;
  const R = rounds(3);
  let torchVersion = '';
  for (let round = 0; round < R; round++) {
    const f = flintStep(fl);
    f.step();  // the first step makes the gradients and momentum buffers that every later step reuses
    const before = fl.memory.stats().liveTensors;
    const ours = timeEach(f.step, { warmup: 3, minTime: 2, minReps: 10 });
    if (fl.memory.stats().liveTensors !== before) throw new Error('train_mlp: flintml leaked tensors');
    f.done();
    const torch = runTorchPeerBoth('torch_train_mlp.py', [String(B)]);
    torchVersion = `${torch.version} (torch-default ${torch.defaultThreads} thread(s), torch-pinned ${torch.pinnedThreads})`;
    const t = tfjsStep(tf);
    const tfjs = timeEach(t.step, { warmup: 3, minTime: 2, minReps: 10 });
    t.done();
    rep.sample('flintml', k, 'ms', ours.seconds * 1e3);
    sampleTorchBest(rep, k, 'ms', torch.default[0].ms, torch.pinned[0].ms, false);
    rep.sample('tfjs-wasm', k, 'ms', tfjs.seconds * 1e3);
  }
  rep.ratio(k, 'flintml', 'torch-best', '<=1.0');
  rep.ratio(k, 'flintml', 'tfjs-wasm');
  console.log(`# torch ${torchVersion}; tfjs ${version}, ${variant}; flintml BLAS: ${fl.backend.info().blas}`);
  rep.finish(`MLP training step: ms per step, median (min–max) of ${R} interleaved rounds; lower is better`);
}

main().catch((e) => { console.error(e); process.exit(1); });
