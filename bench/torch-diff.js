#!/usr/bin/env node
// torch-diff.js — the differential fuzzer against PyTorch (API fidelity): runs the same random
// call in flintml and in PyTorch (the python3 that has torch, /usr/bin/python3 here; FLINT_BENCH_PYTHON)
// and reports every case where they disagree: one succeeds and the other refuses, or the result
// differs in shape, dtype or values, or the gradient of a fixed weighted sum of the output differs.
//
//   node bench/torch-diff.js [--cases N] [--seed S] [--only NAME[,NAME]] [--show K] [--json] [--case I] [--lib DIST]
//   node bench/torch-diff.js --flint-only [--cases N] [--seed S]     # flintml's side alone (CI: no torch)
//   node bench/torch-diff.js --device cuda ...                       # flintml on a GPU, torch on the CPU (gpu-check.sh)
//
// The cases come from the spec tables in bench/torch-diff-specs.js: each spec draws its inputs
// (dtypes, shapes with zero and one sizes, non-contiguous layouts, values with ties, signed zeros
// and non-finite numbers where the spec asks) and arguments, and names the call on both sides. Case i
// of a spec is generated from (seed, spec, i) alone, so a finding replays with the same seed.
//
// What counts as agreement: both refuse (any error), or both succeed with the same structure, the
// same shapes, the same dtypes (flintml's int32 stands for torch's int64: flintml has no int64) and
// values within the dtype's tolerance (NaN where torch has NaN, infinities equal, integers exact);
// with `grad`, the same holds for the input gradients of sum(out * w) for fixed weights w (a missing
// gradient equals zeros). A flintml error that is not a FlintError is always a finding.
//
// The exit status is 1 when there are findings. Findings are grouped by spec and kind, with the
// first few cases printed in full (--show) so that each can be reproduced in either library.
'use strict';
const cp = require('child_process');
const path = require('path');
const { mulberry32, PYTHON } = require('./common');

const argv = process.argv.slice(2);
const opt = (name, dflt) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : dflt; };
const CASES = Number(opt('cases', '40'));
const SEED = Number(opt('seed', '1'));
const ONLY = opt('only', '') ? opt('only', '').split(',') : null;
const SHOW = Number(opt('show', '3'));
const JSON_OUT = argv.includes('--json');
/** --case I: print case I of each spec named by --only in full (its inputs and arguments), then run only it. */
const CASE = opt('case', undefined);
const FLINT_ONLY = argv.includes('--flint-only');
/** --device cuda: flintml's inputs on that device (torch's reference stays on the CPU). */
const DEVICE = opt('device', 'cpu');
const LIB = path.resolve(opt('lib', process.env.FLINT_FUZZ_LIB || path.join(__dirname, '..', 'dist')));

const fl = require(LIB);
const { SPECS } = require('./torch-diff-specs');

// ---- deterministic randomness ---------------------------------------------------------------------
function hashStr(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
/** The generator of case i of a spec, with the helpers the specs draw with. */
function rngFor(seed, name, i) {
  const u = mulberry32((Math.imul(seed >>> 0, 0x9e3779b1) ^ hashStr(name) ^ Math.imul(i + 1, 0x85ebca6b)) >>> 0);
  const r = {
    u,
    int: (lo, hi) => lo + Math.floor(u() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(u() * xs.length)],
    bool: (p = 0.5) => u() < p,
    /** A shape of `lo`..`hi` dims, sizes 1..`max` with a zero size now and then (`zero`). */
    shape: (lo, hi, max = 4, zero = true) => {
      const n = r.int(lo, hi);
      const s = [];
      for (let d = 0; d < n; d++) s.push(zero && u() < 0.04 ? 0 : (u() < 0.2 ? 1 : r.int(1, max)));
      return s;
    },
    /** A dim of an n-dim tensor, negative half of the time. */
    dim: (n) => { const d = r.int(0, Math.max(n - 1, 0)); return n > 0 && u() < 0.5 ? d - n : d; },
    /**
     * A tensor spec: dtype, shape, values (row-major, logical order) and layout ('t': stored with its
     * last two dims transposed). kind: 'grid' (multiples of 1/4 in [-4, 4]: ties, exact in every
     * float dtype), 'cont' (continuous in [-3, 3]), 'pos' (in [0.25, 4]), 'unit' (in (-1, 1)),
     * 'special' (grid plus NaN, ±Inf and -0 now and then), 'int' (integers in [lo, hi]), 'index' (integers in [0, hi]).
     */
    tensor: (dtype, shape, kind = 'grid', lo = -5, hi = 5) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const v = [];
      for (let k = 0; k < n; k++) v.push(drawValue(r, dtype, kind, lo, hi));
      const layout = shape.length >= 2 && u() < 0.3 ? 't' : 'c';
      return { dtype, shape, v, layout };
    },
  };
  return r;
}
function drawValue(r, dtype, kind, lo, hi) {
  if (dtype === 'bool') return r.u() < 0.5 ? 1 : 0;
  if (dtype === 'uint8') return kind === 'index' ? r.int(0, hi) : r.int(0, 9);
  if (dtype === 'int32') return kind === 'index' ? r.int(0, hi) : r.int(lo, hi);
  switch (kind) {
    case 'int': return r.int(lo, hi);
    case 'index': return r.int(0, hi);
    case 'cont': return Math.round((r.u() * 6 - 3) * 1e6) / 1e6;
    case 'pos': return r.int(1, 16) / 4;
    case 'unit': return Math.round((r.u() * 1.9 - 0.95) * 1e4) / 1e4;
    case 'special': {
      const p = r.u();
      if (p < 0.05) return 'nan';
      if (p < 0.08) return 'inf';
      if (p < 0.11) return '-inf';
      if (p < 0.14) return '-0';
      return r.int(-16, 16) / 4;
    }
    default: return r.int(-16, 16) / 4;
  }
}

// ---- building flintml's inputs as torch_diff.py builds torch's ------------------------------------------
const numIn = (v) => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === '-0' ? -0 : v);
function build(spec, grad) {
  const vals = spec.v.map(numIn);
  const n = vals.length;
  const f64 = fl.tensor(new Float64Array(vals), { dtype: 'float64' }).reshape(n === 0 && spec.shape.length === 0 ? [] : spec.shape);
  let t;
  const placed = DEVICE === 'cpu' ? f64 : f64.to(DEVICE);
  if (spec.layout === 't' && spec.shape.length >= 2) t = placed.transpose(-1, -2).contiguous().to(spec.dtype).transpose(-1, -2);
  else t = placed.to(spec.dtype);
  if (grad && fl.isFloating(t.dtype)) t = t.detach().requiresGrad_(true);
  return t;
}
const pyIns = (ins) => ins;

// ---- values out ---------------------------------------------------------------------------------
function flat(t) {
  // a complex result: its real view's values (re, im interleaved), as torch_diff.py encodes it
  if (t.isComplex()) return Array.from(fl.viewAsReal(t.to('complex128')).dataSync(), Number);
  const d = t.dtype === 'bool' ? t.to('uint8') : fl.isFloating(t.dtype) ? t.to('float64') : t;
  const a = d.reshape([-1]).toArray();
  return Array.from(a, Number);
}
function enc(v) {
  if (v instanceof fl.Tensor) return { t: [v.dtype, v.shape.slice(), flat(v)] };
  if (Array.isArray(v)) return { l: v.map(enc) };
  if (typeof v === 'number' || typeof v === 'boolean') return { n: Number(v) };
  if (v === null || v === undefined) return { none: true };
  if (typeof v === 'string') return { s: v };
  return { s: `<${typeof v}>` };
}
function firstTensor(v) {
  if (v instanceof fl.Tensor) return v;
  if (Array.isArray(v)) return v.find((x) => x instanceof fl.Tensor) || null;
  return null;
}

// ---- comparison ---------------------------------------------------------------------------------
const EPS = { float64: 2.2e-16, float32: 1.2e-7, float16: 9.8e-4, bfloat16: 7.9e-3, complex128: 2.2e-16, complex64: 1.2e-7 };
const pyNum = (v) => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);
/** Why two encoded values differ, or null. `tol` scales the float tolerance (a spec's `tol`). */
function diff(ours, theirs, tol, where = 'out', floor = 0, epsMin = 0) {
  if (theirs.none && (ours.none || (ours.t && ours.t[2].every((x) => x === 0)))) return null;
  if (ours.none && theirs.t && theirs.t[2].every((x) => x === 0)) return null;
  if (theirs.t) {
    if (!ours.t) return `${where}: torch gives a tensor, flintml ${JSON.stringify(ours).slice(0, 80)}`;
    const [dt, sh, tv] = theirs.t;
    const [odt, osh, ov] = ours.t;
    if (JSON.stringify(sh) !== JSON.stringify(osh)) return `${where}: shape [${osh}] vs torch [${sh}]`;
    if (dt !== odt) return `${where}: dtype ${odt} vs torch ${dt}`;
    const eps = EPS[dt] ? Math.max(EPS[dt], epsMin) : 0;
    let maxAbs = 0;
    for (const x of tv) { const y = Math.abs(pyNum(x)); if (Number.isFinite(y) && y > maxAbs) maxAbs = y; }
    for (let k = 0; k < tv.length; k++) {
      const b = pyNum(tv[k]);
      const a = ov[k];
      if (Number.isNaN(b) || Number.isNaN(a)) {
        if (Number.isNaN(a) && Number.isNaN(b)) continue;
        return `${where}[${k}]: ${a} vs torch ${b}`;
      }
      if (!Number.isFinite(b) || !Number.isFinite(a)) { if (a === b) continue; return `${where}[${k}]: ${a} vs torch ${b}`; }
      const lim = eps === 0 ? 0 : tol * eps * (8 * Math.abs(b) + 8 * maxAbs + floor);
      if (Math.abs(a - b) > lim) return `${where}[${k}]: ${a} vs torch ${b}`;
    }
    return null;
  }
  if (theirs.l) {
    if (!ours.l) return `${where}: torch gives a list of ${theirs.l.length}, flintml ${Object.keys(ours)[0]}`;
    if (ours.l.length !== theirs.l.length) return `${where}: ${ours.l.length} items vs torch ${theirs.l.length}`;
    for (let k = 0; k < theirs.l.length; k++) {
      const d = diff(ours.l[k], theirs.l[k], tol, `${where}[${k}]`, floor, epsMin);
      if (d) return d;
    }
    return null;
  }
  if ('n' in theirs) {
    const b = pyNum(theirs.n);
    const a = 'n' in ours ? ours.n : ours.t && ours.t[1].length === 0 ? ours.t[2][0] : undefined;
    if (a === undefined) return `${where}: torch gives the number ${b}, flintml ${JSON.stringify(ours).slice(0, 80)}`;
    if ((Number.isNaN(a) && Number.isNaN(b)) || a === b) return null;
    return Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)) ? null : `${where}: ${a} vs torch ${b}`;
  }
  if (theirs.none) return ours.none ? null : `${where}: torch gives None`;
  if (theirs.s) return ours.s === theirs.s ? null : `${where}: ${ours.s} vs torch ${theirs.s}`;
  return `${where}: cannot compare ${JSON.stringify(theirs).slice(0, 80)}`;
}

function weights(n) {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = (((i * 7919) % 13) - 6) / 4;
  return w;
}

function runOurs(c, spec) {
  const xs = c.ins.map((s) => build(s, c.grad));
  let out;
  try {
    out = spec.fl(fl, xs, c.a);
  } catch (e) {
    return { ok: false, err: `${e && e.constructor ? e.constructor.name : typeof e}: ${e && e.message ? e.message.split('\n')[0] : e}`, typed: e instanceof fl.FlintError };
  }
  let res;
  try {
    res = { ok: true, out: enc(out) };
  } catch (e) {
    // a GPU kernel's error (an index out of range, an integer division by zero) is reported at the read
    return { ok: false, err: `reading the result: ${e.constructor.name}: ${e.message.split('\n')[0]}`, typed: e instanceof fl.FlintError };
  }
  if (c.grad) {
    const y = firstTensor(out);
    const leaves = xs.filter((x) => x.requiresGrad);
    res.grads = [];
    if (y && y.requiresGrad && leaves.length) {
      try {
        // a complex result: the weighted sum of both parts (its real view), as torch_diff.py's
        const yr = y.isComplex() ? fl.viewAsReal(y) : y;
        const w = fl.tensor(weights(yr.numel), { dtype: 'float64', device: y.device }).reshape(yr.shape);
        yr.to('float64').mul(w).sum().backward();
        res.grads = leaves.map((x) => (x.grad ? enc(x.grad) : { none: true }));
      } catch (e) {
        res.gradErr = `${e.constructor.name}: ${e.message.split('\n')[0]}`;
        res.gradTyped = e instanceof fl.FlintError;
      }
    }
  }
  return res;
}

/**
 * --flint-only: flintml's side alone (no torch; what CI runs, test/torch-diff.test.ts): every case
 * runs, with its gradient, and every error must be a FlintError. Exit 1 on an untyped error.
 */
function flintOnly(cases, specs) {
  const bySpec = new Map(specs.map((s) => [s.name, s]));
  const bad = [];
  let ok = 0, refused = 0;
  for (const c of cases) {
    const o = fl.scope(() => runOurs(c, bySpec.get(c.spec)));
    if (o.ok && !o.gradErr) ok++;
    else if ((!o.ok && o.typed) || (o.ok && o.gradTyped)) refused++;
    else bad.push(`${c.spec} case ${c.i}: ${o.ok ? `gradient: ${o.gradErr}` : o.err}`);
  }
  for (const b of bad) console.log(`untyped: ${b}`);
  if (JSON_OUT) console.log(JSON.stringify({ seed: SEED, device: DEVICE, specs: specs.length, cases: cases.length, ran: ok, refused, untyped: bad.length }));
  console.log(`torch-diff --flint-only seed ${SEED}: ${specs.length} specs, ${cases.length} cases, ${ok} ran, ${refused} refused with a FlintError, ${bad.length} untyped`);
  process.exit(bad.length ? 1 : 0);
}

function main() {
  const specs = SPECS.filter((s) => !ONLY || ONLY.includes(s.name));
  if (!specs.length) { console.error(`torch-diff: no spec named ${ONLY}`); process.exit(2); }
  const cases = [];
  for (const spec of specs) {
    for (let i = CASE === undefined ? 0 : Number(CASE); i < (CASE === undefined ? CASES : Number(CASE) + 1); i++) {
      const r = rngFor(SEED, spec.name, i);
      const g = spec.gen(r);
      const grad = spec.grad !== false && g.ins.some((s) => fl.isFloating(s.dtype));
      cases.push({ id: cases.length, spec: spec.name, i, ins: g.ins, a: g.a || {}, py: spec.py, grad });
      if (CASE !== undefined) console.log(JSON.stringify({ spec: spec.name, i, py: spec.py, a: g.a || {}, ins: g.ins }));
    }
  }
  if (FLINT_ONLY) return flintOnly(cases, specs);
  // torch answers in one process; when it dies (torch 1.13 has crashes of its own, such as a heap
  // corruption in a padding='same' convolution), the case it died in counts as a torch error and the
  // rest run in a fresh process.
  const theirs = new Array(cases.length);
  const torchCrashes = [];
  let next = 0;
  while (next < cases.length) {
    const batch = cases.slice(next);
    const py = cp.spawnSync(PYTHON, [path.join(__dirname, 'peers', 'torch_diff.py')], {
      input: JSON.stringify(batch.map((c) => ({ id: c.id, ins: pyIns(c.ins), a: c.a, py: c.py, grad: c.grad }))),
      maxBuffer: 1 << 30, encoding: 'utf8',
    });
    for (const line of py.stdout.split('\n')) {
      if (!line.trim()) continue;
      const r = JSON.parse(line);
      theirs[r.id] = r;
    }
    while (next < cases.length && theirs[next]) next++;
    if (py.status === 0 && next < cases.length) { console.error(`torch-diff: torch_diff.py answered ${next} of ${cases.length} cases`); process.exit(2); }
    if (py.status !== 0 && next < cases.length) {
      const why = (py.stderr || '').trim().split('\n').pop();
      if (py.status === 1 && /Traceback|Error/.test(py.stderr) && !theirs[next] && next === batch[0].id && !/malloc|corrupt|Segmentation/.test(py.stderr)) { console.error(py.stderr); process.exit(2); }
      torchCrashes.push(`${cases[next].spec} case ${cases[next].i}: ${why || `signal ${py.signal}`}`);
      theirs[next] = { id: next, ok: false, err: `torch crashed: ${why}` };
      next++;
    }
  }
  const bySpec = new Map(specs.map((s) => [s.name, s]));
  const findings = [];
  const counts = { cases: cases.length, agree: 0, bothRefuse: 0, known: 0 };
  const knownWhy = new Set();
  for (const c of cases) {
    const spec = bySpec.get(c.spec);
    const t = theirs[c.id];
    const o = fl.scope(() => runOurs(c, spec));
    let kind = null;
    let detail = '';
    if (!o.ok && !o.typed) { kind = 'untyped-error'; detail = o.err; }
    else if (o.ok && !t.ok) { kind = 'flint-accepts'; detail = `torch: ${t.err}`; }
    else if (!o.ok && t.ok) { kind = 'flint-refuses'; detail = o.err; }
    else if (!o.ok && !t.ok) { counts.bothRefuse++; }
    else {
      // inputs of mixed precision: a value or gradient computed through the coarsest of them may
      // differ by its rounding (torch and flintml convert at different points); `spec.coarsest(a)`
      // names the dtype of an operand the form makes itself (stft's window)
      const epsMin = Math.max(0, ...c.ins.map((s) => EPS[s.dtype] || 0), spec.coarsest ? EPS[spec.coarsest(c.a)] || 0 : 0);
      const d = diff(o.out, t.out, spec.tol || 1, 'out', spec.absScale ? spec.absScale(c.ins) : 0, epsMin);
      if (d) { kind = 'differs'; detail = d; }
      else if (c.grad && !t.noGrad) {
        if (o.gradErr) { kind = 'grad-refuses'; detail = o.gradErr; }
        else if (o.grads.length !== t.grads.length && !(t.grads.length === 0 || o.grads.length === 0)) { kind = 'grad-differs'; detail = `${o.grads.length} grads vs torch ${t.grads.length}`; }
        else if (t.grads.length && !o.grads.length) { kind = 'grad-missing'; detail = 'torch has input gradients, flintml none'; }
        else if (o.grads.length && !t.grads.length) { kind = 'grad-extra'; detail = 'flintml has input gradients, torch none'; }
        else {
          for (let k = 0; k < t.grads.length; k++) {
            // an absolute floor of the weights' scale: a gradient near 0 is a difference of O(1) terms
            const gd = diff(o.grads[k], t.grads[k], (spec.gradTol || spec.tol || 1) * 16, `grad${k}`, 1, epsMin);
            if (gd) { kind = 'grad-differs'; detail = gd; break; }
          }
        }
      }
      if (!kind) counts.agree++;
    }
    const known = kind && spec.known ? spec.known(c.a, c.ins) : null;
    if (known) { counts.known = (counts.known || 0) + 1; knownWhy.add(`${c.spec}: ${known}`); continue; }
    if (kind) findings.push({ spec: c.spec, i: c.i, kind, detail, ins: c.ins.map((s) => `${s.dtype}[${s.shape}]${s.layout === 't' ? 'T' : ''}`).join(' '), a: c.a, values: c.ins.map((s) => s.v.slice(0, 24)) });
  }
  const groups = new Map();
  for (const f of findings) {
    const k = `${f.spec} ${f.kind}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(f);
  }
  if (JSON_OUT) {
    console.log(JSON.stringify({ seed: SEED, device: DEVICE, ...counts, findings: findings.length, groups: Object.fromEntries([...groups].map(([k, v]) => [k, v.length])) }));
  }
  for (const [k, fs] of groups) {
    console.log(`\n## ${k}: ${fs.length} of ${CASES}`);
    for (const f of fs.slice(0, SHOW)) console.log(`  case ${f.i}: ${f.ins} a=${JSON.stringify(f.a)}\n    ${f.detail}\n    values ${JSON.stringify(f.values)}`);
  }
  if (torchCrashes.length) console.log(`\ntorch itself crashed in (counted as torch errors):\n${torchCrashes.map((w) => `  ${w}`).join('\n')}`);
  if (knownWhy.size) console.log(`\nknown (documented) differences:\n${[...knownWhy].map((w) => `  ${w}`).join('\n')}`);
  console.log(`\ntorch-diff seed ${SEED}: ${specs.length} specs, ${counts.cases} cases, ${counts.agree} agree, ${counts.bothRefuse} both refuse, ${counts.known} known, ${findings.length} findings in ${groups.size} groups`);
  process.exit(findings.length ? 1 : 0);
}

main();
