// print-options.test.ts — tensor printing and fl.setPrintoptions / fl.getPrintoptions against torch
// 1.13's str(tensor) (test/golden/print_options.json, made by scripts/golden/print_options.py: each
// case's tensor, options, default dtype and torch's text). The tensors are made on DEVICE and read
// back to the CPU for printing (a GPU tensor's text has a device suffix that torch's CPU one lacks).
// Every test restores the default options and dtype afterwards.
import * as fs from 'fs';
import * as path from 'path';
import * as util from 'util';
import * as fl from '../lib';
import { DEVICE } from './helpers';

interface Case {
  name: string; dtype: fl.DType; shape: number[]; options: Record<string, unknown>; default: 'float32' | 'float64'; torch: string;
  values: (number | string | boolean | (number | string)[])[];
}
const GOLDEN = JSON.parse(fs.readFileSync(path.join(__dirname, 'golden', 'print_options.json'), 'utf8')) as { torch: string; cases: Case[] };

const num = (v: number | string): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === '-0' ? -0 : v as number);

/** The case's tensor on DEVICE, back on the CPU. */
function make(c: Case): fl.Tensor {
  const dev = { device: DEVICE };
  if (c.dtype === 'complex64' || c.dtype === 'complex128') {
    const part = c.dtype === 'complex64' ? 'float32' : 'float64';
    const pairs = c.values as (number | string)[][];
    const re = fl.tensor(pairs.map((p) => num(p[0])), { dtype: part, ...dev }), im = fl.tensor(pairs.map((p) => num(p[1])), { dtype: part, ...dev });
    return fl.complex(re, im).reshape(c.shape).to('cpu');
  }
  if (c.dtype === 'bool') return fl.tensor(c.values as boolean[], { dtype: 'bool', ...dev }).reshape(c.shape).to('cpu');
  return fl.tensor((c.values as (number | string)[]).map(num), { dtype: c.dtype, ...dev }).reshape(c.shape).to('cpu');
}

/** torch's text with flintml's dtype and size spellings (int32 stands for torch's int64). */
function asFlint(text: string): string {
  return text.replace(/dtype=torch\.int64/g, 'dtype=int32').replace(/dtype=torch\.(\w+)/g, 'dtype=$1')
    .replace(/size=\(([\d, ]*)\)/g, (_m, s: string) => `size=[${s.replace(/,$/, '')}]`);
}

afterEach(() => {
  fl.setPrintoptions({ profile: 'default' });
  fl.setDefaultDtype('float32');
});

describe('str(tensor) as torch 1.13 prints it', () => {
  test('the golden file is torch 1.13\'s, with cases for every option', () => {
    expect(GOLDEN.torch).toMatch(/^1\.13/);
    const used = new Set(GOLDEN.cases.flatMap((c) => Object.keys(c.options)));
    expect([...used].sort()).toEqual(['edgeitems', 'linewidth', 'precision', 'profile', 'sciMode', 'threshold']);
  });

  test.each(GOLDEN.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    fl.scope(() => {
      fl.setDefaultDtype(c.default);
      const t = make(c);
      fl.setPrintoptions(c.options);
      expect(t.toString()).toBe(asFlint(c.torch));
    });
  });

  test('a GPU tensor says where it is, as torch (device first, then dtype)', () => {
    fl.scope(() => {
      const t = fl.tensor([1.5, 2], { dtype: 'float64', device: DEVICE });
      if (DEVICE === 'cpu') expect(t.toString()).toBe('tensor([1.5000, 2.0000], dtype=float64)');
      // torch.tensor([1.5, 2.], dtype=torch.float64, device='cuda:0'): tensor([1.5000, 2.0000], device='cuda:0', dtype=torch.float64)
      else expect(t.toString()).toBe(`tensor([1.5000, 2.0000], device='${t.device}', dtype=float64)`);
    });
  });

  test('a suffix that would pass linewidth goes on a new line (torch\'s _add_suffixes)', () => {
    fl.scope(() => {
      // torch.set_printoptions(linewidth=40); torch.tensor([1.5, 2., 3.], dtype=torch.float16):
      // 'tensor([1.5000, 2.0000, 3.0000],\n       dtype=torch.float16)' — the same rule with flintml's shorter names:
      // len('tensor([1.5000, 2.0000, 3.0000]') + 2 = 33, + len('dtype=float16') + 2 > 40
      fl.setPrintoptions({ linewidth: 40 });
      expect(fl.tensor([1.5, 2, 3], { dtype: 'float16', device: DEVICE }).to('cpu').toString()).toBe('tensor([1.5000, 2.0000, 3.0000],\n       dtype=float16)');
      fl.setPrintoptions({ linewidth: 80 });
      expect(fl.tensor([1.5, 2, 3], { dtype: 'float16', device: DEVICE }).to('cpu').toString()).toBe('tensor([1.5000, 2.0000, 3.0000], dtype=float16)');
    });
  });
});

describe('setPrintoptions and getPrintoptions', () => {
  test('defaults, profiles, and sciMode reset by every call (torch sets sci_mode=None when not given)', () => {
    expect(fl.getPrintoptions()).toEqual({ precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sciMode: null });
    fl.setPrintoptions({ profile: 'short', linewidth: 120, sciMode: true });
    expect(fl.getPrintoptions()).toEqual({ precision: 2, threshold: 1000, edgeitems: 2, linewidth: 120, sciMode: true });
    fl.setPrintoptions({ precision: 6 });
    expect(fl.getPrintoptions()).toEqual({ precision: 6, threshold: 1000, edgeitems: 2, linewidth: 120, sciMode: null });
    fl.setPrintoptions({ profile: 'full' });
    expect(fl.getPrintoptions()).toEqual({ precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80, sciMode: null });
    // torch's positional order: precision, threshold, edgeitems, linewidth, profile, sci_mode
    fl.setPrintoptions(3, 10, 1, 60, undefined, false);
    expect(fl.getPrintoptions()).toEqual({ precision: 3, threshold: 10, edgeitems: 1, linewidth: 60, sciMode: false });
    fl.setPrintoptions({ profile: 'default' });
    expect(fl.getPrintoptions()).toEqual({ precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sciMode: null });
  });

  test('getPrintoptions returns a copy', () => {
    const o = fl.getPrintoptions();
    o.precision = 9;
    expect(fl.getPrintoptions().precision).toBe(4);
  });

  test('bad options are refused, naming the option (torch ignores an unknown profile and prints garbage for edgeitems=0)', () => {
    const before = fl.getPrintoptions();
    expect(() => fl.setPrintoptions({ precision: -1 })).toThrow(new fl.ValueError('setPrintoptions: precision must be an integer >= 0 and <= 100, got -1'));
    expect(() => fl.setPrintoptions({ precision: 2.5 })).toThrow(fl.ValueError);
    expect(() => fl.setPrintoptions({ precision: 101 })).toThrow(fl.ValueError);
    expect(() => fl.setPrintoptions({ threshold: -1 })).toThrow(/setPrintoptions: threshold must be a number >= 0/);
    expect(() => fl.setPrintoptions({ edgeitems: 0 })).toThrow(/setPrintoptions: edgeitems must be an integer >= 1, got 0/);
    expect(() => fl.setPrintoptions({ linewidth: 0 })).toThrow(/setPrintoptions: linewidth must be an integer >= 1/);
    expect(() => fl.setPrintoptions({ profile: 'long' as 'full' })).toThrow(/setPrintoptions: profile must be one of 'default', 'short', 'full', got 'long'/);
    expect(() => fl.setPrintoptions({ sciMode: 1 as unknown as boolean })).toThrow(/setPrintoptions: sciMode must be a boolean, got 1/);
    expect(() => fl.setPrintoptions({ precison: 2 } as never)).toThrow(new fl.ValueError("setPrintoptions: unknown option 'precison' (did you mean 'precision'?)"));
    expect(() => fl.getPrintoptions.call(null, 1 as never)).toThrow(fl.ValueError);
    expect(fl.getPrintoptions()).toEqual(before);  // a refused call changes nothing
  });

  test('the options apply to every tensor printed afterwards, also through console.log\'s inspect', () => {
    fl.scope(() => {
      const t = fl.tensor([1.12345, 2], { dtype: 'float32', device: DEVICE }).to('cpu');
      fl.setPrintoptions({ precision: 1 });
      // torch.set_printoptions(precision=1); torch.tensor([1.12345, 2.]): tensor([1.1, 2.0])
      expect(String(t)).toBe('tensor([1.1, 2.0])');
      expect(util.inspect(t)).toBe('tensor([1.1, 2.0])');
    });
  });
});
