#!/usr/bin/env node
// grad-accumulation.js — gradient accumulation: each optimizer step sees a batch of `--batch`
// examples as `--micro` micro-batches; each micro-batch's mean loss is scaled by its share of the
// batch (1/k for k equal micro-batches) and backpropagated, so that `.grad` sums to the gradient of
// the full batch's mean loss; then one optimizer step. Peak activation memory is that of one
// micro-batch. The program checks the claim: it computes the full-batch gradient of the same
// batch and prints the largest difference (rounding only: ~1e-9 in float32, ~1e-17 in float64).
// (The equality needs a model whose forward does not couple the examples of a batch and draws no
// random numbers: BatchNorm or dropout would make the two differ.)
//
//   node examples/grad-accumulation.js [--steps 150] [--batch 128] [--micro 4] [--hidden 64]
//                                      [--lr 0.01] [--dtype float32] [--seed 0]
'use strict';
const fl = require('flintml');
const { nn, optim, data } = fl;
const { syntheticDigits } = require('./digits')(fl);

const parseArgs = require('./cli');
const args = () => parseArgs({ steps: 150, batch: 128, micro: 4, hidden: 64, lr: 1e-2, dtype: 'float32', seed: 0 });

/** Backpropagates the batch [x, y] as `k` micro-batches; `.grad` ends up as the full batch's gradient. Returns the batch loss. */
function accumulate(model, x, y, k, dtype) {
  const n = x.shape[0];
  let total = 0;
  for (let i = 0; i < k; i++) {
    const start = Math.floor((i * n) / k), size = Math.floor(((i + 1) * n) / k) - start;
    if (size === 0) continue;
    total += fl.scope(() => {
      const xi = x.narrow(0, start, size).to(dtype).div(255).flatten(1);
      const loss = nn.functional.crossEntropy(model.forward(xi), y.narrow(0, start, size));
      const scaled = loss.mul(size / n);   // = loss / k when the micro-batches are equal
      scaled.backward();                   // adds into each parameter's .grad
      return scaled.item();
    });
  }
  return total;
}

/** The gradient of the full batch's mean loss, as copies (the parameters' .grad is left as it was). */
function fullBatchGrads(model, x, y, dtype) {
  const params = model.parameters();
  const saved = params.map((p) => p.grad);
  params.forEach((p) => { p.grad = null; });
  fl.scope(() => nn.functional.crossEntropy(model.forward(x.to(dtype).div(255).flatten(1)), y).backward());
  const full = params.map((p) => p.grad);
  params.forEach((p, i) => { p.grad = saved[i]; });
  return full;
}

async function main() {
  const a = args();
  fl.manualSeed(a.seed);
  const { images, labels } = syntheticDigits(Math.max(a.batch * 16, 2048), { size: 16, seed: a.seed + 1 });
  const loader = new data.DataLoader(new data.TensorDataset(images, labels), { batchSize: a.batch, shuffle: true, seed: a.seed, dropLast: true });
  const model = new nn.Sequential(
    new nn.Linear(256, a.hidden, { dtype: a.dtype }), new nn.ReLU(), new nn.Linear(a.hidden, 10, { dtype: a.dtype }),
  );
  const opt = new optim.AdamW(model.parameters(), { lr: a.lr });
  console.log(`grad-accumulation: batches of ${a.batch} as ${a.micro} micro-batches of ~${Math.round(a.batch / a.micro)}, ` +
    `${a.dtype}, MLP 256-${a.hidden}-10 on synthetic 16x16 digits, ${a.steps} steps`);

  const t0 = Date.now();
  let step = 0, first = null, last = null, worst = 0;
  while (step < a.steps) {
    for await (const [x, y] of loader) {
      if (step < a.steps) {
        opt.zeroGrad();
        const loss = accumulate(model, x, y, a.micro, a.dtype);
        if (step === 0 || step === a.steps - 1) {
          const full = fullBatchGrads(model, x, y, a.dtype);
          let diff = 0, scale = 0;
          model.parameters().forEach((p, i) => fl.scope(() => {
            diff = Math.max(diff, p.grad.sub(full[i]).abs().max().item());
            scale = Math.max(scale, full[i].abs().max().item());
          }));
          full.forEach((g) => g.dispose());
          worst = Math.max(worst, diff);
          console.log(`step ${String(step).padStart(3)}: max |accumulated - full-batch gradient| = ${diff.toExponential(2)} ` +
            `(largest gradient entry ${scale.toExponential(2)})`);
        }
        opt.step();
        step++;
        first ??= loss;
        last = loss;
        if (step % 50 === 0) console.log(`step ${String(step).padStart(3)}  loss ${loss.toFixed(4)}`);
      }
      data.disposeBatch([x, y]);
    }
  }
  const tol = a.dtype === 'float64' ? 1e-12 : 1e-5;
  console.log(`accumulated and full-batch gradients ${worst <= tol ? 'agree' : 'DIFFER'} (max difference ${worst.toExponential(2)}, tolerance ${tol})`);
  console.log(`trained ${step} steps in ${((Date.now() - t0) / 1000).toFixed(1)} s: loss ${first.toFixed(4)} -> ${last.toFixed(4)}`);
  model.dispose(); opt.dispose(); images.dispose(); labels.dispose();
  if (worst > tol) process.exit(1);
}

main().catch((e) => { console.error(e); process.exit(1); });
