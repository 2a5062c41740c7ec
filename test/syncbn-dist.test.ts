// syncbn-dist.test.ts — nn.SyncBatchNorm in training across 2 MPI ranks (lib/nn/syncbn.ts over the
// process group's blocking collectives, group.ts allGatherSync/allReduceSync, mpi_binding.cpp
// mpiRunSync), in worlds of child processes of the built package (dist/), as distributed.test.ts runs
// its worlds (OpenMPI's mpirun; CI runs as root on 2 cores: --allow-run-as-root --oversubscribe).
//
// Reference: one BatchNorm over the whole batch (the two ranks' slices concatenated) in this process,
// on the CPU — the layer whose statistics SyncBatchNorm must reproduce, itself checked against torch
// 1.13 in norms/nn tests. Float64 cases within 1e-12 relative to max(1, |value|) (the per-rank
// statistics are combined, the gradient sums all-reduced: different rounding from one reduction over
// the whole batch); the float32 case within 1e-5. Weight and bias gradients are each rank's share,
// as torch's (DistributedDataParallel averages them): the two ranks' sum is the whole batch's.
// Faults: a rank that never joins the forward's all-gather, or the backward's all-reduce, makes the
// other's call end in DistributedError after timeoutMs (8 s; the child's hang guard is 60 s).
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as fl from '../lib';
import { assertDistFresh } from './dist';
import { CLI, FIX, HANG_MS, isRoot, removeWorldOutputs, results, run } from './mpi-world';
import type { Run } from './mpi-world';

jest.setTimeout(HANG_MS + 30_000);  // the tests await the worlds started in beforeAll
afterAll(removeWorldOutputs);

let world: Promise<Run>, forwardTimeout: Promise<Run>, backwardTimeout: Promise<Run>;

beforeAll(() => {
  assertDistFresh();
  const v = spawnSync('mpirun', ['--version'], { encoding: 'utf8' });
  if (v.status !== 0) throw new Error('mpirun not found: the distributed tests need OpenMPI (apt-get install openmpi-bin libopenmpi3; .ci/run installs it)');
  const mpirun = ['-n', '2', '--oversubscribe', ...(isRoot ? ['--allow-run-as-root'] : [])];
  world = run(process.execPath, [CLI, 'run', '--mpi', '--nproc-per-node', '2', path.join(FIX, 'syncbn.js')]);
  forwardTimeout = run('mpirun', [...mpirun, process.execPath, path.join(FIX, 'syncbn-timeout.js'), 'forward']);
  backwardTimeout = run('mpirun', [...mpirun, process.execPath, path.join(FIX, 'syncbn-timeout.js'), 'backward']);
});

/** The largest |a - e| / max(1, |e|), named, so that a failure says which quantity and by how much. */
function expectClose(what: string, a: number[], e: number[], tol: number): void {
  expect([what, a.length]).toEqual([what, e.length]);
  const err = Math.max(0, ...a.map((v, i) => Math.abs(v - e[i]) / Math.max(1, Math.abs(e[i]))));
  expect(`${what}: ${err <= tol ? `within ${tol}` : `off by ${err}`}`).toBe(`${what}: within ${tol}`);
}

/** One BatchNorm over the whole batch, in this process, with the case's options and initial weights. */
function reference(kase: any, steps: any[][]): { y: number[]; dx: number[]; dweight: number[] | null; dbias: number[] | null; runningMean: number[] | null; runningVar: number[] | null; batches: number | null }[] {  // eslint-disable-line @typescript-eslint/no-explicit-any
  return fl.scope(() => {
    const { full, dtype, opts } = kase;
    const c = full[1];
    const o = { ...opts, dtype: 'float64' };  // the reference in float64 whatever the case's dtype
    const bn = full.length <= 3 ? new fl.nn.BatchNorm1d(c, o) : full.length === 4 ? new fl.nn.BatchNorm2d(c, o) : new fl.nn.BatchNorm3d(c, o);
    if (bn.weight) fl.noGrad(() => { bn.weight!.copy_(fl.tensor(Array.from({ length: c }, (_, i) => 0.5 + 0.3 * i), { dtype })); bn.bias!.copy_(fl.tensor(Array.from({ length: c }, (_, i) => 0.1 * i - 0.2), { dtype })); });
    return steps.map(([s0, s1]) => {
      const x = fl.tensor([...s0.x, ...s1.x], { dtype: 'float64' }).reshape(full).requiresGrad_();
      const w = fl.tensor([...s0.w, ...s1.w], { dtype: 'float64' }).reshape(full);
      const y = bn.forward(x);
      y.mul(w).sum().backward();
      const list = (t: fl.Tensor | null) => (t ? Array.from(t.dataSync() as Float64Array) : null);
      const r = { y: list(y)!, dx: list(x.grad)!, dweight: list(bn.weight?.grad ?? null), dbias: list(bn.bias?.grad ?? null),
        runningMean: list(bn.runningMean), runningVar: list(bn.runningVar), batches: bn.numBatchesTracked ? Number(bn.numBatchesTracked.item()) : null };
      for (const p of bn.parameters()) { p.grad!.dispose(); p.grad = null; }
      return r;
    });
  });
}

describe('SyncBatchNorm, 2 MPI ranks (flintml run --mpi): one BatchNorm over the whole batch', () => {
  const NAMES = ['2d', '3d cumulative', '4d one row on rank 1', '5d empty rank 0', 'no affine, no running stats', 'float32'];
  test.each(NAMES)('%s: output, input gradient, weight/bias gradients (summed over ranks), running stats over 2 steps, eval', async (name) => {
    const res = results(await world);
    const [a, b] = [res[0].cases[name], res[1].cases[name]];
    expect([res[0].worldSize, a.shape[0] + b.shape[0]]).toEqual([2, a.full[0]]);
    const tol = a.dtype === 'float64' ? 1e-12 : 1e-5;
    const ref = reference(a, [0, 1].map((s) => [a.steps[s], b.steps[s]]));
    for (const s of [0, 1]) {
      const [p, q, e] = [a.steps[s], b.steps[s], ref[s]];
      expectClose(`step ${s} output`, [...p.y, ...q.y], e.y, tol);
      expectClose(`step ${s} input gradient`, [...p.dx, ...q.dx], e.dx, tol);
      if (e.dweight) {
        expectClose(`step ${s} weight gradient`, p.dweight.map((v: number, i: number) => v + q.dweight[i]), e.dweight, tol);
        expectClose(`step ${s} bias gradient`, p.dbias.map((v: number, i: number) => v + q.dbias[i]), e.dbias!, tol);
        expect(p.dweight).not.toEqual(q.dweight);  // each rank's share, not the all-reduced sum
      } else {
        expect([p.dweight, q.dweight]).toEqual([null, null]);
      }
      if (e.runningMean) {
        expectClose(`step ${s} running mean`, p.runningMean, e.runningMean, tol);
        expectClose(`step ${s} running var`, p.runningVar, e.runningVar!, tol);
        expect([q.runningMean, q.runningVar]).toEqual([p.runningMean, p.runningVar]);  // the same bits on both ranks
        expect([p.batches, q.batches]).toEqual([s + 1, s + 1]);
      } else {
        expect([p.runningMean, q.runningMean]).toEqual([null, null]);
      }
    }
    // eval: BatchNorm with the running stats (or, without them, the batch's own: no collective)
    const evalRef = fl.scope(() => {
      const o = { ...a.opts, dtype: 'float64' as const };
      const c = a.full[1];
      const bn = a.full.length <= 3 ? new fl.nn.BatchNorm1d(c, o) : a.full.length === 4 ? new fl.nn.BatchNorm2d(c, o) : new fl.nn.BatchNorm3d(c, o);
      fl.noGrad(() => {
        const f64 = (v: number[]) => fl.tensor(v, { dtype: 'float64' });
        if (bn.weight) { bn.weight.copy_(f64(Array.from({ length: c }, (_, i) => 0.5 + 0.3 * i))); bn.bias!.copy_(f64(Array.from({ length: c }, (_, i) => 0.1 * i - 0.2))); }
        if (bn.runningMean) { bn.runningMean.copy_(f64(a.steps[1].runningMean)); bn.runningVar!.copy_(f64(a.steps[1].runningVar)); }
      });
      bn.eval();
      return Array.from(bn.forward(fl.tensor(a.evalInput, { dtype: 'float64' }).reshape([2, ...a.full.slice(1)])).dataSync() as Float64Array);
    });
    expectClose('eval output', a.eval, evalRef, tol);
  });

  test('an allReduce issued (not awaited) before a SyncBatchNorm forward runs before it, on both ranks alike', async () => {
    const res = results(await world);
    for (const r of [0, 1]) expect(res[r].ordered.allReduce).toEqual([1 + 2, 0 + 10]);
    // rank r's batch [[r, 1], [2r + 1, 3]]: channel 0 holds 0, 1, 1, 3 (mean 1.25), channel 1 holds 1, 3, 1, 3 (mean 2); times momentum 0.1
    expectClose('running mean', res[0].ordered.runningMean, [0.125, 0.2], 1e-15);
    expect(res[1].ordered.runningMean).toEqual(res[0].ordered.runningMean);
  });
});

describe('SyncBatchNorm faults (plain mpirun, timeoutMs 8000)', () => {
  test.each(['forward', 'backward'])('a rank that never joins the %s: DistributedError naming the op and the rank after timeoutMs; the group stays closed; destroy works', async (phase) => {
    const r = results(await (phase === 'forward' ? forwardTimeout : backwardTimeout))[0];
    const op = phase === 'forward' ? 'SyncBatchNorm forward: allGather' : 'SyncBatchNorm backward: allReduce';
    expect(r.first).toEqual({
      name: 'DistributedError', op, rank: 0, isDistributed: true,
      message: `${op} (rank 0, mpi): timed out after 8000 ms (a peer died, never arrived, or issued a different collective)`,
    });
    expect(r.elapsedMs).toBeGreaterThanOrEqual(7900);  // it waited for the deadline (a lower bound, with room for clock rounding)
    expect(r.elapsedMs).toBeLessThan(HANG_MS);
    expect(r.later).toMatch(/^DistributedError: SyncBatchNorm forward: allGather \(rank 0, mpi\): the process group is unusable after an earlier failure: SyncBatchNorm (forward: allGather|backward: allReduce) timed out/);
    expect(r.destroyed).toBe(true);
  });
});
