// ops/index.ts — the ops layer: every op family of the top-level API (`fl.add`, `fl.sum`, …), and
// the ops that the autograd tape runs itself (seed gradient, accumulation, sum-to-shape, casts),
// handed to the tape here when the layer loads. The tape (autograd.ts) imports no op, so that the
// op files can import it to record their gradients without an import cycle.
import { setTapeOps } from '../autograd';
import './casts';  // Tensor.prototype.long
import { fillInPlace } from './creation';
import { add } from './elementwise';
import { sum } from './reduce';
import { reshape, to } from './views';
import { emptyTensor } from '../tensor';

setTapeOps({
  // the seed gradient of every backward: made directly (fullLike's argument parsing is for users)
  fullLike: (t, value) => {
    const o = emptyTensor(t._shape, t.dtype, t._storage.device, false, 'backward');
    try { return fillInPlace(o, value, 'backward'); } catch (e) { o.dispose(); throw e; }
  },
  add: (a, b) => add(a, b),
  sumKeepdim: (t, dims) => sum(t, { dim: dims, keepdim: true }),
  reshape: (t, shape) => reshape(t, shape),
  cast: (t, dtype, copy) => to(t, dtype, { copy }),
});

export * from './creation';
export * from './elementwise';
export * from './views';
export * from './reduce';
export * from './softmax';
export * from './indexing';
// the one-argument where(cond) and tensor indices extend the elementwise where and the basic index
export { where, index } from './indexing';
export * from './sort';
export { cummax, cummin, logcumsumexp } from './cumulative';  // running max/min with indices, running log-sum-exp
export * from './random';
export * from './matmul';
export { einsum } from './einsum';
// torch.norm / Tensor.norm, torch.cdist and the torch.linalg namespace (vectorNorm, matrixNorm)
export { norm, cdist, linalg } from './norms';
export type { NormP, NormOrd, MatrixNormOrd, NormOptions, VectorNormOptions, MatrixNormOptions, CdistOptions } from './norms';
// the deprecated torch.svd / torch.qr (fl.linalg has the decompositions: decomp.ts)
export { svdOld as svd, qrOld as qr } from './decomp';
export type { QRResult, EighResult, SVDResult, SVDVResult, LstsqResult, CondP, QrOptions, EighOptions, SvdOptions, PinvOptions, MatrixRankOptions, LstsqOptions } from './decomp';
// torch.linalg's solvers and factorizations (in fl.linalg) and their top-level aliases
export { inverse, detTop as det, logdet, slogdetTop as slogdet, choleskySolve, choleskyInverse, crossTop as cross, choleskyTop as cholesky, triangularSolve } from './linalg';
export type { TriangularSolveResult } from './linalg';
export { matrixPowerTop as matrixPower, matrixExpTop as matrixExp } from './linalg';
export type { LUFactorResult, LUFactorExResult, LUResult, SolveExResult, InvExResult, CholeskyExResult, SlogdetResult, SolveOptions, CheckErrorsOptions, CholeskyOptions, LUOptions, LUSolveOptions, SolveTriangularOptions, VectorDimOptions } from './linalg';
// torch.lu_unpack (fl.luUnpack), and the option types of fl.linalg.vander, tensorinv, tensorsolve (lib/ops/linalg.ts)
export { luUnpack } from './linalg';
export type { LUUnpackResult, LUUnpackOptions, VanderOptions, TensorinvOptions, TensorsolveOptions } from './linalg';
// torch's pointwise math and small reductions beside the elementwise table (lerp, addcmul, hypot, xlogy, fmod, nanToNum, addmm, nansum, aminmax, isclose, cov, quantile, …)
export * from './pointwise';
// torch.special (fl.special) and torch.mvlgamma; lgamma, digamma, polygamma, erfc, erfinv, i0 are elementwise rows
export { special, mvlgamma } from './special';
// shape, joining, splitting and diagonal utilities (diff, meshgrid, tensordot, kron, the stacks, movedim, …)
export * from './reshaping';
// torch's integer and bit-level elementwise ops (bitwiseAnd … gcd, lcm, nextafter, ldexp, frexp) and igamma / igammac
export { bitwiseAnd, bitwiseOr, bitwiseXor, bitwiseNot, bitwiseLeftShift, bitwiseRightShift, gcd, lcm, nextafter, ldexp, frexp, igamma, igammac } from './bitwise';
export type { FrexpResult } from './bitwise';
// counting and searching: bincount, histc, unique, uniqueConsecutive, searchsorted, bucketize
export { bincount, histc, unique, uniqueConsecutive, searchsorted, bucketize } from './counting';
// torch's remaining compositions: broadcastShapes/Tensors, isin, argwhere, the aliases (clip, absolute, arccos, multiply, ger, trapz, …), mode, nanmedian, renorm, vander, histogram, gradient, chainMatmul, vdot, inner, dist, pdist, maskedScatter, asStrided, emptyStrided
export * from './misc';
// complex tensors: viewAsReal/viewAsComplex, real/imag, complex, polar, conj, angle, vdot (and the complex hooks of the generic ops)
export { viewAsReal, viewAsComplex, isComplex, real, imag, complex, polar, conj, conjPhysical, resolveConj, angle, vdot } from './complex';
import './complex-linalg';  // the complex forms of torch.linalg (registered with complex.ts's composite hook)
import './scatter-deterministic';  // the deterministic GPU scatter-add of fl.useDeterministicAlgorithms (registered with lib/deterministic.ts)
// torch.fft (fl.fft.fft, rfft, fftn, fftfreq, fftshift, …), the window functions and stft / istft
export { fftNamespace as fft } from './fft';
export type { FftNorm, FftOptions, FftnOptions, FftFreqOptions } from './fft';
export { hannWindow, hammingWindow, blackmanWindow, bartlettWindow, kaiserWindow } from './windows';
export type { WindowOptions } from './windows';
export { stft, istft } from './stft';
export type { StftOptions, IstftOptions, StftPadMode } from './stft';
// the API-gap survey's torch names: finfo/iinfo, isTensor, numel, isFloatingPoint, isposinf/isneginf/isreal, fmax/fmin, the comparison and cat aliases, t, pinverse, rsub, asTensor, randintLike, inferenceMode, and Tensor methods (expandAs, viewAs, typeAs, new*, unfold, stride, …)
export * from './misc2';
export * from './misc3';  // the second API-gap round: dtype names, constants, detach_, the in-place forms, splitWithSizes (lib/ops/misc3.ts)
// torch.poisson, torch.binomial (exact samplers composed of fl.rand) and Tensor.resize_ / resizeAs_ (lib/ops/misc4.ts)
export { poisson, binomial } from './misc4';
export type { SamplerOptions } from './misc4';
