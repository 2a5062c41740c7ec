// ddp.js — DistributedDataParallel on the MPI engine, 2 ranks on this host (CPU): an MLP
// 784-512-512-10, batch 128 per rank, float32, SGD lr 0.01 momentum 0.9, 1 thread per rank. Per
// step: ms per step (median), and the share of the step spent waiting for gradient averaging
// (`await model.waitForGradients()`: the communication that backward did not hide), for gradients
// in one bucket (bucketCapMb 25: the whole model, reduced after backward) and in ~1 MB buckets
// (launched during backward, so communication overlaps it); each with OpenMPI polling while it
// waits (its default) and yielding the core (OMPI_MCA_mpi_yield_when_idle=1: each rank's MPI thread
// shares the cores with the computing thread). Peer: PyTorch's DDP over gloo on the
// same host, same model and settings (bench/peers/torch_ddp.py), ms per step, and the ratio.
//
//   node bench/ddp.js [--steps 50]
// (it starts its ranks itself through `flintml run --mpi`; the ranks run this file with --rank-worker)
'use strict';
const path = require('path');
const cp = require('child_process');
const { ROOT, PYTHON, Report, median, now, peerEnv } = require('./common');

const B = 128;
const argSteps = () => { const i = process.argv.indexOf('--steps'); return i > 0 ? Number(process.argv[i + 1]) : 50; };

async function rankWorker() {
  const fl = require(path.join(ROOT, 'dist'));
  const { nn, optim, distributed: dist } = fl;
  await dist.initProcessGroup({ backend: 'mpi', timeoutMs: 120_000 });
  const rank = dist.getRank();
  const steps = argSteps();
  const out = [];
  for (const bucketCapMb of [25, 1]) {
    fl.manualSeed(0);
    const net = new nn.Sequential(new nn.Linear(784, 512), new nn.ReLU(), new nn.Linear(512, 512), new nn.ReLU(), new nn.Linear(512, 10));
    const model = await new nn.parallel.DistributedDataParallel(net, { bucketCapMb }).ready();
    const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
    fl.manualSeed(1 + rank);
    const x = fl.randn([B, 784]), y = fl.randint(0, 10, [B]);
    const stepMs = [], waitMs = [];
    for (let s = 0; s < steps + 5; s++) {
      const t0 = now();
      opt.zeroGrad();
      fl.scope(() => nn.functional.crossEntropy(model.forward(x), y).backward());
      const t1 = now();
      await model.waitForGradients();
      const t2 = now();
      opt.step();
      const t3 = now();
      if (s >= 5) { stepMs.push((t3 - t0) * 1e3); waitMs.push((t2 - t1) * 1e3); }
    }
    const ms = median(stepMs), wait = median(waitMs);
    out.push({ bucketCapMb, buckets: model._buckets.length, ms, waitMs: wait, waitShare: wait / ms });
    model._hooks.forEach((h) => h.remove());
    [x, y].forEach((t) => t.dispose());
    model.dispose();
  }
  await dist.destroyProcessGroup();
  if (rank === 0) process.stdout.write(`RANK0 ${JSON.stringify(out)}\n`);
}

/** One 2-rank run of the worker through the launcher; OpenMPI's busy polling on or off. */
function ranks(steps, yieldWhenIdle) {
  const env = { ...process.env, FLINT_NUM_THREADS: '1', OMPI_MCA_mpi_yield_when_idle: yieldWhenIdle ? '1' : '0' };
  const r = cp.spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'run', '--mpi', '--nproc-per-node', '2', __filename, '--rank-worker', '--steps', String(steps)],
    { encoding: 'utf8', env, maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`the ranks failed (${r.status}): ${r.stderr}`);
  const line = r.stdout.split('\n').find((l) => l.startsWith('RANK0 '));
  return JSON.parse(line.slice(6)).map((o) => ({ ...o, yieldWhenIdle }));
}

function main() {
  const steps = argSteps();
  const ours = [...ranks(steps, false), ...ranks(steps, true)];
  const p = cp.spawnSync(PYTHON, [path.join(__dirname, 'peers', 'torch_ddp.py'), String(B), String(steps)], { encoding: 'utf8', maxBuffer: 1 << 24, env: peerEnv() });
  if (p.status !== 0) throw new Error(`torch_ddp.py failed (${p.status}): ${p.stderr}`);
  const torch = JSON.parse(p.stdout.trim().split('\n').pop());
  const rep = new Report('ddp');
  const kase = `mlp 784-512-512-10, b=${B}/rank, 2 ranks, float32`;
  for (const o of ours) {
    const impl = `flintml bucketCapMb=${o.bucketCapMb} (${o.buckets} bucket${o.buckets > 1 ? 's' : ''}), ${o.yieldWhenIdle ? 'MPI yields when idle' : 'MPI polls'}`;
    rep.sample(impl, kase, 'ms_per_step', o.ms);
    rep.sample(impl, `${kase}: waiting for gradient averaging`, 'wait_ms_per_step', o.waitMs);
    rep.sample(impl, `${kase}: share of the step spent waiting`, 'wait_share', o.waitShare);
    rep.ratio(kase, impl, 'torch DDP gloo');
  }
  rep.sample('torch DDP gloo', kase, 'ms_per_step', torch.ms, { torch: torch.torch });
  rep.finish(`DDP, 2 ranks on this host (MPI engine; PyTorch: gloo), ${steps} steps`);
}

if (process.argv.includes('--rank-worker')) rankWorker().catch((e) => { console.error(e); process.exit(1); });
else main();
