// profiler_overhead.js — what the profiler's hook costs a small op while no profile runs: the
// small-op figure of bench/small_op.js (`add` of two 16-element float32 tensors, result disposed,
// µs per op) with this tree's dist/ ("after") against a dist/ compiled from the commit before the
// hook ("before"), both on the same native addon. Each side runs in its own child process (two
// copies of the library cannot share one addon in a process), the sides take turns for
// FLINT_BENCH_ROUNDS rounds (default 5), and each child times 7 batches of 100,000 calls after
// 20,000 warm-up calls (median per call), in wall time and in the process's own CPU time (on a
// shared machine, the CPU time leaves out the time other processes held the core). The "after" child also reports the cost per op while a
// CPU profile records (5 profiles of 20,000 calls; median), for information.
//
//   git archive <commit before the hook> lib tsconfig.json | tar -x -C /tmp/before
//   (cd /tmp/before && ln -s "$PWD"/node_modules . && npx tsc -p tsconfig.json)   # -> /tmp/before/dist
//   node bench/profiler_overhead.js /tmp/before/dist
'use strict';
const cp = require('child_process');
const path = require('path');
const { ROOT, Report, rounds, median, now } = require('./common');

const N = 16, INNER = 100000, RUNS = 7, PROFILED_CALLS = 20000;

function child(dist, withProfile) {
  const fl = require(dist);
  const vals = Float32Array.from({ length: N }, (_, i) => i * 0.25 - 1);
  const a = fl.tensor(vals), b = fl.tensor(vals.map((v) => v * 3));
  const before = fl.memory.stats().liveTensors;
  // wall time per call, and the process's own CPU time per call (user + system): on a shared,
  // loaded machine the second leaves out the time other processes held the core
  const add = () => fl.add(a, b).dispose();
  for (let i = 0; i < 20000; i++) add();
  const wall = [], cpu = [];
  for (let r = 0; r < RUNS; r++) {
    const c0 = process.cpuUsage(), t0 = now();
    for (let i = 0; i < INNER; i++) add();
    const t1 = now(), c1 = process.cpuUsage(c0);
    wall.push(((t1 - t0) / INNER) * 1e6);
    cpu.push((c1.user + c1.system) / INNER);
  }
  const out = { off: median(wall), offCpu: median(cpu) };
  if (withProfile) {
    const per = [];
    for (let r = 0; r < 5; r++) {
      const t0 = now();
      fl.profiler.profile(() => { for (let i = 0; i < PROFILED_CALLS; i++) fl.add(a, b).dispose(); });
      per.push(((now() - t0) / PROFILED_CALLS) * 1e6);
    }
    out.on = median(per);
  }
  if (fl.memory.stats().liveTensors !== before) throw new Error('profiler_overhead: leaked tensors');
  a.dispose(); b.dispose();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function main() {
  if (process.argv[2] === '--child') { child(process.argv[3], process.argv[4] === 'profile'); return; }
  const beforeDist = process.argv[2];
  if (!beforeDist) throw new Error('usage: node bench/profiler_overhead.js <dist/ of the commit before the hook>');
  const afterDist = path.join(ROOT, 'dist');
  // both sides load the same addon, so that only the TypeScript layer differs
  const addon = process.env.FLINT_ADDON_PATH || path.join(ROOT, 'build', 'Release', 'flintml.node');
  const run = (dist, prof) => {
    const r = cp.spawnSync(process.execPath, [__filename, '--child', path.resolve(dist), prof ? 'profile' : ''], {
      encoding: 'utf8', env: { ...process.env, FLINT_ADDON_PATH: addon }, timeout: 600_000,
    });
    if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop());
  };
  const rep = new Report('profiler_overhead');
  const k = `add, ${N} x float32, profiler off (wall)`;
  const kCpu = `add, ${N} x float32, profiler off (process CPU time)`;
  const R = rounds(5);
  for (let round = 0; round < R; round++) {
    // alternate which side goes first, so that drift in the machine's load falls on both
    const order = round % 2 ? ['after', 'before'] : ['before', 'after'];
    for (const side of order) {
      const res = run(side === 'after' ? afterDist : beforeDist, side === 'after');
      rep.sample(side === 'after' ? 'hook (this tree)' : 'no hook (before)', k, 'us', res.off);
      rep.sample(side === 'after' ? 'hook (this tree)' : 'no hook (before)', kCpu, 'us', res.offCpu);
      if (res.on !== undefined) rep.sample('hook (this tree)', `add, ${N} x float32, profiling on (CPU)`, 'us', res.on);
    }
  }
  rep.ratio(k, 'hook (this tree)', 'no hook (before)', '~1.0');
  rep.ratio(kCpu, 'hook (this tree)', 'no hook (before)', '~1.0');
  rep.finish(`profiler hook: small-op µs per op, median (min–max) of ${R} interleaved rounds; lower is better`);
}

main();
