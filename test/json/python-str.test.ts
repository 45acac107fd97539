import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePyJson } from '../../main/core/json/parse.js';
import { pythonStr } from '../../main/core/json/python-str.js';
import { pyObject } from '../../main/core/json/py-value.js';
import { jsonTextArb } from './json-text-arbitrary.js';
import { compareWithPython, propertyRuns, propertySeed } from './python-oracle.js';

describe('pythonStr matches str() of the value Python parsed', () => {
  it('str is itself, scalars use Python spellings', () => {
    expect(pythonStr('P-1 é')).toBe('P-1 é');
    expect(pythonStr(12345678901234567890n)).toBe('12345678901234567890');
    expect(pythonStr(145)).toBe('145.0');
    expect(pythonStr(1e-7)).toBe('1e-07');
    expect(pythonStr(NaN)).toBe('nan');
    expect(pythonStr(-Infinity)).toBe('-inf');
    expect(pythonStr(true)).toBe('True');
    expect(pythonStr(null)).toBe('None');
  });

  it('containers are reprs: quote choice, escapes and Python literals', () => {
    const value = pyObject([
      ['a', ["it's", 'say "hi"', 'both \' and "', 'tab\there', '\u0007\u007f\u00a0\u2028', '\u{1f600}\ud800', 'é\\']],
      ['n', [1n, 2.5, false, null, pyObject([])]],
    ]);
    expect(pythonStr(value)).toBe(
      `{'a': ["it's", 'say "hi"', 'both \\' and "', 'tab\\there', '\\x07\\x7f\\xa0\\u2028', '\u{1f600}\\ud800', 'é\\\\'], 'n': [1, 2.5, False, None, {}]}`,
    );
  });

  it('agrees with CPython str() on generated values', () => {
    const seed = propertySeed();
    const texts = fc.sample(jsonTextArb, { numRuns: propertyRuns(400), seed });
    const mismatches = compareWithPython(texts, { op: 'str' }, (t) => pythonStr(parsePyJson(t).value));
    expect(mismatches.slice(0, 3), `seed ${seed}, ${mismatches.length} mismatches`).toEqual([]);
  });

  it('agrees with CPython str() on every code point (printability table)', () => {
    const texts: string[] = [];
    for (let start = 0; start < 0x110000; start += 4096) {
      let chunk = '';
      for (let cp = start; cp < start + 4096; cp++) chunk += String.fromCodePoint(cp);
      texts.push(JSON.stringify([chunk])); // lone surrogates travel as \udXXX escapes
    }
    const mismatches = compareWithPython(texts, { op: 'str' }, (t) => pythonStr(parsePyJson(t).value));
    expect(mismatches.map((m) => (JSON.parse(m.text) as string[])[0]!.codePointAt(0)!.toString(16))).toEqual([]);
  });
});
