// torch-diff-specs-misc4.js — bench/torch-diff.js's specs (the format of bench/torch-diff-specs.js) for
// torch.lu_unpack (fl.luUnpack), torch.linalg.vander / tensorinv / tensorsolve (lib/ops/linalg.ts),
// Tensor.resize_ / resize_as_ (lib/ops/misc4.ts), and the keyword forms pow(exponent), tensordot(dims),
// tile(dims), hsplit/vsplit/dsplit(sections / indices) and F.relu/silu/hardswish(inplace).
// (torch.poisson and torch.binomial draw from their own generators, so their draws are not compared:
// test/ops-misc4.test.ts checks them against the exact pmfs.)
//
// Inputs: luUnpack's LU of any values (a float or int32 dtype), pivots in 1..m (out of range now
// and then: both refuse), batches, wide and tall matrices; tensorinv / tensorsolve's systems made well
// conditioned on both sides by the same composition (a square matrix x0 + (3p + 1)·I reshaped to the
// tensor shape), their shapes a mismatch now and then (both refuse). resize_'s new elements are
// uninitialized in torch, so only the first min(old, new) elements are compared (flintml's are zero).
'use strict';

const F = ['float32', 'float64'];
const specs = [];
const add = (s) => specs.push(s);
const prod = (s) => s.reduce((p, v) => p * v, 1);
/** p split into a shape of 1..3 factors (a 1 now and then). */
function factorShape(r, p) {
  const out = [];
  let rest = p;
  for (let k = r.int(0, 2); k > 0 && rest > 1; k--) {
    const ds = [];
    for (let d = 2; d <= rest; d++) if (rest % d === 0) ds.push(d);
    const d = r.pick(ds);
    out.push(d); rest /= d;
    if (r.bool(0.2)) out.push(1);
  }
  out.push(rest);
  return out;
}
// the well-conditioned square matrix, on both sides
const WC_PY = '(x0 + (3 * x0.shape[-1] + 1) * torch.eye(x0.shape[-1], dtype=x0.dtype))';
const wc = (fl, x) => fl.add(x, fl.mul(fl.eye(x.shape[x.ndim - 1], { dtype: x.dtype, device: x.device }), 3 * x.shape[x.ndim - 1] + 1));

// ---- luUnpack ----------------------------------------------------------------------------------------
/** LU [...batch, m, n] and pivots [...batch, k] in 1..m (one out of range now and then). */
function luInputs(r) {
  const batch = r.shape(0, 2, 3), m = r.int(0, 4), n = r.bool(0.6) ? m : r.int(0, 4), k = Math.min(m, n);
  const dt = r.bool(0.1) ? 'int32' : r.pick([...F, 'float16']);
  const LU = r.tensor(dt, [...batch, m, n], 'cont');
  const piv = r.tensor('int32', [...batch, k], 'int', 1, Math.max(m, 1));
  if (r.bool(0.08) && piv.v.length) piv.v[r.int(0, piv.v.length - 1)] = r.pick([0, m + 1]);
  return [LU, piv];
}
add({
  name: 'luUnpack', py: 'torch.lu_unpack(x0, x1.int(), a.d, a.p)',
  gen: (r) => ({ ins: luInputs(r), a: { d: r.bool(0.8), p: r.bool(0.8) } }),
  fl: (fl, [LU, p], a) => fl.luUnpack(LU, p, a.d, a.p),
});
add({
  name: 'kw.luUnpack', py: 'torch.lu_unpack(x0, x1.int(), unpack_data=a.d, unpack_pivots=a.p)',
  gen: (r) => ({ ins: luInputs(r), a: { d: r.bool(0.8), p: r.bool(0.8) } }),
  fl: (fl, [LU, p], a) => fl.luUnpack(LU, p, { unpackData: a.d, unpackPivots: a.p }),
});
add({
  // the factorization's own pivots: P L U of a well-conditioned (so pivoted alike) matrix
  name: 'luUnpack-luFactor', py: `torch.lu_unpack(*torch.linalg.lu_factor(${WC_PY}))`,
  gen: (r) => { const n = r.int(1, 4); return { ins: [r.tensor(r.pick(F), [...r.shape(0, 2, 3), n, n], 'cont')] }; },
  fl: (fl, [x]) => { const [LU, p] = fl.linalg.luFactor(wc(fl, x)); return fl.luUnpack(LU, p); }, tol: 64,
});

// ---- linalg.vander, vander -----------------------------------------------------------------------------
add({
  name: 'linalg.vander', py: 'torch.linalg.vander(x0, N=a.N)',
  gen: (r) => {
    const dt = r.bool(0.1) ? r.pick(['int32', 'float16', 'bool']) : r.pick(F);
    return { ins: [r.tensor(dt, r.shape(0, 3), 'grid', -3, 3)], a: { N: r.bool(0.4) ? null : r.int(0, 5) } };
  },
  fl: (fl, [x], a) => fl.linalg.vander(x, { N: a.N }), tol: 8,
});

// ---- tensorinv, tensorsolve --------------------------------------------------------------------------
add({
  // A: the well-conditioned p×p matrix shaped [...s, ...t] (prod s = prod t = p); ind = s's length (another one now and then)
  name: 'linalg.tensorinv', py: `torch.linalg.tensorinv(${WC_PY}.reshape(a.shape), ind=a.ind)`,
  gen: (r) => {
    const p = r.int(1, 6), s = factorShape(r, p), t = factorShape(r, p);
    const ind = r.bool(0.1) ? r.int(0, s.length + t.length + 1) : s.length;
    return { ins: [r.tensor(r.pick(F), [p, p], 'cont')], a: { shape: [...s, ...t], ind } };
  },
  fl: (fl, [x], a) => fl.linalg.tensorinv(wc(fl, x).reshape(a.shape), { ind: a.ind }), tol: 64,
});
add({
  name: 'kw.tensorinv-positional', py: `torch.linalg.tensorinv(${WC_PY}.reshape(a.shape), a.ind)`,
  gen: (r) => { const p = r.int(1, 4), s = factorShape(r, p); return { ins: [r.tensor(r.pick(F), [p, p], 'cont')], a: { shape: [...s, ...factorShape(r, p)], ind: s.length } }; },
  fl: (fl, [x], a) => fl.linalg.tensorinv(wc(fl, x).reshape(a.shape), a.ind), tol: 64,
});
add({
  // A = the p×p matrix shaped [...B.shape, ...X.shape], then (with dims) its last dims moved to `dims`,
  // which tensorsolve moves back; B of another shape of p elements now and then (both refuse, or not)
  name: 'linalg.tensorsolve',
  py: `torch.linalg.tensorsolve(torch.movedim(${WC_PY}.reshape(a.shape), a.src, a.dims) if a.dims is not None else ${WC_PY}.reshape(a.shape), x1, dims=a.dims)`,
  gen: (r) => {
    // p >= 2: (torch 1.13 bug, stepped around, as in torch-diff-specs-linalg.js) a 1×1 system with a vector B makes
    // solve's backward return B's gradient in the matrix shape ("LinalgSolveExBackward0 returned an invalid gradient")
    const p = r.int(2, 6), bs = factorShape(r, p), xs = factorShape(r, p), shape = [...bs, ...xs], nd = shape.length;
    let dims = null, src = null;
    if (r.bool(0.5)) {
      const k = r.int(1, xs.length), pool = shape.map((_, i) => i);
      dims = [];
      for (let j = 0; j < k; j++) dims.push(pool.splice(r.int(0, pool.length - 1), 1)[0] - (r.bool(0.3) ? nd : 0));
      src = dims.map((_, j) => nd - k + j);
    }
    const B = r.bool(0.1) ? [r.int(1, 3), r.int(1, 3)] : bs;
    const dt = r.pick(F);
    return { ins: [r.tensor(dt, [p, p], 'cont'), r.tensor(dt, B, 'cont')], a: { shape, dims, src } };
  },
  fl: (fl, [x, b], a) => {
    const A = wc(fl, x).reshape(a.shape);
    return fl.linalg.tensorsolve(a.dims === null ? A : fl.movedim(A, a.src, a.dims), b, { dims: a.dims });
  },
  tol: 64,
});

// ---- resize_, resizeAs_ ----------------------------------------------------------------------------------
/** New sizes (0..3 dims, sizes 0..4) and the number of elements both libraries define: min(old, new). */
function newSizes(r, x) {
  const s = r.shape(0, 3, 4);
  return { s, n: Math.min(prod(s), prod(x.shape)) };
}
add({
  name: 'resize_', grad: false, py: 'x0.detach().clone().resize_(a.s).reshape(-1)[:a.n]',
  gen: (r) => { const x = r.tensor(r.pick([...F, 'int32', 'bool']), r.shape(0, 3)); return { ins: [x], a: newSizes(r, x) }; },
  fl: (fl, [x], a) => x.detach().contiguous().clone().resize_(a.s).reshape(-1).narrow(0, 0, a.n),
});
add({
  // the same shape: a no-op that keeps the strides (of a transposed view here), as torch
  name: 'resize_-same', grad: false, py: 'x0.detach().clone().mT.resize_(a.s)',
  gen: (r) => { const x = r.tensor(r.pick(F), r.shape(2, 3)); const s = x.shape.slice(); [s[s.length - 1], s[s.length - 2]] = [s[s.length - 2], s[s.length - 1]]; return { ins: [x], a: { s } }; },
  fl: (fl, [x], a) => x.detach().contiguous().clone().mT.resize_(a.s),
});
add({
  name: 'resizeAs_', grad: false, py: 'x0.detach().clone().resize_as_(x1).reshape(-1)[:a.n]',
  gen: (r) => { const x = r.tensor(r.pick(F), r.shape(0, 3)); const o = newSizes(r, x); return { ins: [x, r.tensor('int32', o.s)], a: { n: o.n } }; },
  fl: (fl, [x, o], a) => x.detach().contiguous().clone().resizeAs_(o).reshape(-1).narrow(0, 0, a.n),
});
add({
  // a tensor that requires grad: both refuse ("cannot resize variables that require grad")
  name: 'resize_-requiresGrad', py: 'x0.resize_(a.s)',
  gen: (r) => ({ ins: [r.tensor(r.pick(F), r.shape(0, 2))], a: { s: r.shape(0, 2) } }),
  fl: (fl, [x], a) => x.resize_(a.s),
});

// ---- keyword forms ------------------------------------------------------------------------------------
add({
  name: 'kw.pow', py: '(torch.pow(x0, exponent=a.e) if a.f else x0.pow(exponent=a.e))',
  gen: (r) => ({ ins: [r.tensor(r.pick(F), r.shape(0, 3), 'pos')], a: { e: r.pick([2, 0.5, -1, 3]), f: r.bool() } }),
  fl: (fl, [x], a) => (a.f ? fl.pow(x, { exponent: a.e }) : x.pow({ exponent: a.e })), tol: 4,
});
add({
  name: 'kw.pow-tensor', py: 'torch.pow(x0, exponent=x1)',
  gen: (r) => { const s = r.shape(0, 3); return { ins: [r.tensor(r.pick(F), s, 'pos'), r.tensor('float64', s.slice(r.int(0, s.length)), 'grid', -2, 2)] }; },
  fl: (fl, [x, e]) => fl.pow(x, { exponent: e }), tol: 4,
});
add({
  name: 'kw.tensordot', py: 'torch.tensordot(x0, x1, dims=a.d)',
  gen: (r) => {
    const k = r.int(0, 2), shared = r.shape(k, k, 3, false), a0 = r.shape(0, 2, 3, false), b0 = r.shape(0, 2, 3, false);
    const dt = r.pick(F);
    if (r.bool(0.5) || k === 0) return { ins: [r.tensor(dt, [...a0, ...shared]), r.tensor(dt, [...shared, ...b0])], a: { d: k } };
    // named dims: the contracted dims of b in reverse order
    const A = [...a0, ...shared], B = [...shared.slice().reverse(), ...b0];
    return { ins: [r.tensor(dt, A), r.tensor(dt, B)], a: { d: [shared.map((_, i) => a0.length + i), shared.map((_, i) => k - 1 - i)] } };
  },
  fl: (fl, [x, y], a) => fl.tensordot(x, y, { dims: a.d }), tol: 8,
});
add({
  name: 'kw.tile', py: '(torch.tile(x0, dims=a.d) if a.f else x0.tile(dims=a.d))',
  gen: (r) => ({ ins: [r.tensor(r.pick([...F, 'int32']), r.shape(0, 3))], a: { d: r.shape(0, 3, 3), f: r.bool() } }),
  fl: (fl, [x], a) => (a.f ? fl.tile(x, { dims: a.d }) : x.tile({ dims: a.d })),
});
for (const [name, minDims, dimOf] of [['hsplit', 1, (n) => (n === 1 ? 0 : 1)], ['vsplit', 2, () => 0], ['dsplit', 3, () => 2]]) {
  add({
    // torch 1.13's parser names: sections= (a number, which must divide the size) or indices= (a list)
    name: `kw.${name}`, py: `list(torch.${name}(x0, **({"sections": a.s} if isinstance(a.s, int) else {"indices": a.s})))`,
    gen: (r) => {
      const s = r.shape(Math.max(minDims - (r.bool(0.1) ? 1 : 0), 0), 4, 4);
      const n = s[dimOf(s.length)] ?? 1;
      return { ins: [r.tensor(r.pick(F), s)], a: { s: r.bool() ? r.pick([1, 2, 3, n || 1]) : [r.int(0, 3), r.int(1, 5)], m: r.bool() } };
    },
    fl: (fl, [x], a) => {
      const o = typeof a.s === 'number' ? { sections: a.s } : { indices: a.s };
      return a.m ? x[name](o) : fl[name](x, o);
    },
  });
}
for (const [name, tname] of [['relu', 'relu'], ['silu', 'silu'], ['hardswish', 'hardswish']]) {
  add({
    // inplace on a graph tensor (torch writes it and rebases its history; flintml returns a new tensor: the same values and gradient)
    name: `kw.F.${name}`, py: `F.${tname}(x0 * 1, inplace=a.ip)`,
    gen: (r) => ({ ins: [r.tensor(r.pick(F), r.shape(0, 3), 'cont')], a: { ip: r.bool() } }),
    fl: (fl, [x], a) => fl.nn.functional[name](x.mul(1), { inplace: a.ip }), tol: 4,
  });
}

module.exports = { SPECS: specs };
