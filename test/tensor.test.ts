// tensor.test.ts — the Tensor API around the ops: creation from JS data, properties, reading
// back, printing (PyTorch's format), lifetime (dispose, using, scope incl. async, the
// FinalizationRegistry safety net), memory statistics, devices and bad input.
import { execFileSync } from 'child_process';
import * as path from 'path';
import * as fl from '../lib';
import { DEVICE } from './helpers';

const dev = { device: DEVICE };

describe('creation', () => {
  test('tensor() infers dtype and shape from nested data and TypedArrays', () => {
    fl.scope(() => {
      const a = fl.tensor([[1, 2, 3], [4, 5, 6]], dev);
      expect([a.shape, a.dtype, a.ndim, a.numel, a.strides, a.isContiguous()]).toEqual([[2, 3], 'int32', 2, 6, [3, 1], true]);
      expect(fl.tensor([1.5, 2], dev).dtype).toBe('float32');
      expect(fl.tensor([true, false], dev).dtype).toBe('bool');
      expect(fl.tensor(new Float64Array([1, 2]), dev).dtype).toBe('float64');
      expect(fl.tensor(new Uint8Array([1, 2]), dev).dtype).toBe('uint8');
      expect(fl.tensor(new Int16Array([1, -2]), dev).toArray()).toEqual([1, -2]);
      expect(fl.tensor(3.5, dev).shape).toEqual([]);
      expect(fl.tensor(3.5, dev).item()).toBe(3.5);
      expect(fl.tensor([], dev).shape).toEqual([0]);
      expect(fl.tensor([[], []], dev).shape).toEqual([2, 0]);
      expect(fl.tensor([1, 2], { dtype: 'float16', ...dev }).toArray()).toEqual([1, 2]);
      expect(fl.tensor([0.1], { dtype: 'float64', ...dev }).item()).toBe(0.1);
      // out-of-range integers are refused, as PyTorch does (an Int32Array store would wrap them modulo 2^32)
      expect(() => fl.tensor([3e9, -1], { dtype: 'int32', ...dev })).toThrow(fl.OverflowError);
    });
  });

  test('filled, ranges and likes', () => {
    fl.scope(() => {
      expect(fl.zeros([2, 2], dev).toArray()).toEqual([[0, 0], [0, 0]]);
      expect(fl.ones(3, { dtype: 'int32', ...dev }).toArray()).toEqual([1, 1, 1]);
      expect(fl.full([2], 7, dev).toArray()).toEqual([7, 7]);
      expect(fl.full([2], true, dev).dtype).toBe('bool');
      expect(fl.empty([2, 3], dev).shape).toEqual([2, 3]);
      expect(fl.arange(5, undefined, 1, dev).toArray()).toEqual([0, 1, 2, 3, 4]);
      expect(fl.arange(1, 2, 0.25, dev).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
      expect(fl.arange(5, 0, -2, dev).toArray()).toEqual([5, 3, 1]);
      expect(fl.linspace(-1, 1, 5, dev).toArray()).toEqual([-1, -0.5, 0, 0.5, 1]);
      expect(fl.linspace(0, 1, 1, dev).toArray()).toEqual([0]);
      expect(fl.eye(2, 3, dev).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
      const x = fl.ones([2, 3], { dtype: 'float64', ...dev });
      expect([fl.zerosLike(x).dtype, fl.onesLike(x).shape, fl.fullLike(x, 2).toArray()[1][2], fl.emptyLike(x).dtype])
        .toEqual(['float64', [2, 3], 2, 'float64']);
    });
  });

  test('bad sizes and data get typed errors, never a crash', () => {
    expect(() => fl.zeros([-1])).toThrow(fl.ShapeError);
    expect(() => fl.zeros([1.5])).toThrow(/zeros: sizes must be non-negative integers/);
    // found by a random-seed bench/fuzz.js run: a Symbol inside a size made the message itself throw a TypeError
    expect(() => fl.randn([[() => 1, Symbol('s')]] as unknown as number[])).toThrow(fl.ShapeError);
    expect(() => fl.zeros([NaN])).toThrow(fl.ShapeError);
    expect(() => fl.zeros('3' as any)).toThrow(fl.ValueError);
    expect(() => fl.zeros([1e12, 1e12])).toThrow(fl.OutOfMemoryError);
    expect(() => fl.ones([2 ** 40, 2 ** 10])).toThrow(/more than any device can hold|out of memory/);
    expect(() => fl.tensor([[1, 2], [3]])).toThrow(/ragged/);
    expect(() => fl.tensor(['a'] as any)).toThrow(fl.ValueError);
    expect(() => fl.tensor([1], { dtype: 'int64' as any })).toThrow(fl.DTypeError);
    expect(() => fl.arange(0, 1, 0)).toThrow(fl.ValueError);
    expect(() => fl.arange(0, 10, -1)).toThrow(fl.ValueError);
    expect(() => fl.full([2], 'x' as any)).toThrow(fl.ValueError);
    fl.scope(() => expect(() => fl.tensor([1]).reshape(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1).add(1)).toThrow(fl.ShapeError));
  });

  test('huge allocation that passes the shape check fails with OutOfMemoryError and the process goes on', () => {
    let err: unknown;
    try { fl.empty([2 ** 46], { dtype: 'uint8' }).dispose(); } catch (e) { err = e; }
    // 64 TiB: refused by the kernel's overcommit heuristic (mode 0) or with no overcommit (mode 2);
    // only a kernel set to always overcommit (mode 1) would map it lazily
    let mode = '0';
    try { mode = require('fs').readFileSync('/proc/sys/vm/overcommit_memory', 'utf8').trim(); } catch { /* not Linux */ }
    if (mode !== '1') expect(err).toBeInstanceOf(fl.OutOfMemoryError);
    else if (err) expect(err).toBeInstanceOf(fl.OutOfMemoryError);
    fl.scope(() => expect(fl.ones([2]).add(1).toArray()).toEqual([2, 2]));
  });
});

describe('reading values', () => {
  test('dataSync types, data(), toArray(), item()', async () => {
    const made: fl.Tensor[] = [];
    const t = (x: fl.Tensor) => { made.push(x); return x; };
    expect(t(fl.ones([2], { dtype: 'float16' })).dataSync().constructor.name).toBe('Float32Array');
    expect(t(fl.ones([2], { dtype: 'bool' })).dataSync().constructor.name).toBe('Uint8Array');
    expect(t(fl.ones([2], { dtype: 'int32' })).dataSync().constructor.name).toBe('Int32Array');
    expect(t(fl.ones([2], { dtype: 'float64' })).dataSync().constructor.name).toBe('Float64Array');
    expect(Array.from(await t(fl.tensor([1, 2, 3])).data())).toEqual([1, 2, 3]);
    expect(t(fl.tensor([[true, false]])).toArray()).toEqual([[true, false]]);
    expect(() => t(fl.ones([2])).item()).toThrow(fl.ValueError);
    made.forEach((x) => x.dispose());
  });

  test('printing matches PyTorch', () => {
    fl.scope(() => {
      expect(fl.tensor([1, 2, 3]).toString()).toBe('tensor([1, 2, 3])');
      expect(fl.tensor([[1, 2], [3, 4]], { dtype: 'float32' }).toString()).toBe('tensor([[1., 2.],\n        [3., 4.]])');
      expect(fl.tensor([0.5, -1.25]).toString()).toBe('tensor([ 0.5000, -1.2500])');
      expect(fl.tensor([1, 2], { dtype: 'float64' }).toString()).toBe('tensor([1., 2.], dtype=float64)');
      expect(fl.tensor([true, false]).toString()).toBe('tensor([ True, False])');
      expect(fl.tensor(3.5).toString()).toBe('tensor(3.5000)');
      expect(fl.tensor([1e-8, 1]).toString()).toBe('tensor([1.0000e-08, 1.0000e+00])');
      expect(fl.zeros([2, 0]).toString()).toBe('tensor([], size=[2, 0])');
      const big = fl.arange(2000).toString();
      expect(big).toBe('tensor([   0,    1,    2,  ..., 1997, 1998, 1999])');
      expect(fl.zeros([2, 2, 2]).toString()).toBe('tensor([[[0., 0.],\n         [0., 0.]],\n\n        [[0., 0.],\n         [0., 0.]]])');
    });
  });
});

describe('lifetime and memory', () => {
  test('dispose frees storage when the last view goes; stats track bytes', () => {
    const s0 = fl.memory.stats();
    const a = fl.zeros([1024]);
    const v = a.reshape(32, 32);
    expect(fl.memory.stats().allocatedBytes - s0.allocatedBytes).toBe(4096);
    expect(fl.memory.stats().liveTensors - s0.liveTensors).toBe(2);
    a.dispose();
    expect(fl.memory.stats().allocatedBytes - s0.allocatedBytes).toBe(4096);  // the view keeps it
    expect(v.toArray()[31][31]).toBe(0);
    v.dispose();
    expect(fl.memory.stats().allocatedBytes).toBe(s0.allocatedBytes);
    expect(fl.memory.stats().peakAllocatedBytes).toBeGreaterThanOrEqual(s0.allocatedBytes + 4096);
    expect(() => a.add(1)).toThrow(fl.DisposedError);
  });

  test('large CPU blocks are cached for reuse, zeroed on request, and released by emptyCache', () => {
    const n = 1 << 19;  // 2 MiB of float32
    const s0 = fl.memory.stats();
    const a = fl.full([n], 7);
    a.dispose();
    const s1 = fl.memory.stats();
    expect(s1.cachedBytes).toBeGreaterThanOrEqual(n * 4);
    expect(s1.allocatedBytes).toBe(s0.allocatedBytes);
    const z = fl.zeros([n]);  // served from the cache: must still read as zeros
    expect(fl.memory.stats().cacheHits).toBe(s1.cacheHits + 1);
    const vals = z.dataSync();
    expect(vals.every((v: number) => v === 0)).toBe(true);
    z.dispose();
    fl.memory.emptyCache();
    expect(fl.memory.stats().cachedBytes).toBe(0);
    expect(fl.memory.stats().reservedBytes).toBe(fl.memory.stats().allocatedBytes);
  });

  test('scope disposes what it made except the result, nested and on throw', () => {
    const before = fl.memory.stats().liveTensors;
    const out = fl.scope(() => {
      const a = fl.ones([3]);
      const inner = fl.scope(() => a.mul(2).add(1));
      return { y: inner.mul(a), list: [fl.zeros([1])] };
    });
    expect(fl.memory.stats().liveTensors - before).toBe(2);
    expect(out.y.toArray()).toEqual([3, 3, 3]);
    out.y.dispose(); out.list[0].dispose();
    expect(() => fl.scope(() => { fl.ones([2]); throw new Error('boom'); })).toThrow('boom');
    expect(fl.memory.stats().liveTensors).toBe(before);
    let k: fl.Tensor | undefined;
    const kept = fl.scope(() => { k = fl.keep(fl.ones([1])); fl.ones([1]); return 1; });
    expect(kept).toBe(1);
    expect(fl.memory.stats().liveTensors).toBe(before + 1);
    expect(k!.toArray()).toEqual([1]);
    k!.dispose();
  });

  test('async scope tracks tensors across awaits', async () => {
    const before = fl.memory.stats().liveTensors;
    const r = await fl.scope(async () => {
      const a = fl.ones([4]);
      await new Promise((res) => setTimeout(res, 5));
      const b = a.add(1);
      return b;
    });
    expect(r.toArray()).toEqual([2, 2, 2, 2]);
    expect(fl.memory.stats().liveTensors).toBe(before + 1);
    r.dispose();
  });

  test('using disposes at the end of the block', () => {
    const before = fl.memory.stats().liveTensors;
    {
      const t = fl.ones([2]);
      t[Symbol.dispose]();
      expect(t.isDisposed).toBe(true);
    }
    expect(fl.memory.stats().liveTensors).toBe(before);
  });

  test('forgotten tensors are freed by the FinalizationRegistry (child process with --expose-gc)', () => {
    const root = path.resolve(__dirname, '..');
    const code = `
      const fl = require(${JSON.stringify(path.join(root, 'dist'))});
      const s0 = fl.memory.stats();
      (function () { for (let i = 0; i < 200; i++) fl.zeros([1024]); })();
      const s1 = fl.memory.stats();
      global.gc();
      setTimeout(() => { global.gc(); setTimeout(() => {
        const s2 = fl.memory.stats();
        console.log(JSON.stringify({ made: s1.liveTensors - s0.liveTensors, left: s2.liveTensors - s0.liveTensors, bytes: s2.allocatedBytes - s0.allocatedBytes }));
      }, 50); }, 50);`;
    const env = { ...process.env };
    if (env.FLINT_ADDON_PATH) env.FLINT_ADDON_PATH = path.resolve(env.FLINT_ADDON_PATH);
    const out = JSON.parse(execFileSync(process.execPath, ['--expose-gc', '-e', code], { env, encoding: 'utf8' }));
    expect(out.made).toBe(200);
    expect(out.left).toBeLessThan(20);
    expect(out.bytes).toBeLessThan(20 * 4096);
  });
});

describe('devices', () => {
  test('cuda is reported unavailable with a reason; asking for it throws BackendUnavailableError', () => {
    if (DEVICE !== 'cpu') return;
    expect(fl.cuda.isAvailable()).toBe(false);
    expect(fl.cuda.deviceCount()).toBe(0);
    expect(() => fl.zeros([2], { device: 'cuda' })).toThrow(fl.BackendUnavailableError);
    expect(() => fl.zeros([2], { device: 'cuda:1' })).toThrow(/cannot use device 'cuda:1'/);
    expect(() => fl.zeros([2], { device: 'tpu' })).toThrow(fl.DeviceError);
    fl.scope(() => expect(() => fl.ones([2]).to('cuda')).toThrow(fl.BackendUnavailableError));
  });
  test("to(device, dtype) and to(other), as torch's Tensor.to; nothing to change gives an alias", () => fl.scope(() => {
    const x = fl.tensor([1.5, 2, 3], dev);
    const y = x.to(DEVICE, 'float64');                       // torch: x.to(device, torch.float64)
    expect([y.dtype, y.device]).toEqual(['float64', x.device]);
    expect(Array.from(y.dataSync())).toEqual([1.5, 2, 3]);
    const like = fl.zeros([1], { dtype: 'int32', device: DEVICE });
    const z = x.to(like);                                    // torch: x.to(other): other's device and dtype
    expect([z.dtype, z.device]).toEqual(['int32', x.device]);
    expect(Array.from(z.dataSync())).toEqual([1, 2, 3]);
    const same = x.to(DEVICE, 'float32');                    // torch returns self: writes reach x
    same.add_(1);
    expect(Array.from(x.dataSync())).toEqual([2.5, 3, 4]);
    expect(() => x.to('float64', 'float32' as never)).toThrow(/to: a dtype as the second argument follows a device/);
    expect(() => x.to(DEVICE, 'float63' as never)).toThrow(fl.FlintError);
  }));
  test('errors are FlintErrors', () => {
    expect(new fl.ShapeError('x')).toBeInstanceOf(fl.FlintError);
    expect(new fl.ShapeError('x').name).toBe('ShapeError');
  });
});

describe("p.data = t (torch's set_data)", () => {
  test('the tensor keeps its identity, requiresGrad and .grad, and shares t\'s storage (no copy), as torch\'s', () => fl.scope(() => {
    // torch 1.13: p = ones(2, requires_grad=True); p.grad = tensor([5., 5.]); x = tensor([1., 2., 3.]); p.data = x; x[0] = 9
    //   -> p = tensor([9., 2., 3.], requires_grad=True), p.grad = tensor([5., 5.]), p.is_leaf True
    const p = fl.ones([2], { device: DEVICE }).requiresGrad_();
    p.grad = fl.keep(fl.tensor([5, 5], { dtype: 'float32', device: DEVICE }));
    const x = fl.tensor([1, 2, 3], { dtype: 'float32', device: DEVICE });
    const grad = p.grad;
    (p as any).data = x;
    fl.noGrad(() => x.select(0, 0).fill_(9));
    expect(p.toArray()).toEqual([9, 2, 3]);
    expect(p.requiresGrad && p.isLeaf).toBe(true);
    expect(p.grad).toBe(grad);
    expect(Array.from(p.grad!.dataSync())).toEqual([5, 5]);
    x.dispose();   // p still holds the storage
    expect(p.toArray()).toEqual([9, 2, 3]);
  }));
  test('reading .data still gives the async read; before, an assignment shadowed it and changed nothing, silently', async () => {
    const p = fl.ones([2], { device: DEVICE });
    const x = fl.zeros([2], { device: DEVICE });
    try {
      (p as any).data = x;
      expect(Object.prototype.hasOwnProperty.call(p, 'data')).toBe(false);
      expect(Array.from(await p.data())).toEqual([0, 0]);
      expect(Array.from(await x.data())).toEqual([0, 0]);
    } finally { p.dispose(); x.dispose(); }
  });
  test('refusals: not a tensor (torch: TypeError), integer data for a tensor that requires grad (torch: RuntimeError)', () => fl.scope(() => {
    const p = fl.ones([2], { device: DEVICE }).requiresGrad_();
    expect(() => { (p as any).data = 3; }).toThrow(/data: only a Tensor can be assigned to \.data .*got 3/);
    expect(() => { (p as any).data = fl.tensor([1, 2], { dtype: 'int32', device: DEVICE }); }).toThrow(fl.DTypeError);
    expect(p.toArray()).toEqual([1, 1]);
  }));
  test('a graph that saved the tensor refuses at backward after new data (torch would read the new values; never the stale ones silently)', () => fl.scope(() => {
    const q = fl.ones([2], { device: DEVICE }).requiresGrad_();
    const y = q.mul(q).sum();
    (q as any).data = fl.tensor([3, 3], { dtype: 'float32', device: DEVICE });
    expect(() => y.backward()).toThrow(/saved by mul was modified by an in-place operation/);
  }));
});

describe("reading p.data: torch's detached alias, and still the async read when called", () => {
  type AnyT = any;
  test("in-place writes through .data change the tensor, untracked (torch's w.data.fill_ / mul_ / copy_)", () => fl.scope(() => {
    // torch 1.13: w = ones(3, requires_grad=True); w.data.mul_(2); w.data[0] = 5 -> w = tensor([5., 2., 2.], requires_grad=True), w.is_leaf, w.grad_fn None
    const w = fl.ones([3], { device: DEVICE }).requiresGrad_();
    const r = (w as AnyT).data.mul_(2);
    expect(r).toBeInstanceOf(fl.Tensor);
    expect(r.requiresGrad).toBe(false);
    (w as AnyT).data.select(0, 0).fill_(5);
    expect(w.toArray()).toEqual([5, 2, 2]);
    expect(w.requiresGrad && w.isLeaf && w.gradFn === null).toBe(true);
    const q = fl.tensor([7, 8, 9], { dtype: 'float32', device: DEVICE });
    (w as AnyT).data.copy_((q as AnyT).data);
    expect(w.toArray()).toEqual([7, 8, 9]);
  }));
  test('members read through .data are those of a detached alias: shape, dtype, requiresGrad false, no grad', () => fl.scope(() => {
    const w = fl.ones([2, 3], { dtype: 'float64', device: DEVICE }).requiresGrad_();
    const d = (w as AnyT).data;
    expect(d.shape).toEqual([2, 3]);
    expect(d.dtype).toBe('float64');
    expect(d.device).toBe(w.device);
    expect(d.requiresGrad).toBe(false);
    expect(d.grad).toBe(null);
    expect(d).toBeInstanceOf(fl.Tensor);
    expect(d.sum().item()).toBe(6);
  }));
  test("as an operand (an RL soft update: target.data.copy_(tau * p.data + (1 - tau) * target.data)): no graph, the values torch gives", () => fl.scope(() => {
    // torch 1.13: p = tensor([1., 2.], requires_grad=True); t = tensor([3., 5.], requires_grad=True)
    //   t.data.copy_(0.25 * p.data + 0.75 * t.data) -> t = tensor([2.5000, 4.2500], requires_grad=True)
    const p = fl.tensor([1, 2], { dtype: 'float32', device: DEVICE }).requiresGrad_();
    const t = fl.tensor([3, 5], { dtype: 'float32', device: DEVICE }).requiresGrad_();
    const mix = fl.add(fl.mul((p as AnyT).data, 0.25), fl.mul((t as AnyT).data, 0.75));
    expect(mix.requiresGrad).toBe(false);
    (t as AnyT).data.copy_(mix);
    expect(t.toArray()).toEqual([2.5, 4.25]);
    expect(t.requiresGrad && t.isLeaf).toBe(true);
  }));
  test('nn.init-style weight init through .data, and the async read in the same expression form', async () => {
    const lin = new fl.nn.Linear(4, 3);
    try {
      fl.manualSeed(0);
      fl.scope(() => {   // the aliases .data makes belong to the scope (outside one, to the GC)
        (lin.weight as AnyT).data.normal_(0, 0.02);
        (lin.bias as AnyT).data.zero_();
      });
      const w = Array.from(await lin.weight.data());
      expect(w.length).toBe(12);
      expect(Math.max(...w.map(Math.abs))).toBeLessThan(0.2);
      expect(w.some((v) => v !== 0)).toBe(true);
      expect(Array.from(await lin.bias!.data())).toEqual([0, 0, 0]);
      expect(lin.weight.requiresGrad).toBe(true);
    } finally { lin.dispose?.(); }
  });
  test('a write through .data after a forward that saved the tensor is refused at backward, not read stale or new silently', () => fl.scope(() => {
    const w = fl.ones([2], { device: DEVICE }).requiresGrad_();
    const y = w.mul(w).sum();
    (w as AnyT).data.mul_(3);
    expect(() => y.backward()).toThrow(/saved by mul was modified by an in-place operation/);
  }));
  test('printing .data prints the tensor', () => fl.scope(() => {
    const w = fl.tensor([1, 2], { dtype: 'float32', device: DEVICE }).requiresGrad_();
    expect(require('util').inspect((w as AnyT).data)).toBe(fl.tensor([1, 2], { dtype: 'float32', device: DEVICE }).toString());
  }));
});
