// vmath.test.ts — core/vmath.h, the branch-free float exp, tanh, sigmoid and erf of the CPU loops:
// their error against float64 over dense sweeps (every k-th float of the range: ~130k points per
// function), libm's special values, the same bits from every ISA copy of the loop (baseline, AVX2,
// AVX-512: the test addon runs each one this CPU has), and that the public float32 ops on the CPU
// are exactly these functions on the ISA the CPU has. Tolerances (ulp of the float64 value
// rounded to float32; below 2^-126 the subnormal spacing): exp 1.5, tanh 2, sigmoid 3, erf 3 (the
// measured maxima are 0.95, 1.3, 2.5 and 2.5: core/vmath.h).
import { execFileSync } from 'child_process';
import * as path from 'path';
import * as fl from '../lib';
import { erf } from './optable';
import { testAddon } from './test-addon';

type Fn = 'exp' | 'tanh' | 'sigmoid' | 'erf';
const ulp = (v: number): number => (v === 0 || !Number.isFinite(v) ? 2 ** -149 : 2 ** Math.max(Math.floor(Math.log2(Math.abs(v))) - 23, -149));
const bitsOf = (v: number): number => new Uint32Array(new Float32Array([v]).buffer)[0];
const floatOf = (b: number): number => new Float32Array(new Uint32Array([b]).buffer)[0];

// [fn, float64 reference, |x| range swept, max ulp]
const CASES: [Fn, (x: number) => number, number, number][] = [
  ['exp', Math.exp, 110, 1.5],
  ['tanh', Math.tanh, 20, 2],
  // below -88.72 exp(-x) overflows: the result is 0 (as libm's 1 / (1 + expf(-x))), not the subnormal
  ['sigmoid', (x) => 1 / (1 + Math.exp(-x)), 88, 3],
  ['erf', erf, 10, 3],
];

/** Runs `code` in a child node with FLINT_CPU_ISA set to `isa` (null: unset); parses its JSON output. */
function childWithIsa<R>(code: string, isa: string | null): R {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.FLINT_CPU_ISA;
  if (isa !== null) env.FLINT_CPU_ISA = isa;
  if (env.FLINT_ADDON_PATH) env.FLINT_ADDON_PATH = path.resolve(env.FLINT_ADDON_PATH);
  return JSON.parse(execFileSync(process.execPath, ['-e', code], { env, encoding: 'utf8' })) as R;
}

/** ~2^16 floats of each sign evenly spaced in bit pattern over [0, limit], plus the special values. */
function sweep(limit: number): Float32Array {
  const top = bitsOf(limit), step = Math.max(1, Math.floor(top / 2 ** 16));
  const out: number[] = [0, -0, Infinity, -Infinity, NaN, 2 ** -149, -(2 ** -149), 2 ** -126, -(2 ** -126)];
  for (let b = 0; b <= top; b += step) { const v = floatOf(b); out.push(v, -v); }
  // exp's overflow and underflow edges (88.7228317 is the last finite result) and the branch points
  for (const v of [88.72283172607422, 88.72283935546875, 87.33654, 103.972, 104, 0.625, 1, 4, 3.92]) {
    for (const d of [-2, -1, 0, 1, 2]) { const w = Math.fround(v * (1 + d * 2 ** -23)); if (w <= limit) out.push(w, -w); }
  }
  return new Float32Array(out);
}

function check(fn: Fn, ref: (x: number) => number, xs: Float32Array, got: Float32Array, maxUlp: number): string[] {
  const bad: string[] = [];
  let worst = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i], g = got[i], want = ref(x), w32 = Math.fround(want);
    let ok: boolean;
    if (Number.isNaN(want)) ok = Number.isNaN(g);
    else if (!Number.isFinite(w32)) ok = g === w32;
    else if (x === 0 && (fn === 'tanh' || fn === 'erf')) ok = Object.is(g, x);  // ±0 keep their sign
    else if (want === 0) ok = Object.is(g, 0);
    else { const e = Math.abs(g - want) / ulp(want); worst = Math.max(worst, e); ok = e <= maxUlp; }
    if (!ok && bad.length < 5) bad.push(`${fn}(${x}) = ${g}, want ${want}`);
  }
  if (worst > maxUlp) bad.push(`${fn}: max error ${worst} ulp > ${maxUlp}`);
  return bad;
}

describe('core/vmath.h float functions', () => {
  const addon = testAddon();
  test.each(CASES)('%s: within the stated ulp of float64 over a dense sweep, the same bits on every ISA copy', (fn, ref, limit, maxUlp) => {
    const xs = sweep(limit);
    const base = addon._vmath(fn, 'base', xs);
    expect(base).not.toBeNull();
    expect(check(fn, ref, xs, base as Float32Array, maxUlp)).toEqual([]);
    const baseBits = new Uint32Array((base as Float32Array).buffer);
    for (const isa of ['avx2', 'avx512'] as const) {
      const y = addon._vmath(fn, isa, xs);
      if (y === null) continue;  // this CPU has no such ISA
      const bits = new Uint32Array(y.buffer);
      let diff = -1;
      for (let i = 0; i < bits.length && diff < 0; i++) if (bits[i] !== baseBits[i] && !(Number.isNaN(y[i]) && Number.isNaN(base![i]))) diff = i;
      expect(diff < 0 ? 'same' : `${isa} differs at x=${xs[diff]}: ${y[diff]} vs ${base![diff]}`).toBe('same');
    }
  });

  test('special values are libm\'s', () => {
    const x = new Float32Array([0, -0, Infinity, -Infinity, NaN, 2 ** -149, -(2 ** -149), 88.72283172607422, 88.72283935546875, -104, -87.33654]);
    const r = (fn: Fn) => Array.from(addon._vmath(fn, 'base', x) as Float32Array);
    expect(r('exp').slice(0, 7)).toEqual([1, 1, Infinity, 0, NaN, 1, 1]);
    expect(Number.isFinite(r('exp')[7]) && r('exp')[8]).toBe(Infinity);
    expect(r('exp')[9]).toBe(0);
    expect(r('exp')[10]).toBeGreaterThan(0);
    expect(r('exp')[10]).toBeLessThan(2 ** -126 * 1.0001);  // a subnormal-edge result, not flushed
    const tanh = r('tanh'), erfv = r('erf'), sig = r('sigmoid');
    expect([Object.is(tanh[0], 0), Object.is(tanh[1], -0), Object.is(erfv[0], 0), Object.is(erfv[1], -0)]).toEqual([true, true, true, true]);
    expect([tanh[2], tanh[3], erfv[2], erfv[3], sig[2], sig[3], sig[0]]).toEqual([1, -1, 1, -1, 1, 0, 0.5]);
    expect([tanh[4], erfv[4], sig[4]].every(Number.isNaN)).toBe(true);
    expect([tanh[5], erfv[5] > 0, tanh[6]]).toEqual([2 ** -149, true, -(2 ** -149)]);  // tanh(x) = x for subnormal x
  });

  test('the float32 CPU ops are these functions on the ISA the CPU has', () => {  // CPU tensors on any test device
    const isa = addon._vmathIsa() as 'base' | 'avx2' | 'avx512';
    expect(['base', 'avx2', 'avx512']).toContain(isa);
    fl.scope(() => {
      const xs = sweep(20);
      const ops: [Fn, (t: fl.Tensor) => fl.Tensor][] = [['exp', fl.exp], ['tanh', fl.tanh], ['sigmoid', fl.sigmoid], ['erf', fl.erf]];
      for (const [fn, op] of ops) {
        const want = new Uint32Array((addon._vmath(fn, isa, xs) as Float32Array).buffer);
        const got = new Uint32Array(new Float32Array(op(fl.tensor(xs, { dtype: 'float32', device: 'cpu' })).dataSync()).buffer);
        let diff = -1;
        for (let i = 0; i < got.length && diff < 0; i++) if (got[i] !== want[i] && !Number.isNaN(xs[i])) diff = i;
        expect(diff < 0 ? `${fn} same` : `${fn} differs at x=${xs[diff]}`).toBe(`${fn} same`);
      }
    });
  });

  test('the row kernels compiled per ISA (softmax, logSoftmax, layerNorm and their gradients) give the same bits on every ISA', () => {
    // vm::runVec compiles a whole row loop once per ISA; their partial sums are fixed lanes, so
    // the copies must agree to the bit. Row widths cover a vector tail (70) and the attention's 64.
    const dist = path.resolve(__dirname, '..', 'dist');
    const code = `const fl = require(${JSON.stringify(dist)}); const crypto = require('crypto');
      fl.manualSeed(7);
      const h = crypto.createHash('sha256');
      const put = (t) => h.update(Buffer.from(t.contiguous().dataSync().buffer));
      for (const n of [64, 70, 1000]) {
        const x = fl.randn([37, n], { requiresGrad: true }).mul(3).detach().requiresGrad_(true), g = fl.randn([37, n]);
        const w = fl.randn([n], { requiresGrad: true }), b = fl.randn([n], { requiresGrad: true });
        for (const f of [(v) => fl.softmax(v, -1), (v) => fl.logSoftmax(v, -1), (v) => fl.nn.functional.layerNorm(v, [n], w, b), (v) => fl.nn.functional.layerNorm(v, [n])]) {
          const y = f(x); put(y); y.backward(g); put(x.grad); x.grad = null;
          if (w.grad) { put(w.grad); put(b.grad); w.grad = null; b.grad = null; }
        }
      }
      console.log(JSON.stringify({ isa: fl.backend.info().cpuIsa, hash: h.digest('hex') }));`;
    const runWith = (v: string | null) => childWithIsa<{ isa: string; hash: string }>(code, v);
    const runs = [runWith('base'), runWith('avx2'), runWith(null)];
    expect(runs[0].isa).toBe('base');
    for (const r of runs.slice(1)) expect(`${r.isa}: ${r.hash}`).toBe(`${r.isa}: ${runs[0].hash}`);
  });

  test('backend.info() names the ISA; FLINT_CPU_ISA caps it, and a value that is not one of the three is reported, not applied', () => {
    const dist = path.resolve(__dirname, '..', 'dist');
    const code = `const fl = require(${JSON.stringify(dist)}); const i = fl.backend.info(); console.log(JSON.stringify({ isa: i.cpuIsa, note: i.cpuIsaNote }));`;
    const runWith = (v: string | null) => childWithIsa<{ isa: string; note: string }>(code, v);
    const plain = runWith(null);
    expect(plain.note).toBe('');
    if (process.env.FLINT_CPU_ISA === undefined) expect(plain.isa).toBe(addon._vmathIsa());
    expect(runWith('base')).toEqual({ isa: 'base', note: '' });
    const bad = runWith('avx1024');
    expect(bad.isa).toBe(plain.isa);
    expect(bad.note).toBe('FLINT_CPU_ISA=avx1024 is not one of base, avx2, avx512: ignored');
  });
});
