// safetensors.ts — `save`/`load` in the safetensors format (huggingface/safetensors), readable and
// writable by the Python `safetensors` package.
//
// Layout: an 8-byte little-endian u64 N, N bytes of UTF-8 JSON header, then the data buffer.
// The header maps each tensor name to {"dtype", "shape", "data_offsets": [begin, end]} (offsets into
// the data buffer) plus an optional "__metadata__" string→string map. Data is raw little-endian,
// row-major, C-contiguous.
//
// Writing follows the reference writer byte for byte: tensors ordered by dtype (widest first, so
// every tensor is aligned to its item size) then by name, compact JSON, header padded with spaces
// to a multiple of 8. Values travel as raw bytes (download/upload with the uint8 code is a memcpy
// for every dtype), so float16/bfloat16 keep their exact bits and no JS loop touches elements.
//
// Reading is strict, as the reference reader is: the header must fit the file, parse as a JSON
// object without duplicate names, and its offsets must tile the data buffer exactly (contiguous, no
// gaps, no overlap) with `end - begin == numel * itemsize`. Anything else is a ValueError (or a
// DTypeError for dtypes) naming the file and the tensor. The host must be little-endian (x64, arm64).
import { checkPath, describeArg } from '../arity';
import * as fs from 'fs';
import * as pathLib from 'path';
import { randomBytes } from 'crypto';
import { constants as bufferConstants } from 'buffer';
import { DType, DTYPE_CODE, ITEMSIZE } from '../dtype';
import { CPU, parseDevice } from '../device';
import { DTypeError, FileError, ValueError } from '../errors';
import { MAX_DIMS, binding, guard } from '../native';
import { contiguousStrides, fmt, isContiguous, numel } from '../shape';
import { contiguousCopy, emptyTensor, scope, Tensor } from '../tensor';
import { eq, where, lt } from '../ops/elementwise';
import { all } from '../ops/reduce';
import '../ops/views';
import { checkKeys, tooManyArgs } from '../args';

/** Options of `load`. */
export interface LoadOptions {
  /** Where the tensors go: `'cpu'` (default), `'cuda'`, `'cuda:N'`. */
  device?: string;
}

// Codes the format defines, with their item sizes. Only those in FROM_FILE load; the rest are
// known so that the error can say "unsupported" rather than "unknown".
const FILE_ITEMSIZE: Record<string, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1, C64: 8, C128: 16,
};
const FILE_UNSUPPORTED = ['U64', 'U32', 'U16', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'F6_E2M3', 'F6_E3M2', 'F4'];
/** File dtype → flintml dtype (I64/I16/I8 are narrowed/widened to int32). */
const FROM_FILE: Record<string, DType> = {
  F64: 'float64', F32: 'float32', F16: 'float16', BF16: 'bfloat16',
  I64: 'int32', I32: 'int32', I16: 'int32', I8: 'int32', U8: 'uint8', BOOL: 'bool', C64: 'complex64', C128: 'complex128',
};
const TO_FILE: Record<DType, string> = {
  float64: 'F64', float32: 'F32', float16: 'F16', bfloat16: 'BF16', int32: 'I32', uint8: 'U8', bool: 'BOOL', complex64: 'C64', complex128: 'C128',
};
/** Write order of dtypes, as the reference writer's (wider first keeps every tensor aligned). */
const WRITE_RANK: Record<DType, number> = {
  complex128: -2, complex64: -1, float64: 0, float32: 1, int32: 2, bfloat16: 3, float16: 4, uint8: 5, bool: 6,
};
const MAX_HEADER = 100_000_000;  // the reference reader's limit
const READ_CHUNK = 1 << 30;      // one read() call moves at most 2 GiB; stay well under

// ---------------------------------------------------------------------------------------------
// save

function toEntries(tensors: Record<string, Tensor> | Map<string, Tensor>, op: string): [string, Tensor][] {
  let entries: [string, Tensor][];
  if (tensors instanceof Map) entries = Array.from(tensors.entries());
  else if (tensors !== null && typeof tensors === 'object' && !(tensors instanceof Tensor) && !Array.isArray(tensors)) {
    entries = Object.keys(tensors).map((k) => [k, (tensors as Record<string, Tensor>)[k]]);
  } else {
    throw new ValueError(`${op}: expected an object or a Map of name → Tensor, got ${tensors instanceof Tensor ? 'a Tensor' : describeArg(tensors)}`);
  }
  for (const [name, t] of entries) {
    if (typeof name !== 'string' || name.length === 0) throw new ValueError(`${op}: tensor names must be non-empty strings, got ${describeArg(name)}`);
    if (name === '__metadata__') throw new ValueError(`${op}: the name '__metadata__' is reserved by the format`);
    if (!(t instanceof Tensor)) throw new ValueError(`${op}: '${name}' is not a Tensor (got ${t === null ? 'null' : typeof t})`);
  }
  return entries;
}

function checkMetadata(metadata: unknown, op: string): Record<string, string> | undefined {
  if (metadata === undefined || metadata === null) return undefined;
  if (typeof metadata !== 'object' || Array.isArray(metadata)) throw new ValueError(`${op}: metadata must be an object of string → string`);
  const out: Record<string, string> = {};
  for (const k of Object.keys(metadata).sort()) {
    const v = (metadata as Record<string, unknown>)[k];
    if (typeof v !== 'string') throw new ValueError(`${op}: metadata values must be strings, got ${typeof v} for '${k}'`);
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

// Saving streams: the header is computed from the shapes alone, then each tensor's bytes are read
// back in chunks of at most SAVE_CHUNK bytes and written, so that saving needs little more memory
// than the tensors themselves (a GPU or non-contiguous tensor is first copied to a contiguous
// host tensor, one tensor at a time). Saving is atomic: the bytes go to a temporary file in the
// target's folder, which is fsynced, renamed over the target, and the folder fsynced; a crash at
// any moment leaves the target either as it was or complete, and a failure removes the temporary.
const SAVE_CHUNK = 16 << 20;

/** What `save` writes: the header bytes and the tensors in file order. */
interface SavePlan { header: Buffer; entries: [string, Tensor][] }

function planSave(tensors: Record<string, Tensor> | Map<string, Tensor>, metadata: unknown, op: string): SavePlan {
  const entries = toEntries(tensors, op);
  const meta = checkMetadata(metadata, op);
  const seen = new Set<string>();
  for (const [name, t] of entries) {
    if (seen.has(name)) throw new ValueError(`${op}: duplicate tensor name '${name}'`);
    seen.add(name);
    t._handleFor(op);  // a disposed tensor fails before any file is touched
  }
  // names compare as UTF-8 bytes, as the reference writer's (UTF-16 order differs above U+FFFF)
  entries.sort((a, b) => WRITE_RANK[a[1].dtype] - WRITE_RANK[b[1].dtype] || Buffer.compare(Buffer.from(a[0], 'utf8'), Buffer.from(b[0], 'utf8')));
  // the header object is built with defineProperty so that a name like '__proto__' stays a key
  const header: Record<string, unknown> = {};
  const put = (k: string, v: unknown): void => { Object.defineProperty(header, k, { value: v, enumerable: true }); };
  if (meta) put('__metadata__', meta);
  let pos = 0;
  for (const [name, t] of entries) {
    const bytes = numel(t._shape) * ITEMSIZE[t.dtype];
    put(name, { dtype: TO_FILE[t.dtype], shape: t._shape.slice(), data_offsets: [pos, pos + bytes] });
    pos += bytes;
  }
  let json = JSON.stringify(header);
  const jsonBytes = Buffer.byteLength(json, 'utf8');
  json += ' '.repeat((8 - (jsonBytes % 8)) % 8);
  const n = jsonBytes + ((8 - (jsonBytes % 8)) % 8);
  const head = Buffer.allocUnsafe(8 + n);
  head.writeBigUInt64LE(BigInt(n), 0);
  head.write(json, 8, 'utf8');
  return { header: head, entries };
}

/**
 * The raw little-endian bytes of t's elements in row-major order, in fresh chunks of at most
 * SAVE_CHUNK bytes; `check` runs before each chunk is read (the async save checks that the tensor
 * was not changed in place meanwhile).
 */
function* rawChunks(t: Tensor, op: string, check?: () => void): Generator<Uint8Array> {
  const isz = ITEMSIZE[t.dtype];
  const total = numel(t._shape) * isz;
  let host = t;
  let src = t;
  try {
    if (check) check();
    if (t._storage.device.type !== 0) host = t.to('cpu');  // GPU tensors are read back through the host
    src = isContiguous(host._shape, host._strides) ? host : contiguousCopy(host, op);
    for (let at = 0; at < total; at += SAVE_CHUNK) {
      if (check && src === t) check();
      const len = Math.min(SAVE_CHUNK, total - at);
      // with the uint8 code, "elements" are bytes: offset and count are scaled by the item size
      yield guard(() => binding.download(src._handleFor(op), src._offset * isz + at, len, DTYPE_CODE.uint8)) as Uint8Array;
    }
  } finally {
    if (src !== host) src.dispose();
    if (host !== t) host.dispose();
  }
}

/** A temporary file name in the target's folder (rename is atomic only within one file system). */
function tempPathFor(target: string): string {
  return pathLib.join(pathLib.dirname(target), `.${pathLib.basename(target)}.${String(process.pid)}.${randomBytes(6).toString('hex')}.tmp`);
}

// A save killed mid-write (SIGKILL, power loss) leaves its temporary behind. The next save to the
// same target removes those of writers that are gone: the pid in the name is not a live process on
// this host, and the file has not been written for STALE_TEMP_MS (a writer on another host sharing
// the folder has a pid that means nothing here, but keeps its file's mtime fresh while it writes).
const STALE_TEMP_MS = 60 * 60 * 1000;

function pidAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as { code?: unknown }).code === 'EPERM'; }
}

/** Removes the stale temporaries of earlier saves to `target` (see above); never throws. */
function removeStaleTemps(target: string): void {
  const dir = pathLib.dirname(target);
  const prefix = `.${pathLib.basename(target)}.`;
  let names: string[];
  try { names = fs.readdirSync(dir); } catch { return; }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const m = /^(\d+)\.[0-9a-f]{12}\.tmp$/.exec(name.slice(prefix.length));
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || pidAlive(pid)) continue;
    const file = pathLib.join(dir, name);
    try {
      if (Date.now() - fs.statSync(file).mtimeMs >= STALE_TEMP_MS) fs.unlinkSync(file);
    } catch { /* gone meanwhile, or not ours to remove */ }
  }
}

/** fsyncs a folder so that a rename in it is durable; file systems that cannot are skipped. */
function syncDirSync(dir: string): void {
  let fd = -1;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EISDIR' && code !== 'EPERM' && code !== 'EACCES') throw e;
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}

async function syncDir(dir: string): Promise<void> {
  let fh: fs.promises.FileHandle | undefined;
  try {
    fh = await fs.promises.open(dir, 'r');
    await fh.sync();
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EISDIR' && code !== 'EPERM' && code !== 'EACCES') throw e;
  } finally {
    await fh?.close();
  }
}

function writeAllSync(fd: number, buf: Uint8Array, pos: number): void {
  for (let off = 0; off < buf.length;) off += fs.writeSync(fd, buf, off, buf.length - off, pos + off);
}

function saveFileSync(plan: SavePlan, target: string, op: string): void {
  removeStaleTemps(target);
  const tmp = tempPathFor(target);
  let fd = -1;
  try {
    fd = fs.openSync(tmp, 'wx');
    writeAllSync(fd, plan.header, 0);
    let pos = plan.header.length;
    for (const [, t] of plan.entries) {
      for (const chunk of rawChunks(t, op)) { writeAllSync(fd, chunk, pos); pos += chunk.length; }
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = -1;
    fs.renameSync(tmp, target);
  } catch (e) {
    if (fd >= 0) try { fs.closeSync(fd); } catch { /* already failing */ }
    try { fs.unlinkSync(tmp); } catch { /* never created, or renamed */ }
    throw fileError(e, target, op, 'write');
  }
  try { syncDirSync(pathLib.dirname(target)); } catch (e) { throw fileError(e, target, op, 'write'); }
}

async function saveFile(plan: SavePlan, target: string, op: string): Promise<void> {
  // the caller may dispose the tensors once save returns: hold their storages through views, and
  // refuse (before the rename) a tensor that was changed in place while the file was being written
  const held = plan.entries.map(([name, t]) => ({ name, view: t._view(t._shape, t._strides, t._offset), version: t._storage.version }));
  removeStaleTemps(target);
  const tmp = tempPathFor(target);
  let fh: fs.promises.FileHandle | undefined;
  try {
    fh = await fs.promises.open(tmp, 'wx');
    for (let off = 0; off < plan.header.length;) off += (await fh.write(plan.header, off, plan.header.length - off, off)).bytesWritten;
    let pos = plan.header.length;
    for (const { name, view, version } of held) {
      const check = (): void => {
        if (view._storage.version !== version) {
          throw new ValueError(`${op}: tensor '${name}' was changed in place while it was being saved to '${target}'; await save() before changing the tensors (the file was not written)`);
        }
      };
      for (const chunk of rawChunks(view, op, check)) {
        for (let off = 0; off < chunk.length;) off += (await fh.write(chunk, off, chunk.length - off, pos + off)).bytesWritten;
        pos += chunk.length;
      }
      view.dispose();
    }
    await fh.sync();
    await fh.close();
    fh = undefined;
    await fs.promises.rename(tmp, target);
  } catch (e) {
    if (fh) await fh.close().catch(() => undefined);
    await fs.promises.unlink(tmp).catch(() => undefined);
    throw fileError(e, target, op, 'write');
  } finally {
    for (const { view } of held) view.dispose();
  }
  await syncDir(pathLib.dirname(target)).catch((e: unknown) => { throw fileError(e, target, op, 'write'); });
}

/**
 * Writes tensors to a safetensors file that the Python `safetensors` package (and `fl.load`) reads.
 * Tensors may be views or non-contiguous. The file is replaced atomically (written to a temporary
 * file beside it, fsynced and renamed over it), so a crash never leaves a half-written file at
 * `path`; the tensors are streamed one by one, so saving needs little memory beyond them.
 * The tensors may be disposed as soon as `save` returns (its promise keeps what it needs), but
 * must not be changed in place until the promise settles: if one is, `save` rejects and leaves
 * the file as it was. `metadata` is an optional string → string map stored under `__metadata__`.
 * Names are written in a deterministic order (dtype, then name).
 *
 * ```ts
 * await fl.save({ weight: w, bias: b }, 'model.safetensors', { format: 'pt' });
 * ```
 */
export async function save(tensors: Record<string, Tensor> | Map<string, Tensor>, path: string, metadata?: Record<string, string>): Promise<void> {
  if (arguments.length > 3) tooManyArgs('save', 'tensors, path, metadata', arguments);
  const plan = planSave(tensors, metadata, 'save');
  await saveFile(plan, checkPath(path, 'save'), 'save');
}

/** `save` that blocks until the file is written (atomically, as `save`): `fl.saveSync({ w }, 'w.safetensors')`. */
export function saveSync(tensors: Record<string, Tensor> | Map<string, Tensor>, path: string, metadata?: Record<string, string>): void {
  if (arguments.length > 3) tooManyArgs('saveSync', 'tensors, path, metadata', arguments);
  const plan = planSave(tensors, metadata, 'saveSync');
  saveFileSync(plan, checkPath(path, 'saveSync'), 'saveSync');
}

// ---------------------------------------------------------------------------------------------
// load

interface TensorEntry { name: string; fileDType: string; dtype: DType; shape: number[]; begin: number; end: number }
interface Header { metadata: Record<string, string>; tensors: TensorEntry[]; dataStart: number }

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Names of the top-level keys of a JSON object text, in order (JSON.parse hides duplicates). */
function topLevelKeys(json: string): string[] {
  const keys: string[] = [];
  let depth = 0, expectKey = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x22) {  // '"': scan the whole string
      const start = i;
      for (i++; i < json.length && json.charCodeAt(i) !== 0x22; i++) if (json.charCodeAt(i) === 0x5c) i++;
      if (depth === 1 && expectKey) { keys.push(JSON.parse(json.slice(start, i + 1)) as string); expectKey = false; }
    } else if (c === 0x7b || c === 0x5b) { depth++; expectKey = depth === 1; }
    else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x2c && depth === 1) expectKey = true;
  }
  return keys;
}

function isNonNegInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Parses and validates the header; `fileSize` is the size of the whole file. */
function parseHeader(buf: Buffer, fileSize: number, path: string, op: string): Header {
  const ctx = `${op}: '${path}'`;
  if (fileSize < 8) throw new ValueError(`${ctx}: file is ${String(fileSize)} bytes, too short for a safetensors header`);
  const n64 = buf.readBigUInt64LE(0);
  if (n64 > BigInt(fileSize - 8)) throw new ValueError(`${ctx}: header length ${n64.toString()} is larger than the rest of the file (${String(fileSize - 8)} bytes); the file is truncated or not safetensors`);
  const n = Number(n64);
  if (n > MAX_HEADER) throw new ValueError(`${ctx}: header length ${String(n)} exceeds the format's limit of ${String(MAX_HEADER)} bytes`);
  if (buf.length < 8 + n) throw new ValueError(`${ctx}: file ended inside the header`);
  let text: string;
  try {
    text = utf8.decode(buf.subarray(8, 8 + n));
  } catch {
    throw new ValueError(`${ctx}: header is not valid UTF-8`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ValueError(`${ctx}: header is not valid JSON (${(e as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ValueError(`${ctx}: header must be a JSON object`);
  const keys = topLevelKeys(text);
  const seen = new Set<string>();
  for (const k of keys) {
    if (seen.has(k)) throw new ValueError(`${ctx}: duplicate entry '${k}' in the header`);
    seen.add(k);
  }
  const obj = parsed as Record<string, unknown>;
  const dataLen = fileSize - 8 - n;
  const metadata: Record<string, string> = {};
  const tensors: TensorEntry[] = [];
  for (const name of Object.keys(obj)) {
    const info = obj[name];
    if (name === '__metadata__') {
      if (info === null || typeof info !== 'object' || Array.isArray(info)) throw new ValueError(`${ctx}: __metadata__ must be an object of strings`);
      for (const [k, v] of Object.entries(info as Record<string, unknown>)) {
        if (typeof v !== 'string') throw new ValueError(`${ctx}: __metadata__ value '${k}' must be a string, got ${JSON.stringify(v)}`);
        Object.defineProperty(metadata, k, { value: v, enumerable: true, writable: true, configurable: true });
      }
      continue;
    }
    const at = `${ctx}: tensor '${name}'`;
    if (info === null || typeof info !== 'object' || Array.isArray(info)) throw new ValueError(`${at}: entry must be an object with dtype, shape and data_offsets`);
    const { dtype: fdt, shape, data_offsets: offs } = info as Record<string, unknown>;
    if (typeof fdt !== 'string') throw new DTypeError(`${at}: dtype must be a string, got ${JSON.stringify(fdt)}`);
    if (!(fdt in FILE_ITEMSIZE)) {
      throw new DTypeError(FILE_UNSUPPORTED.includes(fdt)
        ? `${at}: dtype ${fdt} is not supported by flintml (supported: ${Object.keys(FILE_ITEMSIZE).join(', ')})`
        : `${at}: unknown dtype ${JSON.stringify(fdt)}`);
    }
    if (!Array.isArray(shape) || !shape.every(isNonNegInt)) throw new ValueError(`${at}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
    if (shape.length > MAX_DIMS) throw new ValueError(`${at}: shape has ${String(shape.length)} dims, flintml tensors have at most ${String(MAX_DIMS)}`);
    if (!Array.isArray(offs) || offs.length !== 2 || !isNonNegInt(offs[0]) || !isNonNegInt(offs[1])) {
      throw new ValueError(`${at}: data_offsets must be [begin, end] with non-negative integers, got ${JSON.stringify(offs)}`);
    }
    const [begin, end] = offs as [number, number];
    if (begin > end || end > dataLen) throw new ValueError(`${at}: data_offsets [${String(begin)}, ${String(end)}] are outside the data buffer of ${String(dataLen)} bytes`);
    const count = numel(shape as number[]);
    if (count * FILE_ITEMSIZE[fdt] !== end - begin) {
      throw new ValueError(`${at}: shape ${fmt(shape as number[])} of ${fdt} needs ${String(count * FILE_ITEMSIZE[fdt])} bytes but data_offsets [${String(begin)}, ${String(end)}] hold ${String(end - begin)}`);
    }
    tensors.push({ name, fileDType: fdt, dtype: FROM_FILE[fdt], shape: shape as number[], begin, end });
  }
  // offsets must tile the data buffer: sorted by begin, each starts where the previous ended
  const byOffset = tensors.slice().sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  for (const t of byOffset) {
    if (t.begin !== pos) {
      throw new ValueError(`${ctx}: tensor '${t.name}' data_offsets [${String(t.begin)}, ${String(t.end)}] ${t.begin < pos ? 'overlap the previous tensor' : 'leave a gap after the previous tensor'} (expected begin ${String(pos)})`);
    }
    pos = t.end;
  }
  if (pos !== dataLen) throw new ValueError(`${ctx}: the tensors cover ${String(pos)} bytes but the data buffer holds ${String(dataLen)} (truncated or trailing bytes)`);
  return { metadata, tensors, dataStart: 8 + n };
}

/** Uploads `bytes` raw into a new contiguous CPU tensor of `dtype` (memcpy for every dtype). */
function uploadRaw(bytes: Uint8Array, shape: readonly number[], dtype: DType, op: string): Tensor {
  const t = emptyTensor(shape, dtype, CPU, false, op);
  try {
    if (bytes.length > 0) guard(() => binding.upload(t._handleFor(op), 0, bytes, DTYPE_CODE.uint8));
  } catch (e) {
    t.dispose();
    throw e;
  }
  return t;
}

/** Copies `bytes` into a fresh ArrayBuffer when a typed view of `align`-byte items cannot start there. */
function aligned(bytes: Uint8Array, align: number): Uint8Array {
  return bytes.byteOffset % align === 0 ? bytes : new Uint8Array(bytes);
}

function makeTensor(e: TensorEntry, bytes: Uint8Array, path: string, op: string): Tensor {
  const count = numel(e.shape);
  switch (e.fileDType) {
    case 'I8': case 'I16': {
      // V8 converts one typed array into another natively: no JS loop over elements
      const b = aligned(bytes, 2);
      const src = e.fileDType === 'I8' ? new Int8Array(b.buffer, b.byteOffset, count) : new Int16Array(b.buffer, b.byteOffset, count);
      const wide = new Int32Array(src);
      return uploadRaw(new Uint8Array(wide.buffer), e.shape, 'int32', op);
    }
    case 'I64': {
      // upload as (lo, hi) int32 pairs, check natively that hi is lo's sign extension, keep lo
      const pairs = uploadRaw(bytes, [count, 2], 'int32', op);
      try {
        const strides = contiguousStrides(e.shape).map((s) => 2 * s);
        const lo = pairs._view(e.shape, strides, 0), hi = pairs._view(e.shape, strides, 1);
        try {
          const ok = scope(() => all(eq(hi, where(lt(lo, 0), -1, 0))).item());
          if (!ok) throw new DTypeError(`${op}: '${path}': tensor '${e.name}' (I64) has values outside the int32 range; flintml stores integers as int32`);
          return contiguousCopy(lo, op);
        } finally { lo.dispose(); hi.dispose(); }
      } finally { pairs.dispose(); }
    }
    default:
      return uploadRaw(bytes, e.shape, e.dtype, op);
  }
}

function build(buf: Buffer, path: string, options: LoadOptions | undefined, op: string): Record<string, Tensor> {
  const dev = parseDevice(options?.device, op);
  const h = parseHeader(buf, buf.length, path, op);
  const out: Record<string, Tensor> = {};
  const made: Tensor[] = [];
  try {
    for (const e of h.tensors) {
      const bytes = new Uint8Array(buf.buffer, buf.byteOffset + h.dataStart + e.begin, e.end - e.begin);
      let t = makeTensor(e, bytes, path, op);
      made.push(t);
      if (dev.name !== 'cpu') { t = t.to(dev.name); made.push(t); }
      Object.defineProperty(out, e.name, { value: t, enumerable: true, writable: true, configurable: true });
    }
  } catch (err) {
    for (const t of made) t.dispose();
    throw err;
  }
  // drop the CPU staging tensors of a GPU load
  if (dev.name !== 'cpu') {
    const kept = new Set(Object.values(out));
    for (const t of made) if (!kept.has(t)) t.dispose();
  }
  return out;
}

const FS_REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory', EACCES: 'permission denied', EISDIR: 'is a directory',
  ENOTDIR: 'a component of the path is not a directory', EMFILE: 'too many open files', ENOSPC: 'no space left on the device',
};

/** Node's fs error as a FileError naming the op and the path. */
function fileError(e: unknown, path: string, op: string, doing: string): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return e;
  return new FileError(`${op}: cannot ${doing} '${path}': ${FS_REASONS[code] ?? (e as Error).message} (${code})`, code, { cause: e });
}

function openSyncFor(path: string, op: string): number {
  try { return fs.openSync(path, 'r'); } catch (e) { throw fileError(e, path, op, 'open'); }
}

function tooLarge(size: number, path: string, op: string): ValueError {
  return new ValueError(`${op}: '${path}' is ${String(size)} bytes, more than one Buffer can hold (${String(bufferConstants.MAX_LENGTH)})`);
}

function readAllSync(path: string, op: string): Buffer {
  const fd = openSyncFor(path, op);
  try {
    const size = fs.fstatSync(fd).size;
    if (size > bufferConstants.MAX_LENGTH) throw tooLarge(size, path, op);
    const buf = Buffer.allocUnsafe(size);
    for (let off = 0; off < size;) {
      const got = fs.readSync(fd, buf, off, Math.min(READ_CHUNK, size - off), off);
      if (got === 0) throw new ValueError(`${op}: '${path}' shrank while it was read`);
      off += got;
    }
    return buf;
  } catch (e) {
    throw e instanceof FileError ? e : fileError(e, path, op, 'read');
  } finally {
    fs.closeSync(fd);
  }
}

async function readAll(path: string, op: string): Promise<Buffer> {
  const fh = await fs.promises.open(path, 'r').catch((e: unknown) => { throw fileError(e, path, op, 'open'); });
  try {
    const size = (await fh.stat()).size;
    if (size > bufferConstants.MAX_LENGTH) throw tooLarge(size, path, op);
    const buf = Buffer.allocUnsafe(size);
    for (let off = 0; off < size;) {
      const { bytesRead } = await fh.read(buf, off, Math.min(READ_CHUNK, size - off), off);
      if (bytesRead === 0) throw new ValueError(`${op}: '${path}' shrank while it was read`);
      off += bytesRead;
    }
    return buf;
  } catch (e) {
    throw e instanceof FileError ? e : fileError(e, path, op, 'read');
  } finally {
    await fh.close();
  }
}

/**
 * Reads a safetensors file (e.g. one written by Python's `safetensors.torch.save_file`) into
 * tensors by name. The file is read with one read into memory and each tensor is copied from it
 * without per-element work. Dtypes: F64, F32, F16, BF16, I32, U8, BOOL load as themselves; I16
 * and I8 widen to int32; I64 narrows to int32 and throws DTypeError if a value does not fit
 * (flintml has no int64). Other dtypes throw DTypeError; a malformed file throws ValueError.
 * Files must fit in one Buffer (4 GiB on Node 20).
 *
 * ```ts
 * const sd = await fl.load('model.safetensors');
 * sd['weight'].shape;  // [10, 4]
 * for (const t of Object.values(sd)) t.dispose();
 * ```
 */
export async function load(path: string, options?: LoadOptions): Promise<Record<string, Tensor>> {
  if (arguments.length > 2) tooManyArgs('load', 'path, options', arguments);
  checkPath(path, 'load');
  checkKeys('load', options, ['device']);
  parseDevice(options?.device, 'load');
  const buf = await readAll(path, 'load');
  return build(buf, path, options, 'load');
}

/** `load` that blocks: `const sd = fl.loadSync('model.safetensors')`. */
export function loadSync(path: string, options?: LoadOptions): Record<string, Tensor> {
  if (arguments.length > 2) tooManyArgs('loadSync', 'path, options', arguments);
  checkPath(path, 'loadSync');
  checkKeys('loadSync', options, ['device']);
  parseDevice(options?.device, 'loadSync');
  return build(readAllSync(path, 'loadSync'), path, options, 'loadSync');
}

function headerBytesSync(path: string, op: string): { buf: Buffer; size: number } {
  const fd = openSyncFor(path, op);
  try {
    const size = fs.fstatSync(fd).size;
    const head = Buffer.alloc(8);
    fs.readSync(fd, head, 0, Math.min(8, size), 0);
    const want = size < 8 ? 0 : head.readBigUInt64LE(0);
    // read the header only (a bad length is reported by parseHeader from the first 8 bytes)
    const n = want <= BigInt(Math.min(size - 8, MAX_HEADER)) ? Number(want) : 0;
    const buf = Buffer.alloc(8 + n);
    head.copy(buf);
    if (n > 0) fs.readSync(fd, buf, 8, n, 8);
    return { buf, size };
  } catch (e) {
    throw e instanceof FileError ? e : fileError(e, path, op, 'read');
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The `__metadata__` map of a safetensors file, reading only its header (`{}` when absent).
 * The header is validated as `load` does.
 *
 * ```ts
 * fl.loadMetadataSync('model.safetensors');  // { format: 'pt' }
 * ```
 */
export function loadMetadataSync(path: string): Record<string, string> {
  if (arguments.length > 1) tooManyArgs('loadMetadataSync', 'path', arguments);
  checkPath(path, 'loadMetadata');
  const { buf, size } = headerBytesSync(path, 'loadMetadata');
  return parseHeader(buf, size, path, 'loadMetadata').metadata;
}

/** Async form of `loadMetadataSync`: `await fl.loadMetadata('model.safetensors')`. */
export async function loadMetadata(path: string): Promise<Record<string, string>> {
  if (arguments.length > 1) tooManyArgs('loadMetadata', 'path', arguments);
  return loadMetadataSync(path);
}
