// glibc.test.ts — the addon this suite runs on (build/Release/flintml.node, or FLINT_ADDON_PATH)
// loads on glibc 2.28: scripts/check-binary.js --max-glibc=2.28 passes on it, the symbols that
// native/core/glibc_compat.cpp pins are imported at their base version, and libpthread.so.0 /
// libdl.so.2 (which define the pthread/dl symbols on glibc < 2.34) are DT_NEEDED. The prebuilds
// (x64 and arm64) get the same check in test/pack. There is no glibc 2.28 system here to load it
// on: this reads the symbol tables, which is what the dynamic loader checks.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const checkBinary = require('../scripts/check-binary.js') as {
  check(file: string, opts?: { maxGlibc?: string }): { ok: boolean; skipped: boolean; needed: string[]; newestGlibc: string | null; lines: string[] };
  cmpVersion(a: string, b: string): number;
};

const ROOT = path.resolve(__dirname, '..');
const ADDON = process.env.FLINT_ADDON_PATH ? path.resolve(ROOT, process.env.FLINT_ADDON_PATH)
  : path.join(ROOT, 'build', 'Release', 'flintml.node');
const BASE = process.arch === 'arm64' ? '2.17' : '2.2.5';  // glibc's first symbol version of each port
const hostGlibc = (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime;

function readelf(args: string[], file: string): string {
  return execFileSync('readelf', [...args, '-W', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

describe('the addon loads on glibc 2.28', () => {
  test('check-binary --max-glibc=2.28 passes (no GLIBC_2.29+ symbol, nothing but the C runtime linked)', () => {
    expect(fs.existsSync(ADDON)).toBe(true);
    const r = checkBinary.check(ADDON, { maxGlibc: '2.28' });
    expect(r.skipped).toBe(false);  // readelf (binutils) is installed wherever the addon is built
    expect(r.lines.join('\n')).not.toMatch(/TOO NEW|FORBIDDEN/);
    expect(r.ok).toBe(true);
    expect(checkBinary.cmpVersion(r.newestGlibc ?? '0', '2.28')).toBeLessThanOrEqual(0);
  });

  test('the symbols glibc versioned anew in 2.29-2.34 are imported at the base version, and none is exported', () => {
    const syms = readelf(['--dyn-syms'], ADDON);
    const imported = (name: string) => new RegExp(`\\sUND\\s+${name}@GLIBC_([\\d.]+)`).exec(syms)?.[1];
    // the ones this build references (glibc_compat.cpp pins more, which a build may not need)
    for (const name of ['pthread_create', 'pthread_once', 'pthread_key_create', 'dlopen', 'dlsym', 'dladdr', 'exp', 'log', 'pow']) {
      expect({ name, version: imported(name) }).toEqual({ name, version: BASE });
    }
    expect(syms).not.toMatch(/__libc_single_threaded@/);  // defined inside the addon (hidden)
    // no definition of a pinned name is exported (they are hidden thunks)
    const exported = [...syms.matchAll(/\s(?:FUNC|OBJECT)\s+GLOBAL\s+DEFAULT\s+\d+\s+(\S+)/g)].map((m) => m[1]);
    expect(exported.filter((n) => /^(pthread_|dl|exp|log|pow|stat|fstat|lstat|arc4random|__libc_single_threaded)/.test(n))).toEqual([]);
  });

  test('libpthread.so.0 and libdl.so.2 are DT_NEEDED (they define those symbols on glibc < 2.34)', () => {
    if (!hostGlibc) throw new Error('this suite runs on glibc Linux; the addon built on musl has no glibc pins');
    const r = checkBinary.check(ADDON);
    expect(r.needed).toEqual(expect.arrayContaining(['libpthread.so.0', 'libdl.so.2', 'libc.so.6']));
  });

  test('the check fails, naming the symbol, on a library that takes a newer dlopen (it can fail)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flintml-glibc-'));
    try {
      const src = path.join(dir, 'uses_dlopen.c');
      const lib = path.join(dir, 'uses_dlopen.so');
      fs.writeFileSync(src, '#include <dlfcn.h>\nvoid* flint_probe(const char* f) { return dlopen(f, RTLD_NOW); }\n');
      const cc = spawnSync('cc', ['-shared', '-fPIC', '-o', lib, src, '-ldl'], { encoding: 'utf8' });
      expect(cc.stderr).toBe('');
      expect(cc.status).toBe(0);
      // glibc >= 2.34 links dlopen@GLIBC_2.34, which 2.28 refuses; an older host links the base
      // version, which every glibc after 2.2 has, so the bar is set just below it there
      const modern = checkBinary.cmpVersion(hostGlibc ?? '0', '2.34') >= 0;
      const r = checkBinary.check(lib, { maxGlibc: modern ? '2.28' : '2.2' });
      expect(r.ok).toBe(false);
      expect(r.lines.join('\n')).toMatch(modern ? /TOO NEW: needs GLIBC_2\.34 > 2\.28 \(.*dlopen@GLIBC_2\.34/ : /TOO NEW: .*dlopen@GLIBC_/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
