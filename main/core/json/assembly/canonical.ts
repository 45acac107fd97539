/**
 * AssemblyScript source of the hash-chain fast path, compiled to WebAssembly by `npm run build:wasm`
 * and driven from ../fast-canonical.ts (which documents what it computes). One pass over a line's
 * UTF-8 bytes yields `json.dumps(entry_without_key, sort_keys=True)` as CPython writes it, or FAIL
 * whenever the answer could be wrong (the caller then takes the full parse).
 *
 * Why WebAssembly: this loop runs for every line of an archive and is byte arithmetic over one
 * buffer; compiled ahead of time it needs no bounds, type or detach checks per byte, and it is
 * what makes `custos verify` keep pace with sha256sum (issue 2's target).
 *
 * How: most of a line written by Python is already canonical byte for byte — only the key order
 * differs. Values are validated in place and remembered as byte ranges ("verbatim"); only what
 * differs is written again into the arena. An object's canonical form is its members' ranges
 * copied in key order, adjacent ranges joined into one copy.
 *
 * Memory is fixed (no growth, so the host's views of it stay valid); every address below is a
 * byte offset in it. The host writes lines into [IN_BASE, IN_END) and reads results from RESULT.
 */

// ---- Memory layout (exported: the host reads it from here) ----
/** i32 results: see the R_* indexes. */
export const RESULT: i32 = 0x10000;
/** Host-written names: [0] field count, [1] removed key length, bytes at +8; field f at +256·(f+1): length, bytes at +4. */
export const CONFIG: i32 = 0x10400;
export const CONFIG_NAME_SLOT: i32 = 256;
export const MAX_FIELDS: i32 = 8;
/** Cached key orders: ORDER_CACHE_OBJECTS × ORDERS_PER_OBJECT slots of (1 + ORDER_MAX_MEMBERS) i32. */
const ORDER_CACHE: i32 = 0x20000;
const ORDER_COUNTS: i32 = 0x30000;
const SORT_SCRATCH: i32 = 0x40000;
const SORT_SCRATCH_END: i32 = 0x80000;
/** Member records of open objects and arrays (STRIDE i32 each). */
const STACK: i32 = 0x80000;
const STACK_END: i32 = 0x180000;
/** Where the host puts lines: file chunks in [IN_BASE, LINE_BASE), single lines copied to [LINE_BASE, IN_END). */
export const IN_BASE: i32 = 0x200000;
export const LINE_BASE: i32 = 0x700000;
export const IN_END: i32 = 0xa00000;
/** Re-written values are appended here. */
const ARENA: i32 = 0xb00000;
const ARENA_END: i32 = 0x2400000;

const R_START: i32 = 0; // canonical bytes [start, end)
const R_END: i32 = 1;
const R_REMOVED_START: i32 = 2; // removed key's string value (inside its quotes), or -1
const R_REMOVED_END: i32 = 3;
const R_FIELDS: i32 = 4; // per field f: value start (-1 when absent), value end, plain flag at R_FIELDS + 3f

const MAX_DEPTH: i32 = 64;
const MAX_SCRATCH_PER_LINE_BYTE: i32 = 24;
const FAIL: i32 = -1;

const QUOTE: i32 = 0x22;
const BACKSLASH: i32 = 0x5c;
const COLON: i32 = 0x3a;
const COMMA: i32 = 0x2c;
const SPACE: i32 = 0x20;
const OPEN_BRACE: i32 = 0x7b;
const CLOSE_BRACE: i32 = 0x7d;
const OPEN_BRACKET: i32 = 0x5b;
const CLOSE_BRACKET: i32 = 0x5d;

const STRIDE: i32 = 6;
const ORDER_CACHE_OBJECTS: i32 = 32;
const ORDERS_PER_OBJECT: i32 = 8;
const ORDER_MAX_MEMBERS: i32 = 64;
const ORDER_SLOT_BYTES: i32 = (1 + ORDER_MAX_MEMBERS) * 4;

/** Python's repr of the float spelled at [start, end), written at out (at most outMax bytes); its length, or -1. */
@external('env', 'floatRepr')
declare function floatRepr(start: i32, end: i32, out: i32, outMax: i32): i32;

@inline function at(i: i32): i32 {
  return <i32>load<u8>(<usize>i);
}
@inline function put(i: i32, b: i32): void {
  store<u8>(<usize>i, <u8>b);
}
@inline function geti(base: i32, k: i32): i32 {
  return load<i32>(<usize>(base + (k << 2)));
}
@inline function seti(base: i32, k: i32, v: i32): void {
  store<i32>(<usize>(base + (k << 2)), v);
}

// ---- Scanner state ----
let srcStart: i32 = 0;
let srcEnd: i32 = 0;
let o: i32 = 0;
let scratchLimit: i32 = 0;
/** The canonical bytes of the value just scanned: [vs, ve). */
let vs: i32 = 0;
let ve: i32 = 0;
/** That canonical form is the value's own bytes in the line. */
let verbatim: bool = false;
/** The verbatim string just read contains an escape. */
let stringHasEscape: bool = false;
let sp: i32 = STACK;
let objectOrdinal: i32 = 0;
let removedStart: i32 = -1;
let removedEnd: i32 = -1;
let fieldCount: i32 = 0;
let pendStart: i32 = -1;
let pendEnd: i32 = -1;
let orderIsIdentity: bool = true;
/** When not identity: the member indices in key order are i32s at orderList + 4·k. */
let orderList: i32 = 0;

/** Forgets cached key orders (the host calls it when the removed key or fields change). */
export function resetOrders(): void {
  memory.fill(<usize>ORDER_COUNTS, 0, <usize>(ORDER_CACHE_OBJECTS * 4));
}

/** Reserves `extra` more arena bytes at o; false when that passes the line's scratch limit. */
@inline function ensure(extra: i32): bool {
  return o + extra <= scratchLimit;
}

/**
 * The first byte at or after k that is not printable ASCII other than quote and backslash: 16 bytes
 * per step (most of a line is such runs: hashes, ids, times). The NUL sentinel ends every run; the
 * 16-byte loads may look past it, which the fixed layout leaves room for.
 */
@inline function plainRun(k: i32): i32 {
  const quote = i8x16.splat(<i8>QUOTE);
  const backslash = i8x16.splat(<i8>BACKSLASH);
  const space = i8x16.splat(0x20);
  const tilde = i8x16.splat(0x7e);
  while (true) {
    const v = v128.load(<usize>k);
    const special = v128.or(v128.or(i8x16.eq(v, quote), i8x16.eq(v, backslash)), v128.or(i8x16.lt_u(v, space), i8x16.gt_u(v, tilde)));
    const mask = i8x16.bitmask(special);
    if (mask != 0) return k + ctz<i32>(mask);
    k += 16;
  }
}

@inline function isWs(b: i32): bool {
  return b == 0x20 || b == 0x0a || b == 0x0d || b == 0x09;
}

function skipWs(i: i32): i32 {
  while (i < srcEnd) {
    const b = at(i);
    if (b == 0x20 || b == 0x0a || b == 0x0d || b == 0x09) i++;
    else break;
  }
  return i;
}

function hexDigit(b: i32): i32 {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  return -1;
}

@inline function hexChar(d: i32): i32 {
  return d < 10 ? 0x30 + d : 0x57 + d;
}

function copyRange(start: i32, end: i32): void {
  const n = end - start;
  memory.copy(<usize>o, <usize>start, <usize>n);
  o += n;
}

// ---- Joining ranges: "separator + range" extends the pending copy when the separator bytes
// already sit between the pending range and the new one (members that stay in order).

function flushPending(): void {
  if (pendStart >= 0) copyRange(pendStart, pendEnd);
  pendStart = -1;
}

/** Appends sep + SPACE (sep 0: nothing) and then [start, end). */
function appendRange(sep: i32, start: i32, end: i32): void {
  if (pendStart >= 0) {
    if (sep == 0) {
      if (start == pendEnd) {
        pendEnd = end;
        return;
      }
    } else if (start == pendEnd + 2 && at(pendEnd) == sep && at(pendEnd + 1) == SPACE) {
      pendEnd = end;
      return;
    }
    copyRange(pendStart, pendEnd);
  }
  if (sep != 0) {
    put(o++, sep);
    put(o++, SPACE);
  }
  pendStart = start;
  pendEnd = end;
}

// ---- Strings

/** Writes one UTF-16 code unit the way Python's ensure_ascii encoder does. */
function writeUnit(unit: i32): void {
  if (unit >= 0x20 && unit <= 0x7e && unit != QUOTE && unit != BACKSLASH) {
    put(o++, unit);
    return;
  }
  put(o++, BACKSLASH);
  switch (unit) {
    case QUOTE: put(o++, QUOTE); return;
    case BACKSLASH: put(o++, BACKSLASH); return;
    case 0x0a: put(o++, 0x6e); return;
    case 0x0d: put(o++, 0x72); return;
    case 0x09: put(o++, 0x74); return;
    case 0x08: put(o++, 0x62); return;
    case 0x0c: put(o++, 0x66); return;
    default:
      put(o++, 0x75);
      put(o++, hexChar((unit >> 12) & 15));
      put(o++, hexChar((unit >> 8) & 15));
      put(o++, hexChar((unit >> 4) & 15));
      put(o++, hexChar(unit & 15));
  }
}

function writeCodePoint(cp: i32): void {
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
function pythonEscapeLength(i: i32): i32 {
  const e = at(i + 1);
  if (e == QUOTE || e == BACKSLASH || e == 0x6e || e == 0x72 || e == 0x74 || e == 0x62 || e == 0x66) return 2;
  if (e != 0x75 || i + 6 > srcEnd) return 0;
  let unit = 0;
  for (let k = 2; k < 6; k++) {
    const h = at(i + k);
    if (h >= 0x30 && h <= 0x39) unit = (unit << 4) | (h - 0x30);
    else if (h >= 0x61 && h <= 0x66) unit = (unit << 4) | (h - 0x57);
    else return 0;
  }
  if (unit >= 0x7f) return 6;
  if (unit < 0x20 && unit != 0x08 && unit != 0x09 && unit != 0x0a && unit != 0x0c && unit != 0x0d) return 6;
  return 0;
}

/** A string value at i (its opening quote): verbatim when Python would write the same bytes. */
function stringValue(i: i32): i32 {
  let k = i + 1;
  stringHasEscape = false;
  while (true) {
    k = plainRun(k);
    const b = at(k);
    if (k >= srcEnd) return FAIL;
    if (b == QUOTE) {
      vs = i;
      ve = k + 1;
      verbatim = true;
      return k + 1;
    }
    if (b == BACKSLASH) {
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

/** Writes the string at i Python's way (its bytes up to `from` are already known to be plain). */
function rewriteString(i: i32, from: i32): i32 {
  // Its length in the line bounds the output: at most 6 bytes per input byte.
  let close = from;
  for (; close < srcEnd; close++) {
    const b = at(close);
    if (b == BACKSLASH) close++;
    else if (b == QUOTE) break;
  }
  if (close >= srcEnd || !ensure((close - i) * 6 + 2)) return FAIL;
  const start = o;
  copyRange(i, from);
  let k = from;
  while (true) {
    let b = 0;
    while (k < srcEnd) {
      b = at(k);
      if (b >= 0x20 && b < 0x7f && b != QUOTE && b != BACKSLASH) {
        put(o++, b);
        k++;
      } else {
        break;
      }
    }
    if (k >= srcEnd) return FAIL;
    if (b == QUOTE) {
      put(o++, QUOTE);
      vs = start;
      ve = o;
      verbatim = false;
      return k + 1;
    }
    k = stringSpecial(k, b);
    if (k < 0) return FAIL;
  }
  return FAIL; // not reached (AssemblyScript wants a return after an endless loop)
}

/** Handles one escape, DEL or multi-byte character at i (first byte b); returns the next index or FAIL. */
function stringSpecial(i: i32, b: i32): i32 {
  if (b < 0x80) {
    if (b < 0x20) return FAIL; // raw control character: invalid (strict) JSON
    if (b == 0x7f) {
      writeUnit(0x7f);
      return i + 1;
    }
    // Backslash escape: decode one unit, write it back in Python's form.
    if (i + 1 >= srcEnd) return FAIL;
    const e = at(i + 1);
    let unit: i32;
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
        const h1 = hexDigit(at(i + 2));
        const h2 = hexDigit(at(i + 3));
        const h3 = hexDigit(at(i + 4));
        const h4 = hexDigit(at(i + 5));
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
  let cp: i32;
  if (b >= 0xc2 && b <= 0xdf) {
    if (i + 1 >= srcEnd) return FAIL;
    const b1 = at(i + 1);
    if ((b1 & 0xc0) != 0x80) return FAIL;
    cp = ((b & 0x1f) << 6) | (b1 & 0x3f);
    i += 2;
  } else if (b >= 0xe0 && b <= 0xef) {
    if (i + 2 >= srcEnd) return FAIL;
    const b1 = at(i + 1);
    const b2 = at(i + 2);
    if ((b1 & 0xc0) != 0x80 || (b2 & 0xc0) != 0x80) return FAIL;
    cp = ((b & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f);
    if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)) return FAIL; // overlong or encoded surrogate
    i += 3;
  } else if (b >= 0xf0 && b <= 0xf4) {
    if (i + 3 >= srcEnd) return FAIL;
    const b1 = at(i + 1);
    const b2 = at(i + 2);
    const b3 = at(i + 3);
    if ((b1 & 0xc0) != 0x80 || (b2 & 0xc0) != 0x80 || (b3 & 0xc0) != 0x80) return FAIL;
    cp = ((b & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f);
    if (cp < 0x10000 || cp > 0x10ffff) return FAIL;
    i += 4;
  } else {
    return FAIL;
  }
  writeCodePoint(cp);
  return i;
}

// ---- Numbers and literals

@inline function isDigit(b: i32): bool {
  return b >= 0x30 && b <= 0x39;
}

/** A number at i: ints are verbatim (but -0 → 0), floats verbatim when already Python's repr. */
function numberValue(i: i32): i32 {
  const start = i;
  if (at(i) == 0x2d) i++;
  const intStart = i;
  const first = at(i);
  if (first == 0x30) i++;
  else if (first >= 0x31 && first <= 0x39 && i < srcEnd) {
    i++;
    while (i < srcEnd && isDigit(at(i))) i++;
  } else {
    return FAIL;
  }
  const intEnd = i;
  let fracEnd = -1;
  if (i + 1 < srcEnd && at(i) == 0x2e && isDigit(at(i + 1))) {
    i += 2;
    while (i < srcEnd && isDigit(at(i))) i++;
    fracEnd = i;
  }
  let hasExponent = false;
  if (i < srcEnd && (at(i) == 0x65 || at(i) == 0x45)) {
    let j = i + 1;
    if (j < srcEnd && (at(j) == 0x2b || at(j) == 0x2d)) j++;
    if (j < srcEnd && isDigit(at(j))) {
      j++;
      while (j < srcEnd && isDigit(at(j))) j++;
      i = j;
      hasExponent = true;
    }
  }
  const end = i;
  if (fracEnd < 0 && !hasExponent) {
    // int: Python writes str(int(text)); only "-0" changes. Over-long ints: Python's rules (slow path) decide.
    if (intEnd - intStart > 4300) return FAIL;
    if (start != intStart && intEnd - intStart == 1 && first == 0x30) {
      if (!ensure(1)) return FAIL;
      vs = o;
      put(o++, 0x30);
      ve = o;
      verbatim = false;
      return end;
    }
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
  // Other spellings are re-printed by the host (shortest round-trip digits, Python's layout).
  if (!ensure(32)) return FAIL;
  const n = floatRepr(start, end, o, 32);
  if (n < 0) return FAIL;
  vs = o;
  o += n;
  ve = o;
  verbatim = false;
  return end;
}

/**
 * True when "int.frac" (no exponent) is already exactly Python's repr: fixed notation in repr's
 * range, no superfluous zeros, and at most 15 significant digits (any such decimal is the unique
 * shortest round-trip form of its double).
 */
function isShortestFixedRepr(intStart: i32, intEnd: i32, fracEnd: i32): bool {
  const fracStart = intEnd + 1;
  const fracLen = fracEnd - fracStart;
  const intLen = intEnd - intStart;
  if (fracLen == 1 && at(fracStart) == 0x30) {
    // Integral value "N.0": repr keeps all integer digits while below 1e16.
    if (intLen == 1) return true; // 0.0 .. 9.0
    let significant = intLen;
    while (at(intStart + significant - 1) == 0x30) significant--;
    return intLen <= 16 && significant <= 15;
  }
  if (at(fracEnd - 1) == 0x30) return false; // trailing zero: repr would drop it
  if (intLen == 1 && at(intStart) == 0x30) {
    let zeros = 0;
    while (at(fracStart + zeros) == 0x30) zeros++;
    return zeros <= 3 && fracLen - zeros <= 15;
  }
  return intLen + fracLen <= 15;
}

/** A literal at i whose bytes, little-endian, are `word` (length n ≤ 4) or `word` then `tail`. */
function literal(i: i32, n: i32, word: u64): i32 {
  if (i + n > srcEnd) return FAIL;
  for (let k = 0; k < n; k++) if (at(i + k) != <i32>((word >> (<u64>(k * 8))) & 0xff)) return FAIL;
  vs = i;
  ve = i + n;
  verbatim = true;
  return ve;
}

// "null", "true", "false", "NaN", "Infinity", "-Infinity" as little-endian byte strings.
const W_NULL: u64 = 0x6c6c756e;
const W_TRUE: u64 = 0x65757274;
const W_FALSE: u64 = 0x65736c6166;
const W_NAN: u64 = 0x4e614e;
const W_INFINITY: u64 = 0x7974696e69666e49;

function minusInfinity(i: i32): i32 {
  // "-" then "Infinity"
  if (literal(i + 1, 8, W_INFINITY) < 0) return FAIL;
  vs = i;
  return ve;
}

// ---- Values, arrays, objects

function value(i: i32, depth: i32): i32 {
  switch (at(i)) {
    case QUOTE:
      return stringValue(i);
    case OPEN_BRACE:
      return objectValue(i, depth + 1, false);
    case OPEN_BRACKET:
      return arrayValue(i, depth + 1);
    case 0x6e:
      return literal(i, 4, W_NULL);
    case 0x74:
      return literal(i, 4, W_TRUE);
    case 0x66:
      return literal(i, 5, W_FALSE);
    case 0x4e:
      return literal(i, 3, W_NAN);
    case 0x49:
      return literal(i, 8, W_INFINITY);
    case 0x2d:
      if (at(i + 1) == 0x49) return minusInfinity(i);
      return numberValue(i);
    default:
      return numberValue(i);
  }
}

/** Reserves a member record on the stack; returns its address, or -1 when the stack is full. */
@inline function pushSlot(): i32 {
  const slot = sp;
  if (slot + STRIDE * 4 > STACK_END) return -1;
  sp = slot + STRIDE * 4;
  return slot;
}

/** Writes the two-byte empty container `open close` as the current value; returns next. */
function writeEmpty(open: i32, close: i32, next: i32): i32 {
  if (!ensure(2)) return FAIL;
  vs = o;
  put(o++, open);
  put(o++, close);
  ve = o;
  verbatim = false;
  return next;
}

function arrayValue(i: i32, depth: i32): i32 {
  if (depth > MAX_DEPTH) return FAIL;
  const start = i;
  i++;
  let canonical = !isWs(at(i));
  i = skipWs(i);
  if (at(i) == CLOSE_BRACKET) {
    if (canonical) {
      vs = start;
      ve = i + 1;
      verbatim = true;
      return i + 1;
    }
    return writeEmpty(OPEN_BRACKET, CLOSE_BRACKET, i + 1);
  }
  const base = sp;
  let count = 0;
  let bytes = 2;
  while (true) {
    const slot = pushSlot();
    if (slot < 0) return FAIL;
    i = value(i, depth);
    if (i < 0) return FAIL;
    seti(slot, 2, vs);
    seti(slot, 3, ve);
    bytes += ve - vs + 2;
    if (!verbatim) canonical = false;
    count++;
    let b = at(i);
    if (isWs(b)) {
      canonical = false;
      i = skipWs(i);
      b = at(i);
    }
    if (b == COMMA) {
      if (at(i + 1) == SPACE && !isWs(at(i + 2))) {
        i += 2;
      } else {
        canonical = false;
        i = skipWs(i + 1);
      }
      continue;
    }
    if (b == CLOSE_BRACKET) break;
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
  const written = o;
  put(o++, OPEN_BRACKET);
  for (let k = 0; k < count; k++) {
    const slot = base + k * STRIDE * 4;
    appendRange(k == 0 ? 0 : COMMA, geti(slot, 2), geti(slot, 3));
  }
  flushPending();
  put(o++, CLOSE_BRACKET);
  vs = written;
  ve = o;
  verbatim = false;
  return i + 1;
}

/** Scans a key at i (its opening quote); returns its closing quote, or FAIL for escapes/non-ASCII. */
function keyEnd(i: i32): i32 {
  const k = plainRun(i + 1);
  return at(k) == QUOTE && k < srcEnd ? k : FAIL;
}

/** The key at [start, end) equals the host-written name at `name` (length, then bytes). */
function sameName(start: i32, end: i32, name: i32): bool {
  const n = load<i32>(<usize>name);
  if (end - start != n) return false;
  return memory.compare(<usize>start, <usize>(name + 4), <usize>n) == 0;
}

/** The first four key bytes packed big-endian (keys are ASCII, so this stays positive; absent bytes sort first). */
function keyPrefix(start: i32, end: i32): i32 {
  let prefix = 0;
  for (let k = 0; k < 4; k++) prefix = (prefix << 8) | (start + k < end ? at(start + k) : 0);
  return prefix;
}

function objectValue(i: i32, depth: i32, top: bool): i32 {
  if (depth > MAX_DEPTH) return FAIL;
  const ordinal = objectOrdinal++;
  const start = i;
  i++;
  // The top-level object is always written out: its removed member is left out.
  let canonical = !top && !isWs(at(i));
  i = skipWs(i);
  if (at(i) == CLOSE_BRACE) {
    if (canonical) {
      vs = start;
      ve = i + 1;
      verbatim = true;
      return i + 1;
    }
    return writeEmpty(OPEN_BRACE, CLOSE_BRACE, i + 1);
  }
  const base = sp;
  let count = 0;
  let bytes = 2;
  while (true) {
    if (at(i) != QUOTE) return FAIL;
    const kEnd = keyEnd(i);
    if (kEnd < 0) return FAIL;
    const kStart = i + 1;
    let separatorCanonical = true;
    if (at(kEnd + 1) == COLON && at(kEnd + 2) == SPACE && !isWs(at(kEnd + 3))) {
      i = kEnd + 3;
    } else {
      separatorCanonical = false;
      canonical = false;
      i = skipWs(kEnd + 1);
      if (at(i) != COLON) return FAIL;
      i = skipWs(i + 1);
    }
    if (top && sameName(kStart, kEnd, CONFIG + 4)) {
      if (removedStart >= 0 || at(i) != QUOTE) return FAIL;
      const vEnd = keyEnd(i); // same rule as keys: plain ASCII, no escapes
      if (vEnd < 0) return FAIL;
      removedStart = i + 1;
      removedEnd = vEnd;
      i = vEnd + 1;
    } else {
      const slot = pushSlot();
      if (slot < 0) return FAIL;
      const valueStart = i;
      i = value(i, depth);
      if (i < 0) return FAIL;
      if (top && fieldCount > 0) noteField(kStart, kEnd, valueStart, i);
      const whole = separatorCanonical && verbatim;
      if (!whole) canonical = false;
      seti(slot, 0, kStart);
      seti(slot, 1, kEnd);
      seti(slot, 2, vs);
      seti(slot, 3, ve);
      seti(slot, 4, keyPrefix(kStart, kEnd));
      seti(slot, 5, whole ? 1 : 0);
      bytes += kEnd - kStart + 8 + ve - vs;
      count++;
    }
    let b = at(i);
    if (isWs(b)) {
      canonical = false;
      i = skipWs(i);
      b = at(i);
    }
    if (b == COMMA) {
      if (at(i + 1) == SPACE && !isWs(at(i + 2))) {
        i += 2;
      } else {
        canonical = false;
        i = skipWs(i + 1);
      }
      continue;
    }
    if (b == CLOSE_BRACE) break;
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
  const written = o;
  put(o++, OPEN_BRACE);
  for (let k = 0; k < count; k++) {
    const slot = base + (orderIsIdentity ? k : geti(orderList, k)) * STRIDE * 4;
    const keyQuote = geti(slot, 0) - 1;
    const sep = k == 0 ? 0 : COMMA;
    if (geti(slot, 5) == 1) {
      appendRange(sep, keyQuote, geti(slot, 3));
    } else {
      appendRange(sep, keyQuote, geti(slot, 1) + 1);
      appendRange(COLON, geti(slot, 2), geti(slot, 3));
    }
  }
  flushPending();
  put(o++, CLOSE_BRACE);
  vs = written;
  ve = o;
  verbatim = false;
  return i + 1;
}

function noteField(kStart: i32, kEnd: i32, valueStart: i32, valueEnd: i32): void {
  for (let f = 0; f < fieldCount; f++) {
    if (!sameName(kStart, kEnd, CONFIG + CONFIG_NAME_SLOT * (f + 1))) continue;
    const r = RESULT + (R_FIELDS + 3 * f) * 4;
    seti(r, 0, valueStart);
    seti(r, 1, valueEnd);
    // A verbatim string without escapes is printable ASCII: its text is its bytes.
    seti(r, 2, verbatim && at(valueStart) == QUOTE && !stringHasEscape ? 1 : 0);
  }
}

// ---- Key order

function compareMembers(a: i32, b: i32): i32 {
  const d = geti(a, 4) - geti(b, 4);
  if (d != 0) return d;
  const aStart = geti(a, 0);
  const bStart = geti(b, 0);
  const aLen = geti(a, 1) - aStart;
  const bLen = geti(b, 1) - bStart;
  const n = aLen < bLen ? aLen : bLen;
  for (let k = 4; k < n; k++) {
    const c = at(aStart + k) - at(bStart + k);
    if (c != 0) return c;
  }
  return aLen - bLen;
}

@inline function member(base: i32, k: i32): i32 {
  return base + k * STRIDE * 4;
}

/**
 * Finds the members' key order; false on duplicate keys. The lines of a log repeat a few shapes at
 * each place, so a cached order of the object at the same ordinal is tried first (count-1
 * comparisons; a wrong one usually fails at the first) before sorting.
 */
function orderMembers(base: i32, count: i32, ordinal: i32): bool {
  orderIsIdentity = true;
  for (let k = 1; k < count; k++) {
    const c = compareMembers(member(base, k - 1), member(base, k));
    if (c == 0) return false;
    if (c > 0) {
      orderIsIdentity = false;
      break;
    }
  }
  if (orderIsIdentity) return true;
  const cacheable = ordinal < ORDER_CACHE_OBJECTS && count <= ORDER_MAX_MEMBERS;
  if (cacheable) {
    const known = geti(ORDER_COUNTS, ordinal);
    const slots = ORDER_CACHE + ordinal * ORDERS_PER_OBJECT * ORDER_SLOT_BYTES;
    for (let n = 0; n < known; n++) {
      const cached = slots + n * ORDER_SLOT_BYTES;
      if (geti(cached, 0) != count) continue;
      // A strictly increasing walk through a permutation of the members is their sorted order.
      let increasing = true;
      for (let k = 2; k <= count && increasing; k++) increasing = compareMembers(member(base, geti(cached, k - 1)), member(base, geti(cached, k))) < 0;
      if (increasing) {
        orderList = cached + 4;
        return true;
      }
    }
  }
  if (SORT_SCRATCH + (count + 1) * 4 > SORT_SCRATCH_END) return false;
  const sorted = SORT_SCRATCH;
  seti(sorted, 0, count);
  for (let k = 0; k < count; k++) {
    const slot = member(base, k);
    let j = k;
    while (j > 0) {
      const c = compareMembers(member(base, geti(sorted, j)), slot);
      if (c == 0) return false;
      if (c < 0) break;
      seti(sorted, j + 1, geti(sorted, j));
      j--;
    }
    seti(sorted, j + 1, k);
  }
  orderList = sorted + 4;
  if (cacheable) {
    // Newest first: shift the others down one slot (the oldest falls off).
    const slots = ORDER_CACHE + ordinal * ORDERS_PER_OBJECT * ORDER_SLOT_BYTES;
    const known = geti(ORDER_COUNTS, ordinal);
    const kept = known < ORDERS_PER_OBJECT ? known : ORDERS_PER_OBJECT - 1;
    memory.copy(<usize>(slots + ORDER_SLOT_BYTES), <usize>slots, <usize>(kept * ORDER_SLOT_BYTES));
    memory.copy(<usize>slots, <usize>sorted, <usize>((count + 1) * 4));
    seti(ORDER_COUNTS, ordinal, kept + 1);
  }
  return true;
}

// ---- Entry point

/**
 * Canonical bytes of the top-level object at [start, end) without the removed key. The byte at
 * `end` is borrowed as a NUL sentinel and restored. Returns the canonical length, or FAIL; the
 * result's addresses are in RESULT.
 */
export function canonicalize(start: i32, end: i32): i32 {
  const length = end - start;
  srcStart = start;
  srcEnd = end;
  o = ARENA;
  const limit = ARENA + length * MAX_SCRATCH_PER_LINE_BYTE + 4096;
  scratchLimit = limit < ARENA_END ? limit : ARENA_END;
  sp = STACK;
  objectOrdinal = 0;
  removedStart = -1;
  removedEnd = -1;
  pendStart = -1;
  fieldCount = geti(CONFIG, 0);
  if (fieldCount > MAX_FIELDS) return FAIL;
  for (let f = 0; f < fieldCount; f++) seti(RESULT, R_FIELDS + 3 * f, -1);
  const saved = at(end);
  put(end, 0); // the sentinel: invalid anywhere in JSON, so look-ahead stops there
  let result = FAIL;
  let i = skipWs(start);
  if (at(i) == OPEN_BRACE) {
    i = objectValue(i, 1, true);
    if (i >= 0 && skipWs(i) == end) result = ve - vs;
  }
  put(end, saved);
  seti(RESULT, R_START, vs);
  seti(RESULT, R_END, ve);
  seti(RESULT, R_REMOVED_START, removedStart);
  seti(RESULT, R_REMOVED_END, removedEnd);
  return result;
}
