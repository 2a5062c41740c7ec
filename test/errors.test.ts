// errors.test.ts — the native error kinds are listed once, in native/core/error.h
// (FLINT_ERROR_KINDS). This checks that lib/errors.ts maps exactly those codes, each to the exported
// FlintError class of that name, that fromNative() turns each into its class, and that the compiled
// errorCode() table (read through the test addon) follows the header's list, in order.
import * as fs from 'fs';
import * as path from 'path';
import * as errors from '../lib/errors';
import { FlintError, fromNative, nativeErrorClasses } from '../lib/errors';
import { testAddon } from './test-addon';

/** The X(kind, "Code") entries of the FLINT_ERROR_KINDS macro, read from the header's text. */
function headerKinds(): { kind: string; code: string }[] {
  const lines = fs.readFileSync(path.join(__dirname, '..', 'native', 'core', 'error.h'), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith('#define FLINT_ERROR_KINDS(X)'));
  expect(start).toBeGreaterThanOrEqual(0);
  let end = start;
  while (lines[end].trimEnd().endsWith('\\')) end++;
  const body = lines.slice(start + 1, end + 1).join('\n');
  return [...body.matchAll(/X\((\w+),\s*"(\w+)"\)/g)].map((m) => ({ kind: m[1], code: m[2] }));
}

const kinds = headerKinds();
const codes = kinds.map((k) => k.code);

test('error.h lists each kind once, FlintError first (the fallback)', () => {
  expect(codes.length).toBeGreaterThanOrEqual(9);
  expect(kinds[0]).toEqual({ kind: 'Flint', code: 'FlintError' });
  expect(new Set(codes).size).toBe(codes.length);
  for (const { kind, code } of kinds) expect(code).toBe(`${kind}Error`);
});

test('lib/errors.ts maps exactly the listed kinds, each to the exported class of that name', () => {
  expect(Object.keys(nativeErrorClasses).sort()).toEqual([...codes].sort());
  const exported = errors as unknown as Record<string, unknown>;
  for (const code of codes) {
    expect(nativeErrorClasses[code]).toBe(exported[code]);
    expect(nativeErrorClasses[code] === FlintError || nativeErrorClasses[code].prototype instanceof FlintError).toBe(true);
  }
});

test('every native code becomes its class, with the message kept', () => {
  for (const code of codes) {
    const e = fromNative(Object.assign(new Error(`from native: ${code}`), { code }));
    const cls = (errors as unknown as Record<string, new (m: string) => Error>)[code];
    expect(e).toBeInstanceOf(cls);
    expect(e).toBeInstanceOf(FlintError);
    expect((e as Error).name).toBe(code);
    expect((e as Error).message).toBe(`from native: ${code}`);
  }
  const other = new Error('not ours');
  expect(fromNative(Object.assign(other, { code: 'ENOENT' }))).toBe(other);
});

test('the compiled errorCode() table follows the header, in enum order', () => {
  expect(testAddon()._errorCodes()).toEqual(codes);
});
