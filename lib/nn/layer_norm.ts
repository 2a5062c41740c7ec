// layer_norm.ts — the fused layer normalisation behind F.layerNorm / nn.LayerNorm (internal: not
// re-exported by fl.nn). Kernels: native/cpu/norm.cpp, native/gpu/ops_norm.cpp,
// native/kernels/norm.cu; operands and math: native/core/norm.h. One native call and one autograd
// node forward, two native calls backward (gx; the weight and bias gradients), where the composed
// form (mean, var, sub, rsqrt, mul, add) took ~8 calls forward and ~20 backward.
import { isGradEnabled, needsGrad, record } from '../autograd';
import { add, mul, rsqrt, sub } from '../ops/elementwise';
import { mean, sum } from '../ops/reduce';
import { reshape } from '../ops/views';
import { isFloating } from '../dtype';
import { sameDevice } from '../device';
import { call, opId } from '../native';
import { emptyTensor, scopeSync, Tensor } from '../tensor';

let NORM_OPS: [number, number, number] | undefined;
function normOps(): [number, number, number] {
  if (!NORM_OPS) NORM_OPS = [opId('layerNorm'), opId('layerNormBackward'), opId('layerNormAffineBackward')];
  return NORM_OPS;
}

const contig = (t: Tensor): Tensor => (t.isContiguous() ? t : t.contiguous());

/**
 * layerNorm's gradients composed of recorded ops (a backward with createGraph, in grad mode), so
 * that they have gradients of their own: over rows of n, x̂ = (x - μ)·rstd and
 * gx = rstd·(ĝ - mean(ĝ) - x̂·mean(ĝ·x̂)) with ĝ = g·w; gw = Σ g·x̂, gb = Σ g over the rows.
 */
function composedBackward(gy: Tensor, x: Tensor, w: Tensor | null, weight: Tensor | null, bias: Tensor | null, n: number, eps: number): (Tensor | null)[] {
  const X = reshape(x, [-1, n]), G = reshape(gy, [-1, n]);
  const row = { dim: 1, keepdim: true };
  const xm = sub(X, mean(X, row));
  const rstd = rsqrt(add(mean(mul(xm, xm), row), eps));
  const xhat = mul(xm, rstd);
  const gh = w ? mul(G, reshape(w, [1, n])) : G;
  const gx = mul(rstd, sub(sub(gh, mean(gh, row)), mul(xhat, mean(mul(gh, xhat), row))));
  const gw = weight && weight.requiresGrad ? reshape(sum(mul(G, xhat), { dim: 0 }), weight._shape) : null;
  const gb = bias && bias.requiresGrad ? reshape(sum(G, { dim: 0 }), bias._shape) : null;
  return [reshape(gx, x._shape), gw, gb];
}

/**
 * @internal Layer normalisation of x over its last `n` elements per row (n = the normalised
 * shape's size), with optional weight and bias of that shape, as one fused op; null when the
 * operands do not fit it (mixed dtypes or devices, an empty input): the caller then composes ops.
 */
export function fusedLayerNorm(x: Tensor, n: number, weight: Tensor | null, bias: Tensor | null, eps: number): Tensor | null {
  const dev = x._storage.device;
  const fits = (t: Tensor | null): boolean => t === null || (t.dtype === x.dtype && sameDevice(t._storage.device, dev) && t.numel === n);
  if (!isFloating(x.dtype) || x.numel === 0 || n === 0 || !fits(weight) || !fits(bias)) return null;
  const [LN, LN_BW, LN_AFF] = normOps();
  if (LN < 0) return null;  // an addon built without the op (FLINT_ADDON_PATH to an older build)
  const R = x.numel / n;
  const xc = needsGrad(x, weight, bias) ? contig(x.detach()) : contig(x);
  const affine = [weight, bias].filter((t): t is Tensor => t !== null).map((t) => contig(t.detach()));
  const y = emptyTensor(x._shape, x.dtype, dev, false, 'layerNorm');
  const mean = emptyTensor([R], x.dtype, dev, false, 'layerNorm');
  const rstd = emptyTensor([R], x.dtype, dev, false, 'layerNorm');
  try {
    call(LN, 'layerNorm', [y, mean, rstd, xc, ...affine], [eps, weight ? 1 : 0, bias ? 1 : 0]);
  } catch (e) { y.dispose(); mean.dispose(); rstd.dispose(); throw e; }
  if (needsGrad(x, weight, bias)) {
    // x and the weight themselves are saved (not their detached copies), so that a backward with
    // createGraph reads them as graph tensors; the native backward makes them contiguous
    const saved = weight ? [x, mean, rstd, weight] : [x, mean, rstd];
    record('layerNorm', [x, weight, bias], [y], saved, ([gy], [sx, sm, sr, sw]) => scopeSync(() => {
      if (isGradEnabled()) return composedBackward(gy!, sx, sw ?? null, weight, bias, n, eps);
      const g = contig(gy!), xs = contig(sx), ws = sw ? contig(sw) : null;
      const gx = emptyTensor(x._shape, x.dtype, dev, false, 'layerNorm backward');
      call(LN_BW, 'layerNorm backward', ws ? [gx, g, xs, sm, sr, ws] : [gx, g, xs, sm, sr], [ws ? 1 : 0]);
      let gw: Tensor | null = null, gb: Tensor | null = null;
      if ((weight && weight.requiresGrad) || (bias && bias.requiresGrad)) {
        const w1 = emptyTensor([n], x.dtype, dev, false, 'layerNorm backward');
        const b1 = emptyTensor([n], x.dtype, dev, false, 'layerNorm backward');
        call(LN_AFF, 'layerNorm backward', [w1, b1, g, xs, sm, sr], []);
        if (weight) gw = w1.reshape(weight._shape as number[]);
        if (bias) gb = b1.reshape(bias._shape as number[]);
      }
      return [gx, gw, gb];
    }), true);
  }
  // the node keeps its own views of what it saved
  if (xc !== x) xc.dispose();
  for (const t of affine) t.dispose();
  mean.dispose();
  rstd.dispose();
  return y;
}
