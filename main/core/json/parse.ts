/**
 * A JSON parser that accepts exactly what CPython's `json.loads` (strict=True) accepts and
 * produces the values Python would see (see py-value.ts for the mapping).
 *
 * Depth: CPython's C scanner recurses and raises RecursionError a little below 1000 nested
 * arrays/objects (≈995 from a fresh interpreter). This parser is iterative, so it cannot
 * overflow the stack; it rejects nesting deeper than `maxDepth` (default 1000) with a
 * JsonSyntaxError so that the serializers (which recurse) stay safe and such lines are reported
 * as malformed, which is also how a Python verifier would fail on them.
 *
 * Integers longer than 4300 digits are rejected, as CPython ≥ 3.11 does by default
 * (sys.int_info.default_max_str_digits): Python could neither read nor have written them.
 */
import type { PyObject, PyValue } from './py-value.js';

export const DEFAULT_MAX_DEPTH = 1000;
/** CPython's default limit on digits in an int parsed from text. */
export const PYTHON_INT_MAX_STR_DIGITS = 4300;

export class JsonSyntaxError extends Error {
  /** Python-style message without the position suffix, e.g. "Expecting ',' delimiter". */
  readonly reason: string;
  /** 0-based index into the input string (UTF-16 code units). */
  readonly position: number;
  /** 1-based line within the input. */
  readonly line: number;
  /** 1-based column within that line, counted in code points like Python's `colno`. */
  readonly column: number;

  constructor(reason: string, text: string, position: number) {
    const { line, column, charIndex } = locate(text, position);
    super(`${reason}: line ${line} column ${column} (char ${charIndex})`);
    this.name = 'JsonSyntaxError';
    this.reason = reason;
    this.position = position;
    this.line = line;
    this.column = column;
  }
}

/** Python reports positions in code points; JS strings index UTF-16 units. */
function locate(text: string, position: number): { line: number; column: number; charIndex: number } {
  let line = 1;
  let charIndex = 0;
  let lineStartChar = 0;
  for (let i = 0; i < position && i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xdc00 && unit <= 0xdfff && i > 0) {
      const prev = text.charCodeAt(i - 1);
      if (prev >= 0xd800 && prev <= 0xdbff) continue; // second half of a pair: same code point
    }
    charIndex++;
    if (unit === 0x0a) {
      line++;
      lineStartChar = charIndex;
    }
  }
  return { line, column: charIndex - lineStartChar + 1, charIndex };
}

export interface ParseResult {
  value: PyValue;
  /** Keys that occurred more than once in one object (in order of the repeat); the last value won. */
  duplicateKeys: string[];
}

export interface ParseOptions {
  maxDepth?: number;
}

interface ArrayFrame {
  list: PyValue[];
  obj: null;
  key: string;
}
interface ObjectFrame {
  list: null;
  obj: PyObject;
  key: string;
}
type Frame = ArrayFrame | ObjectFrame;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;

/** A run of string characters that need no attention (sticky: matches at lastIndex, possibly empty). */
const PLAIN_RUN = /[^"\\\u0000-\u001f]*/y;

function isDigit(unit: number): boolean {
  return unit >= 0x30 && unit <= 0x39;
}

function skipWhitespace(text: string, i: number): number {
  for (;;) {
    const unit = text.charCodeAt(i);
    if (unit === 0x20 || unit === 0x0a || unit === 0x0d || unit === 0x09) i++;
    else return i;
  }
}

function hexValue(unit: number): number {
  if (unit >= 0x30 && unit <= 0x39) return unit - 0x30;
  if (unit >= 0x61 && unit <= 0x66) return unit - 0x57;
  if (unit >= 0x41 && unit <= 0x46) return unit - 0x37;
  return -1;
}

/** Index just after the token last read by readString/readNumber (parsing is synchronous, never re-entered). */
let end = 0;

function fail(text: string, reason: string, position: number): never {
  throw new JsonSyntaxError(reason, text, position);
}

function readString(text: string, start: number): string {
  // `start` is the index of the opening quote.
  let i = start + 1;
  let chunkStart = i;
  let out = '';
  for (;;) {
    // Skip the run of ordinary characters natively; stop at a quote, backslash or control char.
    PLAIN_RUN.lastIndex = i;
    PLAIN_RUN.test(text);
    i = PLAIN_RUN.lastIndex;
    if (i >= text.length) fail(text, 'Unterminated string starting at', start);
    const unit = text.charCodeAt(i);
    if (unit === QUOTE) {
      end = i + 1;
      return out + text.slice(chunkStart, i);
    }
    if (unit === BACKSLASH) {
      out += text.slice(chunkStart, i);
      if (i + 1 >= text.length) fail(text, 'Unterminated string starting at', start);
      const esc = text.charCodeAt(i + 1);
      switch (esc) {
        case 0x22: out += '"'; break;
        case 0x5c: out += '\\'; break;
        case 0x2f: out += '/'; break;
        case 0x62: out += '\b'; break;
        case 0x66: out += '\f'; break;
        case 0x6e: out += '\n'; break;
        case 0x72: out += '\r'; break;
        case 0x74: out += '\t'; break;
        case 0x75: {
          // Like CPython, the four hex digits must be followed by at least one more character.
          if (i + 6 >= text.length) fail(text, 'Invalid \\uXXXX escape', i + 1);
          let code = 0;
          for (let k = 2; k < 6; k++) {
            const h = i + k < text.length ? hexValue(text.charCodeAt(i + k)) : -1;
            if (h < 0) fail(text, 'Invalid \\uXXXX escape', i + 1);
            code = code * 16 + h;
          }
          // Surrogate halves are kept as-is: an escaped pair becomes the same two UTF-16 units
          // Python joins into one code point, and a lone one stays lone, as in Python.
          out += String.fromCharCode(code);
          i += 4;
          break;
        }
        default:
          fail(text, 'Invalid \\escape', i);
      }
      i += 2;
      chunkStart = i;
      continue;
    }
    if (unit < 0x20) fail(text, 'Invalid control character at', i);
    i++;
  }
}

function readNumber(text: string, start: number): PyValue {
  let i = start;
  if (text.charCodeAt(i) === MINUS) i++;
  const first = text.charCodeAt(i);
  if (first === 0x30) i++;
  else if (first >= 0x31 && first <= 0x39) {
    i++;
    while (isDigit(text.charCodeAt(i))) i++;
  } else {
    return fail(text, 'Expecting value', start);
  }
  const intEnd = i;
  let isFloat = false;
  if (text.charCodeAt(i) === 0x2e && isDigit(text.charCodeAt(i + 1))) {
    i += 2;
    while (isDigit(text.charCodeAt(i))) i++;
    isFloat = true;
  }
  const e = text.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    let j = i + 1;
    const sign = text.charCodeAt(j);
    if (sign === 0x2b || sign === MINUS) j++;
    if (isDigit(text.charCodeAt(j))) {
      j++;
      while (isDigit(text.charCodeAt(j))) j++;
      i = j;
      isFloat = true;
    }
    // else: the 'e' is not part of the number (Python backtracks the same way).
  }
  end = i;
  const literal = text.slice(start, i);
  if (isFloat) return Number(literal); // both round correctly; 1e400 → Infinity like float()
  const digits = intEnd - start - (text.charCodeAt(start) === MINUS ? 1 : 0);
  if (digits > PYTHON_INT_MAX_STR_DIGITS) {
    fail(text, `Exceeds the limit (${PYTHON_INT_MAX_STR_DIGITS} digits) for integer string conversion: value has ${digits} digits`, start);
  }
  return digits <= 15 ? BigInt(Number(literal)) : BigInt(literal);
}

/** Parses `text` like CPython's `json.loads(text)`. Throws JsonSyntaxError on anything Python rejects. */
export function parsePyJson(text: string, options: ParseOptions = {}): ParseResult {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const duplicateKeys: string[] = [];
  if (text.charCodeAt(0) === 0xfeff) fail(text, 'Unexpected UTF-8 BOM (decode using utf-8-sig)', 0);

  const stack: Frame[] = [];
  let i = skipWhitespace(text, 0);
  let result: PyValue = null;

  parse: for (;;) {
    // Here a value must start at i.
    let value: PyValue;
    const unit = text.charCodeAt(i);
    if (unit === QUOTE) {
      value = readString(text, i);
      i = end;
    } else if (unit === OPEN_BRACE || unit === OPEN_BRACKET) {
      if (stack.length >= maxDepth) fail(text, `Nesting deeper than ${maxDepth} levels`, i);
      i = skipWhitespace(text, i + 1);
      if (unit === OPEN_BRACKET) {
        if (text.charCodeAt(i) === CLOSE_BRACKET) {
          value = [];
          i++;
        } else {
          stack.push({ list: [], obj: null, key: '' });
          continue parse;
        }
      } else if (text.charCodeAt(i) === CLOSE_BRACE) {
        value = new Map();
        i++;
      } else {
        if (text.charCodeAt(i) !== QUOTE) fail(text, 'Expecting property name enclosed in double quotes', i);
        const key = readString(text, i);
        i = skipWhitespace(text, end);
        if (text.charCodeAt(i) !== COLON) fail(text, "Expecting ':' delimiter", i);
        i = skipWhitespace(text, i + 1);
        stack.push({ list: null, obj: new Map(), key });
        continue parse;
      }
    } else if (unit === 0x6e && text.startsWith('null', i)) {
      value = null;
      i += 4;
    } else if (unit === 0x74 && text.startsWith('true', i)) {
      value = true;
      i += 4;
    } else if (unit === 0x66 && text.startsWith('false', i)) {
      value = false;
      i += 5;
    } else if (unit === 0x4e && text.startsWith('NaN', i)) {
      value = NaN;
      i += 3;
    } else if (unit === 0x49 && text.startsWith('Infinity', i)) {
      value = Infinity;
      i += 8;
    } else if (unit === MINUS && text.startsWith('-Infinity', i)) {
      value = -Infinity;
      i += 9;
    } else {
      value = readNumber(text, i);
      i = end;
    }

    // A value is complete: attach it to its container, closing containers as they end.
    for (;;) {
      const frame = stack[stack.length - 1];
      if (frame === undefined) {
        result = value;
        break parse;
      }
      i = skipWhitespace(text, i);
      const next = text.charCodeAt(i);
      if (frame.list !== null) {
        frame.list.push(value);
        if (next === COMMA) {
          i = skipWhitespace(text, i + 1);
          continue parse;
        }
        if (next !== CLOSE_BRACKET) fail(text, "Expecting ',' delimiter", i);
        value = frame.list;
      } else {
        if (frame.obj.has(frame.key)) duplicateKeys.push(frame.key);
        frame.obj.set(frame.key, value);
        if (next === COMMA) {
          i = skipWhitespace(text, i + 1);
          if (text.charCodeAt(i) !== QUOTE) fail(text, 'Expecting property name enclosed in double quotes', i);
          frame.key = readString(text, i);
          i = skipWhitespace(text, end);
          if (text.charCodeAt(i) !== COLON) fail(text, "Expecting ':' delimiter", i);
          i = skipWhitespace(text, i + 1);
          continue parse;
        }
        if (next !== CLOSE_BRACE) fail(text, "Expecting ',' delimiter", i);
        value = frame.obj;
      }
      stack.pop();
      i++;
    }
  }

  i = skipWhitespace(text, i);
  if (i !== text.length) fail(text, 'Extra data', i);
  return { value: result, duplicateKeys };
}
