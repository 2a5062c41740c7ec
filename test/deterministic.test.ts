// deterministic.test.ts — fl.useDeterministicAlgorithms (lib/deterministic.ts) and the deterministic
// GPU scatter-add it switches to (lib/ops/scatter-deterministic.ts), with torch's semantics:
//   torch.use_deterministic_algorithms(True) / (True, warn_only=True) / (False): the flags read back
//   by are_deterministic_algorithms_enabled() and is_deterministic_algorithms_warn_only_enabled();
//   mode=1 -> TypeError (here a ValueError); warn_only is keyword-only.
//   On CUDA, scatter_add_ / index_add / index_put(accumulate=True) / the backwards of gather and
//   index_select run a deterministic algorithm; scatter_reduce 'prod' (torch 2.x) raises
//   "… does not have a deterministic implementation, but you set 'torch.use_deterministic_algorithms(True)'…",
//   or warns with warn_only. CPU ops never raise.
// References: float64 sums written out in JS (the order-free truth), the CPU kernel (sequential in
// index order: float32 sums equal Math.fround accumulation in that order, bit for bit), and, on the
// GPU, the same op on the CPU within float32 rounding; determinism itself is checked as bit
// equality over repeated runs.
import * as fl from '../lib';
import { deterministicState } from '../lib/deterministic';
import { DEVICE, randomArray } from './helpers';

const onGpu = DEVICE !== 'cpu';
const i32 = (v: number[], device = DEVICE): fl.Tensor => fl.tensor(v, { dtype: 'int32', device });
const f32 = (v: number[], device = DEVICE): fl.Tensor => fl.tensor(v, { dtype: 'float32', device });
const f64 = (v: number[], device = DEVICE): fl.Tensor => fl.tensor(v, { dtype: 'float64', device });
/** The bits of a float32 tensor (NaN-safe exact comparison). */
const bits = (t: fl.Tensor): number[] => Array.from(new Uint32Array(Float32Array.from(t.to('float32').dataSync() as Float32Array).buffer));
/** Random int32 indices in [0, n). */
const randIdx = (count: number, n: number, seed: number): number[] => randomArray(count, seed, 0, n).map((v) => Math.min(n - 1, Math.floor(v)));

// count the calls of the deterministic composition (the ops reach it through scatterInto)
const composition = deterministicState.scatterAdd!;
let compositionCalls = 0;
beforeAll(() => { deterministicState.scatterAdd = (...a) => { compositionCalls++; return composition(...a); }; });
afterAll(() => { deterministicState.scatterAdd = composition; });
afterEach(() => { fl.useDeterministicAlgorithms(false); compositionCalls = 0; });

describe('the flag', () => {
  test('round trip, warnOnly, torch\'s argument rules', () => {
    expect([fl.areDeterministicAlgorithmsEnabled(), fl.isDeterministicAlgorithmsWarnOnlyEnabled()]).toEqual([false, false]);
    fl.useDeterministicAlgorithms(true);
    expect([fl.areDeterministicAlgorithmsEnabled(), fl.isDeterministicAlgorithmsWarnOnlyEnabled()]).toEqual([true, false]);
    fl.useDeterministicAlgorithms(true, { warnOnly: true });
    expect([fl.areDeterministicAlgorithmsEnabled(), fl.isDeterministicAlgorithmsWarnOnlyEnabled()]).toEqual([true, true]);
    fl.useDeterministicAlgorithms(false, { warnOnly: true });  // torch keeps warn_only as given
    expect([fl.areDeterministicAlgorithmsEnabled(), fl.isDeterministicAlgorithmsWarnOnlyEnabled()]).toEqual([false, true]);
    fl.useDeterministicAlgorithms(false);
    expect([fl.areDeterministicAlgorithmsEnabled(), fl.isDeterministicAlgorithmsWarnOnlyEnabled()]).toEqual([false, false]);
    expect(() => fl.useDeterministicAlgorithms(1 as unknown as boolean)).toThrow(new fl.ValueError('useDeterministicAlgorithms: mode must be a boolean, got 1'));
    expect(() => (fl.useDeterministicAlgorithms as (...a: unknown[]) => void)(true, true)).toThrow(/takes 1 positional argument \(mode\) but 2 were given/);
    expect(() => fl.useDeterministicAlgorithms(true, { warn_only: true } as never)).toThrow(/unknown option 'warn_only' \(did you mean 'warnOnly'\?\)/);
    expect(fl.areDeterministicAlgorithmsEnabled()).toBe(false);
  });

  test('fl.backends.cudnn.deterministic and .benchmark read back what is set (no cuDNN: no effect)', () => {
    expect([fl.backends.cudnn.deterministic, fl.backends.cudnn.benchmark]).toEqual([false, false]);
    fl.backends.cudnn.deterministic = true;
    fl.backends.cudnn.benchmark = true;
    try {
      expect([fl.backends.cudnn.deterministic, fl.backends.cudnn.benchmark]).toEqual([true, true]);
      expect(fl.areDeterministicAlgorithmsEnabled()).toBe(false);
    } finally {
      fl.backends.cudnn.deterministic = false;
      fl.backends.cudnn.benchmark = false;
    }
  });
});

describe('CPU ops never alert, and the CPU scatter-add is sequential', () => {
  test('scatterAdd in float32 sums in index order (Math.fround accumulation, bit for bit), run after run', () => {
    fl.scope(() => {
      fl.useDeterministicAlgorithms(true);
      const n = 5000, bins = 7;
      const iv = randIdx(n, bins, 1), sv = randomArray(n, 2, -1e3, 1e3).map(Math.fround);
      const ref = new Array<number>(bins).fill(0);
      for (let k = 0; k < n; k++) ref[iv[k]] = Math.fround(ref[iv[k]] + sv[k]);
      const runs = [0, 1, 2].map(() => bits(fl.scatterAdd(fl.zeros([bins], { device: 'cpu' }), 0, i32(iv, 'cpu'), f32(sv, 'cpu'))));
      expect(runs[0]).toEqual(bits(f32(ref, 'cpu')));
      expect(runs[1]).toEqual(runs[0]);
      expect(runs[2]).toEqual(runs[0]);
      expect(compositionCalls).toBe(0);  // the CPU kernel, not the composition
    });
  });

  test('the ops that alert on the GPU run on the CPU: scatterReduce prod, indexAdd, indexPut with accumulate, histc', () => {
    fl.scope(() => {
      fl.useDeterministicAlgorithms(true);
      expect(fl.scatterReduce(f32([1, 1, 1], 'cpu'), 0, i32([0, 0, 2], 'cpu'), f32([2, 3, 4], 'cpu'), 'prod').toArray()).toEqual([6, 1, 4]);
      expect(fl.indexAdd(fl.zeros([2, 2], { device: 'cpu' }), 0, i32([1, 1], 'cpu'), fl.ones([2, 2], { device: 'cpu' })).toArray()).toEqual([[0, 0], [2, 2]]);
      expect(fl.indexPut(fl.zeros([3], { device: 'cpu' }), [i32([0, 0, 2], 'cpu')], f32([1, 2, 3], 'cpu'), { accumulate: true }).toArray()).toEqual([3, 0, 3]);
      expect(fl.histc(f32([0.1, 0.2, 0.9], 'cpu'), 2, 0, 1).toArray()).toEqual([2, 1]);
      expect(compositionCalls).toBe(0);
    });
  });
});

describe(`the deterministic composition itself (on ${DEVICE})`, () => {
  const run = (self: fl.Tensor, d: number, index: fl.Tensor, src: fl.Tensor, name = 'scatterAdd'): fl.Tensor => {
    expect(composition(self, d, index, src, name)).toBe(true);
    return self;
  };

  test('1-D, many duplicates: the float64 sums (to 1e-12), self added in', () => {
    fl.scope(() => {
      const n = 3000, bins = 11;
      const iv = randIdx(n, bins, 3), sv = randomArray(n, 4, -5, 5), base = randomArray(bins, 5);
      const ref = base.slice();
      for (let k = 0; k < n; k++) ref[iv[k]] += sv[k];
      const got = run(f64(base), 0, i32(iv), f64(sv)).toArray() as number[];
      got.forEach((v, j) => expect(Math.abs(v - ref[j])).toBeLessThan(1e-12 * (1 + Math.abs(ref[j])) * 50));
    });
  });

  test('2-D along dim 0 and dim 1, an index smaller than self and src larger than the index: the CPU kernel\'s result', () => {
    fl.scope(() => {
      for (const d of [0, 1]) {
        const selfV = randomArray(5 * 4, 6 + d), srcV = randomArray(6 * 5, 8 + d);
        const is = d === 0 ? [6, 3] : [4, 3];
        const iv = randIdx(is[0] * is[1], d === 0 ? 5 : 4, 10 + d);
        const want = fl.scatterAdd(f64(selfV, 'cpu').reshape([5, 4]), d, i32(iv, 'cpu').reshape(is), f64(srcV, 'cpu').reshape([6, 5]));
        const got = run(f64(selfV).reshape([5, 4]), d, i32(iv).reshape(is), f64(srcV).reshape([6, 5]));
        const a = got.toArray() as number[][], b = want.toArray() as number[][];
        a.flat().forEach((v, j) => expect(v).toBeCloseTo(b.flat()[j], 12));
      }
    });
  });

  test('rows: an index the same across the other dims (indexAdd\'s and embedding\'s form) moves whole rows', () => {
    fl.scope(() => {
      const iv = [3, 0, 3, 3, 1, 0];
      const wide = i32(iv).reshape([6, 1]).expand([6, 4]);  // stride 0 along dim 1
      const srcV = randomArray(24, 12);
      const got = run(fl.zeros([5, 4], { dtype: 'float64', device: DEVICE }), 0, wide, f64(srcV).reshape([6, 4]));
      const ref = Array.from({ length: 5 }, () => [0, 0, 0, 0]);
      iv.forEach((r, k) => { for (let c = 0; c < 4; c++) ref[r][c] += srcV[k * 4 + c]; });
      (got.toArray() as number[][]).flat().forEach((v, j) => expect(v).toBeCloseTo(ref.flat()[j], 12));
    });
  });

  test('a strided self (a transposed view) is written through; 0-dim operands; float16', () => {
    fl.scope(() => {
      const base = fl.zeros([3, 2], { dtype: 'float64', device: DEVICE });
      const view = base.t();  // [2, 3], not contiguous
      run(view, 1, i32([0, 2, 2, 0]).reshape([2, 2]), f64([1, 2, 3, 4]).reshape([2, 2]));
      expect(base.toArray()).toEqual([[1, 4], [0, 0], [2, 3]]);  // view[i][j] is base[j][i]
      expect(run(f64([1]).reshape([]), 0, i32([0]).reshape([]), f64([2]).reshape([])).item()).toBe(3);
      const h = run(fl.zeros([2], { dtype: 'float16', device: DEVICE }), 0, i32([1, 1, 1, 0]), fl.tensor([0.5, 0.25, 1, 2], { dtype: 'float16', device: DEVICE }));
      expect(h.toArray()).toEqual([2, 1.75]);
    });
  });

  test('bit-identical from run to run (float32, a large index with few targets)', () => {
    fl.scope(() => {
      const n = 20000, bins = 3;
      const iv = i32(randIdx(n, bins, 13)), sv = f32(randomArray(n, 14, -1, 1));
      const runs = [0, 1, 2].map(() => bits(run(fl.zeros([bins], { device: DEVICE }), 0, iv, sv)));
      expect(runs[1]).toEqual(runs[0]);
      expect(runs[2]).toEqual(runs[0]);
      // and the sums are right to float32 rounding of a 20000-term sum
      const ivA = iv.toArray() as number[], svA = sv.toArray() as number[];
      const ref = [0, 0, 0];
      ivA.forEach((b, k) => { ref[b] += svA[k]; });
      new Float32Array(new Uint32Array(runs[0]).buffer).forEach((v, j) => expect(Math.abs(v - ref[j])).toBeLessThan(2e-3));
    });
  });

  test('a bad index: the kernel\'s IndexError, naming the op, with self unchanged', () => {
    fl.scope(() => {
      const self = f32([1, 2, 3]);
      expect(() => composition(self, 0, i32([0, 3]), f32([1, 1]), 'scatterAdd')).toThrow(new fl.IndexError('scatterAdd: index 3 is out of bounds for dim 0 with size 3'));
      expect(() => composition(self, 0, i32([-1, 0]), f32([1, 1]), 'scatterReduce')).toThrow(new fl.IndexError('scatterReduce: index -1 is out of bounds for dim 0 with size 3'));
      expect(self.toArray()).toEqual([1, 2, 3]);
      // the same text as the kernel's (the CPU's)
      expect(() => fl.scatterAdd(f32([1, 2, 3], 'cpu'), 0, i32([0, 3], 'cpu'), f32([1, 1], 'cpu')).toArray()).toThrow(new fl.IndexError('scatterAdd: index 3 is out of bounds for dim 0 with size 3'));
    });
  });
});

if (onGpu) {
  describe('on the GPU with the flag on', () => {
    /** x on the GPU and its CPU copy. */
    const pair = (t: fl.Tensor): [fl.Tensor, fl.Tensor] => [t, t.to('cpu')];

    test('the index-add ops take the deterministic composition: the CPU\'s results, the same bits every run', () => {
      fl.scope(() => {
        fl.useDeterministicAlgorithms(true);
        const iv = randIdx(400, 9, 20), sv = randomArray(400 * 3, 21);
        const [idx, idxC] = pair(i32(iv)), [src, srcC] = pair(f32(sv).reshape([400, 3]));
        const ops: [string, (i: fl.Tensor, s: fl.Tensor, dev: string) => fl.Tensor][] = [
          ['scatterAdd', (i, s, dev) => fl.scatterAdd(fl.zeros([9, 3], { device: dev }), 0, i.reshape([400, 1]).expand([400, 3]).contiguous(), s)],
          ['indexAdd', (i, s, dev) => fl.indexAdd(fl.zeros([9, 3], { device: dev }), 0, i, s)],
          ['indexPut accumulate', (i, s, dev) => fl.indexPut(fl.zeros([9, 3], { device: dev }), [i], s, { accumulate: true })],
          ['put accumulate', (i, s, dev) => fl.put(fl.zeros([9, 3], { device: dev }), i, s.select(1, 0), true)],
          ['scatterReduce sum', (i, s, dev) => fl.scatterReduce(fl.ones([9], { device: dev }), 0, i, s.select(1, 0), 'sum')],
          ['scatterReduce mean', (i, s, dev) => fl.scatterReduce(fl.ones([9], { device: dev }), 0, i, s.select(1, 0), 'mean', { includeSelf: false })],
          ['histc', (_i, s) => fl.histc(s.select(1, 0), 5, -2, 2)],
          ['gather backward', (i, s) => { const x = s.detach().requiresGrad_(); fl.gather(x, 0, i.remainder(400).reshape([400, 1]).expand([400, 3]).contiguous()).mul(s).sum().backward(); return x.grad!; }],
          ['embedding backward', (i, s) => { const w = s.narrow(0, 0, 9).detach().requiresGrad_(); fl.nn.functional.embedding(i, w).mul(s).sum().backward(); return w.grad!; }],
        ];
        for (const [name, op] of ops) {
          compositionCalls = 0;
          const first = op(idx, src, DEVICE);
          expect([name, compositionCalls > 0]).toEqual([name, true]);
          const again = [op(idx, src, DEVICE), op(idx, src, DEVICE)];
          expect([name, bits(again[0])]).toEqual([name, bits(first)]);
          expect([name, bits(again[1])]).toEqual([name, bits(first)]);
          const want = (op(idxC, srcC, 'cpu').toArray() as number[] | number[][]).flat() as number[];
          const got = (first.toArray() as number[] | number[][]).flat() as number[];
          got.forEach((v, j) => expect([name, j, Math.abs(v - want[j]) <= 1e-4 * (1 + Math.abs(want[j]))]).toEqual([name, j, true]));
        }
      });
    });

    test('scatterReduce \'prod\' in floats has no deterministic implementation: torch\'s error, or one warning with warnOnly', () => {
      fl.scope(() => {
        const args = (): [fl.Tensor, number, fl.Tensor, fl.Tensor] => [f32([1, 1, 1]), 0, i32([0, 0, 2]), f32([2, 3, 4])];
        fl.useDeterministicAlgorithms(true);
        let thrown: unknown;
        try { fl.scatterReduce(...args(), 'prod'); } catch (e) { thrown = e; }
        expect(thrown).toBeInstanceOf(fl.NondeterministicAlgorithmError);
        expect(thrown).toBeInstanceOf(fl.FlintError);
        expect((thrown as Error).message).toBe(`scatterReduce with reduce 'prod' on ${fl.scatterReduce(...args(), 'amax').device} (float32) does not have a deterministic implementation, ` +
          "but you set 'fl.useDeterministicAlgorithms(true)'. You can turn off determinism just for this operation, or you can use the 'warnOnly: true' option, if that's acceptable for your application.");
        // deterministic already: amax / amin, integer prod, the plain scatter
        expect(fl.scatterReduce(...args(), 'amax').toArray()).toEqual([3, 1, 4]);
        expect(fl.scatterReduce(i32([1, 1, 1]), 0, i32([0, 0, 2]), i32([2, 3, 4]), 'prod').toArray()).toEqual([6, 1, 4]);
        expect(fl.scatter(f32([0, 0, 0]), 0, i32([1, 1]), f32([5, 6])).toArray()).toEqual([0, 6, 0]);
        const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
        try {
          fl.useDeterministicAlgorithms(true, { warnOnly: true });
          expect(fl.scatterReduce(...args(), 'prod').toArray()).toEqual([6, 1, 4]);
          expect(fl.scatterReduce(...args(), 'prod').toArray()).toEqual([6, 1, 4]);
          expect(warn).toHaveBeenCalledTimes(1);  // once
          expect(String(warn.mock.calls[0][0])).toMatch(/^scatterReduce with reduce 'prod' on \S+ \(float32\) does not have a deterministic implementation/);
          fl.useDeterministicAlgorithms(false);
          fl.scatterReduce(...args(), 'prod');
          expect(warn).toHaveBeenCalledTimes(1);  // off: no alert
        } finally { warn.mockRestore(); }
      });
    });

    test('off: the atomic kernel (no composition); integer scatter-adds never take it', () => {
      fl.scope(() => {
        expect(fl.scatterAdd(f32([0, 0]), 0, i32([1, 1, 0]), f32([1, 2, 3])).toArray()).toEqual([3, 3]);
        fl.useDeterministicAlgorithms(true);
        expect(fl.scatterAdd(i32([0, 0]), 0, i32([1, 1, 0]), i32([1, 2, 3])).toArray()).toEqual([3, 3]);
        expect(compositionCalls).toBe(0);
      });
    });

    test('a bad index through the op: the same IndexError as the kernel\'s, and an in-place target unchanged', () => {
      fl.scope(() => {
        const messages: string[] = [];
        for (const on of [false, true]) {
          fl.useDeterministicAlgorithms(on);
          const x = f32([1, 2, 3]);
          try { x.scatterAdd_(0, i32([0, 7]), f32([1, 1])); x.toArray(); } catch (e) { expect(e).toBeInstanceOf(fl.IndexError); messages.push((e as Error).message); }
          expect(x.toArray()).toEqual([1, 2, 3]);
        }
        expect(messages).toEqual(['scatterAdd: index 7 is out of bounds for dim 0 with size 3', 'scatterAdd: index 7 is out of bounds for dim 0 with size 3']);
      });
    });
  });
} else {
  describe('without a GPU', () => {
    test('the flag changes nothing on the CPU: no composition, no alert', () => {
      fl.scope(() => {
        fl.useDeterministicAlgorithms(true);
        expect(fl.scatterReduce(f32([1, 1]), 0, i32([0, 0]), f32([2, 3]), 'prod').toArray()).toEqual([6, 1]);
        expect(fl.scatterAdd(f32([0, 0]), 0, i32([1, 1, 0]), f32([1, 2, 3])).toArray()).toEqual([3, 3]);
        expect(compositionCalls).toBe(0);
      });
    });
  });
}
