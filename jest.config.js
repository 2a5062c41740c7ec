// jest.config.js — the projects of `npm test`:
//   unit     the op table and API tests (TypeScript through ts-jest) on FLINT_TEST_DEVICE (default cpu;
//            FLINT_TEST_DEVICE=cuda runs the same suite on a GPU and fails without one);
//   gpu-emu  (only when FLINT_TEST_DEVICE is unset) the GPU runtime tests and the GPU side of the op
//            families, on the CPU emulation of the CUDA driver (test/emu): every GPU kernel and the
//            whole host backend run in CI without a GPU — slowly, and without proving the hardware;
//   pack     installs the packed tarball into an empty project with no compiler on PATH (slow).
const onDevice = !!process.env.FLINT_TEST_DEVICE && process.env.FLINT_TEST_DEVICE !== 'cpu';
const ts = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }] };

// The op families run on the emulator in CI: each file creates its tensors on DEVICE.
const emuFiles = [
  'gpu-runtime', 'elementwise', 'indexing', 'sort', 'conv', 'optim', 'matmul', 'random', 'softmax', 'reduce', 'views',
];

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // the GPU runtime tests need a GPU: on the CPU they run in the gpu-emu project
      testPathIgnorePatterns: onDevice ? ['/node_modules/'] : ['/node_modules/', '/test/gpu-runtime\\.test\\.ts$'],
      transform: ts,
      setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
      testEnvironment: 'node',
    },
    ...(onDevice ? [] : [{
      displayName: 'gpu-emu',
      testMatch: emuFiles.map((f) => `<rootDir>/test/${f}.test.ts`),
      transform: ts,
      globalSetup: '<rootDir>/test/emu/global-setup.js',
      setupFiles: ['<rootDir>/test/emu/env.js'],
      setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
      testEnvironment: 'node',
    }]),
    {
      displayName: 'pack',
      testMatch: ['<rootDir>/test/pack/**/*.test.js'],
      testEnvironment: 'node',
    },
  ],
};
