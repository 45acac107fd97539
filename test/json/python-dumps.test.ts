import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pythonFloatRepr } from '../../main/core/json/float-repr.js';
import { compareCodePoints } from '../../main/core/json/key-order.js';
import { parsePyJson } from '../../main/core/json/parse.js';
import { canonicalPython, pythonDumps } from '../../main/core/json/python-dumps.js';
import { pyObject, type PyValue } from '../../main/core/json/py-value.js';
import { jsonTextArb } from './json-text-arbitrary.js';
import { askPython, compareWithPython, propertyRuns, propertySeed } from './python-oracle.js';

describe('pythonFloatRepr matches repr(float)', () => {
  const cases: Array<[number, string]> = [
    [145, '145.0'],
    [145.23, '145.23'],
    [0.1, '0.1'],
    [1e-7, '1e-07'],
    [1.5e-5, '1.5e-05'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1e16, '1e+16'],
    [1e15, '1000000000000000.0'],
    [9999999999999998, '9999999999999998.0'],
    [1.2345e22, '1.2345e+22'],
    [1e100, '1e+100'],
    [-0, '-0.0'],
    [0, '0.0'],
    [-2.5, '-2.5'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [5e-324, '5e-324'],
    [0.30000000000000004, '0.30000000000000004'],
    [123456789.123, '123456789.123'],
    [NaN, 'nan'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
  ];
  it.each(cases)('%s → %s', (x, expected) => {
    expect(pythonFloatRepr(x)).toBe(expected);
  });

  it('agrees with CPython on thousands of random doubles', () => {
    const seed = propertySeed();
    const doubles = fc.sample(fc.oneof(fc.double(), fc.double({ min: -1e20, max: 1e20 }), fc.double({ min: -1e-3, max: 1e-3 })), { numRuns: propertyRuns(3000), seed });
    // Pass each double as a lossless float literal; Python prints repr() of it.
    const texts = doubles.map((x) => (Object.is(x, -0) ? '-0.0' : Number.isFinite(x) ? x.toExponential() : String(x)));
    const answers = askPython(texts.map((text) => ({ text, op: { op: 'str' } })));
    const wrong = doubles.filter((x, i) => {
      const answer = answers[i]!;
      return !answer.ok || answer.text !== pythonFloatRepr(x);
    });
    expect(wrong.slice(0, 5), `seed ${seed}`).toEqual([]);
  });
});

describe('pythonDumps', () => {
  it('writes big ints exactly and keeps int/float apart', () => {
    expect(pythonDumps([2n ** 64n, -(10n ** 30n), 3n, 3.0, 2.5])).toBe('[18446744073709551616, -1000000000000000000000000000000, 3, 3.0, 2.5]');
  });

  it('writes NaN, Infinity and -Infinity tokens', () => {
    expect(pythonDumps([NaN, Infinity, -Infinity, -0])).toBe('[NaN, Infinity, -Infinity, -0.0]');
  });

  it('escapes like ensure_ascii=True: short escapes, lowercase \\u, DEL, U+2028, surrogate pairs, lone surrogates', () => {
    const s = '"\\\n\r\t\b\f\u0000\u001f ~\u007f\u0080é\u2028\u{1f600}\ud800\udfff/';
    expect(pythonDumps(s)).toBe('"\\"\\\\\\n\\r\\t\\b\\f\\u0000\\u001f ~\\u007f\\u0080\\u00e9\\u2028\\ud83d\\ude00\\ud800\\udfff/"');
  });

  it('ensure_ascii=False writes raw characters but still escapes quotes, backslashes and C0 controls', () => {
    expect(pythonDumps('"\\\n\u0001\u007fé\u2028\u{1f600}', { ensureAscii: false })).toBe('"\\"\\\\\\n\\u0001\u007fé\u2028\u{1f600}"');
  });

  it('uses the given separators and keeps insertion order unless sortKeys', () => {
    const obj = pyObject([
      ['b', 1n],
      ['a', [true, null]],
    ]);
    expect(pythonDumps(obj)).toBe('{"b": 1, "a": [true, null]}');
    expect(pythonDumps(obj, { separators: [',', ':'] })).toBe('{"b":1,"a":[true,null]}');
    expect(pythonDumps(obj, { sortKeys: true })).toBe('{"a": [true, null], "b": 1}');
    expect(pythonDumps(new Map())).toBe('{}');
    expect(pythonDumps([])).toBe('[]');
  });

  it('sorts keys by code point: U+FFFF before U+10000, integer-like keys as strings, __proto__ as data', () => {
    const obj = pyObject([
      ['\u{10000}', 1n],
      ['\uffff', 2n],
      ['b', 3n],
      ['10', 4n],
      ['2', 5n],
      ['__proto__', 6n],
      ['', 7n],
    ]);
    expect(canonicalPython(obj)).toBe('{"": 7, "10": 4, "2": 5, "__proto__": 6, "b": 3, "\\uffff": 2, "\\ud800\\udc00": 1}');
  });

  it('compareCodePoints orders lone surrogates as code points', () => {
    const keys = ['\ue000', '\ud800', '\u{10000}', '\udc00', 'a', '\ud800\ue000'];
    expect([...keys].sort(compareCodePoints)).toEqual(['a', '\ud800', '\ud800\ue000', '\udc00', '\ue000', '\u{10000}']);
  });

  it('handles a chained audit entry exactly as json.dumps(sort_keys=True) does', () => {
    const line =
      '{"timestamp": "2026-01-05T10:00:00.123456", "conversation_id": "conv_1", "turn_number": 3, "user_id": "u1", "tool_name": "x", "arguments": {"patient_id": "P-1", "note": "Zoë \\u2014 ok"}, "result_summary": {"success": true}, "duration_ms": 145.0, "model": "gpt-4.1", "success": true, "session_metadata": {"user_role": "nurse", "client_ip": "10.0.0.1", "user_agent": null}, "_previous_hash": "genesis"}';
    expect(canonicalPython(parsePyJson(line).value)).toBe(
      '{"_previous_hash": "genesis", "arguments": {"note": "Zo\\u00eb \\u2014 ok", "patient_id": "P-1"}, "conversation_id": "conv_1", "duration_ms": 145.0, "model": "gpt-4.1", "result_summary": {"success": true}, "session_metadata": {"client_ip": "10.0.0.1", "user_agent": null, "user_role": "nurse"}, "success": true, "timestamp": "2026-01-05T10:00:00.123456", "tool_name": "x", "turn_number": 3, "user_id": "u1"}',
    );
  });
});

describe('pythonDumps agrees byte for byte with CPython json.dumps on generated values', () => {
  const variants: Array<[string, { sortKeys?: boolean; ensureAscii?: boolean; separators?: [string, string] }]> = [
    ['defaults (insertion order)', {}],
    ['sort_keys=True', { sortKeys: true }],
    ['ensure_ascii=False, sort_keys=True', { sortKeys: true, ensureAscii: false }],
    ['compact separators', { separators: [',', ':'] }],
  ];
  it.each(variants)('%s', (_name, options) => {
    const seed = propertySeed();
    const texts = fc.sample(jsonTextArb, { numRuns: propertyRuns(300), seed });
    const mismatches = compareWithPython(texts, { op: 'dumps', ...options }, (t) => pythonDumps(parsePyJson(t).value, options));
    expect(mismatches.slice(0, 3), `seed ${seed}, ${mismatches.length} mismatches`).toEqual([]);
  });

  it('round-trips: parse(pythonDumps(v)) serializes to the same text', () => {
    const seed = propertySeed();
    for (const text of fc.sample(jsonTextArb, { numRuns: propertyRuns(300), seed })) {
      const once = canonicalPython(parsePyJson(text).value);
      const value: PyValue = parsePyJson(once).value;
      expect(canonicalPython(value), `seed ${seed}`).toBe(once);
    }
  });
});
