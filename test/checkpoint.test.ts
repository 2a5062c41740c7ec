// checkpoint.test.ts — saveCheckpoint/loadCheckpoint (lib/io/checkpoint.ts): a run resumed from a
// checkpoint into freshly made objects (other initial weights, other RNG state) continues bit for
// bit as the original run did. The reference is the original run itself, compared with === on
// every loss and on the bytes of every parameter; an uninterrupted run checks that saving
// perturbs nothing.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fl from '../lib';
import { loadCheckpoint, loadCheckpointSync, saveCheckpoint, saveCheckpointSync } from '../lib/io/checkpoint';
import { DEVICE, randomArray, rng } from './helpers';

const { nn, optim, data } = fl;

let dir = '';
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-ckpt-')); });
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

const N = 40, BATCH = 8;   // 5 batches per epoch: 10 steps = 2 epochs

/** A classification set made with an independent PRNG (same for every run). */
function makeData(): { x: fl.Tensor; y: fl.Tensor } {
  const r = rng(3);
  return {
    x: fl.scope(() => fl.tensor(randomArray(N * 6, 1), { device: DEVICE }).reshape(N, 6)),
    y: fl.tensor(Array.from({ length: N }, () => Math.floor(r() * 3)), { dtype: 'int32', device: DEVICE }),
  };
}

interface Run {
  model: fl.nn.Module;
  opt: fl.optim.Optimizer;
  sched: fl.optim.LRScheduler;
  loader: fl.data.DataLoader<any, any>;
  dispose(): void;
}

/** A fresh run: MLP with dropout, AdamW, cosine schedule, shuffled loader; `seed` picks the init. */
function makeRun(seed: number, d: { x: fl.Tensor; y: fl.Tensor }, loaderSeed?: number): Run {
  fl.manualSeed(seed);
  const model = new nn.Sequential(new nn.Linear(6, 16), new nn.ReLU(), new nn.Dropout(0.3), new nn.Linear(16, 3));
  if (DEVICE !== 'cpu') model.to(DEVICE);
  const opt = new optim.AdamW(model.parameters(), { lr: 0.01, weightDecay: 0.01 });
  const sched = new optim.CosineAnnealingLR(opt, { tMax: 20, etaMin: 1e-4 });
  const loader = new data.DataLoader(new data.TensorDataset(d.x, d.y), { batchSize: BATCH, shuffle: true, seed: loaderSeed });
  return { model, opt, sched, loader, dispose: () => { model.dispose(); opt.dispose(); } };
}

/** Trains `epochs` epochs and returns each step's loss. */
async function train(run: Run, epochs: number): Promise<number[]> {
  const losses: number[] = [];
  for (let e = 0; e < epochs; e++) {
    for await (const [x, y] of run.loader) {
      losses.push(fl.scope(() => {
        const loss = nn.functional.crossEntropy(run.model.forward(x), y);
        run.opt.zeroGrad();
        loss.backward();
        run.opt.step();
        return loss.item();
      }));
      run.sched.step();
      data.disposeBatch([x, y]);
    }
  }
  run.opt.zeroGrad();
  return losses;
}

/** The exact bytes of every parameter and buffer. */
function snapshot(model: fl.nn.Module): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [k, t] of Object.entries(model.stateDict())) {
    const a = t.dataSync() as Float32Array;
    out[k] = Buffer.from(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
  }
  return out;
}

function expectSameBits(a: number[], b: number[]): void {
  expect(b.length).toBe(a.length);
  a.forEach((v, i) => { if (!Object.is(v, b[i])) throw new Error(`step ${i}: ${v} !== ${b[i]}`); });
}

describe('checkpoint: bit-for-bit resume', () => {
  test('model, AdamW, CosineAnnealingLR, dropout RNG and loader epoch resume exactly (sync)', async () => {
    const d = makeData();
    const file = path.join(dir, 'run.safetensors');
    // the original run: 10 steps, save, 10 more
    const a = makeRun(0, d, 7);
    const initA = snapshot(a.model);
    const firstA = await train(a, 2);
    saveCheckpointSync(file, { model: a.model, optimizer: a.opt, scheduler: a.sched, loader: a.loader, extra: { step: 10, note: 'half way' } });
    const lossesA = await train(a, 2);
    const paramsA = snapshot(a.model);
    const lrA = a.sched.getLastLr();

    // an uninterrupted run: saving must not have changed anything
    const c = makeRun(0, d, 7);
    const lossesC = await train(c, 4);
    expectSameBits([...firstA, ...lossesA], lossesC);
    c.dispose();

    // a fresh run with another init and another RNG state, resumed from the checkpoint
    const b = makeRun(12345, d, 7);
    fl.rand([17]).dispose();   // move the generator on
    expect(snapshot(b.model)['0.weight'].equals(initA['0.weight'])).toBe(false);
    expect(b.loader.epoch).toBe(0);
    const loaded = loadCheckpointSync(file, { model: b.model, optimizer: b.opt, scheduler: b.sched, loader: b.loader });
    expect(loaded.extra).toEqual({ step: 10, note: 'half way' });
    expect(loaded.epoch).toBe(2);
    expect(b.loader.epoch).toBe(2);
    const lossesB = await train(b, 2);
    expectSameBits(lossesA, lossesB);
    const paramsB = snapshot(b.model);
    for (const k of Object.keys(paramsA)) expect(paramsB[k].equals(paramsA[k])).toBe(true);
    expect(b.sched.getLastLr()).toEqual(lrA);
    expect(b.opt.paramGroups[0].lr).toBe(a.opt.paramGroups[0].lr);
    a.dispose(); b.dispose(); d.x.dispose(); d.y.dispose();
  });

  test('an unseeded loader (order drawn from the global RNG) also resumes exactly (async)', async () => {
    const d = makeData();
    const file = path.join(dir, 'run-async.safetensors');
    const a = makeRun(1, d);
    await train(a, 2);
    await saveCheckpoint(file, { model: a.model, optimizer: a.opt, scheduler: a.sched, loader: a.loader });
    const lossesA = await train(a, 2);
    const b = makeRun(99, d);
    fl.randn([5]).dispose();
    const loaded = await loadCheckpoint(file, { model: b.model, optimizer: b.opt, scheduler: b.sched, loader: b.loader });
    expect(loaded.extra).toBeUndefined();
    expectSameBits(lossesA, await train(b, 2));
    a.dispose(); b.dispose(); d.x.dispose(); d.y.dispose();
  });
});

describe('checkpoint: LBFGS history and ReduceLROnPlateau', () => {
  test("LBFGS's lists of history tensors and ReduceLROnPlateau's counters resume the same trajectory (they were JSON garbage, then refused)", () => {
    const make = () => {
      const w = fl.tensor([1.5, -0.5, 2], { dtype: 'float64', device: DEVICE }).requiresGrad_();
      const opt = new fl.optim.LBFGS([w], { lr: 0.5, historySize: 3, maxIter: 4 });
      const p0 = fl.zeros([1]);
      const sgd = new fl.optim.SGD([p0], { lr: 1 });
      const plateau = new fl.optim.lrScheduler.ReduceLROnPlateau(sgd, { patience: 0 });
      const model = new fl.nn.Linear(1, 1);
      return { w, opt, plateau, model, dispose: () => { w.dispose(); p0.dispose(); opt.dispose(); sgd.dispose(); model.dispose(); } };
    };
    // a Rosenbrock-like valley: LBFGS keeps a history of several (s, y) pairs
    const closure = (w: fl.Tensor, opt: fl.optim.LBFGS) => () => fl.scope(() => {
      opt.zeroGrad();
      const [a, b, c] = [w.index(0), w.index(1), w.index(2)];
      const loss = fl.add(fl.add(fl.mul(fl.sub(b, a.square()).square(), 10), fl.sub(a, 1).square()), c.square());
      loss.backward();
      return loss.item();
    });
    const step = (r: ReturnType<typeof make>) => { r.plateau.step(r.opt.step(closure(r.w, r.opt)) as number); };
    const a = make();
    step(a); step(a);
    const file = path.join(dir, 'lbfgs.ckpt.safetensors');
    saveCheckpointSync(file, { model: a.model, optimizer: a.opt, scheduler: a.plateau });
    step(a); step(a);
    const b = make();
    fl.scope(() => fl.noGrad(() => b.w.copy_(fl.tensor([0, 0, 0], { dtype: 'float64', device: DEVICE }))));
    loadCheckpointSync(file, { model: b.model, optimizer: b.opt, scheduler: b.plateau });
    // the parameter itself is the model's business: set it as it was at the save
    const c = make();
    step(c); step(c);
    fl.noGrad(() => b.w.copy_(c.w));
    step(b); step(b);
    expect(Array.from(b.w.dataSync())).toEqual(Array.from(a.w.dataSync()));
    expect(b.plateau.getLastLr()).toEqual(a.plateau.getLastLr());
    for (const r of [a, b, c]) { r.opt.zeroGrad(); r.dispose(); }
  });
});

describe('checkpoint: data loader order', () => {
  /** The item order of the loader's next `epochs` epochs (items are their own indices). */
  async function orders(loader: fl.data.DataLoader<any, any>, epochs: number): Promise<number[][]> {
    const out: number[][] = [];
    for (let e = 0; e < epochs; e++) {
      const o: number[] = [];
      for await (const [i] of loader) { o.push(...Array.from(i.dataSync() as Int32Array)); data.disposeBatch([i]); }
      out.push(o);
    }
    return out;
  }

  test('a seeded shuffled loader resumes at the saved epoch with that epoch\'s order', async () => {
    const idx = fl.arange(0, N, 1, { dtype: 'int32', device: DEVICE });
    const model = new nn.Linear(2, 2);
    const file = path.join(dir, 'loader.safetensors');
    const a = new data.DataLoader(new data.TensorDataset(idx), { batchSize: BATCH, shuffle: true, seed: 11 });
    const before = await orders(a, 2);
    saveCheckpointSync(file, { model, loader: a });
    const after = await orders(a, 2);
    const b = new data.DataLoader(new data.TensorDataset(idx), { batchSize: BATCH, shuffle: true, seed: 11 });
    const { epoch } = loadCheckpointSync(file, { model, loader: b });
    expect(epoch).toBe(2);
    const resumed = await orders(b, 2);
    expect(resumed).toEqual(after);
    // the orders are permutations, and the epochs differ (so the epoch really picked the order)
    expect([...resumed[0]].sort((p, q) => p - q)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(resumed[0]).not.toEqual(before[0]);
    expect(resumed[0]).not.toEqual(resumed[1]);
    model.dispose(); idx.dispose();
  });
});

describe('checkpoint: file layout and errors', () => {
  test('tensor names, metadata keys and JSON values that plain JSON cannot carry', () => {
    const d = makeData();
    const file = path.join(dir, 'layout.safetensors');
    const run = makeRun(2, d, 1);
    fl.scope(() => {
      nn.functional.crossEntropy(run.model.forward(d.x), d.y).backward();
    });
    run.opt.step();
    run.opt.zeroGrad();
    const extra = { inf: Infinity, ninf: -Infinity, nan: NaN, negZero: -0, third: 1 / 3, list: [1e-300, 'x'] };
    saveCheckpointSync(file, { model: run.model, optimizer: run.opt, scheduler: run.sched, extra });
    const meta = fl.loadMetadataSync(file);
    expect(Object.keys(meta).sort()).toEqual(['extra', 'format', 'optimizer', 'rng', 'scheduler']);
    expect(meta.format).toBe('flintml.checkpoint/1');
    expect(JSON.parse(meta.rng)).toEqual(fl.getRngState());
    const opt = JSON.parse(meta.optimizer);
    expect(opt.type).toBe('AdamW');
    expect(opt.state['0'].step).toBe(1);
    expect(opt.paramGroups[0].params).toEqual([0, 1, 2, 3]);
    const tensors = fl.loadSync(file);
    expect(Object.keys(tensors).sort()).toEqual([
      'model.0.bias', 'model.0.weight', 'model.3.bias', 'model.3.weight',
      ...[0, 1, 2, 3].flatMap((i) => [`optim.${i}.expAvg`, `optim.${i}.expAvgSq`]),
    ].sort());
    // the optimizer's moment estimates are stored exactly
    const st = run.opt.state.get(run.model.parameters()[0])!;
    expect(Buffer.from((tensors['optim.0.expAvgSq'].dataSync() as Float32Array).buffer).equals(Buffer.from(((st.expAvgSq as fl.Tensor).dataSync() as Float32Array).buffer))).toBe(true);
    Object.values(tensors).forEach((t) => t.dispose());
    const back = loadCheckpointSync(file, { model: run.model, optimizer: run.opt, scheduler: run.sched }).extra as typeof extra;
    expect(back.inf).toBe(Infinity);
    expect(back.ninf).toBe(-Infinity);
    expect(back.nan).toBeNaN();
    expect(Object.is(back.negZero, -0)).toBe(true);
    expect(back.third).toBe(1 / 3);
    expect(back.list).toEqual([1e-300, 'x']);
    run.dispose(); d.x.dispose(); d.y.dispose();
  });

  test('mismatches throw typed errors naming the operation and leave nothing behind', () => {
    const d = makeData();
    const file = path.join(dir, 'err.safetensors');
    const run = makeRun(3, d);
    saveCheckpointSync(file, { model: run.model, optimizer: run.opt });
    const sgd = new optim.SGD(run.model.parameters(), { lr: 0.1 });
    expect(() => loadCheckpointSync(file, { model: run.model, optimizer: sgd })).toThrow(/loadCheckpointSync: .* holds AdamW state, the optimizer is SGD/);
    expect(() => loadCheckpointSync(file, { model: run.model, scheduler: run.sched })).toThrow(/has no scheduler state/);
    expect(() => loadCheckpointSync(file, { model: run.model, loader: run.loader })).toThrow(/has no data loader state/);
    const other = new nn.Sequential(new nn.Linear(6, 8), new nn.ReLU(), new nn.Dropout(0.3), new nn.Linear(8, 3));
    expect(() => loadCheckpointSync(file, { model: other })).toThrow(fl.ShapeError);
    const plain = path.join(dir, 'plain.safetensors');
    fl.saveSync({ w: d.x }, plain);
    expect(() => loadCheckpointSync(plain, { model: run.model })).toThrow(fl.ValueError);
    expect(() => loadCheckpointSync(plain, { model: run.model })).toThrow(/not a flintml checkpoint/);
    expect(() => saveCheckpointSync(file, { model: {} as fl.nn.Module })).toThrow(/saveCheckpointSync: expected/);
    // loading weights only (no optimizer) works from a full checkpoint
    expect(loadCheckpointSync(file, { model: run.model, rng: false }).epoch).toBeUndefined();
    run.dispose(); sgd.dispose(); other.dispose(); d.x.dispose(); d.y.dispose();
  });
});
