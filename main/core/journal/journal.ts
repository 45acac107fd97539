/**
 * The evidence journal: Custos's own append-only, hash-chained JSONL record of break-the-glass
 * reviews, alert acknowledgements and legal holds. It lives in the data directory, never beside the
 * evidence. Every load re-verifies the whole chain; a journal that does not verify is reported as
 * tampered, never repaired, and refuses further appends.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
/** The sidecar naming the last record written: a chain alone cannot show records cut from its end. */
function headPath(path: string): string {
  return `${path}.head`;
}

function readHead(path: string): { seq: number; hash: string } | 'unreadable' | null {
  if (!existsSync(headPath(path))) return null;
  try {
    const head = JSON.parse(readFileSync(headPath(path), 'utf8')) as { seq?: unknown; hash?: unknown };
    return typeof head.seq === 'number' && typeof head.hash === 'string' ? { seq: head.seq, hash: head.hash } : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

export function verifyJournal(path: string): Loaded {
  const loaded = verifyChain(path);
  if (loaded.status.state === 'tampered') return loaded;
  const head = readHead(path);
  if (head === null) return loaded;
  const tampered = (detail: string): Loaded => ({
    records: loaded.records,
    status: { ...loaded.status, state: 'tampered', problem: { line: loaded.records.length, detail } },
  });
  if (head === 'unreadable') return tampered(`the head file ${headPath(path)} is damaged`);
  if (head.seq > loaded.records.length) return tampered(`record ${head.seq} was written but the journal ends at record ${loaded.records.length}: records were removed from its end`);
  if (head.seq > 0 && loaded.records[head.seq - 1]?.hash !== head.hash) return tampered(`record ${head.seq} is not the one that was written (the head file names another hash)`);
  return loaded;
}

function verifyChain(path: string): Loaded {
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
    mkdirSync(dirname(this.path), { recursive: true });
    // The workstation and the CLI may append at once: one writer at a time, each re-verifying first.
    return withLock(`${this.path}.lock`, () => this.appendLocked(kind, actor, data, now));
  }

  private appendLocked(kind: JournalKind, actor: string, data: Record<string, unknown>, now: Date): JournalRecord {
    this.reload();
    if (this.loaded.status.state === 'tampered') throw new JournalTamperedError(this.loaded.status);
    const last = this.loaded.records[this.loaded.records.length - 1];
    // Round-trip through JSON so the stored data is exactly what is hashed (no undefined, no Dates).
    const plainData = JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
    const unsigned = { seq: (last?.seq ?? 0) + 1, at: now.toISOString(), kind, actor: actor.trim(), data: plainData, prev: last?.hash ?? JOURNAL_GENESIS };
    const record: JournalRecord = { ...unsigned, hash: recordHash(unsigned) };
    const fd = openSync(this.path, 'a', 0o600);
    try {
      appendFileSync(fd, JSON.stringify(record) + '\n', 'utf8');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    const tmp = `${headPath(this.path)}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify({ seq: record.seq, hash: record.hash }) + '\n', { mode: 0o600 });
    renameSync(tmp, headPath(this.path));
    this.loaded.records.push(record);
    this.loaded.status = { path: this.path, records: this.loaded.records.length, state: 'ok', headHash: record.hash };
    return record;
  }
}

const LOCK_WAIT_MS = 5_000;
const STALE_LOCK_MS = 30_000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** An exclusive lock file (O_EXCL); a lock older than 30 s is a crashed writer's and is taken over. */
function withLock<T>(lockPath: string, body: () => T): T {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      closeSync(openSync(lockPath, 'wx', 0o600));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      try {
        if (Date.now() - statSync(lockPath).mtimeMs > STALE_LOCK_MS) rmSync(lockPath, { force: true });
      } catch {
        // removed meanwhile: try again
      }
      if (Date.now() > deadline) throw new Error(`The evidence journal is busy (${lockPath} is held by another Custos); try again.`);
      sleepSync(20);
    }
  }
  try {
    return body();
  } finally {
    rmSync(lockPath, { force: true });
  }
}
