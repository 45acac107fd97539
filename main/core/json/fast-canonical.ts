/**
 * Fast path for hash-chain verification: one pass over a line's UTF-8 bytes that yields
 * `json.dumps(entry_without_key, sort_keys=True)` (CPython's bytes, ensure_ascii) without building
 * JS values, and returns the removed key's string value.
 *
 * It handles everything a JSON writer commonly produces: any whitespace and separators, any key
 * order at any depth, raw UTF-8 or escaped strings (re-escaped the way Python does), ints of any
 * size, floats in any spelling (re-printed as Python's repr), NaN/Infinity tokens.
 * It returns null — and the caller must fall back to parsePyJson + canonicalPython — whenever it
 * cannot be sure: object keys containing escapes or non-ASCII, duplicate keys, a top-level value
 * that is not an object, nesting deeper than MAX_DEPTH, lines over MAX_LINE_BYTES, invalid UTF-8, a removed key whose value
 * is not a plain escape-free ASCII string, and any input that is not valid JSON (the slow path then
 * produces the proper error). It never returns a wrong answer for input it accepts.
 *
 * How: most of a line written by Python's json.dumps is already canonical byte for byte — only the
 * key order differs. So values are validated in place and remembered as byte ranges of the line
 * ("verbatim"); only what differs (a string with raw UTF-8 or other escapes, a float spelled
 * differently, other whitespace, unsorted objects) is written out again. An object's canonical form
 * is then its members' ranges copied in key order, adjacent ranges joined into one copy. The line
 * and everything written live in one scratch buffer, so every copy is a native copyWithin.
 */
import { pythonJsonFloat } from './float-repr.js';

/*
 * The scanner's state lives in module-level `var`s on purpose: V8 checks a module-level `let` for
 * its temporal dead zone on every access, and these are read a few hundred times per line
 * (measured: `var` makes the whole pass about 5% faster).
 */
/* eslint-disable no-var */

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
/** Longer lines take the slow path: they are not audit entries a logger writes every second. */
export const MAX_LINE_BYTES = 1 << 20;
/**
 * Each level of re-written nesting copies its content once more; past this many bytes of scratch
 * per line byte (pathological nesting of re-spelled values) the line takes the slow path instead.
 */
const MAX_SCRATCH_PER_LINE_BYTE = 24;
const FAIL = -1;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const SPACE = 0x20;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * The scratch buffer: the line at [0, srcEnd), a NUL sentinel at srcEnd (invalid anywhere in JSON,
 * so look-ahead stops there), then the arena where re-written values are appended from `o` on.
 * Every range below is an offset into this one buffer.
 */
var buf: Buffer = Buffer.allocUnsafe(1 << 17);
var srcEnd = 0;
var o = 0;
/** Largest scratch size allowed for the current line. */
var scratchLimit = 0;

/** The canonical bytes of the value just parsed by value(): buf[vs, ve). */
var vs = 0;
var ve = 0;
/** True when that canonical form is the value's own bytes in the line (nothing was re-written). */
var verbatim = false;
/** Set by stringValue: the verbatim string just read contains an escape (so its text needs decoding). */
var stringHasEscape = false;

/**
 * Member records of open objects and arrays (a stack: nested values push above their parent's):
 * keyStart, keyEnd (closing quote), value start, value end, key prefix, 1 if "key": value is one
 * canonical range of the line.
 */
const STRIDE = 6;
var stack = new Int32Array(STRIDE * 256);
var sp = 0;

/** Objects opened so far in this line: an object's ordinal keys the cache of its key order. */
var objectOrdinal = 0;

/** Removal state for the top-level object. */
var removeKey: Buffer = Buffer.alloc(0);
var removeKeyText = '';
var removedStart = -1;
var removedEnd = -1;
/** Requested top-level fields: their names and, per call, where their values are in the line. */
var fieldKeys: Buffer[] = [];
var fieldKeysText: readonly string[] = [];
var fieldValueStart = new Int32Array(4);
var fieldValueEnd = new Int32Array(4);
var fieldValuePlain = new Uint8Array(4);

const HEX = [0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66];

/** Makes room for `extra` more bytes at `o`; false when that would pass the line's scratch limit. */
function ensure(extra: number): boolean {
  const need = o + extra;
  if (need <= buf.length) return true;
  if (need > scratchLimit) return false;
  const grown = Buffer.allocUnsafe(Math.min(Math.max(need, buf.length * 2), scratchLimit));
  buf.copy(grown, 0, 0, o);
  buf = grown;
  return true;
}

function isWs(b: number | undefined): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

function skipWs(i: number): number {
  const s = buf;
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

/** Appends buf[start, end) at `o` (room already ensured); short runs in a loop, long ones natively. */
function copyRange(start: number, end: number): void {
  const n = end - start;
  if (n > 24) {
    buf.copyWithin(o, start, end);
    o += n;
    return;
  }
  const d = buf;
  let w = o;
  while (start < end) d[w++] = d[start++] as number;
  o = w;
}

// ---------------------------------------------------------------------------------------------
// Joining ranges: appending "separator + range" extends the pending copy when the separator bytes
// already sit between the pending range and the new one (as in the line, when members stay in order).

var pendStart = -1;
var pendEnd = -1;

function flushPending(): void {
  if (pendStart >= 0) copyRange(pendStart, pendEnd);
  pendStart = -1;
}

/** Appends `sep` + SPACE (sep 0: nothing) and then buf[start, end). */
function appendRange(sep: number, start: number, end: number): void {
  if (pendStart >= 0) {
    if (sep === 0) {
      if (start === pendEnd) {
        pendEnd = end;
        return;
      }
    } else if (start === pendEnd + 2 && buf[pendEnd] === sep && buf[pendEnd + 1] === SPACE) {
      pendEnd = end;
      return;
    }
    copyRange(pendStart, pendEnd);
  }
  if (sep !== 0) {
    buf[o++] = sep;
    buf[o++] = SPACE;
  }
  pendStart = start;
  pendEnd = end;
}

// ---------------------------------------------------------------------------------------------
// Strings

/** Writes one UTF-16 code unit the way Python's ensure_ascii encoder does. */
function writeUnit(unit: number): void {
  if (unit >= 0x20 && unit <= 0x7e && unit !== QUOTE && unit !== BACKSLASH) {
    buf[o++] = unit;
    return;
  }
  buf[o++] = BACKSLASH;
  switch (unit) {
    case QUOTE: buf[o++] = QUOTE; return;
    case BACKSLASH: buf[o++] = BACKSLASH; return;
    case 0x0a: buf[o++] = 0x6e; return;
    case 0x0d: buf[o++] = 0x72; return;
    case 0x09: buf[o++] = 0x74; return;
    case 0x08: buf[o++] = 0x62; return;
    case 0x0c: buf[o++] = 0x66; return;
    default:
      buf[o++] = 0x75;
      buf[o++] = HEX[(unit >> 12) & 15] as number;
      buf[o++] = HEX[(unit >> 8) & 15] as number;
      buf[o++] = HEX[(unit >> 4) & 15] as number;
      buf[o++] = HEX[unit & 15] as number;
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

/**
 * Length of the escape at i (a backslash) when Python writes that very escape — `\"`, `\\`, `\n`,
 * `\r`, `\t`, `\b`, `\f`, or lowercase `\uXXXX` for a unit it cannot write otherwise — else 0.
 */
function pythonEscapeLength(i: number): number {
  const s = buf;
  const e = s[i + 1];
  if (e === QUOTE || e === BACKSLASH || e === 0x6e || e === 0x72 || e === 0x74 || e === 0x62 || e === 0x66) return 2;
  if (e !== 0x75 || i + 6 > srcEnd) return 0;
  let unit = 0;
  for (let k = 2; k < 6; k++) {
    const h = s[i + k] as number;
    if (h >= 0x30 && h <= 0x39) unit = (unit << 4) | (h - 0x30);
    else if (h >= 0x61 && h <= 0x66) unit = (unit << 4) | (h - 0x57);
    else return 0;
  }
  if (unit >= 0x7f) return 6;
  if (unit < 0x20 && unit !== 0x08 && unit !== 0x09 && unit !== 0x0a && unit !== 0x0c && unit !== 0x0d) return 6;
  return 0;
}

/** A string value at i (its opening quote): verbatim when Python would write the same bytes. */
function stringValue(i: number): number {
  const s = buf;
  const end = srcEnd;
  let k = i + 1;
  stringHasEscape = false;
  for (;;) {
    // The NUL sentinel after the line ends this loop, so it needs no bounds check of its own.
    let b = s[k] as number;
    while (((b - 0x20) >>> 0) < 0x5f && b !== QUOTE && b !== BACKSLASH) b = s[++k] as number;
    if (k >= end) return FAIL;
    if (b === QUOTE) {
      vs = i;
      ve = k + 1;
      verbatim = true;
      return k + 1;
    }
    if (b === BACKSLASH) {
      const n = pythonEscapeLength(k);
      if (n > 0) {
        k += n;
        stringHasEscape = true;
        continue;
      }
    }
    return rewriteString(i, k);
  }
}

/** Writes the string at i Python's way (its first `plain` bytes up to `from` are already known to be plain). */
function rewriteString(i: number, from: number): number {
  // Its length in the line bounds the output: at most 6 bytes per input byte.
  let close = from;
  for (; close < srcEnd; close++) {
    const b = buf[close];
    if (b === BACKSLASH) close++;
    else if (b === QUOTE) break;
  }
  if (close >= srcEnd || !ensure((close - i) * 6 + 2)) return FAIL;
  const start = o;
  copyRange(i, from);
  let k = from;
  const s = buf;
  for (;;) {
    let b = 0;
    let w = o;
    while (k < srcEnd) {
      b = s[k] as number;
      if (b >= 0x20 && b < 0x7f && b !== QUOTE && b !== BACKSLASH) {
        s[w++] = b;
        k++;
      } else {
        break;
      }
    }
    o = w;
    if (k >= srcEnd) return FAIL;
    if (b === QUOTE) {
      buf[o++] = QUOTE;
      vs = start;
      ve = o;
      verbatim = false;
      return k + 1;
    }
    k = stringSpecial(k, b);
    if (k < 0) return FAIL;
  }
}

/** Handles one escape, DEL or multi-byte character at i (first byte b); returns the next index or FAIL. */
function stringSpecial(i: number, b: number): number {
  const s = buf;
  if (b < 0x80) {
    if (b < 0x20) return FAIL; // raw control character: invalid (strict) JSON
    if (b === 0x7f) {
      writeUnit(0x7f);
      return i + 1;
    }
    // Backslash escape: decode one unit, write it back in Python's form.
    if (i + 1 >= srcEnd) return FAIL;
    const e = s[i + 1] as number;
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
        const h1 = hexDigit(s[i + 2] as number);
        const h2 = hexDigit(s[i + 3] as number);
        const h3 = hexDigit(s[i + 4] as number);
        const h4 = hexDigit(s[i + 5] as number);
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
    const b1 = s[i + 1] as number;
    if ((b1 & 0xc0) !== 0x80) return FAIL;
    cp = ((b & 0x1f) << 6) | (b1 & 0x3f);
    i += 2;
  } else if (b >= 0xe0 && b <= 0xef) {
    if (i + 2 >= srcEnd) return FAIL;
    const b1 = s[i + 1] as number;
    const b2 = s[i + 2] as number;
    if ((b1 & 0xc0) !== 0x80 || (b2 & 0xc0) !== 0x80) return FAIL;
    cp = ((b & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f);
    if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)) return FAIL; // overlong or encoded surrogate
    i += 3;
  } else if (b >= 0xf0 && b <= 0xf4) {
    if (i + 3 >= srcEnd) return FAIL;
    const b1 = s[i + 1] as number;
    const b2 = s[i + 2] as number;
    const b3 = s[i + 3] as number;
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

// ---------------------------------------------------------------------------------------------
// Numbers and literals

function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x39;
}

/** A number at i: ints are verbatim (but -0 → 0), floats verbatim when already Python's repr. */
function numberValue(i: number): number {
  const s = buf;
  const start = i;
  if (s[i] === 0x2d) i++;
  const intStart = i;
  const first = s[i] as number;
  if (first === 0x30) i++;
  else if (first >= 0x31 && first <= 0x39 && i < srcEnd) {
    i++;
    while (i < srcEnd && isDigit(s[i])) i++;
  } else {
    return FAIL;
  }
  const intEnd = i;
  let fracEnd = -1;
  if (i + 1 < srcEnd && s[i] === 0x2e && isDigit(s[i + 1])) {
    i += 2;
    while (i < srcEnd && isDigit(s[i])) i++;
    fracEnd = i;
  }
  let hasExponent = false;
  if (i < srcEnd && (s[i] === 0x65 || s[i] === 0x45)) {
    let j = i + 1;
    if (j < srcEnd && (s[j] === 0x2b || s[j] === 0x2d)) j++;
    if (j < srcEnd && isDigit(s[j])) {
      j++;
      while (j < srcEnd && isDigit(s[j])) j++;
      i = j;
      hasExponent = true;
    }
  }
  const end = i;
  if (fracEnd < 0 && !hasExponent) {
    // int: Python writes str(int(text)); only "-0" changes. Over-long ints: let Python's rules (slow path) decide.
    if (intEnd - intStart > 4300) return FAIL;
    if (start !== intStart && intEnd - intStart === 1 && first === 0x30) return writeAsciiValue('0', end);
    vs = start;
    ve = end;
    verbatim = true;
    return end;
  }
  if (!hasExponent && isShortestFixedRepr(intStart, intEnd, fracEnd)) {
    vs = start;
    ve = end;
    verbatim = true;
    return end;
  }
  return writeAsciiValue(pythonJsonFloat(Number(s.toString('latin1', start, end))), end);
}

/** Appends an ASCII value's text to the arena as the current value; returns `next`. */
function writeAsciiValue(text: string, next: number): number {
  if (!ensure(text.length)) return FAIL;
  vs = o;
  for (let k = 0; k < text.length; k++) buf[o++] = text.charCodeAt(k);
  ve = o;
  verbatim = false;
  return next;
}

/**
 * True when "int.frac" (no exponent) is already exactly Python's repr: fixed notation in repr's
 * range, no superfluous zeros, and at most 15 significant digits (any such decimal is the unique
 * shortest round-trip form of its double).
 */
function isShortestFixedRepr(intStart: number, intEnd: number, fracEnd: number): boolean {
  const s = buf;
  const fracStart = intEnd + 1;
  const fracLen = fracEnd - fracStart;
  const intLen = intEnd - intStart;
  if (fracLen === 1 && s[fracStart] === 0x30) {
    // Integral value "N.0": repr keeps all integer digits while below 1e16.
    if (intLen === 1) return true; // 0.0 .. 9.0
    let significant = intLen;
    while (s[intStart + significant - 1] === 0x30) significant--;
    return intLen <= 16 && significant <= 15;
  }
  if (s[fracEnd - 1] === 0x30) return false; // trailing zero: repr would drop it
  if (intLen === 1 && s[intStart] === 0x30) {
    let zeros = 0;
    while (s[fracStart + zeros] === 0x30) zeros++;
    return zeros <= 3 && fracLen - zeros <= 15;
  }
  return intLen + fracLen <= 15;
}

function literal(i: number, word: string): number {
  if (i + word.length > srcEnd) return FAIL;
  for (let k = 0; k < word.length; k++) if (buf[i + k] !== word.charCodeAt(k)) return FAIL;
  vs = i;
  ve = i + word.length;
  verbatim = true;
  return ve;
}

// ---------------------------------------------------------------------------------------------
// Values, arrays, objects

function value(i: number, depth: number): number {
  switch (buf[i]) {
    case QUOTE:
      return stringValue(i);
    case OPEN_BRACE:
      return objectValue(i, depth + 1, false);
    case OPEN_BRACKET:
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
      if (buf[i + 1] === 0x49) return literal(i, '-Infinity');
      return numberValue(i);
    default:
      return numberValue(i);
  }
}

/** Reserves a member record on the stack; returns its slot. */
function pushSlot(): number {
  const slot = sp;
  if (slot + STRIDE > stack.length) {
    const grown = new Int32Array(stack.length * 2);
    grown.set(stack);
    stack = grown;
  }
  sp = slot + STRIDE;
  return slot;
}

function arrayValue(i: number, depth: number): number {
  if (depth > MAX_DEPTH) return FAIL;
  const start = i;
  i++;
  let canonical = !isWs(buf[i]);
  i = skipWs(i);
  if (buf[i] === CLOSE_BRACKET) {
    if (canonical) {
      vs = start;
      ve = i + 1;
      verbatim = true;
      return i + 1;
    }
    return writeAsciiValue('[]', i + 1);
  }
  const base = sp;
  let count = 0;
  let bytes = 2;
  for (;;) {
    const slot = pushSlot();
    i = value(i, depth);
    if (i < 0) return FAIL;
    stack[slot + 2] = vs;
    stack[slot + 3] = ve;
    bytes += ve - vs + 2;
    if (!verbatim) canonical = false;
    count++;
    let b = buf[i];
    if (isWs(b)) {
      canonical = false;
      i = skipWs(i);
      b = buf[i];
    }
    if (b === COMMA) {
      if (buf[i + 1] === SPACE && !isWs(buf[i + 2])) {
        i += 2;
      } else {
        canonical = false;
        i = skipWs(i + 1);
      }
      continue;
    }
    if (b === CLOSE_BRACKET) break;
    return FAIL;
  }
  sp = base;
  if (canonical) {
    vs = start;
    ve = i + 1;
    verbatim = true;
    return i + 1;
  }
  if (!ensure(bytes)) return FAIL;
  const at = o;
  buf[o++] = OPEN_BRACKET;
  for (let k = 0; k < count; k++) {
    const slot = base + k * STRIDE;
    appendRange(k === 0 ? 0 : COMMA, stack[slot + 2] as number, stack[slot + 3] as number);
  }
  flushPending();
  buf[o++] = CLOSE_BRACKET;
  vs = at;
  ve = o;
  verbatim = false;
  return i + 1;
}

/** Scans an object key at i (the opening quote); returns the index of its closing quote, or FAIL for escapes/non-ASCII. */
function keyEnd(i: number): number {
  const s = buf;
  let k = i + 1;
  // The NUL sentinel after the line ends this loop (and fails it).
  let b = s[k] as number;
  while (((b - 0x20) >>> 0) < 0x5f && b !== QUOTE && b !== BACKSLASH) b = s[++k] as number;
  return b === QUOTE && k < srcEnd ? k : FAIL;
}

function isRemoveKey(keyStart: number, keyEnd: number): boolean {
  if (keyEnd - keyStart !== removeKey.length) return false;
  for (let k = 0; k < removeKey.length; k++) if (buf[keyStart + k] !== removeKey[k]) return false;
  return true;
}

/** The first four key bytes packed big-endian (keys are ASCII, so this stays a positive int32; absent bytes sort first). */
function keyPrefix(start: number, end: number): number {
  let prefix = 0;
  for (let k = 0; k < 4; k++) prefix = (prefix << 8) | (start + k < end ? (buf[start + k] as number) : 0);
  return prefix;
}

function objectValue(i: number, depth: number, top: boolean): number {
  if (depth > MAX_DEPTH) return FAIL;
  const ordinal = objectOrdinal++;
  const start = i;
  i++;
  // The top-level object is always written out: its removed member is left out.
  let canonical = !top && !isWs(buf[i]);
  i = skipWs(i);
  if (buf[i] === CLOSE_BRACE) {
    if (canonical) {
      vs = start;
      ve = i + 1;
      verbatim = true;
      return i + 1;
    }
    return writeAsciiValue('{}', i + 1);
  }
  const base = sp;
  let count = 0;
  let bytes = 2;
  for (;;) {
    if (buf[i] !== QUOTE) return FAIL;
    const kEnd = keyEnd(i);
    if (kEnd < 0) return FAIL;
    const kStart = i + 1;
    let separatorCanonical = true;
    if (buf[kEnd + 1] === COLON && buf[kEnd + 2] === SPACE && !isWs(buf[kEnd + 3])) {
      i = kEnd + 3;
    } else {
      separatorCanonical = false;
      canonical = false;
      i = skipWs(kEnd + 1);
      if (buf[i] !== COLON) return FAIL;
      i = skipWs(i + 1);
    }
    if (top && isRemoveKey(kStart, kEnd)) {
      if (removedStart >= 0 || buf[i] !== QUOTE) return FAIL;
      const vEnd = keyEnd(i); // same rule as keys: plain ASCII, no escapes
      if (vEnd < 0) return FAIL;
      removedStart = i + 1;
      removedEnd = vEnd;
      i = vEnd + 1;
    } else {
      const slot = pushSlot();
      const valueStart = i;
      i = value(i, depth);
      if (i < 0) return FAIL;
      if (top && fieldKeys.length > 0) noteField(kStart, kEnd, valueStart, i);
      const whole = separatorCanonical && verbatim;
      if (!whole) canonical = false;
      stack[slot] = kStart;
      stack[slot + 1] = kEnd;
      stack[slot + 2] = vs;
      stack[slot + 3] = ve;
      stack[slot + 4] = keyPrefix(kStart, kEnd);
      stack[slot + 5] = whole ? 1 : 0;
      bytes += kEnd - kStart + 8 + ve - vs;
      count++;
    }
    let b = buf[i];
    if (isWs(b)) {
      canonical = false;
      i = skipWs(i);
      b = buf[i];
    }
    if (b === COMMA) {
      if (buf[i + 1] === SPACE && !isWs(buf[i + 2])) {
        i += 2;
      } else {
        canonical = false;
        i = skipWs(i + 1);
      }
      continue;
    }
    if (b === CLOSE_BRACE) break;
    return FAIL;
  }
  sp = base;
  if (!orderMembers(base, count, ordinal)) return FAIL;
  if (canonical && orderIsIdentity) {
    vs = start;
    ve = i + 1;
    verbatim = true;
    return i + 1;
  }
  if (!ensure(bytes)) return FAIL;
  const at = o;
  buf[o++] = OPEN_BRACE;
  for (let k = 0; k < count; k++) {
    const slot = base + (orderIsIdentity ? k : (orderArray[orderOffset + k] as number)) * STRIDE;
    const keyQuote = (stack[slot] as number) - 1;
    const sep = k === 0 ? 0 : COMMA;
    if (stack[slot + 5] === 1) {
      appendRange(sep, keyQuote, stack[slot + 3] as number);
    } else {
      appendRange(sep, keyQuote, (stack[slot + 1] as number) + 1);
      appendRange(COLON, stack[slot + 2] as number, stack[slot + 3] as number);
    }
  }
  flushPending();
  buf[o++] = CLOSE_BRACE;
  vs = at;
  ve = o;
  verbatim = false;
  return i + 1;
}

function noteField(kStart: number, kEnd: number, valueStart: number, valueEnd: number): void {
  for (let f = 0; f < fieldKeys.length; f++) {
    const name = fieldKeys[f] as Buffer;
    if (name.length !== kEnd - kStart) continue;
    let same = true;
    for (let k = 0; k < name.length && same; k++) same = buf[kStart + k] === name[k];
    if (same) {
      fieldValueStart[f] = valueStart;
      fieldValueEnd[f] = valueEnd;
      // A verbatim string without escapes is printable ASCII: its text is its bytes.
      fieldValuePlain[f] = verbatim && buf[valueStart] === QUOTE && !stringHasEscape ? 1 : 0;
    }
  }
}

/** The decoded value of a requested field from its (validated) bytes in the line. */
function fieldValue(f: number): string | null | typeof NOT_A_STRING {
  const start = fieldValueStart[f] as number;
  if (start < 0) return null;
  const end = fieldValueEnd[f] as number;
  if (buf[start] !== QUOTE) return NOT_A_STRING;
  if (fieldValuePlain[f] === 1) return buf.toString('latin1', start + 1, end - 1);
  // Escapes, raw UTF-8 or DEL: JSON.parse decodes validated JSON strings exactly (lone surrogates included).
  return JSON.parse(buf.toString('utf8', start, end)) as string;
}

// ---------------------------------------------------------------------------------------------
// Key order

function compareMembers(a: number, b: number): number {
  const d = (stack[a + 4] as number) - (stack[b + 4] as number);
  if (d !== 0) return d;
  const aStart = stack[a] as number;
  const bStart = stack[b] as number;
  const aLen = (stack[a + 1] as number) - aStart;
  const bLen = (stack[b + 1] as number) - bStart;
  const n = aLen < bLen ? aLen : bLen;
  for (let k = 4; k < n; k++) {
    const c = (buf[aStart + k] as number) - (buf[bStart + k] as number);
    if (c !== 0) return c;
  }
  return aLen - bLen;
}

/** Set by orderMembers: the members are already in key order. */
var orderIsIdentity = true;
/** Otherwise the member indices in key order are orderArray[orderOffset …]. */
var orderArray: Int32Array = new Int32Array(0);
var orderOffset = 0;
/**
 * Key orders found for the objects at each ordinal ([count, indices…]), newest first: the lines of
 * a log repeat a few shapes at each place, so checking a known order (count-1 comparisons, and a
 * wrong one usually fails at the first) replaces sorting.
 */
const ORDER_CACHE_OBJECTS = 32;
const ORDERS_PER_OBJECT = 8;
const orderCache: Int32Array[][] = [];
var sortScratch = new Int32Array(64);

/** Finds the members' key order; false on duplicate keys. */
function orderMembers(base: number, count: number, ordinal: number): boolean {
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
  const known = ordinal < ORDER_CACHE_OBJECTS ? orderCache[ordinal] : undefined;
  if (known !== undefined) {
    for (let n = 0; n < known.length; n++) {
      const cached = known[n] as Int32Array;
      if (cached[0] !== count) continue;
      // A strictly increasing walk through a permutation of the members is their sorted order.
      let increasing = true;
      for (let k = 2; k <= count && increasing; k++) increasing = compareMembers(base + (cached[k - 1] as number) * STRIDE, base + (cached[k] as number) * STRIDE) < 0;
      if (increasing) {
        orderArray = cached;
        orderOffset = 1;
        return true;
      }
    }
  }
  if (sortScratch.length < count + 1) sortScratch = new Int32Array(count * 2 + 1);
  const sorted = sortScratch;
  sorted[0] = count;
  for (let k = 0; k < count; k++) {
    const slot = base + k * STRIDE;
    let j = k;
    while (j > 0) {
      const c = compareMembers(base + (sorted[j] as number) * STRIDE, slot);
      if (c === 0) return false;
      if (c < 0) break;
      sorted[j + 1] = sorted[j] as number;
      j--;
    }
    sorted[j + 1] = k;
  }
  orderArray = sorted;
  orderOffset = 1;
  if (ordinal < ORDER_CACHE_OBJECTS) {
    const list = orderCache[ordinal] ?? (orderCache[ordinal] = []);
    list.unshift(sorted.slice(0, count + 1));
    if (list.length > ORDERS_PER_OBJECT) list.pop();
  }
  return true;
}

// ---------------------------------------------------------------------------------------------

/**
 * The canonical python-json bytes of the top-level object in `line` without `key`, plus that
 * key's string value; null when the fast path cannot vouch for the answer (use the slow path).
 */
export function canonicalWithout(line: Buffer, key: string, options: CanonicalWithoutOptions = {}): CanonicalWithout | null {
  return canonicalWithoutIn(line, 0, line.length, key, options);
}

/** canonicalWithout of the line at bytes[start, end) (saves the caller a view per line). */
export function canonicalWithoutIn(bytes: Buffer, start: number, end: number, key: string, options: CanonicalWithoutOptions = {}): CanonicalWithout | null {
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
      fieldValuePlain = new Uint8Array(fields.length);
    }
  }
  if (end - start > MAX_LINE_BYTES) return null;
  const span = canonicalSpan(bytes, start, end);
  if (span < 0) return null;
  const canonical = options.reuseBuffer ? buf.subarray(vs, ve) : Buffer.from(buf.subarray(vs, ve));
  const removed = removedStart >= 0 ? buf.toString('latin1', removedStart, removedEnd) : null;
  const values: Array<string | null | typeof NOT_A_STRING> = [];
  for (let f = 0; f < fieldKeys.length; f++) values.push(fieldKeysText[f] === key ? removed : fieldValue(f));
  return { canonical, removed, fields: values };
}

/** Runs the scan over the line at bytes[start, end); on success the answer is buf[vs, ve). */
function canonicalSpan(bytes: Buffer, start: number, end: number): number {
  const length = end - start;
  scratchLimit = Math.max(buf.length, length * MAX_SCRATCH_PER_LINE_BYTE + 4096);
  if (buf.length < length + 1024) buf = Buffer.allocUnsafe(Math.max(length * 4 + 1024, buf.length * 2));
  bytes.copy(buf, 0, start, end);
  buf[length] = 0; // the sentinel
  srcEnd = length;
  o = length + 1;
  sp = 0;
  objectOrdinal = 0;
  removedStart = -1;
  removedEnd = -1;
  pendStart = -1;
  for (let f = 0; f < fieldKeys.length; f++) fieldValueStart[f] = -1;
  let i = skipWs(0);
  if (buf[i] !== OPEN_BRACE) return FAIL;
  i = objectValue(i, 1, true);
  if (i < 0 || skipWs(i) !== srcEnd) return FAIL;
  return ve - vs;
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
