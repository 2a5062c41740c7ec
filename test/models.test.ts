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
import { DEVICE, maxDiff } from './helpers';

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

test.each(['linear', 'dynamic'])('rope_scaling "%s": the llama checkpoint\'s logits match the reference', (kind) => {
  const g = (golden as unknown as Record<string, { config: Record<string, unknown>; logits: number[] }>)[`llama-${kind}`];
  const dir = path.join(tmp, `rope-${kind}`);
  fs.mkdirSync(dir, { recursive: true });
  const cfg = JSON.parse(fs.readFileSync(path.join(HF, 'llama', 'config.json'), 'utf8'));
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...cfg, ...g.config }));
  fs.copyFileSync(path.join(HF, 'llama', 'model.safetensors'), path.join(dir, 'model.safetensors'));
  const model = load('llama', dir);
  try {
    const got = logitsOf(model, golden.llama.input_ids);
    expect(maxDiff(got, g.logits)).toBeLessThan(1e-4);
    expect(maxDiff(got, golden.llama.logits)).toBeGreaterThan(1e-2);  // the scaling changed something
  } finally { model.dispose(); }
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

describe('training, LoRA and inference precision', () => {
  const ids = () => fl.tensor(golden.gpt2.input_ids, { dtype: 'int32', device: DEVICE });
  const lossOf = (model: fl.models.CausalLM, x: fl.Tensor): fl.Tensor => {
    const [B, L] = x.shape;
    const logits = model.forward(x.narrow(1, 0, L - 1));
    return fl.nn.functional.crossEntropy(logits.reshape(B * (L - 1), -1), x.narrow(1, 1, L - 1).reshape(-1));
  };

  test.each(['gpt2', 'llama'])('%s: full fine-tuning with AdamW and gradient checkpointing lowers the loss; checkpointing gives the same gradients', (name) => {
    const a = load(name), b = load(name);
    try { fl.scope(() => {
      a.train(); b.train();
      b.gradientCheckpointing = true;
      // GPT-2 trains with dropout 0.1 (its config's default): the same seed gives both runs the same
      // masks, and the checkpointed blocks replay the generator so that the recompute draws them again
      const saved = fl.getRngState();
      fl.scope(() => { fl.manualSeed(11); lossOf(a, ids()).backward(); fl.manualSeed(11); lossOf(b, ids()).backward(); });
      fl.setRngState(saved);
      const ga = a.parameters().map((p) => Array.from(p.grad!.to('cpu').dataSync())), gb = b.parameters().map((p) => Array.from(p.grad!.to('cpu').dataSync()));
      ga.forEach((g, i) => expect(maxDiff(g, gb[i])).toBeLessThan(1e-5));
      a.zeroGrad(); b.zeroGrad();
      const opt = new fl.optim.AdamW(b.parameters(), { lr: 1e-2 });
      const losses: number[] = [];
      for (let i = 0; i < 5; i++) fl.scope(() => { opt.zeroGrad(); const l = lossOf(b, ids()); losses.push(l.item()); l.backward(); opt.step(); });
      opt.dispose();
      expect(losses[4]).toBeLessThan(losses[0]);
      b.zeroGrad();
    }); } finally { a.dispose(); b.dispose(); }
  });

  // Each block runs in a scope of its own, as PyTorch frees a block's temporaries by reference count:
  // after a training forward of one block, what stays allocated is its output and the storages its
  // graph saved for backward (walked here), nothing else. Without the scope the attention scores, the
  // residual branches and the MLP's intermediates stayed until the step's scope ended.
  test.each(['gpt2', 'llama'])('%s: a block in training holds only its output and what backward reads once it returns', (name) => {
    type Node = { saved: fl.Tensor[] | null; inputNodes: (Node | null)[] };
    type Storage = { bytes: number };
    const m = load(name);
    try {
      m.train();
      const inner = m as unknown as { transformer?: { h: fl.nn.Module[] }; model?: { layers: fl.nn.Module[] } };
      const block = (inner.transformer ? inner.transformer.h[0] : inner.model!.layers[0]) as unknown as { forward: (...a: unknown[]) => fl.Tensor };
      const d = Number(m.config.n_embd ?? m.config.hidden_size), L = 16;
      const headDim = d / Number(m.config.n_head ?? m.config.num_attention_heads);
      fl.scope(() => {
        const x = fl.randn([4, L, d], { device: DEVICE }).requiresGrad_();
        const rot = fl.ones([L, headDim], { device: DEVICE });
        const before = new Set<Storage>([x, rot, ...m.parameters()].map((t) => (t as unknown as { _storage: Storage })._storage));
        const at0 = fl.memory.stats(DEVICE).allocatedBytes;
        const y = name === 'gpt2' ? block.forward(x, 0, null) : block.forward(x, rot, rot, 0, null);
        const held = fl.memory.stats(DEVICE).allocatedBytes - at0;
        // the storages the graph keeps for backward, made by this forward
        const kept = new Set<Storage>([(y as unknown as { _storage: Storage })._storage]);
        const seen = new Set<Node>();
        const walk = (n: Node | null): void => {
          if (!n || seen.has(n)) return;
          seen.add(n);
          for (const t of n.saved ?? []) { const st = (t as unknown as { _storage: Storage })._storage; if (!before.has(st)) kept.add(st); }
          n.inputNodes.forEach(walk);
        };
        walk((y as unknown as { _gradFn: Node })._gradFn);
        const keptBytes = [...kept].reduce((sum, st) => sum + st.bytes, 0);
        expect(seen.size).toBeGreaterThan(10);
        // the GPU's caching allocator rounds each block up (to 512 bytes); the CPU counts bytes exactly
        expect(held).toBeGreaterThanOrEqual(keptBytes);
        expect(held).toBeLessThanOrEqual(keptBytes + (DEVICE === 'cpu' ? 0 : 512 * kept.size));
        y.sum().backward();
        expect(x.grad!.shape).toEqual([4, L, d]);
      });
      m.zeroGrad();
    } finally { m.dispose(); }
  });

  test('LoRA: frozen base, trainable A/B in PEFT names; training (Adam, checkpointed blocks) moves only the adapters; merge equals the unmerged forward; savePretrained writes the merged weights', () => {
    const model = load('llama');
    const out = path.join(tmp, 'lora-merged');
    try { fl.scope(() => {
      const before = logitsOf(model, golden.llama.input_ids);
      const adapters = fl.nn.utils.lora(model, { r: 4, alpha: 8, targetModules: ['q_proj', 'v_proj'] });
      expect([...adapters.layers.keys()]).toEqual(['model.layers.0.self_attn.q_proj', 'model.layers.0.self_attn.v_proj', 'model.layers.1.self_attn.q_proj', 'model.layers.1.self_attn.v_proj']);
      expect(Object.keys(adapters.stateDict())).toContain('model.layers.0.self_attn.q_proj.lora_A.default.weight');
      expect(Object.keys(model.stateDict())).toContain('model.layers.0.self_attn.q_proj.base_layer.weight');
      expect(model.parameters().filter((p) => p.requiresGrad)).toEqual(adapters.parameters());
      expect(adapters.parameters().length).toBe(8);
      // B starts at zero: the adapted model computes what the base did
      expect(maxDiff(logitsOf(model, golden.llama.input_ids), before)).toBe(0);
      const frozen = model.parameters().filter((p) => !p.requiresGrad).map((p) => Array.from(p.to('cpu').dataSync()));
      model.train();
      model.gradientCheckpointing = true;   // the adapters' gradients come through fl.checkpoint's recompute
      const opt = new fl.optim.Adam(adapters.parameters(), { lr: 1e-2 });
      const losses: number[] = [];
      for (let i = 0; i < 6; i++) {
        fl.scope(() => {
          opt.zeroGrad();
          const x = fl.tensor(golden.llama.input_ids, { dtype: 'int32', device: DEVICE });
          const l = lossOf(model, x);
          losses.push(l.item());
          l.backward();
          opt.step();
        });
      }
      model.eval();
      opt.dispose();
      // every adapter got a gradient, the first block's too (its input, the frozen embedding's output, needs none)
      expect(adapters.parameters().map((p) => p.grad !== null && Math.max(...Array.from(p.grad.to('cpu').dataSync(), Math.abs)) > 0)).toEqual(adapters.parameters().map(() => true));
      expect(losses[5]).toBeLessThan(losses[0]);
      model.parameters().filter((p) => !p.requiresGrad).forEach((p, i) => expect(maxDiff(Array.from(p.to('cpu').dataSync()), frozen[i])).toBe(0));
      const unmerged = logitsOf(model, golden.llama.input_ids);
      expect(maxDiff(unmerged, before)).toBeGreaterThan(1e-3);  // the adapters learned something
      model.savePretrained(out);   // merged on the way out, the model itself untouched
      adapters.merge();
      expect(maxDiff(logitsOf(model, golden.llama.input_ids), unmerged)).toBeLessThan(1e-4);
      adapters.unmerge();
      expect(maxDiff(logitsOf(model, golden.llama.input_ids), unmerged)).toBeLessThan(1e-4);
      const saved = load('llama', out);
      try {
        expect(Object.keys(saved.stateDict()).sort()).toEqual(Object.keys(fl.loadSync(path.join(HF, 'llama', 'model.safetensors'))).sort());
        expect(maxDiff(logitsOf(saved, golden.llama.input_ids), unmerged)).toBeLessThan(1e-4);
      } finally { saved.dispose(); }
      model.zeroGrad();
    }); } finally { model.dispose(); }
  });

  test('autocast bfloat16 generation runs with the cache and keeps close to float32 logits', () => {
    const model = load('llama3');
    try {
      const f32 = logitsOf(model, golden.llama3.input_ids);
      const bf = fl.autocast('bfloat16', () => logitsOf(model, golden.llama3.input_ids));
      const scale = Math.max(...Array.from(f32, Math.abs));
      expect(maxDiff(bf, f32) / scale).toBeLessThan(0.05);
      fl.scope(() => {
        const ids = fl.tensor([golden.llama3.prompt], { dtype: 'int32', device: DEVICE });
        const a = fl.autocast('bfloat16', () => model.generate(ids, { maxNewTokens: 8, eosTokenId: null }));
        const b = fl.autocast('bfloat16', () => model.generate(ids, { maxNewTokens: 8, eosTokenId: null, useCache: false }));
        expect(a.shape).toEqual([1, golden.llama3.prompt.length + 8]);
        expect(a.toArray()).toEqual(b.toArray());
      });
    } finally { model.dispose(); }
  });

  test('sampling: top-k keeps to the k most likely tokens; a seed repeats the sequence on any device', () => {
    const model = load('gpt2');
    try {
      fl.scope(() => {
        const ids = fl.tensor([golden.gpt2.prompt], { dtype: 'int32', device: DEVICE });
        const prompt = golden.gpt2.prompt.length;
        const seq = (model.generate(ids, { maxNewTokens: 10, temperature: 2, topK: 3, seed: 5, eosTokenId: null }).toArray() as number[][])[0];
        const again = (model.generate(ids, { maxNewTokens: 10, temperature: 2, topK: 3, seed: 5, eosTokenId: null }).toArray() as number[][])[0];
        expect(again).toEqual(seq);
        // each sampled token is among the 3 most likely after its prefix (full forward as the reference)
        for (let t = prompt; t < seq.length; t++) {
          const logits = logitsOf(model, [seq.slice(0, t)]);
          const V = logits.length / t;
          const last = Array.from(logits.slice((t - 1) * V, t * V));
          const top3 = last.map((v, i) => [v, i]).sort((x, y) => y[0] - x[0]).slice(0, 3).map(([, i]) => i);
          expect(top3).toContain(seq[t]);
        }
      });
    } finally { model.dispose(); }
  });
});

describe('AutoTokenizer (tokenizer.json through @huggingface/tokenizers)', () => {
  // an independent reference: BPE as the format defines it (Metaspace: spaces → ▁, prepended;
  // merges applied lowest rank first), written from the fixture's vocab and merges
  const spec = JSON.parse(fs.readFileSync(path.join(HF, 'llama', 'tokenizer.json'), 'utf8'));
  const ranks = new Map<string, number>((spec.model.merges as string[]).map((m, i) => [m, i]));
  function reference(text: string): number[] {
    const ids: number[] = [1];  // <s> from the template
    for (const word of ('▁' + text.replace(/ /g, '▁')).split(/(?=▁)/)) {
      let parts = [...word];
      for (;;) {
        let best = -1, rank = Infinity;
        for (let i = 0; i < parts.length - 1; i++) { const r = ranks.get(`${parts[i]} ${parts[i + 1]}`); if (r !== undefined && r < rank) { rank = r; best = i; } }
        if (best < 0) break;
        parts = [...parts.slice(0, best), parts[best] + parts[best + 1], ...parts.slice(best + 2)];
      }
      ids.push(...parts.map((p) => spec.model.vocab[p] ?? 0));
    }
    return ids;
  }
  test('encode equals the reference BPE, decode gives the text back', () => {
    const tok = fl.models.AutoTokenizer.fromPretrained(path.join(HF, 'llama'));
    for (const text of ['the cat sat on the mat.', 'a string is long', 'interesting words in order', 'the theater']) {
      const ids = tok.encode(text);
      expect([text, ids]).toEqual([text, reference(text)]);
      expect(tok.decode(ids, { skipSpecialTokens: true })).toBe(text);
    }
    expect(tok.eosTokenId).toBe(2);
    expect(tok.tokenToId('▁the')).toBe(33);
    expect(tok.idToToken(33)).toBe('▁the');
  });
  test('a folder without tokenizer.json is a FileError naming it', () => {
    expect(() => fl.models.AutoTokenizer.fromPretrained(path.join(HF, 'qwen2'))).toThrow(/AutoTokenizer.fromPretrained: .* has no tokenizer.json/);
  });
});

describe('Mistral (model_type mistral: sliding-window attention) as a config of Llama', () => {
  const mistral = (window: number): fl.models.CausalLM => {
    const dir = path.join(tmp, `mistral-${window}`);
    fs.mkdirSync(dir, { recursive: true });
    const cfg = JSON.parse(fs.readFileSync(path.join(HF, 'llama', 'config.json'), 'utf8'));
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...cfg, model_type: 'mistral', architectures: ['MistralForCausalLM'], sliding_window: window }));
    fs.copyFileSync(path.join(HF, 'llama', 'model.safetensors'), path.join(dir, 'model.safetensors'));
    return load('mistral', dir);
  };
  test('a window as long as the input is Llama; a short window changes the logits, and the cache keeps to it', () => {
    const ids = golden.llama.input_ids;  // 9 tokens
    const wide = mistral(16), narrow = mistral(3);
    try {
      expect(maxDiff(logitsOf(wide, ids), golden.llama.logits)).toBeLessThan(1e-4);
      const full = logitsOf(narrow, ids);
      expect(maxDiff(full, golden.llama.logits)).toBeGreaterThan(1e-2);
      // the first 3 positions see at most 3 keys either way: identical there
      const V = golden.llama.shape[2];
      expect(maxDiff(full.slice(0, 3 * V), golden.llama.logits.slice(0, 3 * V))).toBeLessThan(1e-4);
      fl.noGrad(() => fl.scope(() => {
        const cache = narrow.createCache(2, ids[0].length);
        try {
          const parts = ids[0].map((_, t) => narrow.forward(fl.tensor(ids.map((r) => [r[t]]), { dtype: 'int32', device: DEVICE }), { cache }));
          expect(maxDiff(fl.cat(parts, 1).to('cpu').dataSync() as Float32Array, full)).toBeLessThan(1e-4);
        } finally { cache.dispose(); }
      }));
    } finally { wide.dispose(); narrow.dispose(); }
  });
});
