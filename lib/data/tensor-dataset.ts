// tensor-dataset.ts — `TensorDataset`: items are the rows of one or more tensors of equal length.
import { ShapeError, ValueError } from '../errors';
import { fmt } from '../shape';
import { Tensor } from '../tensor';
import { tensor } from '../ops/creation';
import { indexSelect } from '../ops/indexing';
import '../ops/views';
import { Dataset } from './dataset';

/**
 * Rows of tensors that share their first dim, as `torch.utils.data.TensorDataset`. Item `i` is the
 * array of views `[t0.select(0, i), t1.select(0, i), …]` (dispose them, or let the DataLoader do it);
 * a batch is one `indexSelect` per tensor. The dataset does not own the tensors.
 *
 * ```ts
 * const ds = new fl.data.TensorDataset(fl.randn([100, 3]), fl.randint(0, 2, [100]));
 * const [x, y] = ds.get(0);  // shapes [3] and []
 * ```
 */
export class TensorDataset extends Dataset<Tensor[]> {
  readonly tensors: readonly Tensor[];

  constructor(...tensors: Tensor[]) {
    super();
    if (tensors.length === 0) throw new ValueError('TensorDataset: expected at least one tensor');
    tensors.forEach((t, k) => {
      if (!(t instanceof Tensor)) throw new ValueError(`TensorDataset: argument ${String(k)} is not a Tensor`);
      t._handleFor('TensorDataset');
      if (t.ndim === 0) throw new ShapeError(`TensorDataset: tensor ${String(k)} is 0-dim; every tensor needs a first dim to index`);
    });
    const n = tensors[0]._shape[0];
    if (tensors.some((t) => t._shape[0] !== n)) {
      throw new ShapeError(`TensorDataset: size mismatch between tensors: first dims of ${tensors.map((t) => fmt(t._shape)).join(', ')} differ`);
    }
    this.tensors = tensors;
  }

  get length(): number { return this.tensors[0]._shape[0]; }

  get(index: number): Tensor[] {
    const out: Tensor[] = [];
    try {
      for (const t of this.tensors) out.push(t.select(0, index));
    } catch (e) { out.forEach((v) => v.dispose()); throw e; }
    return out;
  }

  /** The rows at `indices` of every tensor: `[indexSelect(t0, 0, idx), …]`. */
  getBatch(indices: Int32Array): Tensor[] {
    const idx = tensor(indices, { dtype: 'int32', device: this.tensors[0].device });
    const out: Tensor[] = [];
    try {
      for (const t of this.tensors) out.push(indexSelect(t, 0, idx));
    } catch (e) { out.forEach((v) => v.dispose()); throw e; } finally { idx.dispose(); }
    return out;
  }
}
