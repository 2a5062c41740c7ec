#!/usr/bin/env node
// interop.js — the flintml half of gpu-check.sh's safetensors interop stage (issue 9):
//   node scripts/gpu-check/interop.js write FILE   fl.saveSync of GPU tensors (every dtype, a transposed view, a 0-dim)
//   node scripts/gpu-check/interop.js read FILE    fl.loadSync(FILE, { device }) of interop.py's file, checked value by value
// Both sides build the expected values from the same closed formulas (interop.py has its own copy),
// so each checks the other's file against an independent reference, not against the file's maker.
// The values are exactly representable in every dtype used, so "equal" means bit-equal.
'use strict';
const path = require('path');
const fl = require(path.resolve(__dirname, '..', '..', 'dist'));

const v = (i) => (((i * 37) % 101) - 50) / 4;           // quarters in [-12.5, 12.5]: exact in f16/bf16
const SPECS = {
  // name: [dtype, shape, value of flat index i]
  f32: ['float32', [3, 5, 7], v],
  f16: ['float16', [4, 6], v],
  bf16: ['bfloat16', [4, 6], v],
  f64: ['float64', [10], (i) => v(i) + i * 2 ** -40],
  i32: ['int32', [2, 3, 4], (i) => (((i * 37) % 101) - 50) * 40000],
  u8: ['uint8', [17], (i) => (i * 37) % 256],
  bool: ['bool', [9], (i) => (i % 3 === 0 ? 1 : 0)],
  scalar: ['float32', [], () => v(7)],
};
const numel = (shape) => shape.reduce((a, b) => a * b, 1);
const expected = (f, n) => Array.from({ length: n }, (_, i) => f(i));

function compare(name, t, dtype, shape, want) {
  if (t.dtype !== dtype) return `${name}: dtype ${t.dtype}, expected ${dtype}`;
  if (JSON.stringify(t.shape) !== JSON.stringify(shape)) return `${name}: shape [${t.shape}], expected [${shape}]`;
  const got = Array.from(t.dataSync(), Number);
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) return `${name}: element ${i} is ${got[i]}, expected ${want[i]}`;
  }
  return null;
}

function main() {
  const [mode, file] = process.argv.slice(2);
  if (!['write', 'read'].includes(mode) || !file) {
    console.error('usage: node scripts/gpu-check/interop.js write|read FILE');
    process.exit(2);
  }
  const device = fl.cuda.isAvailable() ? 'cuda' : 'cpu';
  if (device === 'cpu') console.log(`interop.js: no GPU (${fl.cuda.unavailableReason()}): the tensors are on the CPU`);
  if (mode === 'write') {
    const tensors = {};
    for (const [name, [dtype, shape, f]] of Object.entries(SPECS)) {
      tensors[name] = fl.tensor(expected(f, numel(shape)), { dtype: dtype === 'bool' ? 'bool' : dtype, device }).reshape(shape);
    }
    // a non-contiguous view: the file holds its logical (row-major) order
    const base = fl.tensor(expected(v, 15), { device }).reshape(5, 3);
    tensors.f32_t = base.t();
    fl.saveSync(tensors, file, { source: 'flintml', device });
    console.log(`interop.js: wrote ${Object.keys(tensors).length} tensors from ${device} to ${file}`);
    return 0;
  }
  const got = fl.loadSync(file, { device });
  const meta = fl.loadMetadataSync(file);
  const errors = [];
  if (meta.source !== 'python') errors.push(`metadata: ${JSON.stringify(meta)}, expected source=python`);
  // what interop.py writes: SPECS (bf16 only with torch) and an I64 tensor, which loads as int32
  const want = { ...SPECS, i64: ['int32', [5], (i) => (((i * 37) % 101) - 50) * 40000] };
  delete want.f32_t;
  if (!('bf16' in got) && meta.writer === 'safetensors.numpy') delete want.bf16;
  for (const [name, [dtype, shape, f]] of Object.entries(want)) {
    if (!(name in got)) { errors.push(`${name}: missing from the file`); continue; }
    if (!String(got[name].device).startsWith(device)) errors.push(`${name}: on ${got[name].device}, expected ${device}`);
    const e = compare(name, got[name], dtype, shape, expected(f, numel(shape)));
    if (e) errors.push(e);
  }
  const extra = Object.keys(got).filter((k) => !(k in want));
  if (extra.length) errors.push(`unexpected tensors: ${extra.join(', ')}`);
  for (const t of Object.values(got)) t.dispose();
  if (errors.length) {
    console.log(`interop.js: ${file} (written by ${meta.writer}) does NOT match:\n  ${errors.join('\n  ')}`);
    return 1;
  }
  console.log(`interop.js: read ${Object.keys(want).length} tensors written by ${meta.writer} onto ${device}: all equal`);
  return 0;
}

process.exitCode = main();
