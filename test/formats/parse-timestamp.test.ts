import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTimestamp, type ParsedTimestamp } from '../../main/core/time/parse-timestamp.js';

function ok(raw: unknown): ParsedTimestamp {
  const result = parseTimestamp(raw);
  if ('error' in result) throw new Error(`expected ${String(raw)} to parse, got: ${result.error}`);
  return result;
}

function errorOf(raw: unknown): string {
  const result = parseTimestamp(raw);
  if (!('error' in result)) throw new Error(`expected ${String(raw)} to be rejected, got ${result.ms}`);
  return result.error;
}

/** What CPython 3.11's datetime.fromisoformat makes of each string, as UTC epoch ms (naive read as UTC), or null. */
function pythonMillis(strings: string[]): Array<number | null> {
  const script = `
import json, sys
from datetime import datetime, timezone, timedelta
out = []
for s in json.load(sys.stdin):
    try:
        dt = datetime.fromisoformat(s)
    except ValueError:
        out.append(None); continue
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    out.append((dt - datetime(1970, 1, 1, tzinfo=timezone.utc)) // timedelta(milliseconds=1))
print(json.dumps(out))`;
  return JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(strings) }).toString()) as Array<number | null>;
}

describe('parseTimestamp: Python isoformat output', () => {
  it('reads the lesson example with microseconds and +00:00', () => {
    const parsed = ok('2025-07-06T14:23:01.456789+00:00');
    expect(parsed.ms).toBe(Date.UTC(2025, 6, 6, 14, 23, 1, 456));
    expect(parsed.naive).toBe(false);
  });

  it('truncates microseconds to the millisecond, never rounding into the next second or day', () => {
    expect(ok('2025-07-06T14:23:01.456999+00:00').ms).toBe(Date.UTC(2025, 6, 6, 14, 23, 1, 456));
    expect(ok('2025-12-31T23:59:59.999999+00:00').ms).toBe(Date.UTC(2025, 11, 31, 23, 59, 59, 999));
    expect(ok('2025-07-06T14:23:01.4+00:00').ms).toBe(Date.UTC(2025, 6, 6, 14, 23, 1, 400));
  });

  it('reads whole seconds (isoformat drops a zero fraction), Z, and other offsets', () => {
    expect(ok('2026-07-13T09:59:28+00:00').ms).toBe(Date.UTC(2026, 6, 13, 9, 59, 28));
    expect(ok('2025-07-06T14:23:01.456Z').ms).toBe(Date.UTC(2025, 6, 6, 14, 23, 1, 456));
    expect(ok('2025-07-06T16:23:01+02:00').ms).toBe(Date.UTC(2025, 6, 6, 14, 23, 1));
    expect(ok('2025-07-06T08:53:01-05:30').ms).toBe(Date.UTC(2025, 6, 6, 14, 23, 1));
    expect(ok('2025-07-06T14:23:01+0000').ms).toBe(Date.UTC(2025, 6, 6, 14, 23, 1));
  });

  it('crosses the date line with an offset', () => {
    expect(ok('2025-01-01T01:00:00+02:00').ms).toBe(Date.UTC(2024, 11, 31, 23, 0, 0));
  });

  it('reads naive times as UTC and says so', () => {
    const parsed = ok('2025-07-06T14:23:01.456789');
    expect(parsed.ms).toBe(Date.UTC(2025, 6, 6, 14, 23, 1, 456));
    expect(parsed.naive).toBe(true);
    expect(parsed.dateOnly).toBe(false);
  });

  it('reads date-only values as midnight UTC, flagged', () => {
    const parsed = ok('2025-07-06');
    expect(parsed.ms).toBe(Date.UTC(2025, 6, 6));
    expect(parsed.dateOnly).toBe(true);
    expect(parsed.naive).toBe(true);
  });

  it('accepts a space separator, as str(datetime) writes it', () => {
    expect(ok('2025-07-06 14:23:01.456789+00:00').ms).toBe(Date.UTC(2025, 6, 6, 14, 23, 1, 456));
  });

  it('handles leap days and years before 1970', () => {
    expect(ok('2024-02-29T12:00:00+00:00').ms).toBe(Date.UTC(2024, 1, 29, 12));
    expect(errorOf('2025-02-29T12:00:00+00:00')).toMatch(/day 29 does not exist/);
    expect(ok('1969-12-31T23:59:59.999+00:00').ms).toBe(-1);
    // Date.UTC would read year 99 as 1999; the parser must not.
    expect(new Date(ok('0099-03-01T00:00:00+00:00').ms).toISOString()).toBe('0099-03-01T00:00:00.000Z');
  });

  it('rejects what is not a date, with a reason', () => {
    expect(errorOf('yesterday')).toMatch(/not an ISO 8601/);
    expect(errorOf('2025-13-01T00:00:00')).toMatch(/month 13/);
    expect(errorOf('2025-07-06T24:00:00')).toMatch(/hour 24/);
    expect(errorOf('2025-07-06T23:59:60+00:00')).toMatch(/leap seconds/);
    expect(errorOf('2025-07-06T14:23:01+24:00')).toMatch(/offset/);
    expect(errorOf('')).toMatch(/empty/);
    expect(errorOf(null)).toMatch(/no timestamp/);
    expect(errorOf(true)).toMatch(/boolean/);
    expect(errorOf(new Map())).toMatch(/object/);
  });

  it('agrees with CPython datetime.fromisoformat on a corpus of valid and invalid strings', () => {
    const corpus = [
      '2025-07-06T14:23:01.456789+00:00',
      '2025-07-06T14:23:01+00:00',
      '2025-07-06T14:23:01.456+05:30',
      '2025-07-06T14:23:01-08:00',
      '2025-07-06T14:23:01.1234567',
      '2025-07-06T14:23:01,5',
      '2025-07-06T14',
      '2025-07-06T14:23',
      '2025-07-06T1423',
      '2025-07-06 14:23:01Z',
      '2025-07-06T14:23:01+05:30:15.5',
      '2025-07-06',
      '0001-01-01T00:00:00+00:00',
      '9999-12-31T23:59:59.999999+00:00',
      '2024-02-29T00:00:00',
      '2023-02-29T00:00:00',
      '2025-07-06T24:00:00',
      '2025-07-06T14:60:00',
      '2025-00-10',
      '2025-07-06Z',
      'not a date',
      '2025/07/06 14:23:01',
    ];
    const expected = pythonMillis(corpus);
    corpus.forEach((text, i) => {
      const result = parseTimestamp(text);
      expect({ text, ms: 'ms' in result ? result.ms : null }).toEqual({ text, ms: expected[i] });
    });
  });

  it('agrees with CPython on random isoformat() outputs (property-based)', () => {
    const pad = (n: number, w: number) => String(Math.abs(n)).padStart(w, '0');
    const arbitrary = fc.record({
      year: fc.integer({ min: 1, max: 9999 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
      hour: fc.integer({ min: 0, max: 23 }),
      minute: fc.integer({ min: 0, max: 59 }),
      second: fc.integer({ min: 0, max: 59 }),
      micros: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 999_999 })),
      offsetMinutes: fc.oneof(fc.constant(null), fc.constant(0), fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 })),
      separator: fc.constantFrom('T', ' '),
    });
    const samples = fc.sample(arbitrary, { numRuns: 400, seed: 20260713 }).map((t) => {
      let text = `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}${t.separator}${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}`;
      if (t.micros !== 0) text += `.${pad(t.micros, 6)}`;
      if (t.offsetMinutes !== null) {
        text += `${t.offsetMinutes < 0 ? '-' : '+'}${pad(Math.trunc(t.offsetMinutes / 60), 2)}:${pad(t.offsetMinutes % 60, 2)}`;
      }
      return text;
    });
    const expected = pythonMillis(samples);
    const mismatches = samples.filter((text, i) => {
      const result = parseTimestamp(text);
      return ('ms' in result ? result.ms : null) !== expected[i];
    });
    expect(mismatches).toEqual([]);
  });
});

describe('parseTimestamp: epoch numbers, unit decided by magnitude', () => {
  const instant = Date.UTC(2025, 6, 6, 14, 23, 1, 456);

  it('reads seconds (with a fraction), milliseconds, microseconds and nanoseconds', () => {
    expect(ok(instant / 1000)).toMatchObject({ ms: instant, epochUnit: 's' });
    expect(ok(BigInt(Math.floor(instant / 1000)))).toMatchObject({ ms: instant - 456, epochUnit: 's' });
    expect(ok(instant)).toMatchObject({ ms: instant, epochUnit: 'ms' });
    expect(ok(BigInt(instant) * 1000n + 789n)).toMatchObject({ ms: instant, epochUnit: 'us' });
    expect(ok(BigInt(instant) * 1_000_000n)).toMatchObject({ ms: instant, epochUnit: 'ns' });
  });

  it('reads numeric strings as epoch times too', () => {
    expect(ok('1751811781.456')).toMatchObject({ ms: instant, epochUnit: 's' });
    expect(ok(String(instant))).toMatchObject({ ms: instant, epochUnit: 'ms' });
  });

  it('draws the seconds/milliseconds line at 1e11', () => {
    expect(ok(99_999_999_999).epochUnit).toBe('s');
    expect(ok(100_000_000_000).epochUnit).toBe('ms');
    expect(ok(0).ms).toBe(0);
  });

  it('rejects NaN and infinities', () => {
    expect(errorOf(Number.NaN)).toMatch(/not a finite number/);
    expect(errorOf(Number.POSITIVE_INFINITY)).toMatch(/not a finite number/);
  });
});
