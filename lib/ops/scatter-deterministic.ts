// scatter-deterministic.ts — the deterministic GPU scatter-add of fl.useDeterministicAlgorithms,
// registered with lib/deterministic.ts when the ops layer loads (lib/ops/indexing.ts's scatterInto
// calls it instead of the atomic kernel for a floating scatter-add on the GPU while the flag is on).
// It is torch's deterministic index_put(accumulate) / index_add, composed of deterministic ops:
// 1. keys: each source element's target. When the index is the same across the dims other than
//    `dim` (indexAdd, indexPut, the backwards of indexSelect and embedding), the keys are its values
//    along `dim` and whole rows move together; otherwise each element's flat position in self.
// 2. a stable sort of the keys (sort.ts's kernel orders (key, position) pairs: stable on every
//    device), and the payload gathered in that order;
// 3. a segmented inclusive scan over the runs of equal keys in ceil(log2 n) rounds of
//    v[i] = v[i] + v[i - s] where key[i - s] == key[i] (Hillis–Steele; elementwise ops, so the
//    order of the additions is fixed by the data, never by the scheduling of threads);
// 4. self's rows at the sorted keys plus the scan, written back by the assigning scatter, whose
//    last write along dim wins (its winner pass): the last row of each run, which holds the whole sum.
// Results equal the CPU's up to rounding (a tree order of additions, self's value added last,
// where the CPU adds in index order) and are bit-identical from run to run. The indices are checked
// first, synchronously (one read of their min and max), so that a bad index leaves self unchanged
// and names the op, as the kernel does. Cost: a sort of the keys and about 4 ceil(log2 n) small
// elementwise kernels (n = the number of keys), where the atomic kernel is one launch.
import { noGrad } from '../autograd';
import { deterministicState } from '../deterministic';
import { IndexError } from '../errors';
import { contiguousStrides } from '../shape';
import { contiguousCopy, copyInto, scopeSync, Tensor } from '../tensor';
import { arange } from './creation';
import { add, eq, mul, where } from './elementwise';
import { indexSelect } from './indexing';
import { amax, amin } from './reduce';
import { sort } from './sort';
import { narrow, permute, reshape } from './views';

/** A 0-dim tensor seen as shape [1] (as the kernel sees it). */
function atLeast1d(t: Tensor): Tensor {
  return t._shape.length === 0 ? t._view([1], [1], t._offset) : t;
}

/**
 * target[keys[i]] += payload[i] for every i, deterministically: target [S, ...rest] (any strides),
 * keys int32 [k] within [0, S), payload [k, ...rest] of target's dtype.
 */
function segmentedAdd(target: Tensor, keys: Tensor, payload: Tensor): void {
  const k = keys._shape[0];
  const rest = payload._shape.slice(1);
  const { values: sorted, indices: order } = sort(keys, 0);
  const v = indexSelect(payload, 0, order);  // a fresh contiguous tensor, scanned in place
  const ones = rest.map(() => 1);
  for (let s = 1; s < k; s *= 2) {
    const n = k - s;
    scopeSync(() => {  // each round's temporaries go at once (a row payload can be large)
      const same = reshape(eq(narrow(sorted, 0, s, n), narrow(sorted, 0, 0, n)), [n, ...ones]);
      const hi = narrow(v, 0, s, n);
      copyInto(hi, where(same, add(hi, narrow(v, 0, 0, n)), hi), 'scatterAdd');
    });
  }
  const sums = add(indexSelect(target, 0, sorted), v);
  // the sorted keys along dim 0, the same for every element of a row
  const wide = sorted._view([k, ...rest], [sorted._strides[0], ...rest.map(() => 0)], sorted._offset);
  target.scatter_(0, wide, sums);
}

function scatterAddDeterministic(self0: Tensor, d: number, index0: Tensor, src0: Tensor, name: string): boolean {
  if (self0.numel > 2147483647) return false;  // flat positions are int32
  noGrad(() => scopeSync(() => {
    const self = atLeast1d(self0), index = atLeast1d(index0), src = atLeast1d(src0);
    const size = self._shape[d];
    const lo = amin(index).item(), hi = amax(index).item();
    if (lo < 0 || hi >= size) throw new IndexError(`${name}: index ${lo < 0 ? lo : hi} is out of bounds for dim ${d} with size ${size}`);
    const is = index._shape;
    const piece = src._view(is, src._strides, src._offset);  // src cut to the index's extent
    const rows = is.every((n, i) => i === d || n === 1 || index._strides[i] === 0);
    if (rows) {
      // one key per position along dim: the region of self the index covers, dim first
      const perm = [d, ...is.map((_, i) => i).filter((i) => i !== d)];
      const region = self._view(is.map((n, i) => (i === d ? size : n)), self._strides, self._offset);
      const keys = index._view([is[d]], [index._strides[d]], index._offset);
      segmentedAdd(permute(region, perm), keys, permute(piece, perm));
      return;
    }
    // one key per element: its flat position in a contiguous self
    const flat = self.isContiguous() ? self : contiguousCopy(self, name);
    const cs = contiguousStrides(self._shape);
    let pos = mul(index, cs[d]);
    for (let i = 0; i < is.length; i++) {
      if (i === d || is[i] === 1) continue;
      const at = is.map((_, j) => (j === i ? is[i] : 1));
      pos = add(pos, mul(reshape(arange(is[i], { dtype: 'int32', device: self.device }), at), cs[i]));
    }
    segmentedAdd(flat._view([self.numel], [1], flat._offset), reshape(pos, [-1]), reshape(piece, [-1]));
    if (flat !== self) copyInto(self, flat, name);
  }));
  return true;
}

deterministicState.scatterAdd = scatterAddDeterministic;
