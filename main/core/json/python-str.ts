/**
 * What CPython's `str()` returns for a parsed JSON value: str → itself, everything else → its
 * repr (int digits, float repr, True/False/None, list/dict reprs with repr'd strings). Selectools'
 * HASHED privacy level hashes exactly this text, so it must match Python character for character.
 *
 * Printability (which characters repr escapes) follows Python's str.isprintable(): categories
 * Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs other than the ASCII space are escaped. JS's Unicode tables
 * (Node 20: Unicode 15.1) can be newer than the Python that wrote a log (3.11: Unicode 14), so a
 * character assigned between those versions may be escaped by Python but not here.
 */
import { pythonFloatRepr } from './float-repr.js';
import type { PyValue } from './py-value.js';

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
const NEEDS_ESCAPE = /[\\'"\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** Python's `repr(s)` for a str. */
export function pythonStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  if (!NEEDS_ESCAPE.test(s)) return quote + s + quote;
  let out = quote;
  // Iterating a string yields code points (lone surrogates as single items), like Python's str.
  for (const ch of s) {
    if (ch === quote || ch === '\\') {
      out += '\\' + ch;
    } else if (ch === '\t') {
      out += '\\t';
    } else if (ch === '\n') {
      out += '\\n';
    } else if (ch === '\r') {
      out += '\\r';
    } else if (ch !== ' ' && NON_PRINTABLE.test(ch)) {
      const cp = ch.codePointAt(0) ?? 0;
      out += cp < 0x100 ? '\\x' + hex(cp, 2) : cp < 0x10000 ? '\\u' + hex(cp, 4) : '\\U' + hex(cp, 8);
    } else {
      out += ch;
    }
  }
  return out + quote;
}

/** Python's `repr(value)`. */
export function pythonRepr(value: PyValue): string {
  switch (typeof value) {
    case 'string':
      return pythonStrRepr(value);
    case 'bigint':
      return value.toString();
    case 'number':
      return pythonFloatRepr(value);
    case 'boolean':
      return value ? 'True' : 'False';
    default:
      break;
  }
  if (value === null) return 'None';
  if (Array.isArray(value)) return '[' + value.map(pythonRepr).join(', ') + ']';
  const parts: string[] = [];
  for (const [key, item] of value) parts.push(pythonStrRepr(key) + ': ' + pythonRepr(item));
  return '{' + parts.join(', ') + '}';
}

/** Python's `str(value)`. */
export function pythonStr(value: PyValue): string {
  return typeof value === 'string' ? value : pythonRepr(value);
}
