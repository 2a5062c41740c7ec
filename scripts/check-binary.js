#!/usr/bin/env node
// check-binary.js — prints the dynamic dependencies of the built addon and fails when it needs a
// shared library other than the C runtime. DESIGN.md §1: the .node links no CUDA, ROCm or BLAS
// library (they are dlopen'ed) and links libstdc++ statically, so any Linux x64 host loads it.
//
//   node scripts/check-binary.js [file.node ...]
//
// With no argument it checks build/Release/*.node and prebuilds/*/*.node. Uses `readelf -d`, or
// `objdump -p` when readelf is missing. Exit status: 0 ok, 1 a forbidden dependency (or no file),
// 2 neither tool is installed (reported, nothing checked; pass --allow-missing-tools to exit 0).
// --max-glibc=2.28 also fails when a symbol needs a newer glibc than that, and names the symbols (the
// oldest distribution the binary loads on is the one whose glibc is at least the newest GLIBC_x.y
// version printed); `npm test` runs it on build/Release and on both prebuilds (test/glibc.test.ts,
// test/pack). Works on an addon of any CPU (readelf reads every ELF machine).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');

// Libraries any glibc system has; everything else must be dlopen'ed at run time.
const ALLOWED = [
  /^libc\.so\.\d+$/,
  /^libm\.so\.\d+$/,
  /^libdl\.so\.\d+$/,
  /^libpthread\.so\.\d+$/,
  /^librt\.so\.\d+$/,
  /^libgcc_s\.so\.\d+$/,
  /^ld-linux[-\w.]*\.so\.\d+$/,
];

function tool(name, args) {
  const r = spawnSync(name, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error && r.error.code === 'ENOENT') return null;
  if (r.status !== 0) throw new Error(`${name} ${args.join(' ')} failed: ${(r.stderr || '').trim()}`);
  return r.stdout;
}

// Returns { tool, needed: [...], versions: [...] } or null when no tool is available.
function inspect(file) {
  let out = tool('readelf', ['-d', '-W', file]);
  if (out !== null) {
    const needed = [...out.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
    const ver = tool('readelf', ['-V', '-W', file]) || '';
    const versions = [...new Set([...ver.matchAll(/Name: ((?:GLIBC|GLIBCXX|CXXABI|GCC)_[\w.]+)/g)].map((m) => m[1]))];
    return { tool: 'readelf', needed, versions };
  }
  out = tool('objdump', ['-p', file]);
  if (out !== null) {
    const needed = [...out.matchAll(/^\s*NEEDED\s+(\S+)/gm)].map((m) => m[1]);
    const versions = [...new Set([...out.matchAll(/\b((?:GLIBC|GLIBCXX|CXXABI|GCC)_[\d.]+)\b/g)].map((m) => m[1]))];
    return { tool: 'objdump', needed, versions };
  }
  return null;
}

// The ELF machine readelf -h prints ('Advanced Micro Devices X86-64', 'AArch64'), or null.
function elfMachine(file) {
  const out = tool('readelf', ['-h', '-W', file]);
  const m = out && out.match(/^\s*Machine:\s*(.+?)\s*$/m);
  return m ? m[1] : null;
}

function cmpVersion(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] || 0) - (pb[i] || 0);
    if (d) return d;
  }
  return 0;
}

// Imported symbols whose glibc version is newer than max (readelf --dyn-syms).
function symbolsNeeding(file, max) {
  const out = tool('readelf', ['--dyn-syms', '-W', file]) || '';
  const syms = [];
  for (const m of out.matchAll(/\sUND\s+(\S+)@GLIBC_([\d.]+)/g)) {
    if (cmpVersion(m[2], max) > 0) syms.push(`${m[1]}@GLIBC_${m[2]}`);
  }
  return [...new Set(syms)];
}

function defaultFiles() {
  const files = [];
  const rel = path.join(root, 'build', 'Release');
  if (fs.existsSync(rel)) {
    for (const f of fs.readdirSync(rel)) if (f.endsWith('.node')) files.push(path.join(rel, f));
  }
  const pre = path.join(root, 'prebuilds');
  if (fs.existsSync(pre)) {
    for (const d of fs.readdirSync(pre)) {
      const dir = path.join(pre, d);
      if (!fs.statSync(dir).isDirectory()) continue;
      for (const f of fs.readdirSync(dir)) if (f.endsWith('.node')) files.push(path.join(dir, f));
    }
  }
  return files;
}

// Checks one file; returns { ok, skipped, lines } without printing, for use from tests.
function check(file, opts = {}) {
  const info = inspect(file);
  if (!info) return { ok: false, skipped: true, needed: [], lines: [`${file}: neither readelf nor objdump found; not checked`] };
  const bad = info.needed.filter((lib) => !ALLOWED.some((re) => re.test(lib)));
  const glibc = info.versions.filter((v) => v.startsWith('GLIBC_')).map((v) => v.slice(6)).sort(cmpVersion);
  const cxx = info.versions.filter((v) => /^(GLIBCXX|CXXABI)_/.test(v));
  const machine = info.tool === 'readelf' ? elfMachine(file) : null;
  const lines = [
    `${path.relative(process.cwd(), file) || file} (${info.tool}${machine ? ', ' + machine : ''})`,
    `  NEEDED: ${info.needed.join(', ') || '(none)'}`,
    `  newest glibc symbol version: ${glibc.length ? 'GLIBC_' + glibc[glibc.length - 1] : '(none)'}`,
  ];
  if (bad.length) lines.push(`  FORBIDDEN dependency: ${bad.join(', ')} (must be dlopen'ed or linked statically)`);
  if (cxx.length) lines.push(`  FORBIDDEN: needs libstdc++ symbol versions ${cxx.join(', ')} (link with -static-libstdc++)`);
  const newest = glibc.length ? glibc[glibc.length - 1] : null;
  const tooNew = opts.maxGlibc && newest && cmpVersion(newest, opts.maxGlibc) > 0;
  if (tooNew) {
    const syms = info.tool === 'readelf' ? symbolsNeeding(file, opts.maxGlibc) : [];
    lines.push(`  TOO NEW: needs GLIBC_${newest} > ${opts.maxGlibc}${syms.length ? ' (' + syms.join(', ') + ')' : ''}`);
  }
  return { ok: bad.length === 0 && cxx.length === 0 && !tooNew, skipped: false, needed: info.needed, newestGlibc: newest, machine, lines };
}

module.exports = { check, inspect, elfMachine, cmpVersion, ALLOWED };

if (require.main === module) {
  const args = process.argv.slice(2);
  const allowMissing = args.includes('--allow-missing-tools');
  const maxArg = args.find((a) => a.startsWith('--max-glibc='));
  const maxGlibc = maxArg ? maxArg.slice('--max-glibc='.length) : null;
  const files = args.filter((a) => !a.startsWith('--')).map((f) => path.resolve(f));
  const list = files.length ? files : defaultFiles();
  if (!list.length) {
    console.error('check-binary: no .node file found (build/Release/*.node, prebuilds/*/*.node); build first');
    process.exit(1);
  }
  let status = 0;
  for (const f of list) {
    if (!fs.existsSync(f)) {
      console.error(`check-binary: ${f}: no such file`);
      status = 1;
      continue;
    }
    const r = check(f, { maxGlibc });
    (r.ok || r.skipped ? console.log : console.error)(r.lines.join('\n'));
    if (r.skipped) status = Math.max(status, allowMissing ? 0 : 2);
    else if (!r.ok) status = 1;
  }
  process.exit(status);
}
