#!/usr/bin/env node
// test-gpu.js — `npm run test:gpu [-- jest args…]`: the unit project on the GPU (FLINT_TEST_DEVICE=cuda,
// or the cuda:N already set), for a GPU CI runner (.github/workflows/gpu.yml) and scripts/gpu-check.sh's
// jest stage. It FAILS, never skips, where no GPU backend can be used: it first asks the doctor
// (dist/cli.js) what it finds, and stops with the doctor's reason instead of letting every test fail
// with the same BackendUnavailableError. Extra arguments go to jest unchanged (test paths, -t,
// --json --outputFile, --maxWorkers, --testTimeout…).
//
//   npm run test:gpu                                   NVIDIA, else AMD (DESIGN.md §1: the backend order)
//   FLINT_BACKEND=hip npm run test:gpu                 the AMD GPU through HIP only (a ROCm runner)
//   FLINT_CUDA_DRIVER=build-emu/libcuda.so.1 npm run test:gpu -- test/softmax.test.ts
//                                                      on the CPU emulation of the CUDA driver (after
//                                                      node scripts/build-emu.js; no GPU needed)
//
// The doctor reads the same environment as the suite (FLINT_BACKEND, FLINT_CUDA_DRIVER,
// FLINT_KERNEL_PATH, FLINT_CUDA_LIBS), so what it finds is what the tests get.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const DOCTOR_MS = 120_000;  // hang guard: the doctor's GPU matmul on the emulator takes a few seconds

function fail(msg, code = 1) {
  process.stderr.write(`test:gpu: ${msg}\n`);
  process.exit(code);
}

const device = process.env.FLINT_TEST_DEVICE || 'cuda';
const m = /^cuda(?::(\d+))?$/.exec(device);
if (!m) fail(`FLINT_TEST_DEVICE=${device}: test:gpu runs the suite on a GPU ('cuda' or 'cuda:N'); the CPU suite is npm run test:fast`, 2);
const index = m[1] === undefined ? 0 : Number(m[1]);

const cli = path.join(root, 'dist', 'cli.js');
if (!fs.existsSync(cli)) fail('dist/cli.js is missing: run npm run build:ts (npm install / npm ci do it) first');
const env = { ...process.env, FLINT_TEST_DEVICE: device };
const d = spawnSync(process.execPath, [cli, 'doctor'], { cwd: root, env, encoding: 'utf8', timeout: DOCTOR_MS, killSignal: 'SIGKILL' });
const doctor = `${d.stdout || ''}${d.stderr || ''}`.trimEnd();
if (d.error || d.status === null) fail(`the doctor did not finish (${d.error ? d.error.message : `signal ${d.signal}`}):\n${doctor}`);
const line = doctor.split('\n').find((l) => l.startsWith('cuda: '));
const emuHint = 'without a GPU, rehearse on the CUDA driver emulator: node scripts/build-emu.js, then FLINT_CUDA_DRIVER=build-emu/libcuda.so.1 npm run test:gpu';
if (!line) fail(`the doctor printed no 'cuda:' line (exit ${d.status}):\n${doctor}`);
const unavailable = /^cuda: unavailable — (.*)$/.exec(line);
if (unavailable) {
  fail(`no GPU backend is available, so the suite cannot run on '${device}' (this is a failure, not a skip).\n` +
    `  the doctor says: ${unavailable[1]}\n${doctor.split('\n').map((l) => `  | ${l}`).join('\n')}\n  (${emuHint})`);
}
const found = /^cuda: (\w+), (\d+) device/.exec(line);
if (found && index >= Number(found[2])) fail(`FLINT_TEST_DEVICE=${device}, but the doctor finds ${found[2]} ${found[1]} device(s):\n${doctor}`);
process.stderr.write(`test:gpu: ${line} (FLINT_TEST_DEVICE=${device}${process.env.FLINT_BACKEND ? `, FLINT_BACKEND=${process.env.FLINT_BACKEND}` : ''})\n`);
// A doctor whose GPU matmul check failed is not a reason to stop: the suite says what is wrong.
if (d.status !== 0) process.stderr.write(`test:gpu: the doctor exited with ${d.status}; running the suite anyway:\n${doctor}\n`);

const jest = require.resolve('jest/bin/jest', { paths: [root] });
// --selectProjects last: it takes a list, and would swallow test paths that followed it
const r = spawnSync(process.execPath, [jest, ...process.argv.slice(2), '--selectProjects', 'unit'], { cwd: root, env, stdio: 'inherit' });
process.exit(r.status === null ? 1 : r.status);
