/**
 * fast-check arbitraries producing JSON *texts* (not values) in the many shapes a Python or
 * other writer can emit: arbitrary whitespace, escaped or raw characters, astral characters,
 * lone surrogates, int/float spellings (1E5, 2.50, -0, 1e400), NaN/Infinity tokens, big ints,
 * duplicate keys and prototype-ish keys. Texts are rendered independently of our serializer so
 * a bug in pythonDumps cannot hide itself.
 */
import fc from 'fast-check';

const WHITESPACE = ['', '', '', ' ', '  ', '\n', '\t', '\r\n', ' \t '];

const SPECIAL_CHARS = ['"', '\\', '/', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u001f', '\u007f', '\u0080', '\u00e9', '\u2028', '\u2029', '\u00a0', '\u200b', '\ufeff', '\uffff', '\ud800', '\udbff', '\udc00', '\udfff', '\u{10000}', '\u{1f600}', '\u{10ffff}', "'", ' ', '~'];

/** One code point as a JS string (lone surrogates included). */
const codePointArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
  { weight: 2, arbitrary: fc.constantFrom(...SPECIAL_CHARS) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)) },
);

/** A string value as a list of code points (so rendering can choose per code point). */
export const stringValueArb: fc.Arbitrary<string> = fc.array(codePointArb, { maxLength: 12 }).map((cps) => cps.join(''));

const SHORT_ESCAPE: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f', '/': '\\/' };

function uEscape(unit: number, upper: boolean): string {
  const hex = unit.toString(16).padStart(4, '0');
  return '\\u' + (upper ? hex.toUpperCase() : hex);
}

/** Renders a string literal; `choices` drives escape decisions deterministically. */
function renderString(s: string, choices: number[]): string {
  let out = '"';
  let k = 0;
  const pick = (): number => choices[k++ % choices.length] ?? 0;
  // Iterate code points; the text must be something a UTF-8 file could hold, so surrogate code
  // points (lone halves) are always written as \u escapes.
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    const c = pick();
    if (cp >= 0xd800 && cp <= 0xdfff) {
      out += uEscape(cp, c % 2 === 0);
    } else if (cp > 0xffff) {
      out += c % 3 === 0 ? uEscape(ch.charCodeAt(0), false) + uEscape(ch.charCodeAt(1), c % 2 === 0) : ch;
    } else if (cp < 0x20 || ch === '"' || ch === '\\') {
      out += SHORT_ESCAPE[ch] !== undefined && c % 2 === 0 ? SHORT_ESCAPE[ch] : uEscape(cp, c % 4 === 1);
    } else if (c % 5 === 0) {
      out += SHORT_ESCAPE[ch] ?? uEscape(cp, c % 2 === 0);
    } else {
      out += ch;
    }
  }
  return out + '"';
}

const choicesArb = fc.array(fc.nat(59), { minLength: 1, maxLength: 8 });

export const stringTextArb: fc.Arbitrary<string> = fc.tuple(stringValueArb, choicesArb).map(([s, c]) => renderString(s, c));

const KEY_POOL = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'a', 'b', 'A', '_hash', '10', '2', '-1', 'é', '\uffff', '\u{10000}', '\u{1f600}', '\ufb33', '\ud800', 'a\u0000b'];

const keyArb: fc.Arbitrary<string> = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...KEY_POOL) }, { weight: 2, arbitrary: stringValueArb });

const FLOAT_LITERALS = ['0.0', '-0.0', '1e400', '-1e400', '1e-400', '2.5E+3', '4.50', '1.0', '145.0', '145.23', '0.1', '0.30000000000000004', '1e-7', '1E-07', '1e16', '1e15', '9999999999999998.0', '1e22', '1e21', '0.0001', '0.00001', '5e-324', '4.9406564584124654e-324', '2.2250738585072011e-308', '1.7976931348623157e308', '1.7976931348623159e308', '9007199254740993.0', '123456789012345678901234567890.5', '0.1000000000000000055511151231257827', '-1.5e-05', '3.14159265358979323846264338327950288'];

/** A float literal: the double rendered in one of several spellings, or a tricky constant. */
const floatTextArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...FLOAT_LITERALS) },
  {
    weight: 3,
    arbitrary: fc.tuple(fc.double(), fc.nat(3), fc.nat(17)).map(([x, style, digits]) => {
      if (Number.isNaN(x)) return 'NaN';
      if (x === Infinity) return 'Infinity';
      if (x === -Infinity) return '-Infinity';
      let text: string;
      if (style === 0) text = x.toExponential();
      else if (style === 1) text = x.toExponential(digits).toUpperCase();
      else text = String(x);
      if (!/[.eE]/.test(text)) text += '.0';
      return Object.is(x, -0) && !text.startsWith('-') ? '-' + text : text;
    }),
  },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: -999999, max: 999999 }), fc.integer({ min: -330, max: 330 })).map(([m, e]) => `${m}e${e}`) },
);

const intTextArb: fc.Arbitrary<string> = fc.oneof(
  fc.bigInt({ min: -1000n, max: 1000n }).map(String),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.bigInt({ min: -(10n ** 300n), max: 10n ** 300n }).map(String),
  fc.constantFrom('-0', '9007199254740993', '-9007199254740993', '18446744073709551616', '0'),
);

const scalarTextArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom('null', 'true', 'false', 'NaN', 'Infinity', '-Infinity') },
  { weight: 3, arbitrary: intTextArb },
  { weight: 3, arbitrary: floatTextArb },
  { weight: 4, arbitrary: stringTextArb },
);

const wsArb = fc.constantFrom(...WHITESPACE);

const tree = fc.letrec<{ value: string; array: string; object: string }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalarTextArb, tie('array'), tie('object')),
  array: fc.tuple(fc.array(fc.tuple(wsArb, tie('value'), wsArb), { maxLength: 5 }), wsArb).map(([items, ws]) =>
    items.length === 0 ? `[${ws}]` : '[' + items.map(([a, v, b]) => a + v + b).join(',') + ']',
  ),
  object: fc
    .tuple(
      fc.array(fc.tuple(wsArb, keyArb, choicesArb, wsArb, wsArb, tie('value'), wsArb), { maxLength: 6 }),
      wsArb,
      fc.boolean(),
    )
    .map(([members, ws, repeat]) => {
      if (members.length === 0) return `{${ws}}`;
      const rendered = members.map(([a, key, c, b, d, v, e]) => `${a}${renderString(key, c)}${b}:${d}${v}${e}`);
      // Sometimes repeat the first key with another value to exercise duplicate handling.
      if (repeat && members.length > 1) {
        const [a, key, c] = members[0]!;
        const v = members[members.length - 1]![5];
        rendered.push(`${a}${renderString(key, c)}:${v}`);
      }
      return '{' + rendered.join(',') + '}';
    }),
}));

/** A JSON text (any value at top level) with random whitespace and spellings. */
export const jsonTextArb: fc.Arbitrary<string> = tree.value.chain((text) => wsArb.map((ws) => ws + text + ws));

/** A JSON text whose top-level value is an object (as on an audit log line). */
export const jsonObjectTextArb: fc.Arbitrary<string> = tree.object.chain((text) => wsArb.map((ws) => ws + text + ws));

const MUTATION_CHARS = [',', ']', '[', '}', '{', ':', '"', '\\', 'x', ' ', '\t', '\u0001', '\u001f', '0', '1', '.', 'e', 'E', '-', '+', 'u', 'n', 'N', 'I', '\ufeff', '\u00a0'];

/**
 * `texts` with one random edit each (delete, insert or replace a character): mostly invalid.
 * Edits work on code points, so they never split a raw surrogate pair: a raw lone surrogate
 * cannot occur in text decoded from a UTF-8 file, and CPython would not join it with an escaped one.
 */
export function mutatedOf(texts: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(texts, fc.nat(), fc.nat(2), fc.constantFrom(...MUTATION_CHARS)).map(([text, at, kind, ch]) => {
    const cps = Array.from(text);
    const i = at % (cps.length + 1);
    if (kind === 0) cps.splice(i, 1);
    else if (kind === 1) cps.splice(i, 0, ch);
    else cps.splice(i, 1, ch);
    return cps.join('');
  });
}

/** A JSON text with one random edit: mostly invalid. */
export const mutatedJsonTextArb: fc.Arbitrary<string> = mutatedOf(jsonTextArb);
