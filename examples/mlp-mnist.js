#!/usr/bin/env node
// mlp-mnist.js — a two-layer MLP classifier on MNIST-format digits: real MNIST IDX files with
// `--data <dir>` (read by fl.data.MnistDataset), otherwise a synthetic digits set made on the fly
// (examples/digits.js). Shows DataLoader with shuffle, SGD with momentum (or `--optim adamw`), a
// OneCycleLR (or `--sched step`: StepLR) schedule, and test accuracy under noGrad + eval().
// `--device cuda` trains on the GPU: the model moves there and the DataLoaders put each batch in
// pinned memory and copy it to the GPU on their copy stream, `prefetch` batches ahead of the step.
//
//   node examples/mlp-mnist.js [--data <dir>] [--epochs 5] [--steps 0] [--batch 64] [--hidden 128]
//                              [--lr 0.05] [--optim sgd|adamw] [--sched onecycle|step]
//                              [--train 10000] [--test 2000] [--seed 0] [--device cpu|cuda]
// `--steps N` stops after N optimizer steps (0: run all epochs); `--train`/`--test` are the
// synthetic set sizes (with --data, the files decide).
'use strict';
const fl = require('flintml');
const { nn, optim, data } = fl;
const { digitDatasets } = require('./digits')(fl);

const parseArgs = require('./cli');
const args = () => parseArgs({ data: '', epochs: 5, steps: 0, batch: 64, hidden: 128, lr: 0.05, optim: 'sgd', sched: 'onecycle', train: 10000, test: 2000, seed: 0, device: 'cpu' });


/** uint8 [B, H, W] → float32 [B, H·W] in [0, 1]. */
const inputs = (images) => images.to('float32').div(255).flatten(1);

async function accuracy(model, loader) {
  model.eval();
  let correct = 0, total = 0;
  for await (const [x, y] of loader) {
    correct += fl.noGrad(() => fl.scope(() => model.forward(inputs(x)).argmax(-1).eq(y).sum().item()));
    total += y.shape[0];
    data.disposeBatch([x, y]);
  }
  model.train();
  return correct / total;
}

async function main() {
  const a = args();
  fl.manualSeed(a.seed);
  const ds = digitDatasets(a);
  const [, h, w] = ds.train.tensors[0].shape;
  // on a GPU: batches in pinned memory, copied ahead on the loader's copy stream
  const onDevice = a.device === 'cpu' ? {} : { pinMemory: true, device: a.device, prefetch: 2 };
  const trainLoader = new data.DataLoader(ds.train, { batchSize: a.batch, shuffle: true, seed: a.seed, ...onDevice });
  const testLoader = new data.DataLoader(ds.test, { batchSize: 500, ...onDevice });
  const model = new nn.Sequential(new nn.Linear(h * w, a.hidden), new nn.ReLU(), new nn.Linear(a.hidden, 10));
  if (a.device !== 'cpu') model.to(a.device);
  const opt = a.optim === 'adamw'
    ? new optim.AdamW(model.parameters(), { lr: a.lr, weightDecay: 0.01 })
    : new optim.SGD(model.parameters(), { lr: a.lr, momentum: 0.9, nesterov: true });
  const perEpoch = trainLoader.length;
  const total = a.steps > 0 ? Math.min(a.steps, a.epochs * perEpoch) : a.epochs * perEpoch;
  const sched = a.sched === 'step'
    ? new optim.StepLR(opt, { stepSize: perEpoch, gamma: 0.3 })   // stepped once per optimizer step
    : new optim.OneCycleLR(opt, { maxLr: a.lr, totalSteps: total });
  console.log(`mlp-mnist: ${ds.source}; ${ds.train.length} train / ${ds.test.length} test images of ${h}x${w}; ` +
    `MLP ${h * w}-${a.hidden}-10, ${a.optim}, ${a.sched}, batch ${a.batch}, ${total} steps on ${a.device}`);

  const t0 = Date.now();
  let step = 0, first = null, avg = null;
  for (let epoch = 0; epoch < a.epochs && step < total; epoch++) {
    for await (const [x, y] of trainLoader) {
      if (step >= total) { data.disposeBatch([x, y]); continue; }
      const loss = fl.scope(() => {
        const l = nn.functional.crossEntropy(model.forward(inputs(x)), y);
        opt.zeroGrad();
        l.backward();
        opt.step();
        return l.item();
      });
      data.disposeBatch([x, y]);
      sched.step();
      step++;
      first ??= loss;
      avg = avg === null ? loss : 0.9 * avg + 0.1 * loss;
    }
    console.log(`epoch ${epoch + 1}: step ${step}, loss ${avg.toFixed(4)} (smoothed), lr ${sched.getLastLr()[0].toExponential(2)}, ` +
      `test accuracy ${(100 * await accuracy(model, testLoader)).toFixed(2)}%  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  console.log(`trained ${step} steps in ${((Date.now() - t0) / 1000).toFixed(1)} s: loss ${first.toFixed(4)} -> ${avg.toFixed(4)} (smoothed)`);
  model.dispose(); opt.dispose(); ds.dispose();
}

main().catch((e) => {
  // a typed flintml error (e.g. BackendUnavailableError for --device cuda) is the whole story: no stack
  console.error(e instanceof fl.FlintError ? `${e.name}: ${e.message}` : e);
  process.exit(1);
});
