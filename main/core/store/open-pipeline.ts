/**
 * The open pipeline: read → detect → normalize → verify (the verifier's scan does the first and
 * last) → insert, streamed in batches inside transactions, with progress and cancel. Files already
 * indexed are re-indexed in place, never duplicated.
 *
 * Two routes, one result. When every file of the job is big, uncompressed and chained, range
 * threads (context.parallel) verify, normalize and pack byte ranges while this thread only inserts
 * the packed rows, in file order; scanArchive still runs every check, merge and verdict. Otherwise
 * (gzip, selectools, small files…) scanArchive hands each parsed entry to onRecord on this thread.
 */
import type { Database } from 'sql.js';
import type { OpenOutcome, OpenProgress, OpenRequest } from '../../../shared/archive.js';
import type { Finding } from '../../../shared/findings.js';
import type { FormatId, GenericMapping } from '../../../shared/formats.js';
import { loadMapping } from '../formats/mapping.js';
import { NormalizerSet } from '../formats/normalize/normalizer-set.js';
import type { ArchiveFile } from '../reader/archive-files.js';
import { readLines } from '../reader/read-lines.js';
import { chainSpecFor, collectArchiveFiles, FileVerifier, scanArchive, type ScannedRecord, type ScanProgress, type ScanResult } from '../verify/index.js';
import type { ParallelIndexer } from './parallel-indexer.js';
import { NUMBER, NUMBERS_PER_ROW } from './row-batch.js';
import { createEntryIndexes, dropEntryIndexes } from './schema.js';
import { listFiles } from './queries.js';
import { badTimestampFinding } from './timestamp-finding.js';
import { beginFile, clearIndex, EntryWriter, finishFile, insertFindings, insertScan, removeFiles } from './writer.js';

export interface OpenContext {
  signal: AbortSignal;
  progress: (progress: OpenProgress) => void;
  /** Milliseconds between progress events. */
  progressIntervalMs?: number;
  /**
   * Threads for big uncompressed chained files (main/worker/open-pool.ts). Without it, or when a
   * file of the job does not qualify, the archive is read, verified and normalized on this thread.
   */
  parallel?: (signal: AbortSignal) => ParallelIndexer;
}

/**
 * Jobs bigger than this rebuild the secondary indexes once at the end instead of maintaining them
 * per row (about 4× faster), unless the index already holds much more than the job adds.
 */
const BULK_LOAD_BYTES = 8 * 1024 * 1024;
/** Rough bytes of evidence per indexed entry, to compare a job with what is already indexed. */
const BYTES_PER_ENTRY_ESTIMATE = 400;

export async function openArchives(
  db: Database,
  job: OpenRequest & { jobId: string },
  context: OpenContext,
): Promise<OpenOutcome> {
  const started = Date.now();
  const mapping = job.mappingPath === undefined ? undefined : await loadMapping(job.mappingPath);
  if (job.mode === 'replace') clearIndex(db);

  const writer = new EntryWriter(db);
  const existingEntries = Number(db.exec('SELECT count(*) FROM entries')[0]?.values[0]?.[0] ?? 0);
  const fileIds = new Map<string, number>();
  const normalizers = new NormalizerSet();
  const ownFindings: Finding[] = [];
  let findingsSeen = 0;
  let bytes = { read: 0, total: 0 };
  let currentFile = job.paths[0] ?? '';
  let lastProgress = 0;
  const interval = context.progressIntervalMs ?? 100;
  /** Bytes of the files before the current one (range route: progress counts bytes indexed, not read ahead). */
  let bytesBeforeFile = 0;
  let startedBytes = 0;

  const planned = await collectArchiveFiles(job.paths);
  const plannedBytes = planned.files.reduce((sum, file) => sum + file.size, 0);
  const pool = context.parallel ? await parallelPlan(planned.files, job.format, mapping, context) : null;
  // Decided before the first row: rows written while the indexes exist would each update five B-trees.
  /** Entries each file received from the range threads, to check that none went missing. */
  const rangeRows = new Map<string, number>();
  const bulk = plannedBytes > BULK_LOAD_BYTES && plannedBytes > existingEntries * BYTES_PER_ENTRY_ESTIMATE;
  if (bulk) dropEntryIndexes(db);

  const emitProgress = (done: boolean): void => {
    const elapsedSeconds = Math.max(0.001, (Date.now() - started) / 1000);
    const entries = writer.written + writer.buffered;
    const byteRate = bytes.read / elapsedSeconds;
    context.progress({
      jobId: job.jobId,
      file: currentFile,
      bytesRead: bytes.read,
      bytesTotal: bytes.total,
      entries,
      findings: findingsSeen + ownFindings.length,
      entriesPerSecond: Math.round(entries / elapsedSeconds),
      etaSeconds: done ? 0 : bytes.read > 0 && byteRate > 0 ? Math.max(0, (bytes.total - bytes.read) / byteRate) : null,
      done,
    });
  };

  const maybeProgress = (): void => {
    const now = Date.now();
    if (now - lastProgress >= interval) {
      lastProgress = now;
      emitProgress(false);
    }
  };

  const onFileStart = (file: ArchiveFile): void => {
    writer.flush();
    bytesBeforeFile = startedBytes;
    startedBytes += file.size;
    currentFile = file.path;
    const fileId = beginFile(db, file.path, { gzip: file.compressed, mtimeMs: file.mtimeMs, size: file.size, mapping: mapping ?? null });
    fileIds.set(file.path, fileId);
    pool?.beginFile(file, {
      rows: (batch, producer, lineBase) => {
        writer.addBatch(batch, producer, { fileId, lineBase });
        // The range threads read ahead of the inserts: count a file's bytes as far as its rows are in.
        const last = (batch.count - 1) * NUMBERS_PER_ROW;
        bytes.read = bytesBeforeFile + (batch.numbers[last + NUMBER.byteOffset] ?? 0) + (batch.numbers[last + NUMBER.byteLength] ?? 0);
        rangeRows.set(file.path, (rangeRows.get(file.path) ?? 0) + batch.count);
        maybeProgress();
      },
      findings: (found) => ownFindings.push(...found),
    });
  };

  const onRecord = async (record: ScannedRecord): Promise<void> => {
    const fileId = fileIds.get(record.location.file);
    if (fileId === undefined) throw new Error(`The verifier sent an entry of ${record.location.file} before announcing the file.`);
    const normalize = normalizers.get(record.format, mapping);
    const { entry, timestampError } = normalize(record.value, record.location, record.lineSha256);
    if (entry.timeMs === null) ownFindings.push(badTimestampFinding(entry, timestampError));
    if (writer.add(fileId, entry)) {
      maybeProgress();
      // Let queued messages (cancel, queries, pings) through between batches.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };

  const onProgress = (progress: ScanProgress): void => {
    bytes = { read: pool === null ? progress.archiveBytesRead : bytes.read, total: progress.archiveBytesTotal };
    findingsSeen = progress.findings;
    currentFile = progress.file;
    maybeProgress();
  };

  let report: ScanResult | undefined;
  let failure: unknown;
  try {
    report = await scanArchive(job.paths, {
      ...(job.format === undefined ? {} : { format: job.format }),
      ...(mapping === undefined ? {} : { mapping }),
      onFileStart,
      ...(pool === null ? { onRecord } : { parallel: pool, parallelMinBytes: pool.minFileBytes }),
      onProgress,
      signal: context.signal,
    });
    writer.close();
    bytes.read = bytes.total;
  } catch (error) {
    failure = error;
    writer.discard();
  } finally {
    await pool?.close();
    if (bulk) createEntryIndexes(db);
  }

  if (pool !== null && report !== undefined && !context.signal.aborted && !indexedEveryFile(pool, report, rangeRows)) {
    // A thread failed, or scanArchive read a file on its own after all: index the job on this thread.
    removeFiles(db, [...fileIds.values()]);
    return openArchives(db, { ...job, mode: 'add' }, { ...context, parallel: undefined });
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
  const unopenable: number[] = [];
  for (const fileReport of report.files) {
    const reasons = report.findings.filter((finding) => finding.file === fileReport.path && failingKinds.has(finding.kind));
    if ((fileReport.format === null || fileReport.entries === 0) && (reasons.length > 0 || fileReport.format === null)) {
      const message = reasons.map((finding) => finding.detail).join(' ') || `No known format matched: ${fileReport.formatReason ?? 'no entry could be read'}.`;
      failed.push({ path: fileReport.path, message });
      const id = fileIds.get(fileReport.path);
      if (id !== undefined) unopenable.push(id);
      fileIds.delete(fileReport.path);
      continue;
    }
    const id = fileIds.get(fileReport.path);
    if (id !== undefined) finishFile(db, id, fileReport, scanId);
  }
  // Only now: removing files also drops verdicts no file refers to, and this scan's is still needed.
  removeFiles(db, unopenable);
  // Paths that produced no file report at all (a missing path, an empty folder) are failures too.
  for (const path of report.unopened) {
    if (!failed.some((f) => f.path === path)) {
      const reason = report.findings.find((finding) => finding.file === path);
      failed.push({ path, message: reason?.detail ?? `${path} could not be opened.` });
    }
  }
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

/**
 * The range threads, when every file of the job can be split: uncompressed, big, and of a chained
 * format (scanArchive splits exactly those). Otherwise null, and the job runs on this thread.
 */
async function parallelPlan(
  files: readonly ArchiveFile[],
  format: FormatId | undefined,
  mapping: GenericMapping | undefined,
  context: OpenContext,
): Promise<ParallelIndexer | null> {
  if (context.parallel === undefined || files.length === 0) return null;
  const pool = context.parallel(context.signal);
  for (const file of files) {
    const known = format ?? (mapping === undefined ? await peekFormat(file) : 'generic');
    if (file.compressed || file.size < pool.minFileBytes || known === null || chainSpecFor(known, mapping) === null) {
      await pool.close();
      return null;
    }
  }
  return pool;
}

/** The format of a file from its first entry, as scanArchive detects it (reading only that far). */
async function peekFormat(file: ArchiveFile): Promise<FormatId | null> {
  const verifier = new FileVerifier({ file: file.path });
  const reader = readLines(file);
  let seen = 0;
  try {
    for await (const batch of reader) {
      for (const line of batch) {
        if (verifier.acceptLine(line).entry || ++seen > 1000) return verifier.detectedFormat;
      }
    }
  } finally {
    await reader.return(undefined as never);
  }
  return null;
}

/** Every entry the verifier counted reached the index through the range threads. */
function indexedEveryFile(pool: ParallelIndexer, report: ScanResult, rangeRows: ReadonlyMap<string, number>): boolean {
  if (pool.failedFiles.size > 0) return false;
  return report.files.every((file) => (rangeRows.get(file.path) ?? 0) === file.entries);
}
