// torch-diff-specs-eig.js — bench/torch-diff.js's specs for torch.linalg.eig and linalg.eigvals
// (lib/ops/eig.ts; the format of bench/torch-diff-specs.js).
//
// Neither the order of the eigenvalues (LAPACK's geev after balancing; flintml's Schur form may order
// them otherwise) nor the eigenvectors' phases are pinned, so every form compares what does not depend
// on them, each as a real tensor, first the output whose gradient the harness compares:
// - V diag(exp(L / 4)) V⁻¹ (a function of A: the matrix exponential of A/4), through L and V;
// - per row i, Σ_k |V_ik|²·Re(L_k) and Σ_k |V_ik|²·Im(L_k)² (weights of the unit eigenvectors);
// - eigvals: Σ_k exp(L_k / 4) (the trace of exp(A/4)) and Σ_k |L_k|.
// Real inputs (float32/float64, now and then a dtype both refuse) and complex ones made from two real
// parts (torch.complex on both sides). Values are continuous random matrices (distinct eigenvalues
// with probability 1, as the vector gradients need); zero sizes now and then.
'use strict';

const specs = [];
const add = (s) => specs.push(s);

const dtOf = (r) => (r.bool(0.06) ? r.pick(['float16', 'int32']) : r.pick(['float32', 'float64']));
function sqShape(r) {
  const batch = r.shape(0, 2, 3);
  const n = r.bool(0.04) ? 0 : r.int(1, 5);
  return [...batch, n, n];
}
// float32 is factored in double by flintml and in float32 by LAPACK; V⁻¹ and the vector gradients
// divide by gaps between eigenvalues
const TOL = 256;
const GTOL = 1024;
const REFUSED = (a, ins) => (ins.some((x) => x.dtype === 'float16' || x.dtype === 'int32')
  ? "float16 / int32: torch refuses ('not implemented for Half', 'Unknown Complex ScalarType for Int'), flintml refuses with a DTypeError; the harness may retry torch's float16 in float32"
  : null);

const FUN_PY = (e, wrap) => `(lambda r: (${wrap}(r[1] @ torch.diag_embed(torch.exp(r[0] / 4)) @ torch.linalg.inv(r[1])), (r[1].abs() ** 2 * r[0].real.unsqueeze(-2)).sum(-1), (r[1].abs() ** 2 * (r[0].imag ** 2).unsqueeze(-2)).sum(-1)))(torch.linalg.eig(${e}))`;
const VALS_PY = (e) => `(lambda L: (torch.exp(L / 4).sum(-1), L.abs().sum(-1)))(torch.linalg.eigvals(${e}))`;

function funOf(fl, L, V, realInput) {
  const f = fl.matmul(fl.mul(V, fl.exp(fl.div(L, 4)).unsqueeze(-2)), fl.linalg.inv(V));
  const w = fl.abs(V).pow(2);
  const a = fl.sum(fl.mul(w, fl.real(L).unsqueeze(-2)), -1), b = fl.sum(fl.mul(w, fl.imag(L).pow(2).unsqueeze(-2)), -1);
  return [realInput ? fl.real(f) : fl.viewAsReal(f), a, b];
}
const valsOf = (fl, L) => [fl.viewAsReal(fl.sum(fl.exp(fl.div(L, 4)), -1)), fl.sum(fl.abs(L), -1)];

add({
  name: 'linalg.eig', py: FUN_PY('x0', 'torch.real'),
  gen: (r) => ({ ins: [r.tensor(dtOf(r), sqShape(r), 'cont')] }),
  fl: (fl, [x]) => { const [L, V] = fl.linalg.eig(x); return funOf(fl, L, V, true); }, tol: TOL, gradTol: GTOL, known: REFUSED,
});
add({
  name: 'linalg.eig-complex', py: FUN_PY('torch.complex(x0, x1)', 'torch.view_as_real'),
  gen: (r) => { const dt = r.pick(['float32', 'float64']), s = sqShape(r); return { ins: [r.tensor(dt, s, 'cont'), r.tensor(dt, s, 'cont')] }; },
  fl: (fl, [x, y]) => { const [L, V] = fl.linalg.eig(fl.complex(x, y)); return funOf(fl, L, V, false); }, tol: TOL, gradTol: GTOL,
});
add({
  name: 'linalg.eigvals', py: `(lambda t: (torch.view_as_real(t[0]), t[1]))(${VALS_PY('x0')})`,
  gen: (r) => ({ ins: [r.tensor(dtOf(r), sqShape(r), 'cont')] }),
  fl: (fl, [x]) => valsOf(fl, fl.linalg.eigvals(x)), tol: TOL, gradTol: GTOL, known: REFUSED,
});
add({
  name: 'linalg.eigvals-complex', py: `(lambda t: (torch.view_as_real(t[0]), t[1]))(${VALS_PY('torch.complex(x0, x1)')})`,
  gen: (r) => { const dt = r.pick(['float32', 'float64']), s = sqShape(r); return { ins: [r.tensor(dt, s, 'cont'), r.tensor(dt, s, 'cont')] }; },
  fl: (fl, [x, y]) => valsOf(fl, fl.linalg.eigvals(fl.complex(x, y))), tol: TOL, gradTol: GTOL,
});

module.exports = { SPECS: specs };
