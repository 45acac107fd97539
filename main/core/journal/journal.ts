/**
 * The evidence journal: Custos's own append-only, hash-chained JSONL record of break-the-glass
 * reviews, alert acknowledgements and legal holds. It lives in the data directory, never beside the
 * evidence. Every load re-verifies the whole chain; a journal that does not verify is reported as
 * tampered, never repaired, and refuses further appends.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { JournalStatus } from '../../../shared/analyses.js';
import { dataDir } from '../data-dir.js';
import { stableStringify } from './stable-json.js';

export const JOURNAL_KINDS = ['btg-review', 'alert-ack', 'legal-hold', 'legal-hold-release'] as const;
export type JournalKind = (typeof JOURNAL_KINDS)[number];

export const JOURNAL_GENESIS = 'genesis';

export interface JournalRecord {
  seq: number;
  /** When Custos wrote the record (ISO 8601, UTC). */
  at: string;
  kind: JournalKind;
  /** The person who made the decision. */
  actor: string;
  data: Record<string, unknown>;
  prev: string;
  hash: string;
}

export class JournalTamperedError extends Error {
  constructor(readonly status: JournalStatus) {
    super(`The evidence journal ${status.path} does not verify (line ${status.problem?.line ?? '?'}: ${status.problem?.detail ?? 'unknown'}); it will not be appended to or repaired.`);
    this.name = 'JournalTamperedError';
  }
}

export function defaultJournalPath(): string {
  return join(dataDir(), 'journal', 'evidence-journal.jsonl');
}

/** The hash a record must carry: sha256 of the canonical JSON of every other field. */
export function recordHash(record: Omit<JournalRecord, 'hash'>): string {
  const { seq, at, kind, actor, data, prev } = record;
  return createHash('sha256').update(stableStringify({ seq, at, kind, actor, data, prev }), 'utf8').digest('hex');
}

interface Loaded {
  records: JournalRecord[];
  status: JournalStatus;
}

function isJournalKind(value: unknown): value is JournalKind {
  return typeof value === 'string' && (JOURNAL_KINDS as readonly string[]).includes(value);
}

/** Reads and verifies a journal file. A missing file is an empty journal. */
export function verifyJournal(path: string): Loaded {
  if (!existsSync(path)) return { records: [], status: { path, records: 0, state: 'empty', headHash: null } };
  const text = readFileSync(path, 'utf8');
  const records: JournalRecord[] = [];
  let prev = JOURNAL_GENESIS;
  const tampered = (line: number, detail: string): Loaded => ({
    records,
    status: { path, records: records.length, state: 'tampered', problem: { line, detail }, headHash: records.length ? prev : null },
  });
  if (text.length > 0 && !text.endsWith('\n')) {
    // Checked first so a cut final line is named as such rather than as bad JSON.
    const lineCount = text.split('\n').length;
    const loaded = verifyLines(text.slice(0, text.lastIndexOf('\n') + 1));
    if (loaded.problem) return tampered(loaded.problem.line, loaded.problem.detail);
    return tampered(lineCount, 'the last record is incomplete (the file does not end with a newline)');
  }
  const loaded = verifyLines(text);
  if (loaded.problem) return tampered(loaded.problem.line, loaded.problem.detail);
  return {
    records,
    status: { path, records: records.length, state: records.length ? 'ok' : 'empty', headHash: records.length ? prev : null },
  };

  function verifyLines(body: string): { problem?: { line: number; detail: string } } {
    const lines = body.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    for (let i = 0; i < lines.length; i++) {
      const lineNo = i + 1;
      const raw = lines[i] ?? '';
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        return { problem: { line: lineNo, detail: 'the line is not valid JSON' } };
      }
      const problem = checkRecord(parsed, records.length + 1, prev);
      if (problem) return { problem: { line: lineNo, detail: problem } };
      const record = parsed as JournalRecord;
      records.push(record);
      prev = record.hash;
    }
    return {};
  }
}

function checkRecord(value: unknown, expectedSeq: number, expectedPrev: string): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the line is not a journal record';
  const r = value as Record<string, unknown>;
  const keys = Object.keys(r).sort().join(',');
  if (keys !== 'actor,at,data,hash,kind,prev,seq') return `unexpected fields (${keys})`;
  if (r.seq !== expectedSeq) return `sequence number ${String(r.seq)} where ${expectedSeq} was expected: a record was removed, inserted or moved`;
  if (r.prev !== expectedPrev) return 'the record does not point to the record before it: a record was removed, inserted or moved';
  if (typeof r.at !== 'string' || typeof r.actor !== 'string' || !isJournalKind(r.kind)) return 'a field has the wrong type';
  if (typeof r.data !== 'object' || r.data === null || Array.isArray(r.data)) return 'the record data is not an object';
  if (typeof r.hash !== 'string') return 'the record has no hash';
  const expected = recordHash(r as unknown as JournalRecord);
  if (expected !== r.hash) return 'the record was changed after it was written (its hash does not match)';
  return null;
}

/**
 * One journal file. `records` and `status` reflect the last load; `append` re-verifies the file
 * first, so a change made behind Custos's back is caught before anything is added after it.
 */
export class EvidenceJournal {
  private loaded: Loaded;

  private constructor(readonly path: string) {
    this.loaded = verifyJournal(path);
  }

  static open(path: string = defaultJournalPath()): EvidenceJournal {
    return new EvidenceJournal(path);
  }

  get status(): JournalStatus {
    return this.loaded.status;
  }

  /** Verified records (when tampered: those before the problem, for display only). */
  get records(): readonly JournalRecord[] {
    return this.loaded.records;
  }

  reload(): JournalStatus {
    this.loaded = verifyJournal(this.path);
    return this.loaded.status;
  }

  append(kind: JournalKind, actor: string, data: Record<string, unknown>, now: Date = new Date()): JournalRecord {
    if (actor.trim().length === 0) throw new Error('A journal record needs the name of the person who made the decision.');
    this.reload();
    if (this.loaded.status.state === 'tampered') throw new JournalTamperedError(this.loaded.status);
    const last = this.loaded.records[this.loaded.records.length - 1];
    // Round-trip through JSON so the stored data is exactly what is hashed (no undefined, no Dates).
    const plainData = JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
    const unsigned = { seq: (last?.seq ?? 0) + 1, at: now.toISOString(), kind, actor: actor.trim(), data: plainData, prev: last?.hash ?? JOURNAL_GENESIS };
    const record: JournalRecord = { ...unsigned, hash: recordHash(unsigned) };
    mkdirSync(dirname(this.path), { recursive: true });
    const fd = openSync(this.path, 'a', 0o600);
    try {
      appendFileSync(fd, JSON.stringify(record) + '\n', 'utf8');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.loaded.records.push(record);
    this.loaded.status = { path: this.path, records: this.loaded.records.length, state: 'ok', headHash: record.hash };
    return record;
  }
}
