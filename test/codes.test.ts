// codes.test.ts — lib/ops/codes.ts has one source: the op lists of native/core/elementwise.h
// (FLINT_UNARY_OPS, FLINT_BINARY_OPS) and native/core/reduce.h (FLINT_REDUCE_OPS), which the CPU
// loops and the GPU kernels both compile.
// Reference: scripts/gen-codes.js run on the header; the committed file must equal its output.
import { spawnSync } from 'child_process';
import * as path from 'path';
import { BINARY, REDUCE, UNARY } from '../lib/ops/codes';

const root = path.resolve(__dirname, '..');

test('lib/ops/codes.ts is what scripts/gen-codes.js makes of the native op headers', () => {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'gen-codes.js'), '--check'], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});

test.each([['UNARY', UNARY], ['BINARY', BINARY], ['REDUCE', REDUCE]] as const)('%s codes are the positions 0..n-1, each once', (_name, table) => {
  const codes = Object.values(table as Record<string, number>).sort((a, b) => a - b);
  expect(codes).toEqual(codes.map((_c, i) => i));
});
