import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_LINE_BYTES, NOT_A_STRING, canonicalChunkBuffer, canonicalWithout, scanCanonical, scannedCanonical, scannedField, scannedFieldIs, scannedRemoved } from '../../main/core/json/fast-canonical.js';
import { parsePyJson } from '../../main/core/json/parse.js';
import { canonicalPython } from '../../main/core/json/python-dumps.js';
import { withoutKey, type PyObject } from '../../main/core/json/py-value.js';
import { auditLineArb } from './audit-line-arbitrary.js';
import { jsonObjectTextArb, mutatedOf } from './json-text-arbitrary.js';
import { askPython, propertyRuns, propertySeed } from './python-oracle.js';

/** Top-level fields every comparison also extracts (strings, absent, other types). */
const FIELDS = ['_previous_hash', 'timestamp', 'a', '__proto__', 'b'];
type FieldValue = string | null | typeof NOT_A_STRING;
type Answer = { canonical: string; removed: string | null; fields: FieldValue[] };

/**
 * The slow, obviously-correct answer: parse, drop the key, json.dumps(sort_keys=True).
 * It reads the text as a reader would, from its UTF-8 bytes (a raw lone surrogate becomes U+FFFD).
 */
function slow(text: string, key: string): Answer | 'invalid' {
  let value;
  try {
    value = parsePyJson(Buffer.from(text, 'utf8').toString('utf8')).value;
  } catch {
    return 'invalid';
  }
  if (!(value instanceof Map)) return 'invalid';
  const removed = value.get(key);
  const fields = FIELDS.map((name): FieldValue => {
    const field = value.get(name);
    return field === undefined ? null : typeof field === 'string' ? field : NOT_A_STRING;
  });
  return { canonical: canonicalPython(withoutKey(value, key)), removed: typeof removed === 'string' ? removed : null, fields };
}

function fast(text: string, key: string): Answer | null {
  const r = canonicalWithout(Buffer.from(text, 'utf8'), key, { fields: FIELDS });
  return r && { canonical: r.canonical.toString('latin1'), removed: r.removed, fields: r.fields };
}

describe('canonicalWithout', () => {
  it('produces json.dumps(sort_keys=True) of the entry without _hash, and the _hash value', () => {
    const line =
      '{"timestamp": "2026-01-05T10:00:00", "turn_number": 3, "arguments": {"patient_id": "P-1"}, "duration_ms": 145.0, "session_metadata": {"user_role": "nurse", "user_agent": null}, "_previous_hash": "genesis", "_hash": "ab12"}';
    const r = canonicalWithout(Buffer.from(line), '_hash');
    expect(r?.removed).toBe('ab12');
    expect(r?.canonical.toString()).toBe(
      '{"_previous_hash": "genesis", "arguments": {"patient_id": "P-1"}, "duration_ms": 145.0, "session_metadata": {"user_agent": null, "user_role": "nurse"}, "timestamp": "2026-01-05T10:00:00", "turn_number": 3}',
    );
  });

  it('re-serializes compact, raw UTF-8 and odd spellings the way Python would', () => {
    const line = '{"b":[1E2,-0,1e-7,0.10,"é\\u00E9\\/\u007f\u{1f600}",1e400,NaN],"a":{"z":1,"y":-0.0},"_hash":"h"}\r';
    expect(fast(line, '_hash')).toEqual({
      canonical: '{"a": {"y": -0.0, "z": 1}, "b": [100.0, 0, 1e-07, 0.1, "\\u00e9\\u00e9/\\u007f\\ud83d\\ude00", Infinity, NaN]}',
      removed: 'h',
      fields: [null, null, NOT_A_STRING, null, NOT_A_STRING],
    });
  });

  it('reports an absent key as removed: null', () => {
    expect(fast('{"b": 1, "a": 2}', '_hash')).toEqual({ canonical: '{"a": 2, "b": 1}', removed: null, fields: [null, null, NOT_A_STRING, null, NOT_A_STRING] });
  });

  it('returns requested top-level string fields decoded, ignoring nested members of the same name', () => {
    const line = '{"x": {"timestamp": "inner", "a": "inner"}, "timestamp": "2026-01-05T10:00:00", "_previous_hash": "genesis", "a": "Zo\\u00eb \\ud800 \\"q\\"", "b": "café", "_hash": "h"}';
    expect(fast(line, '_hash')?.fields).toEqual(['genesis', '2026-01-05T10:00:00', 'Zoë \ud800 "q"', null, 'café']);
    expect(canonicalWithout(Buffer.from(line), '_hash', { fields: ['_hash', 'x'] })?.fields).toEqual(['h', NOT_A_STRING]);
  });

  it('compares a requested field with a text in place, for plain, escaped, absent and non-string values', () => {
    const line = '{"x": {"p": "genesis"}, "p": "ab12", "q": "Zo\\u00eb", "r": 7, "_hash": "h"}';
    expect(scanCanonical(Buffer.from(line), 0, Buffer.byteLength(line), '_hash', ['p', 'q', 'r', 's'])).toBe(true);
    expect([scannedFieldIs(0, 'ab12'), scannedFieldIs(0, 'ab1'), scannedFieldIs(0, 'ab13'), scannedFieldIs(0, 'genesis')]).toEqual([true, false, false, false]);
    expect([scannedFieldIs(1, 'Zoë'), scannedFieldIs(1, 'Zo\\u00eb')]).toEqual([true, false]);
    expect([scannedFieldIs(2, '7'), scannedFieldIs(3, ''), scannedField(3)]).toEqual([false, false, null]);
    expect(scannedCanonical().toString()).toBe('{"p": "ab12", "q": "Zo\\u00eb", "r": 7, "x": {"p": "genesis"}}');
  });

  it('reads lines in place from the chunk buffer and leaves its bytes as they were', () => {
    const text = '{"b": 1, "a": [1.50, "x"], "_hash": "h"}\n{"c": "\u00e9"}\n';
    const chunk = canonicalChunkBuffer(64);
    chunk.fill(0x78);
    chunk.write(text, 0, 'utf8');
    const before = Buffer.from(chunk);
    const firstEnd = text.indexOf('\n');
    expect(scanCanonical(chunk, 0, firstEnd, '_hash', [])).toBe(true);
    expect(scannedCanonical().toString()).toBe('{"a": [1.5, "x"], "b": 1}');
    expect(scannedRemoved()).toBe('h');
    expect(scanCanonical(chunk, firstEnd + 1, Buffer.byteLength(text) - 1, '_hash', [])).toBe(true);
    expect(scannedCanonical().toString()).toBe('{"c": "\\u00e9"}');
    expect(chunk.equals(before)).toBe(true);
  });

  it.each([
    ['duplicate keys', '{"a": 1, "a": 2}'],
    ['duplicate nested keys', '{"x": {"b": 1, "a": 2, "b": 3}}'],
    ['duplicate removed key', '{"_hash": "a", "_hash": "b"}'],
    ['escaped key', '{"\\u0061": 1}'],
    ['non-ASCII key', '{"é": 1}'],
    ['removed value not a string', '{"_hash": 5}'],
    ['removed value with escapes', '{"_hash": "a\\u0062"}'],
    ['top-level array', '[1, 2]'],
    ['trailing data', '{"a": 1} x'],
    ['two objects', '{"a": 1}{"b": 2}'],
    ['trailing comma', '{"a": 1,}'],
    ['leading zero', '{"a": 01}'],
    ['raw control character', '{"a": "x\ty"}'],
    ['bad escape', '{"a": "\\x"}'],
    ['truncated line', '{"a": "abc'],
    ['BOM', '\ufeff{"a": 1}'],
    ['deep nesting', '{"a": ' + '['.repeat(100) + ']'.repeat(100) + '}'],
  ])('returns null rather than guess: %s', (_name, text) => {
    expect(fast(text, '_hash')).toBeNull();
  });

  it('returns null for invalid UTF-8 and encoded surrogates', () => {
    for (const bytes of [[0xff], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]]) {
      const line = Buffer.concat([Buffer.from('{"a": "'), Buffer.from(bytes), Buffer.from('"}')]);
      expect(canonicalWithout(line, '_hash'), bytes.join(',')).toBeNull();
    }
  });

  it('handles generated audit lines from every writer style (and agrees with CPython)', () => {
    const seed = propertySeed();
    // What a reader sees: the line's UTF-8 bytes (a raw lone surrogate cannot be encoded; it
    // becomes U+FFFD, as it would in a file).
    const cases = fc.sample(auditLineArb, { numRuns: propertyRuns(500), seed }).map((c) => ({ ...c, line: Buffer.from(c.line, 'utf8').toString('utf8') }));
    const fastAnswers = cases.map(({ line }) => fast(line, '_hash'));
    cases.forEach(({ line, entry }, i) => {
      expect(fastAnswers[i], `seed ${seed}: fast path declined ${line}`).not.toBeNull();
      expect(fastAnswers[i], `seed ${seed}: ${line}`).toEqual(slow(line, '_hash'));
      expect(fastAnswers[i]?.removed).toBe((entry as PyObject).get('_hash'));
    });
    // And directly against Python: json.dumps(entry without _hash, sort_keys=True).
    const python = askPython(cases.map(({ line }) => ({ text: line, op: { op: 'dumps', sortKeys: true, withoutKey: '_hash' } })));
    python.forEach((answer, i) => {
      expect(answer.ok && answer.text, `seed ${seed}: ${cases[i]!.line}`).toBe(fastAnswers[i]?.canonical);
    });
  });

  it('never disagrees with the slow path on adversarial generated objects, and still handles many', () => {
    const seed = propertySeed();
    let handled = 0;
    const texts = fc.sample(jsonObjectTextArb, { numRuns: propertyRuns(1500), seed });
    for (const text of texts) {
      const r = fast(text, '_hash');
      if (r === null) continue;
      handled++;
      expect(r, `seed ${seed}: ${JSON.stringify(text)}`).toEqual(slow(text, '_hash'));
    }
    // Generated keys are often escaped or non-ASCII (declined by design); the rest must be handled.
    expect(handled, `seed ${seed}`).toBeGreaterThan(texts.length * 0.1);
  });

  it('returns null (never a wrong answer) for corrupted objects', () => {
    const seed = propertySeed();
    const texts = fc.sample(mutatedOf(jsonObjectTextArb), { numRuns: propertyRuns(2000), seed });
    for (const text of texts) {
      const r = fast(text, '_hash');
      if (r !== null) expect(r, `seed ${seed}: ${JSON.stringify(text)}`).toEqual(slow(text, '_hash'));
    }
  });

  it('declines lines over MAX_LINE_BYTES (the slow path handles them) and handles worst-case growth below it', () => {
    const huge = '{"a": "' + 'x'.repeat(MAX_LINE_BYTES) + '"}';
    expect(fast(huge, '_hash')).toBeNull();
    expect(parsePyJson(huge).value).toBeInstanceOf(Map);
    // DEL grows 6× (\u007f); "1e15" grows to "1000000000000000.0".
    const dels = '{"d": "' + '\u007f'.repeat(150_000) + '", "f": [' + Array(20_000).fill('1e15').join(',') + ']}';
    expect(Buffer.byteLength(dels)).toBeLessThan(MAX_LINE_BYTES);
    expect(fast(dels, '_hash')).toEqual(slow(dels, '_hash'));
  });

  it('reuseBuffer returns a view that matches the copying result', () => {
    const line = Buffer.from('{"b": 2, "a": 1, "_hash": "x"}');
    const copied = canonicalWithout(line, '_hash')!.canonical.toString();
    expect(canonicalWithout(line, '_hash', { reuseBuffer: true })!.canonical.toString()).toBe(copied);
  });
});
