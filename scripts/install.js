#!/usr/bin/env node
// install.js — `npm install` hook. Uses a prebuilt binary when one loads; otherwise builds the
// addon from source: cmake-js (the main build, when cmake and cmake-js are present) or node-gyp
// with binding.gyp (same sources). Never downloads anything. `--force` rebuilds from source.
'use strict';
const { spawnSync, execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const force = process.argv.includes('--force');

function log(msg) { process.stderr.write(`flintml: ${msg}\n`); }

function loads() {
  try {
    require('node-gyp-build')(root);
    return true;
  } catch (e) {
    return false;
  }
}

function has(cmd) {
  try { execFileSync(cmd, ['--version'], { stdio: 'ignore' }); return true; } catch { return false; }
}

function run(cmd, args) {
  log(`${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
  return r.status === 0;
}

if (!force && loads()) {
  log('using the prebuilt native addon');
  process.exit(0);
}

let cmakeJs = null;
try { cmakeJs = require.resolve('cmake-js/bin/cmake-js', { paths: [root] }); } catch { /* not installed */ }
if (cmakeJs && has('cmake')) {
  const jobs = String(Math.max(1, require('os').availableParallelism?.() ?? require('os').cpus().length));
  if (run(process.execPath, [cmakeJs, 'compile', '--parallel', jobs, '--out', 'build'])) process.exit(0);
  log('cmake-js build failed; trying node-gyp');
} else {
  log(cmakeJs ? 'cmake not found: building with node-gyp' : 'cmake-js not installed: building with node-gyp');
}

const gyp = process.env.npm_config_node_gyp;
const ok = gyp && fs.existsSync(gyp) ? run(process.execPath, [gyp, 'rebuild']) : run('node-gyp', ['rebuild']);
if (!ok) {
  log('could not build the native addon: install cmake and g++ (Debian: apt-get install cmake g++), then npm rebuild flintml');
  process.exit(1);
}
