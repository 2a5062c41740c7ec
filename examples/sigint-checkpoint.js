#!/usr/bin/env node
// sigint-checkpoint.js — stopping a training run with Ctrl-C (SIGINT) or `kill` (SIGTERM) without
// losing it: the signal handler only asks the loop to stop; the loop finishes the step it is in,
// saves a checkpoint (model, optimizer, step) and exits with 0. `--resume` continues from the file
// with the same model, optimizer state and step count, so a run stopped and resumed ends where an
// uninterrupted one would.
//
// Why not save inside the handler: the handler runs between two turns of the event loop, possibly
// in the middle of a step (after backward, before the optimizer step), where the model and the
// optimizer disagree. Signals are delivered by the event loop, so the loop must yield to it now and
// then (here: `await` once per step); a loop that never yields never sees the signal. At exit the
// driver releases the process's GPU contexts and pinned memory; nothing else is needed from fl.
//
//   node examples/sigint-checkpoint.js [--steps 2000] [--ckpt /tmp/flint-sigint.ckpt] [--resume 0|1]
//                                      [--device cpu] [--hidden 64] [--lr 0.05] [--seed 0] [--every 100]
'use strict';
const fl = require('flintml');
const { nn, optim } = fl;
const parseArgs = require('./cli');

const a = parseArgs({ steps: 2000, ckpt: '/tmp/flint-sigint.ckpt', resume: 0, device: 'cpu', hidden: 64, lr: 0.05, seed: 0, every: 100 });

let stopRequested = null;  // the signal's name once one arrived
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { stopRequested = sig; });

async function main() {
  fl.manualSeed(a.seed);
  const model = new nn.Sequential(new nn.Linear(8, a.hidden), new nn.ReLU(), new nn.Linear(a.hidden, 1)).to(a.device);
  const opt = new optim.SGD(model.parameters(), a.lr, 0.9);
  // a fixed regression task, made before a resume restores the random generator: y = sum of x's first half minus its second half
  const x = fl.randn([256, 8], { device: a.device });
  const w = fl.tensor([1, 1, 1, 1, -1, -1, -1, -1], { device: a.device, dtype: 'float32' }).reshape([8, 1]);
  const y = fl.matmul(x, w);
  let step = 0;
  if (a.resume) {
    const { extra } = await fl.loadCheckpoint(a.ckpt, { model, optimizer: opt });
    step = extra.step;
    console.log(`resumed from ${a.ckpt} at step ${step}`);
  }
  let first = null, last = null;
  console.log(`training on ${a.device} (pid ${process.pid}); Ctrl-C saves a checkpoint and exits`);
  for (; step < a.steps; step++) {
    const loss = fl.scope(() => {
      opt.zeroGrad();
      const l = nn.functional.mseLoss(model.forward(x), y);
      l.backward();
      opt.step();
      return l.item();
    });
    if (first === null) first = loss;
    last = loss;
    if (step % a.every === 0) console.log(`step ${step} loss ${loss.toFixed(5)}`);
    await new Promise((resolve) => setImmediate(resolve));  // let a signal in, between two whole steps
    if (stopRequested) {
      await fl.saveCheckpoint(a.ckpt, { model, optimizer: opt, extra: { step: step + 1 } });
      console.log(`${stopRequested}: checkpoint saved at step ${step + 1} to ${a.ckpt}`);
      process.exit(0);
    }
  }
  await fl.saveCheckpoint(a.ckpt, { model, optimizer: opt, extra: { step } });
  console.log(`done: ${step} steps, loss ${first.toFixed(4)} -> ${last.toFixed(4)}; checkpoint in ${a.ckpt}`);
  console.log(`final loss ${last}`);  // all digits: a resumed run ends with the same one as an uninterrupted run
}

main().catch((e) => { console.error(e); process.exit(1); });
