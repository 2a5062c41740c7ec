// arity.test.ts — nothing a user passes is silently ignored: every function exported by fl (the
// nn.functional activations are the same functions) and every public Tensor method refuses one
// argument beyond those it declares, with a ValueError that names it and shows the extra value
// (lib/args.ts: tooManyArgs for fixed parameters, a signature's parse or takeSizes for the rest).
// PyTorch's `relu(x, True)` (inplace) is the case that motivates it: it must fail, not run
// out of place.
//
// The enumeration walks fl's exports and Tensor.prototype's own names: each function is in CALLS
// (a full valid call: every declared positional argument, so that the same call plus one extra
// must fail while the call itself succeeds), derived from the elementwise op codes, or in an
// allow-list that says why. A new export or method fails the test until it is placed.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fl from '../lib';
import { BINARY, UNARY } from '../lib/ops/codes';

const EXTRA = 7;
type Args = unknown[];

/** Inputs, made fresh inside the test's scope. */
function inputs() {
  const x = fl.ones(2, 3);
  return {
    x, x1: fl.ones(1, 3), xT: fl.ones(3, 2), v3: fl.ones(3), b: fl.ones(1, 2, 3), bT: fl.ones(1, 3, 2), s: fl.ones(1),
    mask: fl.gt(x, 0), idx: fl.zeros([1, 3], { dtype: 'int32' }), i1: fl.tensor([0], { dtype: 'int32' }), probs: fl.full([3], 0.5),
  };
}
type In = ReturnType<typeof inputs>;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-arity-'));
const file = path.join(tmp, 't.safetensors');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// ---- fl's functions: a full valid call each --------------------------------------------------------
const BINARY_ALPHA = new Set(['add', 'sub']);
const CALLS: Record<string, (i: In) => Args> = {
  div: ({ x }) => [x, x, 'floor'], leakyRelu: ({ x }) => [x, 0.1], gelu: ({ x }) => [x, 'tanh'], clamp: ({ x }) => [x, 0, 1],
  maskedFill: ({ x, mask }) => [x, mask, 0], where: ({ x, mask }) => [mask, x, 0],
  // views (sizes in the one-array form: an extra number after the numbers form is one more size)
  view: ({ x }) => [x, [3, 2]], reshape: ({ x }) => [x, [3, 2]], permute: ({ x }) => [x, [1, 0]], expand: ({ x1 }) => [x1, [2, 3]],
  repeat: ({ x }) => [x, [1, 1]], broadcastTo: ({ x1 }) => [x1, [2, 3]], flatten: ({ x }) => [x, 0, 1], squeeze: ({ x }) => [x, 0],
  unsqueeze: ({ x }) => [x, 0], transpose: ({ x }) => [x, 0, 1], narrow: ({ x }) => [x, 0, 0, 1], select: ({ x }) => [x, 0, 0],
  slice: ({ x }) => [x, 0, 0, 1, 1], diagonal: ({ x }) => [x, 0, 0, 1], contiguous: ({ x }) => [x], clone: ({ x }) => [x],
  cat: ({ x }) => [[x, x], 0], stack: ({ x }) => [[x, x], 0], split: ({ x }) => [x, 1, 0], chunk: ({ x }) => [x, 2, 0],
  unbind: ({ x }) => [x, 0], roll: ({ x }) => [x, 1, 0], to: ({ x }) => [x, 'float64', {}],
  // reductions, along-dim ops, sorting
  ...Object.fromEntries(['sum', 'prod', 'mean', 'amax', 'amin', 'logsumexp', 'all', 'any', 'max', 'min', 'argmax', 'argmin', 'median']
    .map((n) => [n, ({ x }: In) => [x, 0, true]])),
  var: ({ x }) => [x, 0, true, true], std: ({ x }) => [x, 0, true, true],  // input, dim, unbiased, keepdim (torch's)
  ...Object.fromEntries(['softmax', 'logSoftmax', 'cumsum', 'cumprod'].map((n) => [n, ({ x }: In) => [x, 0, 'float64']])),
  cummax: ({ x }) => [x, 0], cummin: ({ x }) => [x, 0], logcumsumexp: ({ x }) => [x, 0],
  polygamma: ({ x }) => [1, x], mvlgamma: ({ x }) => [x.add(2), 2],  // torch.polygamma(n, input), torch.mvlgamma(input, p)
  sort: ({ x }) => [x, 0, true, true], argsort: ({ x }) => [x, 0, true], topk: ({ x }) => [x, 1, 0, true, true], kthvalue: ({ x }) => [x, 1, 0, true],
  // indexing
  gather: ({ x, idx }) => [x, 0, idx], scatter: ({ x, idx }) => [x, 0, idx, x], scatterAdd: ({ x, idx }) => [x, 0, idx, x],
  indexSelect: ({ x, i1 }) => [x, 0, i1], takeAlongDim: ({ x, idx }) => [x, idx, 0], maskedSelect: ({ x, mask }) => [x, mask],
  triu: ({ x }) => [x, 0], tril: ({ x }) => [x, 0], nonzero: ({ x }) => [x, {}], flip: ({ x }) => [x, [0]],
  indexPut: ({ x, i1 }) => [x, [i1], 0, {}],
  // matmul family
  matmul: ({ x, xT }) => [x, xT], mm: ({ x, xT }) => [x, xT], bmm: ({ b, bT }) => [b, bT], mv: ({ x, v3 }) => [x, v3],
  dot: ({ v3 }) => [v3, v3], outer: ({ v3 }) => [v3, v3],
  norm: ({ x }) => [x, 2, 0, true], cdist: ({ x }) => [x, x, 2],  // (their keyword options: dtype, computeMode)
  svd: ({ x }) => [x, true, true], qr: ({ x }) => [x, true],  // the deprecated torch.svd / torch.qr (fl.linalg has the rest)
  // torch.linalg's top-level aliases (lib/ops/linalg.ts): square inputs
  inverse: () => [fl.eye(3)], det: () => [fl.eye(3)], logdet: () => [fl.eye(3)], slogdet: () => [fl.eye(3)], matrixExp: () => [fl.eye(3)],
  matrixPower: () => [fl.eye(3), 2], choleskySolve: ({ xT }) => [xT, fl.eye(3), false], choleskyInverse: () => [fl.eye(3), false],
  cholesky: () => [fl.eye(3), false], triangularSolve: () => [fl.ones(3, 2), fl.eye(3), true, false, false],
  cross: ({ xT }) => [xT, xT, 0],
  // shapes and counting (lib/ops/reshaping.ts, lib/ops/counting.ts)
  diff: ({ x }) => [x, 1, 0, null, null], tensordot: ({ x, xT }) => [x, xT, 1], kron: ({ x }) => [x, x], trace: ({ x }) => [x], diag: ({ x }) => [x, 0],
  diagEmbed: ({ x }) => [x, 0, 0, 1], diagflat: ({ x }) => [x, 0], trilIndices: () => [2, 2, 0, {}], triuIndices: () => [2, 2, 0, {}], logspace: () => [0, 1, 2, 10, {}],
  hstack: ({ x }) => [[x, x]], vstack: ({ x }) => [[x, x]], rowStack: ({ x }) => [[x, x]], dstack: ({ x }) => [[x, x]], columnStack: ({ x }) => [[x, x]],
  movedim: ({ x }) => [x, 0, 1], moveaxis: ({ x }) => [x, 0, 1], swapaxes: ({ x }) => [x, 0, 1], swapdims: ({ x }) => [x, 0, 1], unflatten: ({ x }) => [x, 1, [3, 1]],
  take: ({ x, idx }) => [x, idx], indexAdd: ({ x, i1, x1 }) => [x, 0, i1, x1, {}], indexCopy: ({ x, i1, x1 }) => [x, 0, i1, x1], indexFill: ({ x, i1 }) => [x, 0, i1, 0],
  repeatInterleave: ({ x }) => [x, 2, 0, {}], tile: ({ x }) => [x, [1, 1]], rot90: ({ x }) => [x, 1, [0, 1]], fliplr: ({ x }) => [x], flipud: ({ x }) => [x],
  tensorSplit: ({ x }) => [x, 2, 1], hsplit: ({ x }) => [x, 3], vsplit: ({ x }) => [x, 2], dsplit: ({ b }) => [b, [1]], combinations: ({ v3 }) => [v3, 2, false],
  selectScatter: ({ x, v3 }) => [x, v3, 0, 0], sliceScatter: ({ x }) => [x, x, 0, null, null, 1], diagonalScatter: ({ x }) => [x, fl.ones(2), 0, 0, 1],
  trapezoid: ({ x }) => [x, null, {}], cumulativeTrapezoid: ({ x }) => [x, null, {}], bincount: ({ i1 }) => [i1, null, 0], histc: ({ x }) => [x, 2, 0, 1],
  unique: ({ x }) => [x, true, false, false, null], uniqueConsecutive: ({ x }) => [x, false, false, null], searchsorted: ({ v3 }) => [v3, v3, {}], bucketize: ({ v3 }) => [v3, v3, {}],
  // lib/ops/pointwise.ts
  lerp: ({ x }) => [x, x, 0.5], addcmul: ({ x }) => [x, x, x, {}], addcdiv: ({ x }) => [x, x, x, {}], hypot: ({ x }) => [x, x], logaddexp: ({ x }) => [x, x],
  logaddexp2: ({ x }) => [x, x], xlogy: ({ x }) => [x, x], logit: ({ x }) => [x, 0.1], sinc: ({ x }) => [x], fmod: ({ x }) => [x, 2], copysign: ({ x }) => [x, x],
  // lib/ops/misc.ts: torch's remaining compositions and aliases
  isin: ({ x }) => [x, x, {}], argwhere: ({ x }) => [x], clip: ({ x }) => [x, 0, 1], absolute: ({ x }) => [x], negative: ({ x }) => [x], fix: ({ x }) => [x],
  arccos: ({ x }) => [x], arcsin: ({ x }) => [x], arccosh: ({ x }) => [x.add(1)], arcsinh: ({ x }) => [x], arctanh: ({ x }) => [x.mul(0.5)], arctan: ({ x }) => [x], arctan2: ({ x }) => [x, x], multiply: ({ x }) => [x, x], divide: ({ x }) => [x, x, 'floor'],
  subtract: ({ x }) => [x, x, 2], ger: ({ v3 }) => [v3, v3], trapz: ({ x }) => [x, null, {}], isSameSize: ({ x }) => [x, x], isNonzero: ({ s }) => [s],
  canCast: () => ['float32', 'int32'], msort: ({ x }) => [x], mode: ({ x }) => [x, 0, true], nanmedian: ({ x }) => [x, 0, true], renorm: ({ x }) => [x, 2, 0, 1],
  vander: ({ v3 }) => [v3, 2, true], histogram: ({ x }) => [x, 2, {}], gradient: ({ x }) => [x, {}], vdot: ({ v3 }) => [v3, v3], inner: ({ x }) => [x, x],
  dist: ({ x }) => [x, x, 2], pdist: ({ x }) => [x, 2], maskedScatter: ({ x, mask }) => [x, mask, x], asStrided: ({ x }) => [x, [2], [1], 0],
  emptyStrided: () => [[2], [1], {}], cosineSimilarity: ({ x }) => [x, x, 1, 1e-8], pairwiseDistance: ({ x }) => [x, x, 2, 1e-6, false],
  frobeniusNorm: ({ x }) => [x, [0, 1], true], nuclearNorm: ({ x }) => [x, [0, 1], true],
  nanToNum: ({ x }) => [x, 0, 1, -1, {}], clampMin: ({ x }) => [x, 0], clampMax: ({ x }) => [x, 1], deg2rad: ({ x }) => [x], rad2deg: ({ x }) => [x],
  frac: ({ x }) => [x], heaviside: ({ x }) => [x, x], signbit: ({ x }) => [x], sgn: ({ x }) => [x], floatPower: ({ x }) => [x, 2], trueDivide: ({ x }) => [x, x],
  // complex tensors (lib/ops/complex.ts)
  viewAsReal: ({ x }) => [fl.complex(x, x)], viewAsComplex: ({ xT }) => [xT], isComplex: ({ x }) => [x], real: ({ x }) => [fl.complex(x, x)],
  imag: ({ x }) => [fl.complex(x, x)], complex: ({ x }) => [x, x], polar: ({ x }) => [x, x], conj: ({ x }) => [fl.complex(x, x)],
  conjPhysical: ({ x }) => [x], resolveConj: ({ x }) => [x], angle: ({ x }) => [fl.complex(x, x)], vdot: ({ v3 }) => [v3, v3],
  positive: ({ x }) => [x], addmm: ({ s, x, xT }) => [s, x, xT, {}], addmv: ({ s, x, v3 }) => [s, x, v3, {}], addbmm: ({ s, b, bT }) => [s, b, bT, {}],
  baddbmm: ({ s, b, bT }) => [s, b, bT, {}], addr: ({ x, v3 }) => [x, fl.ones(2), v3, {}], nansum: ({ x }) => [x, 0, true, {}], nanmean: ({ x }) => [x, 0, true, {}],
  aminmax: ({ x }) => [x, {}], stdMean: ({ x }) => [x, 0, true, true], varMean: ({ x }) => [x, 0, true, true], countNonzero: ({ x }) => [x, 0],
  isclose: ({ x }) => [x, x, 1e-5, 1e-8, false, {}], allclose: ({ x }) => [x, x, 1e-5, 1e-8, false, {}], equal: ({ x }) => [x, x], cov: ({ x }) => [x, {}],
  corrcoef: ({ x }) => [x], quantile: ({ x }) => [x, 0.5, 0, true, {}], nanquantile: ({ x }) => [x, 0.5, 0, true, {}],
  // the window functions (lib/ops/windows.ts) and stft / istft (lib/ops/stft.ts)
  hannWindow: () => [4, true, {}], hammingWindow: () => [4, true, 0.54, 0.46, {}], blackmanWindow: () => [4, true, {}], bartlettWindow: () => [4, true, {}],
  kaiserWindow: () => [4, true, 12, {}],
  stft: () => [fl.ones(16), 8, 2, 8, null, true, 'reflect', false, null, true, {}],
  istft: () => [fl.stft(fl.ones(16), 8, { returnComplex: true, window: fl.hannWindow(8) }), 8, 2, 8, fl.hannWindow(8), true, false, null, null, false, {}],
  // creation and random
  tensor: () => [[1], {}], empty: () => [[2], {}], zeros: () => [[2], {}], ones: () => [[2], {}], full: () => [[2], 1, {}],
  zerosLike: ({ x }) => [x, {}], onesLike: ({ x }) => [x, {}], emptyLike: ({ x }) => [x, {}], fullLike: ({ x }) => [x, 1, {}],
  arange: () => [0, 2, 1, {}], linspace: () => [0, 1, 2, {}], eye: () => [2, 2, {}], rand: () => [[2], {}], randn: () => [[2], {}],
  normal: () => [0, 1, [2], {}], randLike: ({ x }) => [x, {}], randnLike: ({ x }) => [x, {}], randint: () => [0, 3, [2], {}],
  randperm: () => [3, {}], bernoulli: ({ probs }) => [probs, {}], multinomial: ({ probs }) => [probs, 1, true, {}],
  initialSeed: () => [], getRngState: () => [], setRngState: () => [fl.getRngState()], manualSeed: () => [fl.initialSeed()], seed: () => [],
  // torch's global defaults (lib/defaults.ts, lib/device.ts, lib/print-options.ts): each call leaves the default in place
  setDefaultDtype: () => ['float32'], getDefaultDtype: () => [], device: () => ['cuda', 1],
  setPrintoptions: () => [4, 1000, 3, 80, 'default', null], getPrintoptions: () => [],
  // grad mode, scopes, dtypes, files
  scope: () => [() => 1], noGrad: () => [() => 1], enableGrad: () => [() => 1], setGradEnabled: () => [fl.isGradEnabled()],
  isGradEnabled: () => [], autocast: () => ['bfloat16', () => 1], promoteTypes: () => ['float32', 'int32'], isFloating: () => ['float32'],
  gradcheck: () => [(a: fl.Tensor) => a.mul(2), [fl.ones([2], { dtype: 'float64', requiresGrad: true })], {}],
  saveSync: ({ x }) => [{ x }, file, {}], save: ({ x }) => [{ x }, file, {}],
  loadSync: () => [file, {}], load: () => [file, {}], loadMetadataSync: () => [file], loadMetadata: () => [file],
};
// lib/ops/bitwise.ts (integer operands) and scatterReduce
const I = (): fl.Tensor => fl.ones([2, 3], { dtype: 'int32' });
for (const n of ['bitwiseAnd', 'bitwiseOr', 'bitwiseXor', 'bitwiseLeftShift', 'bitwiseRightShift', 'gcd', 'lcm']) CALLS[n] = () => [I(), I()];
Object.assign(CALLS, {
  bitwiseNot: () => [I()], ldexp: ({ x }: In) => [x, I()], frexp: ({ x }: In) => [x], igamma: ({ x }: In) => [x, x], igammac: ({ x }: In) => [x, x],
  scatterReduce: ({ x, idx }: In) => [x, 0, idx, x, 'sum', {}],
});
// lib/ops/misc2.ts: the API-gap survey's functions
Object.assign(CALLS, {
  finfo: () => ['float32'], iinfo: () => ['int32'], isTensor: ({ x }: In) => [x], numel: ({ x }: In) => [x], isFloatingPoint: ({ x }: In) => [x],
  isposinf: ({ x }: In) => [x], isneginf: ({ x }: In) => [x], isreal: ({ x }: In) => [x], fmax: ({ x }: In) => [x, x], fmin: ({ x }: In) => [x, x],
  greater: ({ x }: In) => [x, x], greaterEqual: ({ x }: In) => [x, x], less: ({ x }: In) => [x, x], lessEqual: ({ x }: In) => [x, x], notEqual: ({ x }: In) => [x, x],
  concat: ({ x }: In) => [[x, x], 0], concatenate: ({ x }: In) => [[x, x], 0], t: ({ x }: In) => [x], ravel: ({ x }: In) => [x], adjoint: ({ x }: In) => [x],
  pinverse: ({ x }: In) => [x, 1e-15], rsub: ({ x }: In) => [x, x, 2], asTensor: ({ x }: In) => [x, {}], randintLike: ({ x }: In) => [x, 0, 3, {}],
  inferenceMode: () => [true, () => 1], isInferenceModeEnabled: () => [], setNumThreads: () => [fl.getNumThreads()], getNumThreads: () => [],
  // lib/deterministic.ts (the full call leaves the flag off, as it was)
  useDeterministicAlgorithms: () => [false, { warnOnly: false }], areDeterministicAlgorithmsEnabled: () => [], isDeterministicAlgorithmsWarnOnlyEnabled: () => [],
});
// lib/ops/misc3.ts: the second API-gap round; lib/index.ts: torch's top-level names of F's functions
const o = (...shape: number[]): fl.Tensor => fl.ones(shape);
Object.assign(CALLS, {
  detach: ({ x }: In) => [x], isConj: ({ x }: In) => [x], isNeg: ({ x }: In) => [x], resolveNeg: ({ x }: In) => [x], isInference: ({ x }: In) => [x],
  isSigned: ({ x }: In) => [x], splitWithSizes: ({ x }: In) => [x, [1, 1], 0], setFloat32MatmulPrecision: () => [fl.getFloat32MatmulPrecision()],
  put: ({ x }: In) => [x, fl.tensor([0], { dtype: 'int32' }), fl.ones(1), {}],
  getFloat32MatmulPrecision: () => [],
  conv1d: () => [o(1, 1, 4), o(1, 1, 2), null, 1, 0, 1, 1], conv2d: () => [o(1, 1, 4, 4), o(1, 1, 2, 2), null, 1, 0, 1, 1],
  conv3d: () => [o(1, 1, 3, 3, 3), o(1, 1, 2, 2, 2), null, 1, 0, 1, 1],
  convTranspose1d: () => [o(1, 1, 3), o(1, 1, 2), null, 1, 0, 0, 1, 1], convTranspose2d: () => [o(1, 1, 3, 3), o(1, 1, 2, 2), null, 1, 0, 0, 1, 1],
  convTranspose3d: () => [o(1, 1, 2, 2, 2), o(1, 1, 2, 2, 2), null, 1, 0, 0, 1, 1],
  avgPool1d: () => [o(1, 1, 4), 2, 2, 0, false, true], maxPool1d: () => [o(1, 1, 4), 2, 2, 0, 1, false, false],
  maxPool2d: () => [o(1, 1, 4, 4), 2, 2, 0, 1, false, false], maxPool3d: () => [o(1, 1, 2, 2, 2), 2, 2, 0, 1, false, false],
  adaptiveAvgPool1d: () => [o(1, 1, 4), 2], pixelShuffle: () => [o(1, 4, 1, 1), 2], pixelUnshuffle: () => [o(1, 1, 2, 2), 2], channelShuffle: () => [o(1, 4, 1, 1), 2],
  celu: ({ x }: In) => [x, 1, false], selu: ({ x }: In) => [x, false], hardshrink: ({ x }: In) => [x, 0.5], prelu: ({ x }: In) => [x, o(1)],
  bilinear: () => [o(2, 3), o(2, 3), o(4, 3, 3), null], threshold: ({ x }: In) => [x, 0.5, 0, false], rrelu: ({ x }: In) => [x, 0.1, 0.3, false, false],
  dropout: ({ x }: In) => [x, 0.5, false], alphaDropout: ({ x }: In) => [x, 0.5, false], featureAlphaDropout: ({ x }: In) => [x, 0.5, false],
  layerNorm: ({ x }: In) => [x, [3], null, null, 1e-5], groupNorm: () => [o(1, 2, 3), 1, null, null, 1e-5],
  relu_: ({ x }: In) => [x], selu_: ({ x }: In) => [x], celu_: ({ x }: In) => [x, 1], threshold_: ({ x }: In) => [x, 0.5, 0], rrelu_: ({ x }: In) => [x, 0.1, 0.3, false],
});
// lib/ops/misc4.ts's samplers; torch.lu_unpack (lib/ops/linalg.ts)
Object.assign(CALLS, {
  poisson: ({ probs }: In) => [probs, null], binomial: ({ probs }: In) => [probs, probs, null],
  luUnpack: () => [fl.eye(2), fl.tensor([1, 2], { dtype: 'int32' }), true, true],
});
// the elementwise table's functions (a code without a public function of its name, geluTanh, is skipped)
for (const c of Object.keys(UNARY)) if (!(c in CALLS) && c in fl) CALLS[c] = ({ x }) => [x];
for (const c of Object.keys(BINARY)) if (!(c in CALLS) && c in fl) CALLS[c] = ({ x }) => (BINARY_ALPHA.has(c) ? [x, x, 2] : [x, x]);

/** Calls whose first argument is made outside the test's scope, or that need state: extra checked only. */
const EXTRA_ONLY: Record<string, string> = {
  keep: 'takes a tensor out of its scope (checked below with its own dispose)',
  saveCheckpoint: 'needs a model; the arity check comes first', saveCheckpointSync: 'needs a model; the arity check comes first',
  loadCheckpoint: 'needs a checkpoint; the arity check comes first', loadCheckpointSync: 'needs a checkpoint; the arity check comes first',
};

/** fl exports that are not checked here, and why. */
const NOT_FIXED_ARITY: Record<string, string> = {
  index: 'index(x, ...specs): one spec per dim, variadic as x[...] in PyTorch',
  einsum: 'einsum(equation, ...operands): variadic as torch.einsum',
  checkpoint: 'checkpoint(fn, ...inputs): the inputs are variadic, as torch.utils.checkpoint',
  resultType: 'resultType(...operands): variadic',
  meshgrid: 'meshgrid(...tensors, options): variadic as torch.meshgrid', blockDiag: 'blockDiag(...tensors): variadic as torch.block_diag',
  cartesianProd: 'cartesianProd(...tensors): variadic as torch.cartesian_prod', atleast1d: 'atleast1d(...tensors): variadic as torch.atleast_1d',
  atleast2d: 'atleast2d(...tensors): variadic as torch.atleast_2d', atleast3d: 'atleast3d(...tensors): variadic as torch.atleast_3d',
  broadcastShapes: 'broadcastShapes(...shapes): variadic as torch.broadcast_shapes', broadcastTensors: 'broadcastTensors(...tensors): variadic as torch.broadcast_tensors',
  chainMatmul: 'chainMatmul(...matrices): variadic as torch.chain_matmul',
};
/** Internal helpers other modules share (@internal in their TSDoc, stripped from the .d.ts). */
const INTERNAL = ['fillInPlace', 'asTensorArg', 'commonDevice', 'operand', 'checkInplace', 'refuseInternalOverlap', 'basicIndex', 'parseSlice', 'valuesIndices',
  'needIndex', 'scatterIntoZeros', 'checkInt32', 'philoxRaw', 'geluBackward', 'reluBackward', 'checkFillValue', 'writeBack'];

function isClass(v: unknown): boolean { return typeof v === 'function' && /^class\b/.test(Function.prototype.toString.call(v)); }

async function expectRefused(name: string, f: () => unknown): Promise<void> {
  let thrown: unknown;
  try { await f(); } catch (e) { thrown = e; }
  if (!(thrown instanceof fl.ValueError)) throw new Error(`${name} with one extra argument ${EXTRA}: expected a ValueError, got ${thrown === undefined ? 'no error' : String(thrown)}`);
  expect(thrown.message.startsWith(`${name}: `)).toBe(true);
}

/** Runs `f` on fresh inputs in a scope (an async one: fl.load's tensors are made after an await). */
async function inScope(f: (i: In) => unknown): Promise<void> {
  await fl.scope(async () => { await f(inputs()); });
}

describe('every function export of fl refuses an argument beyond those it declares', () => {
  const exported = Object.entries(fl).filter(([k, v]) => typeof v === 'function' && !isClass(v) && !INTERNAL.includes(k));
  test('each function is placed', () => {
    const unplaced = exported.map(([k]) => k).filter((k) => !(k in CALLS) && !(k in EXTRA_ONLY) && !(k in NOT_FIXED_ARITY));
    expect(unplaced).toEqual([]);
    for (const k of [...Object.keys(CALLS), ...Object.keys(EXTRA_ONLY), ...Object.keys(NOT_FIXED_ARITY), ...INTERNAL]) {
      expect([k, typeof (fl as any)[k]]).toEqual([k, 'function']);
    }
  });
  test.each(Object.keys(CALLS))('%s', async (name) => {
    const f = (fl as any)[name] as (...a: unknown[]) => unknown;
    if (name === 'save' || name === 'saveSync' || name.startsWith('load')) await inScope((i) => (fl.saveSync as any)({ x: i.x }, file));
    await inScope((i) => f(...CALLS[name](i)));   // the full call is valid
    await inScope((i) => expectRefused(name, () => f(...CALLS[name](i), EXTRA)));
  });
  test.each(Object.keys(EXTRA_ONLY))('%s', async (name) => {
    const f = (fl as any)[name] as (...a: unknown[]) => unknown;
    const n = name === 'keep' ? 1 : 2;
    await expectRefused(name, () => f(...new Array(n).fill(undefined), EXTRA));
    if (name === 'keep') {
      const t = fl.scope(() => fl.keep(fl.ones(1)));
      try { expect(t.isDisposed).toBe(false); } finally { t.dispose(); }
    }
  });
});

// ---- nn.init, nn.utils and nn.Parameter: fixed-arity functions outside nn.functional's signatures
class LoraNet extends fl.nn.Module {
  fc = new fl.nn.Linear(3, 3);
  forward(x: fl.Tensor): fl.Tensor { return this.fc.forward(x); }
}
const NN_CALLS: Record<string, (i: In) => Args> = {
  'init.calculateGain': () => ['leakyRelu', 0.2], 'init.uniform_': ({ x }) => [x, 0, 1], 'init.normal_': ({ x }) => [x, 0, 1],
  'init.constant_': ({ x }) => [x, 1], 'init.zeros_': ({ x }) => [x], 'init.ones_': ({ x }) => [x],
  'init.kaimingUniform_': ({ x }) => [x, {}], 'init.kaimingNormal_': ({ x }) => [x, {}], 'init.xavierUniform_': ({ x }) => [x, 1],
  'init.xavierNormal_': ({ x }) => [x, 1], 'init.orthogonal_': ({ x }) => [x, 1], 'utils.clipGradNorm': ({ x }) => [[x], 1, 2, false], 'utils.clipGradValue': ({ x }) => [[x], 1],
  Parameter: ({ x }) => [x.clone(), false], isParameter: ({ x }) => [x],
  'utils.lora': () => [new LoraNet(), { targetModules: ['fc'] }],
  // the legacy weight/spectral norm hooks, parametersToVector / vectorToParameters (lib/nn/utils-extra.ts)
  'utils.weightNorm': () => [new fl.nn.Linear(3, 3), 'weight', 0], 'utils.removeWeightNorm': () => [fl.nn.utils.weightNorm(new fl.nn.Linear(3, 3)), 'weight'],
  'utils.spectralNorm': () => [new fl.nn.Linear(3, 3), 'weight', 1, 1e-12, 0], 'utils.removeSpectralNorm': () => [fl.nn.utils.spectralNorm(new fl.nn.Linear(3, 3)), 'weight'],
  'utils.parametersToVector': ({ x }) => [[x]], 'utils.vectorToParameters': ({ x }) => [fl.zeros(6), [x.clone()]],
  // nn.utils.parametrize, fusion, stateless (parametrizations.weightNorm / spectralNorm / orthogonal are named 'parametrizations.…' in their errors: args.test.ts checks them)
  'utils.parametrize.registerParametrization': () => [new fl.nn.Linear(3, 3), 'weight', new fl.nn.Identity(), { unsafe: false }],
  'utils.parametrize.removeParametrizations': () => [fl.nn.utils.parametrize.registerParametrization(new fl.nn.Linear(3, 3), 'weight', new fl.nn.Identity()), 'weight', true],
  'utils.parametrize.isParametrized': () => [new fl.nn.Linear(3, 3), 'weight'], 'utils.parametrize.cached': () => [() => 0],
  'utils.fusion.fuseConvBnEval': () => [new fl.nn.Conv1d(1, 1, 1).eval(), new fl.nn.BatchNorm1d(1).eval(), false],
  'utils.fusion.fuseLinearBnEval': () => [new fl.nn.Linear(1, 1).eval(), new fl.nn.BatchNorm1d(1).eval()],
  'utils.fusion.fuseConvBnWeights': () => [fl.ones(1, 1, 1), fl.ones(1), fl.zeros(1), fl.ones(1), 1e-5, fl.ones(1), fl.zeros(1), false],
  'utils.fusion.fuseLinearBnWeights': () => [fl.ones(1, 1), fl.ones(1), fl.zeros(1), fl.ones(1), 1e-5, fl.ones(1), fl.zeros(1)],
  'utils.stateless.functionalCall': ({ x }) => [new fl.nn.Linear(3, 3), {}, [x], null],
  // nn.utils.rnn (lib/nn/packed.ts): PyTorch's whole positional form of each
  'utils.rnn.padSequence': () => [[fl.ones([2, 1]), fl.ones([1, 1])], false, 0],
  'utils.rnn.packSequence': () => [[fl.ones([2, 1]), fl.ones([1, 1])], true],
  'utils.rnn.packPaddedSequence': () => [fl.ones([2, 2, 1]), [2, 1], false, true],
  'utils.rnn.padPackedSequence': () => [fl.nn.utils.rnn.packSequence([fl.ones([2, 1]), fl.ones([1, 1])]), false, 0, null],
  'utils.rnn.unpackSequence': () => [fl.nn.utils.rnn.packSequence([fl.ones([2, 1]), fl.ones([1, 1])])],
  'utils.rnn.unpadSequence': () => [fl.ones([2, 2, 1]), [2, 1], false],
  // nn.init's truncNormal_, eye_, dirac_ (lib/nn/init-gumbel.ts)
  'init.truncNormal_': ({ x }) => [x, 0, 1, -2, 2], 'init.eye_': ({ x }) => [x], 'init.dirac_': () => [fl.empty(2, 2, 3), 1],
  // nn.utils.prune (lib/nn/prune.ts): torch's whole positional form of each
  'utils.prune.identity': () => [new fl.nn.Linear(3, 3), 'weight'], 'utils.prune.randomUnstructured': () => [new fl.nn.Linear(3, 3), 'weight', 2],
  'utils.prune.l1Unstructured': () => [new fl.nn.Linear(3, 3), 'weight', 0.5, null], 'utils.prune.randomStructured': () => [new fl.nn.Linear(3, 3), 'weight', 1, 0],
  'utils.prune.lnStructured': () => [new fl.nn.Linear(3, 3), 'weight', 1, 2, 0, null], 'utils.prune.customFromMask': () => [new fl.nn.Linear(3, 3), 'bias', fl.ones(3)],
  'utils.prune.globalUnstructured': () => [[[new fl.nn.Linear(3, 3), 'weight']], fl.nn.utils.prune.L1Unstructured, null, { amount: 2 }],
  'utils.prune.remove': () => [fl.nn.utils.prune.identity(new fl.nn.Linear(3, 3), 'weight'), 'weight'], 'utils.prune.isPruned': () => [new fl.nn.Linear(3, 3)],
};
/** nn.init's helper that takes the caller's op name (used by the layers), and the aliases without `_` (the same functions). */
const NN_INTERNAL = ['init.calculateFans', ...['kaimingUniform', 'kaimingNormal', 'xavierUniform', 'xavierNormal', 'orthogonal', 'uniform', 'normal', 'constant', 'zeros', 'ones',
  'truncNormal', 'eye', 'dirac'].map((k) => `init.${k}`),
  // torch's names of clipGradNorm / clipGradValue (the same functions, checked under their own names above)
  'utils.clipGradNorm_', 'utils.clipGradValue_'];
describe('nn.init, nn.utils and nn.Parameter refuse an argument beyond those they declare', () => {
  const get = (k: string): (...a: unknown[]) => unknown => k.split('.').reduce((o: any, p) => o[p], fl.nn);
  test('each function of nn.init and nn.utils is placed', () => {
    const all = [...Object.keys(fl.nn.init).map((k) => `init.${k}`), ...Object.keys(fl.nn.utils).map((k) => `utils.${k}`)]
      .filter((k) => typeof get(k) === 'function' && !isClass(get(k)));
    expect(all.filter((k) => !(k in NN_CALLS) && !NN_INTERNAL.includes(k))).toEqual([]);
  });
  test.each(Object.keys(NN_CALLS))('%s', async (name) => {
    const f = get(name);
    const short = name.split('.').pop()!;
    await inScope((i) => f(...NN_CALLS[name](i)));
    await inScope((i) => expectRefused(short, () => f(...NN_CALLS[name](i), EXTRA)));
  });
});

// ---- fl.special: its own functions (the aliases are fl's, checked above) -------------------------------
const SPECIAL_CALLS: Record<string, (i: In) => Args> = {
  i0e: ({ x }) => [x], i1: ({ x }) => [x], i1e: ({ x }) => [x], ndtr: ({ x }) => [x], ndtri: ({ probs }) => [probs], logNdtr: ({ x }) => [x],
  erfcx: ({ x }) => [x], entr: ({ x }) => [x], xlog1py: ({ x }) => [x, x], zeta: ({ x }) => [x.add(1), x],
  gammainc: ({ x }) => [x, x], gammaincc: ({ x }) => [x, x],
};
describe('fl.special refuses an argument beyond those it declares', () => {
  const own = Object.entries(fl.special).filter(([k, f]) => typeof f === 'function' && (fl as any)[k] !== f && !(k in { expit: 1, gammaln: 1, psi: 1, multigammaln: 1 }));
  test('each of its own functions is placed', () => {
    expect(own.map(([k]) => k).filter((k) => !(k in SPECIAL_CALLS))).toEqual([]);
  });
  test.each(Object.keys(SPECIAL_CALLS))('special.%s', async (name) => {
    const f = (fl.special as any)[name] as (...a: unknown[]) => unknown;
    await inScope((i) => f(...SPECIAL_CALLS[name](i)));
    await inScope((i) => expectRefused(name, () => f(...SPECIAL_CALLS[name](i), EXTRA)));
  });
});

// ---- fl.fft (lib/ops/fft.ts) --------------------------------------------------------------------------
const c3 = () => fl.complex(fl.ones(3), fl.ones(3));
const FFT_CALLS: Record<string, (i: In) => Args> = {
  ...Object.fromEntries(['fft', 'ifft', 'rfft', 'ihfft'].map((n) => [n, ({ v3 }: In) => [v3, null, -1, 'backward', {}]])),
  ...Object.fromEntries(['irfft', 'hfft'].map((n) => [n, () => [c3(), null, -1, 'backward', {}]])),
  ...Object.fromEntries(['fft2', 'ifft2', 'rfft2', 'ihfft2', 'fftn', 'ifftn', 'rfftn', 'ihfftn'].map((n) => [n, ({ x }: In) => [x, null, null, 'backward', {}]])),
  ...Object.fromEntries(['irfft2', 'hfft2', 'irfftn', 'hfftn'].map((n) => [n, ({ x }: In) => [fl.complex(x, x), null, [0, 1], 'backward', {}]])),
  fftfreq: () => [4, 1, {}], rfftfreq: () => [4, 1, {}], fftshift: ({ x }) => [x, null, {}], ifftshift: ({ x }) => [x, null, {}],
};
describe('fl.fft refuses an argument beyond those it declares', () => {
  test('each of its functions is placed', () => {
    expect(Object.keys(fl.fft).filter((k) => !(k in FFT_CALLS))).toEqual([]);
  });
  test.each(Object.keys(FFT_CALLS))('fft.%s', async (name) => {
    const f = (fl.fft as any)[name] as (...a: unknown[]) => unknown;
    await inScope((i) => f(...FFT_CALLS[name](i)));
    await inScope((i) => expectRefused(`fft.${name}`, () => f(...FFT_CALLS[name](i), EXTRA)));
  });
});

// ---- fl.autograd's anomaly detection and gradgradcheck (lib/anomaly.ts, lib/autograd-api.ts, lib/gradcheck.ts)
const AUTOGRAD_CALLS: Record<string, (i: In) => Args> = {
  setDetectAnomaly: () => [false, true, {}], isAnomalyEnabled: () => [], isAnomalyCheckNanEnabled: () => [],
  detectAnomaly: () => [() => 1, true, {}],
  gradgradcheck: () => [(a: fl.Tensor) => a.tanh(), [fl.ones([2], { dtype: 'float64', requiresGrad: true })], null, {}],
};
describe("fl.autograd's anomaly detection and gradgradcheck refuse an argument beyond those they declare", () => {
  test.each(Object.keys(AUTOGRAD_CALLS))('autograd.%s', async (name) => {
    const f = (fl.autograd as any)[name] as (...a: unknown[]) => unknown;
    await inScope((i) => f(...AUTOGRAD_CALLS[name](i)));
    await inScope((i) => expectRefused(`autograd.${name}`, () => f(...AUTOGRAD_CALLS[name](i), EXTRA)));
  });
});

// ---- Tensor methods ---------------------------------------------------------------------------------
const METHODS: Record<string, [receiver: (i: In) => fl.Tensor, args: (i: In) => Args]> = {};
const on = (names: string[], args: (i: In) => Args, receiver: (i: In) => fl.Tensor = ({ x }) => x): void => {
  for (const n of names) METHODS[n] = [receiver, args];
};
on(['div'], ({ x }) => [x, 'floor']);
on(['div_'], ({ x }) => [x]);
on(['gelu'], () => ['tanh']);
on(['leakyRelu'], () => [0.1]);
on(['clamp', 'clamp_'], () => [0, 1]);
on(['where'], ({ mask }) => [mask, 0]);
on(['maskedFill', 'maskedFill_'], ({ mask }) => [mask, 0]);
on(['view', 'reshape'], () => [[3, 2]]);
on(['permute'], () => [[1, 0]]);
on(['expand', 'broadcastTo'], () => [[2, 3]], ({ x1 }) => x1);
on(['repeat'], () => [[1, 1]]);
on(['flip'], () => [[0]]);
on(['flatten', 'transpose'], () => [0, 1]);
on(['squeeze', 'unsqueeze', 'unbind', 'size'], () => [0]);
on(['narrow'], () => [0, 0, 1]);
on(['select'], () => [0, 0]);
on(['slice'], () => [0, 0, 1, 1]);
on(['diagonal'], () => [0, 0, 1]);
on(['split'], () => [1, 0]);
on(['chunk'], () => [2, 0]);
on(['inverse', 'det', 'logdet', 'slogdet', 'matrixExp'], () => [], () => fl.eye(3));
on(['cholesky'], () => [false], () => fl.eye(3));
on(['matrixPower'], () => [2], () => fl.eye(3));
on(['cross'], ({ xT }) => [xT, 0], ({ xT }) => xT);
on(['roll'], () => [1, 0]);
on(['to'], () => ['float64', {}]);
on(['copy_'], ({ x }) => [x]);
on(['sum', 'prod', 'mean', 'amax', 'amin', 'logsumexp', 'all', 'any', 'max', 'min', 'argmax', 'argmin', 'median'], () => [0, true]);
on(['var', 'std'], () => [0, true, true]);
on(['softmax', 'logSoftmax', 'cumsum', 'cumprod'], () => [0, 'float64']);
on(['cummax', 'cummin', 'logcumsumexp'], () => [0]);
on(['polygamma', 'polygamma_', 'mvlgamma'], () => [1]);
on(['diff'], () => [1, 0, null, null]);
on(['kron'], ({ x }) => [x]);
on(['trace', 'fliplr', 'flipud'], () => []);
on(['diag', 'diagflat'], () => [0]);
on(['diagEmbed'], () => [0, 0, 1]);
on(['movedim', 'moveaxis', 'swapaxes', 'swapdims'], () => [0, 1]);
on(['unflatten'], () => [1, [3, 1]]);
on(['take'], ({ idx }) => [idx]);
on(['indexAdd', 'indexAdd_'], ({ i1, x1 }) => [0, i1, x1, {}]);
on(['indexCopy', 'indexCopy_'], ({ i1, x1 }) => [0, i1, x1]);
on(['indexFill', 'indexFill_'], ({ i1 }) => [0, i1, 0]);
on(['repeatInterleave'], () => [2, 0, {}]);
on(['tile'], () => [[1, 1]]);
on(['svd'], () => [true, true]);
on(['qr'], () => [true]);
on(['rot90'], () => [1, [0, 1]]);
on(['tensorSplit'], () => [2, 1]);
on(['hsplit'], () => [3]);
on(['vsplit'], () => [2]);
on(['dsplit'], () => [[1]], ({ b }) => b);
on(['selectScatter'], ({ v3 }) => [v3, 0, 0]);
on(['sliceScatter'], ({ x }) => [x, 0, null, null, 1]);
on(['diagonalScatter'], () => [fl.ones(2), 0, 0, 1]);
on(['stft'], () => [8, 2, 8, null, true, 'reflect', false, null, true, {}], () => fl.ones(16));
on(['istft'], () => [8, 2, 8, fl.hannWindow(8), true, false, null, null, false, {}], () => fl.stft(fl.ones(16), 8, { returnComplex: true, window: fl.hannWindow(8) }));
on(['bincount'], () => [null, 0], ({ i1 }) => i1);
on(['histc'], () => [2, 0, 1]);
on(['unique'], () => [true, false, false, null]);
on(['uniqueConsecutive'], () => [false, false, null]);
on(['sort'], () => [0, true, true]);
on(['argsort'], () => [0, true]);
on(['topk'], () => [1, 0, true, true]);
on(['kthvalue'], () => [1, 0, true]);
on(['gather'], ({ idx }) => [0, idx]);
on(['scatter', 'scatter_', 'scatterAdd', 'scatterAdd_'], ({ idx, x }) => [0, idx, x]);
on(['indexSelect'], ({ i1 }) => [0, i1]);
on(['takeAlongDim'], ({ idx }) => [idx, 0]);
on(['maskedSelect'], ({ mask }) => [mask]);
on(['triu', 'tril'], () => [0]);
on(['nonzero'], () => [{}]);
on(['indexPut', 'indexPut_'], ({ i1 }) => [[i1], 0, {}]);
on(['matmul', 'mm'], ({ xT }) => [xT]);
on(['bmm'], ({ bT }) => [bT], ({ b }) => b);
on(['mv'], ({ v3 }) => [v3]);
on(['dot', 'outer'], ({ v3 }) => [v3], ({ v3 }) => v3);
on(['norm'], () => [2, 0, true]);
// lib/ops/pointwise.ts
on(['lerp', 'lerp_'], ({ x }) => [x, 0.5]);
on(['addcmul', 'addcmul_', 'addcdiv', 'addcdiv_'], ({ x }) => [x, x, {}]);
on(['hypot', 'logaddexp', 'logaddexp2', 'xlogy', 'copysign', 'heaviside', 'trueDivide', 'equal'], ({ x }) => [x]);
on(['logit'], () => [0.1]);
on(['fmod', 'fmod_', 'floatPower'], () => [2]);
on(['nanToNum', 'nanToNum_'], () => [0, 1, -1, {}]);
on(['clampMin', 'clampMin_'], () => [0]);
on(['clampMax', 'clampMax_'], () => [1]);
on(['sinc', 'deg2rad', 'rad2deg', 'frac', 'signbit', 'sgn', 'positive', 'corrcoef'], () => []);
on(['isComplex', 'isConj', 'conj', 'conjPhysical', 'resolveConj', 'angle'], () => [], ({ x }) => fl.complex(x, x));
on(['vdot'], ({ v3 }) => [fl.complex(v3, v3)], ({ v3 }) => fl.complex(v3, v3));
on(['addmm'], ({ x, xT }) => [x, xT, {}], ({ s }) => s);
on(['addmv'], ({ x, v3 }) => [x, v3, {}], ({ s }) => s);
on(['addbmm', 'baddbmm'], ({ b, bT }) => [b, bT, {}], ({ s }) => s);
// lib/ops/misc.ts
on(['clip', 'clip_'], () => [0, 1]);
on(['absolute', 'absolute_', 'negative', 'negative_', 'fix', 'fix_', 'arccos', 'arccos_', 'arcsin', 'arcsin_', 'arcsinh', 'arcsinh_', 'arccosh', 'arccosh_', 'arctanh', 'arctanh_', 'asinh_', 'acosh_', 'atanh_', 'arctan', 'arctan_', 'argwhere', 'msort'], () => []);
on(['arctan2', 'arctan2_', 'multiply', 'multiply_', 'isSameSize', 'inner'], ({ x }) => [x]);
on(['divide', 'divide_'], ({ x }) => [x, 'floor']);
on(['subtract', 'subtract_'], ({ x }) => [x, 2]);
on(['ger', 'vdot'], ({ v3 }) => [v3], ({ v3 }) => v3);
on(['isNonzero'], () => [], ({ s }) => s);
on(['mode', 'nanmedian'], () => [0, true]);
on(['renorm'], () => [2, 0, 1]);
on(['histogram'], () => [2, {}]);
on(['dist'], ({ x }) => [x, 2]);
on(['maskedScatter', 'maskedScatter_'], ({ mask, x }) => [mask, x]);
on(['asStrided'], () => [[2], [1], 0]);
on(['addr'], ({ v3 }) => [fl.ones(2), v3, {}]);
on(['nansum', 'nanmean'], () => [0, true, {}]);
on(['aminmax', 'cov'], () => [{}]);
on(['countNonzero'], () => [0]);
on(['isclose', 'allclose'], ({ x }) => [x, 1e-5, 1e-8, false, {}]);
on(['quantile', 'nanquantile'], () => [0.5, 0, true, {}]);
on(['uniform_', 'normal_'], () => [0, 1]);
on(['bernoulli_'], () => [0.5]);
on(['bernoulli'], () => [], ({ probs }) => probs);
on(['multinomial'], () => [1, true], ({ probs }) => probs);
on(['fill_'], () => [1]);
on(['item'], () => [], ({ s }) => s);
on(['requiresGrad_'], () => [false]);
on(['registerPostAccumulateGradHook'], () => [() => undefined], () => fl.ones([1], { requiresGrad: true }));
on(['backward'], () => [null, false], () => fl.ones([1], { requiresGrad: true }).mul(2).sum());
on(['retainGrad'], () => [], () => fl.ones([1], { requiresGrad: true }).mul(2));
on(['registerHook'], () => [() => undefined], () => fl.ones([1], { requiresGrad: true }));
for (const n of ['float', 'double', 'half', 'bfloat16', 'int', 'byte', 'bool', 'contiguous', 'clone', 'cpu', 't', 'tolist', 'dim', 'long', 'zero_', 'isContiguous', 'detach', 'dataSync', 'data',
  'isPinned', 'toArray', 'toString']) on([n], () => []);
on(['bitwiseAnd', 'bitwiseAnd_', 'bitwiseOr', 'bitwiseOr_', 'bitwiseXor', 'bitwiseXor_', 'bitwiseLeftShift', 'bitwiseLeftShift_',
  'bitwiseRightShift', 'bitwiseRightShift_', 'gcd', 'gcd_', 'lcm', 'lcm_'], () => [I()], I);
on(['bitwiseNot', 'bitwiseNot_'], () => [], I);
on(['ldexp', 'ldexp_'], () => [I()]);
on(['frexp'], () => []);
on(['igamma', 'igamma_', 'igammac', 'igammac_'], ({ x }) => [x]);
on(['scatterReduce', 'scatterReduce_'], ({ idx, x }) => [0, idx, x, 'sum', {}]);
for (const c of Object.keys(UNARY)) if (!(c in METHODS)) { on([c], () => []); on([`${c}_`], () => []); }
for (const c of Object.keys(BINARY)) {
  if (c in METHODS) continue;
  on([c, `${c}_`], ({ x }) => (BINARY_ALPHA.has(c) ? [x, 2] : [x]));
}
// lib/ops/misc2.ts's methods (the *size ones in the one-array form: an extra number after the numbers form is one more size)
on(['expandAs'], ({ x }) => [x], ({ x1 }) => x1);
on(['viewAs', 'reshapeAs', 'typeAs', 'fmax', 'fmin', 'greater', 'greaterEqual', 'less', 'lessEqual', 'notEqual'], ({ x }) => [x]);
on(['newZeros', 'newOnes', 'newEmpty'], () => [[2], {}]);
on(['newFull'], () => [[2], 1, {}]);
on(['newTensor'], () => [[1, 2], {}]);
on(['sumToSize'], () => [[1, 3]]);
on(['unfold'], () => [1, 2, 1]);
on(['stride'], () => [0]);
on(['type'], () => ['float64']);  // Tensor.type (lib/ops/misc2.ts)
on(['isFloatingPoint', 'isSigned', 'ravel', 'elementSize', 'nelement', 'ndimension', 'getDevice', 'isposinf', 'isneginf', 'isreal', 'adjoint'], () => []);
on(['pinverse'], () => [1e-15]);
on(['tril_', 'triu_'], () => [0]);
on(['fillDiagonal_'], () => [1, false]);
on(['exponential_'], () => [1, {}]);
on(['cauchy_', 'logNormal_'], () => [0.5, 1, {}]);
on(['geometric_'], () => [0.5, {}]);
on(['random_'], () => [0, 3, {}]);
// lib/ops/misc3.ts's methods
on(['detach_'], () => [], ({ x }) => x.mul(1));
on(['unsqueeze_'], () => [0]);
on(['squeeze_'], () => [0]);
on(['transpose_', 'swapaxes_', 'swapdims_'], () => [0, 1]);
on(['t_', 'sgn_', 'frac_', 'sinc_', 'deg2rad_', 'rad2deg_', 'cfloat', 'cdouble', 'isNeg', 'resolveNeg', 'isInference'], () => []);
on(['logit_'], () => [0.1], ({ x }) => x.mul(0.5));
on(['greater_', 'greaterEqual_', 'less_', 'lessEqual_', 'notEqual_', 'hypot_', 'copysign_', 'trueDivide_', 'xlogy_', 'heaviside_'], ({ x }) => [x]);
on(['floatPower_'], () => [2], ({ x }) => x.double());
on(['addmm_'], ({ x, xT }) => [x, xT, {}], () => fl.ones(2, 2));
on(['addmv_'], ({ x, v3 }) => [x, v3, {}], () => fl.ones(2));
on(['addr_'], ({ v3 }) => [fl.ones(2), v3, {}]);
on(['baddbmm_'], ({ b, bT }) => [b, bT, {}], () => fl.ones(1, 2, 2));
on(['addbmm_'], ({ b, bT }) => [b, bT, {}], () => fl.ones(2, 2));
on(['cumsum_', 'cumprod_'], () => [0, {}]);
on(['splitWithSizes'], () => [[1, 1], 0]);
on(['put', 'put_'], () => [fl.tensor([0], { dtype: 'int32' }), fl.ones(1), {}]);
on(['choleskySolve'], () => [fl.eye(3), false], () => fl.ones(3, 2));
on(['choleskyInverse'], () => [false], () => fl.eye(3));
on(['triangularSolve'], () => [fl.eye(3), true, false, false], () => fl.ones(3, 2));
// lib/ops/misc4.ts's methods (resize_'s sizes in the one-array form: an extra number after the numbers form is one more size)
on(['resize_'], () => [[3, 2]]);
on(['resizeAs_'], ({ xT }) => [xT]);
// Methods whose valid call needs a GPU (or leaves the receiver unusable): extra checked only.
const METHOD_EXTRA_ONLY: Record<string, number> = { cuda: 2, pin: 0, recordStream: 1, dispose: 0, pinMemory: 0 };
/** Methods that take a variable number of arguments, and why. */
const METHOD_VARIADIC: Record<string, string> = { index: 'x.index(...specs): one spec per dim, as x[...] in PyTorch' };

describe('every Tensor method refuses an argument beyond those it declares', () => {
  const P = fl.Tensor.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const own = Object.getOwnPropertyNames(P).filter((k) => {
    const d = Object.getOwnPropertyDescriptor(P, k)!;
    // (a Node without Symbol.dispose names the `[Symbol.dispose]()` method 'undefined': not public)
    const noSymbolDispose = k === 'undefined' && (Symbol as { dispose?: symbol }).dispose === undefined;
    return k !== 'constructor' && !k.startsWith('_') && !noSymbolDispose && typeof d.value === 'function';
  });
  test('each method is placed', () => {
    expect(own.length).toBeGreaterThan(150);
    const unplaced = own.filter((k) => !(k in METHODS) && !(k in METHOD_EXTRA_ONLY) && !(k in METHOD_VARIADIC));
    expect(unplaced).toEqual([]);
  });
  const placed = own.filter((k) => k in METHODS);
  test.each(placed)('%s', async (name) => {
    const [recv, args] = METHODS[name];
    await inScope((i) => P[name].apply(recv(i), args(i)));
    await inScope((i) => expectRefused(name, () => P[name].apply(recv(i), [...args(i), EXTRA])));
  });
  test.each(Object.keys(METHOD_EXTRA_ONLY))('%s (the arity check comes first)', async (name) => {
    await inScope(({ x }) => expectRefused(name, () => P[name].apply(x, [...new Array(METHOD_EXTRA_ONLY[name]).fill(undefined), EXTRA])));
  });
});

// ---- fl.profiler: its functions and the Profile's methods (a full valid call each) --------------------
const PROFILER_CALLS: Record<string, () => Args> = {
  profile: () => [() => 1, {}], recordFunction: () => ['r', () => 1], isProfiling: () => [],
};
const PROFILE_METHODS: Record<string, () => Args> = {
  table: () => [{}], keyAverages: () => [{}], chromeTrace: () => [], exportChromeTrace: () => [path.join(tmp, 'trace.json')],
};
describe('fl.profiler and Profile refuse an argument beyond those they declare', () => {
  const P = fl.profiler as unknown as Record<string, (...a: unknown[]) => unknown>;
  const fns = Object.keys(P).filter((k) => typeof P[k] === 'function' && !isClass(P[k]) && !k.startsWith('_'));
  const proto = fl.profiler.Profile.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const methods = Object.getOwnPropertyNames(proto).filter((k) => k !== 'constructor' && !k.startsWith('_'));
  test('each function and method is placed', () => {
    expect(fns.filter((k) => !(k in PROFILER_CALLS))).toEqual([]);
    expect(methods.filter((k) => !(k in PROFILE_METHODS))).toEqual([]);
  });
  test.each(Object.keys(PROFILER_CALLS))('profiler.%s', async (name) => {
    P[name](...PROFILER_CALLS[name]());
    await expectRefused(`profiler.${name}`, () => P[name](...PROFILER_CALLS[name](), EXTRA));
  });
  test.each(Object.keys(PROFILE_METHODS))('Profile.%s', async (name) => {
    const prof = fl.profiler.profile(() => fl.ones(2).dispose());
    proto[name].apply(prof, PROFILE_METHODS[name]());
    await expectRefused(`Profile.${name}`, () => proto[name].apply(prof, [...PROFILE_METHODS[name](), EXTRA]));
  });
});

// ---- fl.onnx: export(model, sampleInputs, path, options) -------------------------------------------------
describe('fl.onnx.export refuses an argument beyond those it declares', () => {
  test('each function is placed', () => {
    expect(Object.keys(fl.onnx).filter((k) => typeof (fl.onnx as Record<string, unknown>)[k] === 'function')).toEqual(['export']);
  });
  test('onnx.export', async () => {
    const model = new fl.nn.Linear(2, 2);
    const x = fl.ones(1, 2);
    try {
      fl.onnx.export(model, [x], path.join(tmp, 'm.onnx'), {});
      await expectRefused('onnx.export', () => (fl.onnx.export as any)(model, [x], path.join(tmp, 'm.onnx'), {}, EXTRA));
    } finally { model.dispose(); x.dispose(); }
  });
});

describe('the messages', () => {
  test("relu(x, true): PyTorch's inplace is refused, naming the in-place method", () => fl.scope(() => {
    const x = fl.ones(2);
    expect(() => (fl.relu as any)(x, true)).toThrow(new fl.ValueError("relu: takes 1 positional argument (input) but 2 were given; the extra one is true (for PyTorch's inplace=True, use x.relu_())"));
    // F.relu is torch's F.relu(input, inplace=False): `true` writes into x, as torch; a third argument is refused
    expect((fl.nn.functional.relu as any)(x, true)).toBe(x);
    expect(() => (fl.nn.functional.relu as any)(x, true, 7)).toThrow(/^relu: takes 2 positional arguments \(input, inplace\)/);
    expect(() => (fl.silu as any)(x, true)).toThrow(/\(flintml has no in-place silu\)$/);
    expect(() => (fl.leakyRelu as any)(x, 0.2, true)).toThrow(/^leakyRelu: takes 2 positional arguments \(input, negativeSlope\) but 3 were given/);
    expect(() => (x as any).exp(2)).toThrow(new fl.ValueError('exp: takes no arguments but 1 was given; the extra one is 2'));
    expect(() => (x as any).relu_(true)).toThrow(/^relu_: takes no arguments/);
  }));
  test('softmax(x, dim, dtype) takes PyTorch\'s positional dtype; a fourth argument is refused', () => fl.scope(() => {
    const x = fl.tensor([1, 2, 3]);
    expect(fl.softmax(x, -1, 'float64').dtype).toBe('float64');
    expect(() => (fl.softmax as any)(x, -1, 'float64', 7)).toThrow(new fl.ValueError('softmax: takes 3 positional arguments (input, dim, dtype) but 4 were given; the extra one is 7'));
    expect(() => (x as any).add(x, 2, 3)).toThrow(new fl.ValueError('add: takes 2 positional arguments (other, alpha) but 3 were given; the extra one is 3'));
    expect(() => (fl.pow as any)(x, 2, 3)).toThrow(/^pow: takes 2 positional arguments \(input, exponent\)/);
  }));
});

// ---- fl.models and nn.utils.lora's adapters: a full valid call each, then one argument more --------
describe('fl.models refuses an argument beyond those it declares', () => {
  const HF = path.join(__dirname, 'golden', 'hf');
  const gpt2 = () => fl.models.GPT2.fromPretrained(path.join(HF, 'gpt2'));
  const llama = () => fl.models.Llama.fromPretrained(path.join(HF, 'llama'));
  const ids = () => fl.tensor([[1, 2, 3]], { dtype: 'int32' });
  const withModel = <T>(m: fl.models.CausalLM, f: (m: fl.models.CausalLM) => T): T => { try { return fl.noGrad(() => fl.scope(() => f(m))); } finally { m.dispose(); } };
  const tok = () => fl.models.AutoTokenizer.fromPretrained(path.join(HF, 'llama'));
  const MODEL_CALLS: Record<string, (extra: unknown[]) => unknown> = {
    'GPT2.fromPretrained': (e) => (fl.models.GPT2.fromPretrained as (...a: unknown[]) => fl.models.GPT2)(path.join(HF, 'gpt2'), {}, ...e).dispose(),
    'Llama.fromPretrained': (e) => (fl.models.Llama.fromPretrained as (...a: unknown[]) => fl.models.Llama)(path.join(HF, 'llama'), {}, ...e).dispose(),
    'GPT2.forward': (e) => withModel(gpt2(), (m) => (m.forward as (...a: unknown[]) => unknown)(ids(), {}, ...e)),
    'Llama.forward': (e) => withModel(llama(), (m) => (m.forward as (...a: unknown[]) => unknown)(ids(), {}, ...e)),
    generate: (e) => withModel(gpt2(), (m) => (m.generate as (...a: unknown[]) => unknown)(ids(), { maxNewTokens: 1 }, ...e)),
    savePretrained: (e) => withModel(gpt2(), (m) => (m.savePretrained as (...a: unknown[]) => unknown)(path.join(tmp, 'save'), {}, ...e)),
    createCache: (e) => withModel(gpt2(), (m) => (m.createCache as (...a: unknown[]) => fl.models.KVCache)(1, 4, ...e).dispose()),
    'AutoTokenizer.fromPretrained': (e) => (fl.models.AutoTokenizer.fromPretrained as (...a: unknown[]) => unknown)(path.join(HF, 'llama'), ...e),
    'Bert.fromPretrained': (e) => (fl.models.Bert.fromPretrained as (...a: unknown[]) => fl.models.Bert)(path.join(HF, 'bert'), {}, ...e).dispose(),
    'BertForSequenceClassification.fromPretrained': (e) => (fl.models.BertForSequenceClassification.fromPretrained as (...a: unknown[]) => fl.models.Bert)(path.join(HF, 'bert-cls'), {}, ...e).dispose(),
    'Bert.forward': (e) => { const m = fl.models.Bert.fromPretrained(path.join(HF, 'bert')); try { fl.noGrad(() => fl.scope(() => (m.forward as (...a: unknown[]) => unknown)({ inputIds: ids() }, ...e))); } finally { m.dispose(); } },
    'BertForSequenceClassification.forward': (e) => { const m = fl.models.BertForSequenceClassification.fromPretrained(path.join(HF, 'bert-cls')); try { fl.noGrad(() => fl.scope(() => (m.forward as (...a: unknown[]) => unknown)({ inputIds: ids() }, ...e))); } finally { m.dispose(); } },
    meanPooling: (e) => fl.scope(() => (fl.models.meanPooling as (...a: unknown[]) => unknown)(fl.ones([1, 2, 3]), fl.ones([1, 2]), {}, ...e)),
    'Tokenizer.encode': (e) => (tok().encode as (...a: unknown[]) => unknown).call(tok(), 'the cat', {}, ...e),
    'Tokenizer.decode': (e) => (tok().decode as (...a: unknown[]) => unknown).call(tok(), [33], {}, ...e),
    tokenToId: (e) => (tok().tokenToId as (...a: unknown[]) => unknown).call(tok(), 'at', ...e),
    idToToken: (e) => (tok().idToToken as (...a: unknown[]) => unknown).call(tok(), 3, ...e),
    merge: (e) => withModel(gpt2(), (m) => { const a = fl.nn.utils.lora(m); const l = [...a.layers.values()][0]; (l.merge as (...x: unknown[]) => void)(...e); }),
    unmerge: (e) => withModel(gpt2(), (m) => { const a = fl.nn.utils.lora(m); const l = [...a.layers.values()][0]; l.merge(); (l.unmerge as (...x: unknown[]) => void)(...e); }),
  };
  /** Methods that are not checked here, and why. */
  const MODEL_OTHER: Record<string, string> = {
    'KVCache.dispose': 'no arguments; frees the cache', 'KVCache.update': '@internal (the attention layers write through it)',
    'CausalLM.checkInput': '@internal', 'Llama.rotary': '@internal (the rotary tables of a forward)',
    'Conv1D.forward': 'a module forward of one tensor (Module.call)', 'LlamaDecoderLayer.forward': 'a module forward (tensors and the layer index)',
    'LoRALinear.forward': 'a module forward of one tensor', 'LoRALinear.delta': '@internal', 'LoRALinear.extraRepr': 'Module.toString\'s part',
    'Tokenizer.eosTokenId': 'a getter',
  };
  test('each function and method of fl.models (and LoRALinear) is placed', () => {
    const names: string[] = [];
    const classes: [string, unknown][] = [...Object.entries(fl.models), ['LoRALinear', fl.nn.utils.LoRALinear]];
    for (const [k, v] of classes) {
      if (typeof v === 'function') {
        for (const s of Object.getOwnPropertyNames(v)) if (typeof (v as any)[s] === 'function' && s !== 'prototype') names.push(`${k}.${s}`);
        const proto = (v as { prototype: object }).prototype;
        for (const s of Object.getOwnPropertyNames(proto)) {
          const d = Object.getOwnPropertyDescriptor(proto, s)!;
          if (s !== 'constructor' && (typeof d.value === 'function' || d.get)) names.push(`${k}.${s}`);
        }
      } else if (v && typeof v === 'object') for (const [s, f] of Object.entries(v)) if (typeof f === 'function') names.push(`${k}.${s}`);
    }
    const placed = (n: string) => n in MODEL_CALLS || n.split('.').pop()! in MODEL_CALLS || n in MODEL_OTHER || ['numLayers', 'maxPositions'].includes(n.split('.').pop()!);
    expect(names.filter((n) => !placed(n))).toEqual([]);
  });
  test.each(Object.keys(MODEL_CALLS))('%s', async (name) => {
    await fl.scope(async () => { MODEL_CALLS[name]([]); });
    await expectRefused(name, () => MODEL_CALLS[name]([EXTRA]));
  });
});
