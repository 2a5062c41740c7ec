#!/usr/bin/env node
// prebuild.js — `npm run prebuild` (the package has no `build` script, so npm never runs this as
// a pre-hook; the full local build is `npm run build:all`): makes the prebuilt addons of the
// published package (DESIGN.md §1, §6) with prebuildify, which builds binding.gyp with node-gyp:
//
//   prebuilds/linux-x64/flintml.glibc.node     N-API 8, stripped; the same file for every Node >= 18
//   prebuilds/linux-arm64/flintml.glibc.node   the same, cross-compiled with Debian's
//                                              g++-aarch64-linux-gnu (from an x64 host)
//   prebuilds/kernels/                         the GPU kernel images, one copy for both host CPUs
//
// node-gyp-build picks the folder of the host's CPU on any glibc Linux (the `glibc` tag keeps musl
// hosts off it, so that they build from source instead of failing to load it). Each addon must
// need no glibc symbol newer than GLIBC_2.28 (native/core/glibc_compat.cpp; checked here with
// scripts/check-binary.js --max-glibc=2.28, and again by the packed-tarball test).
//
// Nothing is downloaded: node-gyp is pointed at the headers of the running Node
// (npm_config_nodedir, default <prefix of node>/include/node; N-API headers do not depend on the
// CPU), and prebuildify runs in a staging copy of the sources so that node-gyp's `rebuild` (which
// wipes build/) leaves the cmake-js build in build/ alone — `npm test` may be using it while the
// pack test runs this script.
//
// Options: --arch=x64,arm64  which CPUs (default: the host's, plus arm64 on an x64 host); a CPU
//                       other than the host's is cross-compiled with <triple>-g++ (CROSS below)
//          --no-strip   keep symbols
//          --from-build copy build/Release/flintml.node (the cmake-js build, host CPU only) instead
//                       of running prebuildify (a fallback for hosts without python3/make)
//
// GPU kernel images: the cmake-js build (npm install / npm run build:native) compiles them into
// build/kernels/ (nvcc: flint-*.fatbin, hipcc: flint-*.hsaco, and status.json; the nvcc 11.8 set in
// build/kernels/cuda-11.8/, copied to prebuilds/kernels/cuda-11.8/); they are device
// code, the same files whatever the host CPU, so they are copied once to prebuilds/kernels/, which
// the loader of either addon finds as `<addon folder>/../kernels` (native/gpu/images.h). A build
// without nvcc/hipcc has no images: the prebuild then runs on the CPU only, and says so.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const strip = !args.includes('--no-strip');
const fromBuild = args.includes('--from-build');
const archArg = args.find((a) => a.startsWith('--arch='));

const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const fileName = `${pkg.name}.glibc.node`;
const MAX_GLIBC = '2.28';
// Cross compilers (Debian: apt-get install g++-aarch64-linux-gnu / g++-x86-64-linux-gnu) and the
// ELF machine that readelf -h prints for each CPU.
const CROSS = {
  x64: { triple: 'x86_64-linux-gnu', machine: 'Advanced Micro Devices X86-64', apt: 'g++-x86-64-linux-gnu' },
  arm64: { triple: 'aarch64-linux-gnu', machine: 'AArch64', apt: 'g++-aarch64-linux-gnu' },
};
const arches = archArg ? archArg.slice('--arch='.length).split(',').filter(Boolean)
  : fromBuild || os.arch() !== 'x64' ? [os.arch()] : ['x64', 'arm64'];
const platformDir = (arch) => path.join(root, 'prebuilds', `${os.platform()}-${arch}`);
const kernelDir = path.join(root, 'prebuilds', 'kernels');

function log(msg) { process.stderr.write(`prebuild: ${msg}\n`); }
function fail(msg) { log(`error: ${msg}`); process.exit(1); }

// Headers of the running Node: node-gyp uses them instead of downloading a tarball.
function findNodeDir() {
  const candidates = [process.env.npm_config_nodedir, path.resolve(path.dirname(process.execPath), '..')];
  for (const dir of candidates) {
    if (dir && fs.existsSync(path.join(dir, 'include', 'node', 'node_api.h'))) return dir;
  }
  return null;
}

// node-gyp: the one npm runs scripts with, a local install, or the one bundled with npm.
function findNodeGyp() {
  const candidates = [process.env.npm_config_node_gyp];
  try { candidates.push(require.resolve('node-gyp/bin/node-gyp.js', { paths: [root] })); } catch { /* not installed */ }
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  candidates.push(path.join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  try {
    const npmCli = process.env.npm_execpath;
    if (npmCli) candidates.push(path.join(path.dirname(npmCli), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  } catch { /* ignore */ }
  return candidates.find((c) => c && /\.js$/.test(c) && fs.existsSync(c)) || null;
}

function clearOld(arch) {
  const dir = platformDir(arch);
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(dir)) {
    if (f.endsWith('.node')) fs.rmSync(path.join(dir, f));
  }
  fs.rmSync(path.join(dir, 'kernels'), { recursive: true, force: true });  // the layout before prebuilds/kernels
}

// Loads the prebuild the way the installed package will (node-gyp-build, prebuilds only) in a
// child process when it is for this CPU (test/pack loads the arm64 one under qemu), and checks
// its CPU, its dynamic dependencies and its glibc symbol versions.
function verify(arch) {
  const expected = path.join(platformDir(arch), fileName);
  if (arch === os.arch()) {
    const code = `
      const load = require('node-gyp-build');
      const p = load.resolve(${JSON.stringify(root)});
      if (p !== ${JSON.stringify(expected)}) { console.error('node-gyp-build resolves ' + p); process.exit(1); }
      const b = load(${JSON.stringify(root)});
      console.log('node-gyp-build loads ' + require('path').relative(${JSON.stringify(root)}, p) + ' (' + Object.keys(b).length + ' exports)');`;
    const r = spawnSync(process.execPath, ['-e', code], {
      cwd: root, stdio: 'inherit', env: { ...process.env, PREBUILDS_ONLY: '1' },
    });
    if (r.status !== 0) fail('the prebuild does not load through node-gyp-build');
  }
  const { check, elfMachine } = require('./check-binary.js');
  const machine = elfMachine(expected);
  if (machine !== null && CROSS[arch] && machine !== CROSS[arch].machine) {
    fail(`${path.relative(root, expected)} is for ${machine}, not ${arch}`);
  }
  const c = check(expected, { maxGlibc: MAX_GLIBC });
  console.log(c.lines.join('\n'));
  if (!c.ok && !c.skipped) fail(`the ${arch} prebuild has forbidden dynamic dependencies or needs a glibc newer than ${MAX_GLIBC}`);
}

function copyFromBuild(arch) {
  const src = path.join(root, 'build', 'Release', `${pkg.name}.node`);
  if (arch !== os.arch()) fail(`--from-build copies the host's build (${os.arch()}), not ${arch}`);
  if (!fs.existsSync(src)) fail(`${path.relative(root, src)} not found: run npm run build:native first`);
  clearOld(arch);
  const dest = path.join(platformDir(arch), fileName);
  fs.copyFileSync(src, dest);
  if (strip) {
    const r = spawnSync('strip', ['--strip-all', dest], { stdio: 'inherit' });
    if (r.error || r.status !== 0) log('strip failed or not found; keeping symbols');
  }
}

function copyKernels() {
  const src = path.join(root, 'build', 'kernels');
  const dest = kernelDir;
  fs.rmSync(dest, { recursive: true, force: true });
  let status;
  try { status = JSON.parse(fs.readFileSync(path.join(src, 'status.json'), 'utf8')); } catch {
    log('no build/kernels/status.json (run npm run build:native first): the prebuild has no GPU kernels');
    return;
  }
  const images = [...(status.nvcc ? status.images : []), ...(status.hip && status.hip.hipcc ? status.hip.images : [])];
  let old = null;  // the nvcc 11.8 set
  try { old = JSON.parse(fs.readFileSync(path.join(src, 'cuda-11.8', 'status.json'), 'utf8')); } catch { /* none */ }
  if (images.length === 0 && !(old && old.nvcc)) {
    log(`build/kernels has no images (${status.reason || 'no nvcc'}${status.hip && status.hip.reason ? `; ${status.hip.reason}` : ''}): the prebuild has no GPU kernels`);
    return;
  }
  fs.mkdirSync(dest, { recursive: true });
  let bytes = 0;
  for (const f of [...images, 'status.json']) {
    fs.copyFileSync(path.join(src, f), path.join(dest, f));
    bytes += fs.statSync(path.join(dest, f)).size;
  }
  log(`kernels: ${images.length} images (${status.nvcc ? `nvcc ${status.nvcc}` : 'no CUDA'}${status.hip && status.hip.hipcc ? `, hipcc ${status.hip.hipcc}` : ''}), ${(bytes / 2 ** 20).toFixed(1)} MiB -> ${path.relative(root, dest)}`);
  copyCuda11Set(old, path.join(src, 'cuda-11.8'), path.join(dest, 'cuda-11.8'));
}

// The second CUDA set (nvcc 11.8, for drivers before CUDA 13: CMakeLists.txt) in its own subfolder
// with its own status.json; the loader picks the newest set the host's driver runs.
function copyCuda11Set(status, src, dest) {
  if (!status) return;
  if (!status.nvcc) {
    log(`no nvcc 11.8 image set (${status.reason}): the prebuild needs a CUDA 13 driver (580+) for the GPU`);
    return;
  }
  fs.mkdirSync(dest, { recursive: true });
  let bytes = 0;
  for (const f of [...status.images, 'status.json']) {
    fs.copyFileSync(path.join(src, f), path.join(dest, f));
    bytes += fs.statSync(path.join(dest, f)).size;
  }
  log(`kernels: ${status.images.length} images (nvcc ${status.nvcc}), ${(bytes / 2 ** 20).toFixed(1)} MiB -> ${path.relative(root, dest)}`);
}

function runPrebuildify(arch) {
  let prebuildify;
  try { prebuildify = require('prebuildify'); } catch { fail('prebuildify is not installed (it is a devDependency: run npm install)'); }

  const nodedir = findNodeDir();
  if (!nodedir) {
    fail('no Node headers found (include/node/node_api.h next to node, or npm_config_nodedir); ' +
      'refusing to let node-gyp download them');
  }
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) fail('node-gyp not found (it comes with npm; or npm install node-gyp)');

  // Staging copy: what binding.gyp reads, and node_modules for node-addon-api's include dir.
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'flintml-prebuild-'));
  for (const f of ['package.json', 'binding.gyp', 'native', path.join('scripts', 'sources.js')]) {
    fs.cpSync(path.join(root, f), path.join(stage, f), { recursive: true });
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
  // prebuildify spawns node-gyp as a command; a wrapper makes it the node-gyp chosen above.
  const wrapper = path.join(stage, 'node-gyp.sh');
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${nodeGyp}" "$@"\n`, { mode: 0o755 });

  process.env.npm_config_nodedir = nodedir;
  if (!process.env.JOBS) process.env.JOBS = String(os.availableParallelism?.() ?? os.cpus().length);
  // Another CPU: node-gyp's make files take the target compilers from CC/CXX/LINK/AR (the host
  // ones from CC_host/CXX_host); prebuildify copies process.env when it is called.
  const saved = { ...process.env };
  let stripBin = 'strip';
  if (arch !== os.arch()) {
    const cross = CROSS[arch];
    if (!cross) fail(`no cross compiler known for ${arch} (known: ${Object.keys(CROSS).join(', ')})`);
    const gxx = `${cross.triple}-g++`;
    if (spawnSync(gxx, ['--version'], { stdio: 'ignore' }).status !== 0) {
      fail(`${gxx} not found: the ${arch} prebuild is cross-compiled with it (Debian: apt-get install ${cross.apt} binutils-${cross.triple}); or --arch=${os.arch()}`);
    }
    Object.assign(process.env, { CC: `${cross.triple}-gcc`, CXX: gxx, LINK: gxx, AR: `${cross.triple}-ar` });
    stripBin = `${cross.triple}-strip`;
  }
  log(`prebuildify --napi --arch=${arch}${strip ? ' --strip' : ''} --tag-libc (node-gyp ${nodeGyp}, headers ${nodedir}/include/node, ${process.env.CXX || 'c++'}, ${process.env.JOBS} jobs)`);

  clearOld(arch);
  return new Promise((resolve, reject) => {
    prebuildify({
      cwd: stage,
      out: root,
      name: pkg.name,
      arch,
      napi: true,
      strip,
      stripBin,
      tagLibc: true,
      // One N-API build serves every Node version; building against the running Node's headers
      // (rather than the newest Node that node-abi knows) keeps node-gyp off the network.
      targets: [{ runtime: 'node', target: process.versions.node }],
      nodeGyp: wrapper,
      cache: path.join(stage, '.devdir'),
    }, (err) => {
      for (const k of ['CC', 'CXX', 'LINK', 'AR']) { if (k in saved) process.env[k] = saved[k]; else delete process.env[k]; }
      fs.rmSync(stage, { recursive: true, force: true });
      if (err) reject(err); else resolve();
    });
  });
}

(async () => {
  const t0 = Date.now();
  if (os.platform() !== 'linux') fail('prebuilds are made on Linux only');
  for (const arch of arches) {
    if (fromBuild) copyFromBuild(arch);
    else {
      try { await runPrebuildify(arch); } catch (e) {
        fail(`prebuildify --arch=${arch} failed: ${e.message} (needs python3, make and g++; or use --from-build after npm run build:native)`);
      }
    }
    if (!fs.existsSync(path.join(platformDir(arch), fileName))) fail(`${arch}: ${fileName} was not produced`);
  }
  copyKernels();
  for (const arch of arches) verify(arch);
  log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${arches.map((a) => path.relative(root, path.join(platformDir(a), fileName))).join(', ')}`);
})();
