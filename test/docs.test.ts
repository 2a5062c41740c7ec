// docs.test.ts — the code in README.md and examples/README.md runs as written. Every fenced block
// is classified by its info string, and a block of a kind this test does not know fails it:
//   ```js        a CommonJS program: run with node (from a temporary project whose
//                node_modules/flintml is this package, so `require('flintml')` loads dist/); when its
//                require line says `// or: import * as fl from 'flintml'`, run as an ES module too
//   ```js esm    an ES module (import, top-level await): run as a .mjs file
//   ```js gpu    needs a GPU: counted and syntax-checked (node --check); run when the suite runs on
//                a GPU (FLINT_TEST_DEVICE=cuda)
//   ```ts        type-checked (strict, no skipLibCheck) against the packed dist/ declarations, with
//                ES2022 and esnext.disposable but not @types/node (which doubles the time)
//   ```sh        shell commands; ```text: output — not code, listed only
// A block runs in a child process with a 60 s limit and must exit with 0; what it writes goes to a
// temporary folder. The blocks use dist/ (`npm run build:ts`; the test fails when dist/ is stale).
// Also: the ratios of README's benchmark table follow from the figures in the same row.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT, assertDistFresh, installPacked, strictOptions, typeCheck } from './dist';

const DOCS = ['README.md', 'examples/README.md'];
const TIMEOUT_MS = 60_000;
// On a GPU (FLINT_TEST_DEVICE=cuda) this file runs the ```js gpu blocks only: the others use no
// device and ran in the CPU pass, and they need what the GPU host's bundle leaves behind
// (onnxruntime-node for the ONNX example, OpenMPI for the distributed one).
const onGpu = !!process.env.FLINT_TEST_DEVICE && process.env.FLINT_TEST_DEVICE !== 'cpu';
const ESM_NOTE = /^const (\w+) = require\('flintml'\);\s*\/\/ or: import \* as \1 from 'flintml'.*$/m;

type Kind = 'cjs' | 'esm' | 'gpu' | 'ts' | 'shell' | 'output';
export interface Block { doc: string; line: number; info: string; kind: Kind | null; code: string }

const KINDS: Record<string, Kind> = {
  js: 'cjs', 'js esm': 'esm', 'js gpu': 'gpu', 'js gpu esm': 'gpu', ts: 'ts', sh: 'shell', text: 'output',
};

/** The fenced code blocks of a Markdown text (``` or ~~~ fences), with their kind (null: unknown). */
export function extractBlocks(doc: string, markdown: string): Block[] {
  const lines = markdown.split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const fence = open[1];
    const info = open[2].trim().replace(/\s+/g, ' ');
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`).test(lines[j])) body.push(lines[j++]);
    if (j === lines.length) throw new Error(`${doc}:${i + 1}: a code fence that never closes`);
    out.push({ doc, line: i + 1, info, kind: KINDS[info] ?? null, code: body.join('\n') + '\n' });
    i = j;
  }
  return out;
}

const where = (b: Block): string => `${b.doc}:${b.line} (\`\`\`${b.info})`;

interface Run { code: number | null; out: string }
function runNode(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, timeout: TIMEOUT_MS, maxBuffer: 1 << 24, env }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, out: `${stdout}${stderr}${err && code === null ? `\n(${err.message})` : ''}` });
    });
  });
}

const blocks = DOCS.flatMap((d) => extractBlocks(d, fs.readFileSync(path.join(ROOT, d), 'utf8')));
const ofKind = (k: Kind): Block[] => blocks.filter((b) => b.kind === k);

let tmp = '';
let n = 0;
/** Writes `code` to a new folder under tmp (so that files a snippet writes do not collide) and returns its path. */
function place(b: Block, ext: string, code = b.code): string {
  const dir = path.join(tmp, `block-${++n}`);
  fs.mkdirSync(dir);
  const file = path.join(dir, `${path.basename(b.doc, '.md')}-${b.line}${ext}`);
  fs.writeFileSync(file, code);
  return file;
}

async function expectRuns(b: Block, ext: '.cjs' | '.mjs', code = b.code): Promise<void> {
  const file = place(b, ext, code);
  const r = await runNode([file], path.dirname(file));
  if (r.code !== 0) throw new Error(`${where(b)} run as ${ext} exited with ${String(r.code)}:\n${r.out}\n--- the block ---\n${code}`);
}

beforeAll(() => {
  assertDistFresh();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-docs-'));
  // `require('flintml')` / `import 'flintml'` from the snippets resolve to this package
  fs.mkdirSync(path.join(tmp, 'node_modules'));
  fs.symlinkSync(ROOT, path.join(tmp, 'node_modules', 'flintml'), 'dir');
  // the ONNX export's example runs its file in onnxruntime-node (a devDependency)
  if (!onGpu) fs.symlinkSync(path.join(ROOT, 'node_modules', 'onnxruntime-node'), path.join(tmp, 'node_modules', 'onnxruntime-node'), 'dir');
});
afterAll(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

describe('code blocks in the docs', () => {
  test('every block has a kind this test knows (```js, ```js esm, ```js gpu, ```ts, ```sh, ```text)', () => {
    expect(blocks.filter((b) => b.kind === null).map(where)).toEqual([]);
    // the ones that are not code, for the record
    const notCode = blocks.filter((b) => b.kind === 'shell' || b.kind === 'output').map(where);
    expect(notCode.length + ofKind('cjs').length + ofKind('esm').length + ofKind('gpu').length + ofKind('ts').length).toBe(blocks.length);
  });

  test('the README has runnable blocks of each kind (the extractor found them)', () => {
    expect(ofKind('cjs').length).toBeGreaterThanOrEqual(2);
    expect(ofKind('esm').length).toBeGreaterThanOrEqual(1);
    expect(ofKind('ts').length).toBeGreaterThanOrEqual(1);
  });

  for (const b of onGpu ? [] : ofKind('cjs')) {
    test(`${where(b)} runs as CommonJS`, () => expectRuns(b, '.cjs'), TIMEOUT_MS);
    const m = ESM_NOTE.exec(b.code);
    if (m) {
      test(`${where(b)} runs as an ES module (its require line shows the import)`, () =>
        expectRuns(b, '.mjs', b.code.replace(ESM_NOTE, `import * as ${m[1]} from 'flintml';`)), TIMEOUT_MS);
    }
  }

  for (const b of onGpu ? [] : ofKind('esm')) {
    test(`${where(b)} runs as an ES module`, () => expectRuns(b, '.mjs'), TIMEOUT_MS);
  }

  for (const b of ofKind('gpu')) {
    const ext = b.info.includes('esm') ? '.mjs' : '.cjs';
    if (onGpu) {
      test(`${where(b)} runs on the GPU`, () => expectRuns(b, ext), TIMEOUT_MS);
    } else {
      test(`${where(b)} needs a GPU: it parses (node --check; it runs when FLINT_TEST_DEVICE=cuda)`, async () => {
        const file = place(b, ext);
        const r = await runNode(['--check', file], path.dirname(file));
        expect(r.code === 0 ? '' : r.out).toBe('');
      });
    }
  }

  if (!onGpu) test('the ```ts blocks type-check (strict) against the packed declarations', () => {
    const ts = ofKind('ts');
    const proj = path.join(tmp, 'ts');
    fs.mkdirSync(proj);
    installPacked(proj, (f) => f.endsWith('.d.ts'));
    const files = ts.map((b) => {
      const file = path.join(proj, `${path.basename(b.doc, '.md')}-${b.line}.ts`);
      fs.writeFileSync(file, /^\s*(import|export)\b/m.test(b.code) ? b.code : `${b.code}export {};\n`);
      return file;
    });
    expect(typeCheck(proj, files, strictOptions(proj, 'commonjs', false))).toEqual([]);
  }, TIMEOUT_MS);
});

describe('the extractor', () => {
  test('classifies fences by their info string and flags unknown ones', () => {
    const md = [
      '# t', '```js', 'a()', '```', '~~~js esm', 'await b()', '~~~', '```sh', 'npm i', '```',
      '````ts', '```inner', '````', '```javascript', 'c()', '```', '```', 'plain', '```',
    ].join('\n');
    expect(extractBlocks('t.md', md).map((b) => [b.line, b.info, b.kind, b.code])).toEqual([
      [2, 'js', 'cjs', 'a()\n'],
      [5, 'js esm', 'esm', 'await b()\n'],
      [8, 'sh', 'shell', 'npm i\n'],
      [11, 'ts', 'ts', '```inner\n'],
      [14, 'javascript', null, 'c()\n'],
      [17, '', null, 'plain\n'],
    ]);
  });
  test('an unclosed fence is an error', () => {
    expect(() => extractBlocks('t.md', '```js\nx()\n')).toThrow(/t\.md:1: a code fence that never closes/);
  });
});

// README's benchmark tables, each checked against the recorded run it quotes (bench/results/).
const BENCH_TABLES: [string, string][] = [
  ['## Benchmarks', '2026-11-24-cpu.jsonl'],
  ['## CPU training against PyTorch at its best', '2026-12-06-cpu-1548.jsonl'],
];
describe.each(BENCH_TABLES)("README's benchmark table under '%s'", (heading, runFile) => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(heading), readme.indexOf('\n## ', readme.indexOf(heading) + 1));
  const rows = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| benchmark') && !l.startsWith('|---'))
    .map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
  const FIGURE = /([\d.]+) (GFLOP\/s|GB\/s|µs\/op|ms)$/;
  const RATIO = /^([\d.]+)×( \(time\))?$/;
  /** Whether `v` rounds to the decimal `shown` (as many decimals as shown). */
  const roundsTo = (v: number, shown: string): boolean => {
    const decimals = (shown.split('.')[1] ?? '').length;
    return Math.abs(v - Number(shown)) <= 0.5 * 10 ** -decimals + 1e-12;
  };
  // the run the table quotes (bench/RESULTS.md says which)
  const results = fs.readFileSync(path.join(ROOT, 'bench', 'results', runFile), 'utf8').trim().split('\n')
    .map((l) => JSON.parse(l) as { impl: string; value: number });

  test('has rows of figures and ratios', () => {
    expect(rows.length).toBeGreaterThanOrEqual(6);
    for (const r of rows) {
      expect(r).toHaveLength(5);
      expect([r[1], r[2]].every((c) => FIGURE.test(c)) && [r[3], r[4]].every((c) => RATIO.test(c)) ? 'ok' : r.join(' | ')).toBe('ok');
    }
  });

  test('each "flintml / peer" ratio is the quotient of the two figures in its row', () => {
    for (const r of rows) {
      const ours = Number(FIGURE.exec(r[1])![1]), peer = Number(FIGURE.exec(r[2])![1]);
      const [, ratio, time] = RATIO.exec(r[3])!;
      expect(roundsTo(ours / peer, ratio) ? 'ok' : `${r[0]}: ${ours} / ${peer} = ${(ours / peer).toFixed(4)}, shown ${ratio}×`).toBe('ok');
      // time ratios are marked as such, throughput ratios are not
      expect(!!time).toBe(r[1].endsWith(' ms') || r[1].endsWith('µs/op'));
    }
  });

  test('every figure and per-round median is one the recorded run measured', () => {
    const figures = results.filter((x) => x.impl !== 'ratio').map((x) => x.value);
    const ratios = results.filter((x) => x.impl === 'ratio').map((x) => x.value);
    for (const r of rows) {
      for (const c of [r[1], r[2]]) {
        const shown = FIGURE.exec(c)![1];
        expect(figures.some((v) => roundsTo(v, shown)) ? 'ok' : `${r[0]}: ${c} is not in the recorded run`).toBe('ok');
      }
      const median = RATIO.exec(r[4])![1];
      expect(ratios.some((v) => roundsTo(v, median)) ? 'ok' : `${r[0]}: median ratio ${median}× is not in the recorded run`).toBe('ok');
    }
  });
});
