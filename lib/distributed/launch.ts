// launch.ts — `npx flintml run`, the launcher (PyTorch's torchrun, static rendezvous): starts
// --nproc-per-node ranks of a script on this node with the env:// variables (RANK, LOCAL_RANK,
// WORLD_SIZE, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT), forwards SIGINT/SIGTERM to them, and
// when one rank fails ends the others and exits non-zero naming the rank and its error.
//
//   flintml run --nproc-per-node N [--nnodes M --node-rank R --master-addr A --master-port P] [--mpi] script.js [args…]
//
// --mpi starts the ranks through OpenMPI's mpirun instead (one node), for backend 'mpi': OpenMPI
// processes must be started by its launcher to form one world. Several nodes with MPI: use mpirun
// with a hostfile (`mpirun -n 8 --hostfile hosts node script.js`).
//
// A rank's error: each rank (lib/distributed/group.ts) writes its uncaught error into the folder
// FLINT_RUN_REPORT; without it (a rank that died before initProcessGroup), the last line of its
// stderr that names an error, or its exit status.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const USAGE = 'usage: flintml run --nproc-per-node N [--nnodes M --node-rank R --master-addr A --master-port P] [--mpi] script.js [args…]';

interface LaunchOptions {
  nprocPerNode: number; nnodes: number; nodeRank: number; masterAddr: string; masterPort: number; mpi: boolean;
  script: string; args: string[];
}

class UsageError extends Error {}

function parse(argv: string[]): LaunchOptions {
  const o: LaunchOptions = { nprocPerNode: 1, nnodes: 1, nodeRank: 0, masterAddr: '127.0.0.1', masterPort: 29500, mpi: false, script: '', args: [] };
  const ints: Record<string, keyof LaunchOptions> = { '--nproc-per-node': 'nprocPerNode', '--nnodes': 'nnodes', '--node-rank': 'nodeRank', '--master-port': 'masterPort' };
  let i = 0;
  for (; i < argv.length; i++) {
    let a = argv[i];
    if (!a.startsWith('--')) break;
    let value: string | undefined;
    const eq = a.indexOf('=');
    if (eq > 0) { value = a.slice(eq + 1); a = a.slice(0, eq); }
    a = a.replace(/_/g, '-');  // torchrun spells them --nproc_per_node
    if (a === '--mpi') { o.mpi = true; continue; }
    if (a !== '--master-addr' && !(a in ints)) throw new UsageError(`flintml run: unknown option ${argv[i]}`);
    if (value === undefined) value = argv[++i];
    if (value === undefined) throw new UsageError(`flintml run: ${a} needs a value`);
    if (a === '--master-addr') { o.masterAddr = value; continue; }
    const n = Number(value);
    if (!Number.isInteger(n) || n < (a === '--node-rank' ? 0 : 1)) throw new UsageError(`flintml run: ${a} must be an integer ${a === '--node-rank' ? '>= 0' : '>= 1'}, got ${value}`);
    (o as unknown as Record<string, number>)[ints[a]] = n;
  }
  if (i >= argv.length) throw new UsageError('flintml run: no script given');
  o.script = argv[i];
  o.args = argv.slice(i + 1);
  if (o.nodeRank >= o.nnodes) throw new UsageError(`flintml run: --node-rank ${o.nodeRank} must be below --nnodes ${o.nnodes}`);
  if (o.mpi && o.nnodes > 1) throw new UsageError('flintml run: --mpi starts the ranks of one node; for several nodes use mpirun with a hostfile (mpirun -n N --hostfile hosts node script.js)');
  return o;
}

/** The last stderr line that names an error (a Node stack's first line), else the last line. */
function errorLine(tail: string): string {
  const lines = tail.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  const named = lines.filter((l) => /^(\w*Error|Uncaught|Error)\b[^\n]*:/.test(l) || /^\w+Error\b/.test(l));
  return named.length ? named[named.length - 1] : lines[lines.length - 1] ?? '';
}

function mpirunArgs(o: LaunchOptions, env: NodeJS.ProcessEnv): string[] {
  const a = ['-n', String(o.nprocPerNode), '--oversubscribe'];
  // OpenMPI refuses root without it (containers and CI run as root)
  if (typeof process.getuid === 'function' && process.getuid() === 0) a.push('--allow-run-as-root');
  for (const v of ['FLINT_RUN_REPORT', 'MASTER_ADDR', 'MASTER_PORT', 'FLINT_ADDON_PATH']) if (v in env) a.push('-x', v);
  return [...a, process.execPath, o.script, ...o.args];
}

/** Runs the launcher; resolves with the exit status for the process. */
export function launch(argv: string[]): Promise<number> {
  let o: LaunchOptions;
  try {
    o = parse(argv);
  } catch (e) {
    if (e instanceof UsageError) { console.error(`${e.message}\n${USAGE}`); return Promise.resolve(2); }
    throw e;
  }
  if (o.mpi && spawnSync('mpirun', ['--version'], { stdio: 'ignore' }).status !== 0) {
    console.error('flintml run --mpi: mpirun was not found on PATH (Debian/Ubuntu: apt-get install openmpi-bin libopenmpi3)');
    return Promise.resolve(1);
  }
  const report = fs.mkdtempSync(path.join(os.tmpdir(), 'flintml-run-'));
  const worldSize = o.nprocPerNode * o.nnodes;
  const base = { ...process.env, MASTER_ADDR: o.masterAddr, MASTER_PORT: String(o.masterPort), FLINT_RUN_REPORT: report };
  const children: { rank: number; proc: ChildProcess; tail: string; exited: boolean }[] = [];
  if (o.mpi) {
    const proc = spawn('mpirun', mpirunArgs(o, base), { env: base, stdio: ['inherit', 'inherit', 'pipe'] });
    children.push({ rank: -1, proc, tail: '', exited: false });
  } else {
    for (let local = 0; local < o.nprocPerNode; local++) {
      const rank = o.nodeRank * o.nprocPerNode + local;
      const env = { ...base, RANK: String(rank), LOCAL_RANK: String(local), WORLD_SIZE: String(worldSize), LOCAL_WORLD_SIZE: String(o.nprocPerNode), GROUP_RANK: String(o.nodeRank) };
      const proc = spawn(process.execPath, [o.script, ...o.args], { env, stdio: ['inherit', 'inherit', 'pipe'] });
      children.push({ rank, proc, tail: '', exited: false });
    }
  }
  return new Promise<number>((resolve) => {
    let failure: string | null = null;
    let signalled: NodeJS.Signals | null = null;
    let killTimer: NodeJS.Timeout | null = null;
    const endOthers = () => {
      for (const c of children) if (!c.exited) c.proc.kill('SIGTERM');
      killTimer ??= setTimeout(() => { for (const c of children) if (!c.exited) c.proc.kill('SIGKILL'); }, 5000);
    };
    const onSignal = (sig: NodeJS.Signals) => {
      signalled = sig;
      for (const c of children) if (!c.exited) c.proc.kill(sig);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const reported = (rank: number): string | null => {
      try { return fs.readFileSync(path.join(report, `rank-${rank}.txt`), 'utf8'); } catch { return null; }
    };
    /** Under mpirun, which rank failed comes from the reports (the first written). */
    const firstReport = (): { rank: number; text: string } | null => {
      let best: { rank: number; text: string; t: number } | null = null;
      for (const f of fs.readdirSync(report)) {
        const m = /^rank-(\d+)\.txt$/.exec(f);
        if (!m) continue;
        const t = fs.statSync(path.join(report, f)).mtimeMs;
        if (!best || t < best.t) best = { rank: Number(m[1]), text: fs.readFileSync(path.join(report, f), 'utf8'), t };
      }
      return best;
    };
    let left = children.length;
    for (const c of children) {
      c.proc.stderr!.on('data', (d: Buffer) => {
        process.stderr.write(d);
        c.tail = (c.tail + d.toString('utf8')).slice(-8192);
      });
      c.proc.on('error', (e) => {
        if (!failure) failure = `flintml run: could not start ${c.rank >= 0 ? `rank ${c.rank}` : 'mpirun'}: ${e.message}`;
      });
      c.proc.on('close', (code, sig) => {
        c.exited = true;
        if ((code !== 0 || sig) && !failure && !signalled) {
          const status = sig ? `was killed by ${sig}` : `exited with code ${code}`;
          if (c.rank >= 0) {
            const why = reported(c.rank) ?? errorLine(c.tail);
            failure = `flintml run: rank ${c.rank} (pid ${c.proc.pid}) ${status}${why ? `: ${why}` : ''}`;
          } else {
            const r = firstReport();
            failure = r ? `flintml run: rank ${r.rank} failed: ${r.text} (mpirun ${status})` : `flintml run: mpirun ${status}${errorLine(c.tail) ? `: ${errorLine(c.tail)}` : ''}`;
          }
          endOthers();
        }
        if (--left === 0) {
          if (killTimer) clearTimeout(killTimer);
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          fs.rmSync(report, { recursive: true, force: true });
          if (failure) console.error(failure);
          const sigNo = signalled ? (os.constants.signals[signalled] ?? 0) : 0;
          resolve(failure ? 1 : signalled ? 128 + sigNo : 0);
        }
      });
    }
  });
}
