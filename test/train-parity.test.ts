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

// The same training step must issue the same ops on a GPU as on the CPU: an op that is fused on one
// and composed on the other (as LayerNorm and clipGradNorm were on GPUs: a device-object identity
// check) costs a GPU launches and memory that no value test notices. Compared op by op (the names
// the profiler records, in order) for float32 and bfloat16 autocast; on the CPU it compares the CPU
// with itself, on the GPU suite (the emulator in CI) it bites.
test.each(['float32', 'bfloat16'] as const)('a GPT training step (AdamW, clipGradNorm) issues the same ops on DEVICE as on the CPU, %s', (dtype) => {
  const opsOf = (device: string): string[] => {
    fl.manualSeed(0);
    const model = new GPT(64, 32, 2, 2, 16);
    if (device !== 'cpu') model.to(device);
    const opt = new fl.optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 });
    const idx = fl.randint(0, 64, [2, 16], { device }), tgt = fl.randint(0, 64, [2, 16], { device });
    const step = (): void => fl.scope(() => {
      opt.zeroGrad();
      const f = (): fl.Tensor => fl.nn.functional.crossEntropy(model.forward(idx).reshape(-1, 64), tgt.reshape(-1));
      (dtype === 'float32' ? f() : fl.autocast(dtype, f)).backward();
      fl.nn.utils.clipGradNorm(model.parameters(), 1.0).dispose();
      opt.step();
    });
    try {
      step();  // the optimizer's state is made in the first step
      return fl.profiler.profile(step).events.filter((e) => e.kind === 'op').map((e) => e.name);
    } finally { opt.dispose(); model.dispose(); idx.dispose(); tgt.dispose(); }
  };
  const cpu = opsOf('cpu');
  expect(cpu.length).toBeGreaterThan(100);
  expect(opsOf(DEVICE)).toEqual(cpu);
});
