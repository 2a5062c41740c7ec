// hf.js DIR — gpu-check.sh's hf stage, the flintml half: loads the folders hf.py saved with
// transformers' save_pretrained, and compares on the CPU and on the GPU (when one is usable):
// logits (max |diff|; within 1e-4 on the CPU, 1e-3 on the GPU), 20 greedy tokens (equal), and the
// tokenizer's ids for a few texts (equal); a BertModel's last_hidden_state and pooler_output for a
// padded batch of 2 with token types (max |diff|, same tolerances). Prints `hf-figure:` lines
// (post_hf copies them into summary.txt); exits 1 on a mismatch. `--only bert` compares the BertModel
// alone (test/models-bert.test.ts runs it so on a fixture folder of the same layout).
'use strict';
const fs = require('fs');
const path = require('path');
const fl = require('../../dist');

const dir = process.argv[2];
const onlyBert = process.argv[3] === '--only' && process.argv[4] === 'bert';
const want = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));
let bad = 0;
const figure = (s, ok) => { console.log(`hf-figure: ${s}${ok ? '' : '  MISMATCH'}`); if (!ok) bad++; };

const devices = ['cpu', ...(fl.cuda.isAvailable() ? ['cuda'] : [])];
const maxDiff = (got, ref) => {
  if (got.length !== ref.length) return Infinity;
  let m = 0;
  for (let i = 0; i < got.length; i++) m = Math.max(m, Math.abs(got[i] - ref[i]));
  return m;
};

// BertModel: states of a padded batch (attention_mask 0 on the pads) with two token types
function compareBert(device) {
  const w = want.bert;
  const model = fl.models.Bert.fromPretrained(path.join(dir, 'bert'), { device });
  const t0 = process.hrtime.bigint();
  const [h, pooled] = fl.noGrad(() => fl.scope(() => {
    const int = (a) => fl.tensor(a, { dtype: 'int32', device });
    const out = model.forward({ inputIds: int(w.input_ids), attentionMask: int(w.attention_mask), tokenTypeIds: int(w.token_type_ids) });
    return [out.lastHiddenState.to('cpu').dataSync(), out.poolerOutput.to('cpu').dataSync()];
  }));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  model.dispose();
  const dh = maxDiff(h, w.last_hidden_state), dp = maxDiff(pooled, w.pooler_output);
  const tol = device === 'cpu' ? 1e-4 : 1e-3;
  figure(`bert on ${device}: last_hidden_state max |diff| ${dh.toExponential(2)}, pooler_output ${dp.toExponential(2)} (tolerance ${tol}), forward ${ms.toFixed(1)} ms`, dh <= tol && dp <= tol);
}

if (onlyBert) {
  for (const device of devices) compareBert(device);
  process.exit(bad ? 1 : 0);
}

const tok = fl.models.AutoTokenizer.fromPretrained(path.join(dir, 'gpt2'));
const texts = Object.keys(want.tokenizer);
const same = texts.filter((t) => JSON.stringify(tok.encode(t)) === JSON.stringify(want.tokenizer[t]));
figure(`tokenizer (transformers ${want.transformers}): ${same.length}/${texts.length} texts give the same ids`, same.length === texts.length);

for (const device of devices) {
  compareBert(device);
  for (const name of ['gpt2', 'llama']) {
    const w = want[name];
    const Cls = name === 'gpt2' ? fl.models.GPT2 : fl.models.Llama;
    const model = Cls.fromPretrained(path.join(dir, name), { device });
    const logits = fl.noGrad(() => fl.scope(() => model.forward(fl.tensor([w.ids], { dtype: 'int32', device })).to('cpu').dataSync()));
    let diff = 0;
    for (let i = 0; i < logits.length; i++) diff = Math.max(diff, Math.abs(logits[i] - w.logits[i]));
    const t0 = process.hrtime.bigint();
    const gen = fl.scope(() => model.generate(fl.tensor([w.ids], { dtype: 'int32', device }), { maxNewTokens: 20, eosTokenId: null }).toArray()[0].slice(w.ids.length));
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const equal = gen.filter((t, i) => t === w.greedy[i]).length;
    const tol = device === 'cpu' ? 1e-4 : 1e-3;
    figure(`${name} on ${device}: logits max |diff| ${diff.toExponential(2)} (tolerance ${tol}), greedy ${equal}/20 tokens equal, ${(20 / (ms / 1000)).toFixed(0)} tokens/s`, diff <= tol && equal === 20);
    model.dispose();
  }
}
process.exit(bad ? 1 : 0);
