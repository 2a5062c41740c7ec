/**
 * @jest-environment ./test/onnx-environment.js
 */
// onnx-coverage2.test.ts — fl.onnx.export of the elementwise ops whose mappings are compositions
// (lib/ops/onnx-special.ts, each the `onnx` of its elementwise row): the bitwise ops and shifts (int32, uint8, bool), erfinv, lgamma, digamma.
// Each case exports a small function with a dynamic batch, runs the file in onnxruntime-node (an
// independent implementation of every ONNX operator) at the traced batch and at batch + 1, and
// compares with flintml's own outputs: integer and bool outputs exactly; float32 within 1e-5
// relative to max(1, |want|), float64 within 1e-9 (±inf and NaN must match). The inputs hold the
// edge values on purpose (INT_MIN/INT_MAX, shift counts outside [0, width), ±0, the poles of Γ, ±1
// for erfinv), each row rotated so that the second batch holds a row the trace never saw.
// What stays refused is asserted at the end (an OnnxExportError naming the op).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fl from '../lib';
import { decodeModel } from '../lib/onnx/proto';
import { DEVICE } from './helpers';

interface OrtValue { data: ArrayLike<number | bigint | boolean>; dims: readonly number[]; type: string }
interface Session { run(feeds: Record<string, unknown>): Promise<Record<string, OrtValue>> }

// eslint-disable-next-line @typescript-eslint/no-var-requires
const ort = require('onnxruntime-node') as {
  InferenceSession: { create(p: string): Promise<Session> };
  Tensor: new (type: string, data: ArrayLike<number | boolean> | Uint8Array, dims: readonly number[]) => unknown;
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-onnx-cov2-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

class Fn extends fl.nn.Module {
  constructor(private readonly f: (...xs: fl.Tensor[]) => unknown) { super(); }
  forward(...xs: fl.Tensor[]): unknown { return this.f(...xs); }
}
const fn = (f: (...xs: fl.Tensor[]) => unknown): fl.nn.Module => new Fn(f);
const dev = { device: DEVICE };
type Input = (b: number) => fl.Tensor;
/** [b, n]: row i is `values` rotated by i (so batch b + 1 adds a row of its own). */
const rows = (values: readonly number[], dtype: fl.DType): Input => (b) => fl.scope(() => {
  const n = values.length;
  const data = Array.from({ length: b }, (_, i) => Array.from({ length: n }, (_, j) => values[(i + j) % n]));
  return fl.tensor(data, { dtype: dtype === 'bool' ? 'float32' : dtype, ...dev }).to(dtype);
});
const randn = (n: number, scale = 1, dtype: fl.DType = 'float32'): Input => (b) => fl.scope(() => fl.randn([b, n], { dtype, ...dev }).mul(scale));

const INT32 = [-2147483648, 2147483647, -1, 0, 1, 2, -2, 12345, -12345, 0x55555555, -0x55555556, 1 << 30, -(1 << 30), 7];
const COUNTS = [-100, -1, 0, 1, 2, 5, 17, 30, 31, 32, 33, 100, 3, 8];
const UINT8 = [0, 1, 2, 127, 128, 129, 200, 254, 255, 15, 240, 85, 170, 7];
const UCOUNTS = [0, 1, 2, 3, 4, 7, 8, 9, 200, 255, 5, 6, 1, 0];
const GAMMA = [0, -0, -1, -2, -7, -2.5, -0.5, 0.5, 1, 2, 3, 1.4616321, 1e-30, -1e-20, 100.5, -100.5, 1e30, 3.7e5, Infinity, -Infinity, NaN, 0.25, 6, -3.999];
const ERF = [-1, 1, 0, -0, 0.5, -0.5, 0.9999999, -0.9999999, 0.999, 1e-30, 1e-8, 1.5, -1.5, NaN, 0.3, -0.7, 0.97, 0.84];

interface Case { name: string; make: () => fl.nn.Module; inputs: Input[]; opsets?: number[]; ops?: string[] }
const CASES: Case[] = [];
const add = (name: string, f: (...xs: fl.Tensor[]) => unknown, inputs: Input[], o: Partial<Case> = {}): void => {
  CASES.push({ name, make: () => fn(f), inputs, ...o });
};

// ---- bitwise -----------------------------------------------------------------------------------
add('bitwiseAnd/Or/Xor/Not int32', (a, b) => [fl.bitwiseAnd(a, b), fl.bitwiseOr(a, b), fl.bitwiseXor(a, b), fl.bitwiseNot(a), a.bitwiseAnd(0xff)],
  [rows(INT32, 'int32'), rows(COUNTS.map((c) => c * 123457), 'int32')], { ops: ['BitwiseAnd', 'BitwiseOr', 'BitwiseXor'] });
add('bitwiseAnd/Or/Xor/Not uint8', (a, b) => [fl.bitwiseAnd(a, b), fl.bitwiseOr(a, 3), fl.bitwiseXor(a, b), fl.bitwiseNot(a)],
  [rows(UINT8, 'uint8'), rows(UCOUNTS, 'uint8')], { opsets: [18, 21] });
add('bitwise ops of bool (logical), opset 17 and 18', (a, b) => [fl.bitwiseAnd(a, b), fl.bitwiseOr(a, b), fl.bitwiseXor(a, true), fl.bitwiseNot(a)],
  [rows([1, 0, 1, 1, 0, 0, 1], 'bool'), rows([1, 1, 0, 0, 1, 0, 0], 'bool')], { opsets: [17, 18], ops: ['And', 'Or', 'Xor', 'Not'] });
add('bitwise ops of a comparison inside a float model', (x, y) => fl.where(fl.bitwiseXor(x.gt(0), y.lt(0.5)), x, y.mul(2)), [randn(6), randn(6)]);
add('in-place forms (bitwiseAnd_, bitwiseLeftShift_, lgamma_, i0_)', (a, b, x) => {
  const c = a.clone(), d = a.clone(), y = x.clone(), z = x.clone();
  c.bitwiseAnd_(b); d.bitwiseLeftShift_(3); y.lgamma_(); z.i0_();
  return [c, d, y, z];
}, [rows(INT32, 'int32'), rows(COUNTS, 'int32'), rows(GAMMA.slice(0, 14), 'float32')]);
add('bitwiseNot int32 at opset 17', (a) => fl.bitwiseNot(a), [rows(INT32, 'int32')], { opsets: [17] });

// ---- shifts ------------------------------------------------------------------------------------
add('shifts int32 (counts outside [0, 32) included)', (x, c) => [fl.bitwiseLeftShift(x, c), fl.bitwiseRightShift(x, c)],
  [rows(INT32, 'int32'), rows(COUNTS, 'int32')], { opsets: [17, 18], ops: ['BitShift'] });
add('shifts int32 by a number', (x) => [fl.bitwiseLeftShift(x, 3), fl.bitwiseRightShift(x, 5), x.bitwiseRightShift(31), x.bitwiseLeftShift(31)], [rows(INT32, 'int32')]);
add('shifts uint8 (counts >= 8 included)', (x, c) => [fl.bitwiseLeftShift(x, c), fl.bitwiseRightShift(x, c)], [rows(UINT8, 'uint8'), rows(UCOUNTS, 'uint8')]);

// ---- special functions -------------------------------------------------------------------------
add('erfinv float32 (±1, |x| > 1, ±0, NaN)', (x) => fl.erfinv(x), [rows(ERF, 'float32')]);
// uniform inputs in (-1, 1) fed as they are: near ±1 erfinv amplifies an ulp of its input ~e^(y²)-fold,
// so an input made in the graph (tanh of a normal) would compare onnxruntime's Tanh with flintml's
add('erfinv float32 of random values', (x) => fl.erfinv(x), [(b) => fl.scope(() => fl.rand([b, 40], dev).mul(2).sub(1))]);
add('lgamma float32 (poles, ±0, ±inf, NaN, negatives)', (x) => fl.lgamma(x), [rows(GAMMA, 'float32')]);
add('lgamma float32 of random values', (x) => fl.lgamma(x), [randn(40, 6)]);
add('lgamma float64', (x) => fl.lgamma(x), [rows(GAMMA, 'float64')]);
add('digamma float32 (poles, ±0, ±inf, NaN, negatives)', (x) => fl.digamma(x), [rows(GAMMA, 'float32')]);
add('digamma float32 of random values', (x) => fl.digamma(x), [randn(40, 6)]);
add('digamma float64', (x) => fl.digamma(x), [rows(GAMMA, 'float64')]);
const BESSEL = [0, -0, 1, -1, 0.5, 19.99, 20, 20.01, 35, -50, 88, 89, 100, Infinity, -Infinity, NaN, 3.75, -8];
add('i0 float32 (both series, overflow, ±inf, NaN)', (x) => fl.i0(x), [rows(BESSEL, 'float32')]);
add('i0 float32 of random values', (x) => fl.i0(x), [randn(40, 25)]);
add('i0 float64', (x) => fl.i0(x), [rows(BESSEL, 'float64')]);
add('lgamma and digamma of int32 (computed in float32)', (x) => [fl.lgamma(x), fl.digamma(x)], [rows([1, 2, 3, 10, 0, -1, 50, -3], 'int32')]);

// ---- windows (tensor ops of a static size: folded into the graph) ---------------------------------
add('hann, hamming, blackman, bartlett, kaiser windows', (x) => [x.mul(fl.hannWindow(8, dev)), x.mul(fl.hammingWindow(8, false, dev)), x.mul(fl.blackmanWindow(8, dev)),
  x.mul(fl.bartlettWindow(8, dev)), x.mul(fl.kaiserWindow(8, dev)), x.mul(fl.kaiserWindow(8, false, 6, { dtype: 'float32', ...dev }))], [randn(8)]);

// ---- fft (complex values carried as their [..., 2] real views) -----------------------------------
const cx = (n: number): Input => (b) => fl.randn([b, n, 2], dev);
add('fft: viewAsReal(fft.rfft(x)), three norms', (x) => (['backward', 'forward', 'ortho'] as const).map((norm) => fl.viewAsReal(fl.fft.rfft(x, { norm }))), [randn(8)], { opsets: [17, 18, 20], ops: ['DFT'] });
add('fft: fft, ifft of a complex input (odd n, n given)', (x) => { const z = fl.viewAsComplex(x); return [fl.viewAsReal(fl.fft.fft(z)), fl.viewAsReal(fl.fft.ifft(z, 9)), fl.viewAsReal(fl.fft.fft(z, 4, 1, { norm: 'ortho' }))]; }, [cx(7)]);
add('fft: irfft of a real view, hfft', (x) => { const z = fl.viewAsComplex(x); return [fl.fft.irfft(z), fl.fft.irfft(z, 9, { norm: 'forward' }), fl.fft.hfft(z)]; }, [cx(5)]);
add('fft: fft2, rfft2, irfftn', (x) => [fl.viewAsReal(fl.fft.fft2(x)), fl.viewAsReal(fl.fft.rfft2(x, { norm: 'ortho' })), fl.fft.irfftn(fl.fft.rfftn(x, null, [1, 2]), null, [1, 2])], [(b) => fl.randn([b, 4, 6], dev)]);
add('fft: abs of rfft', (x) => fl.abs(fl.fft.rfft(x)), [randn(8)]);
add('fft: angle of rfft', (x) => fl.angle(fl.fft.rfft(x)), [randn(8)]);
add('fft: real, imag of rfft', (x) => [fl.real(fl.fft.rfft(x)), fl.imag(fl.fft.rfft(x))], [randn(8)]);
add('fft: complex product (a filter)', (x) => { const z = fl.fft.rfft(x); return fl.fft.irfft(z.mul(z), 8); }, [randn(8)]);
add('fft: stft with a hann window, istft', (x) => { const w = fl.hannWindow(8, dev); const S = fl.stft(x, 8, { hopLength: 2, window: w, returnComplex: true }); return [fl.viewAsReal(S), fl.istft(S, 8, { hopLength: 2, window: w, length: 32 })]; }, [randn(32)]);
add('fft: a real model around rfft (power spectrum)', (x) => { const R = fl.viewAsReal(fl.fft.rfft(x)); return R.mul(R).sum(-1).add(1).log(); }, [randn(16)]);

// ---- cumprod (a scan of Mul steps) --------------------------------------------------------------
const PROD = [1.5, -2, 0.5, 3, -0.25, 0, 7, 1.1, -1, 2, Infinity, 0.9, -3];
add('cumprod float32 (zeros, signs, inf; n = 13)', (x) => [fl.cumprod(x, 1), fl.cumprod(x.narrow(1, 0, 5), -1)], [rows(PROD, 'float32')], { ops: ['Pad'] });
add('cumprod float64, of random values along a middle dim', (x) => fl.cumprod(x, 1), [(b) => fl.randn([b, 6, 3], { dtype: 'float64', ...dev })]);
add('cumprod int32 (wraps), uint8 and bool (int32 results)', (a, u) => [fl.cumprod(a, 1), fl.cumprod(u, 1), fl.cumprod(u.gt(3), 1)], [rows([3, -7, 100000, 65537, 2, -1, 9], 'int32'), rows([2, 3, 5, 250, 7, 1, 4], 'uint8')]);

// ---- data-dependent sizes (NonZero, Compress) ---------------------------------------------------------
add('maskedSelect, then values only (sum, mean of the selection)', (x) => { const s = fl.maskedSelect(x, x.gt(0)); return [s, s.sum(), s.mul(2).exp().mean()]; }, [randn(7)]);
add('maskedSelect with a broadcast mask', (x, m) => fl.maskedSelect(x, m.gt(0.5)), [(b) => fl.randn([b, 3, 4], dev), (b) => fl.rand([b, 1, 4], dev)]);
add('nonzero, argwhere of float32, int32 and bool', (x, k) => [fl.nonzero(x.gt(0)), fl.argwhere(x.mul(x.gt(0.3))), fl.nonzero(k)], [randn(5), rows([0, 3, 0, -1, 2], 'int32')], { ops: ['NonZero'] });

// ---- what stays refused --------------------------------------------------------------------------
const REFUSED: [string, () => fl.nn.Module, Input[], number, RegExp][] = [
  ['bitwiseAnd of int32 at opset 17 (BitwiseAnd is opset 18)', () => fn((a, b) => fl.bitwiseAnd(a, b)), [rows(INT32, 'int32'), rows(INT32, 'int32')], 17,
    /bitwiseAnd has no ONNX mapping for this use: int32 operands need ONNX BitwiseAnd of opset 18/],
  ['gcd (Euclid has no fixed depth)', () => fn((a, b) => fl.gcd(a, b)), [rows(INT32, 'int32'), rows(INT32, 'int32')], 18, /gcd has no ONNX mapping/],
  ['lcm', () => fn((a, b) => fl.lcm(a, b)), [rows(INT32, 'int32'), rows(INT32, 'int32')], 18, /lcm has no ONNX mapping/],
  ['erfinv float64 (the composition is exact to 1.3e-7)', () => fn((x) => fl.erfinv(x)), [rows(ERF, 'float64')], 18, /erfinv has no ONNX mapping for this use: a float64 result/],
  ['conj of a complex tensor (a complex view op)', () => fn((x) => fl.viewAsReal(fl.conj(fl.fft.rfft(x)).resolveConj())), [randn(8)], 18, /view of a complex64 tensor \(shape \[2, 5\]\) has no ONNX mapping: the graph carries complex values only/],
  ['cumprod along the dynamic batch axis (the number of scan steps follows it)', () => fn((x) => fl.cumprod(x, 0)), [randn(4)], 18, /the graph changes with the size of dynamic axis 'batch'/],
  ['a size of a maskedSelect result (a reshape)', () => fn((x) => fl.maskedSelect(x, x.gt(0)).reshape([-1, 1])), [randn(6)], 18,
    /reshape needs the size of a tensor whose size depends on the input's values/],
  ['nonzero asTuple (where with one argument)', () => fn((x) => fl.where(x.gt(0))), [randn(6)], 18, /no ONNX mapping/],
  ['polygamma (series only)', () => fn((x) => fl.polygamma(1, x)), [randn(5)], 18, /polygamma has no ONNX mapping/],
  ['igamma (series only)', () => fn((a, x) => fl.igamma(a.abs(), x.abs())), [randn(5), randn(5)], 18, /gammainc has no ONNX mapping/],
  ['a complex input (onnxruntime runs no complex tensors)', () => fn((z) => fl.viewAsReal(z)), [(b) => fl.scope(() => fl.complex(fl.randn([b, 3], dev), fl.randn([b, 3], dev)))], 18,
    /complex64 tensors \(shape \[2, 3\]\) cannot be graph inputs, outputs or constants/],
];

// ---- the runner --------------------------------------------------------------------------------

const ORT_TYPE: Partial<Record<fl.DType, string>> = { float32: 'float32', float64: 'float64', int32: 'int32', uint8: 'uint8', bool: 'bool' };
function ortTensor(t: fl.Tensor): unknown {
  const data = fl.scope(() => t.to('cpu').dataSync()) as ArrayLike<number>;
  const type = ORT_TYPE[t.dtype];
  if (type === undefined) throw new Error(`no onnxruntime input of dtype ${t.dtype}`);
  return new ort.Tensor(type, type === 'bool' ? Uint8Array.from(data, (v) => (v ? 1 : 0)) : data, t.shape);
}

const flat = (r: unknown): fl.Tensor[] => (r instanceof fl.Tensor ? [r] : Array.isArray(r) ? r.flatMap(flat) : Object.values(r as object).flatMap(flat));

/** The worst disagreement of got with want: exact for integers and bool, relative to max(1, |want|) for floats. */
function worst(got: ArrayLike<number | bigint | boolean>, want: ArrayLike<number>, exact: boolean): [number, number] {
  let w = 0, at = -1;
  for (let j = 0; j < want.length; j++) {
    const a = Number(got[j]), b = Number(want[j]);
    if (Number.isNaN(a) && Number.isNaN(b)) continue;
    const d = a === b ? 0 : exact || !Number.isFinite(a) || !Number.isFinite(b) ? Infinity : Math.abs(a - b) / Math.max(1, Math.abs(b));
    if (!(d <= w)) { w = d; at = j; }
  }
  return [w, at];
}

async function expectSame(session: Session, model: fl.nn.Module, xs: fl.Tensor[], what: string): Promise<void> {
  const feeds: Record<string, unknown> = {};
  xs.forEach((t, i) => { feeds[`input_${i}`] = ortTensor(t); });
  const got = await session.run(feeds);
  fl.scope(() => {
    const want = fl.noGrad(() => flat(model.forward(...xs)));
    want.forEach((w, i) => {
      const g = got[`output_${i}`];
      expect({ what, output: i, dims: Array.from(g.dims), type: g.type }).toEqual({ what, output: i, dims: w.shape, type: ORT_TYPE[w.dtype] });
      const ref = w.to('cpu').dataSync() as ArrayLike<number>;
      const floating = w.dtype === 'float32' || w.dtype === 'float64';
      const [d, at] = worst(g.data, ref, !floating);
      const tol = !floating ? 0 : w.dtype === 'float64' ? 1e-9 : 1e-5;
      if (!(d <= tol)) throw new Error(`${what}: output ${i} differs from onnxruntime by ${d} at element ${at} (onnxruntime ${String(g.data[at])}, flintml ${ref[at]})`);
    });
  });
}

function opTypes(file: string): string[] {
  return (decodeModel(fs.readFileSync(file)) as { graph: { node: { opType: string }[] } }).graph.node.map((n) => n.opType);
}

describe('fl.onnx.export of the composed elementwise mappings (lib/ops/onnx-special.ts) in onnxruntime', () => {
  beforeEach(() => fl.manualSeed(5));

  test.each(CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const model = c.make();
    const x2 = c.inputs.map((f) => f(2)), x3 = c.inputs.map((f) => f(3));
    try {
      for (const opset of c.opsets ?? [18]) {
        const file = path.join(tmp, `case-${CASES.indexOf(c)}-${opset}.onnx`);
        const dynamicAxes = Object.fromEntries(x2.map((_, i) => [`input_${i}`, { 0: 'batch' }]));
        fl.onnx.export(model, x2, file, { dynamicAxes, opset });
        const session = await ort.InferenceSession.create(file);
        await expectSame(session, model, x2, `${c.name} (opset ${opset}, batch 2)`);
        await expectSame(session, model, x3, `${c.name} (opset ${opset}, batch 3)`);
        if (c.ops) expect(opTypes(file)).toEqual(expect.arrayContaining(c.ops));
      }
    } finally {
      model.dispose();
      for (const t of [...x2, ...x3]) t.dispose();
    }
  }, 60_000);  // on the emulated GPU the first case (three traces and two runs of fresh kernels) took 5.2 s

  test.each(REFUSED.map((c) => [c[0], c] as const))('refused: %s', (_, [, make, inputs, opset, message]) => {
    const model = make();
    const xs = inputs.map((f) => f(2));
    const file = path.join(tmp, 'refused.onnx');
    try {
      const dynamicAxes = Object.fromEntries(xs.map((_, i) => [`input_${i}`, { 0: 'batch' }]));
      expect(() => fl.onnx.export(model, xs, file, { opset, dynamicAxes })).toThrow(fl.OnnxExportError);
      expect(() => fl.onnx.export(model, xs, file, { opset, dynamicAxes })).toThrow(message);
      expect(fs.existsSync(file)).toBe(false);
    } finally {
      model.dispose();
      xs.forEach((t) => t.dispose());
    }
  });
});
