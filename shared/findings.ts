/** The fixed vocabulary of integrity and data-quality findings. */
export const FINDING_KINDS = [
  'hash-mismatch', // entry content differs from what its hash covers
  'link-break', // previous-hash link does not match the previous entry: deletion, insertion or reordering
  'parse-error', // malformed line, non-UTF-8, NUL bytes, cut final line
  'timestamp-regression', // informational: time goes backwards
  'continuity-break', // a daily file's first link does not continue the previous file's last hash
  'file-gap', // a day is missing from a daily-rotated series
  'anchor-mismatch', // --expect-head / --expect-lines disagree with the archive
  'seal-mismatch', // a sealed file was changed, truncated, re-chained, replaced or is missing
  'seal-invalid', // the seal's own signature or certificate does not verify
  'unreadable', // file could not be read (permissions, truncated gzip, symlink loop)
  'unknown-format', // no format matched the file
  'bad-timestamp', // timestamp missing or unparseable; the entry is still kept
  'duplicate-key', // an object repeats a key; the last one wins, as in Python
  'file-changed', // an evidence file changed after it was indexed
  'field-problem', // a field has a value of an unexpected kind, or an event's partner event is missing; the entry is kept
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export type Severity = 'critical' | 'warning' | 'info';

export interface Finding {
  kind: FindingKind;
  severity: Severity;
  file: string;
  /** 1-based line, or null for whole-file findings. */
  line: number | null;
  /** One sentence in plain language: what is wrong here. */
  detail: string;
  expected?: string;
  found?: string;
}

export const FINDING_SEVERITY: Record<FindingKind, Severity> = {
  'hash-mismatch': 'critical',
  'link-break': 'critical',
  'parse-error': 'critical',
  'timestamp-regression': 'info',
  'continuity-break': 'critical',
  'file-gap': 'warning',
  'anchor-mismatch': 'critical',
  'seal-mismatch': 'critical',
  'seal-invalid': 'critical',
  unreadable: 'critical',
  'unknown-format': 'warning',
  'bad-timestamp': 'warning',
  'duplicate-key': 'warning',
  'file-changed': 'critical',
  'field-problem': 'warning',
};

/** What each kind means, for people who are not cryptographers. */
export const FINDING_EXPLANATIONS: Record<FindingKind, string> = {
  'hash-mismatch': 'The entry no longer matches the hash recorded when it was written: its content was changed afterwards.',
  'link-break': 'The entry does not point to the entry before it: a line was deleted, inserted or moved here.',
  'parse-error': 'The line is not valid JSON (or not valid UTF-8), so it cannot be checked; it may be damaged or cut short.',
  'timestamp-regression': 'This entry is older than the one before it. Clocks and concurrent writers can do this; it is shown for context.',
  'continuity-break': "This file's chain does not continue from the last entry of the previous file: entries or a file between them may be missing or replaced.",
  'file-gap': 'A day is missing from a daily-rotated series: that file may have been removed.',
  'anchor-mismatch': 'The archive does not end where the trusted anchor says it should: entries were removed from the end or the tail was re-written.',
  'seal-mismatch': 'The file differs from what was sealed: it was changed, truncated, replaced or removed after sealing.',
  'seal-invalid': "The seal's signature does not verify, so the seal itself cannot be trusted.",
  unreadable: 'The file could not be read completely; what could be read is still checked.',
  'unknown-format': 'Custos could not recognise this log format; open it with a generic mapping file.',
  'bad-timestamp': 'The entry has no usable timestamp; it is kept but cannot be placed in time.',
  'duplicate-key': 'A JSON object names the same field twice; like Python, the last value wins, but a writer should never do this.',
  'file-changed': 'The evidence file changed on disk after Custos indexed it.',
  'field-problem':
    'A field holds a value of an unexpected kind (for example a list where a user id belongs), or an event refers to an earlier one that is not in the archive; the entry is kept with that field empty.',
};
