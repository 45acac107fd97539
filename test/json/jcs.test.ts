import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JcsError, jcsCanonicalize } from '../../main/core/json/jcs.js';
import { parsePyJson } from '../../main/core/json/parse.js';
import { jsonTextArb } from './json-text-arbitrary.js';
import { propertyRuns, propertySeed } from './python-oracle.js';

const jcs = (text: string): string => jcsCanonicalize(parsePyJson(text).value);

describe('jcsCanonicalize follows RFC 8785', () => {
  it('section 3.2.2 example: numbers, strings and literals', () => {
    const input = String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`;
    expect(jcs(input)).toBe(String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`);
  });

  it('section 3.2.3 example: member order by UTF-16 code units (emoji before U+FB33)', () => {
    const input = String.raw`{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }`;
    const keys = Object.keys(JSON.parse(jcs(input)) as object);
    // JSON.parse would reorder integer-like keys, so check the text itself.
    expect(keys.length).toBe(7);
    expect(jcs(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis","€":"Euro Sign","\u{1f600}":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('appendix B number vectors', () => {
    const vectors: Array<[string, string]> = [
      ['0.0', '0'],
      ['-0.0', '0'],
      ['5e-324', '5e-324'],
      ['-5e-324', '-5e-324'],
      ['1.7976931348623157e308', '1.7976931348623157e+308'],
      ['9007199254740992', '9007199254740992'],
      ['295147905179352830000.0', '295147905179352830000'],
      ['9.999999999999997e22', '9.999999999999997e+22'],
      ['1e23', '1e+23'],
      ['0.000001', '0.000001'],
      ['9.999999999999997e-7', '9.999999999999997e-7'],
      ['1e21', '1e+21'],
      ['1e20', '100000000000000000000'],
      ['333333333.3333332', '333333333.3333332'],
    ];
    for (const [input, expected] of vectors) expect(jcs(input), input).toBe(expected);
  });

  it('ints serialise as ES numbers; values JCS cannot represent throw a clear error', () => {
    expect(jcs('[1, -0, 9007199254740992, 145.0]')).toBe('[1,0,9007199254740992,145]');
    expect(() => jcs('9007199254740993')).toThrow(JcsError);
    expect(() => jcs('9007199254740993')).toThrow(/beyond ±2\^53/);
    expect(() => jcs('-9007199254740993')).toThrow(JcsError);
    // Beyond 2^53 but exactly a double: what a JCS writer would have produced from that double.
    expect(jcs('[1152921504606846976, 1152921504606847000, 9999999999999998, 1000000000000000000000]')).toBe('[1152921504606847000,1152921504606847000,9999999999999998,1e+21]');
    expect(() => jcs('1152921504606847001')).toThrow(JcsError);
    expect(() => jcs('[NaN]')).toThrow(/JCS cannot represent NaN/);
    expect(() => jcs('{"a": Infinity}')).toThrow(/Infinity/);
    expect(() => jcs('"\\ud800"')).toThrow(/lone surrogate/);
  });

  it('keeps prototype-ish keys as data and writes non-ASCII raw', () => {
    expect(jcs('{"b": "é\\u2028", "__proto__": 1, "": 2}')).toBe('{"":2,"__proto__":1,"b":"é\u2028"}');
  });

  it('is idempotent and agrees with JSON.parse on what it writes (generated values)', () => {
    const seed = propertySeed();
    let written = 0;
    for (const text of fc.sample(jsonTextArb, { numRuns: propertyRuns(500), seed })) {
      let once: string;
      try {
        once = jcs(text);
      } catch (e) {
        expect(e, `seed ${seed}: ${text}`).toBeInstanceOf(JcsError);
        continue;
      }
      written++;
      expect(jcs(once), `seed ${seed}`).toBe(once);
      expect(() => JSON.parse(once), `seed ${seed}`).not.toThrow();
      // No whitespace outside strings.
      expect(once.replace(/"(?:[^"\\]|\\.)*"/g, '""'), `seed ${seed}`).not.toMatch(/\s/);
    }
    expect(written).toBeGreaterThan(50);
  });
});
