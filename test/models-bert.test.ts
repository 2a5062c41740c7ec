// models-bert.test.ts — fl.models.Bert / BertForSequenceClassification / meanPooling against an
// independent reference: tiny random BERT (hidden 32, 2 layers, 4 heads, vocab 100), a
// BertForSequenceClassification checkpoint (`bert.` prefix, 3 labels, an extra `cls.*` head) and a
// RoBERTa (hidden 16) in save_pretrained layout, with the answers of a plain-PyTorch BERT written from
// the documented architecture and run in float64 (test/golden/hf/bert.json, written by
// scripts/golden/hf_bert.py). Batch of 2 with padding in row 1 and token types in row 0.
// Tolerances: states and logits within 1e-5 (float32 against float64), gradients within 1e-4 relative.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fl from '../lib';
import { DEVICE, maxDiff } from './helpers';

const HF = path.join(__dirname, 'golden', 'hf');
interface Golden {
  input_ids: number[][]; attention_mask: number[][]; token_type_ids?: number[][]; last_hidden_state: number[]; pooler_output: number[]; shape: number[];
  mean_pooling: number[]; mean_pooling_normalized: number[]; tokenizer: Record<string, number[]>;
}
const golden = JSON.parse(fs.readFileSync(path.join(HF, 'bert.json'), 'utf8')) as {
  bert: Golden; roberta: Golden;
  'bert-cls': { labels: number[]; logits: number[]; loss: number; grads: Record<string, number[]> };
  'bert-reg': { weight: number[]; bias: number[]; labels: number[]; logits: number[]; loss: number };
};
const g = golden.bert;
const int = (a: number[][]) => fl.tensor(a, { dtype: 'int32', device: DEVICE });

let tmp = '';
beforeAll(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-bert-')); });
afterAll(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

const host = (t: fl.Tensor) => t.to('cpu').dataSync() as Float32Array;

function encode(model: fl.models.Bert, G: Golden): { h: Float32Array; pooled: Float32Array } {
  return fl.noGrad(() => fl.scope(() => {
    const out = model.forward({ inputIds: int(G.input_ids), attentionMask: int(G.attention_mask), tokenTypeIds: G.token_type_ids ? int(G.token_type_ids) : null });
    expect(out.lastHiddenState.shape).toEqual(G.shape);
    return { h: host(out.lastHiddenState), pooled: host(out.poolerOutput!) };
  }));
}

describe.each(['bert', 'roberta'] as const)('%s matches the reference', (name) => {
  test('lastHiddenState and poolerOutput within 1e-5', () => {
    const model = fl.models.Bert.fromPretrained(path.join(HF, name), { device: DEVICE });
    try {
      expect(model.training).toBe(false);
      const G = golden[name];
      const { h, pooled } = encode(model, G);
      expect(maxDiff(h, G.last_hidden_state)).toBeLessThan(1e-5);
      expect(maxDiff(pooled, G.pooler_output)).toBeLessThan(1e-5);
    } finally { model.dispose(); }
  });
});

test('padding does not reach the real tokens: row 1 alone (5 tokens, no mask) gives its padded states', () => {
  const model = fl.models.Bert.fromPretrained(path.join(HF, 'bert'), { device: DEVICE });
  try {
    const H = g.shape[2], L = g.shape[1];
    const alone = fl.noGrad(() => fl.scope(() => host(model.forward({ inputIds: int([g.input_ids[1].slice(0, 5)]) }).lastHiddenState)));
    const padded = g.last_hidden_state.slice(L * H, L * H + 5 * H);
    expect(maxDiff(alone, padded)).toBeLessThan(1e-5);
    // flintml's own padded batch, row 1's real tokens, against flintml's unpadded row
    expect(maxDiff(encode(model, g).h.slice(L * H, L * H + 5 * H), alone)).toBeLessThan(1e-5);
    // and the mask matters: without it the padded row's real tokens change
    const unmasked = fl.noGrad(() => fl.scope(() => host(model.forward({ inputIds: int(g.input_ids), tokenTypeIds: int(g.token_type_ids!) }).lastHiddenState)));
    expect(maxDiff(unmasked.slice(L * H, L * H + 5 * H), padded)).toBeGreaterThan(1e-2);
  } finally { model.dispose(); }
});

test('meanPooling: mean over the real tokens, optionally L2-normalized (sentence-transformers)', () => {
  const model = fl.models.Bert.fromPretrained(path.join(HF, 'bert'), { device: DEVICE });
  try {
    fl.noGrad(() => fl.scope(() => {
      const mask = int(g.attention_mask);
      const { lastHiddenState } = model.forward({ inputIds: int(g.input_ids), attentionMask: mask, tokenTypeIds: int(g.token_type_ids!) });
      expect(maxDiff(host(fl.models.meanPooling(lastHiddenState, mask)), g.mean_pooling)).toBeLessThan(1e-5);
      const unit = fl.models.meanPooling(lastHiddenState, mask, { normalize: true });
      expect(unit.shape).toEqual([2, g.shape[2]]);
      expect(maxDiff(host(unit), g.mean_pooling_normalized)).toBeLessThan(1e-5);
      // no mask: every token counts
      const all = host(fl.models.meanPooling(lastHiddenState));
      const H = g.shape[2], L = g.shape[1];
      const want = Array.from({ length: 2 * H }, (_, i) => {
        let s = 0;
        for (let t = 0; t < L; t++) s += g.last_hidden_state[(Math.floor(i / H) * L + t) * H + (i % H)];
        return s / L;
      });
      expect(maxDiff(all, want)).toBeLessThan(1e-5);
    }));
  } finally { model.dispose(); }
});

describe('BertForSequenceClassification', () => {
  const c = golden['bert-cls'];
  test('logits and cross-entropy loss within 1e-5; one step\'s gradients as the reference\'s; an SGD step lowers the loss', () => {
    const model = fl.models.BertForSequenceClassification.fromPretrained(path.join(HF, 'bert-cls'), { device: DEVICE });
    try { fl.scope(() => {
      expect(model.numLabels).toBe(3);
      const inputs = { inputIds: int(g.input_ids), attentionMask: int(g.attention_mask), tokenTypeIds: int(g.token_type_ids!), labels: fl.tensor(c.labels, { dtype: 'int32', device: DEVICE }) };
      const { logits, loss } = model.forward(inputs);  // eval mode: dropout off, as the reference
      expect(logits.shape).toEqual([2, 3]);
      expect(maxDiff(host(logits), c.logits)).toBeLessThan(1e-5);
      expect(Math.abs(loss!.item() - c.loss)).toBeLessThan(1e-5);
      loss!.backward();
      const params = Object.fromEntries(model.namedParameters());
      for (const [k, want] of Object.entries(c.grads)) {
        const got = host(params[k].grad!);
        const scale = Math.max(...want.map(Math.abs));
        expect(maxDiff(got, want) / scale).toBeLessThan(1e-4);
      }
      expect(model.parameters().every((p) => p.grad !== null)).toBe(true);  // gradients reach every parameter
      const opt = new fl.optim.SGD(model.parameters(), { lr: 0.05 });
      opt.step();
      const after = fl.noGrad(() => model.forward(inputs).loss!.item());
      expect(after).toBeLessThan(c.loss - 1e-3);
    }); } finally { model.dispose(); }
  });

  test('numLabels 1 is regression: MSE loss as the reference', () => {
    const r = golden['bert-reg'];
    const cfg = JSON.parse(fs.readFileSync(path.join(HF, 'bert-cls', 'config.json'), 'utf8'));
    delete cfg.id2label; delete cfg.label2id;
    const model = new fl.models.BertForSequenceClassification({ ...cfg, num_labels: 1 }, { device: DEVICE });
    const enc = fl.models.Bert.fromPretrained(path.join(HF, 'bert'), { device: DEVICE });
    try {
      fl.noGrad(() => fl.scope(() => {
        model.bert.loadStateDict(enc.stateDict());
        model.classifier.loadStateDict({ weight: fl.tensor([r.weight]), bias: fl.tensor(r.bias) });
        model.eval();
        model.savePretrained(path.join(tmp, 'reg'));  // num_labels given without id2label: written as id2label, read back as 1 label
        const back = fl.models.BertForSequenceClassification.fromPretrained(path.join(tmp, 'reg'), { device: DEVICE });
        expect(back.numLabels).toBe(1);
        expect(JSON.parse(fs.readFileSync(path.join(tmp, 'reg', 'config.json'), 'utf8')).id2label).toEqual({ 0: 'LABEL_0' });
        back.dispose();
        const { logits, loss } = model.forward({ inputIds: int(g.input_ids), attentionMask: int(g.attention_mask), tokenTypeIds: int(g.token_type_ids!), labels: fl.tensor(r.labels, { device: DEVICE }) });
        expect(maxDiff(host(logits), r.logits)).toBeLessThan(1e-5);
        expect(Math.abs(loss!.item() - r.loss)).toBeLessThan(1e-5);
      }));
    } finally { model.dispose(); enc.dispose(); }
  });

  test('training mode applies dropout (two forwards differ)', () => {
    const model = fl.models.BertForSequenceClassification.fromPretrained(path.join(HF, 'bert-cls'), { device: DEVICE });
    try {
      model.train();
      fl.scope(() => {
        const inputs = { inputIds: int(g.input_ids), attentionMask: int(g.attention_mask) };
        const a = host(model.forward(inputs).logits), b = host(model.forward(inputs).logits);
        expect(maxDiff(a, b)).toBeGreaterThan(1e-4);
      });
    } finally { model.dispose(); }
  });
});

test('savePretrained → fromPretrained gives the same names, values and outputs', () => {
  for (const [name, Cls] of [['bert', fl.models.Bert], ['bert-cls', fl.models.BertForSequenceClassification]] as const) {
    const model = (Cls as typeof fl.models.Bert).fromPretrained(path.join(HF, name), { device: DEVICE });
    const dir = path.join(tmp, `save-${name}`);
    try {
      model.savePretrained(dir);
      const saved = fl.loadSync(path.join(dir, 'model.safetensors'));
      const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
      expect(cfg.model_type).toBe('bert');
      const orig = fl.loadSync(path.join(HF, name, 'model.safetensors'));
      const want = Object.keys(orig).filter((k) => !k.startsWith('cls.')).sort();
      expect(Object.keys(saved).sort()).toEqual(want);
      for (const k of want) expect(maxDiff(saved[k].dataSync() as Float32Array, orig[k].dataSync() as Float32Array)).toBe(0);
      for (const t of [...Object.values(saved), ...Object.values(orig)]) t.dispose();
      const back = (Cls as typeof fl.models.Bert).fromPretrained(dir, { device: DEVICE });
      try {
        if (name === 'bert') expect(maxDiff(encode(back, g).h, g.last_hidden_state)).toBeLessThan(1e-5);
        else expect((back as unknown as fl.models.BertForSequenceClassification).numLabels).toBe(3);
      } finally { back.dispose(); }
    } finally { model.dispose(); }
  }
});

test('a BertFor* checkpoint loads into Bert (prefix stripped, heads ignored)', () => {
  const model = fl.models.Bert.fromPretrained(path.join(HF, 'bert-cls'), { device: DEVICE });
  try {
    expect(Object.keys(model.stateDict()).some((k) => k.startsWith('classifier') || k.startsWith('cls'))).toBe(false);
    expect(maxDiff(encode(model, g).h, g.last_hidden_state)).toBeLessThan(1e-5);
  } finally { model.dispose(); }
});

describe('refusals', () => {
  const copy = (name: string, edit: (cfg: Record<string, unknown>, w: Record<string, fl.Tensor>) => void): string => {
    const dir = path.join(tmp, `${name}-${Math.random().toString(36).slice(2)}`);
    fs.mkdirSync(dir);
    const cfg = JSON.parse(fs.readFileSync(path.join(HF, name, 'config.json'), 'utf8'));
    const w = fl.loadSync(path.join(HF, name, 'model.safetensors'));
    edit(cfg, w);
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(cfg));
    fl.saveSync(w, path.join(dir, 'model.safetensors'));
    for (const t of Object.values(w)) t.dispose();
    return dir;
  };
  test('a missing weight is named', () => {
    const dir = copy('bert', (_, w) => { w['encoder.layer.1.output.dense.weight'].dispose(); delete w['encoder.layer.1.output.dense.weight']; });
    expect(() => fl.models.Bert.fromPretrained(dir)).toThrow(/Bert\.fromPretrained: .* lacks 1 weight of the model: encoder\.layer\.1\.output\.dense\.weight/);
    expect(() => fl.models.BertForSequenceClassification.fromPretrained(path.join(HF, 'bert'))).toThrow(/lacks 2 weights of the model: classifier\.weight, classifier\.bias/);
  });
  test('bad configs', () => {
    expect(() => fl.models.Bert.fromPretrained(copy('bert', (c) => { c.model_type = 'gpt2'; }))).toThrow(/model_type "gpt2" is not supported \(bert, roberta\)/);
    expect(() => fl.models.Bert.fromPretrained(copy('bert', (c) => { c.num_attention_heads = 5; }))).toThrow(/hidden_size 32 is not a multiple of num_attention_heads 5/);
    expect(() => fl.models.Bert.fromPretrained(copy('bert', (c) => { c.hidden_act = 'swish'; }))).toThrow(/hidden_act "swish" is not supported/);
    expect(() => fl.models.Bert.fromPretrained(copy('bert', (c) => { c.position_embedding_type = 'relative_key'; }))).toThrow(/position_embedding_type "relative_key"/);
    expect(() => fl.models.Bert.fromPretrained(copy('bert', (c) => { delete c.hidden_size; }))).toThrow(/config\.json lacks "hidden_size"/);
    expect(() => fl.models.Bert.fromPretrained(copy('bert', (c) => { c.hidden_size = 16; }))).toThrow(fl.ShapeError);  // the file's shapes disagree
    expect(() => fl.models.Bert.fromPretrained(path.join(tmp, 'nowhere'))).toThrow(fl.FileError);
    expect(() => new fl.models.BertForSequenceClassification({ model_type: 'roberta', hidden_size: 8, num_attention_heads: 2, num_hidden_layers: 1, intermediate_size: 8, vocab_size: 4 })).toThrow(/RoBERTa's classification head differs/);
  });
  test('wrong inputs name the op and the shapes', () => {
    const model = fl.models.Bert.fromPretrained(path.join(HF, 'bert'), { device: DEVICE });
    const cls = fl.models.BertForSequenceClassification.fromPretrained(path.join(HF, 'bert-cls'), { device: DEVICE });
    try {
      fl.scope(() => {
        const ids = int(g.input_ids);
        expect(() => model.forward(ids as never)).toThrow(/Bert\.forward: expected \{ inputIds, attentionMask\?, tokenTypeIds\? \}, got a Tensor/);
        expect(() => model.forward({ inputIds: fl.tensor([[1, 2]], { dtype: 'float32', device: DEVICE }) })).toThrow(/Bert\.forward: inputIds must be int32 token ids, got float32/);
        expect(() => model.forward({ inputIds: int([[]]) })).toThrow(/Bert\.forward: inputIds must be \[batch, length\] with length > 0, got shape \[1, 0\]/);
        expect(() => model.forward({ inputIds: ids, attentionMask: int([[1, 1]]) })).toThrow(/Bert\.forward: attentionMask of shape \[1, 2\] must have inputIds' shape \[2, 8\]/);
        expect(() => model.forward({ inputIds: ids, tokenTypeIds: fl.zeros([2, 8], { device: DEVICE }) })).toThrow(/tokenTypeIds must be int32, got float32/);
        expect(() => model.forward({ inputIds: int([new Array(25).fill(1)]) })).toThrow(/Bert\.forward: 25 positions exceed the model's 24/);
        expect(() => model.forward({ inputIds: ids, attentionMsk: ids } as never)).toThrow(/attentionMsk/);
        expect(() => cls.forward({ inputIds: ids, labels: fl.tensor([0, 1, 2], { dtype: 'int32', device: DEVICE }) })).toThrow(/labels of shape \[3\] must hold one class id per row of the batch of 2/);
        expect(() => cls.forward({ inputIds: ids, labels: fl.zeros([2, 2], { device: DEVICE }) })).toThrow(/multi-label labels of shape \[2, 2\] must match the logits \[2, 3\]/);
        expect(() => fl.models.meanPooling(fl.zeros([2, 8], { device: DEVICE }))).toThrow(/meanPooling: lastHiddenState must be a Tensor \[batch, length, hidden\], got shape \[2, 8\]/);
        expect(() => fl.models.meanPooling(fl.zeros([2, 8, 4], { device: DEVICE }), int([[1]]))).toThrow(/meanPooling: attentionMask must be a Tensor \[2, 8\].*got shape \[1, 1\]/);
      });
    } finally { model.dispose(); cls.dispose(); }
  });
});

test('the WordPiece tokenizer.json (AutoTokenizer over @huggingface/tokenizers) gives BERT\'s ids', () => {
  const tok = fl.models.AutoTokenizer.fromPretrained(path.join(HF, 'bert'));
  for (const [text, ids] of Object.entries(g.tokenizer)) expect(tok.encode(text)).toEqual(ids);
});

test('gpu-check\'s hf stage (scripts/gpu-check/hf.js --only bert) passes on a fixture of hf.py\'s layout and fails on a wrong answer', async () => {
  // hf.py (transformers) writes DIR/bert/ and expected.json's "bert"; here the same layout from the goldens. hf.js loads dist/.
  const run = (dir: string) => new Promise<{ code: number; out: string }>((resolve) => {
    execFile(process.execPath, [path.join(__dirname, '..', 'scripts', 'gpu-check', 'hf.js'), dir, '--only', 'bert'], { timeout: 300_000, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: stdout + stderr }));
  });
  const dir = path.join(tmp, 'hf-stage');
  fs.mkdirSync(path.join(dir, 'bert'), { recursive: true });
  for (const f of ['config.json', 'model.safetensors']) fs.copyFileSync(path.join(HF, 'bert', f), path.join(dir, 'bert', f));
  const bert = { input_ids: g.input_ids, attention_mask: g.attention_mask, token_type_ids: g.token_type_ids, last_hidden_state: g.last_hidden_state, pooler_output: g.pooler_output };
  fs.writeFileSync(path.join(dir, 'expected.json'), JSON.stringify({ transformers: 'fixture', bert }));
  const ok = await run(dir);
  expect(ok.out).toMatch(/hf-figure: bert on cpu: last_hidden_state max \|diff\| \S+, pooler_output \S+ \(tolerance 0\.0001\), forward \S+ ms\n/);
  if (DEVICE !== 'cpu') expect(ok.out).toMatch(/hf-figure: bert on cuda: .*\(tolerance 0\.001\)/);
  expect(ok.out).not.toMatch(/MISMATCH/);
  expect(ok.code).toBe(0);
  fs.writeFileSync(path.join(dir, 'expected.json'), JSON.stringify({ transformers: 'fixture', bert: { ...bert, pooler_output: bert.pooler_output.map((v) => v + 1e-3) } }));
  const bad = await run(dir);
  expect(bad.out).toMatch(/bert on cpu: .*MISMATCH/);
  expect(bad.code).toBe(1);
}, 600_000);
