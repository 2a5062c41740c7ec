// torch-diff-specs-parametrize.js — bench/torch-diff.js's specs for nn.utils.parametrize and the
// nn.utils helpers of lib/nn/parametrize.ts and lib/nn/utils-extra.ts (the format of
// bench/torch-diff-specs.js). The module forms run a Linear (or Conv1d) whose parametrized tensors
// are fed through functionalCall on both sides (torch.nn.utils.stateless.functional_call), under
// torch's state-dict names, so the drawn inputs are the originals and the harness's gradients are
// those of the originals:
//   - parametrizations.weightNorm: torch 1.13 has no parametrizations.weight_norm; its side is a
//     parametrization written as torch 2.x's _WeightNorm (torch._weight_norm, norm_except_dim);
//   - the legacy weightNorm (weight_g, weight_v) and spectralNorm (weight_orig, weight_u, weight_v)
//     hooks, and parametrizations.spectralNorm (original, 0._u, 0._v), in training mode (the power
//     iteration updates the drawn u and v in place: they are returned after the output) or eval;
//   - parametrizations.orthogonal (matrix_exp, cayley, householder; square, tall and wide weights), the
//     original and the base both drawn;
//   - parametersToVector, fusion.fuseConvBnWeights / fuseLinearBnWeights, and functionalCall on an
//     eval BatchNorm1d (buffers substituted).
// Now and then a dim is out of range or nPowerIterations is 0: both sides refuse.
'use strict';

const FD = ['float32', 'float64'];
const specs = [];
const add = (s) => specs.push(s);

/** torch 2.x's _WeightNorm as a parametrization (torch 1.13 lacks parametrizations.weight_norm). */
const PY_WN = "type('WN', (torch.nn.Module,), {'forward': lambda self, g, v: torch._weight_norm(v, g, -1 if a.dim is None else a.dim), 'right_inverse': lambda self, w: (torch.norm_except_dim(w, 2, -1 if a.dim is None else a.dim), w)})()";
const PY_LINEAR = 'torch.nn.Linear(a.i, a.o, dtype=x0.dtype)';
/** torch.nn.utils.stateless.functional_call(m, {names[k]: x(k+1)}, (x0,)) */
const pyCall = (m, names) => `torch.nn.utils.stateless.functional_call(${m}, {${names.map((n, k) => `'${n}': x${k + 1}`).join(', ')}}, (x0,))`;
const flCall = (fl, m, names, xs) => fl.func.functionalCall(m, Object.fromEntries(names.map((n, k) => [n, xs[k + 1]])), [xs[0]]);
const linear = (fl, a, x) => new fl.nn.Linear(a.i, a.o, { dtype: x.dtype, device: x.device });

/** g's shape for weight [o, i] normalized over every dim but `dim` (null or -1: all, a 0-dim g). */
function gShape(dim, o, i) {
  if (dim === null || dim === -1) return [];
  const d = dim < 0 ? dim + 2 : dim;
  if (d === 0) return [o, 1];
  if (d === 1) return [1, i];
  return [o, i];  // out of range: both refuse before g is used
}

// ---- weight norm: parametrizations.weightNorm and the legacy hook ---------------------------------
function drawWeightNorm(r) {
  const dt = r.pick(FD), o = r.int(1, 4), i = r.int(1, 4), n = r.int(1, 3);
  const dim = r.bool(0.06) ? r.pick([2, -3]) : r.pick([0, 1, null, -1, -2]);
  const ins = [r.tensor(dt, [n, i], 'cont'), r.tensor(dt, gShape(dim, o, i), 'cont'), r.tensor(dt, [o, i], r.pick(['cont', 'grid'])), r.tensor(dt, [o], 'cont')];
  return { ins, a: { o, i, dim } };
}
// the gradient of v is a difference of terms of g·v/‖v‖³'s size: where it cancels (a size-1 dim) both
// sides leave rounding noise of a few ulps of those terms
add({
  name: 'nn.utils.parametrizations.weightNorm', gen: drawWeightNorm, gradTol: 8,
  py: pyCall(`(lambda m: (torch.nn.utils.parametrize.register_parametrization(m, 'weight', ${PY_WN}, unsafe=True), m)[1])(${PY_LINEAR})`, ['parametrizations.weight.original0', 'parametrizations.weight.original1', 'bias']),
  fl: (fl, xs, a) => flCall(fl, fl.nn.utils.parametrizations.weightNorm(linear(fl, a, xs[0]), 'weight', a.dim), ['parametrizations.weight.original0', 'parametrizations.weight.original1', 'bias'], xs),
});
add({
  name: 'nn.utils.weightNorm', gen: drawWeightNorm, gradTol: 8,
  py: pyCall(`torch.nn.utils.weight_norm(${PY_LINEAR}, dim=a.dim)`, ['weight_g', 'weight_v', 'bias']),
  fl: (fl, xs, a) => flCall(fl, fl.nn.utils.weightNorm(linear(fl, a, xs[0]), 'weight', a.dim), ['weight_g', 'weight_v', 'bias'], xs),
});

// ---- spectral norm: parametrizations.spectralNorm and the legacy hook, Linear or Conv1d ----------------
function drawSpectral(r) {
  const dt = r.pick(FD), conv = r.bool(0.4), n = r.int(1, 3);
  const o = r.int(1, 4), i = r.int(1, 3), k = conv ? r.int(1, 3) : 1;
  const wShape = conv ? [o, i, k] : [o, i];
  const nd = wShape.length;
  const dim = r.bool(0.05) ? nd : r.pick(conv ? [0, 1, 2, -1] : [0, 1, -1, null]);
  const d = dim === null ? 0 : dim < 0 ? dim + nd : dim;
  const h = d < nd ? wShape[d] : 1, w = wShape.reduce((p, q) => p * q, 1) / h;
  const iters = r.bool(0.05) ? 0 : r.int(1, 3);
  const x = conv ? r.tensor(dt, [n, i, r.int(k, 5)], 'cont') : r.tensor(dt, [n, i], 'cont');
  return {
    ins: [x, r.tensor(dt, wShape, 'cont'), r.tensor(dt, [h], 'cont'), r.tensor(dt, [w], 'cont'), r.tensor(dt, [o], 'cont')],
    a: { o, i, k, conv, dim, iters, train: r.bool(0.7) },
  };
}
const pyMod = "(torch.nn.Conv1d(a.i, a.o, a.k, dtype=x0.dtype) if a.conv else torch.nn.Linear(a.i, a.o, dtype=x0.dtype))";
const flMod = (fl, a, x) => (a.conv ? new fl.nn.Conv1d(a.i, a.o, a.k, { dtype: x.dtype, device: x.device }) : linear(fl, a, x));
/** [y, u after, v after]: the power iteration writes u and v (the drawn x2, x3) in place. */
const pySpectral = (m, names) => `(lambda y: [y, x2.detach().clone(), x3.detach().clone()])(${pyCall(`(lambda m: (m.train(a.train), m)[1])(${m})`, names)})`;
const flSpectral = (fl, m, names, xs, a) => { m.train(a.train); const y = flCall(fl, m, names, xs); return [y, xs[2].detach().clone(), xs[3].detach().clone()]; };
const SN_P = ['parametrizations.weight.original', 'parametrizations.weight.0._u', 'parametrizations.weight.0._v', 'bias'];
add({
  name: 'nn.utils.parametrizations.spectralNorm', gen: drawSpectral, tol: 8,
  py: pySpectral(`torch.nn.utils.parametrizations.spectral_norm(${pyMod}, n_power_iterations=a.iters, dim=a.dim)`, SN_P),
  fl: (fl, xs, a) => flSpectral(fl, fl.nn.utils.parametrizations.spectralNorm(flMod(fl, a, xs[0]), 'weight', a.iters, 1e-12, a.dim), SN_P, xs, a),
});
const SN_L = ['weight_orig', 'weight_u', 'weight_v', 'bias'];
/** torch 1.13's legacy SpectralNorm permutes by (dim, every d != dim): a negative dim makes one entry too many. */
const legacyNegativeDim = (a) => (a.dim !== null && a.dim < 0
  ? "legacy spectralNorm with a negative dim: torch 1.13's SpectralNorm.reshape_weight_to_matrix permutes by [dim] + [d for d in range(ndim) if d != dim] without normalizing dim, so a negative dim fails in permute (RuntimeError); flintml counts it from the end, as parametrizations.spectral_norm does" : null);
add({
  name: 'nn.utils.spectralNorm', gen: drawSpectral, tol: 8, known: legacyNegativeDim,
  py: pySpectral(`torch.nn.utils.spectral_norm(${pyMod}, n_power_iterations=a.iters, dim=a.dim)`, SN_L),
  fl: (fl, xs, a) => flSpectral(fl, fl.nn.utils.spectralNorm(flMod(fl, a, xs[0]), 'weight', a.iters, 1e-12, a.dim), SN_L, xs, a),
});

// ---- orthogonal: the three maps, square and not, through the original and the base ------------------
add({
  name: 'nn.utils.parametrizations.orthogonal',
  gen: (r) => {
    const dt = r.pick(FD), o = r.int(1, 4), i = r.int(1, 4), n = r.int(1, 3);
    const map = r.pick(['matrix_exp', 'cayley', 'householder', null]);
    const m = Math.max(o, i);
    // Cayley's I - A/2 is singular for no real skew-symmetric A: every case is defined
    return { ins: [r.tensor(dt, [n, i], 'cont'), r.tensor(dt, [o, i], 'cont'), r.tensor(dt, [m, m], 'cont'), r.tensor(dt, [o], 'cont')], a: { o, i, map } };
  },
  tol: 16,
  py: pyCall(`torch.nn.utils.parametrizations.orthogonal(${PY_LINEAR}, orthogonal_map=a.map)`, ['parametrizations.weight.original', 'parametrizations.weight.0.base', 'bias']),
  fl: (fl, xs, a) => flCall(fl, fl.nn.utils.parametrizations.orthogonal(linear(fl, a, xs[0]), 'weight', a.map), ['parametrizations.weight.original', 'parametrizations.weight.0.base', 'bias'], xs),
});

// ---- parametersToVector ----------------------------------------------------------------------------
add({
  name: 'nn.utils.parametersToVector', py: 'torch.nn.utils.parameters_to_vector(xs)',
  gen: (r) => {
    const dt = r.pick(FD);
    return { ins: Array.from({ length: r.int(1, 4) }, () => r.tensor(dt, r.shape(0, 3), 'grid')), a: {} };
  },
  fl: (fl, xs) => fl.nn.utils.parametersToVector(xs),
});

// ---- fusion -------------------------------------------------------------------------------------------
/** x0 weight, x1 its bias, x2 running mean, x3 running var (positive), x4 γ, x5 β; a.nb / a.ng / a.nbeta: that one is None. */
function drawFusion(r, conv) {
  const dt = r.pick(FD), o = r.int(1, 4), i = r.int(1, 3);
  const transpose = conv && r.bool(0.3);
  const c = transpose ? i : o;   // the batch norm's channels: the weight's dim 1 when transposed
  const wShape = conv ? [o, i, ...Array.from({ length: r.int(1, 2) }, () => r.int(1, 3))] : [o, i];
  const ins = [r.tensor(dt, wShape, 'cont'), r.tensor(dt, [conv ? c : o], 'cont'), r.tensor(dt, [c], 'cont'), r.tensor(dt, [c], 'pos'), r.tensor(dt, [c], 'cont'), r.tensor(dt, [c], 'cont')];
  if (!conv && transpose) ins[1] = r.tensor(dt, [o], 'cont');
  return { ins, a: { eps: r.pick([1e-5, 1e-3, 0.5]), transpose, nb: r.bool(0.25), ng: conv && r.bool(0.2), nbeta: conv && r.bool(0.2) } };
}
add({
  name: 'nn.utils.fusion.fuseConvBnWeights', grad: false, gen: (r) => drawFusion(r, true),
  py: 'list(torch.nn.utils.fusion.fuse_conv_bn_weights(x0, None if a.nb else x1, x2, x3, a.eps, None if a.ng else x4, None if a.nbeta else x5, a.transpose))',
  fl: (fl, x, a) => fl.nn.utils.fusion.fuseConvBnWeights(x[0], a.nb ? null : x[1], x[2], x[3], a.eps, a.ng ? null : x[4], a.nbeta ? null : x[5], a.transpose),
});
add({
  name: 'nn.utils.fusion.fuseLinearBnWeights', grad: false, gen: (r) => drawFusion(r, false),
  py: 'list(torch.nn.utils.fusion.fuse_linear_bn_weights(x0, None if a.nb else x1, x2, x3, a.eps, x4, x5))',
  fl: (fl, x, a) => fl.nn.utils.fusion.fuseLinearBnWeights(x[0], a.nb ? null : x[1], x[2], x[3], a.eps, x[4], x[5]),
});

// ---- functionalCall on an eval BatchNorm1d: parameters and buffers substituted ---------------------------
add({
  name: 'func.functionalCall',
  gen: (r) => {
    const dt = r.pick(FD), c = r.int(1, 4), n = r.int(1, 3);
    return { ins: [r.tensor(dt, r.bool() ? [n, c] : [n, c, r.int(1, 3)], 'cont'), r.tensor(dt, [c], 'cont'), r.tensor(dt, [c], 'pos'), r.tensor(dt, [c], 'cont'), r.tensor(dt, [c], 'cont')], a: { c } };
  },
  // the running statistics are buffers: given detached (torch's batch_norm refuses running stats that require grad)
  py: "torch.nn.utils.stateless.functional_call(torch.nn.BatchNorm1d(a.c, dtype=x0.dtype).eval(), {'running_mean': x1.detach(), 'running_var': x2.detach(), 'weight': x3, 'bias': x4}, (x0,))",
  fl: (fl, xs, a) => fl.func.functionalCall(new fl.nn.BatchNorm1d(a.c, { dtype: xs[0].dtype, device: xs[0].device }).eval(), { running_mean: xs[1].detach(), running_var: xs[2].detach(), weight: xs[3], bias: xs[4] }, [xs[0]]),
});

module.exports = { SPECS: specs };
