#!/usr/bin/env node
// char-transformer.js — `npm run demo`: trains a small GPT-style character transformer on text
// that ships with the package (its README and TypeScript sources), shows a progress bar, then
// samples text. Runs on the CPU by default; `--device cuda` once the GPU backend is there.
//
//   node examples/char-transformer.js [--device cpu] [--steps 600] [--seconds 110] [--layers 2]
//                                     [--dmodel 96] [--heads 4] [--context 64] [--batch 16]
'use strict';
const fs = require('fs');
const path = require('path');
const fl = require('flintml');
const { nn, optim, data } = fl;

const parseArgs = require('./cli');
const args = () => parseArgs({ device: 'cpu', steps: 2000, seconds: 110, layers: 2, dmodel: 96, heads: 4, context: 64, batch: 16, lr: 3e-3, seed: 1337, sample: 400 });

/** The corpus: README.md and the TypeScript sources of the package (or its .d.ts files when installed). */
function corpus() {
  const root = path.resolve(__dirname, '..');
  const files = [path.join(root, 'README.md')];
  const walk = (dir, ext) => {
    if (!fs.existsSync(dir)) return;
    for (const f of fs.readdirSync(dir).sort()) {
      const p = path.join(dir, f);
      if (fs.statSync(p).isDirectory()) walk(p, ext);
      else if (p.endsWith(ext)) files.push(p);
    }
  };
  if (fs.existsSync(path.join(root, 'lib'))) walk(path.join(root, 'lib'), '.ts');
  else walk(path.join(root, 'dist'), '.d.ts');
  return files.filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
}

const { GPT } = require('./gpt')(fl);

function bar(frac, width = 24) {
  const n = Math.round(frac * width);
  return '[' + '#'.repeat(n) + '.'.repeat(width - n) + ']';
}

function sample(model, tok, prompt, n, context) {
  let ids = Array.from(tok.encode(prompt));
  const rand = () => fl.noGrad(() => fl.scope(() => fl.rand([1]).item()));
  for (let i = 0; i < n; i++) {
    const window = ids.slice(-context);
    const probs = fl.noGrad(() => fl.scope(() => {
      const logits = model.forward(fl.tensor([window]));
      return fl.softmax(logits.select(1, window.length - 1).select(0, 0).div(0.8), -1).dataSync();
    }));
    let r = rand(), next = probs.length - 1;
    for (let j = 0; j < probs.length; j++) { r -= probs[j]; if (r <= 0) { next = j; break; } }
    ids.push(next);
  }
  return tok.decode(ids);
}

async function main() {
  const a = args();
  fl.manualSeed(a.seed);
  const text = corpus();
  const tok = data.CharTokenizer.fromText(text);
  const ids = tok.encode(text);
  const tokens = fl.tensor(ids instanceof Int32Array ? ids : Int32Array.from(ids));
  const n = tokens.shape[0];
  const model = new GPT(tok.vocabSize, a.dmodel, a.heads, a.layers, a.context);
  if (a.device !== 'cpu') model.to(a.device);
  const nParams = model.parameters().reduce((s, p) => s + p.numel, 0);
  const opt = new optim.AdamW(model.parameters(), { lr: a.lr, weightDecay: 0.01 });
  console.log(`flintml demo: character transformer, ${a.layers} layers, d=${a.dmodel}, ${a.heads} heads, context ${a.context}, ` +
    `${(nParams / 1e3).toFixed(1)}k parameters; corpus ${n} characters, vocabulary ${tok.vocabSize}; device ${a.device}, BLAS ${fl.backend.info().blas}`);
  const t0 = Date.now();
  let first = null, avg = null, step = 0, tokensSeen = 0;
  const offsets = () => fl.noGrad(() => fl.randint(0, n - a.context - 1, [a.batch]));
  for (; step < a.steps; step++) {
    const loss = fl.scope(() => {
      const start = offsets();
      const idx = fl.stack(Array.from(start.dataSync()).map((s) => tokens.narrow(0, s, a.context)));
      const tgt = fl.stack(Array.from(start.dataSync()).map((s) => tokens.narrow(0, s + 1, a.context)));
      const logits = model.forward(idx);
      const l = nn.functional.crossEntropy(logits.reshape(-1, tok.vocabSize), tgt.reshape(-1));
      opt.zeroGrad();
      l.backward();
      nn.utils.clipGradNorm(model.parameters(), 1.0).dispose();
      opt.step();
      return l.item();
    });
    tokensSeen += a.batch * a.context;
    first ??= loss;
    avg = avg === null ? loss : 0.95 * avg + 0.05 * loss;
    const secs = (Date.now() - t0) / 1000;
    if (step % 10 === 0 || step === a.steps - 1) {
      const mem = fl.memory.stats(a.device === 'cpu' ? 'cpu' : a.device).allocatedBytes / 2 ** 20;
      const frac = Math.max(step / a.steps, secs / a.seconds);
      process.stdout.write(`\r${bar(Math.min(frac, 1))} step ${String(step).padStart(5)}  loss ${avg.toFixed(3)}  ` +
        `${Math.round(tokensSeen / secs)} tok/s  ${a.device}  ${mem.toFixed(1)} MiB  ${secs.toFixed(0)}s `);
    }
    if (secs > a.seconds) { step++; break; }
  }
  const secs = (Date.now() - t0) / 1000;
  console.log(`\ntrained ${step} steps in ${secs.toFixed(1)} s: loss ${first.toFixed(3)} -> ${avg.toFixed(3)} (smoothed)`);
  model.eval();
  console.log('--- sample ---');
  console.log(sample(model, tok, 'export function ', a.sample, a.context));
  model.dispose(); tokens.dispose(); opt.dispose?.();
}

main().catch((e) => {
  // a typed flintml error (e.g. BackendUnavailableError for --device cuda) is the whole story: no stack
  console.error(e instanceof fl.FlintError ? `${e.name}: ${e.message}` : e);
  process.exit(1);
});
