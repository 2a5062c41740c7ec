// properties.test.ts — fast-check properties over random shapes and layouts: broadcasting
// against an index-mapping reference, and bad input from plain JavaScript (random junk for every
// argument of many ops) always giving a FlintError, never a crash or another error type.
import fc from 'fast-check';
import * as fl from '../lib';
import { DEVICE, unravel } from './helpers';

const dev = { device: DEVICE };

/** Two shapes that broadcast: start from an output shape and knock dims down to 1 or drop leading ones. */
const broadcastPair = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 }).chain((out) =>
  fc.tuple(
    fc.constant(out),
    fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
    fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
    fc.integer({ min: 0, max: out.length }),
  ).map(([o, ma, mb, drop]) => {
    const a = o.map((s, i) => (ma[i] ? 1 : s));
    const b = o.map((s, i) => (mb[i] ? 1 : s)).slice(drop);
    // the broadcast result: per dim the larger of the two (1 only where both are 1)
    const out = a.map((s, i) => (i < drop ? s : Math.max(s, b[i - drop])));
    return { out, a, b };
  }));

describe('broadcasting', () => {
  test('add/mul/where of broadcast operands match index mapping (property)', () => {
    fc.assert(fc.property(broadcastPair, fc.boolean(), ({ out, a, b }, transposeA) => fl.scope(() => {
      const na = a.reduce((x, y) => x * y, 1), nb = b.reduce((x, y) => x * y, 1);
      let ta = fl.arange(na, undefined, 1, { dtype: 'float64', ...dev }).reshape(a);
      // optionally feed a non-contiguous view with the same logical values
      if (transposeA && a.length >= 2) ta = ta.transpose(0, 1).contiguous().transpose(0, 1);
      const tb = fl.arange(nb, undefined, 1, { dtype: 'float64', ...dev }).mul(10).reshape(b);
      const y = fl.add(ta, fl.mul(tb, 1));
      expect(y.shape).toEqual(out);
      const got = Array.from(y.dataSync());
      const bOff = out.length - b.length;
      const ref = got.map((_, i) => {
        const idx = unravel(i, out);
        const ia = idx.reduce((acc, v, d) => acc * a[d] + (a[d] === 1 ? 0 : v), 0);
        const ib = idx.slice(bOff).reduce((acc, v, d) => acc * b[d] + (b[d] === 1 ? 0 : v), 0);
        return ia + 10 * ib;
      });
      expect(got).toEqual(ref);
      const w = fl.where(fl.gt(ta, 0), ta, tb);
      expect(w.shape).toEqual(out);
    })), { numRuns: 120 });
  });

  test('incompatible shapes always give ShapeError naming both shapes (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 5 }), fc.integer({ min: 2, max: 5 }), (m, n) => {
      fc.pre(m !== n);
      fl.scope(() => {
        expect(() => fl.mul(fl.zeros([3, m], dev), fl.zeros([n], dev))).toThrow(new RegExp(`mul: shapes \\[3, ${m}\\] and \\[${n}\\]`));
      });
    }));
  });
});

describe('bad input from plain JavaScript never escapes as a crash', () => {
  const junk = fc.oneof(
    fc.constant(undefined), fc.constant(null), fc.constant(NaN), fc.constant(Infinity), fc.constant(-1),
    fc.constant(1e12), fc.constant(0.5), fc.string({ maxLength: 3 }), fc.constant({}), fc.constant([[1], [2, 3]]),
    fc.constant([-1, 2]), fc.constant(() => 1), fc.constant(Symbol('s')), fc.integer({ min: -3, max: 3 }),
  );
  const ops: [string, (x: fl.Tensor, j: any) => unknown][] = [
    ['zeros', (_x, j) => fl.zeros(j)], ['full', (_x, j) => fl.full([2], j)], ['tensor', (_x, j) => fl.tensor(j)],
    ['add', (x, j) => fl.add(x, j)], ['reshape', (x, j) => x.reshape(j)], ['permute', (x, j) => x.permute(j)],
    ['transpose', (x, j) => x.transpose(j, 0)], ['narrow', (x, j) => x.narrow(0, j, 1)], ['select', (x, j) => x.select(j, 0)],
    ['slice', (x, j) => x.slice(0, j, 2, j)], ['expand', (x, j) => x.expand(j)], ['cat', (x, j) => fl.cat([x, j])],
    ['split', (x, j) => x.split(j)], ['to', (x, j) => x.to(j)], ['clamp', (x, j) => x.clamp(j, j)],
    ['matmul', (x, j) => fl.matmul(x, j)], ['sum', (x, j) => (fl as any).sum(x, j)], ['gather', (x, j) => (fl as any).gather(x, 0, j)],
    ['softmax', (x, j) => (fl as any).softmax(x, j)], ['sort', (x, j) => (fl as any).sort(x, j)], ['arange', (_x, j) => fl.arange(j)],
    ['randn', (_x, j) => (fl as any).randn(j)], ['index', (x, j) => x.index(j)], ['where', (x, j) => fl.where(j, x, x)],
  ];
  test('every op either works or throws a FlintError (property)', () => {
    fc.assert(fc.property(fc.constantFrom(...ops), junk, ([, op], j) => fl.scope(() => {
      const x = fl.arange(6, undefined, 1, { dtype: 'float32', ...dev }).reshape(2, 3);
      try {
        const r = op(x, j);
        if (r instanceof fl.Tensor) r.dispose();
      } catch (e) {
        if (!(e instanceof fl.FlintError)) throw new Error(`non-Flint error for junk ${String(j)}: ${(e as Error)?.stack}`);
      }
    })), { numRuns: 400 });
  });
});
