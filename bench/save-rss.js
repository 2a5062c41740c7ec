#!/usr/bin/env node
// save-rss.js — peak resident memory of saving a large state dict (issue 16): makes `--mb` MiB of
// float32 tensors (`--tensors` of them, every page touched), resets the kernel's peak-RSS counter
// (/proc/self/clear_refs), saves them with fl.saveSync (or fl.save with --async), and reports the
// peak RSS during the save (VmHWM) over the RSS before it. A writer that builds the whole file in
// one buffer needs about the file's size more; a streaming one needs a few chunks.
//
//   node bench/save-rss.js [--mb 1024] [--tensors 16] [--async] [--dist path/to/dist]
//
// Output: one JSON line {"bench":"save-rss", "stateDictMiB", "rssBeforeMiB", "peakRssMiB", "extraMiB", "seconds"}.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

function arg(name, dflt) { const i = process.argv.indexOf(`--${name}`); return i < 0 ? dflt : process.argv[i + 1]; }
const fl = require(path.resolve(arg('dist', path.join(__dirname, '..', 'dist'))));
const mb = Number(arg('mb', 1024)), count = Number(arg('tensors', 16));

function status(key) {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return Number(m[1]) / 1024;
}

async function main() {
  const per = Math.floor((mb * 2 ** 20) / 4 / count);
  const sd = {};
  for (let i = 0; i < count; i++) sd[`layer${String(i)}.weight`] = fl.full([per], i + 0.5);  // full() writes every page
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'flint-rss-')), 'big.safetensors');
  global.gc?.();
  const before = status('VmRSS');
  fs.writeFileSync('/proc/self/clear_refs', '5');  // peak RSS := current RSS
  const t0 = Date.now();
  if (process.argv.includes('--async')) await fl.save(sd, file); else fl.saveSync(sd, file);
  const secs = (Date.now() - t0) / 1000;
  const peak = status('VmHWM');
  const size = fs.statSync(file).size;
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  for (const t of Object.values(sd)) t.dispose();
  console.log(JSON.stringify({
    bench: 'save-rss', mode: process.argv.includes('--async') ? 'save' : 'saveSync', stateDictMiB: +(size / 2 ** 20).toFixed(1),
    rssBeforeMiB: +before.toFixed(1), peakRssMiB: +peak.toFixed(1), extraMiB: +(peak - before).toFixed(1), seconds: secs,
  }));
}
main().catch((e) => { console.error(e); process.exit(1); });
