/**
 * Indexing live-tail batches into the session's database: a file is registered the first time a
 * tail delivers from it (what the index held for that path is replaced, since a tail re-delivers
 * a resumed file's verified entries), then each batch is appended in one transaction and the
 * file's row and the tail's verdict are brought up to date.
 */
import type { Database } from 'sql.js';
import type { NormalizedEntry } from '../../../shared/entry.js';
import type { Finding } from '../../../shared/findings.js';
import type { FormatId } from '../../../shared/formats.js';
import type { Verdict } from '../../../shared/verification.js';
import { beginFile, EntryWriter, insertFindings, insertScan, updateScanVerdict } from '../store/writer.js';
import { markTailFile } from './live-files.js';

/** One batch of one file, as the worker receives it. */
export interface TailAppendRequest {
  tailId: string;
  dir: string;
  file: string;
  /** The first batch of this file in this tail: register (or re-register) the file. */
  begin: boolean;
  entries: NormalizedEntry[];
  findings: Finding[];
  format: FormatId | null;
  /** The format keeps a hash chain. */
  chained: boolean;
  /** Stored hash of the file's last entry. */
  headHash: string | null;
  verifiedBytes: number;
  lines: number;
  mtimeMs: number;
}

export interface TailAppendResult {
  fileId: number;
  /** Entries of this file in the index now. */
  entries: number;
}

/** What the database side remembers per tail: its scan row (verdict) and registered files. */
export class TailIndex {
  private readonly scans = new Map<string, number>();
  private readonly files = new Map<string, number>();
  /** Per registered file: entries indexed and their time range (kept here: entries has no file index to count by). */
  private readonly counts = new Map<number, { entries: number; minMs: number | null; maxMs: number | null; critical: number }>();

  constructor(readonly db: Database) {}

  append(request: TailAppendRequest): TailAppendResult {
    const db = this.db;
    let scanId = this.scans.get(request.tailId);
    if (scanId === undefined || db1(db, 'SELECT 1 FROM scans WHERE id = ?', [scanId]) === undefined) {
      scanId = insertScan(db, this.verdict(request.dir, false));
      this.scans.set(request.tailId, scanId);
    }
    const key = `${request.tailId}\u0000${request.file}`;
    let fileId = this.files.get(key);
    if (fileId === undefined || request.begin || !this.fileExists(fileId)) {
      fileId = beginFile(db, request.file, { gzip: false, mtimeMs: request.mtimeMs, size: request.verifiedBytes, mapping: null });
      db.run('UPDATE files SET scan_id = ? WHERE id = ?', [scanId, fileId]);
      markTailFile(db, fileId);
      this.files.set(key, fileId);
      this.counts.set(fileId, { entries: 0, minMs: null, maxMs: null, critical: 0 });
    }
    const counts = this.counts.get(fileId) ?? { entries: 0, minMs: null, maxMs: null, critical: 0 };
    this.counts.set(fileId, counts);
    counts.entries += request.entries.length;
    for (const entry of request.entries) {
      if (entry.timeMs === null) continue;
      if (counts.minMs === null || entry.timeMs < counts.minMs) counts.minMs = entry.timeMs;
      if (counts.maxMs === null || entry.timeMs > counts.maxMs) counts.maxMs = entry.timeMs;
    }
    counts.critical += request.findings.filter((f) => f.severity === 'critical').length;
    const writer = new EntryWriter(db, Math.max(1, request.entries.length));
    try {
      for (const entry of request.entries) writer.add(fileId, entry);
    } finally {
      writer.close();
    }
    insertFindings(db, request.findings, scanId);
    const entries = counts.entries;
    const broken = counts.critical > 0;
    const iso = (value: number | null): string | null => (value === null ? null : new Date(value).toISOString());
    db.run(
      `UPDATE files SET format = ?, size = ?, mtime_ms = ?, entries = ?, lines = ?, chain_status = ?, head_hash = ?, covered_fields = ?,
        first_time = ?, last_time = ?, indexed_at = ? WHERE id = ?`,
      [
        request.format,
        request.verifiedBytes,
        request.mtimeMs,
        entries,
        request.lines,
        request.chained ? (broken ? 'broken' : 'intact') : 'unchained',
        request.chained ? request.headHash : null,
        request.chained ? '["*"]' : '[]',
        iso(counts.minMs),
        iso(counts.maxMs),
        new Date().toISOString(),
        fileId,
      ],
    );
    if (request.findings.length > 0 || request.begin) {
      const anyBroken = Number(db.exec("SELECT count(*) FROM findings WHERE scan_id = ? AND severity = 'critical'", [scanId])[0]?.values[0]?.[0] ?? 0) > 0;
      updateScanVerdict(db, scanId, this.verdict(request.dir, anyBroken));
    }
    return { fileId, entries };
  }

  private fileExists(fileId: number): boolean {
    return db1(this.db, 'SELECT 1 FROM files WHERE id = ?', [fileId]) !== undefined;
  }

  private verdict(dir: string, broken: boolean): Verdict {
    return {
      integrity: broken ? 'broken' : 'intact',
      completeness: 'unconfirmed',
      reasons: [
        broken
          ? `Live tail of ${dir}: entries or files failed verification or changed after they were verified (see the findings).`
          : `Live tail of ${dir}: every entry verified so far is intact.`,
        'A live log is still being written: completeness can only be confirmed against a seal or anchor once it is closed.',
      ],
    };
  }
}

function db1(database: Database, sql: string, params: number[]): unknown {
  return database.exec(sql, params)[0]?.values[0]?.[0];
}
