/** The finding for an entry whose timestamp is missing or unreadable: the entry is still indexed. */
import type { NormalizedEntry } from '../../../shared/entry.js';
import { FINDING_SEVERITY, type Finding } from '../../../shared/findings.js';

export function badTimestampFinding(entry: NormalizedEntry, timestampError: string | undefined | null): Finding {
  return {
    kind: 'bad-timestamp',
    severity: FINDING_SEVERITY['bad-timestamp'],
    file: entry.source.file,
    line: entry.source.line,
    detail: `The entry's timestamp ${entry.timeRaw === null ? 'is missing' : `"${entry.timeRaw}" cannot be read`}${timestampError ? `: ${timestampError}` : ''}. The entry is kept.`,
    ...(entry.timeRaw === null ? {} : { found: entry.timeRaw }),
  };
}
