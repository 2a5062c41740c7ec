// idx.ts — the IDX file format (the MNIST files) and `MnistDataset`.
//
// Layout (http://yann.lecun.com/exdb/mnist/): two zero bytes, a type byte, a byte with the number
// of dims; then each dim as a big-endian uint32; then the values, row-major, big-endian.
//   0x08 uint8 → uint8     0x09 int8 → int32     0x0B int16 → int32
//   0x0C int32 → int32     0x0D float32 → float32 0x0E float64 → float64
// Byte swapping is done by Buffer.swap16/32/64 (native), not a JS loop. Files may be gzipped
// (detected by the gzip magic, as the `.gz` files MNIST is distributed in). Anything malformed is
// a ValueError (DTypeError for an unknown type byte) naming the source; the host is little-endian.
import * as fs from 'fs';
import * as path from 'path';
import { gunzipSync } from 'zlib';
import { DType } from '../dtype';
import { DTypeError, FileError, ShapeError, ValueError } from '../errors';
import { scope, Tensor } from '../tensor';
import { tensor } from '../ops/creation';
import '../ops/views';
import { TensorDataset } from './tensor-dataset';
import * as A from '../args';
import { describeArg } from '../arity';
import { optional, required, signature } from '../args';

/** A decoded IDX array: host values (plain data, no tensor). */
export interface IdxArray {
  dtype: DType;
  shape: number[];
  data: Uint8Array | Int32Array | Float32Array | Float64Array;
}

const TYPES: Record<number, { name: string; size: number; dtype: DType }> = {
  0x08: { name: 'uint8', size: 1, dtype: 'uint8' },
  0x09: { name: 'int8', size: 1, dtype: 'int32' },
  0x0b: { name: 'int16', size: 2, dtype: 'int32' },
  0x0c: { name: 'int32', size: 4, dtype: 'int32' },
  0x0d: { name: 'float32', size: 4, dtype: 'float32' },
  0x0e: { name: 'float64', size: 8, dtype: 'float64' },
};

const hex = (v: number): string => '0x' + v.toString(16).padStart(2, '0');

/**
 * Decodes IDX bytes (gzipped or not) into host values, without making a tensor (usable in
 * DataLoader workers): `fl.data.parseIdx(fs.readFileSync('t10k-labels-idx1-ubyte'))`.
 */
export function parseIdx(bytes: Uint8Array, source = 'buffer'): IdxArray {
  // source only names the data in messages; a non-string (a Symbol cannot go into a template) is refused first
  if (typeof source !== 'string') throw new ValueError(`parseIdx: source must be a string naming the data, got ${describeArg(source)}`);
  const ctx = `readIdx(${source})`;
  if (!(bytes instanceof Uint8Array)) throw new ValueError(`${ctx}: expected a Buffer or Uint8Array`);
  let buf = bytes;
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try { buf = gunzipSync(buf); } catch (e) { throw new ValueError(`${ctx}: corrupt gzip data: ${(e as Error).message}`); }
  }
  if (buf.length < 4) throw new ValueError(`${ctx}: ${String(buf.length)} bytes is too short for an IDX header`);
  if (buf[0] !== 0 || buf[1] !== 0) {
    throw new ValueError(`${ctx}: bad magic number ${hex(buf[0])} ${hex(buf[1])} ${hex(buf[2])} ${hex(buf[3])}: an IDX file starts with two zero bytes`);
  }
  const type = TYPES[buf[2]];
  if (!type) throw new DTypeError(`${ctx}: unknown IDX type byte ${hex(buf[2])} (known: 0x08 uint8, 0x09 int8, 0x0b int16, 0x0c int32, 0x0d float32, 0x0e float64)`);
  const ndim = buf[3];
  const header = 4 + 4 * ndim;
  if (buf.length < header) throw new ValueError(`${ctx}: truncated header: ${String(ndim)} dims need ${String(header)} bytes, the data has ${String(buf.length)}`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let d = 0; d < ndim; d++) {
    const s = view.getUint32(4 + 4 * d, false);
    shape.push(s);
    count *= s;
  }
  const need = count * type.size;
  const have = buf.length - header;
  if (have < need) {
    throw new ValueError(`${ctx}: truncated data: shape [${shape.join(', ')}] of ${type.name} needs ${String(need)} bytes after the header, the data has ${String(have)}`);
  }
  if (have > need) {
    throw new ValueError(`${ctx}: ${String(have - need)} unexpected bytes after the ${String(need)} bytes of shape [${shape.join(', ')}] ${type.name}`);
  }
  const payload = buf.subarray(header);
  let data: IdxArray['data'];
  switch (buf[2]) {
    case 0x08: data = payload.slice(); break;
    case 0x09: data = new Int32Array(count); data.set(new Int8Array(payload.buffer, payload.byteOffset, count)); break;
    case 0x0b: {
      const tmp = new Int16Array(count);
      new Uint8Array(tmp.buffer).set(payload);
      Buffer.from(tmp.buffer).swap16();
      data = new Int32Array(count);
      data.set(tmp);
      break;
    }
    default: {
      const Ctor = buf[2] === 0x0c ? Int32Array : buf[2] === 0x0d ? Float32Array : Float64Array;
      data = new Ctor(count);
      new Uint8Array(data.buffer).set(payload);
      if (type.size === 4) Buffer.from(data.buffer).swap32(); else Buffer.from(data.buffer).swap64();
    }
  }
  return { dtype: type.dtype, shape, data };
}

/** The bytes of an IDX file; Node's fs error becomes a FileError naming the op and the path. */
function readBytes(file: string, op: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as { code?: unknown } | null)?.code;
    if (typeof code !== 'string') throw e;
    throw new FileError(`${op}: cannot read '${file}': ${(e as Error).message}`, code, { cause: e });
  }
}

/**
 * Reads an IDX file (or its bytes) into a tensor of the matching dtype (int8/int16 widen to
 * int32; see the file comment):
 *
 * ```ts
 * const images = fl.data.readIdx('data/train-images-idx3-ubyte.gz');  // uint8 [60000, 28, 28]
 * ```
 */
export function readIdx(src: string | Uint8Array): Tensor {
  const { dtype, shape, data } = typeof src === 'string'
    ? parseIdx(readBytes(src, 'readIdx'), src)
    : parseIdx(src);
  return scope(() => tensor(data, { dtype }).reshape(shape));
}

/** Options of `MnistDataset`. */
export interface MnistOptions {
  /** The training set (60 000 images, default) or the test set (10 000). */
  train?: boolean;
}

// PyTorch (torchvision): MNIST(root, train=True, …) (lib/args.ts).
const MNIST_ARGS = signature('MnistDataset', ['root', 'train'], { root: required(A.anyValue<never>()), train: optional(A.bool, true) });

function findFile(root: string, base: string): string {
  const names = [base, base + '.gz', base.replace(/-idx/, '.idx'), base.replace(/-idx/, '.idx') + '.gz'];
  const dirs = [root, path.join(root, 'MNIST', 'raw'), path.join(root, 'raw')];
  const tried: string[] = [];
  for (const d of dirs) {
    for (const n of names) {
      const p = path.join(d, n);
      if (fs.existsSync(p)) return p;
      tried.push(p);
    }
  }
  throw new ValueError(`MnistDataset: cannot find ${base} (tried ${tried.join(', ')})`);
}

/**
 * MNIST (or any images/labels pair of IDX files) as a `TensorDataset`: item `i` is
 * `[image uint8 [28, 28], label int32 []]`, batches are `[uint8 [B, 28, 28], int32 [B]]`.
 * Looks in `root`, `root/MNIST/raw` and `root/raw` for `train-images-idx3-ubyte` /
 * `train-labels-idx1-ubyte` (`t10k-*` with `train: false`), gzipped or not. The dataset owns
 * its two tensors: `dispose()` it when done. Scale images with `x.to('float32').div(255)`.
 *
 * ```ts
 * const train = new fl.data.MnistDataset('data', { train: true });
 * const loader = new fl.data.DataLoader(train, { batchSize: 64, shuffle: true, seed: 0 });
 * ```
 */
export class MnistDataset extends TensorDataset {
  readonly images: Tensor;
  readonly labels: Tensor;

  constructor(root: string | { images: string; labels: string }, options?: MnistOptions);
  constructor(root: string | { images: string; labels: string }, train: boolean);
  constructor(...args: unknown[]) {
    // root may itself be a plain object ({ images, labels }), so it is taken before the options
    const root = args[0] as string | { images: string; labels: string };
    const options = MNIST_ARGS.parse(args.slice(1), 1);
    const prefix = options.train ? 'train' : 't10k';
    const files = typeof root === 'string'
      ? { images: findFile(root, `${prefix}-images-idx3-ubyte`), labels: findFile(root, `${prefix}-labels-idx1-ubyte`) }
      : root;
    const [images, labels] = MnistDataset.load(files);
    super(images, labels);
    this.images = images;
    this.labels = labels;
  }

  private static load(files: { images: string; labels: string }): [Tensor, Tensor] {
    if (!files || typeof files.images !== 'string' || typeof files.labels !== 'string') {
      throw new ValueError('MnistDataset: expected a root folder or { images, labels } file paths');
    }
    const img = parseIdx(readBytes(files.images, 'MnistDataset'), files.images);
    const lab = parseIdx(readBytes(files.labels, 'MnistDataset'), files.labels);
    if (img.shape.length !== 3 || img.dtype !== 'uint8') {
      throw new ShapeError(`MnistDataset: ${files.images} holds ${img.dtype} [${img.shape.join(', ')}], expected uint8 [N, H, W]`);
    }
    if (lab.shape.length !== 1 || lab.dtype !== 'uint8') {
      throw new ShapeError(`MnistDataset: ${files.labels} holds ${lab.dtype} [${lab.shape.join(', ')}], expected uint8 [N]`);
    }
    if (img.shape[0] !== lab.shape[0]) {
      throw new ShapeError(`MnistDataset: ${String(img.shape[0])} images but ${String(lab.shape[0])} labels`);
    }
    return scope(() => [tensor(img.data, { dtype: 'uint8' }).reshape(img.shape), tensor(lab.data, { dtype: 'int32' })]);
  }

  /** Frees the images and labels. */
  dispose(): void {
    this.images.dispose();
    this.labels.dispose();
  }
}
