// train_models.js — one training step (forward, loss, backward, optimizer) of three small models
// on random data, in ms per step (lower is better), against PyTorch CPU running the same model
// (bench/peers/torch_train_models.py) at its default thread count and pinned to the cores; the
// ratio uses the faster of the two (PyTorch at its best). The MLP has its own script (train_mlp.js).
//
//   cnn          Conv2d(1,16,3,p1)-ReLU-MaxPool2-Conv2d(16,32,3,p1)-ReLU-MaxPool2-Linear(1568,10),
//                batch 64 of 1x28x28, cross-entropy, SGD (lr 0.01, momentum 0.9)
//   lstm         LSTM(32 -> 128), sequence 32, batch 32, Linear(128,10) on the last step,
//                cross-entropy, Adam (lr 1e-3); flintml's time loop runs in TypeScript
//   gru          the same with GRU(32 -> 128)
//   transformer  the character transformer of `npm run demo` (examples/gpt.js): 2 pre-norm blocks,
//                d 96, 4 heads, context 64, batch 16, vocabulary 96, AdamW (lr 3e-3, weight decay
//                0.01) and clipGradNorm(1.0) each step, as examples/char-transformer.js
//
// Each impl: 3 warm-up steps, then steps until 2 s have passed (10 at least), median. Impls take
// turns for FLINT_BENCH_ROUNDS rounds (default 3).
//
//   node bench/train_models.js [cnn] [lstm] [gru] [transformer]
'use strict';
const path = require('path');
const { loadFlint, timeEach, runTorchPeerBoth, sampleTorchBest, Report, rounds } = require('./common');

const CASES = {
  cnn: 'CNN 2xConv2d 28x28, batch 64, SGD step',
  lstm: 'LSTM 32->128, seq 32, batch 32, Adam step',
  gru: 'GRU 32->128, seq 32, batch 32, Adam step',
  transformer: 'char transformer (demo), batch 16x64, AdamW step',
};

function cnn(fl) {
  const { nn, optim } = fl;
  const model = new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(16, 32, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(32 * 7 * 7, 10));
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = fl.randn([64, 1, 28, 28]), y = fl.randint(0, 10, [64]);
  const step = () => fl.scope(() => {
    opt.zeroGrad();
    nn.functional.crossEntropy(model.forward(x), y).backward();
    opt.step();
  });
  return { step, done: () => { opt.dispose(); model.dispose(); x.dispose(); y.dispose(); } };
}

function recurrent(fl, Layer) {
  const { nn, optim } = fl;
  const rnn = new Layer(32, 128);
  const head = new nn.Linear(128, 10);
  const opt = new optim.Adam([...rnn.parameters(), ...head.parameters()], { lr: 1e-3 });
  const x = fl.randn([32, 32, 32]), y = fl.randint(0, 10, [32]);  // [T, B, I]
  const step = () => fl.scope(() => {
    opt.zeroGrad();
    const [out] = rnn.forward(x);
    nn.functional.crossEntropy(head.forward(out.select(0, 31)), y).backward();
    opt.step();
  });
  return { step, done: () => { opt.dispose(); rnn.dispose(); head.dispose(); x.dispose(); y.dispose(); } };
}
const lstm = (fl) => recurrent(fl, fl.nn.LSTM);
const gru = (fl) => recurrent(fl, fl.nn.GRU);

function transformer(fl) {
  const { nn, optim } = fl;
  const { GPT } = require(path.join(__dirname, '..', 'examples', 'gpt'))(fl);
  const V = 96, T = 64, B = 16;
  const model = new GPT(V, 96, 4, 2, T);
  const opt = new optim.AdamW(model.parameters(), { lr: 3e-3, weightDecay: 0.01 });
  const idx = fl.randint(0, V, [B, T]), tgt = fl.randint(0, V, [B, T]);
  const step = () => fl.scope(() => {
    opt.zeroGrad();
    const logits = model.forward(idx);
    nn.functional.crossEntropy(logits.reshape(-1, V), tgt.reshape(-1)).backward();
    nn.utils.clipGradNorm(model.parameters(), 1.0).dispose();
    opt.step();
  });
  return { step, done: () => { opt.dispose(); model.dispose(); idx.dispose(); tgt.dispose(); } };
}

const MAKERS = { cnn, lstm, gru, transformer };

function main() {
  const picked = process.argv.slice(2).filter((a) => a in CASES);
  const names = picked.length ? picked : Object.keys(CASES);
  const rep = new Report('train_models');
  const fl = loadFlint();
  const R = rounds(3);
  let torchInfo = '';
  for (let round = 0; round < R; round++) {
    for (const name of names) {
      fl.manualSeed(0);
      const m = MAKERS[name](fl);
      m.step();  // makes the gradients and optimizer state that later steps reuse
      const before = fl.memory.stats().liveTensors;
      const ours = timeEach(m.step, { warmup: 3, minTime: 2, minReps: 10 });
      if (fl.memory.stats().liveTensors !== before) throw new Error(`train_models ${name}: flintml leaked tensors`);
      m.done();
      const torch = runTorchPeerBoth('torch_train_models.py', [name]);
      torchInfo = `torch ${torch.version}: torch-default ${torch.defaultThreads} thread(s), torch-pinned ${torch.pinnedThreads}`;
      rep.sample('flintml', CASES[name], 'ms', ours.seconds * 1e3);
      sampleTorchBest(rep, CASES[name], 'ms', torch.default[0].ms, torch.pinned[0].ms, false);
    }
  }
  for (const name of names) rep.ratio(CASES[name], 'flintml', 'torch-best', '<=1.0');
  console.log(`# ${torchInfo}; flintml threads ${fl.backend.info().threads}, BLAS ${fl.backend.info().blas}`);
  rep.finish(`training steps: ms per step, median (min–max) of ${R} interleaved rounds; lower is better`);
}

if (require.main === module) main();
module.exports = { MAKERS, CASES };  // the models, for bench/profile_mlp.js --model
