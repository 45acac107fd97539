/**
 * Wall-clock time in the organization's IANA time zone, DST-correct. Offsets come from
 * Intl.DateTimeFormat; since every zone changes offset on a quarter-hour boundary, one lookup per
 * UTC quarter hour is cached, which keeps million-entry passes fast.
 */
export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** YYYY-MM-DD. */
  dayKey: string;
  /** Minutes since local midnight. */
  minuteOfDay: number;
}

const QUARTER_HOUR = 15 * 60 * 1000;

export function assertTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new RangeError(`"${timeZone}" is not an IANA time zone this system knows (e.g. "America/New_York", "Europe/Berlin", "UTC").`);
  }
}

export function isTimeZone(timeZone: string): boolean {
  try {
    assertTimeZone(timeZone);
    return true;
  } catch {
    return false;
  }
}

const clocks = new Map<string, LocalClock>();

export class LocalClock {
  /** One shared clock per zone: building an Intl.DateTimeFormat costs about a millisecond. */
  static for(timeZone: string): LocalClock {
    let clock = clocks.get(timeZone);
    if (!clock) {
      clock = new LocalClock(timeZone);
      clocks.set(timeZone, clock);
    }
    return clock;
  }

  private readonly format: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();

  constructor(readonly timeZone: string) {
    assertTimeZone(timeZone);
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  }

  /** Offset of local time from UTC in milliseconds at this instant. */
  offsetMs(utcMs: number): number {
    const bucket = Math.floor(utcMs / QUARTER_HOUR);
    let offset = this.offsets.get(bucket);
    if (offset === undefined) {
      const at = bucket * QUARTER_HOUR;
      const parts: Record<string, number> = {};
      for (const p of this.format.formatToParts(new Date(at))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
      const asUtc = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
      offset = asUtc - at;
      this.offsets.set(bucket, offset);
    }
    return offset;
  }

  parts(utcMs: number): LocalParts {
    const local = new Date(utcMs + this.offsetMs(utcMs));
    const year = local.getUTCFullYear();
    const month = local.getUTCMonth() + 1;
    const day = local.getUTCDate();
    const hour = local.getUTCHours();
    const minute = local.getUTCMinutes();
    return {
      year,
      month,
      day,
      hour,
      minute,
      weekday: local.getUTCDay(),
      dayKey: `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      minuteOfDay: hour * 60 + minute,
    };
  }

  dayKey(utcMs: number): string {
    return this.parts(utcMs).dayKey;
  }
}
