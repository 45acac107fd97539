/**
 * Reads typed values out of one parsed log line and keeps a list of what did not fit, so every
 * format normalizer reports type problems the same way ("success: expected true/false, found 'yes'").
 * A missing field is not a problem here: missing attribution is data the analyses count, not noise.
 */
import type { PyValue } from '../../json/py-value.js';
import { pythonDumps } from '../../json/python-dumps.js';
import { pythonStr } from '../../json/python-str.js';
import { getAtPath } from '../field-path.js';
import { parseTimestamp } from '../../time/parse-timestamp.js';

/**
 * Values writers put where they had nothing to record: the lesson's loggers default to "unknown"
 * and "unspecified", selectools KEYS_ONLY writes "<redacted>". They mean "not attributed".
 */
const PLACEHOLDERS = new Set(['', 'unknown', 'unspecified', 'none', 'null', 'n/a', '<redacted>', '***redacted***']);

export function isPlaceholder(text: string): boolean {
  return PLACEHOLDERS.has(text.trim().toLowerCase());
}

export interface TimeReading {
  timeMs: number | null;
  timeRaw: string | null;
  timeAssumedUtc: boolean;
  error: string | null;
}

export class FieldReader {
  constructor(
    readonly root: PyValue,
    readonly problems: string[] = [],
  ) {}

  /** A reader of another value that reports into the same problem list. */
  withRoot(root: PyValue): FieldReader {
    return new FieldReader(root, this.problems);
  }

  /** The raw value at the first of `paths` that is present (not undefined, not null). */
  first(paths: readonly string[]): { path: string; value: PyValue } | undefined {
    for (const path of paths) {
      const value = getAtPath(this.root, path);
      if (value !== undefined && value !== null) return { path, value };
    }
    return undefined;
  }

  /**
   * An identifier or label (user, patient, role, tool, purpose…) as text. Python ints and floats
   * become their `str()`, as the writers' hashing does; placeholders become null.
   */
  label(...paths: string[]): string | null {
    const found = this.first(paths);
    if (!found) return null;
    const { path, value } = found;
    if (typeof value === 'string') return isPlaceholder(value) ? null : value;
    if (typeof value === 'bigint' || typeof value === 'number') return pythonStr(value);
    this.problems.push(`${path}: expected text, found ${describeValue(value)}`);
    return null;
  }

  /** Free text such as an error message: any scalar as its str(), objects as JSON. */
  text(...paths: string[]): string | null {
    const found = this.first(paths);
    if (!found) return null;
    return typeof found.value === 'string' ? found.value : renderText(found.value);
  }

  number(...paths: string[]): number | null {
    const found = this.first(paths);
    if (!found) return null;
    const { path, value } = found;
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (typeof value === 'bigint') return Number(value);
    if (typeof value === 'string' && /^-?\d+(?:\.\d+)?$/.test(value.trim())) return Number(value);
    this.problems.push(`${path}: expected a number, found ${describeValue(value)}`);
    return null;
  }

  integer(...paths: string[]): number | null {
    const found = this.first(paths);
    if (!found) return null;
    const { path, value } = found;
    if (typeof value === 'bigint') return Number(value);
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
    this.problems.push(`${path}: expected a whole number, found ${describeValue(value)}`);
    return null;
  }

  boolean(...paths: string[]): boolean | null {
    const found = this.first(paths);
    if (!found) return null;
    const { path, value } = found;
    if (typeof value === 'boolean') return value;
    this.problems.push(`${path}: expected true or false, found ${describeValue(value)}`);
    return null;
  }

  /** Objects and lists rendered as JSON text (raw Unicode, for search); absent → null. */
  json(...paths: string[]): string | null {
    const found = this.first(paths);
    return found ? renderText(found.value) : null;
  }

  time(path: string): TimeReading {
    const value = getAtPath(this.root, path);
    if (value === undefined || value === null) {
      return { timeMs: null, timeRaw: null, timeAssumedUtc: false, error: `no "${path}" field` };
    }
    const timeRaw = typeof value === 'string' ? value : renderText(value);
    const parsed = parseTimestamp(value);
    if ('error' in parsed) return { timeMs: null, timeRaw, timeAssumedUtc: false, error: `${path}: ${parsed.error}` };
    return { timeMs: parsed.ms, timeRaw, timeAssumedUtc: parsed.naive, error: null };
  }
}

/** JSON with raw Unicode (ensure_ascii=False) in the writer's key order: readable and searchable. */
export function renderText(value: PyValue): string {
  return typeof value === 'string' ? value : pythonDumps(value, { ensureAscii: false });
}

export function describeValue(value: PyValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 37)}...` : value}"`;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint' || typeof value === 'number') return pythonStr(value);
  return Array.isArray(value) ? 'a list' : 'an object';
}
