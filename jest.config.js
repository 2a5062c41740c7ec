// jest.config.js — two projects: `unit` (the op table and API tests, TypeScript through ts-jest;
// FLINT_TEST_DEVICE=cuda runs the same suite on the GPU) and `pack` (installs the packed tarball
// into an empty project with no compiler on PATH; slow).
/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
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
