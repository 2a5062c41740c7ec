// conv-winograd.test.ts — the CPU's Winograd F(m x m, 3x3) convolution (native/cpu/conv.cpp, winoConv:
// float32 3x3 kernels at stride 1, dilation 1, groups 1, any padding; conv2dForward and
// conv2dBackwardInput) and its weight gradient (winoWeightT; conv2dBackwardWeight), with F(2x2) and
// F(4x4) forced through convTuning.winogradCpu ('f2', 'f4') and the shape heuristic ('auto',
// winogradTile; the weight gradient takes its forward's tile) checked to take the tile it names.
// References: (1) a naive float64 convolution and input gradient written here; the allowed error is a
// multiple of float32's unit roundoff times the largest Σ|w||x| of an output (Σ|g||w| of an
// input-gradient element, Σ|g||x| of a weight-gradient element), the standard bound of a float sum, with the multiple stated per tile
// (F(4x4)'s transforms amplify rounding about 10x: winogradTile's comment has the measured errors); (2) the GEMM path
// (winogradCpu = 'off') for the bits the heuristic must reproduce and for non-finite inputs;
// (3) finite differences (fl.gradcheck, float64: the GEMM path) of the whole conv2d op, and the adjoint
// identities <conv(x, w), g> = <x, gx> = <w, gw> through the float32 Winograd kernels.
import * as fl from '../lib';
import { call, opId } from '../lib/native';
import { convTuning } from '../lib/ops/conv';
import { randomArray, roundTo } from './helpers';

type Mode = 'auto' | 'off' | 'f2' | 'f4';
interface Shape { name: string; xs: [number, number, number, number]; O: number; pad: [number, number] }
const sh = (name: string, xs: [number, number, number, number], O: number, pad: number | [number, number]): Shape =>
  ({ name, xs, O, pad: typeof pad === 'number' ? [pad, pad] : pad });

// odd sizes, padding 0..3 (3: the input gradient's padding 2 - 3 = -1 crops), batch 1..4, 1..64
// channels, images that the 2x2 and 4x4 tiles do not divide, tile rows wider than the kernels' 16 lanes
const SHAPES: Shape[] = [
  sh('1 channel, 5x5, padding 1', [1, 1, 5, 5], 1, 1),
  sh('3 -> 4, 7x9, no padding', [2, 3, 7, 9], 4, 0),
  sh('5 -> 2, 11x6, padding 2, batch 3', [3, 5, 11, 6], 2, 2),
  sh('8 -> 7, 9x13, padding 1, batch 4', [4, 8, 9, 13], 7, 1),
  sh('16 -> 12, 18x17 (4x4 tiles overhang)', [1, 16, 18, 17], 12, 1),
  sh('32 -> 9, 21x35, no padding (two lane groups per tile row)', [2, 32, 21, 35], 9, 0),
  sh('64 -> 5, 10x70, padding 1 (three lane groups per tile row at 2x2)', [1, 64, 10, 70], 5, 1),
  sh('6 -> 3, 4x5, padding 3', [2, 6, 4, 5], 3, 3),
  sh('2 -> 2, 3x3, no padding (one output pixel)', [1, 2, 3, 3], 2, 0),
  sh('12 -> 8, 66x8, padding 1 (tall)', [2, 12, 66, 8], 8, 1),
  sh('4 -> 6, 8x10, padding [0, 2]', [2, 4, 8, 10], 6, [0, 2]),
];

const outSize = (n: number, p: number): number => n + 2 * p - 2;

interface Ref { y: number[]; ya: number[]; gx: number[]; gxa: number[]; gw: number[]; gwa: number[] }
/** Naive float64: y = conv(x, w), gx and gw = the input and weight gradients of sum(y * g); with each element's Σ|terms|. */
function reference(s: Shape, x: number[], w: number[], g: number[]): Ref {
  const [N, C, H, W] = s.xs, O = s.O, [ph, pw] = s.pad, Ho = outSize(H, ph), Wo = outSize(W, pw);
  const y = new Array<number>(N * O * Ho * Wo).fill(0), ya = y.slice();
  const gx = new Array<number>(x.length).fill(0), gxa = gx.slice();
  const gw = new Array<number>(w.length).fill(0), gwa = gw.slice();
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let i = 0; i < Ho; i++) for (let j = 0; j < Wo; j++) {
    const yi = ((n * O + o) * Ho + i) * Wo + j;
    let acc = 0, mag = 0;
    for (let c = 0; c < C; c++) for (let a = 0; a < 3; a++) for (let e = 0; e < 3; e++) {
      const h = i - ph + a, q = j - pw + e;
      if (h < 0 || h >= H || q < 0 || q >= W) continue;
      const xi = ((n * C + c) * H + h) * W + q, wi = ((o * C + c) * 3 + a) * 3 + e;
      acc += x[xi] * w[wi]; mag += Math.abs(x[xi] * w[wi]);
      gx[xi] += g[yi] * w[wi]; gxa[xi] += Math.abs(g[yi] * w[wi]);
      gw[wi] += g[yi] * x[xi]; gwa[wi] += Math.abs(g[yi] * x[xi]);
    }
    y[yi] = acc; ya[yi] = mag;
  }
  return { y, ya, gx, gxa, gw, gwa };
}

function inputs(s: Shape, seed: number): { x: number[]; w: number[]; g: number[] } {
  const [N, C, H, W] = s.xs, L = outSize(H, s.pad[0]) * outSize(W, s.pad[1]);
  const he = Math.sqrt(2 / (9 * C));  // He-init scale: outputs of order 1, as in a trained network
  return {
    x: roundTo(randomArray(N * C * H * W, seed, -1, 1), 'float32'),
    w: roundTo(randomArray(s.O * C * 9, seed + 1, -he, he), 'float32'),
    g: roundTo(randomArray(N * s.O * L, seed + 2, -1, 1), 'float32'),
  };
}

interface Got { y: Float32Array; gx: Float32Array; gw: Float32Array; gb: Float32Array | null }
/** conv2d forward, input, weight (and bias) gradients (of sum(y * g)) in float32 under a Winograd mode. */
function run(s: Shape, mode: Mode, x: number[], w: number[], g: number[], bias?: number[]): Got {
  const was = convTuning.winogradCpu;
  convTuning.winogradCpu = mode;
  try {
    return fl.scope(() => {
      const xt = fl.tensor(x, { dtype: 'float32' }).reshape(s.xs).requiresGrad_();
      const wt = fl.tensor(w, { dtype: 'float32' }).reshape([s.O, s.xs[1], 3, 3]).requiresGrad_();
      const bt = bias ? fl.tensor(bias, { dtype: 'float32' }).requiresGrad_() : null;
      const y = fl.nn.conv2d(xt, wt, bt, { padding: s.pad });
      y.backward(fl.tensor(g, { dtype: 'float32' }).reshape(y.shape));
      return { y: y.dataSync() as Float32Array, gx: xt.grad!.dataSync() as Float32Array, gw: wt.grad!.dataSync() as Float32Array,
        gb: bt ? bt.grad!.dataSync() as Float32Array : null };
    });
  } finally { convTuning.winogradCpu = was; }
}

const U32 = 2 ** -24;  // float32's unit roundoff
// |error| <= K * u * max Σ|terms|. A float sum's worst-case bound is n u (n = 9*Cin terms), its typical
// error ~sqrt(n) u. Measured worst ratios over the shapes below (outputs and input gradients): the
// GEMM path (winogradCpu 'off') 2.4, F(2x2) 1.6, F(4x4) 29 (the 64x64 batch). Allowed: F(2x2) 8,
// over 3x the GEMM path's own; F(4x4) 64, about 2x its measured worst (its transforms' rounding is
// ~10x the GEMM path's: the accepted price of its speed, see winogradTile).
const K: Record<'f2' | 'f4', number> = { f2: 8, f4: 64 };
// The weight gradient (N*Ho*Wo terms per element), measured worst ratios over the shapes below: the
// GEMM path 1.5, F(2x2) 1.7, F(4x4) 10.3. Allowed: F(2x2) 8, F(4x4) 32 (about 3x its measured worst).
const KW: Record<'f2' | 'f4', number> = { f2: 8, f4: 32 };

// The worst |error| in units of u * Σ|terms|, Σ|terms| taken as the largest over the tensor: a
// Winograd output's rounding comes from its whole tile's transformed values, not from its own terms
// only (an output at a padded corner, with few terms, shares the error of its tile's inner ones).
function worstRatio(got: ArrayLike<number>, want: number[], mag: number[]): number {
  let worst = 0;
  const scale = U32 * mag.reduce((a, v) => Math.max(a, v), 0) + 1e-30;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / scale);
  return worst;
}

describe('Winograd conv2d (float32, 3x3, stride 1) vs a naive float64 convolution', () => {
  const cases = SHAPES.flatMap((s) => (['f2', 'f4'] as const).map((m) => [s.name, m, s] as const));
  test.each(cases)('%s, %s: forward, input and weight gradients', (_n, mode, s) => {
    const { x, w, g } = inputs(s, 3);
    const r = reference(s, x, w, g);
    const got = run(s, mode, x, w, g);
    expect(got.y.length).toBe(r.y.length);
    expect(got.gx.length).toBe(r.gx.length);
    expect(got.gw.length).toBe(r.gw.length);
    expect(worstRatio(got.y, r.y, r.ya)).toBeLessThanOrEqual(K[mode]);
    expect(worstRatio(got.gx, r.gx, r.gxa)).toBeLessThanOrEqual(K[mode]);
    expect(worstRatio(got.gw, r.gw, r.gwa)).toBeLessThanOrEqual(KW[mode]);
  });
  test('with a bias, on a 4-image batch with several blocks of tiles (F(4x4): 4 x 256 tiles)', () => {
    const s = sh('blocks', [4, 8, 64, 64], 8, 1);
    const { x, w, g } = inputs(s, 5);
    const b = roundTo(randomArray(8, 6, -1, 1), 'float32');
    const r = reference(s, x, w, g);
    const got = run(s, 'f4', x, w, g, b);
    const L = 64 * 64;
    const yb = r.y.map((v, i) => v + b[Math.floor(i / L) % 8]), yba = r.ya.map((v, i) => v + Math.abs(b[Math.floor(i / L) % 8]));
    expect(worstRatio(got.y, yb, yba)).toBeLessThanOrEqual(K.f4);
    expect(worstRatio(got.gx, r.gx, r.gxa)).toBeLessThanOrEqual(K.f4);
    expect(worstRatio(got.gw, r.gw, r.gwa)).toBeLessThanOrEqual(KW.f4);
    // the bias gradient: Σ of g per channel, in double (naive float64 sum here)
    const gb = Array.from({ length: 8 }, (_, o) => { let t = 0; for (let n = 0; n < 4; n++) for (let i = 0; i < L; i++) t += g[(n * 8 + o) * L + i]; return t; });
    got.gb!.forEach((v, o) => expect(Math.abs(v - gb[o])).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(gb[o]))));
  });
  // weight gradients whose tiles fill several blocks and parts (winoWeightT: blocks of up to 256
  // tiles, in up to 8 parts summed apart), and a batch of 16 14x14 planes (F(2x2): 49 tiles per image)
  test.each([
    ['F(2x2), 4 x 66x66 (33x33 tiles), 4 -> 3: 25 blocks in 8 parts', sh('parts', [4, 4, 66, 66], 3, 1), 'f2'],
    ['F(4x4), 9 x 33x33 (9x9 tiles), 4 -> 3: 3 blocks, 3 parts', sh('parts4', [9, 4, 33, 33], 3, 1), 'f4'],
    ['F(2x2), 16 x 14x14, 8 -> 8', sh('b16', [16, 8, 14, 14], 8, 1), 'f2'],
  ] as const)('weight gradient over several parts: %s', (_n, s, mode) => {
    const { x, w, g } = inputs(s, 7);
    const r = reference(s, x, w, g);
    const got = run(s, mode, x, w, g);
    expect(worstRatio(got.gw, r.gw, r.gwa)).toBeLessThanOrEqual(KW[mode]);
  });
});

describe('Winograd conv2d: the path taken, determinism, non-finite inputs', () => {
  const same = (a: Float32Array, b: Float32Array): boolean => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
  // the heuristic's tiles (winogradTile): F(4x4) from 16x16 planes, F(2x2) from 4x4, none under 8
  // channels a side or 4 pixels; for the input gradient the plane is the input's and the channels swap
  test.each([
    ['20x20, 16 -> 16: F(4x4) both ways', sh('a', [2, 16, 20, 20], 16, 1), 'f4', 'f4'],
    ['9x9, 16 -> 16: F(2x2) both ways', sh('b', [2, 16, 9, 9], 16, 1), 'f2', 'f2'],
    ['18x18 without padding (16x16 output), 8 -> 12: F(4x4) both ways', sh('c', [1, 8, 18, 18], 12, 0), 'f4', 'f4'],
    ['17x17 without padding (15x15 output): F(2x2) forward, F(4x4) input gradient (17x17)', sh('d', [1, 8, 17, 17], 8, 0), 'f2', 'f4'],
    ['4 input channels: the GEMM path both ways (the input gradient has 4 output channels)', sh('e', [2, 4, 20, 20], 16, 1), 'off', 'off'],
    ['3x3 output planes: the GEMM path', sh('f', [2, 16, 3, 3], 16, 1), 'off', 'off'],
  ] as const)('%s', (_n, s, fwd, bwd) => {
    const { x, w, g } = inputs(s, 11);
    const auto = run(s, 'auto', x, w, g), off = run(s, 'off', x, w, g);
    const f = fwd === 'off' ? off : run(s, fwd, x, w, g), b = bwd === 'off' ? off : run(s, bwd, x, w, g);
    expect(same(auto.y, f.y)).toBe(true);
    expect(same(auto.gx, b.gx)).toBe(true);
    // the weight gradient takes the forward's tile (winogradTile of the forward's problem)
    expect(same(auto.gw, f.gw)).toBe(true);
    // and the Winograd results are not the GEMM path's bits (the comparison above would prove nothing)
    if (fwd !== 'off') expect(same(f.y, off.y)).toBe(false);
    if (bwd !== 'off') expect(same(b.gx, off.gx)).toBe(false);
    if (fwd !== 'off') expect(same(f.gw, off.gw)).toBe(false);
    // convTuning.winogradWgradCpu = false (bench/conv.js's before): the weight gradient alone on the GEMM path
    convTuning.winogradWgradCpu = false;
    try {
      const nw = run(s, 'auto', x, w, g);
      expect(same(nw.gw, off.gw)).toBe(true);
      expect(same(nw.y, auto.y) && same(nw.gx, auto.gx)).toBe(true);
    } finally { convTuning.winogradWgradCpu = true; }
  });
  test('the same bits on every run and at 1 or 2 threads (several blocks; one block whose GEMMs split over the pool)', () => {
    const saved = fl.backend.info().threads;
    try {
      for (const [s, mode] of [[sh('blocks', [4, 8, 64, 64], 8, 1), 'f4'], [sh('one', [1, 24, 12, 14], 40, 1), 'f2']] as const) {
        const { x, w, g } = inputs(s, 21);
        fl.backend.setNumThreads(2);
        const a = run(s, mode, x, w, g), a2 = run(s, mode, x, w, g);
        fl.backend.setNumThreads(1);
        const one = run(s, mode, x, w, g);
        for (const r of [a2, one]) {
          expect(same(r.y, a.y)).toBe(true);
          expect(same(r.gx, a.gx)).toBe(true);
          expect(same(r.gw, a.gw)).toBe(true);
        }
      }
    } finally { fl.backend.setNumThreads(saved); }
  });
  test.each(['f2', 'f4'] as const)('NaN and Inf inputs are non-finite exactly where the GEMM path\'s outputs are (%s)', (mode) => {
    const s = sh('nan', [1, 8, 19, 21], 4, 1);
    const { x, w, g } = inputs(s, 31);
    x[3 * 19 * 21 + 7 * 21 + 9] = NaN;  // channel 3, (7, 9)
    x[5 * 19 * 21 + 15 * 21 + 2] = Infinity;
    x[0 * 19 * 21 + 0 * 21 + 20] = -Infinity;
    const got = run(s, mode, x, w, g), off = run(s, 'off', x, w, g);
    let nonFinite = 0;
    for (const [p, q] of [[got.y, off.y], [got.gx, off.gx], [got.gw, off.gw]]) {
      for (let i = 0; i < p.length; i++) {
        expect(Number.isNaN(p[i])).toBe(Number.isNaN(q[i]));
        if (!Number.isFinite(q[i])) { nonFinite++; expect(p[i]).toBe(q[i]); } else expect(Math.abs(p[i] - q[i])).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(q[i])));
      }
    }
    expect(nonFinite).toBeGreaterThan(0);
  });
});

describe('Winograd conv2d: gradients', () => {
  test('gradcheck (float64, finite differences) of the whole conv2d op at 3x3 stride 1 still passes', () => {
    fl.scope(() => {
      const x = fl.tensor(randomArray(2 * 3 * 6 * 5, 41, -1, 1), { dtype: 'float64' }).reshape([2, 3, 6, 5]).requiresGrad_();
      const w = fl.tensor(randomArray(4 * 3 * 9, 42, -1, 1), { dtype: 'float64' }).reshape([4, 3, 3, 3]).requiresGrad_();
      const b = fl.tensor(randomArray(4, 43, -1, 1), { dtype: 'float64' }).requiresGrad_();
      expect(fl.gradcheck((a, q, r) => fl.nn.conv2d(a, q, r, { padding: 1 }), [x, w, b])).toBe(true);
    });
  });
  test.each(['f2', 'f4'] as const)('the float32 Winograd gradients are adjoints of the forward: <conv(x, w), g> = <x, gx> = <w, gw> (%s)', (mode) => {
    const s = sh('adj', [2, 16, 13, 22], 10, 1);
    const { x, w, g } = inputs(s, 51);
    const { y, gx, gw } = run(s, mode, x, w, g);
    let lhs = 0, rhs = 0, rhw = 0, mag = 0;
    for (let i = 0; i < y.length; i++) { lhs += y[i] * g[i]; mag += Math.abs(y[i] * g[i]); }
    for (let i = 0; i < gx.length; i++) rhs += x[i] * gx[i];
    for (let i = 0; i < gw.length; i++) rhw += w[i] * gw[i];
    expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-5 * mag);
    expect(Math.abs(lhs - rhw)).toBeLessThanOrEqual(1e-5 * mag);
  });
});

describe('Winograd conv2d: bad operands', () => {
  test('a Winograd mode other than 0, 1, 2, 4 is a ValueError naming the op', () => {
    fl.scope(() => {
      const FWD = opId('conv2dForward'), BWD = opId('conv2dBackwardInput');
      const params = [3, 3, 1, 1, 1, 1, 1, 1, 4, 4, 1, 1, 1];  // kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo, pb, pr, groups
      const x = fl.zeros([1, 2, 4, 4]), w = fl.zeros([3, 2, 3, 3]);
      expect(() => call(FWD, 'conv2dForward', [fl.empty([1, 3, 4, 4]), x, w], [...params, 3])).toThrow(fl.ValueError);
      expect(() => call(FWD, 'conv2dForward', [fl.empty([1, 3, 4, 4]), x, w], [...params, 3])).toThrow(/conv2dForward: Winograd mode must be 0, 1, 2 or 4, got 3/);
      expect(() => call(BWD, 'conv2dBackwardInput', [fl.empty([1, 2, 4, 4]), fl.zeros([1, 3, 4, 4]), w], [...params, -1])).toThrow(/conv2dBackwardInput: Winograd mode/);
      // through conv2d: a convTuning value that names no mode reaches the same check
      expect(() => { convTuning.winogradCpu = 'f3' as unknown as 'f2'; try { fl.nn.conv2d(x, w, null, { padding: 1 }); } finally { convTuning.winogradCpu = 'auto'; } }).toThrow(fl.ValueError);
    });
  });
});
