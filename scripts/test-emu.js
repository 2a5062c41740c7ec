#!/usr/bin/env node
// test-emu.js — the second half of `npm test`: the GPU runtime tests and the op families' tests on
// the 'cuda' device, run on the CPU emulation of the CUDA driver (test/emu): every GPU kernel and the
// whole host backend (module loading, launches, streams, events, the caching allocator, pinned
// memory, async reads, error words) run in CI without a GPU — slowly, and without proving anything
// about the hardware itself.
//
//   node scripts/test-emu.js [jest test path patterns…]
//
// The emulator is built (cached) with scripts/build-emu.js into build-emu/ (FLINT_EMU_DIR), then jest
// runs in a child process whose environment points GPU discovery at it (FLINT_CUDA_DRIVER) — the
// native addon reads the real environment, which a jest setup file could not change. When the
// addon's build made no CUDA images (no nvcc), a stand-in image set is used (the emulator runs its own
// host build of the kernels and never reads images). With FLINT_TEST_DEVICE set to a real device,
// this step is skipped: the main run already covered the GPU.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const FILES = ['gpu-runtime', 'data-gpu', 'long-run', 'checkpoint', 'gpu-blas', 'elementwise', 'indexing', 'sort', 'conv', 'optim', 'matmul', 'random', 'softmax', 'reduce',
  'views', 'tensor', 'nn', 'loss', 'amp', 'seq', 'advanced-indexing', 'everyday-api', 'einsum', 'error-messages', 'gpu-check',
  'profiler', 'cuda-graphs', 'test-gpu', 'fuzz', 'concurrency', 'signals', 'gelu_backward', 'relu_backward', 'train-parity', 'rnn_sequence', 'torch-fidelity', 'torch-fidelity-nn', 'torch-fidelity-index', 'torch-fidelity-modules', 'attention-bias-kv', 'torch-diff', 'pad-resize', 'autograd-api', 'autograd-functional', 'data-utils', 'data-iterable', 'norms', 'cumulative', 'linalg', 'decomp', 'optim-extra', 'lr-scheduler-extra', 'pointwise', 'reshaping', 'counting', 'transformer', 'pooling', 'layers-extra', 'activation', 'loss-extra', 'packed-sequence', 'parametrize', 'conv3d', 'distributions', 'distributions-more', 'distributions-samplers', 'generator', 'grid-sample', 'special', 'nn-more', 'ops-misc', 'onnx-coverage', 'onnx-coverage2', 'fft', 'complex', 'complex-more', 'complex-eigh', 'complex-cholesky', 'linalg-inv', 'linalg-eig', 'bitwise', 'ops-misc2', 'module-methods', 'ops-misc3', 'models-bert', 'nn-prune', 'anomaly', 'gradgradcheck', 'deterministic', 'defaults', 'device-object', 'print-options', 'ops-misc4', 'fidelity-hunt-nn'];
// Run again with a fake cuBLASLt (test/fixtures/fake_cublaslt.c, a naive host GEMM) on FLINT_CUDA_LIBS:
// the first pass covers the built-in GEMM kernel, this one the cuBLASLt wiring.
const BLAS_FILES = ['gpu-blas', 'matmul'];
// And once with a fake NCCL (test/fixtures/fake_libnccl.c: a world of one rank whose collectives are
// host functions on the stream, with a call log and injected hangs/errors) on FLINT_CUDA_LIBS:
// FLINT_TEST_NCCL=fake makes the test require it and check the engine's wiring against it.
const NCCL_FILES = ['distributed-nccl'];

if (process.env.FLINT_TEST_DEVICE && process.env.FLINT_TEST_DEVICE !== 'cpu') {
  process.stderr.write(`test-emu: FLINT_TEST_DEVICE=${process.env.FLINT_TEST_DEVICE}: the suite ran on that device; emulator run skipped\n`);
  process.exit(0);
}

const out = path.resolve(root, process.env.FLINT_EMU_DIR || 'build-emu');
const b = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-emu.js'), out, '--strict', '--quiet'], { encoding: 'utf8' });
if (b.status !== 0) {
  process.stderr.write(`test-emu: scripts/build-emu.js failed:\n${b.stderr}${b.stdout}`);
  process.exit(1);
}

const env = { ...process.env, FLINT_TEST_DEVICE: 'cuda', FLINT_CUDA_DRIVER: path.join(out, 'libcuda.so.1') };
delete env.FLINT_BACKEND;
const addonDir = env.FLINT_ADDON_PATH ? path.dirname(path.resolve(root, env.FLINT_ADDON_PATH)) : path.join(root, 'build', 'Release');
let built = false;
try { built = JSON.parse(fs.readFileSync(path.join(addonDir, '..', 'kernels', 'status.json'), 'utf8')).nvcc !== null; } catch { /* none */ }
if (!built && !env.FLINT_KERNEL_PATH) {
  const dir = path.join(out, 'kernels');
  fs.mkdirSync(dir, { recursive: true });
  const images = fs.readdirSync(path.join(root, 'native', 'kernels')).filter((f) => f.endsWith('.cu')).map((f) => `flint-${f.slice(0, -3)}.fatbin`);
  for (const img of images) fs.writeFileSync(path.join(dir, img), 'flintml emulator stand-in image\n');
  fs.writeFileSync(path.join(dir, 'status.json'), JSON.stringify({ nvcc: '13.0', reason: null, archs: [90], ptx: null, images }, null, 2));
  env.FLINT_KERNEL_PATH = dir;
  process.stderr.write('test-emu: the addon build has no CUDA images (no nvcc): using stand-in images for the emulator\n');
}

const patterns = process.argv.slice(2);
const files = (patterns.length ? patterns : FILES.map((f) => `test/${f}.test.ts`));
const jest = require.resolve('jest/bin/jest', { paths: [root] });
function runJest(list, extraEnv, what) {
  process.stderr.write(`test-emu: ${list.length} test files on the emulated GPU${what} (${env.FLINT_CUDA_DRIVER})\n`);
  const r = spawnSync(process.execPath, [jest, '--selectProjects', 'unit', '--', ...list], { cwd: root, env: { ...env, ...extraEnv }, stdio: 'inherit' });
  return r.status === null ? 1 : r.status;
}
let status = runJest(files, { FLINT_GPU_BLAS: undefined, FLINT_CUDA_LIBS: undefined }, ', no GEMM library');
if (!patterns.length) {
  const fakeDir = path.join(out, 'fake-cublaslt');
  fs.mkdirSync(fakeDir, { recursive: true });
  const c = spawnSync('gcc', ['-shared', '-fPIC', '-O1', '-o', path.join(fakeDir, 'libcublasLt.so.13'), path.join(root, 'test', 'fixtures', 'fake_cublaslt.c')], { encoding: 'utf8' });
  if (c.status !== 0) {
    process.stderr.write(`test-emu: compiling the fake cuBLASLt failed:\n${c.stderr}`);
    process.exit(1);
  }
  status = runJest(BLAS_FILES.map((f) => `test/${f}.test.ts`), { FLINT_CUDA_LIBS: fakeDir }, ', with the fake cuBLASLt') || status;
}
const ncclFiles = patterns.length ? patterns.filter((p) => NCCL_FILES.some((f) => p.includes(f))) : NCCL_FILES.map((f) => `test/${f}.test.ts`);
if (ncclFiles.length) {
  const fakeDir = path.join(out, 'fake-nccl');
  fs.mkdirSync(fakeDir, { recursive: true });
  const c = spawnSync('gcc', ['-shared', '-fPIC', '-O1', '-o', path.join(fakeDir, 'libnccl.so.2'), path.join(root, 'test', 'fixtures', 'fake_libnccl.c'), '-lpthread'], { encoding: 'utf8' });
  if (c.status !== 0) {
    process.stderr.write(`test-emu: compiling the fake NCCL failed:\n${c.stderr}`);
    process.exit(1);
  }
  status = runJest(ncclFiles, { FLINT_CUDA_LIBS: fakeDir, FLINT_TEST_NCCL: 'fake', FLINT_GPU_BLAS: undefined }, ', with the fake NCCL') || status;
}
process.exit(status);
