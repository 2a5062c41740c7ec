#!/usr/bin/env node
// cnn.js — a small convolutional network (Conv2d → ReLU → MaxPool2d, twice, then Linear) on the
// synthetic digits of examples/digits.js (or MNIST IDX files with `--data <dir>`), trained with
// AdamW and a cosine schedule; prints the loss and the test accuracy.
//
//   node examples/cnn.js [--data <dir>] [--epochs 2] [--steps 0] [--batch 32] [--channels 8]
//                        [--lr 0.003] [--train 4000] [--test 1000] [--seed 0]
// `--steps N` stops after N optimizer steps (0: run all epochs).
'use strict';
const fl = require('flintml');
const { nn, optim, data } = fl;
const { digitDatasets } = require('./digits')(fl);

const parseArgs = require('./cli');
const args = () => parseArgs({ data: '', epochs: 2, steps: 0, batch: 32, channels: 8, lr: 3e-3, train: 4000, test: 1000, seed: 0 });


/** uint8 [B, H, W] → float32 [B, 1, H, W] in [0, 1]. */
const inputs = (images) => images.to('float32').div(255).unsqueeze(1);

async function main() {
  const a = args();
  if (typeof nn.Conv2d !== 'function' || typeof nn.MaxPool2d !== 'function') {
    console.log('cnn: skipped: this build of flintml has no nn.Conv2d / nn.MaxPool2d yet');
    return;
  }
  fl.manualSeed(a.seed);
  const ds = digitDatasets(a);
  const [, h, w] = ds.train.tensors[0].shape;
  const c = a.channels;
  // [B,1,28,28] → conv 3×3 → [B,c,28,28] → pool → [B,c,14,14] → conv → [B,2c,14,14] → pool → [B,2c,7,7]
  const model = new nn.Sequential(
    new nn.Conv2d(1, c, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(c, 2 * c, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(2 * c * Math.floor(h / 4) * Math.floor(w / 4), 10),
  );
  const loader = new data.DataLoader(ds.train, { batchSize: a.batch, shuffle: true, seed: a.seed });
  const testLoader = new data.DataLoader(ds.test, { batchSize: 250 });
  const total = a.steps > 0 ? Math.min(a.steps, a.epochs * loader.length) : a.epochs * loader.length;
  const opt = new optim.AdamW(model.parameters(), { lr: a.lr, weightDecay: 1e-4 });
  const sched = new optim.CosineAnnealingLR(opt, { tMax: total });
  const nParams = model.parameters().reduce((s, p) => s + p.numel, 0);
  console.log(`cnn: ${ds.source}, ${ds.train.length} train / ${ds.test.length} test images of ${h}x${w}; ${nParams} parameters; ${total} steps of batch ${a.batch}`);
  console.log(model.toString());

  const t0 = Date.now();
  let step = 0, first = null, avg = null;
  for (let epoch = 0; epoch < a.epochs && step < total; epoch++) {
    for await (const [x, y] of loader) {
      if (step < total) {
        const loss = fl.scope(() => {
          const l = nn.functional.crossEntropy(model.forward(inputs(x)), y);
          opt.zeroGrad();
          l.backward();
          opt.step();
          return l.item();
        });
        sched.step();
        step++;
        first ??= loss;
        avg = avg === null ? loss : 0.9 * avg + 0.1 * loss;
        if (step % 50 === 0) console.log(`step ${String(step).padStart(4)}  loss ${avg.toFixed(4)}  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      }
      data.disposeBatch([x, y]);
    }
  }
  model.eval();
  let correct = 0;
  for await (const [x, y] of testLoader) {
    correct += fl.noGrad(() => fl.scope(() => model.forward(inputs(x)).argmax(-1).eq(y).sum().item()));
    data.disposeBatch([x, y]);
  }
  console.log(`test accuracy ${(100 * correct / ds.test.length).toFixed(2)}%`);
  console.log(`trained ${step} steps in ${((Date.now() - t0) / 1000).toFixed(1)} s: loss ${first.toFixed(4)} -> ${avg.toFixed(4)} (smoothed)`);
  model.dispose(); opt.dispose(); ds.dispose();
}

main().catch((e) => { console.error(e); process.exit(1); });
