#!/usr/bin/env node
// cli.ts — `npx flintml doctor`: what the native backend found on this host and a tiny matmul
// check on each available backend, so an install problem is visible in one command; and
// `npx flintml run`: the launcher of distributed ranks (lib/distributed/launch.ts).
import { readFileSync } from 'fs';
import { join } from 'path';
import * as fl from './index';
import { gpuInfo } from './device';
import { ncclDoctorLines } from './distributed/nccl';
import { launch } from './distributed/launch';
import { mpiDoctorLines } from './distributed/mpi';

function doctor(): number {
  const info = fl.backend.info();
  const lines: string[] = [];
  const version = (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
  lines.push(`flintml ${version} on node ${process.versions.node} (${process.platform}-${process.arch}, N-API ${process.versions.napi})`);
  lines.push(`cpu: ${info.threads} threads; vector ISA: ${info.cpuIsa}; GEMM: ${info.blas}`);
  if (info.cpuIsaNote) lines.push(`  ${info.cpuIsaNote}`);
  if (info.blasSearch) lines.push(`  BLAS search: ${info.blasSearch}`);
  const gpu = gpuInfo();
  lines.push(`cuda: ${gpu.available ? `${gpu.vendor}, ${gpu.devices.length} device(s)` : `unavailable — ${gpu.reason}`}`);
  if (gpu.driverVersionString) lines.push(`  driver: ${gpu.vendor === 'amd' ? 'HIP runtime' : 'CUDA driver API'} ${gpu.driverVersionString}`);
  for (const l of gpu.log) lines.push(`  GPU search: ${l}`);
  let ok = matmulCheck('cpu', lines);
  if (gpu.available) {
    ok = matmulCheck('cuda', lines) && ok;
    try {
      const b = fl.backend.gpu();
      lines.push(`  kernel images: ${b.imageSet} (${b.modules} loaded)${b.sync ? '; FLINT_SYNC=1: every launch is checked' : ''}`);
      if (b.blas) lines.push(`  GPU GEMM: ${b.blas}`);
      for (const l of b.blasSearch ?? []) lines.push(`  GEMM search: ${l}`);
    } catch (e) {
      lines.push(`  GPU backend: ${(e as Error).message}`);
    }
  }
  // the process group's engines: found or not, version, and the search (one shape for every engine)
  lines.push(...ncclDoctorLines(), ...mpiDoctorLines());
  console.log(lines.join('\n'));
  return ok ? 0 : 1;
}

/** A 3x4 @ 4x2 matmul on `device` against the exact answer; appends one line. */
function matmulCheck(device: string, lines: string[]): boolean {
  try {
    const err = fl.scope(() => {
      const a = fl.arange(12, undefined, 1, { dtype: 'float32', device }).reshape(3, 4);
      const b = fl.arange(8, undefined, 1, { dtype: 'float32', device }).reshape(4, 2);
      const got = fl.matmul(a, b).toArray() as number[][];
      const want = [[28, 34], [76, 98], [124, 162]];
      return Math.max(...got.flatMap((r, i) => r.map((v, j) => Math.abs(v - want[i][j]))));
    });
    lines.push(`${device} matmul check: ${err === 0 ? 'ok' : `WRONG (max error ${err})`}`);
    return err === 0;
  } catch (e) {
    lines.push(`${device} matmul check: FAILED — ${(e as Error).message}`);
    return false;
  }
}

const cmd = process.argv[2] ?? 'doctor';
if (cmd === 'doctor') process.exit(doctor());
else if (cmd === 'run') launch(process.argv.slice(3)).then((code) => process.exit(code));
else {
  console.error('usage: flintml doctor | flintml run --nproc-per-node N [options] script.js [args…]');
  process.exit(2);
}
