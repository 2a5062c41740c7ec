// finetune-gpt2.js — fine-tune a Hugging Face GPT-2 folder on a text file with LoRA adapters, sample
// from it before and after, and save it back in transformers' layout (adapters merged).
//
//   node examples/finetune-gpt2.js [--model DIR] [--text FILE] [--steps 30] [--lr 0.01] [--r 8]
//                                  [--batch 4] [--context 32] [--device cpu|cuda] [--out DIR]
//
// --model is a save_pretrained folder (config.json, model.safetensors, tokenizer.json), e.g. one
// made by `GPT2LMHeadModel.from_pretrained('gpt2').save_pretrained(DIR)` and its tokenizer's
// save_pretrained. Default: the tiny random GPT-2 the tests use (test/golden/hf/gpt2), so that the
// example runs in seconds; a real model learns the text, the tiny one only shows the loss falling.
// The tokenizer needs the optional package @huggingface/tokenizers.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const fl = require('flintml');

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const modelDir = args.model ?? path.join(__dirname, '..', 'test', 'golden', 'hf', 'gpt2');
const textFile = args.text ?? path.join(__dirname, '..', 'README.md');
const steps = Number(args.steps ?? 30), lr = Number(args.lr ?? 0.01), r = Number(args.r ?? 8);
const batch = Number(args.batch ?? 4), device = args.device ?? 'cpu';
const out = args.out ?? fs.mkdtempSync(path.join(os.tmpdir(), 'finetune-gpt2-'));

const tok = fl.models.AutoTokenizer.fromPretrained(modelDir);
const model = fl.models.GPT2.fromPretrained(modelDir, { device });
const context = Math.min(Number(args.context ?? 32), model.config.n_positions);
const ids = tok.encode(fs.readFileSync(textFile, 'utf8').toLowerCase().slice(0, 20000), { addSpecialTokens: false });
console.log(`${modelDir}: ${model.parameters().reduce((n, p) => n + p.numel, 0)} parameters; ${textFile}: ${ids.length} tokens`);

const prompt = ids.slice(0, 8);
function sample(label) {
  const outIds = fl.scope(() => model.generate(fl.tensor([prompt], { dtype: 'int32', device }), { maxNewTokens: 16, eosTokenId: null }).toArray()[0]);
  console.log(`${label}: ${JSON.stringify(tok.decode(outIds))}`);
}
sample('before');

// LoRA on the attention's c_attn (PEFT's default for GPT-2): the base stays frozen
const adapters = fl.nn.utils.lora(model, { r, alpha: 2 * r, targetModules: ['c_attn'] });
const opt = new fl.optim.AdamW(adapters.parameters(), { lr });
model.train();
let rnd = 1;
const next = () => { rnd = (rnd * 1103515245 + 12345) % 2147483648; return rnd / 2147483648; };
const losses = [];
for (let step = 0; step < steps; step++) {
  fl.scope(() => {
    const rows = Array.from({ length: batch }, () => { const s = Math.floor(next() * (ids.length - context - 1)); return ids.slice(s, s + context + 1); });
    const x = fl.tensor(rows.map((w) => w.slice(0, context)), { dtype: 'int32', device });
    const y = fl.tensor(rows.map((w) => w.slice(1)), { dtype: 'int32', device });
    opt.zeroGrad();
    const logits = model.forward(x);
    const loss = fl.nn.functional.crossEntropy(logits.reshape(batch * context, -1), y.reshape(-1));
    loss.backward();
    opt.step();
    losses.push(loss.item());
  });
}
model.eval();
opt.dispose();
sample('after');

model.savePretrained(out);   // the adapters are merged into c_attn on the way out
const again = fl.models.GPT2.fromPretrained(out, { device });
console.log(`saved to ${out} (${fs.readdirSync(out).join(', ')}); reloaded: ${again.parameters().length} tensors`);
const head = (a) => a.slice(0, 3).reduce((s, v) => s + v, 0) / 3, tail = (a) => a.slice(-3).reduce((s, v) => s + v, 0) / 3;
console.log(`${steps} LoRA steps on ${device}: loss ${head(losses).toFixed(4)} -> ${tail(losses).toFixed(4)}`);
if (!args.out) fs.rmSync(out, { recursive: true, force: true });
