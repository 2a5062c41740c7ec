// error-messages.test.ts — the errors a PyTorch user meets first say what is wrong, in flintml's
// typed errors, naming the op: crossEntropy with float class indices (a dtype error, as PyTorch's
// "expected scalar type Long"), indexing errors without internal JSON, OutOfMemoryError naming the
// op and the tensor, a missing file naming the path, add/sub's alpha option.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fl from '../lib';
import { DEVICE } from './helpers';

const dev = { device: DEVICE };

function thrown(f: () => unknown): Error {
  try { f(); } catch (e) { return e as Error; }
  throw new Error('expected an error');
}

describe('error messages', () => {
  test('crossEntropy with float class indices is a DTypeError about the dtype, not a shape mismatch', () => {
    fl.scope(() => {
      const logits = fl.zeros([3, 5], dev);
      for (const target of [fl.tensor([1.5, 0, 4], { dtype: 'float32', ...dev }), fl.tensor([1, 0, 4], { dtype: 'float64', ...dev })]) {
        const e = thrown(() => fl.nn.functional.crossEntropy(logits, target));
        expect(e).toBeInstanceOf(fl.DTypeError);
        expect(e.message).toMatch(/^crossEntropy: expected int32 class indices for a target of shape \[3\] \(input \[3, 5\]\), got float(32|64); cast with \.long\(\) or \.int\(\)/);
      }
      const e1 = thrown(() => fl.nn.functional.crossEntropy(fl.zeros([5], dev), fl.tensor(2, { dtype: 'float32', ...dev })));
      expect(e1).toBeInstanceOf(fl.DTypeError);
      // what the float branch is for still works: class probabilities shaped like the input (uniform logits: log 5)
      const probs = fl.full([3, 5], 0.2, dev);
      expect(fl.nn.functional.crossEntropy(logits, probs).item()).toBeCloseTo(Math.log(5), 6);
      // a float target of another shape is still a shape error
      expect(() => fl.nn.functional.crossEntropy(logits, fl.zeros([3, 4], dev))).toThrow(fl.ShapeError);
      // and the module form says the same
      expect(() => new fl.nn.CrossEntropyLoss().forward(logits, fl.tensor([1, 0, 4], { dtype: 'float32', ...dev }))).toThrow(/expected int32 class indices/);
    });
  });

  test('indexing errors describe the index, never print internal JSON', () => {
    fl.scope(() => {
      const x = fl.zeros([2, 3], dev);
      const errors = [
        thrown(() => x.index({ a: 1 } as unknown as fl.IndexSpec)),
        thrown(() => x.index(fl.zeros([2], dev))),
        thrown(() => x.index(() => 1 as unknown as fl.IndexSpec)),
        thrown(() => x.index(5)),
        thrown(() => x.indexPut_([{ b: 2 } as unknown as fl.IndexSpec], 1)),
      ];
      for (const e of errors) {
        expect(e).toBeInstanceOf(fl.FlintError);
        expect(e.message).toMatch(/^index(Put_)?: /);
        expect(e.message).not.toMatch(/[{}]|_storage|_shape|handle/);
      }
      expect(errors[0].message).toMatch(/bad index spec an object/);
      expect(errors[1].message).toMatch(/got float32 of shape \[2\]/);
    });
  });

  test('OutOfMemoryError names the op and the tensor it was making', () => {
    const e = thrown(() => fl.empty([1e6, 1e6], dev));
    expect(e).toBeInstanceOf(fl.OutOfMemoryError);
    expect(e.message).toMatch(/^empty: .*out of memory.* \(a float32 tensor of shape \[1000000, 1000000\]\)$/s);
    const z = thrown(() => fl.zeros([1e6, 1e6], { dtype: 'float64', ...dev }));
    expect(z).toBeInstanceOf(fl.OutOfMemoryError);
    expect(z.message).toMatch(/^zeros: /);
    expect(z.message).toMatch(/float64 tensor of shape \[1000000, 1000000\]/);
  });

  test('a missing or unreadable file is a FileError naming the path', async () => {
    const missing = path.join(os.tmpdir(), `flintml-missing-${process.pid}`, 'model.safetensors');
    for (const f of [() => fl.loadSync(missing), () => fl.loadMetadataSync(missing), () => fl.loadCheckpointSync(missing)]) {
      const e = thrown(f);
      expect(e).toBeInstanceOf(fl.FileError);
      expect(e).toBeInstanceOf(fl.FlintError);
      expect(e.message).toContain(`'${missing}'`);
      expect(e.message).toMatch(/no such file or directory \(ENOENT\)/);
      expect((e as fl.FileError).code).toBe('ENOENT');
    }
    await expect(fl.load(missing)).rejects.toThrow(fl.FileError);
    await expect(fl.load(missing)).rejects.toThrow(/^load: cannot open '.*model\.safetensors': no such file or directory \(ENOENT\)$/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flintml-dir-'));
    try {
      expect(() => fl.loadSync(dir)).toThrow(/^loadSync: cannot read '.*': is a directory \(EISDIR\)$/);
      const t = fl.zeros([2]);
      try {
        expect(() => fl.saveSync({ t }, path.join(dir, 'no', 'such', 'dir', 'x.safetensors'))).toThrow(fl.FileError);
        await expect(fl.save({ t }, dir)).rejects.toThrow(/^save: cannot write '.*': is a directory \(EISDIR\)$/);
      } finally { t.dispose(); }
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });

  test("add/sub take alpha positionally or as { alpha }; a bad option names the op", () => {
    fl.scope(() => {
      const a = fl.tensor([1, 2], dev), b = fl.tensor([10, 20], dev);
      expect(a.add(b, { alpha: 2 }).toArray()).toEqual([21, 42]);
      expect(fl.add(a, b, 2).toArray()).toEqual([21, 42]);
      expect(a.float().sub(b, { alpha: 0.5 }).toArray()).toEqual([-4, -8]);
      // as torch: a fractional alpha with integer operands is refused (it would make the sum a float)
      expect(() => a.sub(b, { alpha: 0.5 })).toThrow(/^sub: alpha must be an integer for int32 operands, got 0\.5$/);
      expect(() => fl.add(a, 1, 0.5)).toThrow(fl.DTypeError);
      expect(a.clone().add_(b, { alpha: -1 }).toArray()).toEqual([-9, -18]);
      // a JS number as other: torch.add(x, 1, alpha=2) == x + 2 (once 'mul: at least one operand must be a Tensor')
      const x = fl.tensor([1, 2, 3], dev), xf = fl.tensor([1, 2, 3], { dtype: 'float32', device: dev.device });
      expect(fl.add(x, 1, 2).toArray()).toEqual([3, 4, 5]);              // torch.add(i, 1, alpha=2): [3, 4, 5]
      expect(x.sub(1, { alpha: 3 }).toArray()).toEqual([-2, -1, 0]);     // torch.sub(i, 1, alpha=3): [-2, -1, 0]
      expect(x.sub(1, 3).dtype).toBe('int32');
      expect(xf.clone().sub_(1, 0.5).toArray()).toEqual([0.5, 1.5, 2.5]); // x.clone().sub_(1, alpha=0.5)
      expect(() => fl.add(x, 1, 0.5)).toThrow(/^add: alpha must be an integer for int32 operands, got 0\.5$/);
      expect(() => a.add(b, { alfa: 2 } as unknown as { alpha: number })).toThrow(/^add: unknown option 'alfa' \(did you mean 'alpha'\?\)$/);
      expect(() => fl.sub(a, b, { alpha: '2' } as unknown as { alpha: number })).toThrow(/^sub: alpha must be a number, got string$/);
      expect(() => a.clone().mul_(b, 2 as never)).toThrow(/^mul_: takes 1 positional argument \(other\) but 2 were given/);
    });
  });
});
