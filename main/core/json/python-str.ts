/**
 * What CPython's `str()` returns for a parsed JSON value: str → itself, everything else → its
 * repr (int digits, float repr, True/False/None, list/dict reprs with repr'd strings). Selectools'
 * HASHED privacy level hashes exactly this text, so it must match Python character for character.
 *
 * Printability (which characters repr escapes) follows CPython's str.isprintable() table, taken
 * from CPython 3.11 (Unicode 14.0, see python-printable-table.ts) rather than from JS's newer
 * Unicode data: a log written by a newer Python may differ only for characters assigned after
 * Unicode 14 (new CJK extensions, scripts and symbols), which such a Python leaves unescaped.
 */
import { pythonFloatRepr } from './float-repr.js';
import { PYTHON_PRINTABLE_TOGGLES } from './python-printable-table.js';
import type { PyValue } from './py-value.js';

/** Code points where printability toggles (ascending), starting with U+0000 not printable. */
const TOGGLES: Uint32Array = (() => {
  const deltas = PYTHON_PRINTABLE_TOGGLES.split(',');
  const points = new Uint32Array(deltas.length);
  let cp = 0;
  deltas.forEach((delta, i) => {
    cp += parseInt(delta, 36);
    points[i] = cp;
  });
  return points;
})();

/** CPython's str.isprintable() for one code point. */
export function isPythonPrintable(cp: number): boolean {
  if (cp >= 0x20 && cp < 0x7f) return true;
  // Count toggles <= cp: an odd count means printable.
  let lo = 0;
  let hi = TOGGLES.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((TOGGLES[mid] as number) <= cp) lo = mid + 1;
    else hi = mid;
  }
  return (lo & 1) === 1;
}

/** True when every character is printable ASCII other than quotes and backslash: repr adds only quotes. */
function isPlainAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit < 0x20 || unit > 0x7e || unit === 0x22 || unit === 0x27 || unit === 0x5c) return false;
  }
  return true;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** Python's `repr(s)` for a str. */
export function pythonStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  if (isPlainAscii(s)) return quote + s + quote;
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
    } else if (!isPythonPrintable(ch.codePointAt(0) ?? 0)) {
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
