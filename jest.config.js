// jest.config.js — the projects of `npm test`:
//   unit  the op table and API tests (TypeScript through ts-jest) on FLINT_TEST_DEVICE (default cpu;
//         FLINT_TEST_DEVICE=cuda runs the same suite on a GPU and fails without one). The GPU runtime
//         tests (test/gpu-runtime.test.ts, test/data-gpu.test.ts) need a GPU: on the CPU they run on
//         the emulator instead (scripts/test-emu.js, the second half of `npm test`).
//   pack  installs the packed tarball into an empty project with no compiler on PATH (slow).
const onDevice = !!process.env.FLINT_TEST_DEVICE && process.env.FLINT_TEST_DEVICE !== 'cpu';
// test/onnx.test.ts checks exported graphs in onnxruntime-node (a devDependency). The GPU host's
// bundle (../shared/gpu-bundle/pack.sh) leaves that 294 MB package behind: there the file is left
// out, and said so, instead of failing each test on a missing module (the CPU pass and the emulator
// run it; `npm ci` on a GPU runner installs it and runs it on the GPU).
const hasOrt = (() => { try { require.resolve('onnxruntime-node'); return true; } catch { return false; } })();
if (onDevice && !hasOrt) process.stderr.write('jest.config.js: onnxruntime-node is not installed: test/onnx.test.ts is left out on this device\n');

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // test/distributed.test.ts is the MPI engine's (CPU tensors, 2 ranks under mpirun): it runs in the CPU pass only;
      // test/vendor-abi.test.ts checks our declarations against the build machine's SDK headers (g++, no GPU)
      testPathIgnorePatterns: onDevice ? ['/node_modules/', '/test/distributed\\.test\\.ts$', '/test/syncbn-dist\\.test\\.ts$', '/test/vendor-abi\\.test\\.ts$', ...(hasOrt ? [] : ['/test/onnx\\.test\\.ts$', '/test/onnx-coverage2?\\.test\\.ts$'])] : ['/node_modules/', '/test/gpu-runtime\\.test\\.ts$', '/test/data-gpu\\.test\\.ts$'],
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }] },
      setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
      testEnvironment: 'node',
    },
    {
      displayName: 'pack',
      testMatch: ['<rootDir>/test/pack/**/*.test.js'],
      testEnvironment: 'node',
    },
  ],
};
