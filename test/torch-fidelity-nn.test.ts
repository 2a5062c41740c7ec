// torch-fidelity-nn.test.ts — regressions for the differences from PyTorch 1.13 that
// bench/torch-diff.js (bench/torch-diff-specs-nn.js) found in fl.nn.functional, the losses and the
// norm layers. Expected values come from PyTorch 1.13 (CPU), with the call that made them beside each.
import * as fl from '../lib';

const { nn } = fl;
const F = nn.functional;
const f64 = (v: number[] | number[][], shape?: number[]) => {
  const t = fl.tensor(v as number[], { dtype: 'float64' });
  return shape ? t.reshape(shape) : t;
};

describe('BCE weights must not widen the loss (PyTorch refuses them)', () => {
  test('binaryCrossEntropy: a weight broadcasting beyond the input is a ShapeError naming the op and shapes', () => {
    fl.scope(() => {
      const x = f64([0.25, 0.5, 0.75]), t = f64([1, 0, 0.5]);
      // torch: F.binary_cross_entropy(x[3], t[3], weight=w[2, 3]) -> RuntimeError: output with shape [3]
      // doesn't match the broadcast shape [2, 3]; flintml gave a [2, 3]-shaped 'none' loss
      for (const reduction of ['none', 'mean'] as const) {
        expect(() => F.binaryCrossEntropy(x, t, { weight: fl.ones([2, 3], { dtype: 'float64' }), reduction })).toThrow(fl.ShapeError);
      }
      expect(() => F.binaryCrossEntropy(x, t, { weight: fl.ones([2, 3], { dtype: 'float64' }) })).toThrow(/binaryCrossEntropy: weight of shape \[2, 3\] does not broadcast to the input's shape \[3\]/);
    });
  });

  test('binaryCrossEntropyWithLogits: weight or posWeight widening the input is a ShapeError', () => {
    fl.scope(() => {
      const x = f64([0.5]).reshape([]), t = f64([1]).reshape([]);
      // torch: F.binary_cross_entropy_with_logits(x[], t[], pos_weight=pw[1]) -> RuntimeError: output
      // with shape [] doesn't match the broadcast shape [1]
      expect(() => F.binaryCrossEntropyWithLogits(x, t, { posWeight: f64([2]) })).toThrow(/binaryCrossEntropyWithLogits: posWeight of shape \[1\] does not broadcast to the input's shape \[\]/);
      expect(() => F.binaryCrossEntropyWithLogits(x, t, { weight: f64([1, 2]), reduction: 'sum' })).toThrow(fl.ShapeError);
      expect(() => F.binaryCrossEntropyWithLogits(f64([1, 2, 3]), f64([0, 1, 1]), { posWeight: fl.ones([1, 3], { dtype: 'float64' }), reduction: 'sum' })).toThrow(fl.ShapeError);
    });
  });

  test('weights that broadcast to the input still work', () => {
    fl.scope(() => {
      const x = f64([0.25, 0.5, 0.75, 0.1, 0.9, 0.5], [2, 3]), t = f64([1, 0, 0.5, 0, 1, 1], [2, 3]);
      const w = f64([1, 2, 0.5]);
      // torch: F.binary_cross_entropy(x, t, weight=w).item() (float64) = 0.6422896613143584
      expect(F.binaryCrossEntropy(x, t, { weight: w }).item()).toBeCloseTo(0.6422896613143584, 12);
      // torch: F.binary_cross_entropy_with_logits(x, t, weight=w, pos_weight=[2., 1., 3.]).item() = 0.9687039500067846
      expect(F.binaryCrossEntropyWithLogits(x, t, { weight: w, posWeight: f64([2, 1, 3]) }).item()).toBeCloseTo(0.9687039500067846, 12);
    });
  });
});

describe('smoothL1Loss with beta = 0: PyTorch\'s gradient at d = 0', () => {
  test('input and target both get -1 where input == target', () => {
    fl.scope(() => {
      const x = f64([1.25, 2, 0, -1]).requiresGrad_(true), y = f64([1.25, 1, 0, -0.5]).requiresGrad_(true);
      const l = F.smoothL1Loss(x, y, { reduction: 'sum', beta: 0 });
      l.backward();
      // torch: l = F.smooth_l1_loss(x, y, reduction='sum', beta=0.0); l.backward()
      //   l = 1.5, x.grad = [-1, 1, -1, -1], y.grad = [-1, -1, -1, 1]
      expect(l.item()).toBe(1.5);
      expect(Array.from(x.grad!.toArray() as Float64Array)).toEqual([-1, 1, -1, -1]);
      expect(Array.from(y.grad!.toArray() as Float64Array)).toEqual([-1, -1, -1, 1]);
    });
  });
});

describe('groupNorm: one value per group in a batch of one is refused, as PyTorch', () => {
  test('F.groupNorm and nn.GroupNorm throw ValueError', () => {
    fl.scope(() => {
      // torch: F.group_norm(torch.randn(1, 2), 2) -> ValueError: Expected more than 1 value per channel
      // when training, got input size [1, 2] (flintml returned the bias alone)
      expect(() => F.groupNorm(fl.randn([1, 2]), 2)).toThrow(fl.ValueError);
      expect(() => F.groupNorm(fl.randn([1, 2, 1, 1]), 2)).toThrow(/groupNorm: expected more than 1 value per group, got input of shape \[1, 2, 1, 1\]/);
      const gn = new nn.GroupNorm(2, 2);
      expect(() => gn.forward(fl.randn([1, 2]))).toThrow(fl.ValueError);
      gn.dispose();
      // still accepted: two samples, or two values per group
      expect(F.groupNorm(fl.randn([2, 2]), 2).shape).toEqual([2, 2]);
      expect(F.groupNorm(fl.randn([1, 4]), 2).shape).toEqual([1, 4]);
    });
  });
});

describe('batchNorm in training on an empty batch, as PyTorch', () => {
  test('F.batchNorm: empty output, running stats left as they are', () => {
    fl.scope(() => {
      const rm = fl.tensor([0.5, -1]), rv = fl.tensor([2, 3]);
      // torch: F.batch_norm(torch.zeros(0, 2, 3), rm, rv, training=True, momentum=0.5) -> shape [0, 2, 3];
      // rm, rv stay [0.5, -1], [2, 3] (flintml refused with ValueError)
      const y = F.batchNorm(fl.zeros([0, 2, 3]), rm, rv, { training: true, momentum: 0.5 });
      expect(y.shape).toEqual([0, 2, 3]);
      expect(Array.from(rm.toArray() as Float32Array)).toEqual([0.5, -1]);
      expect(Array.from(rv.toArray() as Float32Array)).toEqual([2, 3]);
      // one value per channel is still refused: torch's _verify_batch_size
      expect(() => F.batchNorm(fl.zeros([1, 2, 1]), rm, rv, { training: true })).toThrow(fl.ValueError);
    });
  });

  test('nn.BatchNorm1d: an empty batch counts as a batch and leaves the running stats', () => {
    const bn = new nn.BatchNorm1d(3);
    fl.scope(() => {
      // torch: m = nn.BatchNorm1d(3); m(torch.randn(0, 3)).shape -> [0, 3]; m.num_batches_tracked = 1,
      // m.running_mean = [0, 0, 0]
      expect(bn.forward(fl.zeros([0, 3])).shape).toEqual([0, 3]);
      expect(bn.numBatchesTracked!.item()).toBe(1);
      expect(Array.from(bn.runningMean!.toArray() as Float32Array)).toEqual([0, 0, 0]);
      expect(Array.from(bn.runningVar!.toArray() as Float32Array)).toEqual([1, 1, 1]);
      expect(() => bn.forward(fl.zeros([1, 3]))).toThrow(fl.ValueError);
    });
    bn.dispose();
  });
});
