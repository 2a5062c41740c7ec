// torch-diff-specs-complex.js — bench/torch-diff.js's specs for complex tensors (lib/ops/complex.ts
// and the complex hooks of the generic ops; the format of bench/torch-diff-specs.js). The harness
// draws real inputs: each complex operand is made on both sides from two real ones of one dtype
// (fl.complex / torch.complex; float32 → complex64, float64 → complex128), so that the gradients
// compared are those that reach the real and imaginary parts (dL/dRe, dL/dIm: torch's convention).
// A complex result is compared through its real view (re, im interleaved; the gradient weights both
// parts): bench/torch-diff.js's flat() and bench/peers/torch_diff.py's enc() do that.
// Forms: the arithmetic (complex op complex, op a real tensor of any dtype, op a number, both orders,
// broadcasting), the unary functions, pow with real exponents, sum/mean, matmul, the views
// (viewAsReal, viewAsComplex of strided real tensors, .real/.imag), polar, to(dtype), where and cat.
// Values: 'cont' (continuous), and 'special' (NaN, ±inf, -0) for the arithmetic.
'use strict';

const CF = ['float32', 'float64'];
const REAL = ['float32', 'float64', 'int32', 'bool'];
const specs = [];
const add = (s) => specs.push(s);

/** Two real tensors of one float dtype and shape: the parts of one complex operand. */
function partsOf(r, shape, kind = 'cont', dt = r.pick(CF)) {
  return [r.tensor(dt, shape, kind), r.tensor(dt, shape, kind)];
}
/** A shape broadcastable against `s` (some dims 1, some leading dims dropped). */
function bshape(r, s) {
  const t = s.slice(r.int(0, s.length)).map((d) => (r.bool(0.3) ? 1 : d));
  return t;
}
const C = (x, y) => `torch.complex(${x}, ${y})`;

for (const op of ['add', 'sub', 'mul', 'div']) {
  add({
    name: `complex-${op}`, py: `torch.${op}(${C('x0', 'x1')}, ${C('x2', 'x3')})`,
    gen: (r) => {
      const s = r.shape(0, 3), kind = r.pick(['cont', 'cont', 'special']), s2 = bshape(r, s);
      return { ins: [...partsOf(r, s, kind), ...partsOf(r, s2, kind)] };
    },
    fl: (fl, [a, b, c, d]) => fl[op](fl.complex(a, b), fl.complex(c, d)),
  });
  // a real tensor of any dtype on either side (torch promotes it to complex first)
  add({
    name: `complex-${op}-real`, py: `torch.${op}(${C('x0', 'x1')}, x2) if a.left else torch.${op}(x2, ${C('x0', 'x1')})`,
    gen: (r) => {
      const s = r.shape(0, 3), kind = r.pick(['cont', 'special']);
      return { ins: [...partsOf(r, s, kind), r.tensor(r.pick(REAL), bshape(r, s), r.pick(['cont', 'pos']))], a: { left: r.bool() } };
    },
    fl: (fl, [a, b, x], o) => (o.left ? fl[op](fl.complex(a, b), x) : fl[op](x, fl.complex(a, b))),
  });
  add({
    name: `complex-${op}-scalar`, py: `torch.${op}(${C('x0', 'x1')}, a.s) if a.left else torch.${op}(a.s, ${C('x0', 'x1')})`,
    gen: (r) => ({ ins: partsOf(r, r.shape(0, 3)), a: { s: r.pick([2, -0.5, 3.25, 1, 0]), left: r.bool(0.7) } }),
    fl: (fl, [a, b], o) => (o.left ? fl[op](fl.complex(a, b), o.s) : fl[op](o.s, fl.complex(a, b))),
  });
}

// unary functions: [flintml call, torch expression over z]
const UNARY = [
  ['neg', (fl, z) => fl.neg(z), 'torch.neg(z)'], ['abs', (fl, z) => fl.abs(z), 'torch.abs(z)'],
  ['angle', (fl, z) => fl.angle(z), 'torch.angle(z)'], ['sgn', (fl, z) => fl.sgn(z), 'torch.sgn(z)'],
  ['exp', (fl, z) => fl.exp(z), 'torch.exp(z)'], ['log', (fl, z) => fl.log(z), 'torch.log(z)'],
  ['sqrt', (fl, z) => fl.sqrt(z), 'torch.sqrt(z)'], ['square', (fl, z) => fl.square(z), 'torch.square(z)'],
  ['reciprocal', (fl, z) => fl.reciprocal(z), 'torch.reciprocal(z)'], ['sin', (fl, z) => fl.sin(z), 'torch.sin(z)'],
  ['cos', (fl, z) => fl.cos(z), 'torch.cos(z)'], ['tanh', (fl, z) => fl.tanh(z), 'torch.tanh(z)'],
  ['conj', (fl, z) => fl.conj(z), 'torch.conj(z)'], ['conjPhysical', (fl, z) => fl.conjPhysical(z), 'torch.conj_physical(z)'],
  ['isnan', (fl, z) => fl.isnan(z), 'torch.isnan(z)'], ['isinf', (fl, z) => fl.isinf(z), 'torch.isinf(z)'],
  ['isfinite', (fl, z) => fl.isfinite(z), 'torch.isfinite(z)'],
];
for (const [name, f, py] of UNARY) {
  const special = ['neg', 'conj', 'conjPhysical', 'isnan', 'isinf', 'isfinite'].includes(name);
  add({
    name: `complex-${name}`, py: py.replace('z', C('x0', 'x1')),
    gen: (r) => ({ ins: partsOf(r, r.shape(0, 3), special && r.bool() ? 'special' : 'cont') }),
    fl: (fl, [a, b]) => f(fl, fl.complex(a, b)),
    // tanh = (sinh 2x + i sin 2y)/(cosh 2x + cos 2y): near a pole the quotient magnifies the parts' rounding
    tol: name === 'tanh' ? 16 : 1,
  });
}

add({
  name: 'complex-pow', py: `torch.pow(${C('x0', 'x1')}, a.p)`,
  gen: (r) => ({ ins: partsOf(r, r.shape(0, 3)), a: { p: r.pick([0, 1, 2, 3, 0.5, -1.5, 2.5, -1]) } }),
  fl: (fl, [a, b], o) => fl.pow(fl.complex(a, b), o.p),
});

for (const red of ['sum', 'mean']) {
  add({
    name: `complex-${red}`, py: `torch.${red}(${C('x0', 'x1')}, a.d, a.k) if a.d is not None else torch.${red}(${C('x0', 'x1')})`,
    gen: (r) => { const s = r.shape(0, 3); return { ins: partsOf(r, s), a: { d: s.length && r.bool(0.8) ? r.dim(s.length) : null, k: r.bool() } }; },
    fl: (fl, [a, b], o) => (o.d !== null ? fl[red](fl.complex(a, b), o.d, o.k) : fl[red](fl.complex(a, b))),
    tol: 8,
  });
}

add({
  name: 'complex-matmul', py: `torch.matmul(${C('x0', 'x1')}, ${C('x2', 'x3')})`,
  gen: (r) => {
    const n = r.int(1, 4), k = r.int(1, 4), m = r.int(1, 4), dt = r.pick(CF);
    const batch = r.bool(0.3) ? [r.int(1, 3)] : [];
    const sa = r.bool(0.15) ? [k] : [...batch, n, k], sb = r.bool(0.15) ? [k] : [k, m];
    return { ins: [...partsOf(r, sa, 'cont', dt), ...partsOf(r, sb, 'cont', dt)] };
  },
  fl: (fl, [a, b, c, d]) => fl.matmul(fl.complex(a, b), fl.complex(c, d)),
  tol: 16,
  known: (a, [x, , y]) => (x.shape.length === 1 && y.shape.length === 1 && x.shape[0] > 0
    ? "1-D @ 1-D (a dot product) of complex vectors: torch 1.13's complex dot returns 0 with this build's BLAS (its cdotu/zdotu call); flintml gives the sum (test/complex.test.ts checks dot and vdot against (a*b).sum())" : null),
});

add({
  name: 'complex-vdot', py: `torch.sum(torch.conj(${C('x0', 'x1')}) * ${C('x2', 'x3')})`,   // torch 1.13's complex64 vdot returns 0 on this BLAS
  gen: (r) => { const n = r.int(0, 6), dt = r.pick(CF); return { ins: [...partsOf(r, [n], 'cont', dt), ...partsOf(r, [n], 'cont', dt)] }; },
  fl: (fl, [a, b, c, d]) => fl.vdot(fl.complex(a, b), fl.complex(c, d)),
  tol: 8,
});

// the views
add({
  name: 'complex-viewAsReal', py: `torch.view_as_real(${C('x0', 'x1')}).mul(2)`,
  gen: (r) => ({ ins: partsOf(r, r.shape(0, 3)) }),
  fl: (fl, [a, b]) => fl.viewAsReal(fl.complex(a, b)).mul(2),
});
add({
  // a real tensor with a last dim of 2, sliced (strides and offsets even or odd): torch's refusals too
  name: 'complex-viewAsComplex', py: 'torch.view_as_complex(x0[..., a.o:a.o + 2] if x0.dim() else x0)',
  gen: (r) => {
    const s = r.shape(0, 2); s.push(r.pick([2, 3, 4]));
    return { ins: [r.tensor(r.pick([...CF, 'float16']), s, 'cont')], a: { o: r.pick([0, 0, 1]) } };
  },
  fl: (fl, [x], o) => fl.viewAsComplex(x.ndim ? x.narrow(-1, o.o, Math.min(2, Math.max(x.shape[x.ndim - 1] - o.o, 0))) : x),
  known: (a, [x]) => (x.dtype === 'float16' ? 'view_as_complex of float16: torch 1.13 makes a complex32 (ComplexHalf) tensor; flintml has no complex32 and refuses (DTypeError)'
    : x.layout === 't' ? 'a transposed input: the harness stores it transposed on flintml\'s side only (torch_diff.py builds contiguous tensors), so the strides that view_as_complex checks differ' : null),
});
add({
  name: 'complex-real-imag', py: `torch.stack([${C('x0', 'x1')}.real * 2, ${C('x0', 'x1')}.imag * 3])`,
  gen: (r) => ({ ins: partsOf(r, r.shape(0, 3)) }),
  fl: (fl, [a, b]) => { const z = fl.complex(a, b); return fl.stack([z.real.mul(2), z.imag.mul(3)]); },
});
add({
  name: 'complex-polar', py: 'torch.polar(x0, x1)',
  gen: (r) => { const s = r.shape(0, 3), dt = r.pick(CF); return { ins: [r.tensor(dt, s, 'pos'), r.tensor(dt, bshape(r, s), 'cont')] }; },
  fl: (fl, [a, b]) => fl.polar(a, b),
});
add({
  name: 'complex-to', py: `${C('x0', 'x1')}.to(getattr(torch, a.dt))`,
  gen: (r) => ({ ins: partsOf(r, r.shape(0, 3)), a: { dt: r.pick(['complex64', 'complex128', 'float32', 'float64']) } }),
  fl: (fl, [a, b], o) => fl.complex(a, b).to(o.dt),
});
add({
  name: 'complex-where', py: `torch.where(x2 > 0, ${C('x0', 'x1')}, x3 if a.real else ${C('x3', 'x3')})`,
  gen: (r) => { const s = r.shape(0, 3), dt = r.pick(CF); return { ins: [...partsOf(r, s, 'cont', dt), r.tensor('float32', bshape(r, s), 'cont'), r.tensor(dt, bshape(r, s), 'cont')], a: { real: r.bool() } }; },
  fl: (fl, [a, b, c, d], o) => fl.where(fl.gt(c, 0), fl.complex(a, b), o.real ? d : fl.complex(d, d)),
  known: (a) => (a.real ? "where(cond, complex, real) with gradients: torch 1.13's backward refuses to give the real operand a complex gradient (RuntimeError); flintml gives it the real part, as torch does for every other real operand of a complex op" : null),
});
add({
  name: 'complex-cat', py: `torch.cat([${C('x0', 'x1')}, ${C('x2', 'x3')}], a.d)`,
  gen: (r) => {
    const s = r.shape(1, 3), d = r.dim(s.length), s2 = s.slice(), dt = r.pick(CF);
    s2[d < 0 ? d + s.length : d] = r.int(0, 3);
    return { ins: [...partsOf(r, s, 'cont', dt), ...partsOf(r, s2, 'cont', dt)], a: { d } };
  },
  fl: (fl, [a, b, c, d], o) => fl.cat([fl.complex(a, b), fl.complex(c, d)], o.d),
});

// ---- reductions, scans, layout ops, linalg (lib/ops/complex.ts, lib/ops/complex-linalg.ts) -----------
// prod, cumsum, cumprod (zeros drawn now and then: their gradients are finite on both sides), var/std
// (real results), the vector and matrix norms, diff, kron, trace, diag, tril/triu, outer; linalg.solve
// (on A + (3n + 1)·I, well conditioned as bench/torch-diff-specs-linalg.js's), inv, det, slogdet,
// matrixPower, matrixExp, svdvals, eigvalsh (torch reads one triangle), eigh, qr, pinv.
add({
  name: 'complex-prod', py: `torch.prod(${C('x0', 'x1')}, a.d, a.k) if a.d is not None else torch.prod(${C('x0', 'x1')})`,
  gen: (r) => {
    const s = r.shape(0, 3), dt = r.pick(CF), [x, y] = partsOf(r, s, 'cont', dt);
    if (r.bool(0.3) && x.v.length) { const i = r.int(0, x.v.length - 1); x.v[i] = 0; y.v[i] = 0; }
    return { ins: [x, y], a: { d: s.length && r.bool(0.7) ? r.dim(s.length) : null, k: r.bool() } };
  },
  fl: (fl, [a, b], o) => (o.d !== null ? fl.prod(fl.complex(a, b), o.d, o.k) : fl.prod(fl.complex(a, b))),
  tol: 16,
});
for (const op of ['cumsum', 'cumprod']) {
  add({
    name: `complex-${op}`, py: `torch.${op}(${C('x0', 'x1')}, a.d)`,
    gen: (r) => {
      const s = r.shape(0, 3), dt = r.pick(CF), [x, y] = partsOf(r, s, 'cont', dt);
      if (op === 'cumprod' && r.bool(0.3) && x.v.length) { const i = r.int(0, x.v.length - 1); x.v[i] = 0; y.v[i] = 0; }
      return { ins: [x, y], a: { d: s.length ? r.dim(s.length) : 0 } };
    },
    fl: (fl, [a, b], o) => fl[op](fl.complex(a, b), o.d),
    tol: 16,
  });
}
for (const op of ['var', 'std']) {
  add({
    name: `complex-${op}`, py: `torch.${op}(${C('x0', 'x1')}, a.d, a.u, a.k) if a.d is not None else torch.${op}(${C('x0', 'x1')}, a.u)`,
    gen: (r) => { const s = r.shape(1, 3, 4); return { ins: partsOf(r, s), a: { d: r.bool(0.7) ? r.dim(s.length) : null, u: r.bool(), k: r.bool() } }; },
    fl: (fl, [a, b], o) => (o.d !== null ? fl[op](fl.complex(a, b), o.d, o.u, o.k) : fl[op](fl.complex(a, b), o.u)),
    tol: 16,
    known: (o, [x]) => (o.d === null && ((o.u && x.v.length === 1) || x.v.length === 0) ? `torch 1.13's complex ${op} over all dims of one element with correction 1, or of an empty input: its backward fails ("${op === 'var' ? 'Var' : 'Std'}Backward0 returned an invalid gradient ... got []"); flintml gives NaN and a NaN (or empty) gradient` : null),
  });
}
add({
  name: 'complex-vectorNorm', py: `torch.linalg.vector_norm(${C('x0', 'x1')}, float(a.o), a.d, a.k)`,
  gen: (r) => { const s = r.shape(1, 3); return { ins: partsOf(r, s), a: { o: r.pick([2, 1, 3, 'inf', 0.5]), d: r.bool() ? r.dim(s.length) : null, k: r.bool() } }; },
  fl: (fl, [a, b], o) => fl.linalg.vectorNorm(fl.complex(a, b), Number(o.o === 'inf' ? Infinity : o.o), o.d, o.k),
  tol: 16,
});
add({
  name: 'complex-diff', py: `torch.diff(${C('x0', 'x1')}, a.n, a.d)`,
  gen: (r) => { const s = r.shape(1, 3); return { ins: partsOf(r, s), a: { n: r.int(1, 2), d: r.dim(s.length) } }; },
  fl: (fl, [a, b], o) => fl.diff(fl.complex(a, b), o.n, o.d),
});
add({
  name: 'complex-kron', py: `torch.kron(${C('x0', 'x1')}, ${C('x2', 'x3')})`,
  gen: (r) => { const dt = r.pick(CF); return { ins: [...partsOf(r, r.shape(1, 2, 3), 'cont', dt), ...partsOf(r, r.shape(1, 2, 3), 'cont', dt)] }; },
  fl: (fl, [a, b, c, d]) => fl.kron(fl.complex(a, b), fl.complex(c, d)),
});
add({
  // (square: torch 1.13's trace backward of a non-square matrix puts gradient off the diagonal)
  name: 'complex-trace', py: `torch.trace(${C('x0', 'x1')})`,
  gen: (r) => { const n = r.int(1, 4); return { ins: partsOf(r, [n, n]) }; },
  fl: (fl, [a, b]) => fl.trace(fl.complex(a, b)),
  tol: 8,
});
add({
  name: 'complex-diag', py: `torch.diag(${C('x0', 'x1')}, a.k)`,
  gen: (r) => ({ ins: partsOf(r, r.bool() ? [r.int(1, 4)] : [r.int(1, 4), r.int(1, 4)]), a: { k: r.int(-1, 1) } }),
  fl: (fl, [a, b], o) => fl.diag(fl.complex(a, b), o.k),
});
add({
  name: 'complex-trilu', py: `torch.tril(${C('x0', 'x1')}, a.k) if a.l else torch.triu(${C('x0', 'x1')}, a.k)`,
  gen: (r) => ({ ins: partsOf(r, [...r.shape(0, 1, 2), r.int(1, 4), r.int(1, 4)]), a: { k: r.int(-2, 2), l: r.bool() } }),
  fl: (fl, [a, b], o) => (o.l ? fl.tril(fl.complex(a, b), o.k) : fl.triu(fl.complex(a, b), o.k)),
});
add({
  name: 'complex-outer', py: `torch.outer(${C('x0', 'x1')}, ${C('x2', 'x3')})`,
  gen: (r) => { const dt = r.pick(CF); return { ins: [...partsOf(r, [r.int(0, 4)], 'cont', dt), ...partsOf(r, [r.int(0, 4)], 'cont', dt)] }; },
  fl: (fl, [a, b, c, d]) => fl.outer(fl.complex(a, b), fl.complex(c, d)),
});

// complex square matrices [...batch, n, n] of one dtype; WC: A + (3n + 1)·I
const cmat = (r, dt, n, batch = r.shape(0, 1, 2)) => partsOf(r, [...batch, n, n], 'cont', dt);
const WC = (x, y) => `(${C(x, y)} + (3 * ${x}.shape[-1] + 1) * torch.eye(${x}.shape[-1], dtype=${x}.dtype))`;
const wcz = (fl, a, b) => fl.add(fl.complex(a, b), fl.mul(fl.eye(a.shape[a.ndim - 1], { dtype: a.dtype, device: a.device }), 3 * a.shape[a.ndim - 1] + 1));
add({
  name: 'complex-linalg.solve', py: `torch.linalg.solve(${WC('x0', 'x1')}, ${C('x2', 'x3')}, left=a.l)`,
  gen: (r) => {
    const dt = r.pick(CF), n = r.int(1, 4), l = r.bool(0.8), k = r.int(1, 3);
    const bs = l && r.bool(0.3) && n !== 1 ? [n] : l ? [n, k] : [k, n];
    return { ins: [...cmat(r, dt, n, []), ...partsOf(r, bs, 'cont', dt)], a: { l } };
  },
  fl: (fl, [a, b, c, d], o) => fl.linalg.solve(wcz(fl, a, b), fl.complex(c, d), { left: o.l }),
  tol: 64,
});
add({
  name: 'complex-linalg.inv', py: `torch.linalg.inv(${WC('x0', 'x1')})`,
  gen: (r) => ({ ins: cmat(r, r.pick(CF), r.int(1, 4)) }),
  fl: (fl, [a, b]) => fl.linalg.inv(wcz(fl, a, b)), tol: 64,
});
add({
  name: 'complex-linalg.det', py: `torch.linalg.det(${C('x0', 'x1')})`,
  gen: (r) => ({ ins: cmat(r, r.pick(CF), r.int(0, 4)) }),
  fl: (fl, [a, b]) => fl.linalg.det(fl.complex(a, b)), tol: 64,
});
add({
  name: 'complex-linalg.slogdet', py: `(lambda r: (r.logabsdet, r.sign))(torch.linalg.slogdet(${WC('x0', 'x1')}))`,
  gen: (r) => ({ ins: cmat(r, r.pick(CF), r.int(1, 4)) }),
  fl: (fl, [a, b]) => { const [s, l] = fl.linalg.slogdet(wcz(fl, a, b)); return [l, s]; }, tol: 64,
});
add({
  name: 'complex-logdet', py: `torch.logdet(${WC('x0', 'x1')})`,
  gen: (r) => ({ ins: cmat(r, r.pick(CF), r.int(1, 4)) }),
  fl: (fl, [a, b]) => fl.logdet(wcz(fl, a, b)), tol: 64,
});
add({
  name: 'complex-linalg.matrixPower', py: `torch.linalg.matrix_power(${WC('x0', 'x1')} / (3 * x0.shape[-1] + 1), a.k)`,
  gen: (r) => ({ ins: cmat(r, r.pick(CF), r.int(1, 3)), a: { k: r.pick([0, 1, 2, 3, -1, -2]) } }),
  fl: (fl, [a, b], o) => fl.linalg.matrixPower(fl.div(wcz(fl, a, b), 3 * a.shape[a.ndim - 1] + 1), o.k), tol: 64,
});
add({
  name: 'complex-linalg.matrixExp', py: `torch.linalg.matrix_exp(${C('x0', 'x1')} * 0.3)`,
  gen: (r) => ({ ins: cmat(r, r.pick(CF), r.int(1, 3)) }),
  fl: (fl, [a, b]) => fl.linalg.matrixExp(fl.mul(fl.complex(a, b), 0.3)), tol: 64,
});
add({
  name: 'complex-linalg.matrixNorm', py: `torch.linalg.matrix_norm(${C('x0', 'x1')}, float(a.o) if a.o in ('inf', '-inf') else a.o)`,
  gen: (r) => ({ ins: partsOf(r, [...r.shape(0, 1, 2), r.int(1, 3), r.int(1, 3)]), a: { o: r.pick(['fro', 'nuc', 2, -2, 1, -1, 'inf', '-inf']) } }),
  fl: (fl, [a, b], o) => fl.linalg.matrixNorm(fl.complex(a, b), o.o === 'inf' ? Infinity : o.o === '-inf' ? -Infinity : o.o), tol: 64, gradTol: 256,
});
add({
  name: 'complex-linalg.svdvals', py: `torch.linalg.svdvals(${C('x0', 'x1')})`,
  gen: (r) => ({ ins: partsOf(r, [...r.shape(0, 1, 2), r.int(1, 4), r.int(1, 4)]) }),
  fl: (fl, [a, b]) => fl.linalg.svdvals(fl.complex(a, b)), tol: 64, gradTol: 256,
});
add({
  name: 'complex-linalg.eigvalsh', py: `torch.linalg.eigvalsh(${C('x0', 'x1')}, UPLO=a.u)`,
  gen: (r) => ({ ins: cmat(r, r.pick(CF), r.int(1, 4)), a: { u: r.pick(['L', 'U']) } }),
  fl: (fl, [a, b], o) => fl.linalg.eigvalsh(fl.complex(a, b), { UPLO: o.u }), tol: 64, gradTol: 256,
});
// eigh: V diag(w + 1..n) Vᴴ first (the harness compares the first output's gradient: this one goes
// through the vectors and the values), then the eigenvalues and |V|² (each vector is unique only up to a phase)
add({
  name: 'complex-linalg.eigh',
  py: `(lambda r: (r.eigenvectors @ torch.diag_embed((r.eigenvalues + torch.arange(1, r.eigenvalues.shape[-1] + 1, dtype=r.eigenvalues.dtype)).to(r.eigenvectors.dtype)) @ r.eigenvectors.mH, r.eigenvalues, r.eigenvectors.abs() ** 2))(torch.linalg.eigh(${C('x0', 'x1')}, UPLO=a.u))`,
  gen: (r) => ({ ins: cmat(r, r.pick(CF), r.int(1, 4)), a: { u: r.pick(['L', 'U']) } }),
  fl: (fl, [a, b], o) => {
    const [w, V] = fl.linalg.eigh(fl.complex(a, b), { UPLO: o.u });
    const n = w.shape[w.ndim - 1], c = fl.add(w, fl.arange(1, n + 1, 1, { dtype: w.dtype, device: w.device }));
    return [fl.matmul(fl.mul(V, fl.complex(c, fl.zerosLike(c)).unsqueeze(-2)), V.mH), w, fl.square(fl.abs(V))];
  },
  tol: 64, gradTol: 256,
});
// qr: Q diag(1..k) R first (its gradient goes through both factors), then Q and R directly (zgeqrf's
// convention: R's diagonal real, −sign(Re α)·‖x‖); the modes without a gradient in complex-linalg.qr-nograd
add({
  name: 'complex-linalg.qr',
  py: `(lambda r: (r.Q @ torch.diag_embed(torch.arange(1, r.Q.shape[-1] + 1, dtype=x0.dtype).to(r.Q.dtype)) @ r.R, r.Q, r.R))(torch.linalg.qr(${C('x0', 'x1')}, mode=a.m))`,
  gen: (r) => {
    const m = r.int(1, 4), n = r.int(1, 4);
    return { ins: partsOf(r, [...r.shape(0, 1, 2), m, n]), a: { m: m <= n && r.bool(0.4) ? 'complete' : 'reduced' } };
  },
  fl: (fl, [a, b], o) => {
    const [Q, R] = fl.linalg.qr(fl.complex(a, b), o.m);
    const k = Q.shape[Q.ndim - 1], c = fl.arange(1, k + 1, 1, { dtype: a.dtype, device: a.device });
    return [fl.matmul(fl.mul(Q, fl.complex(c, fl.zerosLike(c))), R), Q, R];
  },
  tol: 64, gradTol: 256,
});
add({
  name: 'complex-linalg.qr-nograd', grad: false, py: `tuple(torch.linalg.qr(${C('x0', 'x1')}, mode=a.m))`,
  gen: (r) => ({ ins: partsOf(r, [...r.shape(0, 1, 2), r.int(0, 4), r.int(0, 4)]), a: { m: r.pick(['complete', 'r', 'reduced']) } }),
  fl: (fl, [a, b], o) => { const [Q, R] = fl.linalg.qr(fl.complex(a, b), o.m); return [Q, R]; }, tol: 64,
});
add({
  name: 'complex-linalg.pinv', py: `torch.linalg.pinv(${C('x0', 'x1')})`,
  gen: (r) => ({ ins: partsOf(r, [...r.shape(0, 1, 2), r.int(1, 3), r.int(1, 3)]) }),
  fl: (fl, [a, b]) => fl.linalg.pinv(fl.complex(a, b)), tol: 64, gradTol: 256,
});

// complex Cholesky (the interleaved embedding; torch's gradient formula), triangular solves, choleskySolve / choleskyInverse
const HPD_PY = (x, y) => `(lambda z: z @ z.mH + z.shape[-1] * torch.eye(z.shape[-1], dtype=z.dtype))(${C(x, y)})`;
const hpd = (fl, a, b) => { const z = fl.complex(a, b), n = z.shape[z.ndim - 1]; return fl.add(fl.matmul(z, fl.conj(z.mT)), fl.mul(fl.eye(n, { dtype: a.dtype, device: a.device }), n)); };
const sq = (r) => { const n = r.int(1, 4); return [...r.shape(0, 1, 2), n, n]; };
add({
  name: 'complex-linalg.cholesky', py: `torch.linalg.cholesky(${HPD_PY('x0', 'x1')}, upper=a.u)`,
  gen: (r) => ({ ins: partsOf(r, sq(r)), a: { u: r.bool() } }),
  fl: (fl, [a, b], o) => fl.linalg.cholesky(hpd(fl, a, b), { upper: o.u }), tol: 64, gradTol: 256,
});
add({
  name: 'complex-linalg.choleskyEx', grad: false,
  py: `(lambda r: (torch.where((r.info == 0)[..., None, None], r.L, torch.zeros_like(r.L)), r.info.long()))(torch.linalg.cholesky_ex((lambda z: z @ z.mH + a.s * torch.eye(z.shape[-1], dtype=z.dtype))(${C('x0', 'x1')})))`,
  gen: (r) => ({ ins: partsOf(r, sq(r)), a: { s: r.pick([-1, 0.5, 4]) } }),
  fl: (fl, [a, b], o) => {
    const z = fl.complex(a, b), n = z.shape[z.ndim - 1];
    const [L, info] = fl.linalg.choleskyEx(fl.add(fl.matmul(z, fl.conj(z.mT)), fl.mul(fl.eye(n, { dtype: a.dtype, device: a.device }), o.s)));
    return [fl.where(fl.eq(info, 0).unsqueeze(-1).unsqueeze(-1), L, fl.zerosLike(L)), info];
  },
  tol: 64,
});
add({
  name: 'complex-linalg.solveTriangular',
  py: `torch.linalg.solve_triangular(${C('x0', 'x1')} + 4 * torch.eye(x0.shape[-1], dtype=x0.dtype), ${C('x2', 'x3')}, upper=a.u, left=a.l, unitriangular=a.un)`,
  gen: (r) => {
    const s = sq(r), n = s[s.length - 1], k = r.int(1, 3), l = r.bool(0.7), dt = r.pick(CF);
    return { ins: [...partsOf(r, s, 'cont', dt), ...partsOf(r, [...(r.bool() ? s.slice(0, -2) : []), l ? n : k, l ? k : n], 'cont', dt)], a: { u: r.bool(), l, un: r.bool(0.3) } };
  },
  fl: (fl, [a, b, c, d], o) => {
    const n = a.shape[a.ndim - 1];
    const A = fl.add(fl.complex(a, b), fl.mul(fl.eye(n, { dtype: a.dtype, device: a.device }), 4));
    return fl.linalg.solveTriangular(A, fl.complex(c, d), { upper: o.u, left: o.l, unitriangular: o.un });
  },
  tol: 64, gradTol: 256,
});
add({
  name: 'complex-choleskySolve-inverse',
  py: `(lambda F: (torch.cholesky_solve(${C('x2', 'x3')}, F, a.u), torch.cholesky_inverse(F, a.u)))(torch.linalg.cholesky(${HPD_PY('x0', 'x1')}, upper=a.u))`,
  gen: (r) => { const s = sq(r), dt = r.pick(CF); return { ins: [...partsOf(r, s, 'cont', dt), ...partsOf(r, [...s.slice(0, -1), r.int(1, 3)], 'cont', dt)], a: { u: r.bool() } }; },
  fl: (fl, [a, b, c, d], o) => {
    const F = fl.linalg.cholesky(hpd(fl, a, b), { upper: o.u });
    return [fl.choleskySolve(fl.complex(c, d), F, o.u), fl.choleskyInverse(F, o.u)];
  },
  tol: 64, gradTol: 256,
});

exports.SPECS = specs;
