// cuda-graphs.test.ts — CUDA graphs (lib/graphs.ts): capture, replay, reset, the private memory
// pool, and the CaptureError of everything a graph cannot hold. On a GPU (FLINT_TEST_DEVICE=cuda,
// and in `npm test` on the CPU emulation of the driver, test/emu, which records captured work and
// replays it) the references are the same work run eagerly: a replayed training step must give the
// parameters of the eager steps bit for bit (same kernels, same order, float32). On the CPU project
// (no GPU) it checks that graphs refuse to start without a GPU backend, naming why.
import * as fl from '../lib';
import { DEVICE, randomArray } from './helpers';

const onGpu = DEVICE.startsWith('cuda');
const dev = 'cuda';

if (!onGpu) {
  describe('without a GPU', () => {
    test('CUDAGraph, graph and makeGraphedCallable need a GPU backend and say why', () => {
      expect(() => new fl.cuda.CUDAGraph()).toThrow(fl.BackendUnavailableError);
      expect(() => new fl.cuda.CUDAGraph()).toThrow(/cuda\.CUDAGraph: CUDA graphs need a GPU backend/);
      expect(() => fl.cuda.makeGraphedCallable((x) => x, [])).toThrow(fl.BackendUnavailableError);
      expect(fl.cuda.isCurrentStreamCapturing()).toBe(false);
    });
    test('graph() checks its arguments before looking for a GPU', () => {
      expect(() => fl.cuda.graph({} as fl.CUDAGraph, () => 1)).toThrow(fl.ValueError);
      expect(() => (fl.cuda.graph as (...a: unknown[]) => unknown)({}, () => 1, {}, 7)).toThrow(/takes 3 positional arguments/);
    });
    test('CaptureError is a FlintError', () => {
      expect(new fl.CaptureError('x')).toBeInstanceOf(fl.FlintError);
    });
  });
} else {
  afterEach(() => {
    expect(fl.cuda.isCurrentStreamCapturing()).toBe(false);
    fl.cuda.synchronize();
  });

  /** Bits of a float32 tensor, for exact comparison (NaN-safe). */
  function bits(t: fl.Tensor): number[] {
    return Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));
  }

  function mlp(seed: number): fl.nn.Sequential {
    fl.manualSeed(seed);
    return new fl.nn.Sequential(new fl.nn.Linear(6, 16), new fl.nn.Tanh(), new fl.nn.Linear(16, 3)).to(dev);
  }

  describe('capture and replay', () => {
    test('a captured MLP training step (forward, loss, backward, SGD with momentum) replayed N times gives the N eager steps\' parameters bit for bit', () => {
      const steps = 6, warm = 2, B = 5;
      const batches = Array.from({ length: steps }, (_, i) => [randomArray(B * 6, 100 + i), randomArray(B * 3, 200 + i)]);
      const eager = mlp(7), graphed = mlp(7);
      const optE = new fl.optim.SGD(eager.parameters(), { lr: 0.05, momentum: 0.9, weightDecay: 1e-3 });
      const optG = new fl.optim.SGD(graphed.parameters(), { lr: 0.05, momentum: 0.9, weightDecay: 1e-3 });
      const step = (m: fl.nn.Module, opt: fl.optim.SGD, x: fl.Tensor, y: fl.Tensor): fl.Tensor => {
        opt.zeroGrad();
        const loss = fl.scope(() => {
          const l = fl.nn.functional.mseLoss(m.forward(x), y);
          l.backward();
          return l.detach();
        });
        opt.step();
        return loss;
      };
      // the reference: every step eager
      const eagerLosses: number[][] = [];
      for (const [xs, ys] of batches) {
        fl.scope(() => {
          const loss = step(eager, optE, fl.tensor(xs).reshape(B, 6).to(dev), fl.tensor(ys).reshape(B, 3).to(dev));
          eagerLosses.push(bits(loss));
        });
      }
      // graphed: static inputs, warm-up steps on a side stream, capture, replays
      const sx = fl.zeros([B, 6], { device: dev }), sy = fl.zeros([B, 3], { device: dev });
      const graphLosses: number[][] = [];
      const side = new fl.cuda.Stream();
      side.waitStream(fl.cuda.currentStream());
      fl.cuda.withStream(side, () => {
        for (let i = 0; i < warm; i++) {
          fl.scope(() => {
            sx.copy_(fl.tensor(batches[i][0]).reshape(B, 6).to(dev));
            sy.copy_(fl.tensor(batches[i][1]).reshape(B, 3).to(dev));
            graphLosses.push(bits(step(graphed, optG, sx, sy)));
          });
        }
      });
      fl.cuda.currentStream().waitStream(side);
      const g = new fl.cuda.CUDAGraph();
      const staticLoss = fl.cuda.graph(g, () => step(graphed, optG, sx, sy));
      expect(g.captured).toBe(true);
      for (let i = warm; i < steps; i++) {
        fl.scope(() => {
          sx.copy_(fl.tensor(batches[i][0]).reshape(B, 6).to(dev));
          sy.copy_(fl.tensor(batches[i][1]).reshape(B, 3).to(dev));
        });
        g.replay();
        graphLosses.push(bits(staticLoss));
      }
      expect(graphLosses).toEqual(eagerLosses);
      const pe = eager.parameters(), pg = graphed.parameters();
      expect(pg.length).toBe(pe.length);
      for (let i = 0; i < pe.length; i++) {
        expect(bits(pg[i])).toEqual(bits(pe[i]));
        expect(bits(pg[i].grad!)).toEqual(bits(pe[i].grad!));
      }
      // and the replays really moved the parameters (the test would not pass with a no-op replay)
      const first = mlp(7).parameters();
      expect(bits(pg[0])).not.toEqual(bits(first[0]));
      for (const p of first) p.dispose();
      staticLoss.dispose();
      g.reset();
      side.destroy();
      for (const m of [eager, graphed]) for (const p of m.parameters()) { p.grad?.dispose(); p.grad = null; }
      optE.dispose(); optG.dispose();
      for (const t of [sx, sy, ...eager.parameters(), ...graphed.parameters(), ...eager.buffers(), ...graphed.buffers()]) t.dispose();
    });

    test('replay after copy_ of new inputs uses the new values; a strided view input and several outputs', () => {
      const x = fl.scope(() => fl.tensor([1, 2, 3, 4, 5, 6], { device: dev }).reshape(2, 3));
      const g = new fl.cuda.CUDAGraph();
      const [a, b] = fl.cuda.graph(g, () => fl.scope(() => [x.transpose(0, 1).mul(2).add(1), x.sum(1)]));
      // nothing ran during the capture: the outputs hold whatever the pool had (not the results)
      g.replay();
      expect(a.toArray()).toEqual([[3, 9], [5, 11], [7, 13]]);
      expect(b.toArray()).toEqual([6, 15]);
      fl.scope(() => x.copy_(fl.tensor([[10, 20, 30], [-1, -2, -3]]).to(dev)));
      g.replay();
      expect(a.toArray()).toEqual([[21, -1], [41, -3], [61, -5]]);
      expect(b.toArray()).toEqual([60, -6]);
      // replays queue in stream order with eager work around them
      for (let i = 0; i < 3; i++) { fl.scope(() => x.add_(1)); g.replay(); }
      expect(b.toArray()).toEqual([69, 3]);
      a.dispose(); b.dispose(); x.dispose();
      g.reset();
      expect(g.captured).toBe(false);
      expect(() => g.replay()).toThrow(/holds no capture/);
    });

    test('a captured GPT block forward equals the eager forward', () => {
      // the block of examples/gpt.js (pre-norm attention and GELU MLP), in eval mode
      const { Block } = require('../examples/gpt.js')(fl) as { Block: new (d: number, h: number, ctx: number) => fl.nn.Module };
      fl.manualSeed(3);
      const block = fl.noGrad(() => new Block(16, 2, 8).to(dev));
      block.eval();
      const B = 2, T = 8, D = 16;
      const inputs = [randomArray(B * T * D, 11), randomArray(B * T * D, 12)];
      const sx = fl.zeros([B, T, D], { device: dev });
      const g = new fl.cuda.CUDAGraph();
      const out = fl.noGrad(() => fl.cuda.graph(g, () => fl.scope(() => block.forward(sx))));
      for (const v of inputs) {
        fl.scope(() => {
          const x = fl.tensor(v).reshape(B, T, D).to(dev);
          sx.copy_(x);
          g.replay();
          const ref = fl.noGrad(() => block.forward(x));
          expect(bits(out)).toEqual(bits(ref));
        });
      }
      out.dispose(); g.reset(); sx.dispose();
      for (const t of [...block.parameters(), ...block.buffers()]) t.dispose();
    });

    test('makeGraphedCallable replays fn on each call\'s inputs (forward only)', () => {
      fl.manualSeed(5);
      const lin = new fl.nn.Linear(4, 3).to(dev);
      const sample = fl.zeros([2, 4], { device: dev });
      const f = fl.cuda.makeGraphedCallable((x: fl.Tensor) => fl.relu(lin.forward(x)), [sample]);
      sample.dispose();  // the callable keeps its own copy
      for (const seed of [1, 2]) {
        fl.scope(() => {
          const x = fl.tensor(randomArray(8, seed)).reshape(2, 4).to(dev);
          const y = f(x) as fl.Tensor;
          fl.cuda.synchronize();
          const ref = fl.noGrad(() => fl.relu(lin.forward(x)));
          expect(bits(y)).toEqual(bits(ref));
          expect(y.requiresGrad).toBe(false);
        });
      }
      fl.scope(() => expect(() => f(fl.zeros([3, 4], { device: dev }))).toThrow(/captured for float32 \[2, 4\]/));
      f.dispose();
      fl.scope(() => expect(() => f(fl.zeros([2, 4], { device: dev }))).toThrow(/disposed/));
      for (const p of lin.parameters()) p.dispose();
    });
  });

  describe('memory', () => {
    test('tensors made during the capture keep their memory; stats return to baseline after reset()', () => {
      const x = fl.ones([64, 64], { device: dev });
      fl.cuda.synchronize();
      const before = fl.memory.allocatorStats(0);
      const g = new fl.cuda.CUDAGraph();
      const y = fl.cuda.graph(g, () => fl.scope(() => {
        // temporaries freed inside the capture: their blocks may be reused by the capture itself
        const t = x.mul(3).add(1);
        return t.sum(0).add(t.amax(0));
      }));
      const during = fl.memory.allocatorStats(0);
      expect(during.reservedBytes).toBeGreaterThan(before.reservedBytes);  // the private pool's segment
      g.replay();
      expect(Array.from(y.dataSync()).slice(0, 3)).toEqual([64 * 4 + 4, 64 * 4 + 4, 64 * 4 + 4]);
      // eager work after the capture never lands in the graph's memory
      const z = fl.scope(() => x.mul(5));
      g.replay();
      expect(Array.from(y.dataSync()).slice(0, 2)).toEqual([260, 260]);
      expect(Array.from(z.dataSync()).slice(0, 2)).toEqual([5, 5]);
      z.dispose();
      y.dispose();
      g.reset();
      const after = fl.memory.allocatorStats(0);
      expect(after.allocatedBytes).toBe(before.allocatedBytes);
      expect(after.reservedBytes).toBe(before.reservedBytes);
      x.dispose();
    });
  });

  describe('what a graph cannot hold', () => {
    // each case: the op inside the capture, and the error it must give
    // a CPU tensor made before the capture
    let cpu: fl.Tensor;
    beforeAll(() => { cpu = fl.ones([4]); });
    afterAll(() => cpu.dispose());
    const cases: [string, (x: fl.Tensor) => unknown, RegExp][] = [
      ['item()', (x) => x.sum().item(), /item: a host read cannot be captured/],
      ['dataSync()', (x) => x.dataSync(), /dataSync: a host read cannot be captured/],
      ['toArray()', (x) => x.toArray(), /toArray: a host read/],
      ['to(cpu)', (x) => x.to('cpu'), /to: a copy from cuda:0 to cpu/],
      ['a CPU tensor moved in', (x) => x.add(cpu.to(dev)), /to: a copy from cpu to cuda:0/],
      ['an op on CPU tensors', () => cpu.add(1), /add: an op on CPU tensors inside CUDA graph capture/],
      ['a CPU tensor made inside', () => fl.ones([3]), /ones: an op on CPU tensors/],
      ['cuda.synchronize()', () => fl.cuda.synchronize(), /cuda\.synchronize\(\) cannot be captured/],
      ['stream.synchronize()', () => fl.cuda.currentStream().synchronize(), /stream\.synchronize\(\) cannot be captured/],
      ['a random op', (x) => fl.randLike(x), /rand: a random op/],
      ['dropout in training mode', (x) => fl.nn.functional.dropout(x, 0.5, true), /a random op/],
      ['an allocation on another stream', (x) => fl.cuda.withStream(new fl.cuda.Stream(), () => x.mul(2)), /outside the graph's private pool/],
      ['a pinned allocation', () => fl.empty([4], { pinned: true }), /pinned host allocation cannot be captured/],
      ['a nested capture', () => fl.cuda.graph(new fl.cuda.CUDAGraph(), () => 1), /already in progress/],
      ['an async function', async () => 1, /returned a Promise/],
    ];
    test.each(cases)('%s throws CaptureError naming it, abandons the capture, and the next eager op works', async (_name, fn, message) => {
      const x = fl.ones([4], { device: dev });
      const g = new fl.cuda.CUDAGraph();
      fl.memory.emptyCache('cuda');
      const before = fl.memory.allocatorStats(0);
      let thrown: unknown;
      try {
        // x.mul(1): a tensor of the private pool is alive when the capture is abandoned
        fl.cuda.graph(g, () => fl.scope(() => fn(x.mul(1))));
      } catch (e) { thrown = e; }
      expect(thrown).toBeInstanceOf(fl.CaptureError);
      expect(String((thrown as Error).message)).toMatch(message);
      expect(g.captured).toBe(false);
      expect(fl.cuda.isCurrentStreamCapturing()).toBe(false);
      expect(fl.cuda.currentStream().id).toBe(0);
      // the pool was released and the process goes on: eager ops, reads, a new capture
      await new Promise((resolve) => setImmediate(resolve));  // an async fn's scope ends when its promise settles
      fl.memory.emptyCache('cuda');
      const after = fl.memory.allocatorStats(0);
      expect([after.allocatedBytes, after.reservedBytes]).toEqual([before.allocatedBytes, before.reservedBytes]);
      expect(fl.scope(() => x.add(2).toArray())).toEqual([3, 3, 3, 3]);
      const y = fl.cuda.graph(g, () => x.mul(4));
      g.replay();
      expect(y.toArray()).toEqual([4, 4, 4, 4]);
      y.dispose(); g.reset(); x.dispose();
    });

    test('an Adam step is refused (its bias corrections depend on the host step count)', () => {
      const p = fl.ones([3], { device: dev, requiresGrad: true });
      const opt = new fl.optim.AdamW([p]);
      fl.scope(() => p.mul(2).sum().backward());
      opt.step();
      const g = new fl.cuda.CUDAGraph();
      expect(() => fl.cuda.graph(g, () => opt.step())).toThrow(/AdamW\.step: an optimizer step whose bias corrections/);
      expect(g.captured).toBe(false);
      opt.dispose(); p.grad?.dispose(); p.grad = null; p.dispose();
    });

    test('a kernel error inside a replay is reported at the next synchronization, naming the op', () => {
      const x = fl.tensor([1, 2, 3], { device: dev });
      const idx = fl.tensor([0, 1], { dtype: 'int32', device: dev });
      const g = new fl.cuda.CUDAGraph();
      const y = fl.cuda.graph(g, () => fl.indexSelect(x, 0, idx));
      g.replay();
      expect(y.toArray()).toEqual([1, 2]);
      fl.scope(() => idx.copy_(fl.tensor([0, 7], { dtype: 'int32' }).to(dev)));
      g.replay();
      expect(() => fl.cuda.synchronize()).toThrow(fl.IndexError);
      // the error words were read and cleared: the graph replays cleanly again
      fl.scope(() => idx.copy_(fl.tensor([2, 0], { dtype: 'int32' }).to(dev)));
      g.replay();
      expect(y.toArray()).toEqual([3, 1]);
      y.dispose(); g.reset(); x.dispose(); idx.dispose();
    });
  });
}
