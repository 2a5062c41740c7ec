// torch-diff-specs-shapes.js — bench/torch-diff.js's specs for lib/ops/reshaping.ts and
// lib/ops/counting.ts (the format of bench/torch-diff-specs.js): the shape, joining, splitting and
// diagonal utilities (values and the gradient of the differentiable ones) and the counting and
// searching ops (int32 results stand for torch's int64). Inputs have ties, zero sizes and, where
// torch's NaN handling is part of the contract (searchsorted, histc), NaN.
'use strict';

const F = ['float32', 'float64'];
const specs = [];
const add = (s) => specs.push(s);
const sh = (r, lo = 1, hi = 3) => r.shape(lo, hi);

add({ name: 'diff', py: 'torch.diff(x0, n=a.n, dim=a.d)',
  gen: (r) => { const s = sh(r); return { ins: [r.tensor(r.pick([...F, 'int32']), s)], a: { n: r.int(0, 3), d: r.dim(s.length) } }; },
  fl: (fl, [x], a) => fl.diff(x, a.n, a.d) });
add({ name: 'diff-prepend', py: 'torch.diff(x0, dim=a.d, prepend=x1, append=x2)',
  gen: (r) => { const s = sh(r); const d = r.dim(s.length); const p = s.slice(); p[(d + s.length) % s.length] = r.int(0, 2); return { ins: [r.tensor('float64', s), r.tensor('float64', p), r.tensor('float64', p)], a: { d } }; },
  fl: (fl, [x, p, q], a) => fl.diff(x, 1, a.d, p, q) });
add({ name: 'meshgrid', py: 'list(torch.meshgrid(x0, x1, indexing=a.ix))',
  gen: (r) => ({ ins: [r.tensor('float64', r.shape(1, 1)), r.tensor('float64', r.shape(1, 1))], a: { ix: r.pick(['ij', 'xy']) } }),
  fl: (fl, [x, y], a) => fl.meshgrid(x, y, { indexing: a.ix }) });
add({ name: 'cartesianProd', py: 'torch.cartesian_prod(x0, x1)',
  gen: (r) => ({ ins: [r.tensor('float64', r.shape(1, 1)), r.tensor('float64', r.shape(1, 1))] }),
  fl: (fl, [x, y]) => fl.cartesianProd(x, y) });
add({ name: 'tensordot', py: 'torch.tensordot(x0, x1, dims=a.k)',
  gen: (r) => { const k = r.int(0, 2); const c = Array.from({ length: k }, () => r.int(1, 3)); return { ins: [r.tensor('float64', [...sh(r, 0, 1), ...c]), r.tensor('float64', [...c, ...sh(r, 0, 1)])], a: { k } }; },
  fl: (fl, [x, y], a) => fl.tensordot(x, y, a.k) });
add({ name: 'kron', py: 'torch.kron(x0, x1)',
  gen: (r) => ({ ins: [r.tensor(r.pick(F), sh(r, 0, 2)), r.tensor(r.pick(F), sh(r, 0, 2))] }),
  fl: (fl, [x, y]) => fl.kron(x, y) });
add({ name: 'trace', py: 'torch.trace(x0)',
  gen: (r) => ({ ins: [r.tensor(r.pick([...F, 'int32']), r.shape(2, 2))] }), fl: (fl, [x]) => fl.trace(x),
  // torch 1.13's trace_backward fills the flat positions 0, c+1, 2(c+1), … below r*c of an r x c
  // matrix: with r > c + 1 that reaches past the diagonal (off-diagonal entries get gradient)
  known: (a, [x]) => (x.shape[0] > x.shape[1] + 1
    ? "trace's gradient of a tall matrix: torch 1.13 fills every (cols+1)-th flat position (a torch bug: off-diagonal entries get gradient); flintml's is the diagonal" : null) });
add({ name: 'diag', py: 'torch.diag(x0, a.k)',
  gen: (r) => ({ ins: [r.tensor(r.pick([...F, 'int32']), r.shape(1, 2))], a: { k: r.int(-2, 2) } }), fl: (fl, [x], a) => fl.diag(x, a.k),
  known: (a, [x]) => (x.shape.length === 2 && (a.k >= x.shape[1] || -a.k >= x.shape[0])
    ? 'diag of a matrix with an offset past its last diagonal: torch 1.13 fails (numel: integer multiplication overflow), flintml gives an empty diagonal as torch.diagonal does' : null) });
add({ name: 'diagEmbed', py: 'torch.diag_embed(x0, a.o, a.d1, a.d2)',
  gen: (r) => { const s = sh(r, 1, 2); const n = s.length + 1; let d1 = r.dim(n), d2 = r.dim(n); if ((d1 + n) % n === (d2 + n) % n) d2 = (d1 + n + 1) % n; return { ins: [r.tensor(r.pick(F), s, 'special')], a: { o: r.int(-2, 2), d1, d2 } }; },
  fl: (fl, [x], a) => fl.diagEmbed(x, a.o, a.d1, a.d2) });
add({ name: 'diagflat', py: 'torch.diagflat(x0, a.o)',
  gen: (r) => ({ ins: [r.tensor(r.pick(F), sh(r, 0, 2))], a: { o: r.int(-1, 1) } }), fl: (fl, [x], a) => fl.diagflat(x, a.o) });
add({ name: 'trilIndices', grad: false, py: 'torch.tril_indices(a.r, a.c, a.o)',
  gen: (r) => ({ ins: [], a: { r: r.int(0, 4), c: r.int(0, 4), o: r.int(-2, 2) } }), fl: (fl, _x, a) => fl.trilIndices(a.r, a.c, a.o) });
add({ name: 'triuIndices', grad: false, py: 'torch.triu_indices(a.r, a.c, a.o)',
  gen: (r) => ({ ins: [], a: { r: r.int(0, 4), c: r.int(0, 4), o: r.int(-2, 2) } }), fl: (fl, _x, a) => fl.triuIndices(a.r, a.c, a.o) });
add({ name: 'logspace', grad: false, py: 'torch.logspace(a.s, a.e, a.n, a.b, dtype=torch.float64)',
  gen: (r) => ({ ins: [], a: { s: r.int(-3, 2), e: r.int(-2, 3), n: r.int(0, 6), b: r.pick([2, 10, 0.5]) } }), fl: (fl, _x, a) => fl.logspace(a.s, a.e, a.n, a.b, { dtype: 'float64' }) });
for (const [name, py, f] of [['hstack', 'torch.hstack', 'hstack'], ['vstack', 'torch.vstack', 'vstack'], ['dstack', 'torch.dstack', 'dstack'], ['columnStack', 'torch.column_stack', 'columnStack'], ['rowStack', 'torch.row_stack', 'rowStack']]) {
  add({ name, py: `${py}([x0, x1])`,
    gen: (r) => { const s = sh(r, 0, 2); return { ins: [r.tensor('float64', s), r.tensor('float64', s)] }; }, fl: (fl, xs) => fl[f](xs) });
}
add({ name: 'movedim', py: 'torch.movedim(x0, a.s, a.d)',
  gen: (r) => { const s = sh(r, 1, 3); return { ins: [r.tensor('float64', s)], a: { s: r.dim(s.length), d: r.dim(s.length) } }; }, fl: (fl, [x], a) => fl.movedim(x, a.s, a.d) });
add({ name: 'unflatten', py: 'torch.unflatten(x0, a.d, a.s)',
  gen: (r) => { const s = sh(r, 1, 2); const d = r.dim(s.length); const n = s[(d + s.length) % s.length]; return { ins: [r.tensor('float64', s)], a: { d, s: r.bool() ? [n, 1] : [-1, 1] } }; }, fl: (fl, [x], a) => fl.unflatten(x, a.d, a.s) });
add({ name: 'take', py: 'torch.take(x0, x1.long())',
  gen: (r) => { const s = sh(r, 0, 2); const n = s.reduce((p, v) => p * v, 1); return { ins: [r.tensor('float64', s), r.tensor('int32', sh(r, 1, 2), 'int', -n, n - 1)] }; }, fl: (fl, [x, i]) => fl.take(x, i) });
add({ name: 'indexAdd', py: 'torch.index_add(x0, a.d, x1.long(), x2, alpha=a.al)',
  gen: (r) => { const s = sh(r, 1, 2); const d = r.dim(s.length); const dd = (d + s.length) % s.length; const k = r.int(0, 3); const ss = s.slice(); ss[dd] = k; return { ins: [r.tensor('float64', s), r.tensor('int32', [k], 'index', 0, s[dd] - 1), r.tensor('float64', ss)], a: { d, al: r.pick([1, -2]) } }; },
  fl: (fl, [x, i, v], a) => fl.indexAdd(x, a.d, i, v, { alpha: a.al }) });
add({ name: 'indexFill', py: 'torch.index_fill(x0, a.d, x1.long(), a.v)',
  gen: (r) => { const s = sh(r, 1, 2); const d = r.dim(s.length); const dd = (d + s.length) % s.length; return { ins: [r.tensor('float64', s), r.tensor('int32', [r.int(0, 3)], 'int', -s[dd], s[dd] - 1)], a: { d, v: r.pick([0, 2.5]) } }; },
  fl: (fl, [x, i], a) => fl.indexFill(x, a.d, i, a.v) });
add({ name: 'repeatInterleave', py: 'torch.repeat_interleave(x0, a.k, dim=a.d)',
  gen: (r) => { const s = sh(r, 1, 2); return { ins: [r.tensor('float64', s)], a: { k: r.int(0, 3), d: r.bool() ? null : r.dim(s.length) } }; }, fl: (fl, [x], a) => fl.repeatInterleave(x, a.k, a.d) });
add({ name: 'repeatInterleave-tensor', py: 'torch.repeat_interleave(x0, x1.long(), dim=0)',
  gen: (r) => { const s = sh(r, 1, 2); return { ins: [r.tensor('float64', s), r.tensor('int32', [s[0]], 'index', 0, 3)] }; }, fl: (fl, [x, k]) => fl.repeatInterleave(x, k, 0) });
add({ name: 'tile', py: 'torch.tile(x0, a.r)',
  gen: (r) => ({ ins: [r.tensor('float64', sh(r, 0, 2))], a: { r: Array.from({ length: r.int(1, 3) }, () => r.int(0, 2)) } }), fl: (fl, [x], a) => fl.tile(x, a.r) });
add({ name: 'rot90', py: 'torch.rot90(x0, a.k, [0, 1])',
  gen: (r) => ({ ins: [r.tensor('float64', r.shape(2, 3))], a: { k: r.int(-5, 5) } }), fl: (fl, [x], a) => fl.rot90(x, a.k, [0, 1]) });
add({ name: 'fliplr-flipud', py: '[torch.fliplr(x0), torch.flipud(x0)]',
  gen: (r) => ({ ins: [r.tensor('float64', r.shape(2, 3))] }), fl: (fl, [x]) => [fl.fliplr(x), fl.flipud(x)] });
add({ name: 'blockDiag', py: 'torch.block_diag(x0, x1)',
  gen: (r) => ({ ins: [r.tensor('float64', sh(r, 0, 2)), r.tensor(r.pick(['float64', 'int32']), sh(r, 0, 2))] }), fl: (fl, [x, y]) => fl.blockDiag(x, y),
  // seed 5: block_diag(zeros(0), B) puts B below a row of zeros, and torch 1.13's backward reads B's
  // gradient from the rows above it (the empty 1-D input's row is not counted there)
  known: (a, [x]) => (x.shape.length === 1 && x.shape[0] === 0 ? "torch 1.13's block_diag backward skips the row of a 1-D empty input, so the next block's gradient is read one row too high; flintml's follows the forward (test/reshaping.test.ts)" : null) });
add({ name: 'tensorSplit', py: 'list(torch.tensor_split(x0, a.s, dim=a.d))',
  gen: (r) => { const s = sh(r, 1, 2); return { ins: [r.tensor('float64', s)], a: { s: r.bool() ? r.int(1, 4) : [r.int(-3, 4), r.int(0, 5)], d: r.dim(s.length) } }; }, fl: (fl, [x], a) => fl.tensorSplit(x, a.s, a.d) });
add({ name: 'combinations', py: 'torch.combinations(x0, a.r, a.w)',
  gen: (r) => ({ ins: [r.tensor('float64', [r.int(0, 4)])], a: { r: r.int(0, 3), w: r.bool() } }), fl: (fl, [x], a) => fl.combinations(x, a.r, a.w) });
add({ name: 'selectScatter', py: 'torch.select_scatter(x0, x1, a.d, a.i)',
  gen: (r) => { const s = r.shape(1, 3, 4, false); const d = r.dim(s.length); const dd = (d + s.length) % s.length; return { ins: [r.tensor('float64', s), r.tensor('float64', s.filter((_, j) => j !== dd))], a: { d, i: r.int(-s[dd], s[dd] - 1) } }; },
  fl: (fl, [x, v], a) => fl.selectScatter(x, v, a.d, a.i) });
add({ name: 'sliceScatter', py: 'torch.slice_scatter(x0, x1, dim=a.d, start=a.s, end=a.e, step=a.st)',
  gen: (r) => { const s = r.shape(1, 3, 4, false); const d = r.dim(s.length); const dd = (d + s.length) % s.length; const n = s[dd]; const st = r.int(1, 2), b = r.int(0, n), e = r.int(b, n); const k = Math.max(0, Math.ceil((e - b) / st)); const vs = s.slice(); vs[dd] = k; return { ins: [r.tensor('float64', s), r.tensor('float64', vs)], a: { d, s: b, e, st } }; },
  fl: (fl, [x, v], a) => fl.sliceScatter(x, v, a.d, a.s, a.e, a.st) });
add({ name: 'diagonalScatter', py: 'torch.diagonal_scatter(x0, x1, a.o)',
  gen: (r) => { const s = r.shape(2, 2, 4, false); const o = r.int(-2, 2); const len = Math.max(0, Math.min(s[0] - Math.max(-o, 0), s[1] - Math.max(o, 0))); return { ins: [r.tensor('float64', s), r.tensor('float64', [len])], a: { o } }; },
  fl: (fl, [x, v], a) => fl.diagonalScatter(x, v, a.o) });
add({ name: 'trapezoid', py: 'torch.trapezoid(x0, dx=a.dx, dim=a.d)',
  gen: (r) => { const s = sh(r, 1, 2); return { ins: [r.tensor(r.pick(F), s)], a: { dx: r.pick([1, 0.5]), d: r.dim(s.length) } }; }, fl: (fl, [y], a) => fl.trapezoid(y, { dx: a.dx, dim: a.d }) });
add({ name: 'trapezoid-x', py: '[torch.trapezoid(x0, x1, dim=-1), torch.cumulative_trapezoid(x0, x1, dim=-1)]',
  gen: (r) => { const s = sh(r, 1, 2); return { ins: [r.tensor('float64', s), r.tensor('float64', [s[s.length - 1]])] }; }, fl: (fl, [y, x]) => [fl.trapezoid(y, x), fl.cumulativeTrapezoid(y, x)] });
add({ name: 'bincount', grad: false, py: 'torch.bincount(x0.long(), minlength=a.m)',
  gen: (r) => ({ ins: [r.tensor('int32', [r.int(0, 6)], 'index', 0, 5)], a: { m: r.int(0, 8) } }), fl: (fl, [x], a) => fl.bincount(x, { minlength: a.m }) });
add({ name: 'histc', grad: false, py: 'torch.histc(x0, a.b, a.lo, a.hi)',
  gen: (r) => ({ ins: [r.tensor(r.pick(F), sh(r, 1, 2), r.pick(['grid', 'cont']))], a: { b: r.int(1, 6), lo: r.pick([0, -2]), hi: r.pick([0, 2, 3]) } }), fl: (fl, [x], a) => fl.histc(x, a.b, a.lo, a.hi) });
add({ name: 'unique', grad: false, py: 'list(torch.unique(x0, return_inverse=True, return_counts=True))',
  gen: (r) => ({ ins: [r.tensor(r.pick(['float32', 'int32']), sh(r, 0, 2), 'int', -2, 2)] }), fl: (fl, [x]) => fl.unique(x, { returnInverse: true, returnCounts: true }) });
add({ name: 'unique-dim', grad: false, py: 'list(torch.unique(x0, dim=a.d, return_inverse=True, return_counts=True))',
  gen: (r) => { const s = r.shape(1, 2, 4, false); return { ins: [r.tensor('int32', s, 'int', 0, 1)], a: { d: r.dim(s.length) } }; }, fl: (fl, [x], a) => fl.unique(x, { dim: a.d, returnInverse: true, returnCounts: true }) });
add({ name: 'uniqueConsecutive', grad: false, py: 'list(torch.unique_consecutive(x0, return_inverse=True, return_counts=True))',
  gen: (r) => ({ ins: [r.tensor('int32', sh(r, 1, 2), 'int', 0, 2)] }), fl: (fl, [x]) => fl.uniqueConsecutive(x, { returnInverse: true, returnCounts: true }) });
add({ name: 'searchsorted', grad: false, py: 'torch.searchsorted(torch.sort(x0).values, x1, right=a.right)',
  gen: (r) => ({ ins: [r.tensor('float32', [r.int(0, 6)], r.pick(['grid', 'special'])), r.tensor('float32', sh(r, 0, 2), r.pick(['grid', 'special']))], a: { right: r.bool() } }),
  fl: (fl, [s, v], a) => fl.searchsorted(fl.sort(s).values, v, { right: a.right }) });
add({ name: 'bucketize', grad: false, py: 'torch.bucketize(x0, torch.sort(x1).values, right=a.right)',
  gen: (r) => ({ ins: [r.tensor('float64', sh(r, 0, 2)), r.tensor('float64', [r.int(0, 5)])], a: { right: r.bool() } }),
  fl: (fl, [v, b], a) => fl.bucketize(v, fl.sort(b).values, { right: a.right }) });

// more forms: the aliases, the in-place and method forms, the N-D and sorter searchsorted, NaN
add({ name: 'swap-moveaxis', py: '[torch.swapaxes(x0, a.a, a.b), torch.swapdims(x0, a.b, a.a), torch.moveaxis(x0, [a.a], [a.b]), x0.movedim(a.b, a.a)]',
  gen: (r) => { const s = sh(r, 1, 3); return { ins: [r.tensor('float64', s)], a: { a: r.dim(s.length), b: r.dim(s.length) } }; },
  fl: (fl, [x], a) => [fl.swapaxes(x, a.a, a.b), fl.swapdims(x, a.b, a.a), fl.moveaxis(x, [a.a], [a.b]), x.movedim(a.b, a.a)] });
add({ name: 'atleast', py: '[torch.atleast_1d(x0), torch.atleast_2d(x0), torch.atleast_3d(x0)]',
  gen: (r) => ({ ins: [r.tensor('float64', r.shape(0, 4))] }), fl: (fl, [x]) => [fl.atleast1d(x), fl.atleast2d(x), fl.atleast3d(x)] });
add({ name: 'meshgrid3', py: 'list(torch.meshgrid(x0, x1, x2, indexing=a.ix))',
  gen: (r) => ({ ins: [r.tensor('float64', r.shape(0, 1)), r.tensor('float64', r.shape(1, 1)), r.tensor('float64', r.shape(0, 1))], a: { ix: r.pick(['ij', 'xy']) } }),
  fl: (fl, [x, y, z], a) => fl.meshgrid(x, y, z, { indexing: a.ix }) });
add({ name: 'hvdsplit', py: '[list(torch.hsplit(x0, a.s)), list(torch.vsplit(x0, a.s)), list(torch.dsplit(x0, a.s))]',
  gen: (r) => ({ ins: [r.tensor('float64', r.shape(3, 3))], a: { s: r.bool() ? r.int(1, 3) : [r.int(0, 3)] } }),
  fl: (fl, [x], a) => [fl.hsplit(x, a.s), fl.vsplit(x, a.s), fl.dsplit(x, a.s)] });
add({ name: 'indexCopy', py: 'torch.index_copy(x0, a.d, x1.long(), x2)',
  gen: (r) => { const s = sh(r, 1, 2); const d = r.dim(s.length); const dd = (d + s.length) % s.length; const k = Math.min(r.int(0, 3), s[dd]); const ss = s.slice(); ss[dd] = k;
    const perm = Array.from({ length: s[dd] }, (_, i) => i).sort(() => r.u() - 0.5).slice(0, k);  // distinct indices (torch leaves repeats unspecified)
    return { ins: [r.tensor('float64', s), { dtype: 'int32', shape: [k], v: perm, layout: 'c' }, r.tensor('float64', ss)], a: { d } }; },
  fl: (fl, [x, i, v], a) => fl.indexCopy(x, a.d, i, v) });
add({ name: 'index-methods', py: '[x0.index_add(0, x1.long(), x0[:x1.shape[0]]), x0.index_fill(0, x1.long(), -1.0), x0.detach().clone().index_add_(0, x1.long(), x0.detach()[:x1.shape[0]], alpha=2)]',
  gen: (r) => { const n = r.int(1, 4); return { ins: [r.tensor('float64', [n, r.int(1, 3)]), r.tensor('int32', [r.int(0, n)], 'index', 0, n - 1)] }; },
  fl: (fl, [x, i]) => [x.indexAdd(0, i, x.narrow(0, 0, i.shape[0])), x.indexFill(0, i, -1), fl.noGrad(() => x.clone().indexAdd_(0, i, x.narrow(0, 0, i.shape[0]), { alpha: 2 }))] });
add({ name: 'methods', py: '[x0.diff(), x0.kron(x0), x0.diag_embed(), x0.diagflat(1), x0.rot90(1, [0, 1]), x0.fliplr(), x0.tile((2, 1)), x0.unflatten(0, (1, -1)), x0.take(torch.tensor([0])), x0.repeat_interleave(2, 0)] + list(x0.tensor_split(2, 1))',
  gen: (r) => ({ ins: [r.tensor('float64', r.shape(2, 2, 3, false))] }),
  fl: (fl, [x]) => [x.diff(), x.kron(x), x.diagEmbed(), x.diagflat(1), x.rot90(1, [0, 1]), x.fliplr(), x.tile([2, 1]), x.unflatten(0, [1, -1]), x.take(fl.tensor([0], { device: x.device })), x.repeatInterleave(2, 0), ...x.tensorSplit(2, 1)] });
add({ name: 'scatter-methods', py: '[x0.select_scatter(x0[0], 0, 0), x0.slice_scatter(x0[:1], dim=0, start=1, end=2, step=1), x0.diagonal_scatter(torch.diagonal(x0))]',
  gen: (r) => ({ ins: [r.tensor('float64', r.shape(2, 2, 3, false))] }),
  fl: (fl, [x]) => [x.selectScatter(x.select(0, 0), 0, 0), x.sliceScatter(x.narrow(0, 0, 1), 0, 1, 2), x.diagonalScatter(fl.diagonal(x))] });
add({ name: 'repeatInterleave-1arg', grad: false, py: 'torch.repeat_interleave(x0.long())',
  gen: (r) => ({ ins: [r.tensor('int32', [r.int(0, 5)], 'index', 0, 3)] }), fl: (fl, [k]) => fl.repeatInterleave(k) });
add({ name: 'bincount-weights', grad: false, py: 'torch.bincount(x0.long(), x1, a.m)',
  gen: (r) => { const n = r.int(0, 6); return { ins: [r.tensor('int32', [n], 'index', 0, 5), r.tensor(r.pick(['float32', 'float64', 'int32']), [n])], a: { m: r.int(0, 4) } }; },
  fl: (fl, [x, w], a) => fl.bincount(x, w, a.m) });
add({ name: 'histc-special', grad: false, py: 'torch.histc(x0, a.b, -2.0, 2.0)',
  gen: (r) => ({ ins: [r.tensor(r.pick(F), sh(r, 1, 2), 'special')], a: { b: r.int(1, 5) } }), fl: (fl, [x], a) => x.histc(a.b, -2, 2) });
add({ name: 'unique-nan', grad: false, py: 'torch.unique(x0)',
  gen: (r) => ({ ins: [r.tensor(r.pick(F), sh(r, 0, 2), 'special')] }), fl: (fl, [x]) => x.unique(),
  known: (a, [x]) => (x.v.includes('nan') ? 'unique with NaN: torch 1.13 CPU mishandles NaN (values out of order, such as [1, nan, nan, 2] for [2, nan, 1, nan, 2], and wrong inverse and counts); flintml sorts every number first and keeps each NaN as its own value, last' : null) });
add({ name: 'uniqueConsecutive-dim', grad: false, py: 'list(torch.unique_consecutive(x0, return_counts=True, dim=a.d))',
  gen: (r) => { const s = r.shape(1, 2, 4, false); return { ins: [r.tensor('int32', s, 'int', 0, 1)], a: { d: r.dim(s.length) } }; }, fl: (fl, [x], a) => x.uniqueConsecutive(false, true, a.d) });
add({ name: 'searchsorted-nd', grad: false, py: 'torch.searchsorted(torch.sort(x0).values, x1, side=a.side)',
  gen: (r) => { const b = r.int(1, 3), n = r.int(0, 5), m = r.int(0, 3); return { ins: [r.tensor('float64', [b, n], r.pick(['grid', 'special'])), r.tensor('float64', [b, m], r.pick(['grid', 'special']))], a: { side: r.pick(['left', 'right']) } }; },
  fl: (fl, [s, v], a) => fl.searchsorted(fl.sort(s).values, v, { side: a.side }) });
add({ name: 'searchsorted-sorter', grad: false, py: 'torch.searchsorted(x0, x1, sorter=torch.argsort(x0))',
  gen: (r) => ({ ins: [r.tensor('float32', [r.int(1, 6)]), r.tensor('float32', sh(r, 0, 2))] }),
  fl: (fl, [s, v]) => fl.searchsorted(s, v, { sorter: fl.argsort(s) }) });
add({ name: 'searchsorted-scalar', grad: false, py: 'torch.searchsorted(torch.sort(x0).values, a.v, right=a.right)',
  gen: (r) => ({ ins: [r.tensor(r.pick(['float64', 'int32']), [r.int(1, 5)])], a: { v: r.int(-8, 8) / 4, right: r.bool() } }),
  fl: (fl, [s], a) => fl.searchsorted(fl.sort(s).values, a.v, { right: a.right }) });

module.exports = { SPECS: specs };
