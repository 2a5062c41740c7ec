// tokenizer.ts — `AutoTokenizer.fromPretrained(dir)`: a folder's tokenizer.json (and
// tokenizer_config.json when present) read by Hugging Face's own JavaScript tokenizer package,
// @huggingface/tokenizers (pure JavaScript, no dependencies, no native binary: it installs and runs
// wherever Node 18+ does, and reads the same tokenizer.json the Rust `tokenizers` writes). It is an
// optional dependency of flintml: loaded on first use, with an error naming it when absent.
import * as fs from 'fs';
import * as path from 'path';
import { FileError, ValueError } from '../errors';
import * as A from '../args';
import { optional, signature } from '../args';

/** What flintml uses of @huggingface/tokenizers' Tokenizer (declared here: the package is optional). */
interface HFTokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): { ids: number[] };
  decode(ids: number[], options?: { skip_special_tokens?: boolean }): string;
  token_to_id(token: string): number | undefined;
  id_to_token(id: number): string | undefined;
}
type HFTokenizerClass = new (tokenizer: object, config: object) => HFTokenizer;

export const TOKENIZER_PACKAGE = '@huggingface/tokenizers';

let loaded: HFTokenizerClass | null = null;
function tokenizerClass(op: string): HFTokenizerClass {
  if (loaded) return loaded;
  let mod: { Tokenizer?: HFTokenizerClass };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(TOKENIZER_PACKAGE) as { Tokenizer?: HFTokenizerClass };
  } catch (e) {
    throw new ValueError(`${op}: the optional package ${TOKENIZER_PACKAGE} is not installed: npm install ${TOKENIZER_PACKAGE} (${(e as Error).message.split('\n')[0]})`);
  }
  if (typeof mod.Tokenizer !== 'function') throw new ValueError(`${op}: ${TOKENIZER_PACKAGE} has no Tokenizer class (an unsupported version?)`);
  loaded = mod.Tokenizer;
  return loaded;
}

function readJson(file: string, op: string): object {
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch (e) {
    throw new FileError(`${op}: cannot read ${file}: ${(e as Error).message}`, (e as NodeJS.ErrnoException).code, { cause: e });
  }
  try { return JSON.parse(text) as object; } catch (e) { throw new ValueError(`${op}: ${file} is not valid JSON: ${(e as Error).message}`); }
}

/** Options of `Tokenizer.encode`. */
export interface EncodeOptions {
  /** Add the special tokens the tokenizer's post-processor adds (BOS for Llama; default true). */
  addSpecialTokens?: boolean;
}
/** Options of `Tokenizer.decode`. */
export interface DecodeOptions {
  /** Leave special tokens (BOS, EOS, padding) out of the text (default false). */
  skipSpecialTokens?: boolean;
}

const ENCODE_ARGS = signature('Tokenizer.encode', ['text'], { text: A.required(A.str), addSpecialTokens: optional(A.bool, true) });
const DECODE_ARGS = signature('Tokenizer.decode', ['ids'], { ids: A.required(A.arrayOf(A.int({ min: 0 }))), skipSpecialTokens: optional(A.bool, false) });
const FROM_PRETRAINED_ARGS = signature('AutoTokenizer.fromPretrained', ['dir'], { dir: A.required(A.str) });

/** A Hugging Face tokenizer (tokenizer.json): text to token ids and back. */
export class Tokenizer {
  /** @internal */
  constructor(private readonly impl: HFTokenizer, private readonly config: Record<string, unknown>) {
    const methods = ['encode', 'decode', 'token_to_id', 'id_to_token'] as const;
    if (impl === null || typeof impl !== 'object' || methods.some((m) => typeof (impl as unknown as Record<string, unknown>)[m] !== 'function')
      || config === null || typeof config !== 'object') {
      throw new ValueError('Tokenizer: expected a tokenizers Tokenizer and its tokenizer_config; use Tokenizer.fromPretrained(folder)');
    }
  }

  /** Token ids of `text`: `tok.encode('Hello world')` → `[15496, 995]` (GPT-2). */
  encode(text: string, options?: EncodeOptions): number[];
  encode(...args: unknown[]): number[] {
    const o = ENCODE_ARGS.parse(args);
    return this.impl.encode(o.text, { add_special_tokens: o.addSpecialTokens }).ids;
  }

  /** The text of token ids: `tok.decode([15496, 995])` → `'Hello world'`. */
  decode(ids: readonly number[], options?: DecodeOptions): string;
  decode(...args: unknown[]): string {
    const o = DECODE_ARGS.parse(args);
    return this.impl.decode(o.ids, { skip_special_tokens: o.skipSpecialTokens });
  }

  /** The id of a token string, or undefined. */
  tokenToId(token: string): number | undefined {
    if (arguments.length > 1) A.tooManyArgs('tokenToId', 'token', arguments);
    return this.impl.token_to_id(token);
  }

  /** The token string of an id, or undefined. */
  idToToken(id: number): string | undefined {
    if (arguments.length > 1) A.tooManyArgs('idToToken', 'id', arguments);
    return this.impl.id_to_token(id);
  }

  /** The end-of-sequence token's id (tokenizer_config.json's eos_token), or undefined. */
  get eosTokenId(): number | undefined {
    const e = this.config.eos_token;
    const s = typeof e === 'string' ? e : e && typeof e === 'object' ? (e as { content?: unknown }).content : undefined;
    return typeof s === 'string' ? this.impl.token_to_id(s) : undefined;
  }
}

/** Loads the tokenizer of a Hugging Face folder, as transformers' `AutoTokenizer` (fast tokenizers: tokenizer.json). */
export const AutoTokenizer = {
  /**
   * Reads `dir/tokenizer.json` (and `tokenizer_config.json` when present) with the optional
   * package @huggingface/tokenizers (`npm install @huggingface/tokenizers`).
   *
   * ```ts
   * const tok = fl.models.AutoTokenizer.fromPretrained('./gpt2');
   * const ids = tok.encode('Hello world');
   * tok.decode(ids);
   * ```
   */
  fromPretrained(dir: string): Tokenizer {
    const { dir: d } = FROM_PRETRAINED_ARGS.parse([...arguments]);
    const op = 'AutoTokenizer.fromPretrained';
    const file = path.join(d, 'tokenizer.json');
    if (!fs.existsSync(file)) {
      const slow = ['vocab.json', 'tokenizer.model'].find((f) => fs.existsSync(path.join(d, f)));
      throw new FileError(`${op}: ${d} has no tokenizer.json${slow ? ` (it has ${slow}, a slow tokenizer's file: save the fast tokenizer with tokenizer.save_pretrained)` : ''}`, 'ENOENT');
    }
    const json = readJson(file, op);
    const cfgFile = path.join(d, 'tokenizer_config.json');
    const config = fs.existsSync(cfgFile) ? readJson(cfgFile, op) as Record<string, unknown> : {};
    const Impl = tokenizerClass(op);
    return new Tokenizer(new Impl(json, config), config);
  },
};
