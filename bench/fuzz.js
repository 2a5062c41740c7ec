#!/usr/bin/env node
// fuzz.js — the API fuzzer of the native boundary (issue 16): calls every function, class and method
// that `fl` exports with random arguments and checks that the process never aborts and that every
// throw is typed (a FlintError).
//
//   node bench/fuzz.js [--calls N] [--seed S] [--lib DIR] [--only I] [--timeout-s T] [--hang-s T] [--no-vmem-limit]
//   npm run fuzz                      # the long form: 100,000 calls
//
// The targets come from the exports, never from a hand list: fl is walked (namespaces, functions,
// classes and their static and prototype methods, getters and setters, Tensor.prototype), so an
// export added tomorrow is called tomorrow, whatever kind it is. A class is constructed with random
// arguments and, when that succeeds, one of its instance's methods is called (a Module also with a
// tensor, as `forward`).
//
// Arguments: tensors of every dtype and of shapes with 0, 1 and several dims (zero-size included),
// on 'cpu' and — when fl.cuda.isAvailable(), e.g. under FLINT_CUDA_DRIVER=build-emu/libcuda.so.1 —
// on 'cuda' (so mixed devices), disposed tensors, views that end at the end of their storage,
// non-contiguous and broadcast (stride 0) views, tensors that require grad; numbers (NaN, ±Infinity,
// -0, negative, huge, fractional), strings (dtypes, devices, modes, garbage), booleans, null,
// undefined, arrays (shapes, ragged nests, arrays of tensors), typed arrays, options objects with
// the keys fl's options use, functions, symbols, bigints.
//
// Each call i is generated from (seed, i) alone, so `--only i` replays it. The calls run in a child
// process (`--child`) with an address-space limit (so a huge but valid allocation is a typed
// OutOfMemoryError, not the machine's OOM killer) and a private working directory (for the paths
// that `save` is given); the child writes the index of the call it is in before each call, so when
// it dies the parent names the seed and the call and prints it. A call that returns a promise is
// awaited with a time limit; an unsettled promise is a failure (a hang).
//
// Pass: the child exits normally and every error thrown was a FlintError, or a TypeError thrown by
// fl itself for a value that is not a tensor (none are today). The summary (one JSON line) counts
// the calls, the targets, the calls that returned and that threw, by error class.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { mulberry32 } = require('./common');

const argv = process.argv.slice(2);
function opt(name, dflt) {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
}
const CALLS = Number(opt('calls', '100000'));
const SEED = Number(opt('seed', String(Date.now() % 1e9)));
const LIB = path.resolve(opt('lib', process.env.FLINT_FUZZ_LIB || path.join(__dirname, '..', 'dist')));
const ONLY = opt('only', undefined);
const TIMEOUT_S = Number(opt('timeout-s', '3600'));
/** Address-space limit of the child (KiB): far above what the fuzzer's valid calls need. */
const VMEM_KIB = Number(opt('vmem-kib', process.env.FLINT_FUZZ_VMEM_KIB || String(4 * 1024 * 1024)));
/** Resident bytes above which the child collects garbage after a call (see the loop). */
const RSS_COLLECT = 1.5 * 2 ** 30;
/** How long a returned promise may take to settle before the call counts as a hang. */
const PROMISE_LIMIT_MS = 20_000;
/** How long one synchronous call may run before the parent calls it a hang. */
const HANG_S = Number(opt('hang-s', '60'));
const UNDER_ASAN = /asan/.test(process.env.LD_PRELOAD || '');
// No address-space limit where one cannot work: under ASan (it reserves terabytes of shadow memory)
// and with a real GPU driver (CUDA reserves tens of GiB of address space at cuInit, which would fail
// and leave the run without its 'cuda' device): FLINT_TEST_DEVICE names a GPU and no emulator is
// set, or --no-vmem-limit. There the large but valid sizes are left out of the arguments.
const NO_VMEM_LIMIT = UNDER_ASAN || argv.includes('--no-vmem-limit')
  || (!!process.env.FLINT_TEST_DEVICE && process.env.FLINT_TEST_DEVICE !== 'cpu' && !process.env.FLINT_CUDA_DRIVER);

// ---- deterministic randomness: call i's generator depends on (seed, i) only -------------------------
function rngFor(seed, i) {
  return mulberry32((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b)) >>> 0);
}

// ---- the child: enumerate, generate, call -------------------------------------------------------------
function child() {
  const fl = require(LIB);
  const cuda = (() => { try { return fl.cuda.isAvailable(); } catch { return false; } })();
  const DEVICES = cuda ? ['cpu', 'cuda'] : ['cpu'];
  const DTYPES = fl.DTYPES.slice();
  const isClass = (v) => typeof v === 'function' && /^class\b/.test(Function.prototype.toString.call(v));
  const isErrorClass = (v) => typeof v === 'function' && (v === Error || v.prototype instanceof Error);

  // What the API is: the declaration files beside the library (when it has them). A runtime export
  // or member that they do not declare, or declare private/protected, is not the API (an @internal
  // helper, a TypeScript `private` method): only its public callers are fuzzed.
  const decl = { names: null, classes: new Map() };
  (function readDeclarations(dir) {
    let files = [];
    const walkDir = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const f = path.join(d, e.name); if (e.isDirectory()) walkDir(f); else if (f.endsWith('.d.ts')) files.push(f); } };
    try { walkDir(dir); } catch { files = []; }
    if (!files.length) return;
    decl.names = new Set();
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      for (const m of text.matchAll(/\b(?:function|const|let|var|class|namespace)\s+([A-Za-z_$][\w$]*)|\bas\s+([A-Za-z_$][\w$]*)/g)) decl.names.add(m[1] || m[2]);
      // the members of a namespace object (`declare const memory: { stats(…): …; … }`: fl.memory,
      // fl.cuda, fl.backend, AutoTokenizer), at any depth of its type literal
      for (const m of text.matchAll(/^(?:export )?declare const \w+: \{\n([\s\S]*?)^\};/gm)) {
        for (const d of m[1].matchAll(/^ {4,}(?:readonly\s+)?([A-Za-z_$][\w$]*)\??[(<:]/gm)) decl.names.add(d[1]);
      }
      for (const m of text.matchAll(/^(?:export )?declare (?:abstract )?class (\w+)[^\n]*\{\n([\s\S]*?)^\}/gm)) {
        const members = new Map();
        for (const line of m[2].split('\n')) {
          const d = /^    (?:(private|protected)\s+)?(?:static\s+)?(?:abstract\s+)?(?:readonly\s+)?(?:get\s+|set\s+)?([A-Za-z_$][\w$]*)\??[(<:;]/.exec(line);
          if (d && !members.has(d[2])) members.set(d[2], !d[1]);
          else if (d && !d[1]) members.set(d[2], true);
        }
        decl.classes.set(m[1], members);
      }
    }
  })(LIB);
  const publicName = (k) => !k.startsWith('_') && (!decl.names || decl.names.has(k));
  /** Whether member k of the prototype p (whose constructor is named by the declarations) is public. */
  function publicMember(p, k) {
    if (typeof k === 'string' && k.startsWith('_')) return false;
    const members = p && p.constructor && decl.classes.get(p.constructor.name);
    if (!members || typeof k !== 'string') return true;  // no declaration to go by: fuzz it
    return members.get(k) === true;
  }

  // Targets: { name, kind: 'fn' | 'new' | 'method' | 'get' | 'set', fn, cls? }
  const targets = [];
  const seen = new Set();
  function addClass(name, cls) {
    if (isErrorClass(cls)) return;  // errors are plain data
    const declared = decl.classes.get(cls.name);
    if (!declared || declared.get('constructor') !== false) targets.push({ name: `new ${name}`, kind: 'new', fn: cls });  // not a private constructor
    for (const k of Object.getOwnPropertyNames(cls)) {
      if (['length', 'name', 'prototype', 'caller', 'arguments'].includes(k) || !publicMember(cls.prototype, k)) continue;
      const d = Object.getOwnPropertyDescriptor(cls, k);
      if (d && typeof d.value === 'function') targets.push({ name: `${name}.${k}`, kind: 'fn', fn: d.value, self: cls });
    }
    // prototype methods, getters and setters, up the chain to (not including) Object.prototype
    const names = new Set();
    for (let p = cls.prototype; p && p !== Object.prototype && p !== Function.prototype; p = Object.getPrototypeOf(p)) {
      for (const k of Object.getOwnPropertyNames(p)) {
        if (k === 'constructor' || names.has(k) || !publicMember(p, k)) continue;
        names.add(k);
        const d = Object.getOwnPropertyDescriptor(p, k);
        if (typeof d.value === 'function') targets.push({ name: `${name}#${k}`, kind: 'method', fn: d.value, cls });
        if (d.get) targets.push({ name: `${name}#${k} (get)`, kind: 'get', fn: d.get, cls });
        if (d.set) targets.push({ name: `${name}#${k} (set)`, kind: 'set', fn: d.set, cls });
      }
      for (const s of Object.getOwnPropertySymbols(p)) {
        const d = Object.getOwnPropertyDescriptor(p, s);
        if (typeof d.value === 'function') targets.push({ name: `${name}#[${s.description}]`, kind: 'method', fn: d.value, cls });
      }
    }
  }
  function walk(obj, prefix, depth) {
    if (depth > 4 || obj === null || (typeof obj !== 'object' && typeof obj !== 'function') || seen.has(obj)) return;
    seen.add(obj);
    for (const k of Object.keys(obj)) {
      let v;
      try { v = obj[k]; } catch { continue; }  // a getter that throws here is called as a target below
      const name = `${prefix}${k}`;
      if (!publicName(k)) continue;
      if (typeof v === 'function') {
        if (seen.has(v)) continue;
        seen.add(v);
        if (isClass(v)) addClass(name, v);
        else {
          targets.push({ name, kind: 'fn', fn: v, self: obj });
          walk(v, `${name}.`, depth + 1);  // a function with properties (a namespace that is callable)
        }
      } else if (v && typeof v === 'object' && !ArrayBuffer.isView(v) && !Array.isArray(v)) walk(v, `${name}.`, depth + 1);
    }
  }
  walk(fl, 'fl.', 0);
  targets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));  // stable order: a seed means the same calls

  const tmp = process.cwd();
  const STRINGS = [...DTYPES, 'cpu', 'cuda', 'cuda:0', 'cuda:1', 'cuda:-1', 'cuda:x', 'tpu', 'mean', 'sum', 'none', 'floor', 'trunc',
    'tanh', 'relu', 'fan_in', 'fanOut', 'zeros', 'reflect', 'same', 'valid', 'ij', 'ii->i', 'ij,jk->ik', '...', '', ' ', 'x',
    'constant', 'replicate', 'circular', 'nearest', 'nearest-exact', 'linear', 'bilinear', 'trilinear', 'bicubic', 'area',
    'x.safetensors', path.join(tmp, 'f.safetensors'), path.join(tmp, 'nope', 'f.safetensors'), '/', '.', 'a'.repeat(5000), '\u0000', '😀',
    '__proto__', 'constructor', 'int64', 'float8', 'bfloat16x', 'lower', 'higher', 'midpoint', 'prod', 'amax', 'amin'];
  // Without the address-space limit (NO_VMEM_LIMIT: ASan, a real GPU) the sizes that are valid but
  // large (2^31 elements is an 8 GiB float32 tensor) would reach the machine's OOM killer instead of
  // a typed OutOfMemoryError: they are left out there; the absurd ones stay.
  const LARGE_VALID = [2 ** 31 - 1, 2 ** 31, 2 ** 32, 65536, 100];
  const NUMBERS = [0, 1, -1, 2, 3, -2, 0.5, -0.5, 1e-9, -0, NaN, Infinity, -Infinity, -(2 ** 31) - 1, 2 ** 53,
    2 ** 53 + 2, -(2 ** 53), 1e308, Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON, 1.5, 7, ...(NO_VMEM_LIMIT ? [] : LARGE_VALID)];
  const OPTION_KEYS = ['dtype', 'device', 'requiresGrad', 'keepdim', 'dim', 'pinned', 'alpha', 'reduction', 'weight', 'bias', 'eps',
    'momentum', 'nonBlocking', 'value', 'inplace', 'lr', 'padding', 'stride', 'dilation', 'groups', 'batchSize', 'shuffle', 'numWorkers',
    'ignoreIndex', 'labelSmoothing', 'approximate', 'descending', 'stable', 'largest', 'sorted', 'unbiased', 'correction', 'asTuple',
    'metadata', 'map', 'generator', 'seed', 'memoryFormat', 'copy', 'out', 'step', 'retainGraph', 'createGraph', 'inputs', 'accumulate',
    'blocking', 'enabled', 'device_type', 'cacheEnabled', 'dropout', 'batchFirst', 'addBiasKv', 'addZeroAttn', 'normFirst', 'dimFeedforward', 'activation', 'tgtMask', 'srcKeyPaddingMask', 'numLayers', 'hidden', 'maxNorm', 'normType', 'ord', 'p', 'numClasses', 'computeMode',
    'mode', 'size', 'scaleFactor', 'alignCorners', 'recomputeScaleFactor', 'antialias', 'paddingMode', 'strict', 'vectorize', 'strategy', 'outerJacobianStrategy', 'v',
    'beta', 'nan', 'posinf', 'neginf', 'rtol', 'atol', 'equalNan', 'fweights', 'aweights', 'interpolation',  // (lib/ops/pointwise.ts)
    'includeSelf'];  // (scatterReduce)
  // the options of lib/ops/reshaping.ts and counting.ts
  OPTION_KEYS.push('UPLO', 'fullMatrices', 'driver', 'rcond', 'hermitian', 'atol', 'rtol', 'tol', 'some', 'computeUv');
  OPTION_KEYS.push('indexing', 'prepend', 'append', 'offset', 'base', 'outputSize', 'withReplacement', 'dx', 'weights', 'minlength',
    'returnInverse', 'returnCounts', 'right', 'side', 'sorter', 'outInt32');
  STRINGS.push('border', 'reflection');  // F.gridSample's padding modes (lib/nn/grid.ts)
  OPTION_KEYS.push('outputRatio', 'returnIndices', 'randomSamples', 'kernelSize', 'k', 'divValue', 'headBias', 'processGroup', 'outputPadding', 'affine', 'trackRunningStats');  // lib/nn/unpool.ts, more.ts, adaptive.ts, lazy.ts, syncbn.ts
  OPTION_KEYS.push('assumeUnique', 'invert', 'range', 'density', 'spacing', 'edgeOrder');  // isin, histogram, gradient (lib/ops/misc.ts)

  function genShape(r) {
    const nd = Math.floor(r() * 4);
    const s = [];
    for (let d = 0; d < nd; d++) s.push(r() < 0.12 ? 0 : 1 + Math.floor(r() * 4));
    return s;
  }

  /** A tensor with a twist (view at the end of its storage, non-contiguous, broadcast, disposed, …). */
  function genTensor(r, made) {
    const dtype = DTYPES[Math.floor(r() * DTYPES.length)];
    const device = DEVICES[Math.floor(r() * DEVICES.length)];
    const shape = genShape(r);
    let t;
    const n = shape.reduce((a, b) => a * b, 1);
    const vals = Array.from({ length: n }, () => (r() < 0.1 ? [NaN, Infinity, -Infinity, 0, -0][Math.floor(r() * 5)] : Math.floor(r() * 7) - 3));
    try {
      t = fl.tensor(vals.length ? vals : [], { dtype: dtype === 'bool' || dtype === 'uint8' || dtype === 'int32' ? 'float32' : dtype }).reshape(shape);
      made.push(t);
      if (dtype !== t.dtype) { t = t.to(dtype); made.push(t); }
      if (device !== 'cpu') { t = t.to(device); made.push(t); }
    } catch (e) {
      // the generator's own calls are valid: a throw here is a bug too
      throw new Error(`the generator failed to make a ${dtype} tensor of shape [${shape}] on ${device}: ${e && e.stack}`);
    }
    const twist = r();
    const wrap = (f) => { try { const v = f(t); made.push(v); return v; } catch (e) { throw new Error(`generator twist failed: ${e && e.stack}`); } };
    if (twist < 0.1 && n > 0) {
      // a view that ends at the last element of its storage
      return wrap((x) => x.flatten().narrow(0, n - 1, 1));
    } else if (twist < 0.18 && shape.length >= 2) {
      return wrap((x) => x.transpose(0, shape.length - 1));
    } else if (twist < 0.24 && shape.length >= 1 && shape[shape.length - 1] > 0) {
      return wrap((x) => x.narrow(-1, shape[shape.length - 1] - 1, 1).expand([...shape.slice(0, -1), 3]));
    } else if (twist < 0.3) {
      t.dispose();
      return t;
    } else if (twist < 0.36 && (dtype === 'float32' || dtype === 'float64')) {
      return wrap((x) => x.clone().requiresGrad_(true));
    } else if (twist < 0.4 && n > 0) {
      return wrap((x) => x.flatten().select(0, n - 1));  // 0-d, at the end of the storage
    }
    return t;
  }

  function genValue(r, made, depth) {
    const k = r();
    if (k < 0.34) return genTensor(r, made);
    if (k < 0.50) return NUMBERS[Math.floor(r() * NUMBERS.length)] * (r() < 0.05 ? -1 : 1);
    if (k < 0.56) return Math.floor(r() * 9) - 4;
    if (k < 0.64) return STRINGS[Math.floor(r() * STRINGS.length)];
    if (k < 0.67) return r() < 0.5;
    if (k < 0.70) return null;
    if (k < 0.73) return undefined;
    if (k < 0.81) {  // an array: a shape, numbers, tensors, nested
      const len = Math.floor(r() * 4);
      const kind = r();
      if (kind < 0.5) return genShape(r).map((v) => (r() < 0.08 ? NUMBERS[Math.floor(r() * NUMBERS.length)] : v)).slice(0, len + 1);
      if (depth > 2) return [];
      return Array.from({ length: len }, () => genValue(r, made, depth + 1));
    }
    if (k < 0.90) {  // an options object
      const o = {};
      const nk = Math.floor(r() * 3);
      for (let j = 0; j < nk; j++) o[OPTION_KEYS[Math.floor(r() * OPTION_KEYS.length)]] = depth > 2 ? 1 : genValue(r, made, depth + 1);
      return o;
    }
    if (k < 0.93) {
      const ctors = [Float32Array, Float64Array, Int32Array, Uint8Array, Int8Array, Uint16Array, BigInt64Array];
      const C = ctors[Math.floor(r() * ctors.length)];
      const a = new C(Math.floor(r() * 5));
      for (let j = 0; j < a.length; j++) a[j] = C === BigInt64Array ? BigInt(j) : (r() < 0.2 ? NaN : j - 2);
      return a;
    }
    if (k < 0.96) {  // a function: returns one of its arguments, a fresh value, or throws a FlintError
      const mode = Math.floor(r() * 3);
      const v = depth > 2 ? 0 : genValue(r, made, depth + 1);
      return mode === 0 ? (x) => x : mode === 1 ? () => v : () => { throw new fl.ValueError('fuzz: thrown by a callback'); };
    }
    if (k < 0.975) return [Symbol('s'), 10n, new Map(), new Date(0), /x/, new ArrayBuffer(8)][Math.floor(r() * 6)];
    if (k < 0.985 && targets.length) return fl;  // a namespace where a value is expected
    return { shape: [2], dtype: 'float32', device: 'cpu' };  // a tensor look-alike
  }

  function genArgs(r, made, declared) {
    const n = r() < 0.6 ? Math.max(0, declared + Math.floor(r() * 3) - 1) : Math.floor(r() * 6);
    return Array.from({ length: n }, () => genValue(r, made, 0));
  }

  /**
   * A receiver for a method of `cls`: a random tensor for Tensor, else an instance made with random
   * arguments, small positive integers first (what most constructors take: sizes). Methods are called
   * on real instances only: `Module.prototype.train.call(5)` is not a call a user makes.
   */
  function receiver(r, cls, made) {
    if (cls === fl.Tensor) return genTensor(r, made);
    const declared = decl.classes.get(cls.name);
    if (declared && declared.get('constructor') === false) return NO_RECEIVER;  // private/protected: made by factories only
    for (let tries = 0; tries < 6; tries++) {
      const n = Math.floor(r() * (cls.length + 2));
      const args = tries % 2 === 0 ? Array.from({ length: n }, () => 1 + Math.floor(r() * 4)) : genArgs(r, made, cls.length);
      try { return new cls(...args); } catch { /* try other arguments */ }
    }
    return NO_RECEIVER;
  }
  const NO_RECEIVER = Symbol('no receiver');

  function describe(v, depth = 0) {
    if (v instanceof fl.Tensor) {
      let s;
      try {
        s = v.isDisposed ? 'disposed' : `${v.dtype}[${v.shape}]${v.device === 'cpu' ? '' : '@' + v.device} strides [${v.strides}] offset ${v.storageOffset}`;
      } catch (e) { s = `?${e}`; }
      return `Tensor(${s})`;
    }
    if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 20)}…(${v.length})` : v);
    if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'symbol' || typeof v === 'boolean' || v == null) return String(v);
    if (typeof v === 'function') return `fn(${Function.prototype.toString.call(v).slice(0, 40)})`;
    if (v === fl) return 'fl';
    if (depth > 3) return '…';
    if (Array.isArray(v)) return `[${v.map((x) => describe(x, depth + 1)).join(', ')}]`;
    if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${v.length})`;
    if (v && Object.getPrototypeOf(v) === Object.prototype) return `{${Object.keys(v).map((k) => `${k}: ${describe(v[k], depth + 1)}`).join(', ')}}`;
    return `<${v && v.constructor ? v.constructor.name : typeof v}>`;
  }

  /** Call i: its target, receiver and arguments, generated from (SEED, i); returns a thunk and a description. */
  function makeCall(i, made) {
    const r = rngFor(SEED, i);
    const t = targets[Math.floor(r() * targets.length)];
    let self, args, desc;
    if (t.kind === 'new') {
      args = genArgs(r, made, t.fn.length);
      desc = `${t.name}(${args.map((a) => describe(a)).join(', ')})`;
      return { t, desc, run: () => new t.fn(...args) };
    }
    if (t.kind === 'fn') {
      self = t.self;
      args = genArgs(r, made, t.fn.length);
    } else {
      self = receiver(r, t.cls, made);
      if (self === NO_RECEIVER) return { t, desc: `${t.name}: no instance could be made`, run: null };
      args = t.kind === 'get' ? [] : t.kind === 'set' ? [genValue(r, made, 0)] : genArgs(r, made, t.fn.length);
    }
    desc = `${t.name}${t.kind === 'fn' ? '' : ` on ${describe(self)}`}(${args.map((a) => describe(a)).join(', ')})`;
    return { t, desc, run: () => t.fn.apply(self, args) };
  }

  function collectTensors(v, out, depth) {
    if (v instanceof fl.Tensor) { out.push(v); return; }
    if (depth > 3 || v === null || typeof v !== 'object' || v === fl) return;
    if (Array.isArray(v)) { for (const x of v) collectTensors(x, out, depth + 1); return; }
    if (Object.getPrototypeOf(v) === Object.prototype) for (const k of Object.keys(v)) collectTensors(v[k], out, depth + 1);
  }

  const distinct = new Set();
  const counts = { peakRssMiB: 0, calls: 0, noInstance: 0, untyped: 0, returned: 0, threw: 0, byError: {}, failures: [], targets: targets.length, cuda, seed: SEED };
  const bad = (e) => !(e instanceof fl.FlintError);
  function record(i, desc, e, target) {
    counts.threw++;
    const name = e && e.constructor ? e.constructor.name : typeof e;
    counts.byError[name] = (counts.byError[name] || 0) + 1;
    if (!bad(e)) return;
    counts.untyped++;
    // one report per (target, message's first line, throwing frame): the same bug found again is counted, not repeated
    const lines = String(e && e.stack ? e.stack : e).split('\n');
    const key = `${target} ${lines[0].replace(/\d+/g, 'N')} ${lines[1] || ''}`;
    if (distinct.has(key)) return;
    distinct.add(key);
    if (counts.failures.length < 200) counts.failures.push({ i, call: desc, error: lines.slice(0, 6).join('\n') });
  }

  const threads0 = fl.backend.info().threads;
  const memoryLimit0 = cuda ? fl.memory.getMemoryLimit() : 0;
  const progress = fs.openSync(path.join(tmp, 'progress'), 'w');
  const start = ONLY !== undefined ? Number(ONLY) : 0;
  const end = ONLY !== undefined ? start + 1 : CALLS;
  const withLimit = (p) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hang: the promise did not settle in ${PROMISE_LIMIT_MS} ms`)), PROMISE_LIMIT_MS);
    Promise.resolve(p).then((v) => { clearTimeout(timer); resolve(v); }, (e) => { clearTimeout(timer); reject(e); });
  });

  (async () => {
    for (let i = start; i < end; i++) {
      fs.writeSync(progress, `${String(i).padStart(12)}\n`, 0);
      const made = [];
      let call;
      try { call = makeCall(i, made); } catch (e) {
        counts.failures.push({ i, call: '(generating the arguments)', error: String(e && e.stack) });
        break;
      }
      if (ONLY !== undefined) process.stderr.write(`call ${i}: ${call.desc}\n`);
      if (!call.run) { counts.noInstance++; continue; }
      counts.calls++;
      let result;
      try {
        result = call.run();
        if (result && typeof result.then === 'function') result = await withLimit(result);
        counts.returned++;
      } catch (e) {
        record(i, call.desc, e, call.t.name);
      }
      // free what the call made and returned (what it made and dropped is the FinalizationRegistry's)
      const out = [];
      collectTensors(result, out, 0);
      for (const t of [...made, ...out]) { try { t.dispose(); } catch (e) { record(i, `${call.desc} (then dispose of what it returned)`, e, call.t.name); } }
      // global modes a call may have changed: back to the defaults, so that later calls see them
      try { fl.setGradEnabled(true); } catch { /* recorded when it was the call */ }
      // torch's process-wide defaults that later calls would inherit: the default dtype (float64 doubles
      // every later factory's memory), anomaly mode (a stack kept per graph node and a host read per
      // backward node), the deterministic flag, the print options (a 'full' profile prints huge tensors whole)
      try { fl.setDefaultDtype('float32'); } catch { /* recorded when it was the call */ }
      try { fl.autograd.setDetectAnomaly(false); } catch { /* recorded when it was the call */ }
      try { fl.useDeterministicAlgorithms(false); } catch { /* recorded when it was the call */ }
      try { fl.setPrintoptions({ profile: 'default' }); } catch { /* recorded when it was the call */ }
      // the process-wide settings of fl.backend and fl.memory (a 1,024-thread pool on 2 cores, a GPU
      // memory limit of 0) would slow or starve every later call: restored after the call that set them
      if (call.t.name === 'fl.backend.setNumThreads') { try { fl.backend.setNumThreads(threads0); } catch { /* recorded */ } }
      if (call.t.name === 'fl.memory.setMemoryLimit' && cuda) { try { fl.memory.setMemoryLimit(memoryLimit0); } catch { /* recorded */ } }
      if (ONLY !== undefined) process.stderr.write(`call ${i}: ${result !== undefined ? 'returned' : 'threw or returned undefined'}\n`);
      // Modules a call constructed and dropped (a default nn.Transformer holds 176 MB of parameters)
      // wait for the FinalizationRegistry, and V8 does not see their native memory: a run of them
      // between two of the collections below filled the child's 4 GiB address space, and V8's own
      // next allocation aborted the process (seed 20261206 from 2026-12-08). Collect early instead.
      const rssNow = process.memoryUsage().rss;
      if (rssNow > RSS_COLLECT && global.gc) {
        global.gc();
        await new Promise((res) => setImmediate(res));
        counts.peakRssMiB = Math.max(counts.peakRssMiB, Math.round(rssNow / 2 ** 20));
      }
      if (i % 500 === 499) {  // what calls made and dropped (modules' parameters, …) goes back through the FinalizationRegistry
        if (global.gc) global.gc();
        await new Promise((res) => setImmediate(res));
        counts.peakRssMiB = Math.max(counts.peakRssMiB, Math.round(process.memoryUsage().rss / 2 ** 20));
      }
    }
    fs.writeSync(progress, `${'done'.padStart(12)}\n`, 0);
    process.stdout.write(`${JSON.stringify(counts)}\n`);
    process.exit(0);  // a call may have left a timer or a worker behind: the run is over
  })();
}

// ---- the parent: run the child, name the call that killed it ------------------------------------------
function parent() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-fuzz-'));
  const self = path.resolve(__filename);
  const childArgs = ['--expose-gc', self, '--child', ...(NO_VMEM_LIMIT ? ['--no-vmem-limit'] : []), '--calls', String(CALLS), '--seed', String(SEED), '--lib', LIB, ...(ONLY !== undefined ? ['--only', ONLY] : [])];
  const quoted = [process.execPath, ...childArgs].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  // ASan reserves terabytes of shadow address space: no address-space limit under it
  const limit = NO_VMEM_LIMIT ? '' : `ulimit -v ${VMEM_KIB}; `;
  const t0 = Date.now();
  const c = spawn('/bin/sh', ['-c', `${limit}exec ${quoted}`], { cwd: dir, stdio: ['ignore', 'pipe', ONLY !== undefined ? 'inherit' : 'pipe'] });
  let out = '', err = '';
  c.stdout.on('data', (d) => { out += d; });
  if (c.stderr) c.stderr.on('data', (d) => { err += d; if (err.length > 1 << 20) err = err.slice(-(1 << 19)); });
  const timer = setTimeout(() => c.kill('SIGKILL'), TIMEOUT_S * 1000);
  // a synchronous hang cannot be interrupted in the child: the parent watches the call index
  let last = '', since = Date.now(), hung = false;
  const watch = setInterval(() => {
    let now = '';
    try { now = fs.readFileSync(path.join(dir, 'progress'), 'utf8'); } catch { /* not started */ }
    if (now !== last) { last = now; since = Date.now(); } else if (Date.now() - since > HANG_S * 1000) { hung = true; c.kill('SIGKILL'); }
  }, 1000);
  c.on('close', (code, signal) => {
    clearTimeout(timer);
    clearInterval(watch);
    const seconds = (Date.now() - t0) / 1000;
    let at = '';
    try { at = fs.readFileSync(path.join(dir, 'progress'), 'utf8').trim(); } catch { /* never started */ }
    fs.rmSync(dir, { recursive: true, force: true });
    const line = out.trim().split('\n').pop();
    let summary = null;
    try { summary = JSON.parse(line); } catch { /* the child died */ }
    const replay = (i) => `node bench/fuzz.js --seed ${SEED} --only ${i}`;
    if (!summary || code !== 0) {
      process.stderr.write(`fuzz: FAILED: the child ${hung ? `hung (no progress for ${HANG_S} s)` : signal ? `was killed by ${signal}` : `exited with code ${code}`} `
        + `in call ${at} (seed ${SEED}, after ${seconds.toFixed(1)} s)\n  replay: ${replay(at)}\n--- child stderr (tail) ---\n${err.slice(-8000)}\n`);
      process.stdout.write(`${JSON.stringify({ ok: false, seed: SEED, crashedIn: Number(at), hung, signal, code, seconds })}\n`);
      process.exit(1);
    }
    summary.seconds = Number(seconds.toFixed(1));
    summary.ok = summary.failures.length === 0;
    for (const f of summary.failures) process.stderr.write(`fuzz: untyped error in call ${f.i} (seed ${SEED}; replay: ${replay(f.i)})\n  ${f.call}\n  ${f.error.replace(/\n/g, '\n  ')}\n`);
    if (ONLY !== undefined) process.stderr.write(err);
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    process.exit(summary.ok ? 0 : 1);
  });
}

if (argv.includes('--child')) child(); else parent();
