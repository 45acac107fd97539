import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { timestampMs } from '../../main/core/time/parse-timestamp.js';
import { TimestampCache } from '../../main/core/verify/timestamp-cache.js';

const two = (n: number): string => String(n).padStart(2, '0');
// Mostly the same date (the cached case), with every hour, fraction length and offset style.
const timestampArb = fc
  .record({
    day: fc.constantFrom('2026-07-13', '2026-07-14', '2024-02-29', '2026-13-01'),
    hour: fc.oneof(fc.constantFrom(0, 9, 23, 24), fc.integer({ min: 0, max: 25 })),
    minute: fc.integer({ min: 0, max: 61 }),
    second: fc.integer({ min: 0, max: 61 }),
    fraction: fc.oneof(fc.constant(''), fc.stringMatching(/^[0-9]{1,9}$/).map((f) => `.${f}`), fc.constant('.')),
    offset: fc.constantFrom('', 'Z', '+00:00', '-05:30', '+05:45:30.5', 'x'),
    sep: fc.constantFrom('T', 'T', 'T', ' '),
  })
  .map((t) => `${t.day}${t.sep}${two(t.hour)}:${two(t.minute)}:${two(t.second)}${t.fraction}${t.offset}`);

describe('TimestampCache', () => {
  it('gives exactly what the full parser gives, line after line', () => {
    fc.assert(
      fc.property(fc.array(timestampArb, { minLength: 1, maxLength: 40 }), (stamps) => {
        const cache = new TimestampCache();
        for (const stamp of stamps) expect(cache.ms(stamp), stamp).toBe(timestampMs(stamp));
      }),
      { numRuns: 500 },
    );
  });

  it('passes non-string and missing values to the full parser', () => {
    const cache = new TimestampCache();
    expect(cache.ms(undefined)).toBeNull();
    expect(cache.ms(1_700_000_000n)).toBe(timestampMs(1_700_000_000n));
    expect(cache.ms('2026-07-13T10:00:00+00:00')).toBe(Date.UTC(2026, 6, 13, 10));
    expect(cache.ms('2026-07-13T10:59:59.999+00:00')).toBe(Date.UTC(2026, 6, 13, 10, 59, 59, 999));
  });
});
