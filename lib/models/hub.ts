// hub.ts — reading and writing a model folder as Hugging Face `transformers` lays it out with
// `save_pretrained`: config.json plus either model.safetensors or shards
// model-0000i-of-0000n.safetensors listed by model.safetensors.index.json ({ metadata: { total_size },
// weight_map: { name: file } }). Only local folders: nothing is downloaded.
import * as fs from 'fs';
import * as path from 'path';
import { describeArg } from '../arity';
import { DType, ITEMSIZE } from '../dtype';
import { FileError, ValueError } from '../errors';
import { loadSync, saveSync } from '../io/safetensors';
import { Tensor } from '../tensor';

/** A model's config.json as parsed JSON (keys as transformers writes them, snake_case). */
export type PretrainedConfig = Record<string, unknown>;

const INDEX = 'model.safetensors.index.json';
const SINGLE = 'model.safetensors';

/** @internal config.json of `dir`, parsed; FileError when absent or not a JSON object. */
export function readConfig(dir: string, op: string): PretrainedConfig {
  if (typeof dir !== 'string' || dir === '') throw new ValueError(`${op}: expected a folder path, got ${dir === '' ? 'an empty string' : typeof dir}`);
  const file = path.join(dir, 'config.json');
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch (e) {
    throw new FileError(`${op}: cannot read ${file} (a save_pretrained folder has config.json): ${(e as Error).message}`, (e as NodeJS.ErrnoException).code, { cause: e });
  }
  let cfg: unknown;
  try { cfg = JSON.parse(text); } catch (e) { throw new ValueError(`${op}: ${file} is not valid JSON: ${(e as Error).message}`); }
  if (cfg === null || typeof cfg !== 'object' || Array.isArray(cfg)) throw new ValueError(`${op}: ${file} must hold a JSON object`);
  return cfg as PretrainedConfig;
}

/** @internal Every tensor of the folder's safetensors file(s), on `device`. */
export function readWeights(dir: string, device: string, op: string): Record<string, Tensor> {
  const index = path.join(dir, INDEX);
  if (fs.existsSync(index)) {
    let map: unknown;
    try { map = (JSON.parse(fs.readFileSync(index, 'utf8')) as { weight_map?: unknown }).weight_map; } catch (e) {
      throw new ValueError(`${op}: ${index} is not valid JSON: ${(e as Error).message}`);
    }
    if (map === null || typeof map !== 'object') throw new ValueError(`${op}: ${index} has no weight_map object`);
    const files = [...new Set(Object.values(map as Record<string, unknown>))];
    const out: Record<string, Tensor> = {};
    for (const f of files) {
      if (typeof f !== 'string' || f.includes('/') || f.includes('\\')) throw new ValueError(`${op}: ${index} names a shard ${JSON.stringify(f)} outside the folder`);
      const part = loadSync(path.join(dir, f), { device });
      for (const [k, t] of Object.entries(part)) {
        if ((map as Record<string, unknown>)[k] !== f) { Object.values(part).forEach((x) => x.dispose()); Object.values(out).forEach((x) => x.dispose()); throw new ValueError(`${op}: ${f} holds ${k}, which ${INDEX} does not place in that file`); }
        out[k] = t;
      }
    }
    const missing = Object.keys(map as object).filter((k) => !(k in out));
    if (missing.length) { Object.values(out).forEach((x) => x.dispose()); throw new ValueError(`${op}: ${INDEX} lists ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''} but no shard holds them`); }
    return out;
  }
  const single = path.join(dir, SINGLE);
  if (fs.existsSync(single)) return loadSync(single, { device });
  const bin = ['pytorch_model.bin', 'pytorch_model.bin.index.json'].find((f) => fs.existsSync(path.join(dir, f)));
  throw new FileError(`${op}: ${dir} has neither ${SINGLE} nor ${INDEX}${bin ? ` (it has ${bin}: a pickle, which flintml does not read; convert it with save_pretrained(..., safe_serialization=True))` : ''}`, 'ENOENT');
}

/** Options of `savePretrained`. */
export interface SavePretrainedOptions {
  /** Largest shard in bytes; a larger state is split into model-0000i-of-0000n.safetensors with an index (default: one file). */
  maxShardSize?: number;
}

/** @internal Writes config.json and the weights (one file, or shards with their index) into `dir`. */
export function writePretrained(dir: string, config: PretrainedConfig, tensors: Record<string, Tensor>, maxShardSize: number | undefined, op: string): void {
  if (typeof dir !== 'string' || dir === '') throw new ValueError(`${op}: expected a folder path, got ${typeof dir}`);
  if (maxShardSize !== undefined && !(typeof maxShardSize === 'number' && maxShardSize > 0)) throw new ValueError(`${op}: maxShardSize must be a positive number of bytes, got ${String(maxShardSize)}`);
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(dir)) {  // stale shards of an earlier save would be read back by the index-less loader
    if (f === SINGLE || f === INDEX || /^model-\d+-of-\d+\.safetensors$/.test(f)) fs.rmSync(path.join(dir, f));
  }
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  const meta = { format: 'pt' };  // transformers refuses safetensors files whose format is not pt/tf/flax/mlx
  const names = Object.keys(tensors);
  const bytes = (t: Tensor) => t.numel * ITEMSIZE[t.dtype as DType];
  const total = names.reduce((s, k) => s + bytes(tensors[k]), 0);
  if (maxShardSize === undefined || total <= maxShardSize) { saveSync(tensors, path.join(dir, SINGLE), meta); return; }
  const shards: string[][] = [[]];
  let size = 0;
  for (const k of names) {  // transformers' rule: a tensor larger than the limit gets a shard of its own
    if (size > 0 && size + bytes(tensors[k]) > maxShardSize) { shards.push([]); size = 0; }
    shards[shards.length - 1].push(k);
    size += bytes(tensors[k]);
  }
  const n = shards.length;
  const pad = (i: number) => String(i).padStart(5, '0');
  const weightMap: Record<string, string> = {};
  shards.forEach((ks, i) => {
    const file = `model-${pad(i + 1)}-of-${pad(n)}.safetensors`;
    saveSync(Object.fromEntries(ks.map((k) => [k, tensors[k]])), path.join(dir, file), meta);
    for (const k of ks) weightMap[k] = file;
  });
  fs.writeFileSync(path.join(dir, INDEX), JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }, null, 2) + '\n');
}

/** @internal A config value read as a number (with a default), or a ValueError naming the key. */
export function num(cfg: PretrainedConfig, key: string, op: string, dflt?: number): number {
  const v = cfg[key];
  if (v === undefined || v === null) {
    if (dflt === undefined) throw new ValueError(`${op}: config.json lacks "${key}"`);
    return dflt;
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`${op}: config.json's "${key}" must be a number, got ${describeArg(v)}`);
  return v;
}

/**
 * @internal A config value read as a string (to compare with the names a model supports and to
 * name in its error): the string itself, or the description of what is there instead (a config
 * given as an object, not read from config.json, may hold a Symbol or a BigInt, which String() or
 * a template literal would throw on).
 */
export function configString(v: unknown): string {
  return typeof v === 'string' ? v : describeArg(v);
}

/** @internal A config value that must be a positive integer. */
export function posInt(cfg: PretrainedConfig, key: string, op: string, dflt?: number): number {
  const v = num(cfg, key, op, dflt);
  if (!Number.isInteger(v) || v <= 0) throw new ValueError(`${op}: config.json's "${key}" must be a positive integer, got ${v}`);
  return v;
}
