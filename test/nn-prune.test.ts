// nn-prune.test.ts — fl.nn.utils.prune (lib/nn/prune.ts), torch.nn.utils.prune's port.
// References: (1) PyTorch 1.13 goldens (test/golden/prune.json, made by scripts/golden/prune.py):
// float64 Linear / Conv1d / Conv2d modules pruned by l1Unstructured, lnStructured (n = 1, 2, ±inf,
// 'fro', 'nuc'; dims 0, 1, -1), customFromMask, identity, several of them in a row, remove, and
// globalUnstructured over two Linear weights: the state dict after (keys in order, values), the
// forward output and the gradients of every parameter (weight_orig's is masked); tolerance:
// float64's TOL scaled by 100. (2) Counts and structure written here for the random methods (their
// positions come from flintml's generator, not torch's). (3) torch's error cases, as typed errors.
// Runs on DEVICE (the CPU, or the emulated GPU under scripts/test-emu.js); every test leaves the
// live-tensor count where it found it.
import * as fs from 'fs';
import * as path from 'path';
import * as fl from '../lib';
import { DEVICE, expectClose } from './helpers';

interface Step { fn: string; name: string; [k: string]: unknown }
interface Case {
  title: string; module: { kind: string; args: number[] }; params: Record<string, number[]>; steps: Step[];
  x: number[]; xShape: number[]; g: number[]; stateDict: [string, number[], number[]][];
  out: number[]; outShape: number[]; grads: Record<string, number[]>; weight: number[]; isPruned: boolean;
}
interface GlobalCase {
  title: string; params: Record<string, number[]>; amount: number; pre: boolean; x: number[]; g: number[];
  stateDict: [string, number[], number[]][]; out: number[]; grads: Record<string, number[]>;
}
const GOLDEN = JSON.parse(fs.readFileSync(path.join(__dirname, 'golden', 'prune.json'), 'utf8')) as { cases: Case[]; global: GlobalCase[] };

const P = fl.nn.utils.prune;
const nn = fl.nn;
const o64 = { dtype: 'float64' as const, device: DEVICE };
/** The values as numbers, -0 read as 0 (mask · orig gives -0 where orig < 0, as in torch). */
const vals = (t: fl.Tensor): number[] => Array.from(t.to('cpu').dataSync() as ArrayLike<number>, (v) => (v === 0 ? 0 : v));
const close = (t: fl.Tensor, want: readonly number[]): void => expectClose(t.to({ device: 'cpu', dtype: 'float64' }), [...want], 'float64', 100);
type Fields = Record<string, fl.Tensor>;
const field = (m: fl.nn.Module, k: string): fl.Tensor => (m as unknown as Fields)[k];

function make(spec: Case['module']): fl.nn.Module {
  const [a, b, k] = spec.args;
  if (spec.kind === 'Linear') return new nn.Linear(a, b, o64);
  if (spec.kind === 'Conv1d') return new nn.Conv1d(a, b, k, o64);
  if (spec.kind === 'Conv2d') return new nn.Conv2d(a, b, k, o64);
  throw new Error(spec.kind);
}
/** Loads torch's values (flat) into the module's tensors of the same names. */
function load(m: fl.nn.Module, params: Record<string, number[]>): void {
  const own = m.stateDict();
  m.loadStateDict(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, fl.tensor(v, o64).reshape(own[k].shape)])));
}

/** One step of a case, by keyword (torch's `prune.l1_unstructured(m, name='weight', amount=0.3)`) or positionally. */
function step(m: fl.nn.Module, s: Step, positional: boolean): void {
  const { fn, name, ...kw } = s;
  const shape = field(m, name).shape;
  if (kw.n !== undefined) kw.n = kw.n === 'inf' ? Infinity : kw.n === '-inf' ? -Infinity : kw.n;
  if (kw.importanceScores !== undefined) kw.importanceScores = fl.tensor(kw.importanceScores as number[], o64).reshape(shape);
  if (kw.mask !== undefined) kw.mask = fl.tensor(kw.mask as number[] | boolean[], { device: DEVICE }).reshape(shape);
  const f = (P as unknown as Record<string, (...a: unknown[]) => unknown>)[fn];
  if (!positional) { f(m, { name, ...kw }); return; }
  const order: Record<string, string[]> = {
    l1Unstructured: ['amount', 'importanceScores'], lnStructured: ['amount', 'n', 'dim', 'importanceScores'], customFromMask: ['mask'], identity: [], remove: [],
  };
  f(m, name, ...order[fn].filter((k) => kw[k] !== undefined).map((k) => kw[k]));
}

describe('torch 1.13 goldens (float64)', () => {
  test('the goldens are there', () => {
    expect(GOLDEN.cases.length).toBeGreaterThanOrEqual(30);
    expect(GOLDEN.global.length).toBe(3);
  });
  test.each(GOLDEN.cases.map((c, i) => [i, c.title, c] as const))('case %i: %s', (i, _title, c) => {
    let m: fl.nn.Module | null = null;
    fl.scope(() => {
      m = make(c.module);
      load(m, c.params);
      for (const s of c.steps) step(m, s, i % 2 === 1);
      // the state dict: torch's keys in torch's order (bias, weight_orig, weight_mask), and the values
      const sd = m.stateDict();
      expect(Object.keys(sd)).toEqual(c.stateDict.map(([k]) => k));
      for (const [k, shape, v] of c.stateDict) { expect(sd[k].shape).toEqual(shape); close(sd[k], v); }
      expect(P.isPruned(m)).toBe(c.isPruned);
      close(field(m, 'weight'), c.weight);   // computed when pruned (mask · orig), else the parameter
      // the forward (the hook recomputes module[name]) and the gradients of sum(out · g)
      const out = (m as unknown as { forward(x: fl.Tensor): fl.Tensor }).forward(fl.tensor(c.x, o64).reshape(c.xShape));
      expect(out.shape).toEqual(c.outShape);
      close(out, c.out);
      out.mul(fl.tensor(c.g, o64).reshape(c.outShape)).sum().backward();
      const named = Object.fromEntries(m.namedParameters());
      expect(Object.keys(named).sort()).toEqual(Object.keys(c.grads).sort());
      for (const [k, g] of Object.entries(c.grads)) close(named[k].grad!, g);
    });
    m!.dispose();   // the mask and the computed tensors are the module's
  });

  test.each(GOLDEN.global.map((c, i) => [i, c.title, c] as const))('global %i: %s', (i, _title, c) => {
    const l1 = new nn.Linear(4, 3, o64), l2 = new nn.Linear(3, 2, o64);
    try {
      fl.scope(() => {
        const net = new nn.Sequential(l1, l2);
        load(net, c.params);
        if (c.pre) P.l1Unstructured(l2, 'weight', 2);
        const params: [fl.nn.Module, string][] = [[l1, 'weight'], [l2, 'weight']];
        // the three call forms: { amount }, (importanceScores, { amount }), (importanceScores, amount)
        if (i === 0) P.globalUnstructured(params, P.L1Unstructured, { amount: c.amount });
        else if (i === 1) P.globalUnstructured(params, P.L1Unstructured, null, { amount: c.amount });
        else P.globalUnstructured(params, P.L1Unstructured, null, c.amount);
        const sd = net.stateDict();
        expect(Object.keys(sd)).toEqual(c.stateDict.map(([k]) => k));
        for (const [k, shape, v] of c.stateDict) { expect(sd[k].shape).toEqual(shape); close(sd[k], v); }
        const out = net.forward(fl.tensor(c.x, o64).reshape([2, 4]));
        close(out, c.out);
        out.mul(fl.tensor(c.g, o64).reshape([2, 2])).sum().backward();
        const named = Object.fromEntries(net.namedParameters());
        for (const [k, g] of Object.entries(c.grads)) close(named[k].grad!, g);
        // the second weight's mask composes with the earlier one: a PruningContainer of L1Unstructured, CustomFromMask
        if (c.pre) expect(P.isPruned(l2)).toBe(true);
      });
    } finally { l1.dispose(); l2.dispose(); }
  });

  test("a pruned torch state dict loads into a pruned flintml module, and flintml's into torch's names", () => {
    const c = GOLDEN.cases.find((k) => k.title.startsWith('iterative: l1 0.3'))!;
    const m = new nn.Linear(5, 4, o64);
    try {
      fl.scope(() => {
        P.identity(m, 'weight');
        m.loadStateDict(Object.fromEntries(c.stateDict.map(([k, shape, v]) => [k, fl.tensor(v, o64).reshape(shape)])));
        close(m.forward(fl.tensor(c.x, o64).reshape(c.xShape)), c.out);
        close(m.weight, c.weight);   // the hook made it from the loaded weight_orig and weight_mask
        expect(Object.keys(m.stateDict())).toEqual(['bias', 'weight_orig', 'weight_mask']);
      });
    } finally { m.dispose(); }
  });
});

describe('the reparametrization', () => {
  test('weight_orig is the same Parameter object; weight is a plain tensor, recomputed before each forward', () => {
    const m = new nn.Linear(3, 2, o64);
    try {
      fl.scope(() => {
        const w = m.weight;
        fl.noGrad(() => w.copy_(fl.tensor([[1, -2, 3], [-4, 5, -6]], o64)));
        P.l1Unstructured(m, 'weight', 2);
        expect(field(m, 'weight_orig')).toBe(w);
        expect(fl.nn.isParameter(m.weight)).toBe(false);
        expect(m.parameters()).toEqual([m.bias, w]);
        expect(m.buffers().length).toBe(1);
        expect(vals(field(m, 'weight_mask'))).toEqual([0, 0, 1, 1, 1, 1]);
        expect(vals(m.weight)).toEqual([0, 0, 3, -4, 5, -6]);
        // an optimizer trains weight_orig; the next forward recomputes weight, zeros kept
        const opt = new fl.optim.SGD(m.parameters(), { lr: 0.5 });
        fl.scope(() => m.forward(fl.ones([1, 3], o64)).sum().backward());
        expect(vals(w.grad!)).toEqual([0, 0, 1, 1, 1, 1]);   // d(sum)/d orig = mask · x
        opt.step();
        expect(vals(w)).toEqual([1, -2, 2.5, -4.5, 4.5, -6.5]);
        fl.scope(() => m.forward(fl.ones([1, 3], o64)));
        expect(vals(m.weight)).toEqual([0, 0, 2.5, -4.5, 4.5, -6.5]);
        // forwards free the weight they replace: no tensor piles up (measured after a forward whose
        // output is gone: the output above keeps the graph, and so the saved tensors, of its weight)
        fl.scope(() => { m.forward(fl.ones([1, 3], o64)); });
        const before = fl.memory.stats().liveTensors;
        for (let i = 0; i < 3; i++) fl.scope(() => { m.forward(fl.ones([1, 3], o64)); });
        expect(fl.memory.stats().liveTensors).toBe(before);
      });
    } finally { m.dispose(); }
  });

  test('remove: the pruned values stay, in the same Parameter, now named weight again; the hook is gone', () => {
    const m = new nn.Linear(3, 2, o64);
    try {
      fl.scope(() => {
        const w = m.weight;
        fl.noGrad(() => w.copy_(fl.tensor([[1, -2, 3], [-4, 5, -6]], o64)));
        P.l1Unstructured(m, 'weight', 0.5);
        expect(P.isPruned(m)).toBe(true);
        expect(P.remove(m, 'weight')).toBe(m);
        expect(P.isPruned(m)).toBe(false);
        expect(m.weight).toBe(w);
        expect(fl.nn.isParameter(m.weight)).toBe(true);
        expect(Object.keys(m.stateDict())).toEqual(['bias', 'weight']);
        expect(vals(m.weight)).toEqual([0, 0, 0, -4, 5, -6]);
        expect('weight_orig' in m).toBe(false);
        expect('weight_mask' in m).toBe(false);
        expect(m.buffers()).toEqual([]);
        // no hook: a forward leaves the weight alone
        fl.scope(() => m.forward(fl.ones([1, 3], o64)));
        expect(m.weight).toBe(w);
        // removing again (or a name never pruned): torch's ValueError
        expect(() => P.remove(m, 'weight')).toThrow(new fl.ValueError("remove: parameter 'weight' of module Linear has to be pruned before pruning can be removed"));
        expect(() => P.remove(m, 'bias')).toThrow(fl.ValueError);
        // pruning the permanent parameter again is allowed, as in torch
        P.l1Unstructured(m, 'weight', 1);
        expect(vals(field(m, 'weight_mask'))).toEqual([0, 1, 1, 1, 1, 1]);   // the first of the tied zeros
      });
    } finally { m.dispose(); }
  });

  test('iterative pruning composes the methods in a PruningContainer (torch: L1Unstructured.apply returns it)', () => {
    const m = new nn.Linear(4, 2, o64);
    try {
      fl.scope(() => {
        fl.noGrad(() => m.weight.copy_(fl.tensor([[1, 2, 3, 4], [5, 6, 7, 8]], o64)));
        const first = P.L1Unstructured.apply(m, 'weight', 0.5);
        expect(first).toBeInstanceOf(P.L1Unstructured);
        expect(first._tensorName).toBe('weight');
        expect(vals(field(m, 'weight_mask'))).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
        const c = P.L1Unstructured.apply(m, 'weight', 0.5) as fl.nn.utils.prune.PruningContainer;
        expect(c).toBeInstanceOf(P.PruningContainer);
        expect(c.length).toBe(2);
        expect(c.at(0)).toBe(first);
        expect([...c].map((x) => x.constructor.name)).toEqual(['L1Unstructured', 'L1Unstructured']);
        expect(vals(field(m, 'weight_mask'))).toEqual([0, 0, 0, 0, 0, 0, 1, 1]);   // half of what was left
        // structured on top: the channels already zero are not candidates (row 0 is wholly pruned)
        P.lnStructured(m, 'weight', 1, 1, 0);
        expect(vals(field(m, 'weight_mask'))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
        expect(P.PruningContainer.prototype.isPrototypeOf(c)).toBe(true);
        expect(c.length).toBe(3);
        // one hook for the name, not three
        expect(((m as unknown as { _forwardPreHooks: unknown[] })._forwardPreHooks).length).toBe(1);
      });
    } finally { m.dispose(); }
  });

  test('a failed pruning changes nothing (the first and a later one)', () => {
    const m = new nn.Linear(5, 4, o64);
    try {
      fl.scope(() => {
        expect(() => P.l1Unstructured(m, 'weight', 21)).toThrow(new fl.ValueError("l1Unstructured: L1Unstructured: amount=21 should be smaller than the number of parameters to prune=20 (pruning 'weight' of Linear)"));
        expect(P.isPruned(m)).toBe(false);
        expect(Object.keys(m.stateDict())).toEqual(['weight', 'bias']);
        expect(fl.nn.isParameter(m.weight)).toBe(true);
        P.l1Unstructured(m, 'weight', 10);
        const mask = vals(field(m, 'weight_mask'));
        // 10 entries are left: 11 is too many for the second step
        expect(() => P.l1Unstructured(m, 'weight', 11)).toThrow(/amount=11 should be smaller than the number of parameters to prune=10/);
        expect(vals(field(m, 'weight_mask'))).toEqual(mask);
        P.l1Unstructured(m, 'weight', 10);
        expect(vals(field(m, 'weight_mask')).every((v) => v === 0)).toBe(true);
        expect(P.L1Unstructured.apply(m, 'weight', 0)).toBeInstanceOf(P.PruningContainer);
        // the container holds the two that succeeded and the last
        expect((P.L1Unstructured.apply(m, 'weight', 0) as fl.nn.utils.prune.PruningContainer).length).toBe(4);
      });
    } finally { m.dispose(); }
  });

  test('custom methods: a BasePruningMethod subclass, composed with the built-in ones', () => {
    class Threshold extends P.BasePruningMethod {
      static PRUNING_TYPE = 'unstructured' as const;
      constructor(readonly threshold: number) { super(); }
      computeMask(t: fl.Tensor, defaultMask: fl.Tensor): fl.Tensor { return defaultMask.mul(t.abs().gt(this.threshold)); }
    }
    class NoType extends P.BasePruningMethod { computeMask(t: fl.Tensor, d: fl.Tensor): fl.Tensor { return d; } }
    const m = new nn.Linear(3, 2, o64);
    try {
      fl.scope(() => {
        fl.noGrad(() => m.weight.copy_(fl.tensor([[0.1, -2, 0.3], [-4, 0.05, 6]], o64)));
        expect(Threshold.apply(m, 'weight', 0.2)).toBeInstanceOf(Threshold);
        expect(vals(field(m, 'weight_mask'))).toEqual([0, 1, 1, 1, 0, 1]);
        P.l1Unstructured(m, 'weight', 1);      // of the four left, |0.3| is the smallest
        expect(vals(field(m, 'weight_mask'))).toEqual([0, 1, 0, 1, 0, 1]);
        expect(() => NoType.apply(m, 'weight')).toThrow(/unrecognized PRUNING_TYPE undefined of NoType/);
        expect(vals(field(m, 'weight_mask'))).toEqual([0, 1, 0, 1, 0, 1]);
        // prune(): t times the mask, no module involved; importanceScores rank in t's place
        expect(vals(new P.L1Unstructured(2).prune(fl.tensor([3, -1, 0.5, 2], o64)))).toEqual([3, 0, 0, 2]);
        expect(vals(new P.L1Unstructured(2).prune(fl.tensor([3, -1, 0.5, 2], o64), { importanceScores: fl.tensor([1, 2, 3, 4], o64) }))).toEqual([0, 0, 0.5, 2]);
        // a method alone does not skip what defaultMask pruned (a PruningContainer does): torch's
        // L1Unstructured(1).prune(tensor([3., -1, 0.5, 2]), default_mask=tensor([1., 1, 0, 1])) = [3, -1, 0, 2]
        expect(vals(new P.L1Unstructured(1).prune(fl.tensor([3, -1, 0.5, 2], o64), fl.tensor([1, 1, 0, 1], o64)))).toEqual([3, -1, 0, 2]);
        expect(new P.Identity().PRUNING_TYPE).toBe('unstructured');
        expect(new P.LnStructured(1, 2).PRUNING_TYPE).toBe('structured');
        expect(new P.CustomFromMask(fl.ones(2)).PRUNING_TYPE).toBe('global');
        expect(new P.LnStructured({ amount: 1, n: 'fro' }).dim).toBe(-1);
      });
    } finally { m.dispose(); }
  });

  test('what pruning stores belongs to the scope it ran in: a forward after that scope says so', () => {
    const m = new nn.Linear(3, 2, o64);
    try {
      fl.scope(() => { P.l1Unstructured(m, 'weight', 2); });
      expect(() => fl.scope(() => { m.forward(fl.ones([1, 3], o64)); })).toThrow(fl.DisposedError);
      expect(() => fl.scope(() => { m.forward(fl.ones([1, 3], o64)); })).toThrow(/L1Unstructured.applyMask: 'weight_mask' of Linear was disposed .*prune outside a scope/);
    } finally { m.dispose(); }
  });

  test('isPruned looks through the children; identity adds the reparametrization with a mask of ones', () => {
    const a = new nn.Linear(2, 2, o64), b = new nn.Linear(2, 1, o64);
    try {
      fl.scope(() => {
        const net = new nn.Sequential(a, new nn.ReLU(), b);
        expect(P.isPruned(net)).toBe(false);
        P.identity(b, 'bias');
        expect(P.isPruned(net)).toBe(true);
        expect(P.isPruned(a)).toBe(false);
        expect(vals(field(b, 'bias_mask'))).toEqual([1]);
        expect(Object.keys(net.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias_orig', '2.bias_mask']);
        P.remove(b, 'bias');
        expect(P.isPruned(net)).toBe(false);
      });
    } finally { a.dispose(); b.dispose(); }
  });
});

describe('ties (documented: fl.topk takes equal values in index order)', () => {
  test('l1Unstructured prunes the lower flat index first; lnStructured keeps the lower channel first', () => {
    const m = new nn.Linear(3, 3, o64);
    try {
      fl.scope(() => {
        fl.noGrad(() => m.weight.copy_(fl.tensor([[1, -1, 1], [2, 2, -2], [1, 1, -1]], o64)));
        P.l1Unstructured(m, 'weight', 4);
        expect(vals(field(m, 'weight_mask'))).toEqual([0, 0, 0, 1, 1, 1, 0, 1, 1]);
        P.remove(m, 'weight');
        fl.noGrad(() => m.weight.copy_(fl.tensor([[1, -1, 1], [2, 2, -2], [1, 1, -1]], o64)));
        P.lnStructured(m, 'weight', 1, 2, 0);   // rows 0 and 2 tie: row 0 is kept
        expect(vals(field(m, 'weight_mask'))).toEqual([1, 1, 1, 1, 1, 1, 0, 0, 0]);
      });
    } finally { m.dispose(); }
  });
});

describe('the random methods (flintml generator: counts and structure, not torch positions)', () => {
  test('randomUnstructured prunes round(amount · n) of the entries left; the same seed gives the same mask', () => {
    const masks: number[][] = [];
    for (let rep = 0; rep < 2; rep++) {
      const m = new nn.Linear(10, 6, o64);
      try {
        fl.scope(() => {
          fl.manualSeed(7);
          P.randomUnstructured(m, 'weight', 0.25);      // 15 of 60
          const m1 = vals(field(m, 'weight_mask'));
          expect(m1.filter((v) => v === 0).length).toBe(15);
          P.randomUnstructured(m, { name: 'weight', amount: 9 });   // 9 of the 45 left
          const m2 = vals(field(m, 'weight_mask'));
          expect(m2.filter((v) => v === 0).length).toBe(24);
          expect(m1.every((v, i) => v === 1 || m2[i] === 0)).toBe(true);   // earlier zeros stay
          const w = vals(m.weight), orig = vals(field(m, 'weight_orig'));
          expect(w).toEqual(orig.map((v, i) => v * m2[i] + 0));   // + 0: -0 as 0
          masks.push(m2);
        });
      } finally { m.dispose(); }
    }
    expect(masks[0]).toEqual(masks[1]);
  });

  test('randomStructured prunes whole channels along dim, among those left', () => {
    const m = new nn.Conv2d(3, 8, 2, o64);
    try {
      fl.scope(() => {
        fl.manualSeed(3);
        P.randomStructured(m, 'weight', 0.5, 0);   // 4 of 8 output channels
        const zeroRows = (): number[] => {
          const v = vals(field(m, 'weight_mask')), per = 3 * 2 * 2;
          const rows: number[] = [];
          for (let c = 0; c < 8; c++) {
            const s = v.slice(c * per, (c + 1) * per);
            expect(s.every((x) => x === s[0])).toBe(true);   // a channel is all kept or all pruned
            if (s[0] === 0) rows.push(c);
          }
          return rows;
        };
        const first = zeroRows();
        expect(first.length).toBe(4);
        P.randomStructured(m, { name: 'weight', amount: 2, dim: 0 });   // 2 of the 4 left
        const second = zeroRows();
        expect(second.length).toBe(6);
        expect(first.every((c) => second.includes(c))).toBe(true);
        expect(() => P.randomStructured(m, 'weight', 3, 0)).toThrow(/amount=3 should be smaller than the number of parameters to prune=2/);
        expect(() => P.randomStructured(m, 'bias', 1, 0)).toThrow(/randomStructured: .*structured pruning can only be applied to multidimensional tensors. Found tensor of shape \[8\] with 1 dims/);
      });
    } finally { m.dispose(); }
  });
});

describe('errors (typed, naming the function)', () => {
  test("bad names, amounts, dims, scores and methods are refused as torch refuses them", () => {
    const m = new nn.Linear(5, 4, o64);
    try {
      fl.scope(() => {
        expect(() => P.l1Unstructured(m, 'wieght', 0.2)).toThrow(new fl.ValueError("l1Unstructured: module Linear has no parameter named 'wieght'"));
        expect(() => P.l1Unstructured(m, 'weight', 1.5)).toThrow(new fl.ValueError('l1Unstructured: amount=1.5 should either be a float in the range [0, 1] or a non-negative integer'));
        expect(() => P.lnStructured(m, 'weight', -1, 2, 0)).toThrow(new fl.ValueError('lnStructured: amount=-1 should either be a float in the range [0, 1] or a non-negative integer'));
        expect(() => P.randomUnstructured(m, 'weight', '0.2' as never)).toThrow(/randomUnstructured: amount: invalid type for amount: '0.2'/);
        expect(() => P.lnStructured(m, 'weight', 1, 2, 2)).toThrow(fl.IndexError);
        expect(() => P.lnStructured(m, 'weight', 1, 2, 2)).toThrow(/lnStructured: LnStructured: invalid index 2 for tensor of size \[4, 5\]/);
        expect(() => P.lnStructured(m, 'weight', 1, 'max' as never, 0)).toThrow(/lnStructured: n must be a number/);
        expect(() => P.lnStructured(m, 'weight', 5, 2, 0)).toThrow(/amount=5 should be smaller than the number of parameters to prune=4/);
        expect(() => P.l1Unstructured(m, 'weight', 2, fl.ones([5, 4], o64))).toThrow(fl.ShapeError);
        expect(() => P.l1Unstructured(m, 'weight', 2, fl.ones([5, 4], o64))).toThrow(/l1Unstructured: importanceScores should have the same shape as parameter 'weight': \[5, 4\] vs \[4, 5\]/);
        expect(() => P.customFromMask(m, 'bias', fl.ones([5]))).toThrow(fl.ShapeError);
        expect(() => P.RandomUnstructured.apply(m, 'weight', 0.2, { importanceScores: fl.ones([4, 5], o64) })).toThrow(/RandomUnstructured.apply: unknown option 'importanceScores'/);
        expect(() => new P.L1Unstructured(2).prune(fl.ones([3]), { importanceScores: fl.ones([2]) })).toThrow(fl.ShapeError);
        expect(() => P.l1Unstructured(m, 'weight', { amout: 2 } as never)).toThrow(/l1Unstructured: unknown option 'amout' \(did you mean 'amount'\?\)/);
        expect(P.isPruned(m)).toBe(false);
        expect(Object.keys(m.stateDict())).toEqual(['weight', 'bias']);
        // globalUnstructured: only 'unstructured' methods, [module, name] pairs, scores for listed parameters only
        const params: [fl.nn.Module, string][] = [[m, 'weight']];
        expect(() => P.globalUnstructured(params, P.LnStructured, { amount: 1, n: 2, dim: 0 })).toThrow(/globalUnstructured: only "unstructured" PRUNING_TYPE supported for the pruningMethod. Found a function LnStructured of type structured/);
        expect(() => P.globalUnstructured(params, P.L1Unstructured, { amount: 21 })).toThrow(/globalUnstructured: .*amount=21 should be smaller than the number of parameters to prune=20/);
        expect(() => P.globalUnstructured([[m, 'nope']], P.L1Unstructured, { amount: 1 })).toThrow(/globalUnstructured: parameters\[0\]: module Linear has no parameter named 'nope'/);
        expect(() => P.globalUnstructured([m as never], P.L1Unstructured, { amount: 1 })).toThrow(/parameters\[0\] must be a \[module, name\] pair/);
        expect(() => P.globalUnstructured(params, P.L1Unstructured, { amount: 1, importanceScores: new Map([[m, { bias: fl.ones([4], o64) }]]) })).toThrow(/importanceScores has scores for 'bias' of a Linear that is not in parameters/);
        expect(() => P.globalUnstructured(params, P.L1Unstructured, { amout: 1 })).toThrow(/L1Unstructured: unknown option 'amout'/);
        expect(() => P.globalUnstructured(params, P.L1Unstructured, null, { amount: 1 }, 7 as never)).toThrow(/^globalUnstructured: /);
        expect(P.isPruned(m)).toBe(false);
      });
    } finally { m.dispose(); }
  });

  test('globalUnstructured takes importance scores per module and name', () => {
    const a = new nn.Linear(2, 2, o64), b = new nn.Linear(2, 1, o64);
    try {
      fl.scope(() => {
        fl.noGrad(() => { a.weight.copy_(fl.tensor([[1, 2], [3, 4]], o64)); b.weight.copy_(fl.tensor([[5, 6]], o64)); });
        // scores reverse the order of the values: the largest |w| go first
        P.globalUnstructured([[a, 'weight'], [b, 'weight']], P.L1Unstructured, {
          amount: 3, importanceScores: new Map<fl.nn.Module, Record<string, fl.Tensor>>([[a, { weight: fl.tensor([[6, 5], [4, 3]], o64) }], [b, { weight: fl.tensor([[2, 1]], o64) }]]),
        });
        expect(vals(field(a, 'weight_mask'))).toEqual([1, 1, 1, 0]);
        expect(vals(field(b, 'weight_mask'))).toEqual([0, 0]);
      });
    } finally { a.dispose(); b.dispose(); }
  });
});

describe('computeMask called directly checks its operands (the fuzzer found untyped TypeErrors)', () => {
  test('a non-tensor, a mask of another shape: typed errors naming the method', () => fl.scope(() => {
    const t = fl.tensor([[3, -1], [0.5, 2]], { device: DEVICE });
    expect(() => new P.LnStructured(1, 2, 0).computeMask(3 as unknown as fl.Tensor, fl.onesLike(t))).toThrow(/LnStructured.computeMask: t must be a Tensor, got 3/);
    expect(() => new P.L1Unstructured(1).computeMask(t, new Uint8Array(2) as unknown as fl.Tensor)).toThrow(fl.ValueError);
    expect(() => new P.L1Unstructured(1).computeMask(t, fl.ones([3], { device: DEVICE }))).toThrow(/L1Unstructured.computeMask: defaultMask of shape \[3\] does not match t of shape \[2, 2\]/);
    expect(() => new P.Identity().computeMask(t, fl.ones([4], { device: DEVICE }))).toThrow(fl.ShapeError);
    expect(new P.L1Unstructured(1).computeMask(t, fl.onesLike(t)).toArray()).toEqual([[1, 1], [0, 1]]);
  }));
});
