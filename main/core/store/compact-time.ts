/**
 * Timestamps as written cost 32 bytes an entry. Most are exactly what Python's isoformat() or
 * JavaScript's toISOString() print for the entry's UTC time, so the index stores a small code (and
 * the microseconds below the millisecond) instead, and rebuilds the string in SQL. Anything else —
 * other offsets, other precisions — is kept verbatim. The choice is checked when writing, so the
 * rebuilt string is always byte-identical to the original.
 */

/** `time_extra` values: code × 1000 + microseconds below the millisecond. */
const PYTHON_MICROS = 1000;
const PYTHON_SECONDS = 2000;
const ISO_MILLIS = 3000;
/** Years 1970–9999: strftime and toISOString agree there. */
const MAX_MS = 253402300800000;

export interface CompactTime {
  /** The original string, when it cannot be rebuilt. */
  raw: string | null;
  extra: number | null;
}

export function compactTime(timeMs: number | null, timeRaw: string | null): CompactTime {
  if (timeRaw === null || timeMs === null || !Number.isInteger(timeMs) || timeMs < 0 || timeMs >= MAX_MS) return { raw: timeRaw, extra: null };
  const iso = new Date(timeMs).toISOString();
  if (timeRaw === iso) return { raw: null, extra: ISO_MILLIS };
  const seconds = iso.slice(0, 19);
  if (timeRaw.length === 32 && timeRaw.startsWith(seconds) && timeRaw.endsWith('+00:00') && timeRaw[19] === '.') {
    const millis = timeRaw.slice(20, 23);
    const micros = timeRaw.slice(23, 26);
    if (millis === iso.slice(20, 23) && /^\d{3}$/u.test(micros)) return { raw: null, extra: PYTHON_MICROS + Number(micros) };
  }
  if (timeRaw === `${seconds}+00:00` && timeMs % 1000 === 0) return { raw: null, extra: PYTHON_SECONDS };
  return { raw: timeRaw, extra: null };
}

const SECONDS_SQL = (alias: string): string => `strftime('%Y-%m-%dT%H:%M:%S', ${alias}.time_ms / 1000, 'unixepoch')`;

/** SQL rebuilding the timestamp as written, for a row of `entries` named `alias`. */
export function timeRawSql(alias: string): string {
  return `(CASE WHEN ${alias}.time_raw IS NOT NULL THEN ${alias}.time_raw
    WHEN ${alias}.time_extra IS NULL THEN NULL
    WHEN ${alias}.time_extra >= ${ISO_MILLIS} THEN ${SECONDS_SQL(alias)} || printf('.%03dZ', ${alias}.time_ms % 1000)
    WHEN ${alias}.time_extra >= ${PYTHON_SECONDS} THEN ${SECONDS_SQL(alias)} || '+00:00'
    ELSE ${SECONDS_SQL(alias)} || printf('.%03d%03d+00:00', ${alias}.time_ms % 1000, ${alias}.time_extra - ${PYTHON_MICROS}) END)`;
}
