// run-all.js — what `npm run bench` runs: every CPU benchmark in its own process (so one's threads
// and heap do not disturb the next), each printing JSON lines and its table. Needs the compiled
// dist/ (`npx tsc -p tsconfig.json`), gcc and the OpenBLAS development files (for the C peer),
// /usr/bin/python3 with torch (the PyTorch peers) and the tfjs devDependencies.
//
//   npm run bench                         # or: node bench/run-all.js [matmul small_op elementwise train_mlp train_models linalg conv fft]
//   FLINT_BENCH_ROUNDS=5 npm run bench    # more interleaved rounds (default 3)
//   node bench/run-all.js --json out.jsonl   # also writes every JSON line to a file
'use strict';
const path = require('path');
const fs = require('fs');
const os = require('os');
const cp = require('child_process');
const { peerBlasNote } = require('./common');

const ALL = ['matmul', 'small_op', 'elementwise', 'train_mlp', 'train_models', 'linalg', 'conv', 'fft'];
const args = process.argv.slice(2);
const jsonAt = args.indexOf('--json');
const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] : null;
const picked = args.filter((a, i) => ALL.includes(a) && (jsonAt < 0 || i !== jsonAt + 1));
const benches = picked.length ? picked : ALL;

function machine() {
  const cpu = os.cpus();
  const env = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE', 'OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'FLINT_NUM_THREADS', 'FLINT_BLAS']
    .map((k) => `${k}=${process.env[k] === undefined ? '(unset)' : process.env[k]}`).join(' ');
  return `# ${new Date().toISOString()} | ${cpu[0] ? cpu[0].model : '?'} x ${cpu.length} | Linux ${os.release()} | node ${process.version}\n# env: ${env}\n# CPU peers: ${peerBlasNote()}`;
}

let failed = 0;
const json = [];
console.log(machine());
for (const b of benches) {
  console.log(`\n## ${b}`);
  const r = cp.spawnSync(process.execPath, [path.join(__dirname, `${b}.js`)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  process.stdout.write(r.stdout);
  if (r.stderr) process.stderr.write(r.stderr);
  if (r.status !== 0) { failed++; console.log(`# ${b} failed with exit code ${r.status}`); }
  for (const l of r.stdout.split('\n')) if (l.startsWith('{')) json.push(l);
}
if (jsonFile) fs.writeFileSync(jsonFile, json.join('\n') + '\n');
process.exit(failed ? 1 : 0);
