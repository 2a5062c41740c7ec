// toolkits.ts — where the build machine's GPU toolkits are, by the rules the build uses to find
// them (CMakeLists.txt): nvcc for the main CUDA image set, nvcc 11.x for the second (FLINT_NVCC_11),
// and the ROCm headers. Used by kernels.test.ts (what the build should have compiled) and
// vendor-abi.test.ts (the vendor headers our hand-written declarations are checked against).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** The nvcc of the main image set: PATH, /usr/local/cuda/bin, $CUDA_PATH/bin; null when none. */
export function findNvcc(): string | null {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/local/cuda/bin'];
  if (process.env.CUDA_PATH) dirs.push(path.join(process.env.CUDA_PATH, 'bin'));
  for (const d of dirs) if (d && fs.existsSync(path.join(d, 'nvcc'))) return path.join(d, 'nvcc');
  return null;
}

/** The nvcc 11.x of the second image set (CMakeLists.txt: FLINT_NVCC_11); null when none. */
export function findNvcc11(): string | null {
  const c = [process.env.FLINT_NVCC_11, path.resolve(__dirname, '..', '.toolchains', 'cuda-11.8', 'bin', 'nvcc'), '/usr/local/cuda-11.8/bin/nvcc'];
  return c.find((f): f is string => !!f && fs.existsSync(f)) ?? null;
}

/**
 * The folder whose cuda.h this nvcc compiles with: nvcc --dryrun prints its INCLUDES (nvcc may be a
 * wrapper script, and toolkits keep their headers in targets/<arch>/include or in include).
 */
export function cudaIncludeDir(nvcc: string): string {
  const r = spawnSync(nvcc, ['--dryrun', '-x', 'cu', '-E', '/dev/null'], { encoding: 'utf8' });
  const m = /INCLUDES="-I([^"]+?)\s*"/.exec(`${r.stdout}${r.stderr}`);
  if (!m) throw new Error(`${nvcc} --dryrun printed no INCLUDES: ${r.stderr}`);
  return path.normalize(m[1]);
}

/** The folder holding hip/hip_runtime_api.h: $ROCM_PATH/include, /opt/rocm/include, /usr/include. */
export function findHipIncludeDir(): string | null {
  const c = [process.env.ROCM_PATH && path.join(process.env.ROCM_PATH, 'include'), '/opt/rocm/include', '/usr/include'];
  return c.find((d): d is string => !!d && fs.existsSync(path.join(d, 'hip', 'hip_runtime_api.h'))) ?? null;
}
