// types.test.ts — the TypeScript declarations as `npm pack` ships them (dist/**/*.d.ts, found
// through package.json "types" / "exports"), copied into an empty project's node_modules/flintml:
//   - a user's strict program (test/fixtures/typescript-user/program.ts: tensors, nn, optim, data,
//     io, the cuda namespace) type-checks with `strict` and without `skipLibCheck`, as CommonJS
//     (module commonjs, no @types/node) and as an ES module (module nodenext, a .mts file, with
//     @types/node). skipLibCheck off means
//     every shipped .d.ts is checked, e.g. none may name a type that stripInternal removed.
//   - no `any` in what they export: every `any` keyword in a shipped .d.ts (what stripInternal
//     left is the public surface) fails the test unless ANY_ALLOWED names it and says why.
// The typescript of devDependencies does the checking (the compiler API, no child process).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { ROOT, assertDistFresh, installPacked, strictOptions, typeCheck } from './dist';

const PROGRAM = path.join(ROOT, 'test', 'fixtures', 'typescript-user', 'program.ts');

let tmp = '';
let shipped: string[] = [];

beforeAll(() => {
  assertDistFresh();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-types-'));
  shipped = installPacked(tmp, (f) => f.endsWith('.d.ts'));
});
afterAll(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

/**
 * The `any`s that stay, by `file: declaration path`, each with its reason. Prefer `unknown`, a
 * generic or a precise type; add an entry here only when none of them can say it.
 */
const ANY_ALLOWED: Record<string, string> = {};

/** Every `any` keyword in a declaration file, as `file: Outer.member` (the names around it). */
export function anyUses(fileName: string, text: string): string[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.AnyKeyword) {
      const names: string[] = [];
      for (let p: ts.Node | undefined = node.parent; p; p = p.parent) {
        const name = (p as ts.Node & { name?: ts.Node }).name;
        if (name && (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isPrivateIdentifier(name))) names.unshift(name.text);
        else if (ts.isIndexSignatureDeclaration(p)) names.unshift('[index]');
        else if (ts.isConstructorDeclaration(p)) names.unshift('constructor');
      }
      const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
      out.push(`${fileName}: ${names.join('.') || '(top level)'} (line ${line + 1})`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

describe('the packed declaration files', () => {
  test('ship the entry that package.json names, and every .d.ts it imports', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { types: string; exports: { '.': { types: string } } };
    expect(shipped).toContain(pkg.types);
    expect(shipped).toContain(pkg.exports['.'].types.replace(/^\.\//, ''));
    // every relative import of a shipped .d.ts is shipped
    for (const f of shipped.filter((s) => s.endsWith('.d.ts'))) {
      const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
      for (const m of text.matchAll(/from '(\.[^']+)'|import '(\.[^']+)'/g)) {
        const target = path.join(path.dirname(f), m[1] ?? m[2]);
        const candidates = [`${target}.d.ts`, path.join(target, 'index.d.ts')];
        expect(candidates.some((c) => shipped.includes(c)) ? f : `${f} imports ${m[1] ?? m[2]}, which is not packed`).toBe(f);
      }
    }
  });

  test('a strict CommonJS TypeScript program compiles against them without skipLibCheck (and without @types/node)', () => {
    const file = path.join(tmp, 'program.ts');
    fs.copyFileSync(PROGRAM, file);
    expect(typeCheck(tmp, [file], strictOptions(tmp, 'commonjs', false))).toEqual([]);
  }, 60_000);

  test('the same program as an ES module (module nodenext, .mts, with @types/node) compiles too', () => {
    const file = path.join(tmp, 'program.mts');
    fs.copyFileSync(PROGRAM, file);
    expect(typeCheck(tmp, [file], strictOptions(tmp, 'nodenext', true))).toEqual([]);
  }, 60_000);

  test('the check would catch a declaration that names an undeclared type', () => {
    // the failure this test exists for: stripInternal removed a type a public declaration uses
    const bad = path.join(tmp, 'node_modules', 'flintml', 'dist', 'broken.d.ts');
    fs.writeFileSync(bad, 'export declare const CPU: DeviceSpec;\n');
    const user = path.join(tmp, 'uses-broken.ts');
    fs.writeFileSync(user, "import { CPU } from 'flintml/dist/broken';\nexport const c = CPU;\n");
    try {
      const diags = typeCheck(tmp, [user], { ...strictOptions(tmp, 'commonjs', false), noLib: true });
      expect(diags.join('\n')).toMatch(/Cannot find name 'DeviceSpec'/);
    } finally {
      fs.rmSync(bad);
    }
  }, 60_000);

  test('export no `any`, except the allowed ones', () => {
    const found: string[] = [];
    for (const f of shipped.filter((x) => x.endsWith('.d.ts'))) {
      found.push(...anyUses(f, fs.readFileSync(path.join(ROOT, f), 'utf8')));
    }
    const unexplained = found.filter((u) => !(u.replace(/ \(line \d+\)$/, '') in ANY_ALLOWED));
    expect(unexplained).toEqual([]);
    // an allow-list entry that no longer matches anything goes
    const stale = Object.keys(ANY_ALLOWED).filter((k) => !found.some((u) => u.startsWith(`${k} (line`)));
    expect(stale).toEqual([]);
  });

  test('the any check finds any in signatures, generics, index signatures and type arguments', () => {
    const text = [
      'export declare function f(x: any): void;',
      'export declare class M<T = any> { call(...args: unknown[]): Record<string, any>; [key: string]: unknown }',
      'export interface G { [key: string]: any }',
      "export declare function any(x: number): 'any';",   // a function named any is not the any type
    ].join('\n');
    expect(anyUses('x.d.ts', text)).toEqual([
      'x.d.ts: f.x (line 1)',
      'x.d.ts: M.T (line 2)',
      'x.d.ts: M.call (line 2)',
      'x.d.ts: G.[index] (line 3)',
    ]);
  });
});
