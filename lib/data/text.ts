// text.ts — character-level text: `CharTokenizer` (vocabulary = the sorted distinct characters of a
// text, as in nanoGPT's shakespeare_char) and `TextWindowDataset` (next-token windows over a token
// sequence, for language models).
import { DTypeError, IndexError, ShapeError, ValueError } from '../errors';
import { fmt } from '../shape';
import { Tensor } from '../tensor';
import { tensor, TensorOptions } from '../ops/creation';
import { reshape } from '../ops/views';
import { Dataset } from './dataset';
import { describeArg } from '../arity';

/**
 * Characters ↔ int32 ids. Characters are Unicode code points (an emoji is one character), sorted
 * by code point, as Python's `sorted(set(text))`.
 *
 * ```ts
 * const tok = fl.data.CharTokenizer.fromText('hello world');
 * tok.vocabSize;                 // 8
 * tok.decode(tok.encode('hello')); // 'hello'
 * ```
 */
export class CharTokenizer {
  /** The vocabulary: id → character. */
  readonly chars: readonly string[];
  private readonly ids: Map<string, number>;

  private constructor(chars: string[]) {
    if (!Array.isArray(chars)) throw new ValueError('CharTokenizer: the constructor is private; use CharTokenizer.fromText or fromVocab');
    this.chars = chars;
    this.ids = new Map(chars.map((c, i) => [c, i]));
  }

  /** The tokenizer whose vocabulary is the distinct characters of `text`. */
  static fromText(text: string): CharTokenizer {
    if (typeof text !== 'string') throw new ValueError(`CharTokenizer.fromText: expected a string, got ${typeof text}`);
    const set = new Set<string>();
    for (const c of text) set.add(c);
    return new CharTokenizer([...set].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!));
  }

  /** The tokenizer with this vocabulary, in this order (e.g. `tok.chars` saved earlier). */
  static fromVocab(chars: readonly string[] | string): CharTokenizer {
    if (typeof chars !== 'string' && !Array.isArray(chars)) throw new ValueError(`CharTokenizer.fromVocab: expected a string or an array of characters, got ${describeArg(chars)}`);
    const list = typeof chars === 'string' ? [...chars] : [...chars];
    const seen = new Set<string>();
    for (const c of list) {
      if (typeof c !== 'string' || [...c].length !== 1) throw new ValueError(`CharTokenizer.fromVocab: each entry must be one character, got ${describeArg(c)}`);
      if (seen.has(c)) throw new ValueError(`CharTokenizer.fromVocab: duplicate character ${JSON.stringify(c)}`);
      seen.add(c);
    }
    return new CharTokenizer(list);
  }

  /** Number of distinct characters. */
  get vocabSize(): number { return this.chars.length; }

  /** The ids of the characters of `text`; a character outside the vocabulary is a ValueError. */
  encode(text: string): Int32Array {
    if (typeof text !== 'string') throw new ValueError(`CharTokenizer.encode: expected a string, got ${typeof text}`);
    const out = new Int32Array(text.length);  // code points <= UTF-16 units
    let n = 0;
    for (const c of text) {
      const id = this.ids.get(c);
      if (id === undefined) throw new ValueError(`CharTokenizer.encode: character ${JSON.stringify(c)} at position ${String(n)} is not in the vocabulary`);
      out[n++] = id;
    }
    return n === out.length ? out : out.slice(0, n);
  }

  /** `encode` as a 1-D int32 tensor. */
  encodeTensor(text: string, options: Pick<TensorOptions, 'device'> = {}): Tensor {
    return tensor(this.encode(text), { dtype: 'int32', device: options.device });
  }

  /** The text of `ids` (a tensor of any shape, read flat, or an array of ids). */
  decode(ids: Tensor | ArrayLike<number>): string {
    if (!(ids instanceof Tensor) && !Array.isArray(ids) && !ArrayBuffer.isView(ids)) throw new ValueError(`CharTokenizer.decode: expected a Tensor or an array of ids, got ${describeArg(ids)}`);
    const arr: ArrayLike<number> = ids instanceof Tensor ? ids.dataSync() as ArrayLike<number> : ids;
    const v = this.chars.length;
    const parts = new Array<string>(arr.length);
    for (let i = 0; i < arr.length; i++) {
      const id = arr[i];
      if (!Number.isInteger(id) || id < 0 || id >= v) throw new IndexError(`CharTokenizer.decode: id ${describeArg(id)} at position ${String(i)} is out of range for a vocabulary of ${String(v)}`);
      parts[i] = this.chars[id];
    }
    return parts.join('');
  }
}

/** One window of a `TextWindowDataset`: the inputs and the next tokens. */
export interface TextWindow<X = Tensor> { x: X; y: X }

/**
 * Next-token windows over a token sequence: item `i` is `{ x: tokens[i : i+blockSize],
 * y: tokens[i+1 : i+blockSize+1] }` (int32 tensors of shape [blockSize]); there are
 * `tokens.length - blockSize` items. Batches (`getBatch`) are made with one upload per field.
 *
 * ```ts
 * const tok = fl.data.CharTokenizer.fromText(text);
 * const ds = new fl.data.TextWindowDataset(tok.encode(text), 64);
 * const loader = new fl.data.DataLoader(ds, { batchSize: 32, shuffle: true, seed: 1 });
 * for await (const { x, y } of loader) { … }  // x, y: int32 [32, 64]
 * ```
 */
export class TextWindowDataset extends Dataset<TextWindow> {
  /** The tokens (a host copy). */
  readonly tokens: Int32Array;
  readonly blockSize: number;

  constructor(tokens: Tensor | Int32Array | readonly number[], blockSize: number) {
    super();
    if (typeof blockSize !== 'number' || !Number.isInteger(blockSize) || blockSize < 1) {
      throw new ValueError(`TextWindowDataset: blockSize must be a positive integer, got ${describeArg(blockSize)}`);
    }
    if (tokens instanceof Tensor) {
      if (tokens.ndim !== 1) throw new ShapeError(`TextWindowDataset: tokens must be 1-D, got shape ${fmt(tokens._shape)}`);
      if (tokens.dtype !== 'int32' && tokens.dtype !== 'uint8') throw new DTypeError(`TextWindowDataset: tokens must be int32 (or uint8), got ${tokens.dtype}`);
      this.tokens = Int32Array.from(tokens.dataSync() as ArrayLike<number>);
    } else if (tokens instanceof Int32Array) {
      this.tokens = tokens.slice();
    } else if (Array.isArray(tokens)) {
      if (tokens.some((t) => !Number.isInteger(t))) throw new ValueError('TextWindowDataset: tokens must be integers');
      this.tokens = Int32Array.from(tokens);
    } else {
      throw new ValueError('TextWindowDataset: tokens must be a 1-D int32 Tensor, an Int32Array or an array of integers');
    }
    this.blockSize = blockSize;
  }

  get length(): number { return Math.max(0, this.tokens.length - this.blockSize); }

  private window(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new IndexError(`TextWindowDataset: index ${describeArg(index)} is out of range for ${String(this.length)} windows`);
    }
    return index;
  }

  get(index: number): TextWindow {
    const i = this.window(index), b = this.blockSize;
    const x = tensor(this.tokens.subarray(i, i + b), { dtype: 'int32' });
    try {
      return { x, y: tensor(this.tokens.subarray(i + 1, i + b + 1), { dtype: 'int32' }) };
    } catch (e) { x.dispose(); throw e; }
  }

  /** `{ x, y }` of shape [indices.length, blockSize]. */
  getBatch(indices: Int32Array): TextWindow {
    if (!(indices instanceof Int32Array) && !Array.isArray(indices)) {
      throw new ValueError(`TextWindowDataset.getBatch: indices must be an Int32Array or an array of indices, got ${describeArg(indices)}`);
    }
    const b = this.blockSize, n = indices.length;
    const xs = new Int32Array(n * b), ys = new Int32Array(n * b);
    for (let k = 0; k < n; k++) {
      const i = this.window(indices[k]);
      xs.set(this.tokens.subarray(i, i + b), k * b);
      ys.set(this.tokens.subarray(i + 1, i + b + 1), k * b);
    }
    const fx = tensor(xs), fy = tensor(ys);
    try {
      return { x: reshape(fx, [n, b]), y: reshape(fy, [n, b]) };
    } finally { fx.dispose(); fy.dispose(); }
  }
}
