// hf_generate.js — fl.models on the CPU: (1) how close the logits of the test checkpoints
// (test/golden/hf: GPT-2, Llama, Llama 3 rope scaling, Qwen2) come to the plain-PyTorch reference
// (max |diff|, float32), (2) greedy generation speed, tokens/s, of GPT-2-shaped models with random
// weights (N(0, 0.02), transformers' init): flintml with the key/value cache, flintml without it
// (a full forward per token), and PyTorch with a cache (bench/peers/torch_generate.py, at its best
// of default and pinned threads), in interleaved rounds. A 16-token prompt, 32 new tokens.
//
//   node bench/hf_generate.js [--quick]     (FLINT_BENCH_ROUNDS=n: rounds, default 3)
'use strict';
const fs = require('fs');
const path = require('path');
const { ROOT, loadFlint, now, runTorchPeerBoth, sampleTorchBest, Report, rounds } = require('./common');

const fl = loadFlint();
const quick = process.argv.includes('--quick') || process.env.FLINT_BENCH_QUICK === '1';
const HF = path.join(ROOT, 'test', 'golden', 'hf');

// (1) logits against the reference
const golden = JSON.parse(fs.readFileSync(path.join(HF, 'golden.json'), 'utf8'));
for (const name of Object.keys(golden).filter((k) => golden[k].input_ids)) {
  const g = golden[name];
  const Cls = name === 'gpt2' ? fl.models.GPT2 : fl.models.Llama;
  const model = Cls.fromPretrained(path.join(HF, name));
  const got = fl.noGrad(() => fl.scope(() => model.forward(fl.tensor(g.input_ids, { dtype: 'int32' })).dataSync()));
  let diff = 0;
  for (let i = 0; i < got.length; i++) diff = Math.max(diff, Math.abs(got[i] - g.logits[i]));
  const greedy = fl.scope(() => model.generate(fl.tensor([g.prompt], { dtype: 'int32' }), { maxNewTokens: 20, eosTokenId: null }).toArray()[0].slice(g.prompt.length));
  console.log(JSON.stringify({ bench: 'hf_logits', impl: 'flintml', case: name, metric: 'max_abs_diff', value: diff, greedy_equal: greedy.filter((t, i) => t === g.greedy[i]).length }));
  model.dispose();
}

// (2) generation speed
const CASES = quick ? [{ d: 64, layers: 2, heads: 4, vocab: 1000 }] : [{ d: 256, layers: 4, heads: 4, vocab: 8192 }, { d: 768, layers: 12, heads: 12, vocab: 50257 }];
const PROMPT = 16, NEW = quick ? 8 : 32;
const rep = new Report('hf_generate');
for (let r = 0; r < rounds(quick ? 1 : 3); r++) {
  for (const c of CASES) {
    const kase = `d=${c.d} layers=${c.layers} vocab=${c.vocab}`;
    const model = new fl.models.GPT2({ n_embd: c.d, n_layer: c.layers, n_head: c.heads, vocab_size: c.vocab, n_positions: PROMPT + NEW });
    const ids = fl.randint(0, c.vocab, [1, PROMPT], { dtype: 'int32' });
    const gen = (useCache) => { const t = now(); fl.scope(() => model.generate(ids, { maxNewTokens: NEW, eosTokenId: null, useCache })); return NEW / (now() - t); };
    gen(true);  // warm-up: V8's compiler and the allocator's blocks
    rep.sample('flintml-cache', kase, 'tokens/s', gen(true));
    if (c.d <= 256) rep.sample('flintml-nocache', kase, 'tokens/s', gen(false));
    ids.dispose(); model.dispose();
    const peer = runTorchPeerBoth('torch_generate.py', [c.d, c.layers, c.heads, c.vocab, PROMPT, NEW, 2].map(String));
    sampleTorchBest(rep, kase, 'tokens/s', peer.default[0].tokens_per_s, peer.pinned[0].tokens_per_s, true);
    if (r === 0) { rep.ratio(kase, 'flintml-cache', 'torch-best'); rep.ratio(kase, 'flintml-cache', 'flintml-nocache'); }
  }
}
rep.finish(`greedy generation, ${PROMPT}-token prompt + ${NEW} tokens, tokens/s (higher is better)`);
