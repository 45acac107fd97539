import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, parsePyJson } from '../../main/core/json/parse.js';
import { jcsCanonicalize } from '../../main/core/json/jcs.js';
import { canonicalPython } from '../../main/core/json/python-dumps.js';
import { pythonStr } from '../../main/core/json/python-str.js';
import type { PyObject } from '../../main/core/json/py-value.js';
import { jsonTextArb, mutatedJsonTextArb } from './json-text-arbitrary.js';
import { askPython, compareWithPython, propertyRuns, propertySeed } from './python-oracle.js';

function parseError(text: string): JsonSyntaxError {
  try {
    parsePyJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return e;
    throw e;
  }
  throw new Error(`accepted ${JSON.stringify(text)}`);
}

describe('parsePyJson values', () => {
  it('keeps Python int vs float: ints are bigint of any size, floats are numbers', () => {
    const { value } = parsePyJson('[1, -0, 1.0, 12345678901234567890123, 2.50, 1E2, -0.0]');
    expect(value).toEqual([1n, 0n, 1, 12345678901234567890123n, 2.5, 100, -0]);
    expect(Object.is((value as number[])[6], -0)).toBe(true);
  });

  it('parses floats like Python float(): overflow to inf, underflow to 0', () => {
    expect(parsePyJson('[1e400, -1e400, 1e-400, 5e-324]').value).toEqual([Infinity, -Infinity, 0, 5e-324]);
  });

  it('accepts the NaN, Infinity and -Infinity tokens', () => {
    const list = parsePyJson('[NaN, Infinity, -Infinity]').value as number[];
    expect(Number.isNaN(list[0])).toBe(true);
    expect(list.slice(1)).toEqual([Infinity, -Infinity]);
  });

  it('keeps prototype-like and empty keys as plain data', () => {
    const obj = parsePyJson('{"__proto__": {"polluted": true}, "constructor": 1, "": 2}').value as PyObject;
    expect([...obj.keys()]).toEqual(['__proto__', 'constructor', '']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('duplicate keys: last value wins, the key keeps its first position, and the duplicate is reported', () => {
    const { value, duplicateKeys } = parsePyJson('{"a": 1, "b": 2, "a": 3}');
    expect([...(value as PyObject).entries()]).toEqual([
      ['a', 3n],
      ['b', 2n],
    ]);
    expect(duplicateKeys).toEqual(['a']);
  });

  it('keeps integer-like keys in insertion order (a JS object would move them first)', () => {
    expect([...(parsePyJson('{"b": 1, "10": 2, "2": 3}').value as PyObject).keys()]).toEqual(['b', '10', '2']);
  });

  it('decodes escapes, joins escaped surrogate pairs and keeps lone surrogates', () => {
    const s = parsePyJson('"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00E9\\ud83d\\ude00\\ud800x\\udc00"').value as string;
    expect(s).toBe('"\\/\b\f\n\r\té\u{1f600}\ud800x\udc00');
  });

  it('accepts surrounding whitespace of exactly space, tab, LF, CR', () => {
    expect(parsePyJson(' \t\r\n[ 1 ,\n2 ]\r\n').value).toEqual([1n, 2n]);
  });

  it('parses nesting up to the documented limit and rejects deeper input without overflowing the stack', () => {
    const deepest = parsePyJson('{"a": '.repeat(500) + '['.repeat(500) + ']'.repeat(500) + '}'.repeat(500)).value;
    // Everything that recurses over values copes with the deepest value the parser returns.
    expect(canonicalPython(deepest)).toBe('{"a": '.repeat(500) + '['.repeat(500) + ']'.repeat(500) + '}'.repeat(500));
    expect(pythonStr(deepest)).toBe("{'a': ".repeat(500) + '['.repeat(500) + ']'.repeat(500) + '}'.repeat(500));
    expect(jcsCanonicalize(deepest)).toBe('{"a":'.repeat(500) + '['.repeat(500) + ']'.repeat(500) + '}'.repeat(500));
    const deep = parseError('['.repeat(1001) + ']'.repeat(1001));
    expect(deep.message).toMatch(/Nesting deeper than 1000 levels/);
    expect(parseError('{"a":'.repeat(200000)).message).toMatch(/Nesting deeper/);
  });
});

describe('parsePyJson rejects what json.loads rejects, with Python-style messages', () => {
  const cases: Array<[string, RegExp, number]> = [
    ['', /^Expecting value: line 1 column 1 \(char 0\)$/, 1],
    ['[1 2]', /^Expecting ',' delimiter/, 4],
    ['{"a" 1}', /^Expecting ':' delimiter/, 6],
    ['{"a": 1,}', /^Expecting property name enclosed in double quotes/, 9],
    ['{1: 2}', /^Expecting property name enclosed in double quotes/, 2],
    ['[1,]', /^Expecting value/, 4],
    ['01', /^Extra data/, 2],
    ['1.', /^Extra data/, 2],
    ['.5', /^Expecting value/, 1],
    ['-', /^Expecting value/, 1],
    ['nan', /^Expecting value/, 1],
    ['-NaN', /^Expecting value/, 1],
    ['"abc', /^Unterminated string starting at/, 1],
    ['"a\tb"', /^Invalid control character at/, 3],
    ['"\\x"', /^Invalid \\escape/, 2],
    ['"\\u12g4"', /^Invalid \\uXXXX escape/, 3],
    ["{'a': 1}", /^Expecting property name/, 2],
    ['\ufeff{}', /^Unexpected UTF-8 BOM/, 1],
    ['[1]\u00a0', /^Extra data/, 4],
    ['{"a": 1}\n{"b": 2}', /^Extra data: line 2 column 1/, 1],
  ];
  it.each(cases)('%j', (text, message, column) => {
    const error = parseError(text);
    expect(error.message).toMatch(message);
    expect(error.column).toBe(column);
  });

  it('counts columns in code points like Python', () => {
    expect(parseError('["\u{1f600}\u{1f600}" x]').column).toBe(7);
  });

  it('rejects ints longer than CPython accepts (4300 digits) and accepts 4300', () => {
    expect(parsePyJson('9'.repeat(4300)).value).toBe(10n ** 4300n - 1n);
    expect(parseError('-' + '9'.repeat(4301)).message).toMatch(/Exceeds the limit \(4300 digits\)/);
  });
});

describe('parsePyJson agrees with CPython json.loads on generated texts', () => {
  it('accepts exactly the valid generated texts, with identical canonical output', () => {
    const seed = propertySeed();
    const texts = fc.sample(jsonTextArb, { numRuns: propertyRuns(400), seed });
    const mismatches = compareWithPython(texts, { op: 'dumps', sortKeys: true }, (t) => canonicalPython(parsePyJson(t).value));
    expect(mismatches.slice(0, 3), `seed ${seed}, ${mismatches.length} mismatches`).toEqual([]);
  });

  it('rejects exactly the texts Python rejects among randomly corrupted ones', () => {
    const seed = propertySeed();
    const texts = fc.sample(mutatedJsonTextArb, { numRuns: propertyRuns(600), seed });
    const mismatches = compareWithPython(texts, { op: 'dumps', sortKeys: true }, (t) => canonicalPython(parsePyJson(t).value));
    expect(mismatches.slice(0, 3), `seed ${seed}, ${mismatches.length} mismatches`).toEqual([]);
  });

  it('reports the same error message and position as CPython for rejected texts', () => {
    const seed = propertySeed();
    const texts = fc.sample(mutatedJsonTextArb, { numRuns: propertyRuns(1500), seed });
    const answers = askPython(texts.map((text) => ({ text, op: { op: 'loads' } })));
    const differences: Array<{ text: string; python: string; ours: string }> = [];
    texts.forEach((text, i) => {
      const answer = answers[i]!;
      if (answer.ok) return;
      const python = answer.error.replace(/^JSONDecodeError: /, '');
      // CPython 3.13 reworded trailing-comma errors; we keep the 3.11/3.12 wording.
      if (python.startsWith('Illegal trailing comma')) return;
      let ours = 'accepted';
      try {
        parsePyJson(text);
      } catch (e) {
        ours = (e as Error).message;
      }
      if (ours !== python) differences.push({ text, python, ours });
    });
    expect(differences.slice(0, 3), `seed ${seed}, ${differences.length} differences`).toEqual([]);
  });
});
