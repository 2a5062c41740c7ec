// imports.test.ts — the module structure of lib/: no import cycle, and no require() hidden inside a
// function (which is how cycles used to be hidden) except where the native addon is loaded.
//
// The cycle check is madge over lib/ with type imports counted (`import type` and `import('…').T`
// create no runtime cycle, but lib/ has none of those either, so the stricter rule holds and keeps
// the layering honest: tensor, autograd, amp, ops, nn, each importing only downwards). A fixture with
// a known cycle, type-only on one side, checks that the checker sees such cycles at all.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

// madge has no type declarations; this is the part of its API the test uses
interface MadgeResult { circular(): string[][]; obj(): Record<string, string[]>; warnings(): { skipped: string[] } }
// eslint-disable-next-line @typescript-eslint/no-var-requires
const madge = require('madge') as (dir: string, config: object) => Promise<MadgeResult>;

const LIB = path.join(__dirname, '..', 'lib');
const CONFIG = { fileExtensions: ['ts'], detectiveOptions: { ts: { skipTypeImports: false } } };

function libFiles(dir = LIB): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? libFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('imports of lib/', () => {
  test('the checker finds a cycle closed by a type-only import', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-cycle-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.ts'), "import type { B } from './b';\nexport const a = 1;\nexport type A = B;\n");
      fs.writeFileSync(path.join(dir, 'b.ts'), "import { a } from './a';\nexport type B = number;\nexport const b = a;\n");
      fs.writeFileSync(path.join(dir, 'c.ts'), "import { b } from './b';\nexport const c = b;\n");
      const r = await madge(dir, CONFIG);
      expect(r.circular()).toEqual([['a.ts', 'b.ts']]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('no import cycle (type imports included)', async () => {
    const r = await madge(LIB, CONFIG);
    // every file of lib/ is in the graph and every relative import resolved, so no edge is missing
    expect(Object.keys(r.obj()).sort()).toEqual(libFiles().map((f) => path.relative(LIB, f).split(path.sep).join('/')).sort());
    expect(r.warnings().skipped).toEqual([]);
    expect(r.obj()['ops/index.ts']).toEqual(expect.arrayContaining(['autograd.ts', 'ops/creation.ts', 'ops/reduce.ts']));
    expect(r.circular()).toEqual([]);
  }, 60000);

  test('the autograd tape imports no op', async () => {
    const r = await madge(LIB, CONFIG);
    expect(r.obj()['autograd.ts'].filter((f) => f.startsWith('ops/'))).toEqual([]);
  }, 60000);

  // models/tokenizer.ts loads the optional package @huggingface/tokenizers on first use (an npm
  // package outside lib/, so no cycle can hide there), with one require of a constant name
  test('require() is called only where the native addon (lib/native.ts) or the optional tokenizer package (lib/models/tokenizer.ts) is loaded', () => {
    const calls: string[] = [];
    for (const file of libFiles()) {
      const src = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
      const visit = (n: ts.Node): void => {
        if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'require') {
          calls.push(`${path.relative(LIB, file)}:${src.getLineAndCharacterOfPosition(n.getStart()).line + 1}`);
        }
        ts.forEachChild(n, visit);
      };
      visit(src);
    }
    expect(calls.length).toBeGreaterThan(0);  // the addon loader's own calls: the walk does find them
    expect(calls.filter((c) => !c.startsWith('native.ts:') && !c.startsWith(`models${path.sep}tokenizer.ts:`))).toEqual([]);
    expect(calls.filter((c) => c.startsWith(`models${path.sep}tokenizer.ts:`)).length).toBe(1);
    expect(fs.readFileSync(path.join(LIB, 'models', 'tokenizer.ts'), 'utf8')).toMatch(/require\(TOKENIZER_PACKAGE\)/);
  });
});
