/**
 * Reads a top-level string field out of canonical python-json bytes (`json.dumps(…, sort_keys=True)`,
 * ensure_ascii) without parsing the whole line: the fast path's way to get an entry's link and time.
 *
 * Canonical bytes are regular: members are written `"key": value` with `, ` between them, and
 * inside strings every `"` is escaped. The last occurrence of `"key": ` is the top-level member
 * exactly when the bytes after its value close one level and no more; anything less certain
 * returns UNSURE and the caller parses the line properly.
 */

export const UNSURE = Symbol('unsure');

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const patterns = new Map<string, Buffer>();
function patternFor(key: string): Buffer {
  let pattern = patterns.get(key);
  if (!pattern) {
    pattern = Buffer.from(`${JSON.stringify(key)}: `, 'utf8');
    patterns.set(key, pattern);
  }
  return pattern;
}

/** A byte loop: cheaper than a native compare call for a short pattern. */
function startsAt(bytes: Buffer, pattern: Buffer, at: number): boolean {
  for (let k = 0; k < pattern.length; k++) if (bytes[at + k] !== pattern[k]) return false;
  return true;
}

/** End (exclusive) of the JSON string starting at `start` (a quote), or -1. */
function stringEnd(bytes: Buffer, start: number): number {
  for (let i = start + 1; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === BACKSLASH) i++;
    else if (b === QUOTE) return i + 1;
  }
  return -1;
}

/** True when the bytes from `from` to the end close exactly the top-level object, i.e. `from` is at depth 1. */
function closesTopLevel(bytes: Buffer, from: number): boolean {
  let depth = 0;
  for (let i = from; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === QUOTE) {
      const end = stringEnd(bytes, i);
      if (end < 0) return false;
      i = end - 1;
    } else if (b === 0x7b || b === 0x5b) depth++;
    else if (b === 0x7d || b === 0x5d) {
      depth--;
      if (depth < 0) return i === bytes.length - 1;
    }
  }
  return false;
}

/**
 * The string value of top-level `key` in canonical bytes: the string, null when the key is absent
 * at every level, or UNSURE (not a plain string, or not provably top-level).
 */
export function canonicalTopLevelString(canonical: Buffer, key: string): string | null | typeof UNSURE {
  const pattern = patternFor(key);
  // The common case for early-sorting keys: the object's first member.
  let at = canonical.length > pattern.length + 1 && canonical[0] === 0x7b && startsAt(canonical, pattern, 1) ? 1 : -1;
  const first = at === 1;
  if (!first) {
    at = canonical.lastIndexOf(pattern);
    if (at === -1) return canonical.indexOf(pattern.subarray(0, pattern.length - 1)) === -1 ? null : UNSURE;
  }
  const valueStart = at + pattern.length;
  if (canonical[valueStart] !== QUOTE) return UNSURE;
  const valueEnd = stringEnd(canonical, valueStart);
  if (valueEnd < 0) return UNSURE;
  if (!first && !closesTopLevel(canonical, valueEnd)) return UNSURE;
  const body = canonical.toString('latin1', valueStart + 1, valueEnd - 1);
  return body.includes('\\') ? (JSON.parse(`"${body}"`) as string) : body;
}
