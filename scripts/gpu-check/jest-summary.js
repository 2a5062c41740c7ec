#!/usr/bin/env node
// jest-summary.js JEST_JSON — gpu-check.sh's lines for summary.txt from jest's --json output: the
// counts, then every failed test (file, name, the first line of its message), at most 40 of them.
'use strict';
const fs = require('fs');
const path = require('path');

const file = process.argv[2];
let r;
try {
  r = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (e) {
  console.log(`  jest: no readable ${file} (${e.code || e.message}): jest did not finish`);
  process.exit(0);
}
const secs = r.startTime ? ((Math.max(...r.testResults.map((t) => t.endTime || 0)) - r.startTime) / 1000).toFixed(1) : '?';
console.log(`  jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped of ${r.numTotalTests} tests; ` +
  `${r.numFailedTestSuites} of ${r.numTotalTestSuites} files failed; ${secs} s`);
let shown = 0;
for (const suite of r.testResults) {
  const rel = path.relative(process.cwd(), suite.name);
  const failed = suite.assertionResults.filter((a) => a.status === 'failed');
  if (suite.status === 'failed' && failed.length === 0) {
    // the file itself failed (a load error, a crash of its worker)
    if (shown++ < 40) console.log(`  FAILED ${rel}: ${String(suite.message || '').replace(/\u001b\[[0-9;]*m/g, '').trim().split('\n').slice(0, 2).join(' | ').slice(0, 300)}`);
  }
  for (const a of failed) {
    if (shown++ >= 40) continue;
    const msg = (a.failureMessages[0] || '').replace(/\u001b\[[0-9;]*m/g, '').trim().split('\n')[0].slice(0, 240);
    console.log(`  FAILED ${rel} › ${a.fullName}: ${msg}`);
  }
}
if (shown > 40) console.log(`  … and ${shown - 40} more failures (jest.json has them all)`);
