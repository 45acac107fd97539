/**
 * Reads the timestamps our formats write into UTC epoch milliseconds.
 *
 * Strings: what Python's `datetime.isoformat()` produces and `datetime.fromisoformat()` reads
 * back (Python 3.11+), which covers FHIR instants too:
 *   2025-07-06T14:23:01.456789+00:00   2025-07-06T14:23:01Z   2025-07-06 14:23:01+02:00
 *   2025-07-06T14:23 (naive)           2025-07-06 (date only) 2025-07-06T14:23:01,5-0530
 * Fractions of a second are truncated to whole milliseconds (456.789 ms → 456), like Python's
 * `isoformat(timespec='milliseconds')`: truncation never moves an entry into the next second,
 * hour or day, which matters for daily files and after-hours rules.
 * A timestamp without an offset is read as UTC and flagged `naive`: the writer's zone is unknown.
 *
 * Numbers (and strings of only digits, with an optional fraction) are Unix epoch times; the unit
 * is decided by magnitude, because no writer of interest logs dates before 1973 or after 5138:
 *   |x| < 1e11  seconds      (1e11 s is the year 5138)
 *   |x| < 1e14  milliseconds (1e11 ms is March 1973)
 *   |x| < 1e17  microseconds
 *   otherwise   nanoseconds
 */

export interface ParsedTimestamp {
  ms: number;
  /** No UTC offset was written: the time was read as UTC. */
  naive: boolean;
  /** Only a date was written: the time is midnight (UTC). */
  dateOnly: boolean;
  /** The value was a Unix epoch number, in this unit. */
  epochUnit?: 's' | 'ms' | 'us' | 'ns';
}

export type TimestampResult = ParsedTimestamp | { error: string };

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d{1,9}))?)?)?)?(?:([Zz])|([+-])(\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d{1,6}))?)?)?$/;
const EPOCH_STRING_PATTERN = /^-?\d+(?:\.\d+)?$/;
// Python's datetime range: year 1 through 9999.
const MIN_MS = Date.UTC(1, 0, 1) - 86_400_000;
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999) + 86_400_000;

export function parseTimestamp(raw: unknown): TimestampResult {
  if (raw === null || raw === undefined) return { error: 'no timestamp' };
  if (typeof raw === 'bigint') return fromEpoch(Number(raw));
  if (typeof raw === 'number') return fromEpoch(raw);
  if (typeof raw !== 'string') return { error: `timestamp is a ${describe(raw)}, not a date or number` };
  const text = raw.trim();
  if (text === '') return { error: 'timestamp is empty' };
  if (EPOCH_STRING_PATTERN.test(text)) return fromEpoch(Number(text));
  return fromIso(text, raw);
}

/** The parsed time in milliseconds, or null when unparseable. */
export function timestampMs(raw: unknown): number | null {
  const parsed = parseTimestamp(raw);
  return 'ms' in parsed ? parsed.ms : null;
}

function fromEpoch(value: number): TimestampResult {
  if (!Number.isFinite(value)) return { error: `epoch time ${String(value)} is not a finite number` };
  const magnitude = Math.abs(value);
  let ms: number;
  let epochUnit: ParsedTimestamp['epochUnit'];
  if (magnitude < 1e11) [ms, epochUnit] = [value * 1000, 's'];
  else if (magnitude < 1e14) [ms, epochUnit] = [value, 'ms'];
  else if (magnitude < 1e17) [ms, epochUnit] = [value / 1000, 'us'];
  else [ms, epochUnit] = [value / 1e6, 'ns'];
  ms = Math.floor(ms);
  if (ms < MIN_MS || ms > MAX_MS) return { error: `epoch time ${String(value)} is outside the years 1–9999` };
  return { ms, naive: false, dateOnly: false, epochUnit };
}

function fromIso(text: string, raw: string): TimestampResult {
  const match = ISO_PATTERN.exec(text);
  if (!match) return { error: `"${clip(raw)}" is not an ISO 8601 date-time or epoch number` };
  const [, y, mo, d, h, mi, s, frac, zulu, sign, oh, om, os, ofrac] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (year < 1) return { error: `"${clip(raw)}": year 0 does not exist` };
  if (month < 1 || month > 12) return { error: `"${clip(raw)}": month ${month} is out of range` };
  if (day < 1 || day > daysInMonth(year, month)) return { error: `"${clip(raw)}": day ${day} does not exist in ${y}-${mo}` };
  if (hour > 23) return { error: `"${clip(raw)}": hour ${hour} is out of range` };
  if (minute > 59) return { error: `"${clip(raw)}": minute ${minute} is out of range` };
  if (second > 59) return { error: `"${clip(raw)}": second ${second} is out of range (leap seconds are not representable)` };
  if (h === undefined && (zulu !== undefined || sign !== undefined)) {
    return { error: `"${clip(raw)}": a UTC offset needs a time of day` };
  }
  const millis = frac === undefined ? 0 : Number(frac.padEnd(3, '0').slice(0, 3));
  let offsetMs = 0;
  if (sign !== undefined) {
    const offHours = Number(oh);
    const offMinutes = Number(om);
    const offSeconds = os === undefined ? 0 : Number(os);
    if (offHours > 23 || offMinutes > 59 || offSeconds > 59) return { error: `"${clip(raw)}": UTC offset is out of range` };
    const offMicros = ofrac === undefined ? 0 : Number(ofrac.padEnd(6, '0'));
    offsetMs = (sign === '-' ? -1 : 1) * (((offHours * 60 + offMinutes) * 60 + offSeconds) * 1000 + offMicros / 1000);
  }
  const ms = Math.floor(utcMillis(year, month, day, hour, minute, second, millis) - offsetMs);
  return { ms, naive: zulu === undefined && sign === undefined, dateOnly: h === undefined };
}

function utcMillis(year: number, month: number, day: number, hour: number, minute: number, second: number, millis: number): number {
  if (year >= 100) return Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, millis));
  date.setUTCFullYear(year);
  return date.getTime();
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (value instanceof Map || typeof value === 'object') return 'JSON object';
  return typeof value;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
