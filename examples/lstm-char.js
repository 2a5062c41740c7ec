#!/usr/bin/env node
// lstm-char.js — a character-level LSTM language model (Embedding → LSTM → Linear) trained on the
// package's README: CharTokenizer turns the text into ids, TextWindowDataset cuts it into
// next-character windows, a shuffled DataLoader batches them. Gradients are clipped (as usual for
// RNNs) and a sample is generated at the end, carrying the LSTM state one character at a time.
//
//   node examples/lstm-char.js [--steps 300] [--seconds 40] [--batch 32] [--context 48]
//                              [--hidden 128] [--embed 32] [--layers 1] [--lr 0.005] [--seed 0] [--sample 300]
'use strict';
const fs = require('fs');
const path = require('path');
const fl = require('flintml');
const { nn, optim, data } = fl;

const parseArgs = require('./cli');
const args = () => parseArgs({ steps: 300, seconds: 40, batch: 32, context: 48, hidden: 128, embed: 32, layers: 1, lr: 5e-3, seed: 0, sample: 300 });

class CharLSTM extends nn.Module {
  constructor(vocab, embed, hidden, layers) {
    super();
    this.embed = new nn.Embedding(vocab, embed);
    this.lstm = new nn.LSTM(embed, hidden, { numLayers: layers, batchFirst: true });
    this.head = new nn.Linear(hidden, vocab);
  }
  /** ids int32 [B, T] (and an optional [h, c]) → logits [B, T, vocab] and the final [h, c]. */
  forward(ids, state) {
    const [out, next] = this.lstm.forward(this.embed.forward(ids), state);
    return [this.head.forward(out), next];
  }
}

/** Feeds the prompt, then samples `n` characters (temperature 0.8), one step of the LSTM each. */
function sample(model, tok, prompt, n) {
  return fl.noGrad(() => {
    const ids = Array.from(tok.encode(prompt));
    let state = null;
    let input = ids;
    for (let i = 0; i < n; i++) {
      const probs = fl.scope(() => {
        const [logits, next] = model.forward(fl.tensor([input], { dtype: 'int32' }), state);
        if (state) state.forEach((t) => t.dispose());
        state = next.map((t) => fl.keep(t));
        return fl.softmax(logits.select(1, input.length - 1).select(0, 0).div(0.8), -1).dataSync();
      });
      let r = fl.scope(() => fl.rand([1]).item()), id = probs.length - 1;
      for (let j = 0; j < probs.length; j++) { r -= probs[j]; if (r <= 0) { id = j; break; } }
      ids.push(id);
      input = [id];
    }
    state.forEach((t) => t.dispose());
    return tok.decode(ids);
  });
}

async function main() {
  const a = args();
  fl.manualSeed(a.seed);
  const text = fs.readFileSync(path.resolve(__dirname, '..', 'README.md'), 'utf8');
  const tok = data.CharTokenizer.fromText(text);
  const ds = new data.TextWindowDataset(tok.encode(text), a.context);
  const loader = new data.DataLoader(ds, { batchSize: a.batch, shuffle: true, seed: a.seed, dropLast: true });
  const model = new CharLSTM(tok.vocabSize, a.embed, a.hidden, a.layers);
  const opt = new optim.Adam(model.parameters(), { lr: a.lr });
  const nParams = model.parameters().reduce((s, p) => s + p.numel, 0);
  console.log(`lstm-char: README.md, ${text.length} characters, vocabulary ${tok.vocabSize}, ${ds.length} windows of ${a.context}; ` +
    `LSTM ${a.layers}x${a.hidden}, ${nParams} parameters; up to ${a.steps} steps of batch ${a.batch}`);

  const t0 = Date.now();
  let step = 0, first = null, avg = null;
  outer: for (;;) {
    for await (const { x, y } of loader) {
      const done = step >= a.steps || (Date.now() - t0) / 1000 > a.seconds;
      if (!done) {
        const loss = fl.scope(() => {
          const [logits] = model.forward(x);
          const l = nn.functional.crossEntropy(logits.reshape(-1, tok.vocabSize), y.reshape(-1));
          opt.zeroGrad();
          l.backward();
          nn.utils.clipGradNorm(model.parameters(), 1.0);
          opt.step();
          return l.item();
        });
        step++;
        first ??= loss;
        avg = avg === null ? loss : 0.9 * avg + 0.1 * loss;
        if (step % 25 === 0) console.log(`step ${String(step).padStart(4)}  loss ${avg.toFixed(4)}  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      }
      data.disposeBatch({ x, y });
      if (done) break outer;
    }
  }
  console.log(`trained ${step} steps in ${((Date.now() - t0) / 1000).toFixed(1)} s: loss ${first.toFixed(4)} -> ${avg.toFixed(4)} (smoothed)`);
  model.eval();
  console.log('--- sample ---');
  console.log(sample(model, tok, 'flintml ', a.sample));
  model.dispose(); opt.dispose();
}

main().catch((e) => { console.error(e); process.exit(1); });
