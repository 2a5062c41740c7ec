// global-setup.js — the `gpu-emu` jest project's global setup: builds the CPU emulation of the CUDA
// driver (scripts/build-emu.js, cached in build-emu/) before its test files load flintml with
// FLINT_CUDA_DRIVER pointing at it (test/emu/env.js).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

module.exports = async function globalSetup() {
  const root = path.resolve(__dirname, '..', '..');
  const out = path.resolve(root, process.env.FLINT_EMU_DIR || 'build-emu');
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-emu.js'), out, '--strict', '--quiet'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gpu-emu: scripts/build-emu.js failed:\n${r.stderr}${r.stdout}`);
  // A stand-in kernel image set for builds without nvcc (the emulator runs its own host build of
  // the kernels and ignores image contents); env.js uses it only when the build has no CUDA images.
  const dir = path.join(out, 'kernels');
  fs.mkdirSync(dir, { recursive: true });
  const images = fs.readdirSync(path.join(root, 'native', 'kernels')).filter((f) => f.endsWith('.cu'))
    .map((f) => `flint-${f.slice(0, -3)}.fatbin`);
  for (const img of images) fs.writeFileSync(path.join(dir, img), 'flintml emulator stand-in image\n');
  fs.writeFileSync(path.join(dir, 'status.json'), JSON.stringify({ nvcc: '13.0', reason: null, archs: [90], ptx: null, images }, null, 2));
};
