// train-parity.test.ts — the same training runs as PyTorch, step for step: from the initial
// weights in test/golden/train.json (scripts/golden/train.py), 20 steps of an MLP with
// SGD+momentum and of a 2-layer character transformer with AdamW give the same losses within
// 1e-4 relative in float32.
import * as fs from 'fs';
import * as path from 'path';
import * as fl from '../lib';
import { DEVICE } from './helpers';

const golden = JSON.parse(fs.readFileSync(path.join(__dirname, 'golden', 'train.json'), 'utf8'));
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { GPT } = require('../examples/gpt')(fl);

function load(model: fl.nn.Module, state: Record<string, number[]>): void {
  fl.scope(() => {
    const own = model.stateDict();
    const src: Record<string, fl.Tensor> = {};
    for (const [k, v] of Object.entries(state)) src[k] = fl.tensor(v, { dtype: 'float32', device: DEVICE }).reshape(own[k]?.shape ?? [-1]);
    model.loadStateDict(src);
  });
}

function expectLosses(got: number[], want: number[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const rel = Math.abs(g - want[i]) / Math.abs(want[i]);
    if (!(rel <= 1e-4)) throw new Error(`step ${i}: loss ${g} vs PyTorch ${want[i]} (relative difference ${rel.toExponential(2)})`);
  });
}

test('MLP + SGD(momentum 0.9): 20 losses match PyTorch', () => {
  const g = golden.mlp;
  const model = new fl.nn.Sequential(new fl.nn.Linear(16, 32), new fl.nn.ReLU(), new fl.nn.Linear(32, 32), new fl.nn.ReLU(), new fl.nn.Linear(32, 4));
  if (DEVICE !== 'cpu') model.to(DEVICE);
  load(model, g.state);
  const x = fl.scope(() => fl.tensor(g.x, { dtype: 'float32', device: DEVICE }).reshape(8, 16));
  const y = fl.tensor(g.y, { dtype: 'int32', device: DEVICE });
  const opt = new fl.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const losses: number[] = [];
  for (let i = 0; i < 20; i++) {
    losses.push(fl.scope(() => {
      opt.zeroGrad();
      const loss = fl.nn.functional.crossEntropy(model.forward(x), y);
      loss.backward();
      opt.step();
      return loss.item();
    }));
  }
  expectLosses(losses, g.losses);
  opt.dispose(); model.dispose(); x.dispose(); y.dispose();
});

test('2-layer character transformer + AdamW: 20 losses match PyTorch', () => {
  const g = golden.gpt;
  const [V, D, H, L, C] = g.config;
  const model = new GPT(V, D, H, L, C);
  if (DEVICE !== 'cpu') model.to(DEVICE);
  load(model, g.state);
  const idx = fl.scope(() => fl.tensor(g.idx, { dtype: 'int32', device: DEVICE }).reshape(4, C));
  const tgt = fl.tensor(g.tgt, { dtype: 'int32', device: DEVICE });
  const opt = new fl.optim.AdamW(model.parameters(), { lr: 1e-2, weightDecay: 0.01 });
  const losses: number[] = [];
  for (let i = 0; i < 20; i++) {
    losses.push(fl.scope(() => {
      opt.zeroGrad();
      const loss = fl.nn.functional.crossEntropy(model.forward(idx).reshape(-1, V), tgt);
      loss.backward();
      opt.step();
      return loss.item();
    }));
  }
  expectLosses(losses, g.losses);
  opt.dispose(); model.dispose(); idx.dispose(); tgt.dispose();
});
