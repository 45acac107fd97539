/**
 * The fast path keeps bytes that are already canonical as they are and re-writes only what is not
 * (see fast-canonical.ts). Lines written by Python's own json.dumps are the common case and are
 * nearly canonical: these properties check that path byte for byte against CPython, for sorted and
 * unsorted keys, escaped and raw text, every float and int spelling Python writes, and against a
 * key order cached from the previous line.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalWithout, NOT_A_STRING } from '../../main/core/json/fast-canonical.js';
import { pythonDumps } from '../../main/core/json/python-dumps.js';
import { pyObject, type PyObject, type PyValue } from '../../main/core/json/py-value.js';
import { stringValueArb } from './json-text-arbitrary.js';
import { askPython, propertyRuns, propertySeed } from './python-oracle.js';

/** Keys of generated entries (the removed `_hash` is added separately, as a string). */
const KEYS = ['__proto__', 'constructor', 'toString', '', 'a', 'b', 'A', 'Z', 'aa', 'ab', 'abcd', 'abcde', 'abcdf', 'abc', '_previous_hash', '_hashes', '10', '2', '-1', '~', ' ', 'key with spaces', 'timestamp'];

const floatArb = fc.oneof(
  fc.constantFrom(145.0, 145.23, 0.1, 1e-7, 1.5e-5, 1e16, 1e15, 9999999999999998, -0, 0, 2.5, 1e22, 5e-324, 0.30000000000000004, 1.7976931348623157e308, NaN, Infinity, -Infinity, 0.0001, 123456789012345.6),
  fc.double(),
);
const intArb = fc.oneof(fc.bigInt({ min: -1000n, max: 1000n }), fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }));
const textArb = fc.oneof(fc.constantFrom('P-1', 'Zoë', '患者', 'O\'Brien "Jr"', 'a\\b', 'tab\tnl\n', '\u007f', '\u2028', '\u{1f600}', '\ud800', ''), stringValueArb);
const scalarArb: fc.Arbitrary<PyValue> = fc.oneof(textArb, floatArb, intArb, fc.boolean(), fc.constant(null));

const tree = fc.letrec<{ value: PyValue; object: PyObject }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalarArb, fc.array(tie('value'), { maxLength: 4 }), tie('object')),
  object: fc.uniqueArray(fc.tuple(fc.constantFrom(...KEYS), tie('value')), { maxLength: 6, selector: ([k]) => k }).map((pairs) => pyObject(pairs)),
}));

/** What a reader sees: the text's UTF-8 bytes (a raw lone surrogate becomes U+FFFD, as in a file). */
const asRead = (text: string): string => Buffer.from(text, 'utf8').toString('utf8');

function pythonCanonical(lines: readonly string[]): string[] {
  return askPython(lines.map((text) => ({ text, op: { op: 'dumps', sortKeys: true, withoutKey: '_hash' } }))).map((answer, i) => {
    if (!answer.ok) throw new Error(`python3 rejected ${lines[i]}: ${answer.error}`);
    return answer.text;
  });
}

describe('canonicalWithout on lines json.dumps wrote', () => {
  it('matches CPython byte for byte, sorted or not, escaped or raw', () => {
    const seed = propertySeed();
    const cases = fc.sample(fc.tuple(tree.object, fc.boolean(), fc.boolean(), fc.option(fc.constantFrom('0123abcd', 'genesis'))), { numRuns: propertyRuns(600), seed }).map(([entry, sortKeys, ensureAscii, hash]) => {
      const withHash = new Map(entry);
      if (hash !== null) withHash.set('_hash', hash);
      return asRead(pythonDumps(withHash, { sortKeys, ensureAscii }));
    });
    const expected = pythonCanonical(cases);
    cases.forEach((line, i) => {
      const r = canonicalWithout(Buffer.from(line, 'utf8'), '_hash', { fields: ['timestamp', 'a'] });
      expect(r, `seed ${seed}: declined ${line}`).not.toBeNull();
      expect(r!.canonical.toString('latin1'), `seed ${seed}: ${line}`).toBe(expected[i]);
    });
  });

  it('passes an already canonical entry through unchanged, minus the removed member', () => {
    const seed = propertySeed();
    for (const entry of fc.sample(tree.object, { numRuns: propertyRuns(300), seed })) {
      const canonical = pythonDumps(entry, { sortKeys: true });
      const line = asRead(canonical.slice(0, -1) + (entry.size > 0 ? ', ' : '') + '"_hash": "ff"}');
      const r = canonicalWithout(Buffer.from(line, 'utf8'), '_hash');
      expect(r?.removed, `seed ${seed}: ${line}`).toBe('ff');
      expect(r?.canonical.toString('latin1'), `seed ${seed}: ${line}`).toBe(canonical);
    }
  });

  it('sorts correctly when one line reuses the previous line\'s key order and the next does not', () => {
    const seed = propertySeed();
    // The same keys in random orders, at the top and one level down: the cached order is right for some lines only.
    const orders = fc.sample(fc.tuple(fc.shuffledSubarray(KEYS, { minLength: 3, maxLength: 8 }), fc.shuffledSubarray(['x', 'y', 'z', 'xy', 'yx'], { minLength: 2, maxLength: 5 })), { numRuns: propertyRuns(200), seed });
    const lines = orders.flatMap(([top, inner]) => {
      const nested = pyObject(inner.map((k, i) => [k, BigInt(i)] as [string, PyValue]));
      const entry = pyObject(top.map((k, i) => [k, k === 'a' ? nested : BigInt(i)] as [string, PyValue]));
      const line = pythonDumps(entry);
      return [line, line, pythonDumps(pyObject([...entry].reverse()))];
    });
    const expected = pythonCanonical(lines);
    lines.forEach((line, i) => expect(canonicalWithout(Buffer.from(line), '_hash')?.canonical.toString('latin1'), `seed ${seed}: ${line}`).toBe(expected[i]));
  });

  it.each([
    ['duplicate keys in Python spacing', '{"a": 1, "b": 2, "a": 3}'],
    ['duplicate keys after a cached order', '{"b": 1, "c": 2, "b": 3}'],
    ['duplicate nested keys', '{"x": {"b": 1, "a": 2, "a": 3}}'],
    ['a raw control character in a value', '{"a": "x\u0001y"}'],
    ['a line that ends inside ", "', '{"a": 1, '],
    ['a line that ends after ": "', '{"a": '],
  ])('returns null rather than guess: %s', (_name, text) => {
    canonicalWithout(Buffer.from('{"c": 1, "b": 2, "a": 3}'), '_hash'); // prime the key-order cache
    expect(canonicalWithout(Buffer.from(text, 'utf8'), '_hash')).toBeNull();
  });

  it('re-writes what Python would write differently, next to verbatim members', () => {
    const line = '{"z": "\\u00E9\\/", "y": 1E2, "x": -0, "w": [1,2], "v": {"b":1, "a": 2}, "u": "plain", "t": "\\u00e9\\ud83d\\ude00\\n", "_hash": "h"}';
    const r = canonicalWithout(Buffer.from(line), '_hash', { fields: ['z', 't', 'y'] });
    expect(r?.canonical.toString()).toBe('{"t": "\\u00e9\\ud83d\\ude00\\n", "u": "plain", "v": {"a": 2, "b": 1}, "w": [1, 2], "x": 0, "y": 100.0, "z": "\\u00e9/"}');
    expect(r?.fields).toEqual(['é/', 'é\u{1f600}\n', NOT_A_STRING]);
  });
});
