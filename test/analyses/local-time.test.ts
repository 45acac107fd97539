/** Wall-clock conversion in the organization's zone, checked instant by instant against CPython's zoneinfo. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { LocalClock, isTimeZone } from '../../main/core/analyses/local-time.js';

const ZONES = ['America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham', 'America/St_Johns', 'UTC'];
const MIN = 60_000;

/** Instants around every 2026 transition of the zones, plus a spread over the year. */
function instants(): number[] {
  const out: number[] = [];
  const start = Date.parse('2026-01-01T00:00:00Z');
  for (let t = start; t < start + 366 * 86_400_000; t += 7 * 3_600_000 + 13 * MIN) out.push(t);
  for (const iso of ['2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z', '2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z', '2026-04-04T15:00:00Z', '2026-10-03T15:30:00Z', '2026-04-04T14:00:00Z', '2026-09-26T14:00:00Z']) {
    const t = Date.parse(iso);
    for (const d of [-61, -1, 0, 1, 29, 30, 31, 59, 60, 61]) out.push(t + d * MIN, t + d * MIN - 1);
  }
  return out;
}

describe('LocalClock', () => {
  it('agrees with zoneinfo on local date, time and weekday around every transition', () => {
    const times = instants();
    const script = [
      'import sys, json',
      'from datetime import datetime, timezone',
      'from zoneinfo import ZoneInfo',
      'zones, times = json.loads(sys.stdin.read())',
      'out = {}',
      'for z in zones:',
      '  tz = ZoneInfo(z)',
      '  out[z] = [ (lambda d: [d.strftime("%Y-%m-%d"), d.hour, d.minute, (d.weekday() + 1) % 7])(datetime.fromtimestamp(t / 1000, timezone.utc).astimezone(tz)) for t in times ]',
      'print(json.dumps(out))',
    ].join('\n');
    const expected = JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify([ZONES, times]), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })) as Record<string, Array<[string, number, number, number]>>;
    for (const zone of ZONES) {
      const clock = LocalClock.for(zone);
      const got = times.map((t) => {
        const p = clock.parts(t);
        return [p.dayKey, p.hour, p.minute, p.weekday];
      });
      expect(got, zone).toEqual(expected[zone]);
    }
  });

  it('names the spring-forward and fall-back hours in New York correctly', () => {
    const ny = LocalClock.for('America/New_York');
    const at = (iso: string) => {
      const p = ny.parts(Date.parse(iso));
      return `${p.dayKey} ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
    };
    expect(at('2026-03-08T06:59:00Z')).toBe('2026-03-08 01:59');
    expect(at('2026-03-08T07:00:00Z')).toBe('2026-03-08 03:00');
    expect(at('2026-11-01T05:59:00Z')).toBe('2026-11-01 01:59');
    expect(at('2026-11-01T06:00:00Z')).toBe('2026-11-01 01:00');
  });

  it('accepts IANA zones and rejects anything else', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(() => LocalClock.for('Nowhere/Special')).toThrow(/not an IANA time zone/);
  });
});
