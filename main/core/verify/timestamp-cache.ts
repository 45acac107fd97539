/**
 * Entry times for ordering checks, fast: consecutive log timestamps share their date and UTC
 * offset, so once one of them is parsed in full (parseTimestamp), the next ones of the same day only
 * need their hours, minutes, seconds and milliseconds read — the same arithmetic (offsets are
 * written out, and a time without one is UTC, so a day has no jumps), without a regular expression
 * per line. Anything unusual goes to the full parser.
 */
import type { PyValue } from '../json/py-value.js';
import { timestampMs } from '../time/parse-timestamp.js';

const ZERO = 0x30;

function digit(s: string, i: number): number {
  const d = s.charCodeAt(i) - ZERO;
  return d >= 0 && d <= 9 ? d : -1;
}

/** Set by withinDay: where the fraction of seconds ends. */
let withinEnd = 0;

/**
 * Milliseconds into the day of "YYYY-MM-DDTHH:MM:SS[.fff…]" (index 11 on), or -1 if not that
 * shape; `withinEnd` is then where the fraction ends.
 */
function withinDay(s: string): number {
  if (s.charCodeAt(13) !== 0x3a || s.charCodeAt(16) !== 0x3a) return -1;
  const h1 = digit(s, 11);
  const h2 = digit(s, 12);
  const m1 = digit(s, 14);
  const m2 = digit(s, 15);
  const s1 = digit(s, 17);
  const s2 = digit(s, 18);
  if (h1 < 0 || h2 < 0 || m1 < 0 || m2 < 0 || s1 < 0 || s2 < 0) return -1;
  const hours = h1 * 10 + h2;
  const minutes = m1 * 10 + m2;
  const seconds = s1 * 10 + s2;
  if (hours > 23 || minutes > 59 || seconds > 59) return -1;
  let millis = 0;
  let end = 19;
  if (s.charCodeAt(19) === 0x2e) {
    end = 20;
    while (end < s.length && digit(s, end) >= 0) {
      if (end < 23) millis = millis * 10 + digit(s, end);
      end++;
    }
    if (end === 20) return -1;
    for (let k = Math.min(end, 23); k < 23; k++) millis *= 10; // ".5" is 500 ms
  }
  withinEnd = end;
  return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
}

export class TimestampCache {
  private prefix = '';
  private suffix = '';
  private length = -1;
  private dayBaseMs = 0;

  /** UTC epoch ms of a timestamp value, or null when it has none (as timestampMs). */
  ms(raw: PyValue | undefined): number | null {
    if (typeof raw === 'string' && raw.length === this.length && raw.startsWith(this.prefix) && raw.endsWith(this.suffix)) {
      const within = withinDay(raw);
      if (within >= 0 && raw.length - withinEnd === this.suffix.length) return this.dayBaseMs + within;
    }
    const ms = timestampMs(raw);
    if (ms !== null && typeof raw === 'string' && raw.length >= 19 && raw.charCodeAt(10) === 0x54) {
      const within = withinDay(raw);
      if (within >= 0) {
        this.prefix = raw.slice(0, 11);
        this.suffix = raw.slice(withinEnd);
        this.length = raw.length;
        this.dayBaseMs = ms - within;
      }
    }
    return ms;
  }
}
