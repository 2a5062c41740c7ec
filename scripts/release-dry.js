#!/usr/bin/env node
// release-dry.js — `npm run release:dry`: every step of a release except the upload, on this
// machine, into OUT (default build-release/). .github/workflows/release.yml runs it on the tag and
// publishes the very tarball it checked; `npm test`'s packed-tarball test (test/pack) runs it too,
// with --no-install-test because that test IS the install test: one implementation, one prebuild
// per CI run.
//
//   1. prebuilds   npm run prebuild (scripts/prebuild.js): prebuilds/linux-x64 and prebuilds/linux-arm64 (cross-compiled)
//                  and the GPU kernel image sets of build/kernels in prebuilds/kernels (DESIGN.md §1, §6)
//   2. image sets  which sets the prebuild ships: CUDA (nvcc 13), CUDA (nvcc 11.8), HIP (hipcc) and
//                  HIP (clang-19 targets); --require-kernel-sets fails when one is missing (a release
//                  ships them all; CI without nvcc 13 ships what it built)
//   3. glibc floor scripts/check-binary.js --max-glibc=2.28 on both prebuilds
//   4. pack        npm pack (runs `prepare`: tsc and the ESM wrapper) into OUT
//   5. checksums   OUT/SHA256SUMS: the tarball, then every file in it as package/<path> (sha256sum's
//                  format: `sha256sum -c SHA256SUMS` after `tar xzf` in OUT checks all of it);
//                  OUT/pack.json is npm pack's report (file list, sizes, integrity)
//   6. install     the packed-tarball test (jest's pack project, test/pack/install-tarball.test.js)
//                  against OUT's tarball (FLINT_PACK_TARBALL): installs it with no compiler on PATH,
//                  from CommonJS and ESM, with --ignore-scripts, and the arm64 prebuild under qemu
//
// Options: --out=DIR  --reuse-prebuild (keep prebuilds/ when both CPUs have one)
//          --require-kernel-sets  --no-install-test
// Exit status 0 when every step passed; it stops at the first step that fails and says which.
'use strict';
const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const ARCHES = ['x64', 'arm64'];
const MAX_GLIBC = '2.28';
const KNOWN = ['--reuse-prebuild', '--require-kernel-sets', '--no-install-test'];

const args = process.argv.slice(2);
for (const a of args) {
  if (!KNOWN.includes(a) && !a.startsWith('--out=')) {
    process.stderr.write(`release-dry: unknown argument ${a} (known: --out=DIR ${KNOWN.join(' ')})\n`);
    process.exit(2);
  }
}
const outArg = args.find((a) => a.startsWith('--out='));
const out = path.resolve(outArg ? outArg.slice('--out='.length) : path.join(root, 'build-release'));
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

function log(msg) { process.stderr.write(`release-dry: ${msg}\n`); }
function fail(step, msg) { log(`FAILED at ${step}: ${msg}`); process.exit(1); }

// The environment without the npm lifecycle variables of an `npm run` / `npm test` around us.
function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) || k === 'INIT_CWD' || k === 'NODE_OPTIONS' || k.startsWith('JEST_')) continue;
    env[k] = v;
  }
  return Object.assign(env, extra);
}
function run(step, cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20, env: cleanEnv(), ...opts });
  if (r.error) fail(step, `${cmd} ${argv.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) fail(step, `${cmd} ${argv.join(' ')} exited with ${r.status}:\n${`${r.stdout || ''}${r.stderr || ''}`.slice(-6000)}`);
  return r;
}
const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const rel = (p) => path.relative(root, p) || '.';
const t0 = Date.now();
const step = (name) => log(`${name} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);

// 1. the prebuilds
const addon = (a) => path.join(root, 'prebuilds', `linux-${a}`, `${pkg.name}.glibc.node`);
if (args.includes('--reuse-prebuild') && ARCHES.every((a) => fs.existsSync(addon(a)))) {
  step('1. prebuilds: kept (--reuse-prebuild)');
} else {
  step('1. prebuilds: npm run prebuild');
  run('prebuilds', 'npm', ['run', 'prebuild', '--', `--arch=${ARCHES.join(',')}`], { stdio: 'inherit' });
}
for (const a of ARCHES) if (!fs.existsSync(addon(a))) fail('prebuilds', `${rel(addon(a))} was not made`);

// 2. the GPU kernel image sets the prebuild ships
step('2. kernel image sets');
const kernels = path.join(root, 'prebuilds', 'kernels');
const readStatus = (dir) => { try { return JSON.parse(fs.readFileSync(path.join(dir, 'status.json'), 'utf8')); } catch { return null; } };
const top = readStatus(kernels);
const old = readStatus(path.join(kernels, 'cuda-11.8'));
const sets = {
  'CUDA (nvcc 13)': !!(top && top.nvcc && /^13\./.test(top.nvcc) && top.images.length),
  'CUDA (nvcc 11.8)': !!(old && old.nvcc && old.images.length),
  'HIP (hipcc)': !!(top && top.hip && top.hip.hipcc && top.hip.images.length),
  'HIP (clang-19: gfx942, gfx11, gfx12)': !!(top && top.hip && top.hip.newer && top.hip.newer.clang && top.hip.newer.archs.length),
};
for (const [name, ok] of Object.entries(sets)) log(`  ${ok ? 'ships  ' : 'MISSING'} ${name}`);
const missing = Object.keys(sets).filter((k) => !sets[k]);
if (missing.length && args.includes('--require-kernel-sets')) {
  fail('kernel image sets', `--require-kernel-sets: the prebuild lacks ${missing.join(', ')} (build/kernels/status.json says why; README "Install" lists the compilers)`);
}
for (const s of [top, old].filter(Boolean)) {
  for (const img of [...(s.nvcc ? s.images : []), ...(s.hip && s.hip.hipcc ? s.hip.images : [])]) {
    const dir = s === old ? path.join(kernels, 'cuda-11.8') : kernels;
    if (!fs.existsSync(path.join(dir, img))) fail('kernel image sets', `${rel(path.join(dir, img))} is listed in its status.json but missing`);
  }
}

// 3. the glibc floor (and no shared library but the C runtime), on both CPUs' addons
step(`3. glibc floor: scripts/check-binary.js --max-glibc=${MAX_GLIBC}`);
const cb = run('glibc floor', process.execPath, [path.join('scripts', 'check-binary.js'), `--max-glibc=${MAX_GLIBC}`, ...ARCHES.map(addon)]);
process.stderr.write(cb.stdout);

// 4. the tarball
step('4. npm pack');
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
const packed = run('npm pack', 'npm', ['pack', '--json', '--pack-destination', out]);
const tgz = fs.readdirSync(out).filter((f) => f.endsWith('.tgz'));
if (tgz.length !== 1) fail('npm pack', `expected one tarball in ${out}, found ${tgz.join(', ') || 'none'}`);
const tarball = path.join(out, tgz[0]);
let report;
try { report = JSON.parse(packed.stdout.slice(packed.stdout.search(/^\[/m)))[0]; } catch (e) { fail('npm pack', `no JSON report from npm pack: ${e.message}`); }
fs.writeFileSync(path.join(out, 'pack.json'), JSON.stringify(report, null, 2) + '\n');
log(`  ${tgz[0]}: ${(fs.statSync(tarball).size / 2 ** 20).toFixed(1)} MiB, ${report.entryCount} files, ${(report.unpackedSize / 2 ** 20).toFixed(1)} MiB unpacked`);

// 5. the checksums of what would be published: the tarball, and each file read back from it
step('5. SHA256SUMS');
const unpack = fs.mkdtempSync(path.join(os.tmpdir(), 'flintml-release-'));
try {
  run('checksums', 'tar', ['xzf', tarball, '-C', unpack]);
  const files = [];
  (function walk(dir) {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p); else files.push(path.relative(unpack, p));
    }
  })(unpack);
  files.sort();
  const listed = report.files.map((f) => `package/${f.path}`).sort();
  if (JSON.stringify(files) !== JSON.stringify(listed)) {
    fail('checksums', `the tarball's files differ from npm pack's list: ${files.filter((f) => !listed.includes(f)).concat(listed.filter((f) => !files.includes(f))).slice(0, 10).join(', ')}`);
  }
  const lines = [`${sha256(tarball)}  ${tgz[0]}`, ...files.map((f) => `${sha256(path.join(unpack, f))}  ${f}`)];
  fs.writeFileSync(path.join(out, 'SHA256SUMS'), lines.join('\n') + '\n');
  log(`  ${lines.length} lines -> ${rel(path.join(out, 'SHA256SUMS'))}; ${lines[0]}`);
} finally {
  fs.rmSync(unpack, { recursive: true, force: true });
}

// 6. the install test, on this tarball
if (args.includes('--no-install-test')) {
  step('6. install test: left to the caller (--no-install-test)');
} else {
  step('6. install test: jest --selectProjects pack (test/pack/install-tarball.test.js)');
  const jest = require.resolve('jest/bin/jest', { paths: [root] });
  run('install test', process.execPath, [jest, '--ci', '--selectProjects', 'pack'],
    { stdio: 'inherit', env: cleanEnv({ FLINT_PACK_TARBALL: tarball }) });
}
step(`done: ${rel(out)}/ holds ${tgz[0]}, SHA256SUMS and pack.json`);
