// fuzz.test.ts — the API fuzzer (bench/fuzz.js) in its short form, and one regression test per bug
// it found (issue 16, "The native boundary"; the list and the counts are in bench/RELIABILITY.md).
//
// The fuzzer enumerates fl's exports itself and calls each with random arguments in a child process
// over the built dist/; it passes when the child never dies and every throw is a FlintError. Under
// the emulator run of `npm test` (scripts/test-emu.js sets FLINT_CUDA_DRIVER) the child sees a
// 'cuda' device, so tensors of both devices are mixed. The seed is fixed, so a failure here is
// reproducible with the command it prints (FLINT_FUZZ_SEED picks another seed).
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as fl from '../lib';
import { binding } from '../lib/native';
import { DEVICE } from './helpers';

const ROOT = path.resolve(__dirname, '..');
const ON_GPU = DEVICE !== 'cpu';
const CALLS = ON_GPU ? 6000 : 15000;
const SEED = Number(process.env.FLINT_FUZZ_SEED ?? 20261206);
const LIMIT = 150_000;  // a hang guard on a loaded 2-core machine; nothing is timed

interface Summary { ok: boolean; calls: number; noInstance: number; returned: number; threw: number; untyped: number; targets: number; cuda: boolean; byError: Record<string, number> }

describe('the API fuzzer (bench/fuzz.js)', () => {
  test(`${CALLS} random calls of every export: no crash, every error typed (seed ${SEED})`, async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build:ts` first');
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [path.join(ROOT, 'bench', 'fuzz.js'), '--calls', String(CALLS), '--seed', String(SEED), '--hang-s', '60', '--timeout-s', String(LIMIT / 1000 - 10)],
        { cwd: ROOT, maxBuffer: 1 << 24 }, (err, out, errOut) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout: out, stderr: errOut }));
    });
    if (code !== 0) throw new Error(`bench/fuzz.js failed (exit ${code}):\n${stderr.slice(-6000)}`);
    const s = JSON.parse(stdout.trim().split('\n').pop()!) as Summary;
    expect(s.ok).toBe(true);
    expect(s.untyped).toBe(0);
    expect(s.cuda).toBe(ON_GPU);  // the emulator run did mix devices
    expect(s.calls + s.noInstance).toBe(CALLS);
    expect(s.calls).toBeGreaterThan(CALLS / 2);
    expect(s.targets).toBeGreaterThan(1000);  // functions, classes, methods, getters and setters of fl
    expect(s.returned).toBeGreaterThan(CALLS / 10);  // not only refusals: valid calls ran too
    expect(s.byError.FlintError ?? 0).toBeLessThan(s.calls);
  }, LIMIT);
});

/** Runs f and returns what it threw (or 'no error'). */
function thrown(f: () => unknown): unknown {
  try { f(); } catch (e) { return e; }
  return 'no error';
}
const refused = (f: () => unknown, cls: new (...a: any[]) => Error = fl.ValueError) => expect(thrown(f)).toBeInstanceOf(cls);

// Each case is a call the fuzzer found throwing an untyped TypeError (or SyntaxError) from inside fl.
describe('bugs the fuzzer found: each call now throws a typed error', () => {
  test('functions that take a callback refuse a non-function (scope, noGrad, enableGrad, checkpoint, autocast)', () => {
    refused(() => fl.scope(5 as any));
    refused(() => fl.noGrad(null as any));
    refused(() => fl.enableGrad('x' as any));
    refused(() => fl.checkpoint(1 as any));
    refused(() => fl.autocast('bfloat16', 5 as any));  // found by the 100,000-call run
  });

  test('the Tensor, Profile and CharTokenizer constructors are internal: random arguments are refused', () => {
    refused(() => new (fl.Tensor as any)());
    refused(() => new (fl.Tensor as any)('relu', {}));
    refused(() => new (fl.profiler.Profile as any)([() => 1], 1, false, 0));
    refused(() => new (fl.data.CharTokenizer as any)());
  });

  test('ops: resultType, squeeze and reductions with values of the wrong kind', () => fl.scope(() => {
    const x = fl.ones([2, 1], { device: DEVICE });
    refused(() => fl.resultType(null as any), fl.DTypeError);
    refused(() => fl.squeeze(x, { dims: 0 } as any));   // a misspelled option (an empty options object is squeeze's keyword form: squeeze all)
    refused(() => fl.squeeze(x, 'a' as any));
    refused(() => fl.mean(x, 0, [Symbol('s')] as any));   // the message printed the symbol with String([...])
    refused(() => fl.nn.init.kaimingUniform_(fl.ones([3, 2]), null as any));
  }));

  test('GradScaler refuses what is not a tensor, an optimizer or a state dict', () => fl.scope(() => {
    refused(() => new fl.amp.GradScaler(null as any));
    const s = new fl.amp.GradScaler();
    refused(() => s.scale(5 as any));
    refused(() => s.step({} as any));
    refused(() => s.unscale_(null as any));
    refused(() => s.loadStateDict(null as any));
  }));

  test('nn: Module.call without forward, registerBuffer of a non-tensor, Module.to(), containers of non-iterables', () => {
    class NoForward extends (fl.nn.Module as any) {}
    refused(() => (new NoForward() as any).call(1), fl.FlintError);
    const lin = new fl.nn.Linear(2, 2);
    try {
      refused(() => lin.registerBuffer('b', 5 as any));
      refused(() => (lin as any).to());
      refused(() => new fl.nn.NLLLoss({ weight: 5 as any }));
    } finally { lin.dispose(); }
    refused(() => new fl.nn.ModuleList(5 as any));
    refused(() => new fl.nn.Sequential().extend(5 as any));
    refused(() => new fl.nn.Sequential().slice(1n as any));
    refused(() => new fl.nn.ModuleDict(5 as any));
    refused(() => new fl.nn.ModuleDict(new Uint16Array(4) as any));
    refused(() => new (fl.nn.RNNBase as any)(1, [], 3));
    refused(() => new fl.nn.MaxPool2d(10n as any));   // the message serialized a BigInt with JSON.stringify
    refused(() => new fl.nn.AdaptiveAvgPool2d('a' as any));
    refused(() => new fl.nn.LayerNorm(null as any));
    refused(() => new fl.nn.RMSNorm(null as any));
    refused(() => new fl.nn.LayerNorm([Symbol('s'), 2] as any));  // the message printed the symbol with String([...])
  });

  test('code added today, found after rebasing: KVCache, Tokenizer, Llama blocks, LoRALinear, distributed.Work; argmax of a BigInt dim', () => {
    refused(() => new fl.models.KVCache(2 ** 31 - 1, 1, 8));  // took the heap (new Array(2^31 - 1)): the fuzzer's child hung
    refused(() => new fl.models.KVCache(2, 0, 8));
    refused(() => new (fl.models.Tokenizer as any)({}, {}));
    refused(() => new (fl.models.LlamaDecoderLayer as any)());
    refused(() => new (fl.nn.utils.LoRALinear as any)(null, 4, 8, 0));
    fl.scope(() => refused(() => fl.argmax(fl.ones([2], { device: DEVICE }), [1n] as any)));
    refused(() => new (fl.distributed.Work as any)(null));
  });

  test('data: DistributedSampler with far more replicas than items, or a share past a JS array (was a V8 fatal error)', () => {
    const few = new fl.data.DistributedSampler({ length: 3 }, { numReplicas: 2 ** 30, rank: 5, shuffle: false });
    expect([...few]).toEqual([2]);  // position 5 of the order padded by repeating its start: 5 % 3
    const shuffled = new fl.data.DistributedSampler({ length: 3 }, { numReplicas: 2 ** 30, rank: 4 });
    expect(shuffled.indices()).toHaveLength(1);
    refused(() => new fl.data.DistributedSampler({ length: 2e8 }, { numReplicas: 1, rank: 0, shuffle: false }), fl.ValueError);
    refused(() => new fl.data.DistributedSampler({ length: 2 ** 31 }, { numReplicas: 64, rank: 0 }), fl.ValueError);
  });

  test('recurrent layers with 2^53 layers (a JS heap exhaustion, fatal); scalar arguments of unary ops that are not numbers; Optimizer and LRScheduler constructed directly', () => {
    refused(() => new fl.nn.GRU(1, 3, 9007199254740994));
    refused(() => fl.scope(() => fl.nn.functional.leakyRelu(fl.zeros([2], { dtype: 'int32' }), Symbol('s') as any)));
    refused(() => fl.scope(() => fl.zeros([2]).leakyRelu('0.1' as any)));
    refused(() => fl.scope(() => new (fl.optim.Optimizer as any)([fl.zeros([1])], [2, 0], -2, [1])));
    refused(() => new (fl.optim.lrScheduler.LRScheduler as any)([2], Symbol('s')));
    // messages that stringified an array holding a Symbol (String([Symbol()]) throws)
    refused(() => fl.scope(() => fl.topk(fl.zeros([2, 3]), ['cuda:1', Symbol('s'), -0.5] as any)));
    refused(() => new fl.nn.GroupNorm([Symbol('s')] as any, -9007199254740992));
    refused(() => new fl.nn.ModuleDict().pop([Symbol('s'), true] as any), fl.IndexError);
    refused(() => new fl.nn.ModuleList().insert([Symbol('s')] as any, new fl.nn.Identity()), fl.IndexError);  // seed 26
    refused(() => new fl.nn.Conv2d(3, [[0, 2], Symbol('s')] as any, 3));                                    // seed 29
    refused(() => fl.loadMetadataSync([Symbol('s'), -0] as any));                                         // seed 29
    refused(() => fl.scope(() => fl.split(fl.zeros([2]), [new BigInt64Array(2)] as any)), fl.ShapeError);
    refused(() => fl.scope(() => fl.nn.functional.rmsNorm(fl.zeros([2], { dtype: 'float16' }), null as any)));
    // messages that JSON.stringify'd a user's value (a BigInt throws there)
    refused(() => new fl.nn.Conv1d(1, 1, [(x: unknown) => x, 10n] as any));
    refused(() => fl.data.CharTokenizer.fromVocab([10n] as any));
    refused(() => fl.scope(() => fl.permute(fl.zeros([2]), new BigInt64Array(1) as any)));   // seed 3, 2026-12-07
    // a Symbol as the layers' internal op name of calculateFans (a user's stray second argument)
    refused(() => fl.nn.init.calculateFans(new Int8Array(1) as any, Symbol('s') as any));                    // seed 3, 2026-12-07
    // found by a helper's fuzzer seeds, 2026-12-07: a BigInt scalar, a Symbol in RNNCellBase's kind
    refused(() => fl.scope(() => fl.maskedFill(fl.zeros([2]), fl.ones([2]).gt(0), 10n as any)));
    refused(() => fl.scope(() => fl.zeros([2]).maskedFill_(fl.ones([2]).gt(0), 10n as any)));
    refused(() => fl.scope(() => fl.diagonal(fl.zeros([2, 2]), 10n as any)));
    refused(() => new (fl.nn.RNNCellBase as any)([1, Symbol('s')], []));
    refused(() => fl.nn.init.calculateGain([Symbol('s'), 65536] as any));                                     // seed 38, 2026-12-07
    refused(() => new fl.nn.MultiheadAttention([Symbol('s')] as any, 2));                                   // the guard's attention.ts sites
    refused(() => new fl.nn.TransformerEncoderLayer(4, 2, 8, 0, [Symbol('s')] as any));
    // the same class, found by test/messages-safe.test.ts's reading of lib/ (no seed had reached them), 2026-12-07
    const S = [Symbol('s')] as any;
    refused(() => fl.scope(() => fl.nn.functional.groupNorm(fl.zeros([2, 4]), Symbol('s') as any)), fl.ShapeError);  // an anyValue option printed raw
    refused(() => fl.scope(() => fl.flatten(fl.zeros([2, 4]), S)));                                          // normDim's refusal
    refused(() => fl.scope(() => fl.zeros([2, 2]).repeat(S)), fl.ShapeError);
    refused(() => fl.scope(() => fl.nn.functional.avgPool2d(fl.zeros([1, 1, 4, 4]), 2, { divisorOverride: S })));
    refused(() => fl.scope(() => fl.nn.functional.crossEntropy(fl.zeros([2, 3]), fl.tensor([0, 1]), { labelSmoothing: S })));
    refused(() => fl.zeros([2], { dtype: S }), fl.DTypeError);                                               // checkDType's message
    refused(() => new fl.nn.Dropout(S));
    refused(() => new fl.nn.Sequential(new Map([[S, new fl.nn.Identity()]]) as any));
    refused(() => new fl.models.KVCache(S, 1, 1));
    refused(() => new fl.models.GPT2({ n_embd: 8, n_head: 2, activation_function: S }));
    refused(() => new fl.models.GPT2({ n_embd: 10n as any, n_head: 2 }));                                   // JSON.stringify of a BigInt
    refused(() => new fl.data.DistributedSampler({ length: 4 } as any, { numReplicas: 1, rank: 0 }).setEpoch(S));
    refused(() => fl.scope(() => fl.gradcheck((a: fl.Tensor) => a, [fl.zeros([2], { dtype: 'float64' })], { eps: S })));
    refused(() => fl.backend.setNumThreads(S));                                                              // was a RangeError's message
  });

  test('nn.RNNCellBase constructed directly (as RNNBase: a ValueError naming the cells to use)', () => {
    refused(() => new (fl.nn.RNNCellBase as any)(true, undefined));
    refused(() => new (fl.nn.RNNCellBase as any)('GRUCell', 5));
  });

  test('data: CharTokenizer and readIdx', () => {
    refused(() => new fl.data.TextWindowDataset([1, 2, 3, 4], 2).getBatch(undefined as any));  // was a TypeError reading its length
    refused(() => fl.data.CharTokenizer.fromVocab(5 as any));
    refused(() => fl.data.CharTokenizer.fromText('ab').decode(5 as any));
    refused(() => fl.data.readIdx('no-such-file-here.idx'), fl.FileError);
  });

  test('the native GPU bindings check that number arguments are numbers (was node-addon-api\'s untyped "A number was expected")', () => {
    const e = thrown(() => binding.gpuStreamSynchronize('x' as any)) as { code?: string; message?: string };
    expect([e.code, e.message]).toEqual(['ValueError', 'GPU binding: expected a number (a stream, event, device or size)']);
  });

  test('cuda: Stream and Event methods refuse what is not a Stream or an Event (without a GPU: BackendUnavailableError)', () => {
    if (!ON_GPU) {
      refused(() => new fl.cuda.Stream(), fl.BackendUnavailableError);
      refused(() => new fl.cuda.Stream(null as any));
      return;
    }
    const s = new fl.cuda.Stream();
    const ev = new fl.cuda.Event();
    refused(() => s.waitEvent(5 as any));
    refused(() => s.waitStream(null as any));
    refused(() => s.recordEvent(null as any));
    refused(() => ev.record(7 as any));
    refused(() => ev.wait([] as any));
    refused(() => ev.elapsedTime(null as any));
    refused(() => new fl.cuda.Stream(null as any));
    refused(() => new fl.cuda.Event(null as any));
    fl.scope(() => refused(() => fl.zeros([2], { device: 'cuda' }).recordStream(5 as any)));
  });
  test('backend.setNumThreads refuses a pool it could never start (the fuzzer, once it reached fl.backend: 2^31 - 1 threads ended the process with std::system_error)', () => {
    const before = fl.backend.info().threads;
    try {
      refused(() => fl.backend.setNumThreads(2 ** 31 - 1));
      refused(() => fl.backend.setNumThreads(1025));
      fl.backend.setNumThreads(1024);  // the limit itself is accepted (threads start only when a job needs them)
      expect(fl.backend.info().threads).toBe(1024);
    } finally {
      fl.backend.setNumThreads(before);
    }
  });
});
