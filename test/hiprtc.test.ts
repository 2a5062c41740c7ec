// hiprtc.test.ts — the AMD kernels compiled at first use (native/gpu/hiprtc.h), with this host's real
// hiprtc: compilation needs no GPU. Debian's hipcc package (which .ci/run installs) brings ROCm
// 5.2's libamdhip64.so.5, whose hiprtc compiles for the gfx arches its compiler knows; the test
// compiles every kernel family for gfx90a (wave64) and gfx1030 (wave32) through the test addon's
// _hipRuntimeCompile hook — the same compileHipImages() the HIP driver calls for a GPU without a
// prebuilt code object — and reads each code object as kernels.test.ts reads the prebuilt ones:
// every kernel and its descriptor, the arch and the wave size. Then the disk cache: a second call
// compiles nothing, a damaged file is compiled again, the folder follows FLINT_KERNEL_CACHE,
// XDG_CACHE_HOME, HOME. Discovery and first use with a fake runtime and compiler are in
// gpu-discovery.test.ts. On a host without any hiprtc the test checks that the hook says so and
// that no HIP runtime is installed.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkCodeObject, expectedHipKernels, HSA_ABI_VERSION } from './kernel-images';
import { HipRuntimeCompile, testAddon } from './test-addon';

const root = path.resolve(__dirname, '..');
let tmp = '';
beforeAll(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-hiprtc-')); });
afterAll(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

function compile(arch: string, env: Record<string, string | undefined>): HipRuntimeCompile {
  return testAddon()._hipRuntimeCompile(arch, env);
}

/** Whether a HIP runtime or hiprtc library is installed where the loader (or ROCm's folder) finds it. */
function hiprtcInstalled(): boolean {
  let cache = '';
  try { cache = execFileSync('ldconfig', ['-p'], { encoding: 'utf8' }); } catch { /* no ldconfig */ }
  return /lib(amdhip64\.so\.5|hiprtc\.so\.\d)\b/.test(cache) || fs.existsSync('/opt/rocm/lib') || !!process.env.ROCM_PATH;
}

const families = fs.readdirSync(path.join(root, 'native', 'kernels')).filter((f) => f.endsWith('.cu')).map((f) => f.slice(0, -3)).sort();

describe('AMD kernels compiled at first use (hiprtc)', () => {
  test('the cache folder: FLINT_KERNEL_CACHE, else $XDG_CACHE_HOME/flintml, else $HOME/.cache/flintml', () => {
    // an arch that is not one is refused before anything is compiled or written
    const env = (e: Record<string, string | undefined>) => compile('../../etc', e);
    const a = env({ FLINT_KERNEL_CACHE: path.join(tmp, 'a') + '/', XDG_CACHE_HOME: '/x', HOME: '/h' });
    expect(a.ok).toBe(false);
    expect(a.why).toBe("'../../etc' is not a gfx architecture");
    expect(a.cacheDir).toBe(path.join(tmp, 'a', 'hip'));
    expect(fs.existsSync(path.join(tmp, 'a'))).toBe(false);
    expect(env({ FLINT_KERNEL_CACHE: undefined, XDG_CACHE_HOME: '/x', HOME: '/h' }).cacheDir).toBe('/x/flintml/hip');
    expect(env({ FLINT_KERNEL_CACHE: '', XDG_CACHE_HOME: undefined, HOME: '/h' }).cacheDir).toBe('/h/.cache/flintml/hip');
    const none = compile('gfx90a', { FLINT_KERNEL_CACHE: undefined, XDG_CACHE_HOME: undefined, HOME: undefined });
    expect(none.cacheDir).toBe('');
    if (none.hiprtc.ok) expect(none.why).toBe('no folder to cache compiled kernels in (set FLINT_KERNEL_CACHE, XDG_CACHE_HOME or HOME)');
    // the sources are found beside the addon, in the package
    expect(none.sourceDir).toBe(fs.realpathSync(path.join(root, 'native', 'kernels')));
  });

  for (const arch of ['gfx90a', 'gfx1030']) {
    test(`${arch}: every family compiles with this host's hiprtc; each code object holds every kernel, for ${arch}`, () => {
      const cache = path.join(tmp, 'cache');
      const r = compile(arch, { FLINT_KERNEL_CACHE: cache });
      if (!r.hiprtc.ok) {
        expect(r.ok).toBe(false);
        expect(r.why).toMatch(/^hiprtc not found \(/);
        expect(hiprtcInstalled()).toBe(false);  // a host with ROCm must compile
        return;
      }
      expect({ ok: r.ok, why: r.why, log: r.log.slice(0, 2000) }).toEqual({ ok: true, why: '', log: '' });
      expect(r.toolkit).toBe(`hiprtc ${r.hiprtc.version}, compiled at first use`);
      expect(r.archs).toEqual([arch]);
      expect(r.dir).toMatch(new RegExp(`^${cache}/hip/${arch}/[0-9a-f]{16}$`));
      expect(r.compiled).toEqual(families);
      expect(r.cached).toEqual([]);
      expect(r.files).toEqual(families.map((f) => path.join(r.dir, `flint-${f}.co`)));
      expect(fs.readdirSync(r.dir).sort()).toEqual(families.map((f) => `flint-${f}.co`));  // no temporary file left
      const want = expectedHipKernels();
      for (const f of families) {
        const elf = fs.readFileSync(path.join(r.dir, `flint-${f}.co`));
        // the code object version is the runtime's compiler's default (v4 for ROCm 5, v5 for ROCm 6)
        const cov = Number(Object.keys(HSA_ABI_VERSION).find((v) => HSA_ABI_VERSION[Number(v)] === elf[8]));
        expect([4, 5]).toContain(cov);
        checkCodeObject(elf, arch, want[`flint-${f}.hsaco`], cov);
      }
    }, 900_000);
  }

  test('the disk cache: a second call compiles nothing; a damaged file is compiled again, whole', () => {
    const cache = path.join(tmp, 'cache');
    const first = compile('gfx90a', { FLINT_KERNEL_CACHE: cache });
    if (!first.hiprtc.ok) { expect(hiprtcInstalled()).toBe(false); return; }
    expect(first.ok).toBe(true);
    const stamps = first.files.map((f) => fs.statSync(f).mtimeMs);
    const again = compile('gfx90a:sramecc+:xnack-', { FLINT_KERNEL_CACHE: cache });  // features do not matter
    expect({ ok: again.ok, dir: again.dir, compiled: again.compiled, cached: again.cached })
      .toEqual({ ok: true, dir: first.dir, compiled: [], cached: families });
    expect(again.files.map((f) => fs.statSync(f).mtimeMs)).toEqual(stamps);
    const victim = path.join(first.dir, 'flint-trilu.co');
    const good = fs.readFileSync(victim);
    fs.writeFileSync(victim, good.subarray(0, 20));  // what no reader may take for a code object
    const repaired = compile('gfx90a', { FLINT_KERNEL_CACHE: cache });
    expect({ ok: repaired.ok, compiled: repaired.compiled, cached: repaired.cached.length })
      .toEqual({ ok: true, compiled: ['trilu'], cached: families.length - 1 });
    expect(fs.readFileSync(victim).length).toBe(good.length);
    expect(fs.readFileSync(victim).equals(good)).toBe(true);  // the same compiler, options and sources give the same bytes
  }, 900_000);
});
