#!/usr/bin/env node
// sources.js — expands native/sources.json into the list of host .cpp files, one per line
// (or space-separated with --gyp), so that CMake and node-gyp build exactly the same sources.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const { globs } = JSON.parse(fs.readFileSync(path.join(root, 'native', 'sources.json'), 'utf8'));

function expand(glob) {
  const dir = path.dirname(glob);
  const pattern = new RegExp('^' + path.basename(glob).replace(/\./g, '\\.').replace(/\*/g, '.*') + '$');
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs).filter((f) => pattern.test(f)).sort().map((f) => `${dir}/${f}`);
}

const files = globs.flatMap(expand);
process.stdout.write(process.argv.includes('--gyp') ? files.join(' ') : files.join(';'));
