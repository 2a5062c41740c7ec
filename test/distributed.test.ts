// distributed.test.ts — fl.distributed on its MPI engine with 2 ranks on this machine (OpenMPI's
// mpirun; CI installs openmpi-bin), DistributedDataParallel, DistributedSampler, the launcher, and
// the post-accumulate-grad hook DDP builds on.
//
// The worlds run as child processes of the built package (dist/, checked fresh), all four started
// at once in beforeAll: test/fixtures/distributed/collectives.js through `flintml run --mpi` (every
// collective and dtype, argument checks, DDP against a one-process reference, noSync),
// timeout.js through plain `mpirun -n 2` (a peer that never arrives), fail.js through `flintml run`
// with and without --mpi (a rank that throws). References: values computed by hand below; the DDP
// reference is plain SGD on the full batch in one process (float32, ≤ 1e-6 relative). Every child
// has a hang guard (HANG_MS): a hang fails the test with the output so far.
import { execFile, spawn, spawnSync } from 'child_process';
import * as path from 'path';
import * as fl from '../lib';
import { assertDistFresh, ROOT } from './dist';
import { CLI, FIX, HANG_MS, isRoot, removeWorldOutputs, results, run } from './mpi-world';
import type { Run } from './mpi-world';

jest.setTimeout(HANG_MS + 30_000);  // the tests await the worlds started in beforeAll
afterAll(removeWorldOutputs);

let collectives: Promise<Run>, timeout: Promise<Run>, failOwn: Promise<Run>, failMpi: Promise<Run>, example: Promise<Run>;

beforeAll(() => {
  assertDistFresh();
  const v = spawnSync('mpirun', ['--version'], { encoding: 'utf8' });
  if (v.status !== 0) throw new Error('mpirun not found: the distributed tests need OpenMPI (apt-get install openmpi-bin libopenmpi3; .ci/run installs it)');
  const mpirun = ['-n', '2', '--oversubscribe', ...(isRoot ? ['--allow-run-as-root'] : [])];
  collectives = run(process.execPath, [CLI, 'run', '--mpi', '--nproc-per-node', '2', path.join(FIX, 'collectives.js')]);
  timeout = run('mpirun', [...mpirun, process.execPath, path.join(FIX, 'timeout.js')]);
  failOwn = run(process.execPath, [CLI, 'run', '--nproc-per-node', '2', path.join(FIX, 'fail.js')]);
  failMpi = run(process.execPath, [CLI, 'run', '--mpi', '--nproc-per-node=2', path.join(FIX, 'fail.js'), '--mpi-world']);
  example = run(process.execPath, [CLI, 'run', '--mpi', '--nproc-per-node', '2', path.join(ROOT, 'examples', 'ddp.js'), '--epochs', '2', '--train', '512']);
});

describe('examples/ddp.js (2 ranks under `flintml run --mpi`)', () => {
  it('trains with DistributedSampler + DistributedDataParallel and ends with identical parameters on both ranks', async () => {
    const r = await example;
    if (r.code !== 0) throw new Error(`ddp.js exited with ${r.code}\n${r.stdout}\n${r.stderr}`);
    expect(r.stdout).toContain('(2 ranks, 8 batches each)');   // 512 items / 2 ranks / batch 32
    expect(r.stdout).toContain('parameters identical on all ranks: true');
    const m = /loss (\d+\.\d+) -> (\d+\.\d+)/.exec(r.stdout);
    expect(m).not.toBeNull();
    expect(Number(m![2])).toBeLessThan(Number(m![1]));
  });
});

describe('MPI process group, 2 ranks (flintml run --mpi)', () => {
  const DTYPES = ['float32', 'float64', 'int32', 'float16', 'bfloat16'];
  // rank r's inputs are in collectives.js; the expected values, by hand:
  const expected = (rank: number, dt: string) => ({
    sum: [1 + 2, 2 + 4, 0 - 3],                      // [r+1, 2(r+1), -3r]
    max: [2, 0, 5], min: [1, -1, 1],               // [r+1, -r, 5-4r]
    prod: [2 * 3, -1 * -2],                        // [r+2, -(r+1)]
    ...(dt === 'int32' ? {} : { avg: [1.5, 5] }),  // [r+1, 10r] / 2
    broadcast: [1, 7, 1],                          // rank 1's [r, 7r, 1]
    allGather: [[0, 10], [1, 11]],                 // [r, r+10] of each rank
    reduceScatter: rank === 0 ? [1 + 2, 2 + 2] : [3 + 3, 0 + 4],  // rank q sends [[q+1, 2], [3, 4q]]
    recv: rank === 0 ? [8] : [5, 6, 7],
  });

  it('every collective on every dtype, on both ranks', async () => {
    const res = results(await collectives);
    for (const rank of [0, 1]) {
      const r = res[rank];
      expect(r).toBeDefined();
      expect([r.worldSize, r.backend]).toEqual([2, 'mpi']);
      for (const dt of DTYPES) expect({ dt, ...r.collectives[dt] }).toEqual({ dt, ...expected(rank, dt) });
      expect(r.collectives.async).toEqual({ a: [3], b: [20], completed: true });
      // float16: f16(0.1) + f16(0.2) = 0.0999755859375 + 0.199951171875 = 0.2999267578125, exactly
      // between the float16 neighbours 0.2998046875 and 0.300048828125: ties to even -> 0.2998046875
      expect(r.collectives.half).toBe(0.2998046875);
      expect(r.destroyed).toBe(true);
    }
  });

  it('bad arguments get typed errors naming the op', async () => {
    const e = results(await collectives)[1].errors;
    expect(e.nonContiguous).toMatch(/^ValueError: allReduce: .*shape \[3, 2\].*contiguous/);
    expect(e.intAvg).toMatch(/^DTypeError: allReduce: op 'avg' .*int32/);
    expect(e.uint8).toMatch(/^DTypeError: allReduce: .*uint8/);
    expect(e.badOp).toMatch(/^ValueError: allReduce: op must be one of .*'mean'/);
    expect(e.peer).toMatch(/^ValueError: send: dst must be a rank in 0 … 1, got 2/);
    expect(e.self).toMatch(/^ValueError: recv: src is this process's own rank 1/);
    expect(e.listLength).toMatch(/^ValueError: allGather: tensorList has 1 tensors; the world has 2 ranks/);
    expect(e.listShape).toMatch(/^ShapeError: allGather: tensorList\[1\] has shape \[2\]/);
    expect(e.extraArg).toMatch(/^ValueError: allReduce: takes 3 positional arguments/);
    expect(e.badOption).toMatch(/^ValueError: allReduce: unknown option 'asynch'/);
  });

  /** max |a - b| / max |b| over each parameter tensor */
  const relErr = (a: number[][], b: number[][]) => Math.max(...a.map((t, i) => Math.max(...t.map((x, j) => Math.abs(x - b[i][j]))) / Math.max(...b[i].map(Math.abs))));

  it('DistributedDataParallel: half batches on 2 ranks = one process on the full batch after 10 SGD steps', async () => {
    const res = results(await collectives);
    const ref = res[0].reference as number[][];
    expect(relErr(res[0].initial, ref)).toBeGreaterThan(1e-3);  // the reference did move
    for (const k of ['ddp', 'ddpSmallBuckets']) {
      expect(relErr(res[0][k].params, ref)).toBeLessThanOrEqual(1e-6);
      expect(res[1][k].params).toEqual(res[0][k].params);  // rank 1 started from other values: the broadcast and the averaging
    }
    expect(res[0].ddp.buckets).toBe(1);
    expect(res[0].ddpSmallBuckets.buckets).toBe(4);  // bucketCapMb: 0.0001 (~105 bytes): one parameter or so per bucket
    // a step before waitForGradients() is refused, never a silently unsynchronised step
    expect(res[0].ddp.refusedStep).toMatch(/^DistributedError: SGD\.step: .*still being averaged across ranks; `await model\.waitForGradients\(\)`/);
    // state dict without a prefix; named parameters keep PyTorch's module. prefix
    expect(res[0].ddp.keys.slice(0, 2)).toEqual(['0.weight', '0.bias']);
    expect(res[0].ddp.named).toEqual(['module.0.weight']);
  });

  it('noSync accumulation equals the unaccumulated run', async () => {
    const res = results(await collectives);
    expect(relErr(res[0].ddpAccumulated.params, res[0].ddp.params)).toBeLessThanOrEqual(1e-6);
    expect(relErr(res[0].ddpAccumulated.params, res[0].reference)).toBeLessThanOrEqual(1e-6);
    expect(res[1].ddpAccumulated.params).toEqual(res[0].ddpAccumulated.params);
  });
});

describe('faults', () => {
  it('an MPI error, and a peer that never arrives: DistributedError naming op, rank and engine (message or timeout); the group stays closed; destroy works (plain mpirun)', async () => {
    const both = results(await timeout);
    // the engine's own message, through the group: MPI's error class and string
    expect(both[1].truncated).toEqual({ name: 'DistributedError', op: 'recv', rank: 1, message: expect.stringMatching(/^recv \(rank 1, mpi\): MPI_Recv: MPI_ERR_TRUNCATE: message truncated/) });
    const r = both[0];
    expect(r.first).toEqual({
      name: 'DistributedError', op: 'allReduce', rank: 0, isDistributed: true,
      message: 'allReduce (rank 0, mpi): timed out after 8000 ms (a peer died, never arrived, or issued a different collective)',
    });
    expect(r.elapsedMs).toBeLessThan(HANG_MS);
    expect(r.later).toMatch(/^barrier \(rank 0, mpi\): the process group is unusable after an earlier failure: allReduce timed out/);
    expect(r.destroyed).toBe(true);
  });

  it('flintml run: a rank that throws ends the others; exit non-zero naming the rank and its error', async () => {
    const r = await failOwn;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/flintml run: rank 1 \(pid \d+\) exited with code 1: Error: boom from rank 1 \(world size 2\)/);
    expect(r.ms).toBeLessThan(HANG_MS);  // rank 0 (waiting 120 s) was ended
  });

  it('flintml run --mpi: the same with an MPI world (rank 0 blocked in allReduce)', async () => {
    const r = await failMpi;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/flintml run: rank 1 failed: Error: boom from rank 1 \(world size 2\) \(mpirun exited with code \d+\)/);
    expect(r.ms).toBeLessThan(HANG_MS);
  });

  it('flintml run forwards SIGTERM to its ranks and exits with 128 + 15', async () => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [CLI, 'run', '--nproc-per-node', '2', path.join(FIX, 'fail.js'), '--all-wait'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    // both ranks report that they wait, then the launcher gets SIGTERM
    await new Promise<void>((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error(`the ranks did not start: ${out}`)), HANG_MS);
      const poll = setInterval(() => { if ((out.match(/waiting/g) ?? []).length === 2) { clearInterval(poll); clearTimeout(guard); resolve(); } }, 50);
    });
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(code).toBe(143);
    expect(Date.now() - t0).toBeLessThan(HANG_MS);
  });

  it('flintml run: usage errors', async () => {
    const r = await run(process.execPath, [CLI, 'run', '--nproc-per-node', '0', 'x.js']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--nproc-per-node must be an integer >= 1, got 0/);
    const m = await run(process.execPath, [CLI, 'run', '--mpi', '--nnodes', '2', 'x.js']);
    expect(m.stderr).toMatch(/--mpi starts the ranks of one node; for several nodes use mpirun with a hostfile/);
  });
});

describe('doctor', () => {
  it('lists MPI found, where, and the files tried (a library without OpenMPI\'s symbols is passed over, naming what it lacks)', async () => {
    const env = { ...process.env, FLINT_MPI_LIB: 'libm.so.6' };
    const r = await new Promise<string>((resolve) => execFile(process.execPath, [CLI, 'doctor'], { env, timeout: HANG_MS }, (_e, out) => resolve(out)));
    expect(r).toMatch(/\ndistributed: mpi: Open MPI v\d+\.\d+\.\d+ \(\S*libmpi\.so\.40\); CPU tensors, ranks started by mpirun or `flintml run --mpi`\n/);
    expect(r).toMatch(/\n {2}MPI search: libm\.so\.6: loaded from \S+ but it is not OpenMPI's ABI \(no MPI symbol at all\)\n/);
    expect(r).toMatch(/\n {2}MPI search: libmpi\.so\.40: loaded from /);
  });
});

describe('process group without a world (in this process)', () => {
  it('calls before initProcessGroup, and an mpi world that MPI did not start, are DistributedErrors', async () => {
    expect(fl.distributed.isInitialized()).toBe(false);
    expect(() => fl.distributed.getRank()).toThrow(/getRank: the default process group is not initialized/);
    expect(() => fl.scope(() => fl.distributed.allReduce(fl.zeros([1])))).toThrow(fl.DistributedError);
    // argument and rendezvous errors are thrown by the call itself, before any engine starts
    expect(() => fl.distributed.initProcessGroup({ backend: 'mpi', worldSize: 2, rank: 0 })).toThrow(/backend 'mpi' needs its 2 ranks started by MPI's launcher: `npx flintml run --mpi/);
    expect(() => fl.distributed.initProcessGroup({ backend: 'gloo' as 'mpi' })).toThrow(/backend must be one of 'mpi', 'nccl', 'rccl', got 'gloo'/);
    expect(() => fl.distributed.initProcessGroup({ rank: 3, worldSize: 2, backend: 'nccl' })).toThrow(/rank 3 is not below the world size 2/);
    expect(fl.distributed.isInitialized()).toBe(false);
  });
});

describe('DistributedSampler', () => {
  const ds = new fl.data.TensorDataset(fl.arange(10, undefined, 1, { dtype: 'float32' }));
  afterAll(() => ds.tensors.forEach((t) => t.dispose()));

  it('the shards of an epoch are disjoint and cover the dataset exactly once; setEpoch changes the shuffled order', () => {
    for (const shuffle of [false, true]) {
      for (const epoch of [0, 1]) {
        const shards = [0, 1].map((rank) => { const s = new fl.data.DistributedSampler(ds, { numReplicas: 2, rank, shuffle, seed: 7 }); s.setEpoch(epoch); return [...s]; });
        expect(shards.map((s) => s.length)).toEqual([5, 5]);
        expect([...shards[0], ...shards[1]].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        if (!shuffle) expect(shards).toEqual([[0, 2, 4, 6, 8], [1, 3, 5, 7, 9]]);
      }
    }
    const order = (e: number) => { const s = new fl.data.DistributedSampler(ds, { numReplicas: 2, rank: 0, seed: 7 }); s.setEpoch(e); return [...s]; };
    expect(order(0)).toEqual(order(0));      // every rank draws the same order
    expect(order(1)).not.toEqual(order(0));
  });

  it("an uneven length pads by repeating the start (PyTorch's rule), or with dropLast cuts the tail", () => {
    const three = (dropLast: boolean) => [0, 1, 2].map((rank) => [...new fl.data.DistributedSampler(ds, { numReplicas: 3, rank, shuffle: false, dropLast })]);
    expect(three(false)).toEqual([[0, 3, 6, 9], [1, 4, 7, 0], [2, 5, 8, 1]]);  // 12 slots: 0 and 1 twice
    expect(three(true)).toEqual([[0, 3, 6], [1, 4, 7], [2, 5, 8]]);
    expect(() => new fl.data.DistributedSampler(ds, { numReplicas: 2, rank: 2 })).toThrow(/invalid rank 2, rank should be in the interval \[0, 1\]/);
    expect(() => new fl.data.DistributedSampler(ds)).toThrow(/numReplicas not given and the default process group is not initialized/);
  });

  it('DataLoader({ sampler }) batches the shard in its order', async () => {
    const sampler = new fl.data.DistributedSampler(ds, { numReplicas: 2, rank: 1, shuffle: false });
    const loader = new fl.data.DataLoader(ds, { batchSize: 2, sampler });
    expect(loader.length).toBe(3);
    const seen: number[][] = [];
    for await (const [x] of loader) { seen.push(Array.from(x.dataSync())); x.dispose(); }
    expect(seen).toEqual([[1, 3], [5, 7], [9]]);
    expect(() => new fl.data.DataLoader(ds, { sampler, shuffle: true })).toThrow(/sampler option is mutually exclusive with shuffle/);
  });
});

describe('registerPostAccumulateGradHook', () => {
  it('runs once per backward, after the last contribution of a leaf used twice, with .grad final', () => {
    const w = fl.tensor([1, 2, 3], { dtype: 'float32' }).requiresGrad_();
    const seen: number[][] = [];
    const h = w.registerPostAccumulateGradHook((p) => seen.push(Array.from(p.grad!.dataSync())));
    fl.scope(() => w.mul(w).sum().add(w.mul(3).sum()).backward());  // d/dw = 2w + 3
    expect(seen).toEqual([[5, 7, 9]]);
    fl.scope(() => w.sum().backward());                              // accumulates: + 1
    expect(seen).toEqual([[5, 7, 9], [6, 8, 10]]);
    h.remove();
    fl.scope(() => w.sum().backward());
    expect(seen.length).toBe(2);
    expect(() => fl.scope(() => w.mul(2).registerPostAccumulateGradHook(() => undefined))).toThrow(/cannot be registered on non-leaf tensors/);
    w.dispose();
  });
});
