/**
 * Fast path for hash-chain verification: one pass over a line's UTF-8 bytes that writes
 * `json.dumps(entry_without_key, sort_keys=True)` (CPython's bytes, ensure_ascii) directly,
 * without building JS values, and returns the removed key's string value.
 *
 * It handles everything a JSON writer commonly produces: any whitespace and separators, any key
 * order at any depth, raw UTF-8 or escaped strings (re-escaped the way Python does), ints of any
 * size, floats in any spelling (re-printed as Python's repr), NaN/Infinity tokens.
 * It returns null — and the caller must fall back to parsePyJson + canonicalPython — whenever it
 * cannot be sure: object keys containing escapes or non-ASCII, duplicate keys, a top-level value
 * that is not an object, nesting deeper than MAX_DEPTH, lines over MAX_LINE_BYTES, invalid UTF-8, a removed key whose value
 * is not a plain escape-free ASCII string, and any input that is not valid JSON (the slow path then
 * produces the proper error). It never returns a wrong answer for input it accepts.
 */
import { pythonJsonFloat } from './float-repr.js';

export interface CanonicalWithout {
  /** CPython's `json.dumps(obj_without_key, sort_keys=True).encode()` (ASCII). */
  canonical: Buffer;
  /** The removed key's string value, or null when the key was absent. */
  removed: string | null;
  /**
   * For each of `options.fields`, the top-level member's value: the string (decoded), null when
   * the member is absent, or NOT_A_STRING when it is present with another type.
   */
  fields: Array<string | null | typeof NOT_A_STRING>;
}

/** Marks a requested field that is present but not a string (see CanonicalWithout.fields). */
export const NOT_A_STRING: unique symbol = Symbol('not a string');

export interface CanonicalWithoutOptions {
  /**
   * Return a view into an internal buffer instead of a fresh copy (saves an allocation per line).
   * The view is only valid until the next call; hash it immediately.
   */
  reuseBuffer?: boolean;
  /** Top-level fields (ASCII names) whose string values to return, e.g. the previous hash and the time. */
  fields?: readonly string[];
}

const MAX_DEPTH = 64;
/** Longer lines take the slow path: the scratch buffers are sized for the worst case (6× the line). */
export const MAX_LINE_BYTES = 1 << 20;
const FAIL = -1;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const SPACE = 0x20;

const EMPTY = Buffer.alloc(0);
let src: Buffer = EMPTY;
let srcEnd = 0;
let out: Buffer = Buffer.allocUnsafe(1 << 16);
let tmp: Buffer = Buffer.allocUnsafe(1 << 16);
let o = 0;
/** Member records, a stack shared by nested objects: keyStart, keyEnd, outStart, outEnd, keyPrefix. */
const STRIDE = 5;
let members = new Int32Array(STRIDE * 256);
/** The top-level object's members in key order, when the source had another order. */
let sorted: Buffer = Buffer.allocUnsafe(1 << 16);
/** The finished answer: `out` or `sorted`, and its length. */
let final: Buffer = sorted;
let finalLength = 0;
let memberTop = 0;
let order = new Int32Array(256);
/** Removal state for the top-level object. */
let removeKey: Buffer = EMPTY;
let removeKeyText = '';
let removedStart = -1;
/** Requested top-level fields: their names and, per call, where their values were written in `out`. */
let fieldKeys: Buffer[] = [];
let fieldKeysText: readonly string[] = [];
let fieldValueStart = new Int32Array(4);
let fieldValueEnd = new Int32Array(4);
let removedEnd = -1;

const HEX = [0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66];

function skipWs(i: number): number {
  const s = src;
  const end = srcEnd;
  while (i < end) {
    const b = s[i] as number;
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) i++;
    else break;
  }
  return i;
}

function hexDigit(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  return -1;
}

/** Writes one UTF-16 code unit the way Python's ensure_ascii encoder does. */
function writeUnit(unit: number): void {
  if (unit >= 0x20 && unit <= 0x7e && unit !== QUOTE && unit !== BACKSLASH) {
    out[o++] = unit;
    return;
  }
  out[o++] = BACKSLASH;
  switch (unit) {
    case QUOTE: out[o++] = QUOTE; return;
    case BACKSLASH: out[o++] = BACKSLASH; return;
    case 0x0a: out[o++] = 0x6e; return;
    case 0x0d: out[o++] = 0x72; return;
    case 0x09: out[o++] = 0x74; return;
    case 0x08: out[o++] = 0x62; return;
    case 0x0c: out[o++] = 0x66; return;
    default:
      out[o++] = 0x75;
      out[o++] = HEX[(unit >> 12) & 15] as number;
      out[o++] = HEX[(unit >> 8) & 15] as number;
      out[o++] = HEX[(unit >> 4) & 15] as number;
      out[o++] = HEX[unit & 15] as number;
  }
}

function writeCodePoint(cp: number): void {
  if (cp >= 0x10000) {
    const v = cp - 0x10000;
    writeUnit(0xd800 + (v >> 10));
    writeUnit(0xdc00 + (v & 0x3ff));
  } else {
    writeUnit(cp);
  }
}

/** Parses a string value at i (the opening quote) and writes Python's escaped form. */
function stringValue(i: number): number {
  // Hot loop on locals: module-level bindings cost a context load (and hole check) per access.
  const s = src;
  const d = out;
  const end = srcEnd;
  let w = o;
  d[w++] = QUOTE;
  i++;
  for (;;) {
    let b = 0;
    while (i < end) {
      b = s[i] as number;
      if (b >= 0x20 && b < 0x7f && b !== QUOTE && b !== BACKSLASH) {
        d[w++] = b;
        i++;
      } else {
        break;
      }
    }
    o = w;
    if (i >= end) return FAIL;
    if (b === QUOTE) {
      out[o++] = QUOTE;
      return i + 1;
    }
    w = stringSpecial(i, b);
    if (w < 0) return FAIL;
    i = w;
    w = o;
  }
}

/** Handles one escape, DEL or multi-byte character at i (first byte b); returns the next index or FAIL. */
function stringSpecial(i: number, b: number): number {
  {
    if (b < 0x80) {
      if (b < 0x20) return FAIL; // raw control character: invalid (strict) JSON
      if (b === 0x7f) {
        writeUnit(0x7f);
        return i + 1;
      }
      // Backslash escape: decode one unit, write it back in Python's form.
      if (i + 1 >= srcEnd) return FAIL;
      const e = src[i + 1] as number;
      let unit: number;
      switch (e) {
        case QUOTE: unit = QUOTE; break;
        case BACKSLASH: unit = BACKSLASH; break;
        case 0x2f: unit = 0x2f; break;
        case 0x62: unit = 0x08; break;
        case 0x66: unit = 0x0c; break;
        case 0x6e: unit = 0x0a; break;
        case 0x72: unit = 0x0d; break;
        case 0x74: unit = 0x09; break;
        case 0x75: {
          if (i + 6 > srcEnd) return FAIL;
          const h1 = hexDigit(src[i + 2] as number);
          const h2 = hexDigit(src[i + 3] as number);
          const h3 = hexDigit(src[i + 4] as number);
          const h4 = hexDigit(src[i + 5] as number);
          if ((h1 | h2 | h3 | h4) < 0) return FAIL;
          unit = (h1 << 12) | (h2 << 8) | (h3 << 4) | h4;
          i += 4;
          break;
        }
        default:
          return FAIL;
      }
      writeUnit(unit);
      return i + 2;
    }
    // Raw UTF-8 multi-byte sequence (strictly validated, like a UTF-8 decoder).
    let cp: number;
    if (b >= 0xc2 && b <= 0xdf) {
      if (i + 1 >= srcEnd) return FAIL;
      const b1 = src[i + 1] as number;
      if ((b1 & 0xc0) !== 0x80) return FAIL;
      cp = ((b & 0x1f) << 6) | (b1 & 0x3f);
      i += 2;
    } else if (b >= 0xe0 && b <= 0xef) {
      if (i + 2 >= srcEnd) return FAIL;
      const b1 = src[i + 1] as number;
      const b2 = src[i + 2] as number;
      if ((b1 & 0xc0) !== 0x80 || (b2 & 0xc0) !== 0x80) return FAIL;
      cp = ((b & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f);
      if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)) return FAIL; // overlong or encoded surrogate
      i += 3;
    } else if (b >= 0xf0 && b <= 0xf4) {
      if (i + 3 >= srcEnd) return FAIL;
      const b1 = src[i + 1] as number;
      const b2 = src[i + 2] as number;
      const b3 = src[i + 3] as number;
      if ((b1 & 0xc0) !== 0x80 || (b2 & 0xc0) !== 0x80 || (b3 & 0xc0) !== 0x80) return FAIL;
      cp = ((b & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f);
      if (cp < 0x10000 || cp > 0x10ffff) return FAIL;
      i += 4;
    } else {
      return FAIL;
    }
    writeCodePoint(cp);
    return i;
  }
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

/** Parses a number at i and writes Python's form: ints verbatim (but -0 → 0), floats as repr. */
function numberValue(i: number): number {
  const start = i;
  if (src[i] === 0x2d) i++;
  const intStart = i;
  const first = src[i];
  if (first === 0x30) i++;
  else if (first !== undefined && first >= 0x31 && first <= 0x39) {
    i++;
    while (i < srcEnd && isDigit(src[i] as number)) i++;
  } else {
    return FAIL;
  }
  const intEnd = i;
  let fracEnd = -1;
  if (i + 1 < srcEnd && src[i] === 0x2e && isDigit(src[i + 1] as number)) {
    i += 2;
    while (i < srcEnd && isDigit(src[i] as number)) i++;
    fracEnd = i;
  }
  let hasExponent = false;
  if (i < srcEnd && (src[i] === 0x65 || src[i] === 0x45)) {
    let j = i + 1;
    if (j < srcEnd && (src[j] === 0x2b || src[j] === 0x2d)) j++;
    if (j < srcEnd && isDigit(src[j] as number)) {
      j++;
      while (j < srcEnd && isDigit(src[j] as number)) j++;
      i = j;
      hasExponent = true;
    }
  }
  const end = i;
  if (fracEnd < 0 && !hasExponent) {
    // int: Python writes str(int(text)); only "-0" changes. Over-long ints: let Python's rules (slow path) decide.
    if (intEnd - intStart > 4300) return FAIL;
    if (intEnd - intStart === 1 && src[intStart] === 0x30) {
      out[o++] = 0x30;
      return end;
    }
    copy(start, end);
    return end;
  }
  if (!hasExponent && isShortestFixedRepr(intStart, intEnd, fracEnd)) {
    copy(start, end);
    return end;
  }
  const text = pythonJsonFloat(Number(src.toString('latin1', start, end)));
  for (let k = 0; k < text.length; k++) out[o++] = text.charCodeAt(k);
  return end;
}

/**
 * True when "int.frac" (no exponent) is already exactly Python's repr: fixed notation in repr's
 * range, no superfluous zeros, and at most 15 significant digits (any such decimal is the unique
 * shortest round-trip form of its double).
 */
function isShortestFixedRepr(intStart: number, intEnd: number, fracEnd: number): boolean {
  const fracStart = intEnd + 1;
  const fracLen = fracEnd - fracStart;
  const intLen = intEnd - intStart;
  if (fracLen === 1 && src[fracStart] === 0x30) {
    // Integral value "N.0": repr keeps all integer digits while below 1e16.
    if (intLen === 1) return true; // 0.0 .. 9.0
    let significant = intLen;
    while (src[intStart + significant - 1] === 0x30) significant--;
    return intLen <= 16 && significant <= 15;
  }
  if (src[fracEnd - 1] === 0x30) return false; // trailing zero: repr would drop it
  if (intLen === 1 && src[intStart] === 0x30) {
    let zeros = 0;
    while (src[fracStart + zeros] === 0x30) zeros++;
    return zeros <= 3 && fracLen - zeros <= 15;
  }
  return intLen + fracLen <= 15;
}

function copy(start: number, end: number): void {
  const s = src;
  const d = out;
  let w = o;
  while (start < end) d[w++] = s[start++] as number;
  o = w;
}

function writeAscii(text: string): void {
  for (let k = 0; k < text.length; k++) out[o++] = text.charCodeAt(k);
}

/** Compares two ASCII keys in the source by bytes (= code point order for ASCII). */
function compareKeys(aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  const aLen = aEnd - aStart;
  const bLen = bEnd - bStart;
  const n = aLen < bLen ? aLen : bLen;
  for (let k = 0; k < n; k++) {
    const d = (src[aStart + k] as number) - (src[bStart + k] as number);
    if (d !== 0) return d;
  }
  return aLen - bLen;
}

function isRemoveKey(keyStart: number, keyEnd: number): boolean {
  if (keyEnd - keyStart !== removeKey.length) return false;
  for (let k = 0; k < removeKey.length; k++) if (src[keyStart + k] !== removeKey[k]) return false;
  return true;
}

function value(i: number, depth: number): number {
  const b = src[i];
  switch (b) {
    case QUOTE:
      return stringValue(i);
    case 0x7b:
      return objectValue(i, depth + 1, false);
    case 0x5b:
      return arrayValue(i, depth + 1);
    case 0x6e:
      return literal(i, 'null');
    case 0x74:
      return literal(i, 'true');
    case 0x66:
      return literal(i, 'false');
    case 0x4e:
      return literal(i, 'NaN');
    case 0x49:
      return literal(i, 'Infinity');
    case 0x2d:
      if (src[i + 1] === 0x49) return literal(i, '-Infinity');
      return numberValue(i);
    default:
      return numberValue(i);
  }
}

function literal(i: number, word: string): number {
  if (i + word.length > srcEnd) return FAIL;
  for (let k = 0; k < word.length; k++) if (src[i + k] !== word.charCodeAt(k)) return FAIL;
  writeAscii(word);
  return i + word.length;
}

function arrayValue(i: number, depth: number): number {
  if (depth > MAX_DEPTH) return FAIL;
  out[o++] = 0x5b;
  i = skipWs(i + 1);
  if (src[i] === 0x5d) {
    out[o++] = 0x5d;
    return i + 1;
  }
  for (;;) {
    i = value(i, depth);
    if (i < 0) return FAIL;
    i = skipWs(i);
    const b = src[i];
    if (b === COMMA) {
      out[o++] = COMMA;
      out[o++] = SPACE;
      i = skipWs(i + 1);
      continue;
    }
    if (b === 0x5d) {
      out[o++] = 0x5d;
      return i + 1;
    }
    return FAIL;
  }
}

/** Scans an object key at i (the opening quote); returns the index of its closing quote, or FAIL for escapes/non-ASCII. */
function keyEnd(i: number): number {
  const s = src;
  const end = srcEnd;
  for (let k = i + 1; k < end; k++) {
    const b = s[k] as number;
    if (b === QUOTE) return k;
    if (b === BACKSLASH || b >= 0x7f || b < 0x20) return FAIL;
  }
  return FAIL;
}

function objectValue(i: number, depth: number, top: boolean): number {
  if (depth > MAX_DEPTH) return FAIL;
  out[o++] = 0x7b;
  i = skipWs(i + 1);
  if (src[i] === 0x7d) {
    out[o++] = 0x7d;
    if (top) {
      final = out;
      finalLength = o;
    }
    return i + 1;
  }
  const base = memberTop;
  const contentStart = o;
  let count = 0;
  for (;;) {
    if (src[i] !== QUOTE) return FAIL;
    const kEnd = keyEnd(i);
    if (kEnd < 0) return FAIL;
    const kStart = i + 1;
    i = skipWs(kEnd + 1);
    if (src[i] !== COLON) return FAIL;
    i = skipWs(i + 1);
    if (top && isRemoveKey(kStart, kEnd)) {
      if (removedStart >= 0 || src[i] !== QUOTE) return FAIL;
      const vEnd = keyEnd(i); // same rule as keys: plain ASCII, no escapes
      if (vEnd < 0) return FAIL;
      removedStart = i + 1;
      removedEnd = vEnd;
      i = vEnd + 1;
    } else {
      // Separators are written as in the output, so an object whose keys are already in order
      // needs no further work; reordering copies only the member ranges.
      if (count > 0) {
        out[o++] = COMMA;
        out[o++] = SPACE;
      }
      const memberStart = o;
      out[o++] = QUOTE;
      copy(kStart, kEnd);
      out[o++] = QUOTE;
      out[o++] = COLON;
      out[o++] = SPACE;
      // Reserve this member's record before descending so nested objects stack above it.
      const slot = base + count * STRIDE;
      if (slot + STRIDE > members.length) {
        const grown = new Int32Array(members.length * 2);
        grown.set(members);
        members = grown;
      }
      memberTop = slot + STRIDE;
      const valueStart = o;
      i = value(i, depth);
      if (i < 0) return FAIL;
      if (top && fieldKeys.length > 0) noteField(kStart, kEnd, valueStart);
      members[slot] = kStart;
      members[slot + 1] = kEnd;
      members[slot + 2] = memberStart;
      members[slot + 3] = o;
      members[slot + 4] = keyPrefix(kStart, kEnd);
      count++;
    }
    i = skipWs(i);
    const b = src[i];
    if (b === COMMA) {
      i = skipWs(i + 1);
      continue;
    }
    if (b === 0x7d) break;
    return FAIL;
  }
  memberTop = base;
  if (!orderMembers(base, count)) return FAIL;
  if (top) {
    emitTop(base, count);
    return i + 1;
  }
  reorderInPlace(base, count, contentStart);
  out[o++] = 0x7d;
  return i + 1;
}

function noteField(kStart: number, kEnd: number, valueStart: number): void {
  for (let f = 0; f < fieldKeys.length; f++) {
    const name = fieldKeys[f] as Buffer;
    if (name.length !== kEnd - kStart) continue;
    let same = true;
    for (let k = 0; k < name.length && same; k++) same = src[kStart + k] === name[k];
    if (same) {
      fieldValueStart[f] = valueStart;
      fieldValueEnd[f] = o;
    }
  }
}

/** The decoded value of a requested field from its canonical bytes in `out`. */
function fieldValue(f: number): string | null | typeof NOT_A_STRING {
  const start = fieldValueStart[f] as number;
  if (start < 0) return null;
  const end = fieldValueEnd[f] as number;
  if (out[start] !== QUOTE) return NOT_A_STRING;
  const body = out.toString('latin1', start + 1, end - 1);
  // Canonical strings are ASCII with JSON escapes, which JSON.parse decodes exactly (lone surrogates included).
  return body.includes('\\') ? (JSON.parse(out.toString('latin1', start, end)) as string) : body;
}

/** The first four key bytes packed big-endian (keys are ASCII, so this stays a positive int32; absent bytes sort first). */
function keyPrefix(start: number, end: number): number {
  let prefix = 0;
  for (let k = 0; k < 4; k++) prefix = (prefix << 8) | (start + k < end ? (src[start + k] as number) : 0);
  return prefix;
}

function compareMembers(a: number, b: number): number {
  const d = (members[a + 4] as number) - (members[b + 4] as number);
  if (d !== 0) return d;
  return compareKeys(members[a] as number, members[a + 1] as number, members[b] as number, members[b + 1] as number);
}

/** Set by orderMembers: the members are already in key order (`order` is then not filled). */
let orderIsIdentity = true;

/** Fills `order` with the members' indices in key order; false on duplicate keys. */
function orderMembers(base: number, count: number): boolean {
  if (order.length < count) order = new Int32Array(count * 2);
  orderIsIdentity = true;
  for (let k = 1; k < count; k++) {
    const c = compareMembers(base + (k - 1) * STRIDE, base + k * STRIDE);
    if (c === 0) return false;
    if (c > 0) {
      orderIsIdentity = false;
      break;
    }
  }
  if (orderIsIdentity) return true;
  for (let k = 0; k < count; k++) {
    const slot = base + k * STRIDE;
    let j = k - 1;
    while (j >= 0) {
      const c = compareMembers(base + (order[j] as number) * STRIDE, slot);
      if (c === 0) return false;
      if (c < 0) break;
      order[j + 1] = order[j] as number;
      j--;
    }
    order[j + 1] = k;
  }
  return true;
}

/** Copies bytes between buffers; a plain loop beats Buffer#copy's call overhead for short runs. */
function copyBytes(from: Buffer, start: number, end: number, to: Buffer, at: number): number {
  if (end - start > 64) return at + from.copy(to, at, start, end);
  while (start < end) to[at++] = from[start++] as number;
  return at;
}

/** Rewrites a nested object's members (written in source order after contentStart) in key order. */
function reorderInPlace(base: number, count: number, contentStart: number): void {
  if (count === 0) return;
  if (orderIsIdentity) return;
  const length = o - contentStart;
  if (tmp.length < length) tmp = Buffer.allocUnsafe(length * 2);
  out.copy(tmp, 0, contentStart, o);
  o = contentStart;
  for (let k = 0; k < count; k++) {
    if (k > 0) {
      out[o++] = COMMA;
      out[o++] = SPACE;
    }
    const slot = base + (order[k] as number) * STRIDE;
    o = copyBytes(tmp, (members[slot + 2] as number) - contentStart, (members[slot + 3] as number) - contentStart, out, o);
  }
}

/**
 * Finishes the top-level object. Members were written to `out` in source order with separators
 * (the removed key left out), so when they are already in key order `out` is the answer;
 * otherwise they are copied into `sorted` in key order.
 */
function emitTop(base: number, count: number): void {
  if (orderIsIdentity) {
    out[o++] = 0x7d;
    final = out;
    finalLength = o;
    return;
  }
  const capacity = o + count * 2 + 2;
  if (sorted.length < capacity) sorted = Buffer.allocUnsafe(capacity * 2);
  let r = 0;
  sorted[r++] = 0x7b;
  for (let k = 0; k < count; k++) {
    if (k > 0) {
      sorted[r++] = COMMA;
      sorted[r++] = SPACE;
    }
    const slot = base + (order[k] as number) * STRIDE;
    r = copyBytes(out, members[slot + 2] as number, members[slot + 3] as number, sorted, r);
  }
  sorted[r++] = 0x7d;
  final = sorted;
  finalLength = r;
}

/**
 * The canonical python-json bytes of the top-level object in `line` without `key`, plus that
 * key's string value; null when the fast path cannot vouch for the answer (use the slow path).
 */
export function canonicalWithout(line: Buffer, key: string, options: CanonicalWithoutOptions = {}): CanonicalWithout | null {
  if (!isPlainAsciiName(key)) return null;
  if (key !== removeKeyText) {
    removeKey = Buffer.from(key, 'latin1');
    removeKeyText = key;
  }
  const fields = options.fields ?? NO_FIELDS;
  if (!sameNames(fields, fieldKeysText)) {
    if (!fields.every(isPlainAsciiName)) return null;
    fieldKeys = fields.map((name) => Buffer.from(name, 'latin1'));
    fieldKeysText = [...fields];
    if (fieldValueStart.length < fields.length) {
      fieldValueStart = new Int32Array(fields.length);
      fieldValueEnd = new Int32Array(fields.length);
    }
  }
  if (line.length > MAX_LINE_BYTES) return null;
  fieldValueStart.fill(-1);
  src = line;
  srcEnd = line.length;
  // Worst case growth: a 4-byte float spelling ("1e15") becomes an 18-byte repr plus separators.
  const capacity = line.length * 6 + 64;
  if (out.length < capacity) out = Buffer.allocUnsafe(capacity);
  o = 0;
  memberTop = 0;
  removedStart = -1;
  removedEnd = -1;
  try {
    let i = skipWs(0);
    if (src[i] !== 0x7b) return null;
    i = objectValue(i, 1, true);
    if (i < 0 || skipWs(i) !== srcEnd) return null;
    const canonical = options.reuseBuffer ? final.subarray(0, finalLength) : Buffer.from(final.subarray(0, finalLength));
    const removed = removedStart >= 0 ? line.toString('latin1', removedStart, removedEnd) : null;
    const values: Array<string | null | typeof NOT_A_STRING> = [];
    for (let f = 0; f < fieldKeys.length; f++) values.push(fieldKeysText[f] === key ? removed : fieldValue(f));
    return { canonical, removed, fields: values };
  } finally {
    src = EMPTY; // do not keep the caller's line alive
  }
}

const NO_FIELDS: readonly string[] = [];

/** Names the fast path can match byte for byte: printable ASCII without quote or backslash. */
function isPlainAsciiName(name: string): boolean {
  for (let k = 0; k < name.length; k++) {
    const c = name.charCodeAt(k);
    if (c < 0x20 || c >= 0x7f || c === QUOTE || c === BACKSLASH) return false;
  }
  return true;
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}
