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

exports.SPECS = specs;
