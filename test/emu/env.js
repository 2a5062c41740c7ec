// env.js — the `gpu-emu` jest project runs GPU test files on the CPU emulation of the CUDA driver:
// the suite's device is 'cuda', and GPU discovery opens the emulator instead of libcuda.so.1.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
process.env.FLINT_TEST_DEVICE = 'cuda';
process.env.FLINT_CUDA_DRIVER = path.join(path.resolve(root, process.env.FLINT_EMU_DIR || 'build-emu'), 'libcuda.so.1');
delete process.env.FLINT_BACKEND;
// Real CUDA images when the build made them (nvcc present), else global-setup.js's stand-ins.
const addonDir = process.env.FLINT_ADDON_PATH ? path.dirname(path.resolve(root, process.env.FLINT_ADDON_PATH)) : path.join(root, 'build', 'Release');
let built = false;
try { built = JSON.parse(fs.readFileSync(path.join(addonDir, '..', 'kernels', 'status.json'), 'utf8')).nvcc !== null; } catch { /* no build status */ }
if (!built && !process.env.FLINT_KERNEL_PATH) {
  process.env.FLINT_KERNEL_PATH = path.join(path.resolve(root, process.env.FLINT_EMU_DIR || 'build-emu'), 'kernels');
}
