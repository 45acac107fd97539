/**
 * The open pipeline: read → detect → normalize → verify (the verifier's scan does the first and
 * last) → insert, streamed in batches inside transactions, with progress and cancel. Files already
 * indexed are re-indexed in place, never duplicated.
 */
import type { Database } from 'sql.js';
import type { OpenOutcome, OpenProgress, OpenRequest } from '../../../shared/archive.js';
import { FINDING_SEVERITY, type Finding } from '../../../shared/findings.js';
import type { FormatId } from '../../../shared/formats.js';
import { loadMapping } from '../formats/mapping.js';
import { createNormalizer, type Normalizer } from '../formats/normalize/index.js';
import type { ArchiveFile } from '../reader/archive-files.js';
import { scanArchive, type ScannedRecord, type ScanProgress, type ScanResult } from '../verify/index.js';
import { createEntryIndexes, dropEntryIndexes } from './schema.js';
import { listFiles } from './queries.js';
import { beginFile, clearIndex, EntryWriter, finishFile, insertFindings, insertScan, removeFiles } from './writer.js';

export interface OpenContext {
  signal: AbortSignal;
  progress: (progress: OpenProgress) => void;
  /** Milliseconds between progress events. */
  progressIntervalMs?: number;
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
  const normalizers = new Map<FormatId, Normalizer>();
  const ownFindings: Finding[] = [];
  let findingsSeen = 0;
  let bytes = { read: 0, total: 0 };
  let currentFile = job.paths[0] ?? '';
  let lastProgress = 0;
  let bulk = false;
  const interval = context.progressIntervalMs ?? 100;

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

  const onFileStart = (file: ArchiveFile): void => {
    writer.flush();
    currentFile = file.path;
    fileIds.set(file.path, beginFile(db, file.path, { gzip: file.compressed, mtimeMs: file.mtimeMs, size: file.size, mapping: mapping ?? null }));
  };

  const onRecord = async (record: ScannedRecord): Promise<void> => {
    const fileId = fileIds.get(record.location.file);
    if (fileId === undefined) throw new Error(`The verifier sent an entry of ${record.location.file} before announcing the file.`);
    let normalize = normalizers.get(record.format);
    if (normalize === undefined) {
      normalize = createNormalizer(record.format, mapping === undefined ? {} : { mapping });
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

  const onProgress = (progress: ScanProgress): void => {
    bytes = { read: progress.archiveBytesRead, total: progress.archiveBytesTotal };
    currentFile = progress.file;
    if (!bulk && progress.archiveBytesTotal > BULK_LOAD_BYTES && progress.archiveBytesTotal > existingEntries * BYTES_PER_ENTRY_ESTIMATE) {
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

  let report: ScanResult | undefined;
  let failure: unknown;
  try {
    report = await scanArchive(job.paths, {
      ...(job.format === undefined ? {} : { format: job.format }),
      ...(mapping === undefined ? {} : { mapping }),
      onFileStart,
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
