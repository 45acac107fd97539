/**
 * RFC 8785 JSON Canonicalization Scheme: members sorted by UTF-16 code units, no whitespace,
 * numbers in ECMAScript Number-to-String form, strings with the minimal JSON escapes.
 * JCS works on IEEE doubles and well-formed Unicode, so values it cannot represent
 * (NaN, ±Infinity, integers beyond ±2^53 that no double equals, lone surrogates) throw JcsError instead of
 * producing a form no other JCS implementation would agree with.
 */
import { compareUtf16Units } from './key-order.js';
import type { PyValue } from './py-value.js';

export class JcsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JcsError';
  }
}

const MAX_EXACT = 2n ** 53n;

const SHORT_ESCAPES: Record<number, string> = {
  0x22: '\\"',
  0x5c: '\\\\',
  0x08: '\\b',
  0x09: '\\t',
  0x0a: '\\n',
  0x0c: '\\f',
  0x0d: '\\r',
};

function jcsString(s: string): string {
  let out = '"';
  let chunkStart = 0;
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdfff) {
      const pairs = unit <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff;
      if (!pairs) throw new JcsError(`JCS cannot represent a lone surrogate (\\u${unit.toString(16)}) in a string`);
      i++;
      continue;
    }
    if (unit >= 0x20 && unit !== 0x22 && unit !== 0x5c) continue;
    out += s.slice(chunkStart, i) + (SHORT_ESCAPES[unit] ?? '\\u' + unit.toString(16).padStart(4, '0'));
    chunkStart = i + 1;
  }
  return out + s.slice(chunkStart) + '"';
}

function jcsNumber(x: number): string {
  if (!Number.isFinite(x)) throw new JcsError(`JCS cannot represent ${x} (only finite numbers exist in JSON)`);
  return String(x); // ES Number-to-String; -0 → "0" as RFC 8785 requires
}

export function jcsCanonicalize(value: PyValue): string {
  switch (typeof value) {
    case 'string':
      return jcsString(value);
    case 'number':
      return jcsNumber(value);
    case 'bigint': {
      // JCS numbers are doubles. Every integer up to ±2^53 is one; beyond that an integer is
      // accepted when it equals a double (2^60) or is how ES writes one ("1152921504606847000" for
      // 2^60): otherwise converting would silently change the value.
      const asDouble = Number(value);
      if (value > MAX_EXACT || value < -MAX_EXACT) {
        const written = String(asDouble);
        if (!Number.isFinite(asDouble) || (BigInt(asDouble) !== value && written !== value.toString())) {
          throw new JcsError(`JCS cannot represent the integer ${value} exactly (beyond ±2^53 and no IEEE double has this value)`);
        }
        return written;
      }
      return String(asDouble);
    }
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      break;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return '[' + value.map(jcsCanonicalize).join(',') + ']';
  const keys = [...value.keys()].sort(compareUtf16Units);
  return '{' + keys.map((key) => jcsString(key) + ':' + jcsCanonicalize(value.get(key) as PyValue)).join(',') + '}';
}
