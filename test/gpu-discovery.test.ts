// gpu-discovery.test.ts — GPU runtime discovery (native/gpu/device.cpp) and `fl.cuda` queries,
// testable without a GPU: fake drivers (test/fixtures/fake_libcuda.c, fake_libamdhip64.c, and
// fake_libhiprtc.c for the AMD kernels compiled at first use) are
// compiled with gcc into a temp folder and put first on LD_LIBRARY_PATH of a child process that
// loads the compiled package (dist/, built by `npm install`; FLINT_DIST_PATH points at another
// build of it, FLINT_ADDON_PATH at another addon). The reference is what each fake reports by
// construction: 2 devices "Fake GPU 0/1", compute capability 9.0, 132 SMs, 80 GiB, driver 13000.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fl from '../lib';

const root = path.resolve(__dirname, '..');
const dist = path.resolve(root, process.env.FLINT_DIST_PATH ?? 'dist');
const fixtures = path.join(__dirname, 'fixtures');
const GiB = 1024 ** 3;

let tmp = '';
/** Folders holding one fake library each, by variant. */
const fake: Record<string, string> = {};

function compile(name: string, source: string, soname: string, defines: string[] = []): void {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  execFileSync('gcc', ['-shared', '-fPIC', '-O1', ...defines, '-o', path.join(dir, soname), path.join(fixtures, source)]);
  fake[name] = dir;
}

function childEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.FLINT_BACKEND;
  delete env.FLINT_CUDA_DRIVER;
  env.FLINT_KERNEL_PATH = images.ok;  // a test names another image set where it matters
  if (env.FLINT_ADDON_PATH) env.FLINT_ADDON_PATH = path.resolve(root, env.FLINT_ADDON_PATH);
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Runs `body` (which sees `fl` and returns a JSON-able value) in a child node and returns its value. */
function inChild(body: string, env: Record<string, string | undefined>): any {
  const code = `
    const fl = require(${JSON.stringify(dist)});
    const result = (() => { ${body} })();
    process.stdout.write(JSON.stringify(result));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', code], { env: childEnv(env), encoding: 'utf8' }));
}

function doctor(env: Record<string, string | undefined>): string {
  // doctor exits with 1 when a matmul check fails (as it must on a fake driver): keep its output
  const r = spawnSync(process.execPath, [path.join(dist, 'cli.js'), 'doctor'], { env: childEnv(env), encoding: 'utf8' });
  return r.stdout;
}

/**
 * Kernel image sets (native/gpu/images.h) written by the test: status.json plus stand-in image files
 * (discovery reads only status.json; the fake drivers never load an image).
 */
const images: Record<string, string> = {};
function imageSet(name: string, status: object, sub?: string): void {
  const dir = path.join(tmp, `images-${name}`, sub ?? '');
  fs.mkdirSync(dir, { recursive: true });
  const all = [...((status as any).images ?? []), ...((status as any).hip?.images ?? [])];
  for (const f of all) fs.writeFileSync(path.join(dir, f), 'stand-in');
  if (Object.keys(status).length) fs.writeFileSync(path.join(dir, 'status.json'), JSON.stringify(status));
  if (!sub) images[name] = dir;
}

/** The facts a test compares, gathered in the child. */
const QUERY = `
  let error = null;
  try { fl.zeros([2], { device: 'cuda' }); } catch (e) { error = { name: e.constructor.name, message: e.message }; }
  const n = fl.cuda.deviceCount();
  return {
    available: fl.cuda.isAvailable(), count: n, vendor: fl.cuda.vendor(), driver: fl.cuda.driverVersion(),
    reason: fl.cuda.unavailableReason(), props: Array.from({ length: n }, (_, i) => fl.cuda.getDeviceProperties(i)),
    error,
  };`;

/**
 * What this host's own libraries give, apart from the fakes (which tests put first on LD_LIBRARY_PATH):
 *   'none'         no libcuda.so.1 and no libamdhip64.so.* anywhere discovery looks: every library is "not found";
 *   'hipWithoutGpu' a HIP runtime is on the loader path but there is no AMD GPU (no /dev/kfd) and no libcuda:
 *                  Debian's `hipcc` package (which .ci/run installs to compile the HIP kernels) brings
 *                  libamdhip64.so.5; it loads and reports no device, so AMD is "found, but it sees no GPU";
 *   'other'        a GPU driver and perhaps a GPU: only consistency can be asserted in-process.
 */
function hostGpuState(): 'none' | 'hipWithoutGpu' | 'other' {
  let cache = '';
  try { cache = execFileSync('/sbin/ldconfig', ['-p'], { encoding: 'utf8' }); } catch { /* no ldconfig */ }
  const ldPath = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d);
  const onLdPath = (re: RegExp) => ldPath.some((d) => fs.existsSync(d) && fs.readdirSync(d).some((f) => re.test(f)));
  const cuda = /libcuda\.so\.1/.test(cache) || onLdPath(/^libcuda\.so\.1$/);
  const hipCache = /libamdhip64\.so\.[567]\b/.test(cache);
  const hipElsewhere = fs.existsSync('/opt/rocm/lib') || !!process.env.ROCM_PATH || onLdPath(/^libamdhip64\.so/);
  if (!cuda && !hipCache && !hipElsewhere) return 'none';
  if (!cuda && hipCache && !hipElsewhere && !fs.existsSync('/dev/kfd')) return 'hipWithoutGpu';
  return 'other';
}

/** The reason part the host's real HIP runtime without a GPU gives (state 'hipWithoutGpu'), e.g. for ROCm 5.2:
 *  "AMD HIP runtime 5.2.21153 found (/usr/lib/x86_64-linux-gnu/libamdhip64.so.5), but it sees no GPU:
 *  hipInit: hipErrorInvalidDevice (hipErrorInvalidDevice)" (ROCm 5 answers hipInit with InvalidDevice, newer
 *  ROCm with NoDevice; either may come from hipGetDeviceCount instead). */
const HIP_WITHOUT_GPU = String.raw`AMD HIP runtime \d+\.\d+\.\d+ found \(/\S*libamdhip64\.so\.[567]\), but it sees no GPU: (hipInit|hipGetDeviceCount): hipError(InvalidDevice|NoDevice)\b[^;]*`;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-fake-gpu-'));
  compile('cuda', 'fake_libcuda.c', 'libcuda.so.1');
  compile('cudaNoDevice', 'fake_libcuda.c', 'libcuda.so.1', ['-DFAKE_INIT_ERROR=100']);
  compile('cudaNoLaunch', 'fake_libcuda.c', 'libcuda.so.1', ['-DFAKE_OMIT_LAUNCH']);
  compile('hip', 'fake_libamdhip64.c', 'libamdhip64.so.6');
  compile('hiprtc', 'fake_libhiprtc.c', 'libhiprtc.so.6');
  compile('hiprtcError', 'fake_libhiprtc.c', 'libhiprtc.so.6', ['-DFAKE_COMPILE_ERROR']);
  const hip = { hipcc: '5.2.21153', reason: null, archs: ['gfx90a'], images: ['flint-a.hsaco'] };
  imageSet('ok', { nvcc: '13.0', reason: null, archs: [75, 80, 86, 89, 90, 100, 120], ptx: 120, images: ['flint-a.fatbin'], hip });
  imageSet('none', {});
  imageSet('newer', { nvcc: '14.1', reason: null, archs: [90], ptx: 90, images: ['flint-a.fatbin'] });
  // what the build ships with both compilers (CMakeLists.txt): nvcc 13 in kernels/, nvcc 11.8 in kernels/cuda-11.8/
  imageSet('two', { nvcc: '13.0', reason: null, archs: [75, 80, 86, 89, 90, 100, 120], ptx: 120, minDriver: 13000,
    ptxMinDriver: 13000, images: ['flint-a.fatbin'], hip });
  imageSet('two', { nvcc: '11.8', reason: null, archs: [60, 70, 75, 80, 86, 89, 90], ptx: 90, minDriver: 11000,
    ptxMinDriver: 11080, images: ['flint-a.fatbin'] }, 'cuda-11.8');
  imageSet('noArch', { nvcc: '13.0', reason: null, archs: [100, 120], ptx: 120, images: ['flint-a.fatbin'],
    hip: { ...hip, archs: ['gfx1030'] } });
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('GPU discovery on this host', () => {
  test('without a GPU: unavailable, no devices, and the reason names every library tried and why', () => {
    const state = hostGpuState();
    if (state === 'other') {
      // A GPU host: the facts must at least be consistent.
      expect(fl.cuda.isAvailable() || fl.cuda.unavailableReason().length > 0).toBe(true);
      return;
    }
    expect(fl.cuda.isAvailable()).toBe(false);
    expect(fl.cuda.deviceCount()).toBe(0);
    expect(fl.cuda.vendor()).toBeNull();
    expect(fl.cuda.driverVersion()).toBeNull();
    const reason = fl.cuda.unavailableReason();
    if (state === 'none') {
      // nothing found: one "not found" per library name, with dlerror's text
      expect(reason).toMatch(/^no NVIDIA or AMD driver found \(/);
      for (const lib of ['libcuda.so.1', 'libamdhip64.so.7', 'libamdhip64.so.6', 'libamdhip64.so.5']) {
        expect(reason).toContain(`${lib}: cannot open shared object file`);
      }
    } else {
      // the HIP runtime loads and sees no device; NVIDIA is not found
      expect(reason).toMatch(new RegExp(`^no NVIDIA driver found \\(libcuda\\.so\\.1: cannot open shared object file[^)]*\\); ${HIP_WITHOUT_GPU}$`));
    }
    expect(() => fl.zeros([2], { device: 'cuda' })).toThrow(fl.BackendUnavailableError);
    expect(() => fl.zeros([2], { device: 'cuda:0' })).toThrow(`zeros: cannot use device 'cuda:0': ${reason}`);
    expect(() => fl.cuda.getDeviceProperties(0)).toThrow(fl.BackendUnavailableError);
    expect(() => fl.cuda.getDeviceProperties('tpu:0')).toThrow(fl.DeviceError);
  });

  test('discovery is lazy: loading flintml opens no GPU library; the first query does', () => {
    const out = inChild(`
      const maps = () => require('fs').readFileSync('/proc/self/maps', 'utf8').includes('libcuda.so.1');
      const atLoad = maps();
      fl.zeros([2]).dispose();
      const afterCpuWork = maps();
      fl.cuda.deviceCount();
      return { atLoad, afterCpuWork, afterQuery: maps() };`, { LD_LIBRARY_PATH: fake.cuda });
    expect(out).toEqual({ atLoad: false, afterCpuWork: false, afterQuery: true });
  });

  test('FLINT_BACKEND=cpu skips the search and says so', () => {
    const out = inChild(QUERY, { FLINT_BACKEND: 'cpu', LD_LIBRARY_PATH: fake.cuda });
    expect(out.available).toBe(false);
    expect(out.count).toBe(0);
    expect(out.reason).toBe('FLINT_BACKEND=cpu forces the CPU backend');
    expect(out.error).toEqual({ name: 'BackendUnavailableError', message: "zeros: cannot use device 'cuda': FLINT_BACKEND=cpu forces the CPU backend" });
  });

  test('FLINT_BACKEND with an unknown value is reported, not ignored', () => {
    const out = inChild(QUERY, { FLINT_BACKEND: 'tpu', LD_LIBRARY_PATH: fake.cuda });
    expect(out.count).toBe(0);
    expect(out.reason).toBe('FLINT_BACKEND=tpu is not one of cuda, hip, cpu');
  });
});

describe('GPU discovery with a fake NVIDIA driver', () => {
  test('devices, properties and driver version are reported; with kernel images the backend is available', () => {
    const out = inChild(QUERY, { LD_LIBRARY_PATH: fake.cuda });
    expect(out.available).toBe(true);
    expect(out.count).toBe(2);
    expect(out.vendor).toBe('nvidia');
    expect(out.driver).toBe('13.0');
    expect(out.reason).toBe('');
    expect(out.props[1]).toEqual({
      name: 'Fake GPU 1', vendor: 'nvidia', computeCapability: [9, 0], multiProcessorCount: 132, totalMemory: 80 * GiB,
    });
    expect(out.props[0].name).toBe('Fake GPU 0');
    // the fake cannot make a context: the first use says so, as BackendUnavailableError naming the call
    expect(out.error.name).toBe('BackendUnavailableError');
    expect(out.error.message).toBe('cuda:0: the GPU backend cannot start: cuda: cuDevicePrimaryCtxRetain failed: CUDA_ERROR_NOT_SUPPORTED (operation not supported)');
  });

  test('kernel images: none, for a newer driver, or for other GPUs — each reason says what to do', () => {
    const none = inChild(QUERY, { LD_LIBRARY_PATH: fake.cuda, FLINT_KERNEL_PATH: images.none });
    expect(none.available).toBe(false);
    expect(none.reason).toBe('NVIDIA driver 13.0 found (2 devices), but no CUDA kernel images were found (the search log lists where; reinstall flintml, or build it from source with nvcc)');
    expect(none.error).toEqual({ name: 'BackendUnavailableError', message: `zeros: cannot use device 'cuda': ${none.reason}` });
    const newer = inChild(QUERY, { LD_LIBRARY_PATH: fake.cuda, FLINT_KERNEL_PATH: images.newer });
    expect(newer.available).toBe(false);
    expect(newer.reason).toBe('NVIDIA driver 13.0 found (2 devices), but the kernel images (nvcc 14.1) need a CUDA 14 driver, this driver is CUDA 13.0: update the NVIDIA driver');
    const noArch = inChild(QUERY, { LD_LIBRARY_PATH: fake.cuda, FLINT_KERNEL_PATH: images.noArch });
    expect(noArch.available).toBe(false);
    expect(noArch.reason).toBe('NVIDIA driver 13.0 found (2 devices), but no kernel image for compute capability 9.0 (Fake GPU 0); the images (nvcc 13.0) cover sm_100, sm_120 and PTX 120: build flintml from source with FLINT_CUDA_ARCHS including 90');
    expect(doctor({ LD_LIBRARY_PATH: fake.cuda, FLINT_KERNEL_PATH: images.noArch })).toContain(`  GPU search: CUDA kernel images: ${images.noArch}: nvcc 13.0, 1 images (sm_100, sm_120 + PTX compute_120); needs driver >= CUDA 13.0 (NVIDIA 580 or newer)\n`);
  });

  describe('two image sets (nvcc 13.0 and 11.8): the newest one the driver and the GPU can run is used', () => {
    const two = () => images.two, old = () => path.join(images.two, 'cuda-11.8');
    const need13 = (v: string) => `the kernel images (nvcc 13.0) need a CUDA 13 driver (NVIDIA 580 or newer), this driver is CUDA ${v}: update the NVIDIA driver`;
    /** Discovery's facts and the doctor's lines on the choice, under a fake driver of `version` and GPUs of `cc`. */
    function choose(version: string, cc?: string): { available: boolean; reason: string; error: { name: string; message: string } | null; lines: string[] } {
      const env = { LD_LIBRARY_PATH: fake.cuda, FLINT_KERNEL_PATH: two(), FAKE_CUDA_DRIVER_VERSION: version, FAKE_CUDA_CC: cc };
      const out = inChild(QUERY, env);
      const lines = doctor(env).split('\n').filter((l) => /GPU search: CUDA kernel images: (using|skipped) /.test(l))
        .map((l) => l.replace('  GPU search: CUDA kernel images: ', ''));
      return { available: out.available, reason: out.reason, error: out.error, lines };
    }

    test('doctor lists both sets with the driver each needs', () => {
      const text = doctor({ LD_LIBRARY_PATH: fake.cuda, FLINT_KERNEL_PATH: two() });
      expect(text).toContain(`  GPU search: CUDA kernel images: ${two()}: nvcc 13.0, 1 images (sm_75, sm_80, sm_86, sm_89, sm_90, sm_100, sm_120 + PTX compute_120); needs driver >= CUDA 13.0 (NVIDIA 580 or newer)\n`);
      expect(text).toContain(`  GPU search: CUDA kernel images: ${old()}: nvcc 11.8, 1 images (sm_60, sm_70, sm_75, sm_80, sm_86, sm_89, sm_90 + PTX compute_90); needs driver >= CUDA 11.0 (NVIDIA 450.80.02 or newer), its PTX >= CUDA 11.8 (NVIDIA 520.61.05 or newer)\n`);
    });

    test('no usable driver: doctor still lists the sets and the oldest driver one runs on', () => {
      const text = doctor({ LD_LIBRARY_PATH: fake.cudaNoDevice, FLINT_BACKEND: 'cuda', FLINT_KERNEL_PATH: two() });
      expect(text).toContain('cuda: unavailable — FLINT_BACKEND=cuda: NVIDIA driver 13.0 found, but cuInit failed: CUDA_ERROR_NO_DEVICE');
      expect(text).toContain(`  GPU search: CUDA kernel images: ${old()}: nvcc 11.8, 1 images (sm_60, sm_70, sm_75, sm_80, sm_86, sm_89, sm_90 + PTX compute_90); needs driver >= CUDA 11.0`);
      expect(text).toContain('  GPU search: CUDA kernel images: none used (no usable NVIDIA driver); the oldest driver a set runs on: CUDA 11.0 (NVIDIA 450.80.02 or newer)\n');
    });

    test('driver 13.0 (580): the nvcc 13.0 set', () => {
      const r = choose('13000');
      expect(r.available).toBe(true);
      expect(r.lines).toEqual([`using ${two()} (nvcc 13.0) for Fake GPU 0: SASS sm_90 runs on Fake GPU 0, compute capability 9.0`]);
    });

    test('driver 12.2 (535): the nvcc 11.8 set, and why not the newer one', () => {
      const r = choose('12020');
      expect(r.available).toBe(true);
      expect(r.reason).toBe('');
      expect(r.lines).toEqual([
        `skipped ${two()} (nvcc 13.0): ${need13('12.2')}`,
        `using ${old()} (nvcc 11.8) for Fake GPU 0: SASS sm_90 runs on Fake GPU 0, compute capability 9.0`,
      ]);
    });

    test('driver 11.4 (470): the nvcc 11.8 set by minor version compatibility (its SASS needs CUDA 11.0)', () => {
      const r = choose('11040', '8.6');
      expect(r.available).toBe(true);
      expect(r.lines).toEqual([
        `skipped ${two()} (nvcc 13.0): ${need13('11.4')}`,
        `using ${old()} (nvcc 11.8) for Fake GPU 0: SASS sm_86 runs on Fake GPU 0, compute capability 8.6`,
      ]);
      // compute capability 6.1 runs sm_60 SASS (same major, lower minor)
      expect(choose('11040', '6.1').lines[1]).toBe(`using ${old()} (nvcc 11.8) for Fake GPU 0: SASS sm_60 runs on Fake GPU 0, compute capability 6.1`);
    });

    test('driver 10.2: BackendUnavailableError naming the driver each set needs', () => {
      const r = choose('10020');
      expect(r.available).toBe(false);
      const reason = 'NVIDIA driver 10.2 found (2 devices), but none of the 2 kernel image sets runs here: ' +
        `${need13('10.2')}; the kernel images (nvcc 11.8) need a CUDA 11 driver (NVIDIA 450.80.02 or newer), this driver is CUDA 10.2: update the NVIDIA driver`;
      expect(r.reason).toBe(reason);
      expect(r.error).toEqual({ name: 'BackendUnavailableError', message: `zeros: cannot use device 'cuda': ${reason}` });
      expect(r.lines).toEqual([
        `skipped ${two()} (nvcc 13.0): ${need13('10.2')}`,
        `skipped ${old()} (nvcc 11.8): the kernel images (nvcc 11.8) need a CUDA 11 driver (NVIDIA 450.80.02 or newer), this driver is CUDA 10.2: update the NVIDIA driver`,
      ]);
    });

    test('a GPU newer than every SASS of the 11.8 set runs its PTX, which needs driver 11.8 (520)', () => {
      // compute capability 10.0 under driver 12.2: no sm_10x in the 11.8 set, its compute_90 PTX is JIT-compiled
      const jit = choose('12020', '10.0');
      expect(jit.available).toBe(true);
      expect(jit.lines[1]).toBe(`using ${old()} (nvcc 11.8) for Fake GPU 0: PTX compute_90 JIT-compiled by the driver for Fake GPU 0, compute capability 10.0`);
      // under driver 11.4 the PTX (ISA 7.8) cannot be JIT-compiled: the error says which driver can
      const tooOld = choose('11040', '10.0');
      expect(tooOld.available).toBe(false);
      expect(tooOld.reason).toBe('NVIDIA driver 11.4 found (2 devices), but none of the 2 kernel image sets runs here: ' +
        `${need13('11.4')}; the kernel images (nvcc 11.8) have no SASS for Fake GPU 0, compute capability 10.0; their PTX (compute_90) ` +
        'needs a CUDA 11.8 driver (NVIDIA 520.61.05 or newer) to JIT-compile it, this driver is CUDA 11.4: update the NVIDIA driver');
      // and under 13.0 the newer set has sm_100 SASS
      expect(choose('13000', '10.0').lines).toEqual([`using ${two()} (nvcc 13.0) for Fake GPU 0: SASS sm_100 runs on Fake GPU 0, compute capability 10.0`]);
    });
  });

  test('getDeviceProperties validates its argument', () => {
    const out = inChild(`
      const err = (f) => { try { f(); return null; } catch (e) { return e.constructor.name + ': ' + e.message; } };
      return { byName: fl.cuda.getDeviceProperties('cuda:1').name, byDefault: fl.cuda.getDeviceProperties().name,
               outOfRange: err(() => fl.cuda.getDeviceProperties(2)), negative: err(() => fl.cuda.getDeviceProperties(-1)),
               copy: (() => { const p = fl.cuda.getDeviceProperties(0); p.computeCapability[0] = 1; return fl.cuda.getDeviceProperties(0).computeCapability; })() };`,
    { LD_LIBRARY_PATH: fake.cuda });
    expect(out.byName).toBe('Fake GPU 1');
    expect(out.byDefault).toBe('Fake GPU 0');
    expect(out.outOfRange).toBe('IndexError: cuda.getDeviceProperties: device 2 is out of range (this host has 2 GPU(s))');
    expect(out.negative).toMatch(/^IndexError: .*device -1 is out of range/);
    expect(out.copy).toEqual([9, 0]);
  });

  test('flintml doctor prints the library, the driver, each device, the images and the matmul check', () => {
    const text = doctor({ LD_LIBRARY_PATH: fake.cuda });
    const lines = text.split('\n');
    expect(lines).toContain('cuda: nvidia, 2 device(s)');
    expect(lines).toContain(`  GPU search: CUDA kernel images: ${images.ok}: nvcc 13.0, 1 images (sm_75, sm_80, sm_86, sm_89, sm_90, sm_100, sm_120 + PTX compute_120); needs driver >= CUDA 13.0 (NVIDIA 580 or newer)`);
    expect(lines).toContain(`  GPU search: CUDA kernel images: using ${images.ok} (nvcc 13.0) for Fake GPU 0: SASS sm_90 runs on Fake GPU 0, compute capability 9.0`);
    expect(lines).toContain('cuda matmul check: FAILED — cuda:0: the GPU backend cannot start: cuda: cuDevicePrimaryCtxRetain failed: CUDA_ERROR_NOT_SUPPORTED (operation not supported)');
    expect(lines).toContain('  driver: CUDA driver API 13.0');
    expect(lines).toContain('  GPU search: FLINT_BACKEND not set: trying NVIDIA, then AMD');
    expect(lines).toContain(`  GPU search: NVIDIA: libcuda.so.1: loaded from ${path.join(fake.cuda, 'libcuda.so.1')} (48 symbols resolved)`);
    expect(lines).toContain('  GPU search: NVIDIA: driver 13.0, 2 devices');
    expect(lines).toContain('  GPU search: NVIDIA: device 0: Fake GPU 0, compute capability 9.0, 132 SMs, 80.0 GiB');
    expect(lines).toContain('  GPU search: NVIDIA: device 1: Fake GPU 1, compute capability 9.0, 132 SMs, 80.0 GiB');
    expect(lines).toContain('cpu matmul check: ok');
    expect(text).not.toMatch(/libamdhip64/);  // NVIDIA was selected: AMD not searched
  });

  test('a driver whose cuInit fails: the reason carries the error name and text from the driver', () => {
    const out = inChild(QUERY, { LD_LIBRARY_PATH: fake.cudaNoDevice, FLINT_BACKEND: 'cuda' });
    expect(out.available).toBe(false);
    expect(out.count).toBe(0);
    expect(out.vendor).toBeNull();
    expect(out.reason).toBe('FLINT_BACKEND=cuda: NVIDIA driver 13.0 found, but cuInit failed: CUDA_ERROR_NO_DEVICE (no CUDA-capable device is detected)');
    expect(out.error.name).toBe('BackendUnavailableError');
    expect(out.error.message).toContain('CUDA_ERROR_NO_DEVICE');
  });

  test('without FLINT_BACKEND, a failing NVIDIA driver is followed by the AMD search, and both are reported', () => {
    const env = { LD_LIBRARY_PATH: fake.cudaNoDevice, ROCM_PATH: path.join(tmp, 'no-rocm') };
    const out = inChild(QUERY, env);
    const text = doctor(env);
    const nvidia = 'NVIDIA driver 13.0 found, but cuInit failed: CUDA_ERROR_NO_DEVICE (no CUDA-capable device is detected)';
    expect(out.reason.startsWith(`${nvidia}; `)).toBe(true);
    const state = hostGpuState();
    if (state === 'none') {
      // no HIP runtime on this host: each name is "not found", then ROCM_PATH's folder is missing
      expect(out.reason).toMatch(/; no AMD driver found \(libamdhip64\.so\.7: cannot open shared object file/);
      expect(text).toContain('  GPU search: AMD: libamdhip64.so.5: not found (cannot open shared object file');
      expect(text).toContain(`  GPU search: AMD: ${path.join(tmp, 'no-rocm', 'lib')}: no such folder`);
    } else if (state === 'hipWithoutGpu') {
      // the host's HIP runtime (Debian: libamdhip64.so.5) is found on the loader path and sees no GPU
      expect(out.reason).toMatch(new RegExp(`; ${HIP_WITHOUT_GPU}$`));
      expect(text).toContain('  GPU search: AMD: libamdhip64.so.7: not found (cannot open shared object file');
      expect(text).toMatch(/\n {2}GPU search: AMD: libamdhip64\.so\.[56]: loaded from \/\S+ \(\d+ symbols resolved/);
      expect(text).toMatch(new RegExp(`\\n {2}GPU search: ${HIP_WITHOUT_GPU}\\n`));
    }
    expect(out.count).toBe(0);
    expect(out.available).toBe(false);
  });

  test('a required driver symbol missing: devices are listed, the backend is unavailable, the symbol is named', () => {
    const out = inChild(QUERY, { LD_LIBRARY_PATH: fake.cudaNoLaunch });
    expect(out.count).toBe(2);
    expect(out.available).toBe(false);
    expect(out.reason).toBe('NVIDIA driver 13.0 found (2 devices), but libcuda.so.1 lacks cuLaunchKernel (update the NVIDIA driver)');
    expect(doctor({ LD_LIBRARY_PATH: fake.cudaNoLaunch })).toContain('(47 symbols resolved; MISSING: cuLaunchKernel)');
  });
});

describe('GPU discovery with a fake AMD HIP runtime', () => {
  test('FLINT_BACKEND=hip: the device, its gfx arch (found without the struct layout) and the HIP version', () => {
    const out = inChild(QUERY, { FLINT_BACKEND: 'hip', LD_LIBRARY_PATH: `${fake.cuda}:${fake.hip}` });
    expect(out.vendor).toBe('amd');
    expect(out.count).toBe(1);
    expect(out.driver).toBe('6.4.43482');
    expect(out.props[0]).toEqual({
      name: 'Fake Instinct', vendor: 'amd', gcnArch: 'gfx90a:sramecc+:xnack-', multiProcessorCount: 104, totalMemory: 64 * GiB,
    });
    expect(out.available).toBe(true);
    expect(out.reason).toBe('');
    expect(out.error.name).toBe('BackendUnavailableError');  // the fake cannot run anything
    expect(out.error.message).toMatch(/^cuda:0: the GPU backend cannot start: hip: hipSetDevice failed: /);
    const noGfx = inChild(QUERY, { FLINT_BACKEND: 'hip', LD_LIBRARY_PATH: `${fake.cuda}:${fake.hip}`, FLINT_KERNEL_PATH: images.noArch });
    expect(noGfx.available).toBe(false);
    expect(noGfx.reason).toBe('AMD HIP runtime 6.4.43482 found (1 device), but no kernel image for gfx90a (Fake Instinct); the images (hipcc 5.2.21153) cover gfx1030: build flintml from source with FLINT_HIP_ARCHS including it');
    // ROCm 6's hiprtc is libhiprtc.so.6: without it (another release's is never used) nothing can be compiled
    expect(doctor({ FLINT_BACKEND: 'hip', LD_LIBRARY_PATH: `${fake.cuda}:${fake.hip}`, FLINT_KERNEL_PATH: images.noArch }))
      .toContain('GPU search: AMD: GPUs without a prebuilt code object: unsupported (hiprtc not found (libhiprtc.so.6: cannot open shared object file');
  });

  test('a GPU without a prebuilt code object: the kernels are compiled at first use by the runtime\'s hiprtc and cached on disk', () => {
    const cache = path.join(tmp, 'kernel-cache');
    const env = { FLINT_BACKEND: 'hip', LD_LIBRARY_PATH: `${fake.cuda}:${fake.hip}:${fake.hiprtc}`, FLINT_KERNEL_PATH: images.noArch, FLINT_KERNEL_CACHE: cache };
    const out = inChild(QUERY, env);
    expect(out.available).toBe(true);
    expect(out.reason).toBe('');
    // the first use compiled every family (the fake compiler), then the fake runtime cannot start
    expect(out.error.name).toBe('BackendUnavailableError');
    expect(out.error.message).toMatch(/^cuda:0: the GPU backend cannot start: hip: hipSetDevice failed: /);
    const archDir = path.join(cache, 'hip', 'gfx90a');  // the arch without its feature suffixes
    const hashes = fs.readdirSync(archDir);
    expect(hashes).toEqual([expect.stringMatching(/^[0-9a-f]{16}$/)]);
    const families = fs.readdirSync(path.join(root, 'native', 'kernels')).filter((f) => f.endsWith('.cu')).map((f) => `flint-${f.slice(0, -3)}.co`);
    expect(families.length).toBeGreaterThan(5);
    expect(fs.readdirSync(path.join(archDir, hashes[0])).sort()).toEqual(families.sort());  // no temporary file left
    const text = doctor(env);
    expect(text).toContain(`GPU search: AMD: GPUs without a prebuilt code object: kernels compiled at first use with hiprtc 6.4 (${fake.hiprtc}/libhiprtc.so.6) from ${fs.realpathSync(path.join(root, 'native', 'kernels'))}, cached in ${cache}/hip`);
    expect(text).toContain(`GPU search: AMD: no kernel image for gfx90a (Fake Instinct); the images (hipcc 5.2.21153) cover gfx1030: build flintml from source with FLINT_HIP_ARCHS including it; the kernels for gfx90a will be compiled at first use with hiprtc 6.4 (libhiprtc.so.6) and cached in ${cache}/hip/gfx90a`);
  });

  test('a compile error at first use is a BackendUnavailableError with the file, the arch and the compiler\'s error', () => {
    const cache = path.join(tmp, 'kernel-cache-error');
    const out = inChild(QUERY, { FLINT_BACKEND: 'hip', LD_LIBRARY_PATH: `${fake.cuda}:${fake.hip}:${fake.hiprtcError}`, FLINT_KERNEL_PATH: images.noArch, FLINT_KERNEL_CACHE: cache });
    expect(out.available).toBe(true);  // discovery cannot know: it compiles nothing
    expect(out.error).toEqual({
      name: 'BackendUnavailableError',
      message: 'cuda:0: no kernel image for gfx90a (Fake Instinct); the images (hipcc 5.2.21153) cover gfx1030: build flintml from source with FLINT_HIP_ARCHS including it; ' +
        'compiling the kernels for gfx90a at first use failed: hiprtc 6.4 could not compile conv.cu for gfx90a: HIPRTC_ERROR_COMPILATION; conv.cu:1:10: error: fake compile failure',
    });
    const archDir = path.join(cache, 'hip', 'gfx90a');
    expect(fs.readdirSync(path.join(archDir, fs.readdirSync(archDir)[0]))).toEqual([]);  // nothing half-written
  });
});
