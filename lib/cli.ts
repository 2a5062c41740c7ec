#!/usr/bin/env node
// cli.ts — `npx flintml doctor`: what the native backend found on this host and a tiny matmul
// check on each available backend, so an install problem is visible in one command.
import * as fl from './index';
import { gpuInfo } from './device';

function doctor(): number {
  const info = fl.backend.info();
  const lines: string[] = [];
  lines.push(`flintml ${require('../package.json').version} on node ${process.versions.node} (${process.platform}-${process.arch}, N-API ${process.versions.napi})`);
  lines.push(`cpu: ${info.threads} threads; GEMM: ${info.blas}`);
  if (info.blasSearch) lines.push(`  BLAS search: ${info.blasSearch}`);
  const gpu = gpuInfo();
  lines.push(`cuda: ${gpu.available ? `${gpu.vendor}, ${gpu.devices.length} device(s)` : `unavailable — ${gpu.reason}`}`);
  if (gpu.driverVersionString) lines.push(`  driver: ${gpu.vendor === 'amd' ? 'HIP runtime' : 'CUDA driver API'} ${gpu.driverVersionString}`);
  for (const l of gpu.log) lines.push(`  GPU search: ${l}`);
  let ok = true;
  try {
    const err = fl.scope(() => {
      const a = fl.arange(12, undefined, 1, { dtype: 'float32' }).reshape(3, 4);
      const b = fl.arange(8, undefined, 1, { dtype: 'float32' }).reshape(4, 2);
      const got = fl.matmul(a, b).toArray() as number[][];
      const want = [[28, 34], [76, 98], [124, 162]];
      return Math.max(...got.flatMap((r, i) => r.map((v, j) => Math.abs(v - want[i][j]))));
    });
    lines.push(`cpu matmul check: ${err === 0 ? 'ok' : `WRONG (max error ${err})`}`);
    ok = err === 0;
  } catch (e) {
    lines.push(`cpu matmul check: FAILED — ${(e as Error).message}`);
    ok = false;
  }
  console.log(lines.join('\n'));
  return ok ? 0 : 1;
}

const cmd = process.argv[2] ?? 'doctor';
if (cmd === 'doctor') process.exit(doctor());
console.error(`usage: flintml doctor`);
process.exit(2);
