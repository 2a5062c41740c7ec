// safetensors.test.ts — fl.save / fl.load in the safetensors format.
// References: byte layouts computed by hand from the public spec (huggingface/safetensors README and
// the reference writer's ordering/padding rules), hand-known IEEE bit patterns for float16/bfloat16,
// and fixtures written by scripts/golden/safetensors.py (torch values + a spec writer; their values
// are in test/golden/safetensors_py.json). Round trips compare values, -0 and NaN exactly.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import * as fl from '../lib';
import { DEVICE } from './helpers';
// the lead re-exports these from lib/index.ts; imported directly until then
import { save, saveSync, load, loadSync, loadMetadata, loadMetadataSync } from '../lib/io/safetensors';

const GOLDEN = path.join(__dirname, 'golden');
let dir = '';
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-st-')); });
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });
let counter = 0;
const tmp = (name = 'f'): string => path.join(dir, `${name}-${String(counter++)}.safetensors`);

function disposeAll(sd: Record<string, fl.Tensor>): void {
  for (const t of Object.values(sd)) t.dispose();
}

/** Exact equality of values: NaN matches NaN, -0 matches only -0. */
function sameValues(got: ArrayLike<number>, want: ArrayLike<number>): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) throw new Error(`element ${String(i)}: expected ${String(want[i])}, got ${String(got[i])}`);
  }
}

/** A file made of an explicit header text (padded to 8 unless told) and data bytes. */
function mkFile(header: string, data: ArrayLike<number> = [], opts: { n?: bigint; pad?: boolean } = {}): string {
  let h = Buffer.from(header, 'utf8');
  if (opts.pad !== false) h = Buffer.concat([h, Buffer.alloc((8 - (h.length % 8)) % 8, 0x20)]);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(opts.n ?? BigInt(h.length));
  const p = tmp('mk');
  fs.writeFileSync(p, Buffer.concat([len, h, Buffer.from(Array.from(data))]));
  return p;
}

/** The header (parsed by the test itself) and the data bytes of a file. */
function readFile(p: string): { n: number; header: string; data: Buffer } {
  const b = fs.readFileSync(p);
  const n = Number(b.readBigUInt64LE(0));
  return { n, header: b.subarray(8, 8 + n).toString('utf8'), data: b.subarray(8 + n) };
}

const f32le = (xs: number[]): number[] => Array.from(new Uint8Array(new Float32Array(xs).buffer));

describe('save: bytes match the spec', () => {
  test('one F32 tensor: header, 8-byte padding, little-endian data', () => {
    fl.scope(() => {
      const p = tmp();
      saveSync({ 'attn.0': fl.tensor([[[0, 1, 2], [3, 4, 5]]], { dtype: 'float32', device: DEVICE }) }, p);
      const want = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';  // 64 bytes
      const b = fs.readFileSync(p);
      expect(b.readBigUInt64LE(0)).toBe(64n);
      expect(b.subarray(8, 72).toString('utf8')).toBe(want);
      expect(Array.from(b.subarray(72))).toEqual(f32le([0, 1, 2, 3, 4, 5]));
      expect(b.length).toBe(8 + 64 + 24);
    });
  });

  test('header padded with spaces to a multiple of 8', () => {
    fl.scope(() => {
      const p = tmp();
      saveSync({ attn0: fl.tensor([[[[0, 1, 2], [3, 4, 5]]]], { dtype: 'float32', device: DEVICE }) }, p);
      const { n, header } = readFile(p);
      const json = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}';  // 65 bytes
      expect(n).toBe(72);
      expect(header).toBe(json + ' '.repeat(7));
    });
  });

  test('no tensors; metadata goes first', () => {
    const p = tmp();
    saveSync({}, p);
    expect(Array.from(fs.readFileSync(p))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, ...Buffer.from('{}      ')]);
    const q = tmp();
    saveSync({}, q, { framework: 'pt' });
    const { n, header } = readFile(q);
    expect(n).toBe(40);
    expect(header).toBe('{"__metadata__":{"framework":"pt"}}     ');
  });

  test('order: widest dtype first, then name (every tensor aligned to its item size)', () => {
    fl.scope(() => {
      const p = tmp();
      saveSync({
        b: fl.tensor([1, 2, 3], { dtype: 'uint8', device: DEVICE }),
        z: fl.tensor([true], { dtype: 'bool', device: DEVICE }),
        a: fl.tensor([1], { dtype: 'float64', device: DEVICE }),
        y: fl.tensor([1], { dtype: 'float16', device: DEVICE }),
        x: fl.tensor([1], { dtype: 'bfloat16', device: DEVICE }),
        c: fl.tensor([1], { dtype: 'float32', device: DEVICE }),
        d: fl.tensor([1], { dtype: 'int32', device: DEVICE }),
        ab: fl.tensor([2], { dtype: 'float32', device: DEVICE }),
      }, p);
      const { header, data } = readFile(p);
      const h = JSON.parse(header) as Record<string, { dtype: string; data_offsets: [number, number] }>;
      expect(Object.keys(h)).toEqual(['a', 'ab', 'c', 'd', 'x', 'y', 'b', 'z']);
      expect(Object.values(h).map((v) => v.dtype)).toEqual(['F64', 'F32', 'F32', 'I32', 'BF16', 'F16', 'U8', 'BOOL']);
      expect(Object.values(h).map((v) => v.data_offsets)).toEqual([[0, 8], [8, 12], [12, 16], [16, 20], [20, 22], [22, 24], [24, 27], [27, 28]]);
      // raw bits: bf16 1.0 = 0x3F80, f16 1.0 = 0x3C00, bool true = 1
      expect(Array.from(data.subarray(20, 28))).toEqual([0x80, 0x3f, 0x00, 0x3c, 1, 2, 3, 1]);
    });
  });

  test('float16/bfloat16 bits, including inf, NaN, -0 and subnormals', () => {
    fl.scope(() => {
      const vals = [1, -2.5, Infinity, -Infinity, -0, 65504, 2 ** -24, NaN];
      const p = tmp();
      saveSync({ h: fl.tensor(vals, { dtype: 'float16', device: DEVICE }), b: fl.tensor([1, -2.5, Infinity, -0, 2 ** -133, NaN], { dtype: 'bfloat16', device: DEVICE }) }, p);
      const { data } = readFile(p);
      const u16 = (off: number, n: number): number[] => Array.from({ length: n }, (_, i) => data.readUInt16LE(off + 2 * i));
      const b = u16(0, 6), h = u16(12, 8);
      expect(b.slice(0, 5)).toEqual([0x3f80, 0xc020, 0x7f80, 0x8000, 0x0001]);
      expect(h.slice(0, 7)).toEqual([0x3c00, 0xc100, 0x7c00, 0xfc00, 0x8000, 0x7bff, 0x0001]);
      // any NaN pattern: exponent all ones, mantissa non-zero
      expect(b[5] & 0x7f80).toBe(0x7f80); expect(b[5] & 0x7f).not.toBe(0);
      expect(h[7] & 0x7c00).toBe(0x7c00); expect(h[7] & 0x3ff).not.toBe(0);
    });
  });

  test('UTF-8 names and metadata values are written as UTF-8', () => {
    fl.scope(() => {
      const p = tmp();
      saveSync({ 'poids é': fl.tensor([1], { dtype: 'uint8', device: DEVICE }) }, p, { note: '✓' });
      const { n, header } = readFile(p);
      expect(n % 8).toBe(0);
      expect(header.trimEnd()).toBe('{"__metadata__":{"note":"✓"},"poids é":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}');
    });
  });
});

describe('round trip', () => {
  const cases: [fl.DType, number[]][] = [
    ['float32', [1.5, -0, NaN, Infinity, -Infinity, 3.4028234663852886e38, 1e-45, -7.25]],
    ['float64', [1 / 3, -0, NaN, Infinity, -1e300, 5e-324]],
    ['float16', [1, -2.5, -0, Infinity, -Infinity, NaN, 65504, 2 ** -24, 0.099975586]],
    ['bfloat16', [1, -3.140625, -0, Infinity, NaN, 1.0141204801825835e31, 2 ** -133]],
    ['int32', [2147483647, -2147483648, 0, -1, 7, 123456]],
    ['uint8', [0, 1, 127, 128, 255, 42]],
    ['bool', [1, 0, 0, 1, 1, 1]],
  ];
  for (const [dtype, vals] of cases) {
    test(`${dtype}: values bit-exact (sync and async)`, async () => {
      const p = tmp(dtype), q = tmp(dtype);
      const x = fl.tensor(dtype === 'bool' ? vals.map((v) => v !== 0) : vals, { dtype, device: DEVICE });
      try {
        saveSync({ x }, p);
        await save(new Map([['x', x]]), q);
        expect(fs.readFileSync(p).equals(fs.readFileSync(q))).toBe(true);
        const a = loadSync(p, { device: DEVICE });
        const b = await load(q);
        try {
          for (const sd of [a, b]) {
            expect(Object.keys(sd)).toEqual(['x']);
            expect(sd.x.dtype).toBe(dtype);
            expect(sd.x.shape).toEqual([vals.length]);
            expect(sd.x.isContiguous()).toBe(true);
            // the reference: the values the tensor held before saving (exactly representable)
            sameValues(sd.x.dataSync() as ArrayLike<number>, x.dataSync() as ArrayLike<number>);
          }
          // bits survive a second trip unchanged (NaN payloads included)
          const r = tmp();
          saveSync(a, r);
          expect(fs.readFileSync(r).equals(fs.readFileSync(p))).toBe(true);
        } finally { disposeAll(a); disposeAll(b); }
      } finally { x.dispose(); }
    });
  }

  test('0-dim and empty tensors', () => {
    fl.scope(() => {
      const p = tmp();
      saveSync({ s: fl.tensor(2.5, { device: DEVICE }), e: fl.zeros([0, 3], { dtype: 'float64', device: DEVICE }), e2: fl.zeros([2, 0], { dtype: 'bool', device: DEVICE }) }, p);
      const h = JSON.parse(readFile(p).header) as Record<string, { shape: number[]; data_offsets: number[] }>;
      expect(h.s.shape).toEqual([]);
      expect(h.e.data_offsets[0]).toBe(h.e.data_offsets[1]);
      const sd = loadSync(p);
      expect(sd.s.shape).toEqual([]);
      expect(sd.s.item()).toBe(2.5);
      expect(sd.e.shape).toEqual([0, 3]);
      expect(sd.e.dtype).toBe('float64');
      expect(sd.e2.shape).toEqual([2, 0]);
      expect(sd.e2.dtype).toBe('bool');
      disposeAll(sd);
    });
  });

  test('non-contiguous inputs: transposed, strided, offset, broadcast views', () => {
    fl.scope(() => {
      const base = fl.arange(0, 24, 1, { dtype: 'float32', device: DEVICE }).reshape([4, 6]);
      const views: Record<string, fl.Tensor> = {
        t: base.transpose(0, 1),                               // [6, 4], strides [1, 6]
        s: base.slice(1, 1, null, 2),                          // step 2 over dim 1
        o: base.narrow(0, 2, 2),                               // contiguous, storage offset 12
        e: fl.tensor([1, 2, 3], { dtype: 'int32', device: DEVICE }).unsqueeze(0).expand([2, 3]),  // stride 0
        h: base.to('float16').transpose(0, 1).narrow(0, 1, 3),
      };
      expect(views.o.storageOffset).toBe(12);
      const p = tmp();
      saveSync(views, p);
      const sd = loadSync(p);
      for (const k of Object.keys(views)) {
        expect(sd[k].shape).toEqual(views[k].shape);
        expect(sd[k].dtype).toBe(views[k].dtype);
        expect(sd[k].toArray()).toEqual(views[k].toArray());
      }
      // a hand-derived reference for one view: transpose of 0..23 reshaped [4, 6]
      expect(sd.t.toArray()[1]).toEqual([1, 7, 13, 19]);
      disposeAll(sd);
    });
  });

  test('property: random shapes, dtypes and permutations round-trip', () => {
    const dtypes: fl.DType[] = ['float32', 'float64', 'float16', 'bfloat16', 'int32', 'uint8', 'bool'];
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 4 }),
      fc.constantFrom(...dtypes), fc.boolean(),
      (shape, dtype, flip) => {
        fl.scope(() => {
          const n = shape.reduce((a, b) => a * b, 1);
          let x = fl.arange(0, n, 1, { dtype: 'float32', device: DEVICE }).reshape(shape).remainder(7).to(dtype);
          if (flip && shape.length >= 2) x = x.transpose(0, shape.length - 1);
          const p = tmp('prop');
          saveSync({ x }, p);
          const sd = loadSync(p);
          expect(sd.x.shape).toEqual(x.shape);
          expect(sd.x.dtype).toBe(dtype);
          expect(sd.x.toArray()).toEqual(x.toArray());
          disposeAll(sd);
          fs.rmSync(p);
        });
      }), { numRuns: 40, seed: 7 });
  });

  test('metadata and odd names (including __proto__) round-trip', async () => {
    const x = fl.tensor([1, 2], { device: DEVICE });
    try {
      const p = tmp();
      await save({ ['__proto__']: x, 'a.b/c': x } as Record<string, fl.Tensor>, p, { format: 'pt', 'key with space': 'v' });
      const sd = await load(p);
      expect(Object.keys(sd).sort()).toEqual(['__proto__', 'a.b/c']);
      expect(Object.getPrototypeOf(sd)).toBe(Object.prototype);
      expect(sd['__proto__'].toArray()).toEqual([1, 2]);
      disposeAll(sd);
      expect(loadMetadataSync(p)).toEqual({ format: 'pt', 'key with space': 'v' });
      expect(await loadMetadata(p)).toEqual({ format: 'pt', 'key with space': 'v' });
      const q = tmp();
      saveSync({ x }, q);
      expect(loadMetadataSync(q)).toEqual({});
    } finally { x.dispose(); }
  });
});

describe('files written by Python (scripts/golden/safetensors.py)', () => {
  interface Ref { metadata: Record<string, string>; tensors: Record<string, { dtype: string; shape: number[]; values: (number | string | boolean)[]; bits?: number[] }> }
  const ref = JSON.parse(fs.readFileSync(path.join(GOLDEN, 'safetensors_py.json'), 'utf8')) as Ref;
  const decode = (v: number | string | boolean): number =>
    v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : typeof v === 'boolean' ? (v ? 1 : 0) : (v as number);
  const expectedDType: Record<string, fl.DType> = {
    F64: 'float64', F32: 'float32', F16: 'float16', BF16: 'bfloat16', I64: 'int32', I32: 'int32', I16: 'int32', I8: 'int32', U8: 'uint8', BOOL: 'bool',
  };

  test('every dtype loads with the values torch wrote (I64/I16/I8 as int32)', async () => {
    const sd = await load(path.join(GOLDEN, 'safetensors_py.safetensors'), { device: DEVICE });
    try {
      expect(Object.keys(sd).sort()).toEqual(Object.keys(ref.tensors).sort());
      for (const [name, r] of Object.entries(ref.tensors)) {
        const t = sd[name];
        expect([name, t.dtype]).toEqual([name, expectedDType[r.dtype]]);
        expect(t.shape).toEqual(r.shape);
        sameValues(t.dataSync() as ArrayLike<number>, r.values.map(decode));
        if (r.bits) {
          // the raw 16-bit patterns torch wrote come back out unchanged
          const p = tmp();
          saveSync({ t }, p);
          const { data } = readFile(p);
          expect(Array.from({ length: r.bits.length }, (_, i) => data.readUInt16LE(2 * i))).toEqual(r.bits);
        }
      }
    } finally { disposeAll(sd); }
    expect(loadMetadataSync(path.join(GOLDEN, 'safetensors_py.safetensors'))).toEqual(ref.metadata);
  });

  test('a file of flintml dtypes is rewritten byte for byte', () => {
    const src = path.join(GOLDEN, 'safetensors_flint.safetensors');
    const sd = loadSync(src);
    try {
      const p = tmp();
      saveSync(sd, p, loadMetadataSync(src));
      expect(fs.readFileSync(p).equals(fs.readFileSync(src))).toBe(true);
    } finally { disposeAll(sd); }
  });
});

describe('bad files give typed errors naming the file and the tensor', () => {
  const F32x2 = f32le([1, 2]);
  const hdr = (o: unknown): string => JSON.stringify(o);
  const expectErr = (p: string, cls: typeof fl.FlintError, ...parts: (string | RegExp)[]): void => {
    let err: unknown;
    try { disposeAll(loadSync(p)); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(cls);
    const msg = (err as Error).message;
    expect(msg).toContain(p);
    for (const part of parts) expect(msg).toMatch(part);
  };

  test('valid hand-made file loads (the baseline for the cases below)', () => {
    const sd = loadSync(mkFile(hdr({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }), F32x2));
    expect(sd.w.toArray()).toEqual([1, 2]);
    disposeAll(sd);
    // no padding is required of other writers, and extra keys in an entry are ignored
    const sd2 = loadSync(mkFile(hdr({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8], extra: 1 } }), F32x2, { pad: false }));
    expect(sd2.w.toArray()).toEqual([1, 2]);
    disposeAll(sd2);
  });

  test('truncated files', () => {
    const good = fs.readFileSync(mkFile(hdr({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }), F32x2));
    for (const cut of [1, 8, 9]) {
      const p = tmp('cut');
      fs.writeFileSync(p, good.subarray(0, good.length - cut));
      expectErr(p, fl.ValueError, /w|cover|truncated/);
    }
    const short = tmp('short');
    fs.writeFileSync(short, Buffer.from([1, 0, 0]));
    expectErr(short, fl.ValueError, /too short/);
    const empty = tmp('empty');
    fs.writeFileSync(empty, Buffer.alloc(0));
    expectErr(empty, fl.ValueError, /too short/);
  });

  test('header length beyond the file, or huge', () => {
    expectErr(mkFile(hdr({}), [], { n: 1000n }), fl.ValueError, /header length 1000/);
    expectErr(mkFile(hdr({}), [], { n: 2n ** 63n + 5n }), fl.ValueError, /header length/);
    expectErr(mkFile(hdr({}), [], { n: 0n }), fl.ValueError, /JSON/);
  });

  test('bad JSON, non-object JSON, invalid UTF-8', () => {
    expectErr(mkFile('{"w": {"dtype": "F32",'), fl.ValueError, /not valid JSON/);
    expectErr(mkFile('[1, 2]'), fl.ValueError, /JSON object/);
    expectErr(mkFile('null'), fl.ValueError, /JSON object/);
    const p = tmp('utf8');
    const h = Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d, 0x20]);  // {"\xff":1}
    fs.writeFileSync(p, Buffer.concat([Buffer.from([8, 0, 0, 0, 0, 0, 0, 0]), h]));
    expectErr(p, fl.ValueError, /UTF-8/);
  });

  test('offsets out of range, overlapping, with gaps, or not covering the data', () => {
    expectErr(mkFile(hdr({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 16] } }), F32x2), fl.ValueError, /'w'/, /outside the data buffer/);
    expectErr(mkFile(hdr({ w: { dtype: 'F32', shape: [2], data_offsets: [8, 0] } }), F32x2), fl.ValueError, /'w'/);
    expectErr(mkFile(hdr({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }), F32x2), fl.ValueError, /'b'/, /overlap/);
    expectErr(mkFile(hdr({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }), F32x2), fl.ValueError, /'a'/, /gap/);
    expectErr(mkFile(hdr({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }), F32x2), fl.ValueError, /cover 4 bytes/);
    expectErr(mkFile(hdr({ a: { dtype: 'F32', shape: [2], data_offsets: [-8, 0] } }), F32x2), fl.ValueError, /'a'/, /data_offsets/);
    expectErr(mkFile(hdr({ a: { dtype: 'F32', shape: [2], data_offsets: [0] } }), F32x2), fl.ValueError, /'a'/, /data_offsets/);
    expectErr(mkFile(hdr({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 2 ** 60] } }), F32x2), fl.ValueError, /'a'/);
  });

  test('size does not match shape × itemsize; bad shapes', () => {
    expectErr(mkFile(hdr({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }), F32x2), fl.ValueError, /'w'/, /needs 12 bytes/);
    expectErr(mkFile(hdr({ w: { dtype: 'F64', shape: [2], data_offsets: [0, 8] } }), F32x2), fl.ValueError, /'w'/);
    expectErr(mkFile(hdr({ w: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }), F32x2), fl.ValueError, /'w'/, /shape/);
    expectErr(mkFile(hdr({ w: { dtype: 'F32', shape: [1.5], data_offsets: [0, 8] } }), F32x2), fl.ValueError, /'w'/, /shape/);
    expectErr(mkFile(hdr({ w: { dtype: 'F32', data_offsets: [0, 8] } }), F32x2), fl.ValueError, /'w'/, /shape/);
    expectErr(mkFile(hdr({ w: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 8] } }), F32x2), fl.ValueError, /'w'/);
    expectErr(mkFile(hdr({ w: [1, 2] }), F32x2), fl.ValueError, /'w'/);
  });

  test('duplicate names', () => {
    const e = '{"dtype":"F32","shape":[1],"data_offsets":[0,4]}';
    expectErr(mkFile(`{"w":${e},"w":${e}}`, f32le([1])), fl.ValueError, /duplicate entry 'w'/);
    // a key inside an entry, or a string value, is not a top-level name
    const sd = loadSync(mkFile(`{"__metadata__":{"w":"w, \\"w\\""},"w":${e}}`, f32le([1])));
    expect(sd.w.item()).toBe(1);
    disposeAll(sd);
  });

  test('unknown and unsupported dtypes are DTypeError', () => {
    expectErr(mkFile(hdr({ w: { dtype: 'X9', shape: [2], data_offsets: [0, 8] } }), F32x2), fl.DTypeError, /'w'/, /unknown dtype "X9"/);
    expectErr(mkFile(hdr({ w: { dtype: 'U16', shape: [4], data_offsets: [0, 8] } }), F32x2), fl.DTypeError, /'w'/, /U16 is not supported/);
    expectErr(mkFile(hdr({ w: { dtype: 'F8_E4M3', shape: [8], data_offsets: [0, 8] } }), F32x2), fl.DTypeError, /'w'/);
    expectErr(mkFile(hdr({ w: { dtype: 3, shape: [2], data_offsets: [0, 8] } }), F32x2), fl.DTypeError, /'w'/);
  });

  test('I64 outside int32 is DTypeError; inside it loads', () => {
    const i64 = (xs: bigint[]): number[] => Array.from(new Uint8Array(new BigInt64Array(xs).buffer));
    const h = (n: number): string => hdr({ big: { dtype: 'I64', shape: [n], data_offsets: [0, 8 * n] } });
    expectErr(mkFile(h(3), i64([1n, 2n ** 31n, 3n])), fl.DTypeError, /'big'/, /int32/);
    expectErr(mkFile(h(2), i64([-(2n ** 31n) - 1n, 0n])), fl.DTypeError, /'big'/);
    expectErr(mkFile(h(1), i64([2n ** 40n])), fl.DTypeError, /'big'/);
    const sd = loadSync(mkFile(h(4), i64([-(2n ** 31n), 2n ** 31n - 1n, -5n, 0n])));
    expect(sd.big.dtype).toBe('int32');
    expect(sd.big.toArray()).toEqual([-2147483648, 2147483647, -5, 0]);
    disposeAll(sd);
  });

  test('bad metadata', () => {
    expectErr(mkFile(hdr({ __metadata__: { a: 1 } })), fl.ValueError, /__metadata__/);
    expectErr(mkFile(hdr({ __metadata__: 'x' })), fl.ValueError, /__metadata__/);
    expect(() => loadMetadataSync(mkFile(hdr({ __metadata__: { a: 1 } })))).toThrow(fl.ValueError);
    expect(() => loadMetadataSync(mkFile(hdr({}), [], { n: 99n }))).toThrow(fl.ValueError);
  });

  test('async load rejects with the same typed errors; missing files reject', async () => {
    await expect(load(mkFile('{'))).rejects.toBeInstanceOf(fl.ValueError);
    await expect(load(mkFile(hdr({ w: { dtype: 'U32', shape: [2], data_offsets: [0, 8] } }), F32x2))).rejects.toBeInstanceOf(fl.DTypeError);
    await expect(load(path.join(dir, 'does-not-exist.safetensors'))).rejects.toThrow(/ENOENT/);
    expect(() => loadSync('')).toThrow(fl.ValueError);
  });
});

describe('save: bad arguments', () => {
  test('typed errors for non-tensors, reserved names, bad metadata, disposed tensors, bad devices', async () => {
    const x = fl.tensor([1], { device: DEVICE });
    try {
      const p = tmp();
      expect(() => saveSync({ a: 1 as unknown as fl.Tensor }, p)).toThrow(fl.ValueError);
      expect(() => saveSync({ __metadata__: x }, p)).toThrow(/reserved/);
      expect(() => saveSync(x as unknown as Record<string, fl.Tensor>, p)).toThrow(fl.ValueError);
      expect(() => saveSync({ x }, p, { a: 1 as unknown as string })).toThrow(fl.ValueError);
      expect(() => saveSync(new Map([['', x]]), p)).toThrow(fl.ValueError);
      await expect(save({ a: null as unknown as fl.Tensor }, p)).rejects.toBeInstanceOf(fl.ValueError);
      expect(() => loadSync(mkFile('{}'), { device: 'tpu' })).toThrow(fl.DeviceError);
      expect(fs.existsSync(p)).toBe(false);
      const y = fl.tensor([1], { device: DEVICE });
      y.dispose();
      expect(() => saveSync({ y }, p)).toThrow(fl.DisposedError);
    } finally { x.dispose(); }
  });
});
