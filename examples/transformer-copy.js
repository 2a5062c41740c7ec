#!/usr/bin/env node
// transformer-copy.js — a tiny encoder–decoder `nn.Transformer` learns to reverse sequences of
// digits (seq2seq with teacher forcing): the decoder reads [BOS, y0 … y(L-2)] under the causal mask
// of `nn.Transformer.generateSquareSubsequentMask` and predicts y = the source reversed; then greedy
// decoding of fresh sequences shows the token accuracy. Runs in a few seconds on 2 CPU cores.
//
//   node examples/transformer-copy.js [--device cpu] [--steps 200] [--len 6] [--dmodel 32] [--heads 4]
//                                     [--layers 1] [--batch 32] [--lr 0.003] [--seed 1]
'use strict';
const fl = require('flintml');
const { nn, optim } = fl;
const parseArgs = require('./cli');

const a = parseArgs({ device: 'cpu', steps: 200, len: 6, dmodel: 32, heads: 4, layers: 1, batch: 32, lr: 3e-3, seed: 1 });
const VOCAB = 11, BOS = 10;  // digits 0-9 and the start token

class Reverser extends nn.Module {
  constructor() {
    super();
    this.tok = new nn.Embedding(VOCAB, a.dmodel);
    this.pos = new nn.Embedding(a.len, a.dmodel);
    this.transformer = new nn.Transformer({ dModel: a.dmodel, nhead: a.heads, numEncoderLayers: a.layers, numDecoderLayers: a.layers, dimFeedforward: 2 * a.dmodel, dropout: 0, batchFirst: true });
    this.head = new nn.Linear(a.dmodel, VOCAB);
  }
  embed(ids) {
    const positions = fl.arange(ids.shape[1], { dtype: 'int32', device: ids.device });
    return this.tok.forward(ids).add(this.pos.forward(positions));
  }
  /** src [N, L] and the decoder's input [N, T] (int32) → logits [N, T, VOCAB]. */
  forward(src, tgtIn) {
    const mask = nn.Transformer.generateSquareSubsequentMask(tgtIn.shape[1], { device: src.device });
    return this.head.forward(this.transformer.forward(this.embed(src), this.embed(tgtIn), { tgtMask: mask }));
  }
}

/** A batch: random digits, their reversal, and the decoder's input (BOS then the target shifted right). */
function batch(n) {
  return fl.scope(() => {
    const src = fl.randint(0, 10, [n, a.len], { dtype: 'int32' });
    const tgt = fl.flip(src, [1]);
    const tgtIn = fl.cat([fl.full([n, 1], BOS, { dtype: 'int32' }), tgt.narrow(1, 0, a.len - 1)], 1);
    return [src, tgt, tgtIn].map((t) => t.to(a.device));
  });
}

function main() {
  fl.manualSeed(a.seed);
  const model = new Reverser().to(a.device);
  const opt = new optim.Adam(model.parameters(), { lr: a.lr });
  const nParams = model.parameters().reduce((s, p) => s + p.numel, 0);
  console.log(`transformer-copy: reverse ${a.len} digits; nn.Transformer dModel ${a.dmodel}, ${a.heads} heads, ${a.layers}+${a.layers} layers, ${nParams} parameters; ${a.steps} steps of batch ${a.batch}`);
  const t0 = Date.now();
  const losses = [];
  for (let step = 1; step <= a.steps; step++) {
    const [src, tgt, tgtIn] = batch(a.batch);
    const loss = fl.scope(() => {
      const logits = model.forward(src, tgtIn);
      const l = nn.functional.crossEntropy(logits.reshape(-1, VOCAB), tgt.reshape(-1));
      opt.zeroGrad();
      l.backward();
      opt.step();
      return l.item();
    });
    [src, tgt, tgtIn].forEach((t) => t.dispose());
    losses.push(loss);
    if (step % 50 === 0) console.log(`step ${String(step).padStart(4)}  loss ${loss.toFixed(4)}  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const k = Math.max(1, Math.min(10, Math.floor(losses.length / 4)));
  console.log(`trained ${a.steps} steps in ${((Date.now() - t0) / 1000).toFixed(1)} s: loss ${mean(losses.slice(0, k)).toFixed(4)} -> ${mean(losses.slice(-k)).toFixed(4)} (mean of the first and last ${k})`);

  // greedy decoding: feed back the argmax one position at a time
  model.eval();
  fl.noGrad(() => fl.scope(() => {
    const [src, tgt] = batch(64);
    let out = fl.full([64, 1], BOS, { dtype: 'int32', device: a.device });
    for (let t = 0; t < a.len; t++) {
      const next = fl.argmax(model.forward(src, out).select(1, t), -1, true).to('int32');
      out = fl.cat([out, next], 1);
    }
    const pred = out.narrow(1, 1, a.len);
    const acc = pred.eq(tgt).to('float32').mean().item();
    console.log(`greedy decoding of 64 new sequences: ${(100 * acc).toFixed(1)} % of the digits right`);
    console.log(`e.g. ${Array.from(src.select(0, 0).dataSync()).join('')} -> ${Array.from(pred.select(0, 0).dataSync()).join('')}`);
  }));
}

main();
