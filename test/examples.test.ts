// examples.test.ts — runs every program in examples/ as a child process (`node examples/x.js` with
// few steps), as a user would, and checks that it exits with 0 and that the loss it reports at the
// end (`loss A -> B`) fell. The examples load the package through `require('flintml')`, i.e. the
// built dist/ (`npm run build:ts`; `npm install` builds it).
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fl from '../lib';

const ROOT = path.resolve(__dirname, '..');
const TIMEOUT_MS = 60_000;

interface Result { code: number; stdout: string; stderr: string }

function runExample(name: string, args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'examples', name), ...args], { cwd: ROOT, timeout: TIMEOUT_MS, maxBuffer: 1 << 24 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

/** The first and last loss of the line `... loss A -> B ...` that each example prints at the end. */
function lossLine(out: string): [number, number] {
  const m = /loss (\d+(?:\.\d+)?) -> (\d+(?:\.\d+)?)/.exec(out);
  if (!m) throw new Error(`no 'loss A -> B' line in the output:\n${out}`);
  return [Number(m[1]), Number(m[2])];
}

async function expectTrains(name: string, args: string[]): Promise<string> {
  const r = await runExample(name, args);
  if (r.code !== 0) throw new Error(`${name} ${args.join(' ')} exited with ${r.code}\n${r.stdout}\n${r.stderr}`);
  const [first, last] = lossLine(r.stdout);
  expect(last).toBeLessThan(first);
  return r.stdout;
}

/** Writes MNIST-format IDX files (a few random images) so that `--data` has something to read. */
function writeIdx(dir: string): void {
  const write = (file: string, magic: number, dims: number[], bytes: Uint8Array) => {
    const head = Buffer.alloc(4 + 4 * dims.length);
    head.writeUInt32BE(magic, 0);
    dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
    fs.writeFileSync(path.join(dir, file), Buffer.concat([head, Buffer.from(bytes)]));
  };
  for (const [prefix, n] of [['train', 512], ['t10k', 128]] as const) {
    // images whose brightness encodes the label, so that a model can learn them
    const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
    const images = new Uint8Array(n * 784);
    for (let i = 0; i < n; i++) images.fill(20 * labels[i] + 10, i * 784 + 78 * labels[i], i * 784 + 78 * labels[i] + 78);
    write(`${prefix}-images-idx3-ubyte`, 0x803, [n, 28, 28], images);
    write(`${prefix}-labels-idx1-ubyte`, 0x801, [n], labels);
  }
}

describe('examples', () => {
  beforeAll(() => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build:ts` first');
  });

  test('mlp-mnist.js on synthetic digits reaches a high test accuracy', async () => {
    const out = await expectTrains('mlp-mnist.js', ['--epochs', '3']);
    const acc = [...out.matchAll(/test accuracy (\d+\.\d+)%/g)].map((m) => Number(m[1]));
    expect(acc[acc.length - 1]).toBeGreaterThan(90);
  }, TIMEOUT_MS);

  test('mlp-mnist.js --data reads MNIST IDX files (AdamW, StepLR)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-idx-'));
    try {
      writeIdx(dir);
      const out = await expectTrains('mlp-mnist.js', ['--data', dir, '--epochs', '2', '--optim', 'adamw', '--lr', '0.003', '--sched', 'step']);
      expect(out).toContain(`MNIST from ${dir}; 512 train / 128 test`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, TIMEOUT_MS);

  test('mlp-mnist.js --device cuda: pinned batches copied ahead to the GPU (a typed error where no GPU is usable)', async () => {
    const args = ['--device', 'cuda', '--epochs', '1', '--train', '640', '--test', '200'];
    if (fl.cuda.isAvailable()) {  // a GPU, or the emulator (the child inherits FLINT_CUDA_DRIVER)
      expect(await expectTrains('mlp-mnist.js', args)).toContain('steps on cuda');
    } else {                      // never a silent run on the CPU
      const r = await runExample('mlp-mnist.js', args);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^BackendUnavailableError: DataLoader: cannot use device 'cuda'/);
    }
  }, TIMEOUT_MS);

  test('cnn.js trains a Conv2d/MaxPool2d network', async () => {
    const out = await expectTrains('cnn.js', ['--steps', '40', '--train', '1280', '--test', '250']);
    expect(out).toContain('Conv2d(1, 8');
  }, TIMEOUT_MS);

  test('lstm-char.js trains on the README and prints a sample', async () => {
    const out = await expectTrains('lstm-char.js', ['--steps', '40', '--batch', '16', '--context', '32', '--sample', '40']);
    expect(out).toMatch(/--- sample ---\nflintml .{40}/s);
  }, TIMEOUT_MS);

  test('grad-accumulation.js: accumulated gradients equal the full-batch gradient', async () => {
    const out = await expectTrains('grad-accumulation.js', ['--steps', '30', '--micro', '3']);
    expect(out).toContain('accumulated and full-batch gradients agree');
  }, TIMEOUT_MS);

  test('wgan-gp.js: a gradient penalty (a second derivative, createGraph) trains the generator toward the ring', async () => {
    // 150 generator steps of 5 critic steps, batch 64: the generated points' mean distance to the
    // ring (the loss line) falls by a third or more (seeds 0-3 measured here: 1.85 -> 1.03,
    // 1.88 -> 1.02, 1.80 -> 0.65, 1.92 -> 0.83; about 5 s each on 2 cores)
    const out = await expectTrains('wgan-gp.js', ['--steps', '150', '--critic', '5', '--batch', '64']);
    const [first, last] = lossLine(out);
    expect(last).toBeLessThan(0.75 * first);
  }, TIMEOUT_MS);

  test('transformer-copy.js: an nn.Transformer learns to reverse digit sequences', async () => {
    // 100 steps of batch 32: the mean loss of the first 10 steps (~ln 10 = 2.3) falls below a fifth
    // of it (seeds 1-6 measured here: 2.32-2.38 -> 0.013-0.016; about 2 s each on 2 cores)
    const out = await expectTrains('transformer-copy.js', ['--steps', '100']);
    const [first, last] = lossLine(out);
    expect(last).toBeLessThan(0.2 * first);
    expect(out).toMatch(/greedy decoding of 64 new sequences: [\d.]+ % of the digits right/);
  }, TIMEOUT_MS);

  test('char-transformer.js (the demo) runs a few steps', async () => {
    await expectTrains('char-transformer.js', ['--steps', '20', '--sample', '20', '--layers', '1', '--dmodel', '32', '--context', '32']);
  }, TIMEOUT_MS);

  test('finetune-gpt2.js: LoRA fine-tuning of a Hugging Face GPT-2 folder, generate before and after, saved back and reloaded', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-finetune-'));
    try {
      const log = await expectTrains('finetune-gpt2.js', ['--steps', '20', '--out', out]);
      expect(log).toMatch(/before: ".*"\nafter: ".*"/);
      expect(fs.readdirSync(out).sort()).toEqual(['config.json', 'model.safetensors']);
    } finally { fs.rmSync(out, { recursive: true, force: true }); }
  }, TIMEOUT_MS);
  // examples/ddp.js (2 MPI ranks) runs in test/distributed.test.ts, with the other MPI worlds (CPU pass only)
});

