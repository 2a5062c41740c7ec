// gradcheck.test.ts — gradients of every differentiable op, and the autograd engine's rules.
// References: (1) central finite differences in float64 (`gradcheck`, eps 1e-6, atol 1e-5,
// rtol 1e-3) for one table of every differentiable op, on small inputs chosen away from the
// points where the op is not differentiable (ties, kinks, poles); (2) PyTorch 1.13 gradients of a
// few composite functions (test/golden/grad.json, made by scripts/golden/grad.py), compared within
// 1e-10 relative; (3) hand-derived values for the engine tests (accumulation, retainGraph, …).
import * as fs from 'fs';
import * as path from 'path';
import * as fl from '../lib';
import { gradcheck } from '../lib/gradcheck';
import { DEVICE, randomArray } from './helpers';
import { UNARY_CASES } from './optable';

type Fn = (...xs: any[]) => fl.Tensor | fl.Tensor[];
type Case = [name: string, fn: Fn, inputs: () => unknown[]];

const numelOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
/** A float64 leaf that requires grad, values uniform in [lo, hi). */
function x(shape: number[], seed: number, lo = -2, hi = 2): fl.Tensor {
  return xv(randomArray(numelOf(shape), seed, lo, hi), shape);
}
/** A float64 leaf with the given values. */
function xv(values: number[], shape: number[] = [values.length]): fl.Tensor {
  return c(values, shape).requiresGrad_();
}
/** A float64 constant (no grad) with the given values, or random ones. */
function c(valuesOrShape: number[], shapeOrSeed: number[] | number, lo = -2, hi = 2): fl.Tensor {
  const [values, shape] = typeof shapeOrSeed === 'number'
    ? [randomArray(numelOf(valuesOrShape), shapeOrSeed, lo, hi), valuesOrShape] : [valuesOrShape, shapeOrSeed];
  const flat = fl.tensor(values, { dtype: 'float64', device: DEVICE });
  try { return flat.reshape(shape); } finally { flat.dispose(); }
}
const idx = (v: unknown) => fl.tensor(v as number[], { dtype: 'int32', device: DEVICE });
const mask = (v: unknown) => fl.tensor(v as boolean[], { dtype: 'bool', device: DEVICE });

// ---- the table -----------------------------------------------------------------------------------

const UNARY: [string, (t: fl.Tensor) => fl.Tensor, number, number][] = [
  ['neg', (t) => t.neg(), -2, 2], ['abs', (t) => t.abs(), 0.1, 2], ['abs (negative)', (t) => fl.abs(t), -2, -0.1],
  ['exp', (t) => t.exp(), -2, 2], ['exp2', (t) => t.exp2(), -2, 2], ['log', (t) => t.log(), 0.2, 3],
  ['log2', (t) => t.log2(), 0.2, 3], ['log10', (t) => t.log10(), 0.2, 3], ['log1p', (t) => t.log1p(), -0.5, 2],
  ['expm1', (t) => t.expm1(), -2, 2], ['sqrt', (t) => t.sqrt(), 0.2, 3], ['rsqrt', (t) => t.rsqrt(), 0.2, 3],
  ['square', (t) => t.square(), -2, 2], ['sin', (t) => t.sin(), -3, 3], ['cos', (t) => t.cos(), -3, 3],
  ['tan', (t) => t.tan(), -1.2, 1.2], ['asin', (t) => t.asin(), -0.9, 0.9], ['acos', (t) => t.acos(), -0.9, 0.9],
  ['atan', (t) => t.atan(), -3, 3], ['sinh', (t) => t.sinh(), -2, 2], ['cosh', (t) => t.cosh(), -2, 2],
  ['tanh', (t) => t.tanh(), -2, 2], ['sigmoid', (t) => t.sigmoid(), -3, 3], ['relu', (t) => t.relu(), -2, 2],
  ['leakyRelu', (t) => t.leakyRelu(0.2), -2, 2], ['softplus', (t) => t.softplus(), -3, 3],
  ['softplus (above threshold)', (t) => t.softplus(), 20.5, 25], ['gelu', (t) => t.gelu(), -3, 3],
  ['gelu tanh', (t) => t.gelu('tanh'), -3, 3], ['silu', (t) => t.silu(), -3, 3], ['erf', (t) => t.erf(), -2, 2],
  ['reciprocal', (t) => t.reciprocal(), 0.3, 2], ['reciprocal (negative)', (t) => t.reciprocal(), -2, -0.3],
  ['clamp(-1, 1)', (t) => t.clamp(-1, 1), -2, 2], ['clamp(min)', (t) => t.clamp(0.5), -2, 2],
  ['clamp(undefined, max)', (t) => t.clamp(undefined, -0.5), -2, 2],
  ['sign (zero gradient)', (t) => t.sign().add(t), -2, 2], ['floor (zero gradient)', (t) => t.floor().add(t.mul(2)), -2, 2],
];

const BINARY: [string, (a: any, b: any) => fl.Tensor][] = [
  ['add', fl.add], ['sub', fl.sub], ['mul', fl.mul], ['div', fl.div], ['maximum', fl.maximum], ['minimum', fl.minimum],
  ['atan2', fl.atan2], ['remainder', fl.remainder], ['pow', fl.pow],
];

function binaryCases(): Case[] {
  const out: Case[] = [];
  for (const [name, f] of BINARY) {
    // pow and div and remainder want a positive right operand (and pow a positive base)
    const [alo, ahi] = name === 'pow' ? [0.5, 2] : [-2, 2];
    const [blo, bhi] = name === 'div' || name === 'remainder' || name === 'pow' ? [0.6, 1.7] : [-2, 2];
    out.push([`${name} same shape`, f, () => [x([2, 3], 1, alo, ahi), x([2, 3], 2, blo, bhi)]]);
    out.push([`${name} broadcast [3,1]x[1,4]`, f, () => [x([3, 1], 3, alo, ahi), x([1, 4], 4, blo, bhi)]]);
    out.push([`${name} broadcast [2,3,4]x[4]`, f, () => [x([2, 3, 4], 5, alo, ahi), x([4], 6, blo, bhi)]]);
    out.push([`${name} tensor op scalar`, (a) => f(a, name === 'pow' ? 2.5 : 1.3), () => [x([2, 3], 7, alo, ahi)]]);
    out.push([`${name} scalar op tensor`, (b) => f(name === 'pow' ? 1.7 : -1.3, b), () => [x([2, 3], 8, blo, bhi)]]);
    out.push([`${name} with a constant operand`, (a) => f(a, fl.scope(() => c([3], 9, blo, bhi).add(0))), () => [x([2, 3], 10, alo, ahi)]]);
  }
  out.push(['add with alpha', (a, b) => fl.add(a, b, 2.5), () => [x([2, 3], 11), x([3], 12)]]);
  out.push(['sub with alpha', (a, b) => a.sub(b, -0.5), () => [x([2, 3], 13), x([2, 1], 14)]]);
  // at a tie both one-sided slopes exist; the gradient is split evenly (the numerical one is their mean)
  out.push(['maximum ties split evenly', (a, b) => fl.maximum(a, b), () => [x([4], 15), c([4], 15)]]);
  out.push(['minimum ties split evenly', (a, b) => fl.minimum(b, a), () => [x([4], 16), c([4], 16)]]);
  return out;
}

const RED_SHAPE = [2, 3, 4];
function reductionCases(): Case[] {
  const out: Case[] = [];
  const dimCombos: [string, any, boolean | undefined][] = [
    ['all', undefined, undefined], ['dim 1', 1, false], ['dim -1 keepdim', -1, true],
    ['dims [0, 2]', [0, 2], false], ['dims [0, 2] keepdim', [0, 2], true], ['all dims keepdim', [0, 1, 2], true],
  ];
  for (const [label, dim, keep] of dimCombos) {
    const args = dim === undefined ? [] : [dim, keep];
    out.push([`sum ${label}`, (t) => t.sum(...args), () => [x(RED_SHAPE, 20)]]);
    out.push([`mean ${label}`, (t) => t.mean(...args), () => [x(RED_SHAPE, 21)]]);
    out.push([`prod ${label}`, (t) => t.prod(...args), () => [x(RED_SHAPE, 22, 0.5, 1.5)]]);
    out.push([`amax ${label}`, (t) => t.amax(...args), () => [x(RED_SHAPE, 23)]]);
    out.push([`amin ${label}`, (t) => t.amin(...args), () => [x(RED_SHAPE, 24)]]);
    out.push([`logsumexp ${label}`, (t) => t.logsumexp(...args), () => [x(RED_SHAPE, 25)]]);
    out.push([`var ${label}`, (t) => (dim === undefined ? t.var() : t.var(dim, { keepdim: keep })), () => [x(RED_SHAPE, 26)]]);
    out.push([`std ${label}`, (t) => (dim === undefined ? t.std() : t.std(dim, { keepdim: keep })), () => [x(RED_SHAPE, 27)]]);
  }
  out.push(['var correction 0', (t) => t.var(1, { correction: 0 }), () => [x([3, 4], 28)]]);
  out.push(['var correction 2', (t) => t.var([0, 1], { correction: 2 }), () => [x([3, 4], 29)]]);
  out.push(['std unbiased false keepdim', (t) => t.std(0, { unbiased: false, keepdim: true }), () => [x([3, 4], 30)]]);
  out.push(['sum dtype option', (t) => t.sum({ dim: 0, dtype: 'float64' }), () => [x([3, 4], 31)]]);
  out.push(['sum of a 0-dim tensor', (t) => t.sum(), () => [x([], 32)]]);
  out.push(['mean of a 0-dim tensor, dim 0', (t) => t.mean(0), () => [x([], 33)]]);
  out.push(['sum of a transposed view', (t) => t.transpose(0, 1).sum(1), () => [x([3, 4], 34)]]);
  out.push(['prod with one zero in a row', (t) => t.prod(1), () => [xv([1.5, 0, -0.7, 2, 0.3, -1.1, 0.9, 1.2], [2, 4])]]);
  out.push(['prod with two zeros in a row', (t) => t.prod(1), () => [xv([0, 1.5, 0, -0.7, 2, 0.3, -1.1, 0.9], [2, 4])]]);
  out.push(['prod over all with one zero', (t) => t.prod(), () => [xv([1.5, -0.7, 0, 2, 0.3, 1.1], [2, 3])]]);
  out.push(['prod over dims [0, 1] with zeros', (t) => t.prod([0, 1]), () => [xv([1.5, -0.7, 0, 2, 0.3, 1.1, 0, 0, 1.3, 0.8, -0.4, 1.7], [2, 3, 2])]]);
  out.push(['max() of all', (t) => t.max(), () => [x([3, 4], 35)]]);
  out.push(['min() of all', (t) => fl.min(t), () => [x([3, 4], 36)]]);
  out.push(['max(dim).values', (t) => t.max(1).values, () => [x([3, 4], 37)]]);
  out.push(['max(dim, keepdim).values', (t) => fl.max(t, 0, true).values, () => [x([3, 4], 38)]]);
  out.push(['min(dim -1).values', (t) => t.min(-1).values, () => [x([2, 3, 4], 39)]]);
  out.push(['max(dim) of a 0-dim tensor', (t) => t.max(0).values, () => [x([], 40)]]);
  out.push(['max(other) elementwise', (t, u) => fl.max(t, u), () => [x([3, 4], 41), x([4], 42)]]);
  return out;
}

function alongDimCases(): Case[] {
  const out: Case[] = [];
  for (const d of [0, 1, -1]) {
    out.push([`softmax dim ${d}`, (t) => t.softmax(d), () => [x([3, 4], 50 + d)]]);
    out.push([`logSoftmax dim ${d}`, (t) => fl.logSoftmax(t, d), () => [x([3, 4], 54 + d)]]);
    out.push([`cumsum dim ${d}`, (t) => t.cumsum(d), () => [x([3, 4], 58 + d)]]);
    out.push([`cumprod dim ${d}`, (t) => t.cumprod(d), () => [x([3, 4], 62 + d, 0.5, 1.5)]]);
  }
  out.push(['softmax of a 3-D view, dim 1', (t) => t.permute([2, 0, 1]).softmax(1), () => [x([2, 3, 4], 66)]]);
  out.push(['softmax weighted (non-uniform upstream)', (t, w) => t.softmax(1).mul(w), () => [x([3, 4], 67), c([3, 4], 68)]]);
  out.push(['logSoftmax weighted', (t, w) => t.logSoftmax(0).mul(w), () => [x([3, 4], 69), c([3, 4], 70)]]);
  out.push(['cumprod with one zero', (t) => t.cumprod(1), () => [xv([1.5, 0, -0.7, 2, 0.3, -1.1, 0.9, 1.2], [2, 4])]]);
  out.push(['cumprod with two zeros', (t) => t.cumprod(0), () => [xv([1.5, 0, -0.7, 0, 0.3, 2, 0, 1.2, -1.3, 0.4], [5, 2])]]);
  out.push(['cumprod with a leading zero', (t) => t.cumprod(0), () => [xv([0, 1.5, -0.7, 2])]]);
  out.push(['cumsum of a 0-dim tensor', (t) => t.cumsum(0), () => [x([], 71)]]);
  out.push(['softmax of a 0-dim tensor', (t) => t.softmax(0), () => [x([], 72)]]);
  return out;
}

function indexingCases(): Case[] {
  return [
    ['gather dim 1', (t) => t.gather(1, idx([[0, 2, 2], [1, 0, 1]])), () => [x([2, 3], 80)]],
    ['gather dim 0 (smaller index)', (t) => fl.gather(t, 0, idx([[2, 0], [2, 2]])), () => [x([3, 4], 81)]],
    ['scatter (input and src)', (t, s) => t.scatter(1, idx([[2, 0], [1, 3]]), s), () => [x([2, 4], 82), x([2, 2], 83)]],
    ['scatter (src larger than index)', (t, s) => fl.scatter(t, 0, idx([[1, 0]]), s), () => [x([2, 2], 84), x([2, 3], 85)]],
    ['scatter scalar src', (t) => t.scatter(0, idx([[1, 0, 1]]), 2.5), () => [x([2, 3], 86)]],
    ['scatterAdd with repeats (input and src)', (t, s) => t.scatterAdd(1, idx([[0, 0, 2], [1, 1, 1]]), s), () => [x([2, 3], 87), x([2, 3], 88)]],
    ['scatterAdd (src only)', (t, s) => fl.scatterAdd(t, 0, idx([[0, 1], [0, 0]]), s), () => [c([2, 2], 89), x([2, 2], 90)]],
    ['indexSelect dim 0 with repeats', (t) => t.indexSelect(0, idx([2, 0, 2])), () => [x([3, 2], 91)]],
    ['indexSelect dim 1', (t) => fl.indexSelect(t, 1, idx([1, 1, 0, 3])), () => [x([2, 4], 92)]],
    ['indexSelect of a 0-dim tensor', (t) => t.indexSelect(0, idx(0)), () => [x([], 93)]],
    ['takeAlongDim dim 1', (t) => t.takeAlongDim(idx([[0, 2], [1, 1]]), 1), () => [x([2, 3], 94)]],
    ['takeAlongDim broadcast', (t) => fl.takeAlongDim(t, idx([[[0, 2]], [[1, 1]]]), 2), () => [x([2, 3, 3], 95)]],
    ['takeAlongDim broadcast input', (t) => fl.takeAlongDim(t, idx([[[0], [1]], [[2], [2]]]), 1), () => [x([1, 3, 2], 96)]],
    ['takeAlongDim flattened', (t) => t.takeAlongDim(idx([5, 0, 5, 3])), () => [x([2, 3], 97)]],
    ['maskedSelect', (t) => t.maskedSelect(mask([[true, false, true], [false, true, true]])), () => [x([2, 3], 98)]],
    ['maskedSelect broadcast mask', (t) => fl.maskedSelect(t, mask([true, false, true])), () => [x([2, 3], 99)]],
    ['maskedSelect broadcast input', (t) => fl.maskedSelect(t, mask([[true, false], [true, true], [false, false]])), () => [x([2], 100)]],
    ['maskedSelect nothing', (t) => fl.maskedSelect(t, mask([false, false])), () => [x([2], 101)]],
    ['triu', (t) => t.triu(), () => [x([3, 4], 102)]],
    ['triu diagonal 1, batched', (t) => fl.triu(t, 1), () => [x([2, 3, 3], 103)]],
    ['tril', (t) => t.tril(), () => [x([4, 3], 104)]],
    ['tril diagonal -1', (t) => fl.tril(t, -1), () => [x([3, 3], 105)]],
    ['where (both tensors, broadcast)', (a, b) => fl.where(mask([[true], [false]]), a, b), () => [x([2, 3], 106), x([3], 107)]],
    ['where (scalar other)', (a) => a.where(mask([true, false, true]), 0.5), () => [x([2, 3], 108)]],
    ['maskedFill', (a) => a.maskedFill(mask([false, true, false]), -1), () => [x([2, 3], 109)]],
    ['clamp with tensor bounds', (a, lo, hi) => a.clamp(lo, hi), () => [x([2, 3], 110), x([3], 111, -2, -0.5), x([2, 1], 112, 0.5, 2)]],
  ];
}

function sortCases(): Case[] {
  return [
    ['sort values', (t) => t.sort().values, () => [x([3, 4], 120)]],
    ['sort values dim 0 descending', (t) => fl.sort(t, 0, true).values, () => [x([3, 4], 121)]],
    ['sort values of a 0-dim tensor', (t) => t.sort(0).values, () => [x([], 122)]],
    ['topk values', (t) => t.topk(2).values, () => [x([3, 4], 123)]],
    ['topk smallest dim 0 unsorted', (t) => fl.topk(t, 2, 0, false, false).values, () => [x([3, 4], 124)]],
    ['sort returns values and indices', (t) => { const r = t.sort(1); return [r.values, r.indices]; }, () => [x([2, 3], 125)]],
  ];
}

function viewCases(): Case[] {
  return [
    ['reshape', (t) => t.reshape([4, 3]), () => [x([3, 4], 130)]],
    ['reshape of a non-contiguous view', (t) => t.transpose(0, 1).reshape([-1]), () => [x([3, 4], 131)]],
    ['view', (t) => t.view([2, 6]), () => [x([3, 4], 132)]],
    ['flatten', (t) => t.flatten(1), () => [x([2, 3, 2], 133)]],
    ['squeeze', (t) => t.squeeze(), () => [x([3, 1, 2], 134)]],
    ['unsqueeze', (t) => t.unsqueeze(1), () => [x([3, 2], 135)]],
    ['transpose', (t) => t.transpose(0, 2), () => [x([2, 3, 4], 136)]],
    ['permute', (t) => t.permute([2, 0, 1]), () => [x([2, 3, 4], 137)]],
    ['T', (t) => t.T, () => [x([2, 3], 138)]],
    ['mT', (t) => t.mT, () => [x([2, 3, 4], 139)]],
    ['expand', (t) => t.expand([2, 3, 4]), () => [x([3, 1], 140)]],
    ['broadcastTo', (t) => fl.broadcastTo(t, [3, 4]), () => [x([4], 141)]],
    ['narrow', (t) => t.narrow(1, 1, 2), () => [x([3, 4], 142)]],
    ['select', (t) => t.select(0, -1), () => [x([3, 4], 143)]],
    ['slice with step', (t) => t.slice(1, 0, null, 2), () => [x([3, 5], 144)]],
    ['index', (t) => t.index(0, ':', '1::2', null), () => [x([2, 3, 5], 145)]],
    ['diagonal', (t) => t.diagonal(), () => [x([3, 4], 146)]],
    ['diagonal offset 1 of dims (1, 2)', (t) => fl.diagonal(t, 1, 1, 2), () => [x([2, 3, 4], 147)]],
    ['contiguous', (t) => t.transpose(0, 1).contiguous(), () => [x([3, 4], 148)]],
    ['clone', (t) => t.clone(), () => [x([3, 4], 149)]],
    ['to float64 copy', (t) => t.to('float64', { copy: true }), () => [x([3], 150)]],
    ['cat', (a, b) => fl.cat([a, b], 1), () => [x([2, 3], 151), x([2, 1], 152)]],
    ['cat with a constant', (a, b) => fl.cat([a, b], 0), () => [x([2, 3], 153), c([1, 3], 154)]],
    ['stack', (a, b) => fl.stack([a, b], 1), () => [x([2, 3], 155), x([2, 3], 156)]],
    ['split', (t) => t.split([1, 3], 1), () => [x([2, 4], 157)]],
    ['chunk', (t) => t.chunk(2, 0), () => [x([3, 2], 158)]],
    ['unbind', (t) => t.unbind(1), () => [x([2, 3], 159)]],
    ['split outputs used unevenly', (t) => { const [a, b] = t.split(2, 0); return a.mul(b.exp()); }, () => [x([4, 2], 160)]],
  ];
}

function matmulCases(): Case[] {
  return [
    ['mm', (a, b) => fl.mm(a, b), () => [x([2, 3], 170), x([3, 4], 171)]],
    ['matmul of transposed views', (a, b) => a.T.matmul(b.T), () => [x([3, 2], 172), x([4, 3], 173)]],
    ['bmm', (a, b) => fl.bmm(a, b), () => [x([2, 2, 3], 174), x([2, 3, 2], 175)]],
    ['matmul broadcast batch', (a, b) => fl.matmul(a, b), () => [x([2, 1, 2, 3], 176), x([3, 3, 2], 177)]],
    ['mv', (m, v) => fl.mv(m, v), () => [x([3, 4], 178), x([4], 179)]],
    ['dot', (a, b) => fl.dot(a, b), () => [x([4], 180), x([4], 181)]],
    ['outer', (a, b) => fl.outer(a, b), () => [x([3], 182), x([2], 183)]],
    ['matmul 1-D @ 3-D', (a, b) => fl.matmul(a, b), () => [x([3], 184), x([2, 3, 2], 185)]],
    ['matmul 3-D @ 1-D', (a, b) => fl.matmul(a, b), () => [x([2, 2, 3], 186), x([3], 187)]],
    ['matmul with a constant', (a, b) => fl.matmul(a, b), () => [x([2, 3], 188), c([3, 2], 189)]],
  ];
}

function compositeCases(): Case[] {
  return [
    ['a tensor used twice (x * exp(x))', (t) => t.mul(t.exp()), () => [x([2, 3], 190)]],
    ['diamond: softmax(x) * log(sigmoid(x)) summed', (t) => t.softmax(1).mul(t.sigmoid().log()).sum(), () => [x([2, 3], 191)]],
    ['layer norm by hand', (t) => { const m = t.mean(1, true); const v = t.var(1, { correction: 0, keepdim: true }); return t.sub(m).div(v.add(1e-5).sqrt()); }, () => [x([2, 5], 192)]],
    ['attention by hand', (q, k, v) => fl.softmax(q.matmul(k.mT).mul(0.5).add(fl.scope(() => fl.triu(fl.full([3, 3], -1e9, { dtype: 'float64', device: DEVICE }), 1))), -1).matmul(v), () => [x([3, 2], 193), x([3, 2], 194), x([3, 2], 195)]],
  ];
}

const TABLE: Case[] = [
  ...UNARY.map(([name, f, lo, hi], i): Case => [name, f, () => [x([2, 3], 300 + i, lo, hi)]]),
  ...UNARY_CASES.filter((u) => u.gradAt).map((u): Case => [`${u.name} (optable)`, u.fn, () => [xv(u.gradAt!)]]),
  ...binaryCases(), ...reductionCases(), ...alongDimCases(), ...indexingCases(), ...sortCases(),
  ...viewCases(), ...matmulCases(), ...compositeCases(),
];

describe('gradcheck: every differentiable op', () => {
  test.each(TABLE)('%s', (_name, fn, inputs) => {
    fl.scope(() => { expect(gradcheck(fn, inputs())).toBe(true); });
  });
});

// ---- gradcheck itself ----------------------------------------------------------------------------

describe('gradcheck', () => {
  test('finds a wrong gradient and names the output, input and elements', () => {
    fl.scope(() => {
      const a = x([2, 2], 1);
      // d(a * detach(a))/da is detach(a), not 2a: the analytical Jacobian is wrong on purpose
      expect(() => gradcheck((t) => t.mul(t.detach()), [a])).toThrow(fl.AutogradError);
      expect(() => gradcheck((t) => t.mul(t.detach()), [a])).toThrow(/Jacobian mismatch for output 0 .* input 0 .* numerical .* analytical/);
    });
  });
  test('checks several inputs and outputs, passes non-tensor arguments through, ignores integer outputs', () => {
    fl.scope(() => {
      const a = x([3], 2), b = x([3], 3);
      expect(gradcheck((t: fl.Tensor, u: fl.Tensor, k: number) => [t.mul(u), t.add(k), t.argmax()], [a, b, 2])).toBe(true);
      // only b requires grad: a is passed as it is
      expect(gradcheck((t: fl.Tensor, u: fl.Tensor) => t.mul(u).sum(), [c([3], 4), b])).toBe(true);
    });
  });
  test("leaves the caller's tensors and grads untouched", () => {
    fl.scope(() => {
      const a = x([3], 5);
      const before = a.toArray();
      gradcheck((t) => t.exp().sum(), [a]);
      expect(a.grad).toBeNull();
      expect(a.toArray()).toEqual(before);
    });
  });
  test('rejects non-float64 inputs, no grad inputs and bad options', () => {
    fl.scope(() => {
      const f32 = fl.ones([2], { device: DEVICE }).requiresGrad_();
      expect(() => gradcheck((t) => t.sum(), [f32])).toThrow(/float64/);
      expect(() => gradcheck((t) => t.sum(), [c([2], 1)])).toThrow(fl.ValueError);
      expect(() => gradcheck((t) => t.sum(), [x([2], 1)], { eps: 0 })).toThrow(/eps/);
      expect(() => gradcheck((() => 3) as any, [x([2], 1)])).toThrow(/must return a Tensor/);
    });
  });
  test('a failing check leaks nothing', () => {
    const before = fl.memory.stats().liveTensors;
    const a = x([2, 2], 6);
    expect(fl.memory.stats().liveTensors).toBe(before + 1);
    expect(() => gradcheck((t) => t.mul(t.detach()).sum(), [a])).toThrow(fl.AutogradError);
    a.dispose();
    expect(fl.memory.stats().liveTensors).toBe(before);
  });
});

// ---- the engine's rules --------------------------------------------------------------------------

describe('autograd engine', () => {
  test('gradients accumulate across backward calls', () => {
    fl.scope(() => {
      const a = xv([1, 2, 3]);
      a.mul(2).sum().backward();
      a.mul(a).sum().backward();          // d/da sum(a^2) = 2a
      expect(Array.from(a.grad!.dataSync())).toEqual([4, 6, 8]);
      a.grad!.dispose(); a.grad = null;
    });
  });
  test('retainGraph allows a second backward; without it the second backward throws', () => {
    fl.scope(() => {
      const a = xv([0, 1]);
      const y = a.exp().sum();
      y.backward(undefined, { retainGraph: true });
      y.backward();
      expect(Array.from(a.grad!.dataSync())).toEqual([2, 2 * Math.E]);
      expect(() => y.backward()).toThrow(fl.AutogradError);
      expect(() => y.backward()).toThrow(/second time/);
    });
  });
  test('gradients flowing into one tensor from two paths add up', () => {
    fl.scope(() => {
      const a = xv([2]);
      const h = a.mul(3);
      h.mul(h).add(h).sum().backward();   // d/da (9a^2 + 3a) = 18a + 3
      expect(a.grad!.item()).toBe(39);
    });
  });
  test('an in-place write to a saved tensor under noGrad makes backward throw', () => {
    fl.scope(() => {
      const a = xv([0.5, 1]);
      const y = a.exp();                    // exp saves its output
      const loss = y.sum();
      fl.noGrad(() => y.mul_(2));
      expect(() => loss.backward()).toThrow(fl.AutogradError);
      expect(() => a.exp().sin().sum().backward()).not.toThrow();
    });
    fl.scope(() => {
      const a = xv([0.5, 1, 2]);
      const y = a.exp();
      const loss = y.mul(y).sum();
      fl.noGrad(() => y.scatter_(0, idx([1]), 0));
      expect(() => loss.backward()).toThrow(/modified by an in-place operation/);
    });
  });
  test('in-place ops on tensors that require grad throw while grad is enabled', () => {
    fl.scope(() => {
      const a = xv([1, 2]);
      const y = a.mul(2);
      expect(() => y.mul_(2)).toThrow(fl.AutogradError);
      expect(() => a.add_(1)).toThrow(fl.AutogradError);
      expect(() => y.scatter_(0, idx([0]), 1)).toThrow(fl.AutogradError);
      expect(() => a.scatterAdd_(0, idx([0]), a)).toThrow(fl.AutogradError);
      fl.noGrad(() => a.add_(1));           // a parameter update
      expect(Array.from(a.dataSync())).toEqual([2, 3]);
    });
  });
  test('noGrad disables recording; enableGrad turns it back on', () => {
    fl.scope(() => {
      const a = xv([1, 2]);
      const y = fl.noGrad(() => { expect(fl.isGradEnabled()).toBe(false); return a.mul(2).sum(); });
      expect(y.requiresGrad).toBe(false);
      expect(y.gradFn).toBeNull();
      expect(fl.isGradEnabled()).toBe(true);
      const z = fl.noGrad(() => fl.enableGrad(() => a.mul(2)));
      expect(z.gradFn).toBe('mul');
      expect(() => y.backward()).toThrow(fl.AutogradError);
    });
  });
  test('detach gives a leaf outside the graph sharing storage', () => {
    fl.scope(() => {
      const a = xv([1, 2]);
      const y = a.mul(2);
      const d = y.detach();
      expect(d.requiresGrad).toBe(false);
      expect(d.isLeaf).toBe(true);
      expect(d.gradFn).toBeNull();
      fl.noGrad(() => d.add_(1));
      expect(Array.from(y.dataSync())).toEqual([3, 5]);
      const k = a.mul(3).detach();
      a.mul(k).sum().backward();
      expect(Array.from(a.grad!.dataSync())).toEqual([3, 6]);  // k is a constant: d/da (a * k) = k
    });
  });
  test('leaf and non-leaf rules', () => {
    fl.scope(() => {
      const a = xv([1, 2]);
      expect(a.isLeaf).toBe(true);
      const y = a.mul(2);
      expect(y.isLeaf).toBe(false);
      expect(y.requiresGrad).toBe(true);
      expect(y.gradFn).toBe('mul');
      expect(() => { y.requiresGrad = false; }).toThrow(fl.ValueError);
      expect(() => fl.tensor([1, 2], { device: DEVICE }).requiresGrad_()).toThrow(/floating point/);
      expect(() => { fl.tensor([true], { device: DEVICE }).requiresGrad = true; }).toThrow(fl.ValueError);
      const z = a.mul(3);
      z.retainGrad();
      const w = a.mul(4);
      z.mul(w).sum().backward();
      expect(Array.from(z.grad!.dataSync())).toEqual([4, 8]);    // retained: w
      expect(w.grad).toBeNull();                                  // not retained
      expect(Array.from(a.grad!.dataSync())).toEqual([24, 48]);  // 24a
      // a retained tensor read twice: its .grad sums both contributions (the engine used to copy
      // the second one after summing it into the pending gradient, which had disposed it)
      const b = xv([1.5, 2]);
      const h = b.mul(2);
      h.retainGrad();
      h.mul(h).sum().backward();
      expect(Array.from(h.grad!.dataSync())).toEqual([6, 8]);    // 2h
      expect(Array.from(b.grad!.dataSync())).toEqual([12, 16]);  // 8b
      // integer/bool results of ops on grad tensors are outside the graph
      expect(a.gt(1).requiresGrad).toBe(false);
      expect(a.argmax().requiresGrad).toBe(false);
      expect(a.max(0).indices.requiresGrad).toBe(false);
      expect(a.sort().indices.requiresGrad).toBe(false);
      expect(a.unsqueeze(0).all().requiresGrad).toBe(false);
    });
  });
  test('backward of a non-scalar needs a gradient of its shape', () => {
    fl.scope(() => {
      const a = xv([1, 2, 3]);
      const y = a.mul(a);
      expect(() => y.backward()).toThrow(fl.AutogradError);
      expect(() => y.backward()).toThrow(/scalar/);
      expect(() => y.backward(fl.ones([2], { dtype: 'float64', device: DEVICE }))).toThrow(fl.ShapeError);
      y.backward(fl.tensor([1, 0, -1], { dtype: 'float64', device: DEVICE }));
      expect(Array.from(a.grad!.dataSync())).toEqual([2, 0, -6]);
    });
  });
  test("gradients come back in the leaf's dtype through casting ops (dtype options)", () => {
    fl.scope(() => {
      const a = fl.tensor([1, 2, 3], { dtype: 'float32', device: DEVICE }).requiresGrad_();
      a.sum({ dtype: 'float64' }).backward();
      expect(a.grad!.dtype).toBe('float32');
      expect(Array.from(a.grad!.dataSync())).toEqual([1, 1, 1]);
      a.grad!.dispose(); a.grad = null;
      const s = fl.softmax(a, 0, 'float64');
      expect(s.dtype).toBe('float64');
      s.select(0, 2).backward();                                        // d s2/d a = s2 (delta - s)
      const sv = Array.from(s.dataSync());
      const want = [-sv[2] * sv[0], -sv[2] * sv[1], sv[2] * (1 - sv[2])];
      expect(a.grad!.dtype).toBe('float32');
      Array.from(a.grad!.dataSync()).forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-6));
      const h = fl.tensor([0.5, 2, -1], { dtype: 'float16', device: DEVICE }).requiresGrad_();
      h.prod().backward();
      expect(h.grad!.dtype).toBe('float16');
      expect(Array.from(h.grad!.dataSync())).toEqual([-2, -0.5, 1]);
    });
  });
  test('a constant operand of a binary op (a mask, a scalar) costs no gradient work in backward', () => {
    // Before: the gradient of every tensor operand was computed and reduced to its shape, needed or
    // not (an attention mask's [1,1,T,T] sum, the scalar factor's full-size product).
    const x = fl.randn([4, 3, 5], { requiresGrad: true, device: DEVICE });
    const m = fl.randn([1, 3, 5], { device: DEVICE });
    const prof = fl.profiler.profile(() => fl.scope(() => {
      const out = x.mul(0.5).add(m).mul(m).div(m.add(3)).sub(m).sum();
      fl.profiler.recordFunction('bwd', () => out.backward());
    }));
    const bwd = prof.events.findIndex((e) => e.name === 'bwd');  // events are in start order; backward is last
    const inBackward = (name: string) => prof.events.filter((e, i) => i > bwd && e.name === name && e.kind === 'op').length;
    // d/dx of ((0.5x + m)·m / (m+3) − m).sum(): one mul per mul node, one div; no sum to m's shape, no neg
    expect({ mul: inBackward('mul'), div: inBackward('div'), sum: inBackward('sum'), neg: inBackward('neg') }).toEqual({ mul: 2, div: 1, sum: 0, neg: 0 });
    const mv = m.dataSync(), g = x.grad!.dataSync();
    for (let i = 0; i < g.length; i++) expect(g[i]).toBeCloseTo(0.5 * mv[i % 15] / (mv[i % 15] + 3), 5);
    x.grad!.dispose(); x.dispose(); m.dispose();
  });
  test('.grad survives the scope that ran backward', () => {
    const a = xv([1, 2]);
    fl.scope(() => a.mul(a).sum().backward());
    expect(a.grad!.isDisposed).toBe(false);
    expect(Array.from(a.grad!.dataSync())).toEqual([2, 4]);
    fl.scope(() => a.sum().backward());     // accumulates into the surviving grad
    expect(Array.from(a.grad!.dataSync())).toEqual([3, 5]);
    a.dispose();                             // disposes its grad too
  });
  test('a finished graph, and a graph never used, leave no live tensors', () => {
    const base = fl.memory.stats().liveTensors;
    const a = xv([0.5, 1.5, -1]);
    const w = xv([1, 2, 3]);
    const baseLeaves = fl.memory.stats().liveTensors;
    expect(baseLeaves).toBe(base + 2);
    // used for backward: only the grads remain (saved tensors live outside scopes, so a node
    // that failed to free them would show here), and they go with their leaves
    fl.scope(() => {
      const h = a.mul(w).tanh();
      h.softmax(0).mul(h).sum().add(h.max(0).values).add(fl.sort(h).values.cumprod(0).sum()).backward();
    });
    expect(fl.memory.stats().liveTensors).toBe(baseLeaves + 2);  // a.grad and w.grad
    a.grad!.dispose(); a.grad = null; w.grad!.dispose(); w.grad = null;
    expect(fl.memory.stats().liveTensors).toBe(baseLeaves);
    // never used: disposing the outputs frees the saved tensors of every node
    fl.scope(() => {
      const h2 = a.exp().mul(w).cumsum(0);
      h2.logsumexp(0).add(h2.prod()).add(h2.gather(0, idx([2, 0])).var());
    });
    expect(fl.memory.stats().liveTensors).toBe(baseLeaves);
    // used with retainGraph, then dropped
    fl.scope(() => {
      const l3 = a.mul(w).softmax(0).logsumexp(0);
      l3.backward(undefined, { retainGraph: true });
    });
    expect(fl.memory.stats().liveTensors).toBe(baseLeaves + 2);
    a.dispose(); w.dispose();
    expect(fl.memory.stats().liveTensors).toBe(base);
  });
});

// ---- golden gradients from PyTorch ---------------------------------------------------------------

interface Enc { shape: number[]; values: number[] }
interface GoldenCase { inputs: Record<string, Enc>; consts: Record<string, Enc>; value: number; grads: Record<string, Enc> }
const GOLDEN: Record<string, GoldenCase> = JSON.parse(fs.readFileSync(path.join(__dirname, 'golden', 'grad.json'), 'utf8')).cases;

const COMPOSITES: Record<string, (v: Record<string, fl.Tensor>) => fl.Tensor> = {
  softmax_matmul: ({ x, w, t }) => fl.softmax(x.matmul(w), 1).mul(t).sum(),
  logsumexp: ({ x, t }) => fl.logsumexp(x.mul(2), 1).mul(t).sum(),
  var_std: ({ x }) => x.var(0).sum().add(x.std(1, { correction: 0 }).sum().mul(0.5)).add(x.var()),
  mlp: ({ x, w1, b1, w2, b2, y }) => {
    const h = x.matmul(w1).add(b1).tanh();
    const logits = h.matmul(w2).add(b2);
    return logits.logSoftmax(1).gather(1, y.unsqueeze(1)).mean().neg();
  },
  mixed: ({ x }) => {
    const keep = fl.arange(12, undefined, 1, { device: DEVICE }).reshape([3, 4]).ne(5);
    const z = x.mul(keep);
    const ramp = fl.arange(4, undefined, 1, { dtype: 'float64', device: DEVICE });
    return z.prod(1).sum().add(z.cumprod(1).sum()).add(x.max(1).values.sum())
      .add(fl.sort(x, 1).values.mul(ramp).sum()).add(fl.maskedSelect(x, x.gt(0)).square().sum());
  },
};

describe('golden gradients (PyTorch 1.13, float64)', () => {
  test.each(Object.keys(COMPOSITES))('%s', (name) => {
    const g = GOLDEN[name];
    fl.scope(() => {
      const vars: Record<string, fl.Tensor> = {};
      for (const [k, e] of Object.entries(g.inputs)) vars[k] = fl.tensor(e.values, { dtype: 'float64', device: DEVICE }).reshape(e.shape).requiresGrad_();
      for (const [k, e] of Object.entries(g.consts)) {
        const isInt = e.values.every((v) => Number.isInteger(v)) && k === 'y';
        vars[k] = fl.tensor(e.values, { dtype: isInt ? 'int32' : 'float64', device: DEVICE }).reshape(e.shape);
      }
      const out = COMPOSITES[name](vars);
      expect(Math.abs(out.item() - g.value)).toBeLessThanOrEqual(1e-10 * (1 + Math.abs(g.value)));
      out.backward();
      for (const [k, e] of Object.entries(g.grads)) {
        const got = Array.from(vars[k].grad!.dataSync());
        expect(vars[k].grad!.shape).toEqual(e.shape);
        got.forEach((v, i) => {
          if (!(Math.abs(v - e.values[i]) <= 1e-10 * (1 + Math.abs(e.values[i])))) {
            throw new Error(`${name}: grad of ${k} element ${i}: got ${v}, PyTorch ${e.values[i]}`);
          }
        });
      }
    });
  });
});
