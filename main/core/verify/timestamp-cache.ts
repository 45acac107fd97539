/**
 * Entry times for ordering checks, fast: consecutive log timestamps share their date, hour and
 * UTC offset, so once one of them is parsed in full (parseTimestamp), the next ones in the same
 * hour only need their minutes, seconds and milliseconds read — the same arithmetic, without a
 * regular expression per line. Anything unusual goes to the full parser.
 */
import type { PyValue } from '../json/py-value.js';
import { timestampMs } from '../time/parse-timestamp.js';

const ZERO = 0x30;

function digit(s: string, i: number): number {
  const d = s.charCodeAt(i) - ZERO;
  return d >= 0 && d <= 9 ? d : -1;
}

/** Milliseconds into the hour of "YYYY-MM-DDTHH:MM:SS[.fff…]" (index 14 on), and where the fraction ends; null if not that shape. */
function withinHour(s: string): { ms: number; end: number } | null {
  if (s.charCodeAt(13) !== 0x3a || s.charCodeAt(16) !== 0x3a) return null;
  const m1 = digit(s, 14);
  const m2 = digit(s, 15);
  const s1 = digit(s, 17);
  const s2 = digit(s, 18);
  if (m1 < 0 || m2 < 0 || s1 < 0 || s2 < 0) return null;
  const minutes = m1 * 10 + m2;
  const seconds = s1 * 10 + s2;
  if (minutes > 59 || seconds > 59) return null;
  let millis = 0;
  let end = 19;
  if (s.charCodeAt(19) === 0x2e) {
    end = 20;
    while (end < s.length && digit(s, end) >= 0) {
      if (end < 23) millis = millis * 10 + digit(s, end);
      end++;
    }
    if (end === 20) return null;
    for (let k = Math.min(end, 23); k < 23; k++) millis *= 10; // ".5" is 500 ms
  }
  return { ms: (minutes * 60 + seconds) * 1000 + millis, end };
}

export class TimestampCache {
  private prefix = '';
  private suffix = '';
  private length = -1;
  private hourBaseMs = 0;

  /** UTC epoch ms of a timestamp value, or null when it has none (as timestampMs). */
  ms(raw: PyValue | undefined): number | null {
    if (typeof raw === 'string' && raw.length === this.length && raw.startsWith(this.prefix) && raw.endsWith(this.suffix)) {
      const within = withinHour(raw);
      if (within && raw.length - within.end === this.suffix.length) return this.hourBaseMs + within.ms;
    }
    const ms = timestampMs(raw);
    if (ms !== null && typeof raw === 'string' && raw.length >= 19 && raw.charCodeAt(10) === 0x54) {
      const within = withinHour(raw);
      if (within) {
        this.prefix = raw.slice(0, 14);
        this.suffix = raw.slice(within.end);
        this.length = raw.length;
        this.hourBaseMs = ms - within.ms;
      }
    }
    return ms;
  }
}
