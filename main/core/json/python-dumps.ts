/**
 * Byte-identical re-implementation of CPython's `json.dumps` for PyValues (see py-value.ts):
 * `pythonDumps(v, { sortKeys: true })` === `json.dumps(v, sort_keys=True)` (and `default=str`
 * never triggers for parsed JSON). This string is what the hash chains hash, so every detail
 * matters: float repr, big ints, NaN/Infinity tokens, `ensure_ascii` escapes, code-point key order.
 */
import { pythonJsonFloat } from './float-repr.js';
import { compareCodePoints } from './key-order.js';
import type { PyObject, PyValue } from './py-value.js';

export interface PythonDumpsOptions {
  /** sort_keys (default false: insertion order). */
  sortKeys?: boolean;
  /** ensure_ascii (default true). */
  ensureAscii?: boolean;
  /** separators: [item_separator, key_separator] (default [', ', ': ']). */
  separators?: readonly [string, string];
}

const HEX = '0123456789abcdef';

function hex4(unit: number): string {
  return '\\u' + HEX[(unit >> 12) & 15] + HEX[(unit >> 8) & 15] + HEX[(unit >> 4) & 15] + HEX[unit & 15];
}

/** Escapes a string's content for ensure_ascii=True output: only ' '..'~' stay raw (minus " and \). */
const SHORT_ESCAPES: Record<number, string> = {
  0x22: '\\"',
  0x5c: '\\\\',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x08: '\\b',
  0x0c: '\\f',
};

const NEEDS_ASCII_ESCAPE = /[^\u0020\u0021\u0023-\u005b\u005d-\u007e]/;
const NEEDS_UNICODE_ESCAPE = /[\u0000-\u001f"\\]/;
const SURROGATE = /[\ud800-\udfff]/;

function escapeUnit(unit: number): string {
  return SHORT_ESCAPES[unit] ?? hex4(unit);
}

// Astral characters come out as their two UTF-16 units, which is exactly Python's surrogate-pair
// escape; lone surrogates are single units and stay \udXXX, also as in Python.
/** `json.dumps(s)` with ensure_ascii=True, including the quotes. */
export function pythonJsonStringAscii(s: string): string {
  if (!NEEDS_ASCII_ESCAPE.test(s)) return '"' + s + '"';
  let out = '"';
  let chunkStart = 0;
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit >= 0x20 && unit <= 0x7e && unit !== 0x22 && unit !== 0x5c) continue;
    if (i > chunkStart) out += s.slice(chunkStart, i);
    out += escapeUnit(unit);
    chunkStart = i + 1;
  }
  return out + (chunkStart === 0 ? s : s.slice(chunkStart)) + '"';
}

/** `json.dumps(s, ensure_ascii=False)`: only ", \ and C0 controls are escaped. */
export function pythonJsonStringUnicode(s: string): string {
  if (!NEEDS_UNICODE_ESCAPE.test(s)) return '"' + s + '"';
  let out = '"';
  let chunkStart = 0;
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit >= 0x20 && unit !== 0x22 && unit !== 0x5c) continue;
    if (i > chunkStart) out += s.slice(chunkStart, i);
    out += escapeUnit(unit);
    chunkStart = i + 1;
  }
  return out + (chunkStart === 0 ? s : s.slice(chunkStart)) + '"';
}

/** Key order for sort_keys=True: Python sorts by code point. */
export function sortedPythonKeys(obj: PyObject): string[] {
  const keys = [...obj.keys()];
  // Without surrogates, UTF-16 unit order (the default sort) is code point order.
  for (const key of keys) if (SURROGATE.test(key)) return keys.sort(compareCodePoints);
  return keys.sort();
}

/** A scalar as json.dumps writes it (strings through `quote`), or undefined for a list or object. */
export function pythonJsonLeaf(v: PyValue, quote: (s: string) => string): string | undefined {
  switch (typeof v) {
    case 'string':
      return quote(v);
    case 'bigint':
      return v.toString();
    case 'number':
      return pythonJsonFloat(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return v === null ? 'null' : undefined;
  }
}

export function pythonDumps(value: PyValue, options: PythonDumpsOptions = {}): string {
  const sortKeys = options.sortKeys ?? false;
  const quote = (options.ensureAscii ?? true) ? pythonJsonStringAscii : pythonJsonStringUnicode;
  const [itemSep, keySep] = options.separators ?? [', ', ': '];

  const write = (v: PyValue): string => {
    const leaf = pythonJsonLeaf(v, quote);
    if (leaf !== undefined) return leaf;
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      let out = '[';
      for (let i = 0; i < v.length; i++) {
        if (i > 0) out += itemSep;
        out += write(v[i] as PyValue);
      }
      return out + ']';
    }
    const object = v as PyObject; // every other kind was a leaf
    if (object.size === 0) return '{}';
    let out = '{';
    let first = true;
    const keys = sortKeys ? sortedPythonKeys(object) : object.keys();
    for (const key of keys) {
      if (!first) out += itemSep;
      first = false;
      out += quote(key) + keySep + write(object.get(key) as PyValue);
    }
    return out + '}';
  };

  return write(value);
}

/** `json.dumps(value, sort_keys=True)`: the canonical form the Python hash chains hash. */
export function canonicalPython(value: PyValue): string {
  return pythonDumps(value, { sortKeys: true });
}
