#!/usr/bin/env node
// crash-save.js — atomic saving under SIGKILL (issue 16). A child process saves a state dict of
// about `--mb` MiB over and over to one path, alternating between two fixed contents A and B
// (fl.saveSync, fl.save and fl.saveCheckpoint in turn, one mode per child); this process kills it
// with SIGKILL after a random delay (uniform over twice the time one save took), `--kills` times.
// After every kill the file at the path must be, bit for bit, one of the two files that a
// complete save of A or B writes (their SHA-256 is taken from reference files written first), and
// it must load. Leftover temporary files (a SIGKILLed save cannot remove its own) are counted and
// removed.
//
//   node bench/crash-save.js [--kills 50] [--mb 100] [--seed 1]
//
// Output: one JSON line per kill, then {"summary": {kills, intact, old, new, …}, "ok": bool}.
'use strict';
const cp = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const MODES = ['sync', 'async', 'checkpoint'];

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? dflt : process.argv[i + 1];
}

// ---- child: save A/B forever ------------------------------------------------------------------
async function child() {
  const fl = require(path.join(ROOT, 'dist'));
  const mode = arg('mode'), target = arg('target'), refs = arg('refs'), mb = Number(arg('mb'));
  // a "model" of 4 linear layers holding ~mb MiB of float32 weights; A and B differ in every byte
  const width = Math.max(8, Math.floor(Math.sqrt((mb * 2 ** 20) / 4 / 4)));
  fl.manualSeed(7);
  const model = new fl.nn.Sequential(...Array.from({ length: 4 }, () => new fl.nn.Linear(width, width)));
  const opt = new fl.optim.SGD(model.parameters(), { lr: 0.1 });
  // copies: stateDict() returns the parameters themselves, which the checkpoint mode overwrites
  const sdA = {}, sdB = {};
  for (const [k, t] of Object.entries(model.stateDict())) { sdA[k] = fl.scope(() => t.clone()); sdB[k] = fl.scope(() => t.neg().add(1)); }
  const apply = (sd) => fl.noGrad(() => { for (const [k, t] of Object.entries(model.stateDict())) t.copy_(sd[k]); });
  const saveOne = async (which, p) => {
    const sd = which === 'A' ? sdA : sdB;
    if (mode === 'sync') fl.saveSync(sd, p, { which });
    else if (mode === 'async') await fl.save(sd, p, { which });
    else { apply(sd); await fl.saveCheckpoint(p, { model, optimizer: opt, extra: { which } }); }
  };
  if (refs) { await saveOne('A', path.join(refs, `${mode}-A.safetensors`)); await saveOne('B', path.join(refs, `${mode}-B.safetensors`)); }
  const t0 = Date.now();
  await saveOne('A', target);
  process.stdout.write(`ready ${String(Date.now() - t0)}\n`);
  for (let i = 0; ; i++) await saveOne(i % 2 ? 'A' : 'B', target);
}

// ---- parent -----------------------------------------------------------------------------------
function sha(p) { return crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex'); }

function runChild(args) {
  return new Promise((resolve, reject) => {
    const c = cp.spawn(process.execPath, [__filename, '--child', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const guard = setTimeout(() => { c.kill('SIGKILL'); reject(new Error('crash-save: the child did not report ready within 120 s')); }, 120_000);
    c.stdout.on('data', (d) => {
      out += d;
      const m = /ready (\d+)/.exec(out);
      if (m) { clearTimeout(guard); c.stdout.removeAllListeners('data'); resolve({ c, saveMs: Number(m[1]) }); }
    });
    c.on('exit', (code, sig) => { clearTimeout(guard); reject(new Error(`crash-save: child exited (${String(code)} ${String(sig)}) before ready`)); });
  });
}

async function parent() {
  const kills = Number(arg('kills', 50)), mb = Number(arg('mb', 100));
  let seed = Number(arg('seed', 1));
  const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-crash-'));
  const refs = path.join(dir, 'refs');
  fs.mkdirSync(refs);
  const fl = require(path.join(ROOT, 'dist'));
  const sums = {};
  const s = { kills: 0, intact: 0, old: 0, new: 0, corrupt: 0, loaded: 0, leftoverTemps: 0, mb, byMode: {} };
  try {
    for (let k = 0; k < kills; k++) {
      const mode = MODES[k % MODES.length];
      const target = path.join(dir, `${mode}.safetensors`);
      const first = !sums[mode];
      const { c, saveMs } = await runChild(['--mode', mode, '--target', target, '--mb', String(mb), ...(first ? ['--refs', refs] : [])]);
      if (first) sums[mode] = { A: sha(path.join(refs, `${mode}-A.safetensors`)), B: sha(path.join(refs, `${mode}-B.safetensors`)) };
      const delay = Math.round(rand() * 2 * Math.max(saveMs, 10));
      await new Promise((r) => setTimeout(r, delay));
      const exited = new Promise((r) => c.on('exit', r));
      c.kill('SIGKILL');
      await exited;
      s.kills++;
      const h = sha(target);
      const which = h === sums[mode].A ? 'A' : h === sums[mode].B ? 'B' : null;
      // the child saved A first, then B, A, …: the file is "old" when it is A
      if (which) { s.intact++; if (which === 'A') s.old++; else s.new++; } else s.corrupt++;
      // the reference files load (checked once per mode), and so does every intact file
      if (which && (first || k >= kills - MODES.length)) {
        const sd = fl.loadSync(target);
        for (const t of Object.values(sd)) t.dispose();
        s.loaded++;
      }
      const temps = fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'));
      s.leftoverTemps += temps.length;
      for (const f of temps) fs.unlinkSync(path.join(dir, f));
      s.byMode[mode] = (s.byMode[mode] || 0) + 1;
      console.log(JSON.stringify({ kill: k, mode, delayMs: delay, saveMs, file: which ?? 'CORRUPT', temps: temps.length }));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const ok = s.corrupt === 0 && s.kills === kills;
  console.log(JSON.stringify({ summary: s, ok }));
  process.exitCode = ok ? 0 : 1;
}

(process.argv.includes('--child') ? child : parent)().catch((e) => { console.error(e); process.exit(2); });
