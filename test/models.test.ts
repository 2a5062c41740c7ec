// models.test.ts — fl.models against an independent reference: tiny random GPT-2, Llama, Llama 3
// (rope_scaling "llama3", grouped-query attention 3:1, tied head) and Qwen2 (q/k/v biases)
// checkpoints in transformers' save_pretrained layout, with the logits and 20 greedy tokens that
// plain-PyTorch re-implementations of transformers' modules give (test/golden/hf, written by
// scripts/golden/hf_models.py). Logits within 1e-4 (float32), greedy tokens exactly (the reference's
// top-2 margin at every step is recorded and is > 1e-3); generate with the cache equals generate
// without it; sharded folders load; savePretrained writes back the same names, layout and values.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fl from '../lib';
import { DEVICE } from './helpers';

const HF = path.join(__dirname, 'golden', 'hf');
const golden = JSON.parse(fs.readFileSync(path.join(HF, 'golden.json'), 'utf8')) as Record<string, {
  input_ids: number[][]; logits: number[]; shape: number[]; prompt: number[]; greedy: number[];
}>;
const NAMES = ['gpt2', 'llama', 'llama3', 'qwen2'] as const;
const load = (name: string, dir = path.join(HF, name)): fl.models.CausalLM =>
  name === 'gpt2' ? fl.models.GPT2.fromPretrained(dir, { device: DEVICE }) : fl.models.Llama.fromPretrained(dir, { device: DEVICE });

let tmp = '';
beforeAll(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-models-')); });
afterAll(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function logitsOf(model: fl.models.CausalLM, ids: number[][]): Float32Array {
  return fl.noGrad(() => fl.scope(() => model.forward(fl.tensor(ids, { dtype: 'int32', device: DEVICE })).to('cpu').dataSync() as Float32Array));
}

describe.each(NAMES)('%s matches the reference', (name) => {
  const g = golden[name];
  test('logits within 1e-4 (float32)', () => {
    const model = load(name);
    try {
      expect(model.training).toBe(false);
      expect(maxDiff(logitsOf(model, g.input_ids), g.logits)).toBeLessThan(1e-4);
    } finally { model.dispose(); }
  });
  test('20 greedy tokens, with and without the key/value cache', () => {
    const model = load(name);
    try {
      fl.scope(() => {
        const ids = fl.tensor([g.prompt], { dtype: 'int32', device: DEVICE });
        const cached = model.generate(ids, { maxNewTokens: 20, eosTokenId: null });
        const full = model.generate(ids, { maxNewTokens: 20, eosTokenId: null, useCache: false });
        expect(cached.shape).toEqual([1, g.prompt.length + 20]);
        expect((cached.toArray() as number[][])[0]).toEqual([...g.prompt, ...g.greedy]);
        expect(full.toArray()).toEqual(cached.toArray());
      });
    } finally { model.dispose(); }
  });
});

test('a cached forward step by step gives the full forward\'s logits (batch of 2)', () => {
  const model = load('llama3');
  try {
    const ids = golden.llama3.input_ids;
    const full = logitsOf(model, ids);
    fl.noGrad(() => fl.scope(() => {
      const cache = model.createCache(2, ids[0].length);
      try {
        const first = model.forward(fl.tensor(ids.map((r) => r.slice(0, 4)), { dtype: 'int32', device: DEVICE }), { cache });
        const parts = [first];
        for (let t = 4; t < ids[0].length; t++) parts.push(model.forward(fl.tensor(ids.map((r) => [r[t]]), { dtype: 'int32', device: DEVICE }), { cache }));
        expect(cache.length).toBe(ids[0].length);
        const stepped = fl.cat(parts, 1).to('cpu').dataSync() as Float32Array;
        expect(maxDiff(stepped, full)).toBeLessThan(1e-4);
      } finally { cache.dispose(); }
    }));
  } finally { model.dispose(); }
});

describe('savePretrained and sharded folders', () => {
  test.each(NAMES)('%s: savePretrained writes the checkpoint\'s names, layout and values back', (name) => {
    const model = load(name);
    const out = path.join(tmp, `save-${name}`);
    try {
      model.savePretrained(out);
      const [orig, back] = [fl.loadSync(path.join(HF, name, 'model.safetensors')), fl.loadSync(path.join(out, 'model.safetensors'))];
      try {
        expect(Object.keys(back).sort()).toEqual(Object.keys(orig).sort());
        for (const k of Object.keys(orig)) {
          expect([k, back[k].shape]).toEqual([k, orig[k].shape]);  // GPT-2's Conv1D stays [in, out]
          expect([k, maxDiff(back[k].dataSync() as Float32Array, orig[k].dataSync() as Float32Array)]).toEqual([k, 0]);
        }
      } finally { for (const t of [...Object.values(orig), ...Object.values(back)]) t.dispose(); }
      expect(fl.loadMetadataSync(path.join(out, 'model.safetensors'))).toEqual({ format: 'pt' });
      const cfg = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
      const want = JSON.parse(fs.readFileSync(path.join(HF, name, 'config.json'), 'utf8'));
      expect(cfg).toEqual(want);
    } finally { model.dispose(); }
  });

  test('a sharded folder (model-0000i-of-0000n.safetensors + index) loads to the same logits', () => {
    const model = load('llama');
    const out = path.join(tmp, 'sharded');
    try {
      model.savePretrained(out, { maxShardSize: 8000 });
      const files = fs.readdirSync(out).sort();
      const shards = files.filter((f) => /^model-\d{5}-of-\d{5}\.safetensors$/.test(f));
      expect(shards.length).toBeGreaterThan(2);
      expect(files).toContain('model.safetensors.index.json');
      expect(files).not.toContain('model.safetensors');
      const index = JSON.parse(fs.readFileSync(path.join(out, 'model.safetensors.index.json'), 'utf8'));
      expect(new Set(Object.values(index.weight_map))).toEqual(new Set(shards));
      expect(index.metadata.total_size).toBe(6736 * 4);
      const again = load('llama', out);
      try { expect(maxDiff(logitsOf(again, golden.llama.input_ids), golden.llama.logits)).toBeLessThan(1e-4); } finally { again.dispose(); }
    } finally { model.dispose(); }
  });

  test('old GPT-2 checkpoints: keys without `transformer.`, a stored lm_head and attention-mask buffers load', () => {
    const dir = path.join(tmp, 'gpt2-old');
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(HF, 'gpt2', 'config.json'), path.join(dir, 'config.json'));
    const w = fl.loadSync(path.join(HF, 'gpt2', 'model.safetensors'));
    try {
      const old: Record<string, fl.Tensor> = {};
      for (const [k, t] of Object.entries(w)) old[k.replace(/^transformer\./, '')] = t;
      fl.scope(() => {
        old['lm_head.weight'] = w['transformer.wte.weight'];
        old['h.0.attn.bias'] = fl.ones([1, 1, 32, 32]);
        fl.saveSync(old, path.join(dir, 'model.safetensors'));
      });
    } finally { Object.values(w).forEach((t) => t.dispose()); }
    const model = load('gpt2', dir);
    try { expect(maxDiff(logitsOf(model, golden.gpt2.input_ids), golden.gpt2.logits)).toBeLessThan(1e-4); } finally { model.dispose(); }
  });
});

describe('bad input gets a typed error naming the call', () => {
  test('folders', () => {
    expect(() => fl.models.GPT2.fromPretrained(path.join(tmp, 'nope'))).toThrow(fl.FileError);
    expect(() => fl.models.GPT2.fromPretrained(path.join(HF, 'llama'))).toThrow(/GPT2.fromPretrained: .* holds a "llama" model, not gpt2/);
    const dir = path.join(tmp, 'config-only');
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(HF, 'llama', 'config.json'), path.join(dir, 'config.json'));
    expect(() => fl.models.Llama.fromPretrained(dir)).toThrow(/Llama.fromPretrained: .* has neither model.safetensors nor model.safetensors.index.json/);
    expect(() => new fl.models.Llama({ model_type: 'llama', hidden_size: 16 })).toThrow(/Llama: config.json lacks "num_attention_heads"/);
    expect(() => new fl.models.Llama({ ...JSON.parse(fs.readFileSync(path.join(HF, 'llama', 'config.json'), 'utf8')), rope_scaling: { rope_type: 'yarn', factor: 2 } }))
      .toThrow(/rope_scaling type "yarn" is not supported/);
    expect(() => (fl.models.GPT2.fromPretrained as (...a: unknown[]) => unknown)(path.join(HF, 'gpt2'), { device: 'cpu' }, 7)).toThrow(/^GPT2.fromPretrained: takes 1 positional argument/);
  });
  test('inputs', () => {
    const model = load('gpt2');
    try {
      fl.scope(() => {
        expect(() => model.forward(fl.ones([1, 3]))).toThrow(/GPT2.forward: inputIds must be int32 token ids, got float32/);
        expect(() => model.forward(fl.zeros([3], { dtype: 'int32' }))).toThrow(fl.ShapeError);
        expect(() => model.generate(fl.zeros([1, 30], { dtype: 'int32', device: DEVICE }), { maxNewTokens: 5 })).toThrow(/generate: 30 \+ 5 new tokens exceed the model's 32 positions/);
        expect(() => model.generate(fl.zeros([1, 3], { dtype: 'int32', device: DEVICE }), { maxNewToken: 5 } as never)).toThrow(/generate: unknown option 'maxNewToken'/);
        const cache = model.createCache(1, 8);
        expect(() => model.forward(fl.zeros([1, 3], { dtype: 'int32', device: DEVICE }), { cache })).toThrow(/a forward with a cache is for inference: run it under fl.noGrad/);
        cache.dispose();
      });
    } finally { model.dispose(); }
  });
});
