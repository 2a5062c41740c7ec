// linalg-eig.test.ts — fl.linalg.eig and fl.linalg.eigvals (general, non-symmetric matrices).
// References: PyTorch 1.13 golden values (float64 unless said; test/golden/linalg_eig.json, made by
// scripts/golden/linalg_eig.py, which also says how each matrix and loss is built), float64 identities
// computed here (‖A V − V diag(L)‖, unit-norm vectors) and finite differences (fl.gradcheck).
// What is compared, and why: eigenvalues in torch's order (LAPACK geev's: the Schur form's diagonal)
// where our Schur form reproduces it (the golden matrices below), as sets (nearest match) for the large
// random ones, where LAPACK's balancing and deflation could order them differently; eigenvectors up to
// a unit phase factor (torch pins the phase only up to the sign of the largest component for real input)
// and, for complex input, with zgeev's largest-component-real-positive rule exactly; gradients of
// phase-invariant losses, the only ones torch accepts. The tests run on DEVICE (the CPU or the emulated GPU).
import * as fs from 'fs';
import * as path from 'path';
import * as fl from '../lib';
import { DEVICE } from './helpers';

type Pair = [unknown, unknown];
const G = JSON.parse(fs.readFileSync(path.join(__dirname, 'golden', 'linalg_eig.json'), 'utf8')) as Record<string, { L: Pair; V: Pair; g?: unknown; gvals?: unknown }>;
const flat = (x: unknown): number[] => (typeof x === 'number' ? [x] : (x as unknown[]).flatMap(flat));

const real = (v: unknown, dtype: fl.DType = 'float64'): fl.Tensor => fl.tensor(v as number[], { dtype, device: DEVICE });
const cx = (p: Pair): fl.Tensor => fl.complex(real(p[0]), real(p[1]));
/** The matrices scripts/golden/linalg_eig.py builds: sin(1.3 i + 0.7 j + k) + cos(0.4 i j). */
const det = (n: number, k: number): number[][] => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Math.sin(1.3 * i + 0.7 * j + k) + Math.cos(0.4 * i * j)));

/** A complex tensor's parts, as numbers. */
function parts(z: fl.Tensor): { re: number[]; im: number[] } {
  const d = z.contiguous().dataSync() as unknown as ArrayLike<number>;
  const re: number[] = [], im: number[] = [];
  for (let i = 0; i < d.length; i += 2) { re.push(d[i]); im.push(d[i + 1]); }
  return { re, im };
}

/** For each of torch's eigenvalues (batched [..., n]), the index of the nearest unused one of ours. */
function nearest(L: fl.Tensor, g: Pair, n: number): number[][] {
  const { re, im } = parts(L), gr = flat(g[0]), gi = flat(g[1]);
  expect(re.length).toBe(gr.length);
  const out: number[][] = [];
  for (let b = 0; b < re.length / n; b++) {
    const used = new Array<boolean>(n).fill(false), p: number[] = [];
    for (let i = b * n; i < (b + 1) * n; i++) {
      let best = -1, bd = Infinity;
      for (let j = 0; j < n; j++) {
        const d = Math.hypot(re[b * n + j] - gr[i], im[b * n + j] - gi[i]);
        if (!used[j] && d < bd) { bd = d; best = j; }
      }
      used[best] = true; p.push(best);
    }
    out.push(p);
  }
  return out;
}

/** L [..., n] and V [..., n, n] reordered (differentiably) into torch's order of the eigenvalues. */
function torchOrder(L: fl.Tensor, V: fl.Tensor | null, g: Pair): [fl.Tensor, fl.Tensor | null] {
  const n = L.shape[L.ndim - 1], perm = nearest(L, g, n);
  if (L.ndim === 1) {
    const idx = fl.tensor(perm[0], { dtype: 'int32', device: DEVICE });
    return [fl.indexSelect(L, 0, idx), V ? fl.indexSelect(V, 1, idx) : null];
  }
  const idx = fl.tensor(perm, { dtype: 'int32', device: DEVICE });
  return [fl.gather(L, 1, idx), V ? fl.gather(V, 2, fl.expand(fl.unsqueeze(idx, 1), [perm.length, n, n])) : null];
}

/** Eigenvalues equal to the golden ones as a set (each of torch's matched to the nearest unused one). */
function expectValueSet(L: fl.Tensor, g: Pair, tol: number): void {
  const [Lp] = torchOrder(L, null, g);
  const { re, im } = parts(Lp), gr = flat(g[0]), gi = flat(g[1]);
  for (let i = 0; i < re.length; i++) {
    if (!(Math.hypot(re[i] - gr[i], im[i] - gi[i]) <= tol * (1 + Math.hypot(gr[i], gi[i])))) {
      throw new Error(`eigenvalue ${i}: got ${re[i]}${im[i] >= 0 ? '+' : ''}${im[i]}i, torch ${gr[i]}${gi[i] >= 0 ? '+' : ''}${gi[i]}i`);
    }
  }
}

/** Eigenvectors (columns of n×n matrices, batched) equal to the golden ones up to a unit phase each. */
function expectVectors(V: fl.Tensor, g: Pair, n: number, tol: number, exactPhase = false): void {
  const { re, im } = parts(V), gr = flat(g[0]), gi = flat(g[1]);
  expect(re.length).toBe(gr.length);
  for (let b = 0; b < re.length / (n * n); b++) {
    for (let k = 0; k < n; k++) {
      // phase = <torch, ours> / |…|
      let pr = 0, pi = 0;
      for (let i = 0; i < n; i++) {
        const o = b * n * n + i * n + k;
        pr += gr[o] * re[o] + gi[o] * im[o]; pi += gr[o] * im[o] - gi[o] * re[o];
      }
      const pm = Math.hypot(pr, pi);
      const [cr, ci] = exactPhase ? [1, 0] : [pr / pm, pi / pm];
      for (let i = 0; i < n; i++) {
        const o = b * n * n + i * n + k;
        const er = gr[o] * cr - gi[o] * ci, ei = gr[o] * ci + gi[o] * cr;
        if (!(Math.hypot(re[o] - er, im[o] - ei) <= tol)) throw new Error(`batch ${b} vector ${k} component ${i}: got ${re[o]}+${im[o]}i, torch (phase-aligned) ${er}+${ei}i`);
      }
    }
  }
}

/** max |A V − V diag(L)| / ‖A‖ in float64 on the host, and max | ‖v_k‖ − 1 |. */
function residual(A: number[][], L: fl.Tensor, V: fl.Tensor): [number, number] {
  const n = A.length, l = parts(L), v = parts(V);
  let worst = 0, norm = 0, unit = 0;
  for (const row of A) for (const a of row) norm = Math.max(norm, Math.abs(a));
  for (let k = 0; k < n; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      let ar = 0, ai = 0;
      for (let j = 0; j < n; j++) { ar += A[i][j] * v.re[j * n + k]; ai += A[i][j] * v.im[j * n + k]; }
      const xr = v.re[i * n + k], xi = v.im[i * n + k];
      ar -= l.re[k] * xr - l.im[k] * xi; ai -= l.re[k] * xi + l.im[k] * xr;
      worst = Math.max(worst, Math.hypot(ar, ai));
      s += xr * xr + xi * xi;
    }
    unit = Math.max(unit, Math.abs(Math.sqrt(s) - 1));
  }
  return [worst / norm, unit];
}

/** scripts/golden/linalg_eig.py's phase-invariant loss: sum(|V|²·W) + sum(Re L·c1 + Im L·c2). */
function loss(L: fl.Tensor, V: fl.Tensor | null, n: number): fl.Tensor {
  const c1 = fl.arange(1, n + 1, { dtype: 'float64', device: DEVICE });
  const c2 = fl.sub(0.5, fl.div(fl.arange(0, n, { dtype: 'float64', device: DEVICE }), n));
  let out = fl.add(fl.sum(fl.mul(fl.real(L), c1)), fl.sum(fl.mul(fl.imag(L), c2)));
  if (V) {
    const W = fl.div(fl.arange(1, n * n + 1, { dtype: 'float64', device: DEVICE }), n * n).reshape(n, n);
    out = fl.add(out, fl.sum(fl.mul(fl.abs(V).pow(2), W)));
  }
  return out;
}

function expectReal(t: fl.Tensor, g: unknown, tol: number): void {
  const got = Array.from(t.dataSync() as ArrayLike<number>), want = flat(g);
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) if (!(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])))) throw new Error(`element ${i}: got ${got[i]}, torch ${want[i]}`);
}

describe('linalg.eig / linalg.eigvals', () => {
  test('real matrices with complex pairs: torch values, vectors up to phase, conjugate pairs', () => fl.scope(() => {
    for (const name of ['pairs', 'rot']) {
      const g = G[name], n = flat(g.L[0]).length;
      const [L, V] = fl.linalg.eig(real(inputOf(name)));
      expect(L.dtype).toBe('complex128'); expect(V.dtype).toBe('complex128');
      expect(L.shape).toEqual([n]); expect(V.shape).toEqual([n, n]);
      expectValueSet(L, g.L, 1e-12);
      expectVectors(torchOrder(L, V, g.L)[1]!, g.V, n, 1e-10);
      const { eigenvalues, eigenvectors } = fl.linalg.eig(real(inputOf(name)));
      expectValueSet(eigenvalues, g.L, 1e-12); expect(eigenvectors.shape).toEqual([n, n]);
      // a pair is exactly conjugate, positive imaginary part first, with conjugate vectors (dgeev)
      const l = parts(L), v = parts(V);
      let pairs = 0;
      for (let k = 0; k < n; k++) {
        if (l.im[k] <= 0) continue;
        pairs++;
        expect(l.re[k + 1]).toBe(l.re[k]); expect(l.im[k + 1]).toBe(-l.im[k]);
        for (let i = 0; i < n; i++) { expect(v.re[i * n + k + 1]).toBe(v.re[i * n + k]); expect(v.im[i * n + k + 1]).toBe(-v.im[i * n + k]); }
      }
      expect(pairs).toBe(1);
      // eigvals: linalg.eig's eigenvalues, in the same order
      expect(parts(fl.linalg.eigvals(real(inputOf(name))))).toEqual(l);
    }
  }));

  test('gradients of a phase-invariant loss: torch goldens (eig and eigvals, real input)', () => fl.scope(() => {
    for (const name of ['pairs', 'rot']) {
      const g = G[name], n = flat(g.L[0]).length;
      const A = real(inputOf(name)).requiresGrad_();
      const [L, V] = torchOrder(...fl.linalg.eig(A), g.L);
      loss(L, V, n).backward();
      expect(A.grad!.dtype).toBe('float64');
      expectReal(A.grad!, g.g, 1e-9);
      const B = real(inputOf(name)).requiresGrad_();
      loss(torchOrder(fl.linalg.eigvals(B), null, g.L)[0], null, n).backward();
      expectReal(B.grad!, g.gvals, 1e-10);
    }
  }));

  test('finite differences: gradcheck of eigvals and of a phase-invariant function of eig', () => fl.scope(() => {
    const A = real(inputOf('pairs')).requiresGrad_();
    fl.gradcheck((a: fl.Tensor) => { const L = fl.linalg.eigvals(a); return fl.add(fl.real(L), fl.mul(fl.imag(L), 2)); }, [A]);
    fl.gradcheck((a: fl.Tensor) => { const [, V] = fl.linalg.eig(a); return fl.abs(V); }, [A]);
    // complex input, through its parts (finite differences need real inputs)
    const [zr, zi] = inputOfComplex().map((p) => real(p).requiresGrad_());
    fl.gradcheck((re: fl.Tensor, im: fl.Tensor) => { const [L, V] = fl.linalg.eig(fl.complex(re, im)); return [fl.viewAsReal(L), fl.abs(V)]; }, [zr, zi]);
  }));

  test('complex input: torch values, zgeev-normalized vectors, gradients', () => fl.scope(() => {
    const g = G.complex, n = 3;
    const [L, V] = fl.linalg.eig(cx(inputOfComplex()));
    expect(L.dtype).toBe('complex128');
    expectValueSet(L, g.L, 1e-12);
    // zgeev's normalization pins the phase: the largest component is real and positive
    expectVectors(torchOrder(L, V, g.L)[1]!, g.V, n, 1e-10, true);
    const Ag = cx(inputOfComplex()).requiresGrad_();
    const [L2, V2] = torchOrder(...fl.linalg.eig(Ag), g.L);
    loss(L2, V2, n).backward();
    const gr = parts(Ag.grad!);
    expectReal(real(gr.re), (g.g as Pair)[0], 1e-9); expectReal(real(gr.im), (g.g as Pair)[1], 1e-9);
    const Bg = cx(inputOfComplex()).requiresGrad_();
    loss(torchOrder(fl.linalg.eigvals(Bg), null, g.L)[0], null, n).backward();
    const gv = parts(Bg.grad!);
    expectReal(real(gv.re), (g.gvals as Pair)[0], 1e-10); expectReal(real(gv.im), (g.gvals as Pair)[1], 1e-10);
  }));

  test('batches, float32 (complex64 out), repeated eigenvalues', () => fl.scope(() => {
    const b = G.batch;
    const A = real([det(3, 0), det(3, 1)]).requiresGrad_();
    const [L, V] = torchOrder(...fl.linalg.eig(A), b.L);
    expect(L.shape).toEqual([2, 3]); expect(V!.shape).toEqual([2, 3, 3]);
    expectValueSet(L, b.L, 1e-12); expectVectors(V!, b.V, 3, 1e-10);
    fl.add(loss(fl.select(L, 0, 0), fl.select(V!, 0, 0), 3), loss(fl.select(L, 0, 1), fl.select(V!, 0, 1), 3)).backward();
    expectReal(A.grad!, b.g, 1e-9);
    const f = G.f32;
    const [L32, V32] = fl.linalg.eig(real(det(5, 2), 'float32'));
    expect(L32.dtype).toBe('complex64'); expect(V32.dtype).toBe('complex64');
    expectValueSet(L32, f.L, 1e-5); expectVectors(torchOrder(L32, V32, f.L)[1]!, f.V, 5, 1e-5);
    // defective: [[2, 1, 0], [0, 2, 0], [0, 0, 3]] (no gradient: torch's would be infinite)
    const d = G.defective;
    const [Ld, Vd] = fl.linalg.eig(real([[2, 1, 0], [0, 2, 0], [0, 0, 3]]));
    expectValueSet(Ld, d.L, 1e-12); expectVectors(torchOrder(Ld, Vd, d.L)[1]!, d.V, 3, 1e-7);
  }));

  test('A V = V diag(L) on 8×8 and 30×30 matrices; eigenvalues as torch\'s set', () => fl.scope(() => {
    for (const n of [8, 30]) {
      const M = det(n, 0.5);
      const [L, V] = fl.linalg.eig(real(M));
      const [res, unit] = residual(M, L, V);
      expect(res).toBeLessThan(1e-12 * n); expect(unit).toBeLessThan(1e-12);
      expectValueSet(L, G[`det${n}`].L, 1e-10);
      expectValueSet(fl.linalg.eigvals(real(M)), G[`det${n}`].L, 1e-10);
      // a complex matrix: M + i·Mᵀ/2
      const Z = fl.complex(real(M), fl.mul(real(M).t(), 0.5));
      const [Lz, Vz] = fl.linalg.eig(Z);
      const zr = parts(Z), zv = parts(Vz), zl = parts(Lz);
      let worst = 0;
      for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) {
        let ar = 0, ai = 0;
        for (let j = 0; j < n; j++) {
          const a = zr.re[i * n + j], b = zr.im[i * n + j], x = zv.re[j * n + k], y = zv.im[j * n + k];
          ar += a * x - b * y; ai += a * y + b * x;
        }
        const x = zv.re[i * n + k], y = zv.im[i * n + k];
        worst = Math.max(worst, Math.hypot(ar - (zl.re[k] * x - zl.im[k] * y), ai - (zl.re[k] * y + zl.im[k] * x)));
      }
      expect(worst).toBeLessThan(1e-11 * n);
    }
  }));

  test('empty and 1×1 matrices', () => fl.scope(() => {
    const [L0, V0] = fl.linalg.eig(fl.zeros([0, 0], { dtype: 'float32', device: DEVICE }));
    expect(L0.shape).toEqual([0]); expect(V0.shape).toEqual([0, 0]); expect(L0.dtype).toBe('complex64');
    const [Lb, Vb] = fl.linalg.eig(fl.zeros([2, 0, 0], { dtype: 'float64', device: DEVICE }));
    expect(Lb.shape).toEqual([2, 0]); expect(Vb.shape).toEqual([2, 0, 0]);
    expect(fl.linalg.eigvals(fl.zeros([0, 3, 3], { device: DEVICE })).shape).toEqual([0, 3]);
    const [L1, V1] = fl.linalg.eig(real([[-3]]));
    expect(parts(L1)).toEqual({ re: [-3], im: [0] }); expect(parts(V1)).toEqual({ re: [1], im: [0] });
    const A = real([[2.5]]).requiresGrad_();
    const [L, V] = fl.linalg.eig(A);
    loss(L, V, 1).backward();
    expectReal(A.grad!, [[1]], 1e-12);
    expect(L0.device.toString()).toBe(fl.zeros([1], { device: DEVICE }).device.toString());
  }));

  test('typed errors: non-square, 1-D, integer and half dtypes, NaN/inf, a phase-dependent loss', () => fl.scope(() => {
    expect(() => fl.linalg.eig(fl.ones([2, 3], { device: DEVICE }))).toThrow(fl.ShapeError);
    expect(() => fl.linalg.eig(fl.ones([2, 3], { device: DEVICE }))).toThrow(/linalg\.eig: A must be batches of square matrices, but they are 2 by 3/);
    expect(() => fl.linalg.eigvals(fl.ones([3], { device: DEVICE }))).toThrow(fl.ShapeError);
    expect(() => fl.linalg.eig(fl.ones([2, 2], { dtype: 'int32', device: DEVICE }))).toThrow(fl.DTypeError);
    expect(() => fl.linalg.eigvals(fl.ones([2, 2], { dtype: 'float16', device: DEVICE }))).toThrow(fl.DTypeError);
    expect(() => fl.linalg.eig(real([[NaN, 1], [1, 1]]))).toThrow(fl.ValueError);
    expect(() => fl.linalg.eigvals(real([[Infinity, 1], [1, 1]]))).toThrow(/should not contain infs or NaNs/);
    expect(() => (fl.linalg.eig as any)(real([[1]]), 2)).toThrow();
    // torch: "The eigenvectors in the complex case are specified up to multiplication by e^{i phi}"
    const A = real(inputOf('pairs')).requiresGrad_();
    const [, V] = fl.linalg.eig(A);
    expect(() => fl.sum(fl.real(V)).backward()).toThrow(/specified up to multiplication by e\^\{i phi\}/);
  }));
});

/** The golden inputs (scripts/golden/linalg_eig.py). */
function inputOf(name: string): number[][] {
  if (name === 'pairs') return [[1, 2, 0.5, 3], [-2, 1, 4, 0], [0.3, -1, 2, 1], [5, 0, 1, -1]];
  if (name === 'rot') return [[0, -1, 0], [1, 0, 0], [0, 0, 2]];
  throw new Error(name);
}
function inputOfComplex(): Pair {
  return [[[1, 2, 3], [4, 5, 6], [7, 8, 10]], [[0, -1, 0], [1, 0, 0.5], [0, 0, 2]]];
}
