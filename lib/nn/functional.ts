// functional.ts — the stateless forms of the layers (`fl.nn.functional`, torch.nn.functional):
// linear, embedding, dropout, the norms, attention, the activations and the losses. Layers in
// layers.ts, norm.ts and attention.ts call these; gradients come from the ops they are composed of (matmul, mean/var,
// indexSelect, gather, …), so each function is differentiable wherever its ops are. layerNorm is one
// fused op with its own gradient (layer_norm.ts) where its operands allow.
//
// The public functions take PyTorch's positional arguments and keyword options (lib/args.ts). The
// layers call the `*Op` forms, which take an internal `op` name (the layer's class name) so that a
// bad shape raises a ShapeError naming the layer the user wrote, e.g.
// "Linear: input of shape [2, 3] has 3 features, expected in_features=4".
import { describeArg } from '../arity';
import { noGrad } from '../autograd';
import { traced } from '../trace';
import { runFloat32, runLowPrecision } from '../amp';
import { DType, isFloating } from '../dtype';
import { DTypeError, IndexError, ShapeError, ValueError } from '../errors';
import { broadcastShapes, fmt, numel } from '../shape';
import { scope, Tensor } from '../tensor';
import { add, eq, logicalNot, lt, maskedFill, mul, rsqrt, sub, where } from '../ops/elementwise';
import { needIndex, indexSelect, tril } from '../ops/indexing';
import { ones } from '../ops/creation';
import { softmax } from '../ops/softmax';
import { rand } from '../ops/random';
import { mean, var as variance } from '../ops/reduce';
import { reshape, transpose } from '../ops/views';
import { matmul } from '../ops/matmul';
import { fusedLayerNorm } from './layer_norm';
import * as A from '../args';
import { ArgsThenOptions, optional, required, signature } from '../args';
import { alias } from './params';

export { leakyRelu, gelu, tanh, sigmoid } from '../ops/elementwise';
// the activations composed of the elementwise ops (activation.ts), softplus with torch's beta and threshold
export {
  elu, selu, celu, mish, hardtanh, relu6, logsigmoid, softsign, hardsigmoid, glu, softmin, tanhshrink, softshrink, hardshrink,
  threshold, prelu, rrelu, softplus,
  relu, silu, hardswish,  // fl.relu / fl.silu / fl.hardswish with torch's F `inplace`
} from './activation';
export type { SoftminOptions } from './activation';
export { softmax, logSoftmax } from '../ops/softmax';
export {
  mseLoss, l1Loss, smoothL1Loss, huberLoss, nllLoss, crossEntropy, binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
} from './loss';
export type { Reduction, NLLLossOptions, CrossEntropyOptions, BCEOptions, BCEWithLogitsOptions } from './loss';
export {
  klDiv, marginRankingLoss, cosineEmbeddingLoss, tripletMarginLoss, tripletMarginWithDistanceLoss, poissonNllLoss, gaussianNllLoss,
  hingeEmbeddingLoss, softMarginLoss, multilabelSoftMarginLoss, multiMarginLoss, multilabelMarginLoss, ctcLoss,
} from './loss-extra';
export type {
  KLDivReduction, KLDivOptions, DistanceFunction, MarginOptions, TripletMarginOptions, TripletMarginWithDistanceOptions, PoissonNLLOptions,
  GaussianNLLOptions, WeightedReductionOptions, MultiMarginOptions, CTCLossOptions,
} from './loss-extra';

import { needTensor, needFloating } from './checks';

/**
 * @internal The implementation behind `F.linear`, naming the calling layer (`op`) in its errors.
 *
 * y = x·Wᵀ + b, as torch.nn.functional.linear: x [..., in], weight [out, in], bias [out].
 * ```ts
 * F.linear(x, w, b);  // [batch, out]
 * ```
 */
export function linearOp(x: Tensor, weight: Tensor, bias?: Tensor | null, op = 'linear'): Tensor {
  // autocast: input, weight and bias in its dtype, as torch.autocast casts every floating input of
  // linear (a float32 bias would promote the low-precision product back to float32)
  const lowp = runLowPrecision(linearOp, arguments); if (lowp) return lowp;
  needTensor(x, op); needTensor(weight, op, 'weight');
  if (weight.ndim !== 2) throw new ShapeError(`${op}: weight must be 2-D [out_features, in_features], got shape ${fmt(weight._shape)}`);
  const [out, inp] = weight._shape;
  if (x.ndim === 0 || x._shape[x.ndim - 1] !== inp) {
    throw new ShapeError(`${op}: input of shape ${fmt(x._shape)} has ${x.ndim ? x._shape[x.ndim - 1] : 0} features, expected in_features=${inp}`);
  }
  if (bias != null) {
    needTensor(bias, op, 'bias');
    if (bias.ndim !== 1 || bias._shape[0] !== out) throw new ShapeError(`${op}: bias must have shape [${out}], got ${fmt(bias._shape)}`);
  }
  const y = scope(() => {
    const y = matmul(x, transpose(weight, 0, 1));
    return bias != null ? add(y, bias) : y;
  });
  // Gemm for a batch of rows, MatMul (+ Add) for inputs of other ranks
  return traced('linear', [x, weight, bias], y, (g, [vx, vw, vb]) => (x.ndim === 2
    ? g.op('Gemm', vb.absent ? [vx.name, vw.name] : [vx.name, vw.name, vb.name], { transB: 1 })
    : vb.absent ? g.op('MatMul', [vx.name, g.op('Transpose', [vw.name], { perm: [1, 0] })])
      : g.op('Add', [g.op('MatMul', [vx.name, g.op('Transpose', [vw.name], { perm: [1, 0] })]), vb.name])));
}

/**
 * @internal The implementation behind `F.embedding`, naming the calling layer (`op`) in its errors.
 *
 * Looks up rows of `weight` [numEmbeddings, dim] for int32 `input` of any shape; the result has
 * shape [...input.shape, dim]. With `paddingIdx`, that row's gradient is always zero (as PyTorch).
 * ```ts
 * F.embedding(fl.tensor([[0, 2]]), table);  // [1, 2, dim]
 * ```
 */
export function embeddingOp(input: Tensor, weight: Tensor, paddingIdx?: number | null, op = 'embedding'): Tensor {
  needTensor(input, op); needTensor(weight, op, 'weight');
  if (input.dtype !== 'int32') throw new DTypeError(`${op}: indices must be an int32 tensor, got ${input.dtype}`);
  if (weight.ndim !== 2) throw new ShapeError(`${op}: weight must be 2-D [num_embeddings, embedding_dim], got shape ${fmt(weight._shape)}`);
  const [n, dim] = weight._shape;
  let pad = paddingIdx ?? null;
  if (pad !== null) {
    if (!Number.isInteger(pad) || pad < -n || pad >= n) throw new ValueError(`${op}: paddingIdx must be within num_embeddings (${n}), got ${describeArg(pad)}`);
    if (pad < 0) pad += n;
  }
  const out = scope(() => {
    const flatIdx = reshape(input, [input.numel]);
    let rows: Tensor;
    try {
      rows = indexSelect(weight, 0, flatIdx);
    } catch (e) {
      if (e instanceof IndexError) throw new IndexError(`${op}: ${e.message} (num_embeddings=${n})`);
      throw e;
    }
    if (pad !== null && weight.requiresGrad) {
      // the padding row passes its value but no gradient
      const isPad = reshape(eq(flatIdx, pad), [input.numel, 1]);
      rows = where(isPad, rows.detach(), rows);
    }
    return reshape(rows, [...input._shape, dim]);
  });
  return traced('embedding', [input, weight], out, (g, [vi, vw]) => g.op('Gather', [vw.name, vi.name], { axis: 0 }));
}

/**
 * @internal The implementation behind `F.dropout`, naming the calling layer (`op`) in its errors.
 *
 * Zeroes each element with probability `p` and scales the rest by 1/(1-p) when `training`;
 * the identity otherwise. The mask comes from `fl.rand`, so `fl.manualSeed` repeats it.
 * ```ts
 * F.dropout(x, 0.1, model.training);
 * ```
 */
export function dropoutOp(x: Tensor, p = 0.5, training = true, op = 'dropout'): Tensor {
  needTensor(x, op);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new ValueError(`${op}: dropout probability has to be between 0 and 1, but got ${describeArg(p)}`);
  if (!training || p === 0) return alias(x);
  needFloating(x, op);
  if (p === 1) return mul(x, 0);
  return scope(() => {
    const keep = lt(rand(x._shape, { dtype: x.dtype, device: x.device }), 1 - p);
    // mask·(1/(1-p)) in x's dtype (the scalar is exact in float64)
    return mul(x, mul(keep.to(x.dtype), 1 / (1 - p)));
  });
}


function trailingDims(x: Tensor, normalizedShape: number | readonly number[], op: string): number[] {
  if (typeof normalizedShape !== 'number' && (normalizedShape == null || typeof (normalizedShape as Iterable<number>)[Symbol.iterator] !== 'function')) {
    throw new ValueError(`${op}: normalizedShape must be a size or a list of sizes, got ${describeArg(normalizedShape)}`);
  }
  const ns = typeof normalizedShape === 'number' ? [normalizedShape] : Array.from(normalizedShape);
  const k = ns.length;
  const tail = x._shape.slice(x.ndim - k);
  if (x.ndim < k || tail.some((s, i) => s !== ns[i])) {
    throw new ShapeError(`${op}: expected input with shape [*, ${ns.map(describeArg).join(', ')}], got ${fmt(x._shape)}`);
  }
  return Array.from({ length: k }, (_, i) => x.ndim - k + i);
}

function checkAffine(t: Tensor | null | undefined, shape: readonly number[], op: string, what: string): void {
  if (t == null) return;
  needTensor(t, op, what);
  if (t._shape.length !== shape.length || t._shape.some((s, i) => s !== shape[i])) {
    throw new ShapeError(`${op}: ${what} must have shape ${fmt(shape)}, got ${fmt(t._shape)}`);
  }
}

/**
 * @internal The implementation behind `F.layerNorm`, naming the calling layer (`op`) in its errors.
 *
 * Layer normalisation over the trailing `normalizedShape` dims (biased variance, as PyTorch):
 * `F.layerNorm(x, [64], w, b, 1e-5)`.
 */
export function layerNormOp(x: Tensor, normalizedShape: number | readonly number[], weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5, op = 'layerNorm'): Tensor {
  const lowp = runFloat32(layerNormOp, arguments); if (lowp) return lowp;  // autocast: float32 list
  needTensor(x, op); needFloating(x, op);
  const dims = trailingDims(x, normalizedShape, op);
  const ns = x._shape.slice(dims[0] ?? x.ndim);
  checkAffine(weight, ns, op, 'weight'); checkAffine(bias, ns, op, 'bias');
  const fused = dims.length === 0 ? null : fusedLayerNorm(x, numel(ns), weight ?? null, bias ?? null, eps);
  const out = fused ?? scope(() => {
    let y: Tensor;
    if (dims.length === 0) y = mul(x, 0);  // normalising single elements: (x - x) / √eps
    else {
      const mu = mean(x, { dim: dims, keepdim: true });
      const v = variance(x, { dim: dims, keepdim: true, correction: 0 });
      y = mul(sub(x, mu), rsqrt(add(v, eps)));
    }
    if (weight != null) y = mul(y, weight);
    if (bias != null) y = add(y, bias);
    return y;
  });
  if (dims.length === 0) return out;
  // LayerNormalization (opset 17) needs a scale: ones when the layer has no weight
  return traced('layerNorm', [x, weight, bias], out, (g, [vx, vw, vb]) => {
    const scale = vw.absent ? g.constant(x.dtype, ns, new Array<number>(numel(ns)).fill(1)) : vw.name;
    return g.op('LayerNormalization', vb.absent ? [vx.name, scale] : [vx.name, scale, vb.name], { axis: -dims.length, epsilon: { f: eps } });
  });
}

/** Machine epsilon per floating dtype (torch.finfo(dtype).eps): RMSNorm's default eps. */
const FINFO_EPS: Record<string, number> = { float32: 2 ** -23, float64: 2 ** -52, float16: 2 ** -10, bfloat16: 2 ** -7 };

/**
 * @internal The implementation behind `F.rmsNorm`, naming the calling layer (`op`) in its errors.
 *
 * RMS normalisation over the trailing dims: x / √(mean(x²) + eps) · weight (torch.nn.functional.rms_norm;
 * eps defaults to the dtype's machine epsilon): `F.rmsNorm(x, [64], w)`.
 */
export function rmsNormOp(x: Tensor, normalizedShape: number | readonly number[], weight?: Tensor | null, eps?: number | null, op = 'rmsNorm'): Tensor {
  const lowp = runFloat32(rmsNormOp, arguments); if (lowp) return lowp;  // autocast: float32 list
  needTensor(x, op); needFloating(x, op);
  const dims = trailingDims(x, normalizedShape, op);
  checkAffine(weight, x._shape.slice(dims[0] ?? x.ndim), op, 'weight');
  const e = eps ?? FINFO_EPS[x.dtype];
  return scope(() => {
    let y = dims.length === 0 ? mul(x, rsqrt(add(mul(x, x), e))) : mul(x, rsqrt(add(mean(mul(x, x), { dim: dims, keepdim: true }), e)));
    if (weight != null) y = mul(y, weight);
    return y;
  });
}

/** [1, C, 1, …] for per-channel parameters of an input of rank `ndim`. */
function channelShape(c: number, ndim: number): number[] {
  return [1, c, ...new Array(Math.max(0, ndim - 2)).fill(1)];
}

/**
 * @internal The implementation behind `F.groupNorm`, naming the calling layer (`op`) in its errors.
 *
 * Group normalisation: input [N, C, *] split into `numGroups` groups of channels, each
 * normalised over its channels and spatial positions; weight/bias [C]: `F.groupNorm(x, 8, w, b)`.
 */
export function groupNormOp(x: Tensor, numGroups: number, weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5, op = 'groupNorm'): Tensor {
  const lowp = runFloat32(groupNormOp, arguments); if (lowp) return lowp;  // autocast: float32 list
  needTensor(x, op); needFloating(x, op);
  if (x.ndim < 2) throw new ShapeError(`${op}: expected input of shape [N, C, *], got ${fmt(x._shape)}`);
  const [n, c] = x._shape;
  if (!Number.isInteger(numGroups) || numGroups <= 0 || c % numGroups !== 0) {
    throw new ShapeError(`${op}: input of shape ${fmt(x._shape)} has ${c} channels, not divisible by num_groups=${describeArg(numGroups)}`);
  }
  checkAffine(weight, [c], op, 'weight'); checkAffine(bias, [c], op, 'bias');
  const per = (c / numGroups) * numel(x._shape.slice(2));
  // PyTorch's group_norm refuses a batch of one whose groups hold one value each (its output would
  // be the bias alone): _verify_batch_size of [N·C/G, G, *spatial]
  if (n * per === 1) throw new ValueError(`${op}: expected more than 1 value per group, got input of shape ${fmt(x._shape)} with num_groups=${numGroups}`);
  return scope(() => {
    const g = reshape(x, [n, numGroups, per]);
    const mu = mean(g, { dim: 2, keepdim: true });
    const v = variance(g, { dim: 2, keepdim: true, correction: 0 });
    let y = reshape(mul(sub(g, mu), rsqrt(add(v, eps))), x._shape);
    const cs = channelShape(c, x.ndim);
    if (weight != null) y = mul(y, reshape(weight, cs));
    if (bias != null) y = add(y, reshape(bias, cs));
    return y;
  });
}

/** Options of `batchNorm` (torch.nn.functional.batch_norm's keyword arguments). */
export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Use batch statistics (and update the running ones when given); default false. */
  training?: boolean;
  /** Running-stat update factor: running = (1 - momentum)·running + momentum·batch (default 0.1). */
  momentum?: number;
  eps?: number;
}

/**
 * @internal The implementation behind `F.batchNorm`, naming the calling layer (`op`) in its errors.
 *
 * Batch normalisation of [N, C, *] per channel. Training: normalises with the batch mean and
 * biased variance and updates `runningMean`/`runningVar` in place (unbiased variance) when given;
 * otherwise normalises with the running statistics.
 * ```ts
 * F.batchNorm(x, rm, rv, { weight, bias, training: true, momentum: 0.1 });
 * ```
 */
export function batchNormOp(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options: BatchNormOptions = {}, op = 'batchNorm'): Tensor {
  const lowp = runFloat32(batchNormOp, arguments); if (lowp) return lowp;  // autocast: float32 list
  needTensor(x, op); needFloating(x, op);
  if (x.ndim < 2) throw new ShapeError(`${op}: expected input of shape [N, C, *], got ${fmt(x._shape)}`);
  const c = x._shape[1];
  const { weight, bias, training = false, momentum = 0.1, eps = 1e-5 } = options;
  checkAffine(weight, [c], op, 'weight'); checkAffine(bias, [c], op, 'bias');
  checkAffine(runningMean, [c], op, 'running_mean'); checkAffine(runningVar, [c], op, 'running_var');
  if (!training && (runningMean == null || runningVar == null)) throw new ValueError(`${op}: running_mean and running_var are required when not training`);
  const cs = channelShape(c, x.ndim);
  const dims = [0, ...Array.from({ length: x.ndim - 2 }, (_, i) => i + 2)];
  const out = scope(() => {
    let y: Tensor;
    if (training) {
      // values per channel, N·prod(spatial): exactly one is refused, as PyTorch's _verify_batch_size;
      // none (an empty batch) gives an empty output and leaves the running stats as they are
      const count = x._shape[0] * numel(x._shape.slice(2));
      if (count === 1) throw new ValueError(`${op}: expected more than 1 value per channel when training, got input of shape ${fmt(x._shape)}`);
      const mu = mean(x, { dim: dims, keepdim: true });
      const v = variance(x, { dim: dims, keepdim: true, correction: 0 });
      if (count > 0) noGrad(() => {
        if (runningMean != null) {
          runningMean.mul_(1 - momentum).add_(mul(reshape(mu, [c]), momentum).to(runningMean.dtype));
        }
        if (runningVar != null) {
          runningVar.mul_(1 - momentum).add_(mul(reshape(v, [c]), momentum * count / (count - 1)).to(runningVar.dtype));
        }
      });
      y = mul(sub(x, mu), rsqrt(add(v, eps)));
    } else {
      y = mul(sub(x, reshape(runningMean!, cs)), rsqrt(add(reshape(runningVar!, cs), eps)));
    }
    if (weight != null) y = mul(y, reshape(weight, cs));
    if (bias != null) y = add(y, reshape(bias, cs));
    return y;
  });
  if (training) return out;  // batch statistics: exported as the ops they are made of
  return traced('batchNorm', [x, weight, bias, runningMean, runningVar], out, (g, [vx, vw, vb, vm, vv]) => g.op('BatchNormalization', [
    vx.name, vw.absent ? g.constant(x.dtype, [c], new Array<number>(c).fill(1)) : vw.name, vb.absent ? g.constant(x.dtype, [c], new Array<number>(c).fill(0)) : vb.name, vm.name, vv.name,
  ], { epsilon: { f: eps } }));
}

// convolution and pooling live in ops/conv.ts; functional re-exports them as torch.nn.functional does
export { conv1d, conv2d, convTranspose2d, maxPool2d, avgPool2d, adaptiveAvgPool2d } from '../ops/conv';
// 1-D, adaptive max and LP pooling (pooling.ts), compositions of the 2-D pooling ops, gather and max
export { maxPool1d, avgPool1d, adaptiveAvgPool1d, adaptiveMaxPool1d, adaptiveMaxPool2d, lpPool1d, lpPool2d } from './pooling';
export type { Size1, AdaptiveSize2, MaxPool1dOptions, AvgPool1dOptions, AdaptiveMaxPoolOptions, LPPoolOptions } from './pooling';
// the 3-D convolutions, poolings and channel dropout (conv3d.ts), compositions of the 2-D ops
export { conv3d, convTranspose3d, maxPool3d, avgPool3d, adaptiveAvgPool3d, adaptiveMaxPool3d, dropout3d } from './conv3d';
export type { Size3, AdaptiveSize3, Conv3dPadding, Conv3dOptions, ConvTranspose3dOptions, MaxPool3dOptions, AvgPool3dOptions, AdaptiveMaxPool3dOptions } from './conv3d';
// pixel and channel shuffles, unfold (im2col) and fold (col2im) (shuffle.ts), views and grouped convolutions
export { pixelShuffle, pixelUnshuffle, channelShuffle, unfold, fold } from './shuffle';
export type { FoldOptions } from './shuffle';
// instance and local response norms, the channel-wise and alpha dropouts, bilinear, convTranspose1d (extra-layers.ts)
export { instanceNorm, localResponseNorm, dropout1d, dropout2d, alphaDropout, featureAlphaDropout, bilinear, convTranspose1d, embeddingBag } from './extra-layers';
export type { InstanceNormOptions, LocalResponseNormOptions, ConvTranspose1dOptions, EmbeddingBagOptions } from './extra-layers';
// padding and resizing (pad.ts, resize.ts), compositions of indexSelect, cat and the elementwise ops
export { pad } from './pad'; export { interpolate } from './resize'; export type { PadMode, PadOptions } from './pad'; export type { InterpolateMode, InterpolateOptions } from './resize';
// spatial transformers (grid.ts): affineGrid and gridSample, compositions of gather, where and the elementwise ops
export { affineGrid, gridSample } from './grid'; export type { GridSampleMode, GridSamplePadding, GridSampleOptions, AffineGridOptions } from './grid';

// max unpooling and fractional max pooling (unpool.ts), compositions of scatter, gather and max
export { maxUnpool1d, maxUnpool2d, maxUnpool3d, fractionalMaxPool2d, fractionalMaxPool3d } from './unpool';
export type { MaxUnpoolOptions, FractionalMaxPoolOptions } from './unpool';
// one-hot encoding, normalize and the distances (distance.ts), compositions of the norms and elementwise ops
export { oneHot, normalize, cosineSimilarity, pairwiseDistance } from './distance';
// F.pdist: the pairwise distances of the rows (lib/ops/misc.ts)
export { pdist } from '../ops/misc';
// F.gumbelSoftmax (lib/nn/init-gumbel.ts)
export { gumbelSoftmax } from './init-gumbel'; export type { GumbelSoftmaxOptions } from './init-gumbel';
// the in-place activations F.relu_, leakyRelu_, elu_, selu_, celu_, hardtanh_, threshold_, rrelu_ (lib/nn/functional-inplace.ts)
export { relu_, leakyRelu_, elu_, selu_, celu_, hardtanh_, threshold_, rrelu_ } from './functional-inplace';

// ---- attention ------------------------------------------------------------------------------------

// Mask conventions differ between the two PyTorch APIs and are kept as PyTorch has them: in
// `scaledDotProductAttention` a bool mask is True where a position TAKES PART; in
// `MultiheadAttention` (attention.ts) True means MASKED OUT. Float masks are added to the scores in both.

// PyTorch: scaled_dot_product_attention(query, key, value, attn_mask, dropout_p, is_causal, scale) (lib/args.ts).
const SDPA_ARGS = signature('scaledDotProductAttention', ['query', 'key', 'value', 'attnMask', 'dropoutP', 'isCausal', 'scale'], {
  query: required(A.anyValue<Tensor>()), key: required(A.anyValue<Tensor>()), value: required(A.anyValue<Tensor>()),
  attnMask: optional(A.anyValue<Tensor | null>()), dropoutP: optional(A.anyValue<number>()), isCausal: optional(A.bool), scale: optional(A.anyValue<number>()),
});

/** Options of `scaledDotProductAttention` (PyTorch's keyword arguments). */
export interface SDPAOptions {
  /** Bool (true = takes part) or float (added to the scores) mask, broadcastable to [..., L, S]. */
  attnMask?: Tensor | null;
  /** Dropout probability on the attention weights (applied whenever > 0, as in PyTorch). */
  dropoutP?: number;
  /** Lower-triangular (top-left aligned) causal mask; not together with `attnMask`. */
  isCausal?: boolean;
  /** Score scale; default 1/√E. */
  scale?: number;
}

/** @internal softmax(scores + mask) · v, returning the weights too (shared by SDPA and MultiheadAttention). */
export function attend(op: string, q: Tensor, k: Tensor, v: Tensor, scale: number, mask: Tensor | null, maskTrueKeeps: boolean, causal: boolean, dropoutP: number): { out: Tensor; weights: Tensor } {
  let s = mul(matmul(q, transpose(k, -2, -1)), scale);
  if (causal) {
    const L = q._shape[q.ndim - 2], S = k._shape[k.ndim - 2];
    s = maskedFill(s, logicalNot(tril(ones([L, S], { dtype: 'bool', device: q.device }))), -Infinity);
  }
  if (mask) {
    if (mask.dtype === 'bool') s = maskedFill(s, maskTrueKeeps ? logicalNot(mask) : mask, -Infinity);
    else s = add(s, mask);
  }
  const weights = dropoutOp(softmax(s, -1), dropoutP, true, op);
  return { out: matmul(weights, v), weights };
}

function checkMask(mask: unknown, scores: readonly number[], dtype: DType, what: string, op: string): Tensor | null {
  if (mask == null) return null;
  const m = needTensor(mask, op, what);
  if (m.dtype !== 'bool' && m.dtype !== dtype) throw new DTypeError(`${op}: ${what} must be bool or ${dtype} (the query's dtype), got ${m.dtype}`);
  let b: number[] | null = null;
  try { b = broadcastShapes(op, scores, m._shape); } catch { b = null; }
  if (!b || b.length !== scores.length || b.some((s, i) => s !== scores[i])) {
    throw new ShapeError(`${op}: ${what} of shape ${fmt(m._shape)} does not broadcast to the attention scores' shape ${fmt(scores)}`);
  }
  return m;
}

/**
 * Scaled dot-product attention, `torch.nn.functional.scaled_dot_product_attention`:
 * softmax(q·kᵀ·scale + mask)·v for q [..., L, E], k [..., S, E], v [..., S, Ev] → [..., L, Ev].
 * A bool `attnMask` is true where a query may attend to a key; a float one is added to the scores.
 *
 * ```ts
 * const y = fl.nn.scaledDotProductAttention(q, k, v, { isCausal: true }); // [B, H, L, Ev]
 * ```
 */
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, options?: SDPAOptions): Tensor;
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, ...args: ArgsThenOptions<[attnMask: Tensor | null, dropoutP: number, isCausal: boolean, scale: number], SDPAOptions>): Tensor;
export function scaledDotProductAttention(...args: unknown[]): Tensor {
  const { query: q, key: k, value: v, ...options } = SDPA_ARGS.parse(args) as { query: Tensor; key: Tensor; value: Tensor } & SDPAOptions;
  const op = 'scaledDotProductAttention';
  needTensor(q, op, 'query'); needTensor(k, op, 'key'); needTensor(v, op, 'value');
  const { attnMask = null, dropoutP = 0, isCausal = false, scale } = options;
  if (q.ndim < 2 || k.ndim < 2 || v.ndim < 2) throw new ShapeError(`${op}: query, key and value must have at least 2 dims, got ${fmt(q._shape)}, ${fmt(k._shape)}, ${fmt(v._shape)}`);
  if (!isFloating(q.dtype) || k.dtype !== q.dtype || v.dtype !== q.dtype) throw new DTypeError(`${op}: query, key and value must share one floating dtype, got ${q.dtype}, ${k.dtype}, ${v.dtype}`);
  const E = q._shape[q.ndim - 1], L = q._shape[q.ndim - 2], S = k._shape[k.ndim - 2];
  if (k._shape[k.ndim - 1] !== E) throw new ShapeError(`${op}: query ${fmt(q._shape)} and key ${fmt(k._shape)} must have the same last dim`);
  if (v._shape[v.ndim - 2] !== S) throw new ShapeError(`${op}: key ${fmt(k._shape)} and value ${fmt(v._shape)} must have the same sequence length (dim -2)`);
  if (typeof dropoutP !== 'number' || !(dropoutP >= 0 && dropoutP <= 1)) throw new ValueError(`${op}: dropoutP must be in [0, 1], got ${describeArg(dropoutP)}`);
  if (isCausal && attnMask != null) throw new ValueError(`${op}: attnMask must not be given together with isCausal`);
  let batch: number[];
  try { batch = broadcastShapes(op, q._shape.slice(0, -2), k._shape.slice(0, -2)); } catch {
    throw new ShapeError(`${op}: the batch dims of query ${fmt(q._shape)} and key ${fmt(k._shape)} do not broadcast`);
  }
  const mask = checkMask(attnMask, [...batch, L, S], q.dtype, 'attnMask', op);
  return scope(() => attend(op, q, k, v, scale ?? 1 / Math.sqrt(E), mask, true, isCausal, dropoutP).out);
}

// ---- the public functions: PyTorch's positional order, keyword options checked by lib/args.ts ----

const T = required(A.anyValue<Tensor>());
const ANY = optional(A.anyValue<never>());
const F_ARGS = {
  linear: signature('linear', ['input', 'weight', 'bias'], { input: T, weight: T, bias: ANY }),
  embedding: signature('embedding', ['input', 'weight', 'paddingIdx'], { input: T, weight: T, paddingIdx: ANY }),
  dropout: signature('dropout', ['input', 'p', 'training'], { input: T, p: optional(A.anyValue<number>(), 0.5), training: optional(A.bool, true) }),
  layerNorm: signature('layerNorm', ['input', 'normalizedShape', 'weight', 'bias', 'eps'], {
    input: T, normalizedShape: required(A.anyValue<number | readonly number[]>()), weight: ANY, bias: ANY, eps: optional(A.num({ min: 0 }), 1e-5),
  }),
  rmsNorm: signature('rmsNorm', ['input', 'normalizedShape', 'weight', 'eps'], {
    input: T, normalizedShape: required(A.anyValue<number | readonly number[]>()), weight: ANY, eps: optional(A.nullable(A.num({ min: 0 }))),
  }),
  groupNorm: signature('groupNorm', ['input', 'numGroups', 'weight', 'bias', 'eps'], {
    input: T, numGroups: required(A.anyValue<number>()), weight: ANY, bias: ANY, eps: optional(A.num({ min: 0 }), 1e-5),
  }),
  batchNorm: signature('batchNorm', ['input', 'runningMean', 'runningVar', 'weight', 'bias', 'training', 'momentum', 'eps'], {
    input: T, runningMean: required(A.anyValue<Tensor | null>()), runningVar: required(A.anyValue<Tensor | null>()), weight: ANY, bias: ANY,
    training: optional(A.bool, false), momentum: optional(A.num({ min: 0, max: 1 }), 0.1), eps: optional(A.num({ min: 0 }), 1e-5),
  }),
};

/** y = x·Wᵀ + b, as `torch.nn.functional.linear`: `F.linear(x, w, b)`. */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor;
export function linear(...args: unknown[]): Tensor {
  const o = F_ARGS.linear.parse(args);
  return linearOp(o.input, o.weight, o.bias as Tensor | null | undefined);
}
/** Rows of `weight` at int32 `input` indices, as `torch.nn.functional.embedding`: `F.embedding(idx, table, 0)`. */
export function embedding(input: Tensor, weight: Tensor, paddingIdx?: number | null): Tensor;
export function embedding(input: Tensor, weight: Tensor, options: { paddingIdx?: number | null }): Tensor;
export function embedding(...args: unknown[]): Tensor {
  const o = F_ARGS.embedding.parse(args);
  return embeddingOp(o.input, o.weight, o.paddingIdx as number | null | undefined);
}
/** Dropout, as `torch.nn.functional.dropout(input, p=0.5, training=True)`: `F.dropout(x, 0.1, model.training)`. */
export function dropout(input: Tensor, p?: number, training?: boolean): Tensor;
export function dropout(input: Tensor, options: { p?: number; training?: boolean }): Tensor;
export function dropout(...args: unknown[]): Tensor {
  const o = F_ARGS.dropout.parse(args);
  return dropoutOp(o.input, o.p, o.training);
}
/** Layer normalisation over the trailing dims, as `torch.nn.functional.layer_norm`: `F.layerNorm(x, [64], w, b, 1e-5)`. */
export function layerNorm(input: Tensor, normalizedShape: number | readonly number[], ...args: ArgsThenOptions<[weight: Tensor | null, bias: Tensor | null, eps: number], { weight?: Tensor | null; bias?: Tensor | null; eps?: number }>): Tensor;
export function layerNorm(input: Tensor, normalizedShape: number | readonly number[], options: { weight?: Tensor | null; bias?: Tensor | null; eps?: number }): Tensor;
export function layerNorm(...args: unknown[]): Tensor {
  const o = F_ARGS.layerNorm.parse(args);
  return layerNormOp(o.input, o.normalizedShape, o.weight as Tensor | null | undefined, o.bias as Tensor | null | undefined, o.eps);
}
/** RMS normalisation, as `torch.nn.functional.rms_norm`: `F.rmsNorm(x, [64], w, 1e-6)`. */
export function rmsNorm(input: Tensor, normalizedShape: number | readonly number[], ...args: ArgsThenOptions<[weight: Tensor | null, eps: number | null], { weight?: Tensor | null; eps?: number | null }>): Tensor;
export function rmsNorm(input: Tensor, normalizedShape: number | readonly number[], options: { weight?: Tensor | null; eps?: number | null }): Tensor;
export function rmsNorm(...args: unknown[]): Tensor {
  const o = F_ARGS.rmsNorm.parse(args);
  return rmsNormOp(o.input, o.normalizedShape, o.weight as Tensor | null | undefined, o.eps);
}
/** Group normalisation of [N, C, *], as `torch.nn.functional.group_norm`: `F.groupNorm(x, 8, w, b)`. */
export function groupNorm(input: Tensor, numGroups: number, ...args: ArgsThenOptions<[weight: Tensor | null, bias: Tensor | null, eps: number], { weight?: Tensor | null; bias?: Tensor | null; eps?: number }>): Tensor;
export function groupNorm(input: Tensor, numGroups: number, options: { weight?: Tensor | null; bias?: Tensor | null; eps?: number }): Tensor;
export function groupNorm(...args: unknown[]): Tensor {
  const o = F_ARGS.groupNorm.parse(args);
  return groupNormOp(o.input, o.numGroups, o.weight as Tensor | null | undefined, o.bias as Tensor | null | undefined, o.eps);
}
/**
 * Batch normalisation, as `torch.nn.functional.batch_norm(input, running_mean, running_var,
 * weight, bias, training=False, momentum=0.1, eps=1e-5)`: `F.batchNorm(x, rm, rv, { training: true })`.
 */
export function batchNorm(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options?: BatchNormOptions): Tensor;
export function batchNorm(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, ...args: ArgsThenOptions<[weight: Tensor | null, bias: Tensor | null, training: boolean, momentum: number, eps: number], BatchNormOptions>): Tensor;
export function batchNorm(...args: unknown[]): Tensor {
  const { input, runningMean, runningVar, ...options } = F_ARGS.batchNorm.parse(args);
  return batchNormOp(input, runningMean, runningVar, options as BatchNormOptions);
}
