/**
 * The open pipeline: read → detect → normalize → verify (the verifier's scan does the first and
 * last) → insert, streamed in batches inside transactions, with progress and cancel. Files already
 * indexed are re-indexed in place, never duplicated.
 */
import { stat } from 'node:fs/promises';
import type { Database } from 'sql.js';
import type { OpenOutcome, OpenProgress, OpenRequest } from '../../../shared/archive.js';
import type { NormalizedEntry, SourceLocation } from '../../../shared/entry.js';
import { FINDING_SEVERITY, type Finding } from '../../../shared/findings.js';
import type { FormatId, GenericMapping } from '../../../shared/formats.js';
import type { VerifyReport } from '../../../shared/verification.js';
import type { PyValue } from '../json/py-value.js';
import { createEntryIndexes, dropEntryIndexes } from './schema.js';
import { listFiles } from './queries.js';
import { beginFile, clearIndex, EntryWriter, finishFile, insertFindings, insertScan, removeFiles } from './writer.js';

/** One parsed line handed over by the verifier's scan. */
export interface ScannedRecord {
  value: PyValue;
  format: FormatId;
  location: SourceLocation;
  lineSha256: string;
}

export interface ScanProgressReport {
  bytesRead: number;
  bytesTotal: number;
  file?: string;
}

export interface ScanOptions {
  format?: FormatId;
  mapping?: GenericMapping;
  onRecord?: (record: ScannedRecord) => void | Promise<void>;
  onProgress?: (progress: ScanProgressReport) => void;
  signal?: AbortSignal;
}

/** The verifier's streaming scan (main/core/verify), injected so the store does not depend on its internals. */
export type ScanArchive = (paths: string[], options: ScanOptions) => Promise<VerifyReport>;

export type NormalizeLine = (
  value: PyValue,
  location: SourceLocation,
  lineSha256: string,
) => { entry: NormalizedEntry; problems: string[]; timestampError?: string | null };

export interface OpenDependencies {
  scan: ScanArchive;
  createNormalizer: (format: FormatId, options: { mapping?: GenericMapping }) => NormalizeLine;
  loadMapping: (path: string) => Promise<GenericMapping>;
}

export interface OpenContext {
  signal: AbortSignal;
  progress: (progress: OpenProgress) => void;
  /** Milliseconds between progress events. */
  progressIntervalMs?: number;
}

/** Jobs bigger than this rebuild the secondary indexes once at the end instead of maintaining them per row. */
const BULK_LOAD_BYTES = 32 * 1024 * 1024;

export async function openArchivesWith(
  deps: OpenDependencies,
  db: Database,
  job: OpenRequest & { jobId: string },
  context: OpenContext,
): Promise<OpenOutcome> {
  const started = Date.now();
  const mapping = job.mappingPath === undefined ? undefined : await deps.loadMapping(job.mappingPath);
  if (job.mode === 'replace') clearIndex(db);

  const writer = new EntryWriter(db);
  const fileIds = new Map<string, number>();
  const normalizers = new Map<FormatId, NormalizeLine>();
  const ownFindings: Finding[] = [];
  let findingsSeen = 0;
  let bytes: ScanProgressReport = { bytesRead: 0, bytesTotal: 0 };
  let currentFile = job.paths[0] ?? '';
  let lastProgress = 0;
  let bulk = false;
  const interval = context.progressIntervalMs ?? 100;

  const emitProgress = (done: boolean): void => {
    const elapsedSeconds = Math.max(0.001, (Date.now() - started) / 1000);
    const entries = writer.written + writer.buffered;
    const byteRate = bytes.bytesRead / elapsedSeconds;
    context.progress({
      jobId: job.jobId,
      file: currentFile,
      bytesRead: bytes.bytesRead,
      bytesTotal: bytes.bytesTotal,
      entries,
      findings: findingsSeen + ownFindings.length,
      entriesPerSecond: Math.round(entries / elapsedSeconds),
      etaSeconds: done ? 0 : bytes.bytesRead > 0 && byteRate > 0 ? Math.max(0, (bytes.bytesTotal - bytes.bytesRead) / byteRate) : null,
      done,
    });
  };

  const fileIdFor = async (path: string): Promise<number> => {
    const known = fileIds.get(path);
    if (known !== undefined) return known;
    writer.flush();
    const info = await stat(path);
    const id = beginFile(db, path, { gzip: /\.gz$/iu.test(path), mtimeMs: info.mtimeMs, size: info.size, mapping: mapping ?? null });
    fileIds.set(path, id);
    return id;
  };

  const onRecord = async (record: ScannedRecord): Promise<void> => {
    const fileId = await fileIdFor(record.location.file);
    currentFile = record.location.file;
    let normalize = normalizers.get(record.format);
    if (normalize === undefined) {
      normalize = deps.createNormalizer(record.format, mapping === undefined ? {} : { mapping });
      normalizers.set(record.format, normalize);
    }
    const { entry, timestampError } = normalize(record.value, record.location, record.lineSha256);
    if (entry.timeMs === null) {
      ownFindings.push({
        kind: 'bad-timestamp',
        severity: FINDING_SEVERITY['bad-timestamp'],
        file: record.location.file,
        line: record.location.line,
        detail: `The entry's timestamp ${entry.timeRaw === null ? 'is missing' : `"${entry.timeRaw}" cannot be read`}${timestampError ? `: ${timestampError}` : ''}. The entry is kept.`,
        ...(entry.timeRaw === null ? {} : { found: entry.timeRaw }),
      });
    }
    if (writer.add(fileId, entry)) {
      const now = Date.now();
      if (now - lastProgress >= interval) {
        lastProgress = now;
        emitProgress(false);
      }
      // Let queued messages (cancel, queries, pings) through between batches.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };

  const onProgress = (progress: ScanProgressReport): void => {
    bytes = progress;
    if (progress.file !== undefined) currentFile = progress.file;
    if (!bulk && progress.bytesTotal > BULK_LOAD_BYTES) {
      writer.flush();
      dropEntryIndexes(db);
      bulk = true;
    }
    const now = Date.now();
    if (now - lastProgress >= interval) {
      lastProgress = now;
      emitProgress(false);
    }
  };

  let report: VerifyReport | undefined;
  let failure: unknown;
  try {
    report = await deps.scan(job.paths, {
      ...(job.format === undefined ? {} : { format: job.format }),
      ...(mapping === undefined ? {} : { mapping }),
      onRecord,
      onProgress,
      signal: context.signal,
    });
    writer.close();
  } catch (error) {
    failure = error;
    writer.discard();
  } finally {
    if (bulk) createEntryIndexes(db);
  }

  const cancelled = context.signal.aborted;
  if (cancelled || report === undefined) {
    // Half-read files would answer questions with half the evidence: take them out again.
    removeFiles(db, [...fileIds.values()]);
    emitProgress(true);
    if (!cancelled) throw failure;
    return { jobId: job.jobId, cancelled: true, opened: [], failed: [] };
  }

  const scanId = insertScan(db, report.verdict);
  const failed: OpenOutcome['failed'] = [];
  const failingKinds = new Set(['unknown-format', 'unreadable']);
  for (const fileReport of report.files) {
    const reasons = report.findings.filter((finding) => finding.file === fileReport.path && failingKinds.has(finding.kind));
    if (fileReport.entries === 0 && reasons.length > 0) {
      failed.push({ path: fileReport.path, message: reasons.map((finding) => finding.detail).join(' ') });
      const id = fileIds.get(fileReport.path);
      if (id !== undefined) removeFiles(db, [id]);
      fileIds.delete(fileReport.path);
      continue;
    }
    const id = await fileIdFor(fileReport.path);
    finishFile(db, id, fileReport, scanId);
  }
  // Paths that produced no file report at all (a missing path, an empty folder) are failures too.
  for (const finding of report.findings) {
    if (failingKinds.has(finding.kind) && !report.files.some((file) => file.path === finding.file) && !failed.some((f) => f.path === finding.file)) {
      failed.push({ path: finding.file, message: finding.detail });
    }
  }
  findingsSeen = report.findings.length;
  insertFindings(db, [...report.findings, ...ownFindings], scanId);
  emitProgress(true);
  const openedIds = new Set(fileIds.values());
  return { jobId: job.jobId, cancelled: false, opened: listFiles(db).filter((file) => openedIds.has(file.id)), failed };
}
