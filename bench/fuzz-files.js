#!/usr/bin/env node
// fuzz-files.js — a mutation fuzzer for the safetensors reader (issue 16). It writes a few valid
// files (every dtype, scalars, zero-size tensors, metadata, I64), then makes `--cases` damaged
// copies — bit flips, truncations, appended bytes, header-length edits (up to 2^64-1 and a 10 GB
// claim), and edits of the parsed header (dtypes, shapes, offsets, deleted or duplicated entries,
// deep nesting, non-UTF-8 bytes) — and loads each with fl.loadSync. Each case must either load
// (its tensors are then disposed) or throw a flintml error (FlintError) whose message names the
// file; anything else (a TypeError, a RangeError, a crash, memory growing by the claimed size) is
// a failure. The jest test (test/reliability-files.test.ts) runs 10,000 cases; `npm run
// fuzz:files` runs this script with more.
//
//   node bench/fuzz-files.js [--cases 200000] [--seed 1]
//
// Output: one JSON line {"bench":"fuzz-files", cases, loaded, rejected: {ErrorClass: n}, failures, …}.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

/** A small deterministic PRNG, independent of flintml's. */
const prng = require('./common').mulberry32;

/** The valid files the mutations start from (bytes), made with fl.saveSync. */
function seeds(fl, dir) {
  const made = [];
  const mk = (name, fn, meta) => {
    const p = path.join(dir, `seed-${name}.safetensors`);
    const sd = fl.scope(() => { const o = fn(); for (const t of Object.values(o)) fl.keep(t); return o; });
    try { fl.saveSync(sd, p, meta); } finally { for (const t of Object.values(sd)) t.dispose(); }
    made.push(fs.readFileSync(p));
  };
  mk('mixed', () => ({
    w: fl.randn([3, 4]), b: fl.zeros([4], { dtype: 'float64' }), h: fl.ones([2, 2], { dtype: 'float16' }),
    bf: fl.full([5], 1.5, { dtype: 'bfloat16' }), i: fl.arange(0, 6, 1, { dtype: 'int32' }), u: fl.tensor([1, 2, 255], { dtype: 'uint8' }),
    m: fl.tensor([true, false], { dtype: 'bool' }), s: fl.tensor(2.5), e: fl.zeros([0, 3]),
  }), { format: 'pt', note: 'seed' });
  mk('one', () => ({ x: fl.arange(0, 16, 1).reshape(2, 2, 4) }));
  mk('empty', () => ({}));
  // I64, I16, I8 are only written by other writers: build one by hand
  const hdr = JSON.stringify({ a: { dtype: 'I64', shape: [2], data_offsets: [0, 16] }, c: { dtype: 'I16', shape: [2], data_offsets: [16, 20] }, d: { dtype: 'I8', shape: [4], data_offsets: [20, 24] } });
  const h = Buffer.from(hdr + ' '.repeat((8 - (hdr.length % 8)) % 8));
  const len = Buffer.alloc(8); len.writeBigUInt64LE(BigInt(h.length));
  const data = Buffer.alloc(24); data.writeBigInt64LE(-5n, 0); data.writeBigInt64LE(7n, 8); data.writeInt16LE(-3, 16); data.writeInt8(-1, 20);
  made.push(Buffer.concat([len, h, data]));
  return made;
}

const DTYPES = ['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U8', 'BOOL', 'U64', 'F8_E4M3', 'C64', 'Q4', '', 'f32', 'F32 ', null, 3, ['F32']];
const NUMS = [0, 1, -1, 2, 3, 7, 8, 1e9, 2 ** 31, 2 ** 32 + 4, 2 ** 53, 2 ** 53 + 2, 1e300, -0, 0.5, NaN, Infinity, '4', null, [], {}];

function splitFile(buf) {
  if (buf.length < 8) return null;
  const n = Number(buf.readBigUInt64LE(0));
  if (n > buf.length - 8) return null;
  let obj;
  try { obj = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')); } catch { return null; }
  return { obj, data: buf.subarray(8 + n) };
}

function joinFile(headerBytes, data, claimed) {
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(claimed ?? BigInt(headerBytes.length));
  return Buffer.concat([len, headerBytes, data]);
}

/** One mutation of `src`: returns the damaged bytes and what was done. */
function mutate(src, r) {
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const kind = Math.floor(r() * 10);
  const buf = Buffer.from(src);
  switch (kind) {
    case 0: case 1: {  // bit flips, mostly in the header
      const flips = 1 + Math.floor(r() * 8);
      const n = Math.min(buf.length, 8 + Number(buf.readBigUInt64LE(0) & 0xffffn) + (r() < 0.3 ? buf.length : 0));
      for (let i = 0; i < flips; i++) { const at = Math.floor(r() * n); buf[at] ^= 1 << Math.floor(r() * 8); }
      return { bytes: buf, what: `flip ${String(flips)} bits` };
    }
    case 2:  // truncation
      return { bytes: buf.subarray(0, Math.floor(r() * buf.length)), what: 'truncate' };
    case 3:  // appended bytes
      return { bytes: Buffer.concat([buf, Buffer.alloc(1 + Math.floor(r() * 16), Math.floor(r() * 256))]), what: 'append' };
    case 4: {  // header length field
      const v = pick([0n, 1n, 7n, 10n * 1024n ** 3n, 2n ** 63n, 2n ** 64n - 1n, BigInt(buf.length), BigInt(buf.length - 7), BigInt(Math.floor(r() * buf.length))]);
      buf.writeBigUInt64LE(v, 0);
      return { bytes: buf, what: `header length ${v.toString()}` };
    }
    default: {  // edits of the parsed header
      const f = splitFile(src);
      if (!f) return { bytes: buf.subarray(0, 3), what: 'tiny' };
      const names = Object.keys(f.obj).filter((k) => k !== '__metadata__');
      const name = names.length ? pick(names) : 'x';
      const e = f.obj[name] && typeof f.obj[name] === 'object' ? f.obj[name] : (f.obj[name] = { dtype: 'F32', shape: [1], data_offsets: [0, 4] });
      let what;
      let headerBytes;
      const sub = Math.floor(r() * 12);
      if (sub === 0) { e.dtype = pick(DTYPES); what = `dtype ${JSON.stringify(e.dtype)}`; }
      else if (sub === 1) { e.shape = Array.isArray(e.shape) && e.shape.length && r() < 0.5 ? e.shape.map((d) => (r() < 0.5 ? pick(NUMS) : d)) : Array.from({ length: Math.floor(r() * 70) }, () => pick([0, 1, 1, 1, 2, pick(NUMS)])); what = `shape ${JSON.stringify(e.shape).slice(0, 80)}`; }
      else if (sub === 2) { e.data_offsets = [pick(NUMS), pick(NUMS)]; what = `offsets ${JSON.stringify(e.data_offsets)}`; }
      else if (sub === 3) { const o = e.data_offsets; if (Array.isArray(o) && o.length === 2) { const d = Math.floor(r() * 9) - 4; e.data_offsets = [o[0] + d, o[1] + (r() < 0.5 ? d : 0)]; } what = `shift offsets ${JSON.stringify(e.data_offsets)}`; }
      else if (sub === 4) { delete f.obj[name]; what = `delete ${name}`; }
      else if (sub === 5) { f.obj[`${name}2`] = JSON.parse(JSON.stringify(e)); what = `copy ${name} (overlap)`; }
      else if (sub === 6) { delete e[pick(['dtype', 'shape', 'data_offsets'])]; what = 'drop a field'; }
      else if (sub === 7) { f.obj[name] = pick([null, 1, 'x', [], [1, 2], true]); what = `entry ${JSON.stringify(f.obj[name])}`; }
      else if (sub === 8) { f.obj.__metadata__ = pick([null, 1, [], { a: 1 }, { a: { b: 'c' } }, 'meta']); what = `metadata ${JSON.stringify(f.obj.__metadata__)}`; }
      else if (sub === 9) {  // deep nesting
        const depth = pick([100, 1000, 5000, 100_000]);
        headerBytes = Buffer.from(`{"${name}":${'['.repeat(depth)}${']'.repeat(depth)}}`);
        what = `nested ${String(depth)}`;
      } else if (sub === 10) {  // non-UTF-8 bytes in the header
        headerBytes = Buffer.from(JSON.stringify(f.obj));
        headerBytes[1 + Math.floor(r() * (headerBytes.length - 2))] = pick([0xff, 0xc0, 0x80, 0xed, 0xfe]);
        what = 'non-UTF-8';
      } else {  // duplicate key in the text
        const t = JSON.stringify(f.obj);
        headerBytes = Buffer.from(names.length ? `${t.slice(0, -1)},${JSON.stringify(name)}:${JSON.stringify(e)}}` : t);
        what = `duplicate ${name}`;
      }
      headerBytes ??= Buffer.from(JSON.stringify(f.obj));
      return { bytes: joinFile(headerBytes, f.data), what };
    }
  }
}

/**
 * Runs `cases` mutations through fl.loadSync. Returns the counts and up to 20 failures, each with
 * the mutation and what was thrown.
 */
function fuzz(fl, { cases = 10000, seed = 1, dir } = {}) {
  const own = !dir;
  // memory-backed when the host has it: rewriting one file 10,000 times on ext4 flushes it each time
  dir ??= fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'flint-fuzz-'));
  const r = prng(seed);
  const base = seeds(fl, dir);
  const out = { cases: 0, loaded: 0, rejected: {}, failures: [], failureCount: 0, maxRssGrowthMiB: 0 };
  const rss0 = process.memoryUsage.rss();
  try {
    for (let i = 0; i < cases; i++) {
      const src = base[Math.floor(r() * base.length)];
      const { bytes, what } = mutate(src, r);
      const file = path.join(dir, `case-${String(i)}.safetensors`);  // a new file each time: no truncate-flush
      fs.writeFileSync(file, bytes);
      out.cases++;
      try {
        const sd = fl.loadSync(file);
        out.loaded++;
        for (const t of Object.values(sd)) t.dispose();
      } catch (e) {
        const name = e && e.constructor ? e.constructor.name : typeof e;
        const ok = e instanceof fl.FlintError && String(e.message).includes(file);
        if (ok) out.rejected[name] = (out.rejected[name] || 0) + 1;
        else {
          out.failureCount++;
          if (out.failures.length < 20) out.failures.push({ case: i, what, error: `${name}: ${String(e && e.message).slice(0, 300)}` });
        }
      }
      fs.unlinkSync(file);
      if (i % 500 === 0) out.maxRssGrowthMiB = Math.max(out.maxRssGrowthMiB, (process.memoryUsage.rss() - rss0) / 2 ** 20);
    }
  } finally {
    if (own) fs.rmSync(dir, { recursive: true, force: true });
  }
  out.maxRssGrowthMiB = +out.maxRssGrowthMiB.toFixed(1);
  return out;
}

module.exports = { fuzz, mutate, prng };

if (require.main === module) {
  const arg = (n, d) => { const i = process.argv.indexOf(`--${n}`); return i < 0 ? d : Number(process.argv[i + 1]); };
  const fl = require(path.join(__dirname, '..', 'dist'));
  const t0 = Date.now();
  const res = fuzz(fl, { cases: arg('cases', 200000), seed: arg('seed', 1) });
  console.log(JSON.stringify({ bench: 'fuzz-files', seed: arg('seed', 1), seconds: (Date.now() - t0) / 1000, ...res }));
  process.exitCode = res.failureCount === 0 ? 0 : 1;
}
