// torch-diff.test.ts — the differential fuzzer against PyTorch (bench/torch-diff.js) in the form CI
// can run without torch: every call form of its spec tables, drawn as the comparison run draws them,
// runs on flintml's side alone (--flint-only) on DEVICE, with its gradient, and every refusal must
// be a FlintError. So the tables keep up with the API (a form that stops running fails here), and
// the comparison itself (bench/FIDELITY.md) stays a command away: `node bench/torch-diff.js`.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { DEVICE } from './helpers';

const ROOT = path.resolve(__dirname, '..');
const CASES = DEVICE === 'cpu' ? 12 : 4;
const SEED = 20261207;

test(`torch-diff's call forms run on ${DEVICE}, ${CASES} cases each: every refusal typed`, async () => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build:ts` first');
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'bench', 'torch-diff.js'), '--flint-only', '--json', '--cases', String(CASES), '--seed', String(SEED), '--device', DEVICE],
      { cwd: ROOT, maxBuffer: 1 << 24 }, (err, out) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout: out }));
  });
  const lines = stdout.trim().split('\n');
  if (code !== 0) throw new Error(`bench/torch-diff.js --flint-only failed (exit ${code}):\n${lines.slice(-40).join('\n')}`);
  const s = JSON.parse(lines.filter((l) => l.startsWith('{')).pop()!) as { specs: number; cases: number; ran: number; refused: number; untyped: number };
  expect(s.untyped).toBe(0);
  expect(s.specs).toBeGreaterThan(150);
  expect(s.cases).toBe(s.specs * CASES);
  expect(s.ran).toBeGreaterThan(s.cases * 0.8);  // the forms are valid calls mostly; refusals are their edge cases
  expect(s.ran + s.refused).toBe(s.cases);
}, 120_000);
