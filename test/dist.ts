// dist.ts — for the tests that use the built package (dist/) rather than lib/ through ts-jest:
// the list of files `npm pack` ships, a copy of them in a temporary project, and a check that
// dist/ was built from the current lib/ (`npm install` builds it through `prepare`; after editing
// lib/, `npm run build:ts`). These tests do not build dist/ themselves: jest runs test files in
// parallel, and one rewriting dist/ would break another that is reading it.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

export const ROOT = path.resolve(__dirname, '..');

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/**
 * Throws when dist/ is missing or older than lib/: for each lib/X.ts, dist/X.js and dist/X.d.ts
 * must exist and be at least as new (tsc rewrites every output on each run).
 */
export function assertDistFresh(): void {
  const lib = path.join(ROOT, 'lib');
  const stale: string[] = [];
  for (const src of walk(lib)) {
    if (!src.endsWith('.ts') || src.endsWith('.d.ts')) continue;
    const rel = path.relative(lib, src).replace(/\.ts$/, '');
    const srcTime = fs.statSync(src).mtimeMs;
    for (const ext of ['.js', '.d.ts']) {
      const out = path.join(ROOT, 'dist', rel + ext);
      if (!fs.existsSync(out)) stale.push(`dist/${rel}${ext} is missing`);
      else if (fs.statSync(out).mtimeMs < srcTime) stale.push(`dist/${rel}${ext} is older than lib/${rel}.ts`);
    }
  }
  if (stale.length) {
    throw new Error(`dist/ is stale or missing: run \`npm run build:ts\` first.\n  ${stale.slice(0, 10).join('\n  ')}${stale.length > 10 ? `\n  … and ${stale.length - 10} more` : ''}`);
  }
}

let packedCache: string[] | null = null;

/** The files `npm pack` puts in the tarball (package.json "files"), relative to the root. */
export function packedFiles(): string[] {
  if (packedCache) return packedCache;
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 << 20,
  });
  const list = JSON.parse(out) as { files: { path: string }[] }[];
  packedCache = list[0].files.map((f) => f.path);
  return packedCache;
}

/**
 * Makes `<dir>/node_modules/flintml` a copy of the packed files that match `keep` (package.json
 * always), as `npm install flintml` would lay them out, and links @types/node from ours.
 */
export function installPacked(dir: string, keep: (file: string) => boolean): string[] {
  const dest = path.join(dir, 'node_modules', 'flintml');
  const files = packedFiles().filter((f) => f === 'package.json' || keep(f));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dest, f)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, f), path.join(dest, f));
  }
  fs.mkdirSync(path.join(dir, 'node_modules', '@types'), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules', '@types', 'node'), path.join(dir, 'node_modules', '@types', 'node'), 'dir');
  return files;
}

/** Type-checks `files` and returns the diagnostics as `file(line,col): message` lines (paths relative to `base`). */
const parsed = new Map<string, ts.SourceFile>();

export function typeCheck(base: string, files: string[], options: ts.CompilerOptions): string[] {
  // parse each file once per test file (lib.*.d.ts and @types/node are most of the time)
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError) => {
    const key = `${fileName}\0${JSON.stringify(languageVersion)}`;
    const stat = fs.statSync(fileName, { throwIfNoEntry: false });
    const cached = parsed.get(key);
    if (cached && stat && (cached as ts.SourceFile & { mtime?: number }).mtime === stat.mtimeMs) return cached;
    const sf = getSourceFile(fileName, languageVersion, onError);
    if (sf && stat) { (sf as ts.SourceFile & { mtime?: number }).mtime = stat.mtimeMs; parsed.set(key, sf); }
    return sf;
  };
  const program = ts.createProgram(files, options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const msg = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return msg;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${path.relative(base, d.file.fileName)}(${line + 1},${character + 1}): ${msg}`;
  });
}

/**
 * The options of a user's strict project in `dir`: no skipLibCheck (every .d.ts of flintml is
 * checked), ES2022. `withNode`: with @types/node, as a Node project has it; without, the lib
 * esnext.disposable declares what our .d.ts need beyond ES2022 (Symbol.dispose). TypeScript's own
 * lib files are not re-checked (skipDefaultLibCheck): they are not ours, and checking them and
 * @types/node is most of the time.
 */
export function strictOptions(dir: string, module: 'commonjs' | 'nodenext', withNode: boolean): ts.CompilerOptions {
  return {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    skipDefaultLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    lib: withNode ? ['lib.es2022.d.ts'] : ['lib.es2022.d.ts', 'lib.esnext.disposable.d.ts'],
    types: withNode ? ['node'] : [],
    typeRoots: [path.join(dir, 'node_modules', '@types')],
    ...(module === 'commonjs'
      ? { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 }
      : { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext }),
  };
}
