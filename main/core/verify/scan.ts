/**
 * scanArchive: read, detect, verify and report a whole archive (files and folders), streaming.
 * See index.ts for the API contract.
 */
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { Finding, FindingKind } from '../../../shared/findings.js';
import type { FormatId, GenericMapping } from '../../../shared/formats.js';
import type { SourceLocation } from '../../../shared/entry.js';
import type { FileReport, VerifyReport } from '../../../shared/verification.js';
import { chainSpecFor, describeCoverage, sha256Hex } from '../formats/chain-spec.js';
import type { PyObject } from '../json/py-value.js';
import { collectArchiveFiles, compareNatural, type ArchiveFile } from '../reader/archive-files.js';
import { readLines } from '../reader/read-lines.js';
import { checkAnchors, hasAnchor, type AnchorExpectation, type ArchiveEnd } from './anchors.js';
import { FileVerifier, type VerifiedSpan } from './file-verifier.js';
import { mergeSpans } from './merge-spans.js';
import type { BlockRequest, RangeRequest } from './range-verify.js';
import { verifyCompressedInBlocks } from './compressed-blocks.js';
import { splitGuided } from './range-verify.js';
import { verifyWholeFile, type ScannedFile, type WholeFileRequest } from './whole-file.js';
import { checkSeries, type SeriesMember } from './series.js';
import { computeVerdict } from './verdict.js';

/** One verified-or-not entry, as the store and live tail consume it. */
export interface ScannedRecord {
  value: PyObject;
  format: FormatId;
  location: SourceLocation;
  /** sha256 hex of the line's bytes (without its terminator), to re-check a line re-read from disk. */
  lineSha256: string;
}

export interface ScanProgress {
  file: string;
  /** Bytes of this file read from disk so far. */
  bytesRead: number;
  /** Size of this file on disk. */
  bytesTotal: number;
  /** Bytes read from disk over all files so far, and their total size. */
  archiveBytesRead: number;
  archiveBytesTotal: number;
  /** Entries and findings over the whole archive so far. */
  entries: number;
  findings: number;
}

/** Runs byte ranges of a file on other threads (main/worker/verify-pool.ts); core stays thread-free. */
export interface ParallelVerifier {
  readonly concurrency: number;
  verifyRange(request: RangeRequest, onProgress?: (bytesDone: number) => void): Promise<VerifiedSpan>;
  /**
   * Verifies a whole file on another thread. A pool that has it needs no per-file set-up
   * (onFileStart), so scanArchive verifies the next files ahead of their turn: a folder of daily
   * files (gzip, unchained or small) then keeps every thread busy, not only its big files.
   */
  verifyFile?(request: WholeFileRequest, onProgress?: (bytesRead: number) => void): Promise<ScannedFile>;
  /** Verifies a block of an inflated .gz (whole lines; its buffer is handed over): big .gz files then use every thread too. */
  verifyBlock?(request: BlockRequest, bytes: Uint8Array): Promise<VerifiedSpan>;
}

export interface ScanOptions extends AnchorExpectation {
  /** Read every file as this format instead of detecting it. */
  format?: FormatId;
  /** Mapping for the generic format; when given (and no format is forced), files are read as generic. */
  mapping?: GenericMapping;
  /**
   * A mapping per file instead (a session mixing files opened with different mappings, or none):
   * a file it gives one for is read as `mapping` says above; the others with `mapping`, if any.
   */
  mappingFor?: (path: string) => GenericMapping | undefined;
  onFileStart?: (file: ArchiveFile) => void | Promise<void>;
  onRecord?: (record: ScannedRecord) => void | Promise<void>;
  onFinding?: (finding: Finding) => void;
  onFileDone?: (report: FileReport) => void | Promise<void>;
  onProgress?: (progress: ScanProgress) => void;
  signal?: AbortSignal;
  /** Verify large uncompressed chained files on several threads. Only used when there is no onRecord. */
  parallel?: ParallelVerifier;
  /** Files at least this big are split into ranges for `parallel` (default 8 MiB); smaller ones go to it whole when read ahead. */
  parallelMinBytes?: number;
}

export interface ScanResult extends VerifyReport {
  /** The anchor expectation was given and checked. */
  anchored: boolean;
  /** Paths given that could not be opened at all (an I/O error, not a finding about the evidence). */
  unopened: string[];
}

const HASH_READ_BYTES = 1 << 20;
/** Enough for the first entry of any log: format detection reads no further. */
const PEEK_READ_BYTES = 64 << 10;
/** Files verified ahead of the one being reported, when the pool verifies whole files (ParallelVerifier.verifyFile). */
const READ_AHEAD_FILES = 8;
/** The smallest range worth a trip to a worker (bigger files use at most ~32 ranges per thread). */
const MIN_RANGE_BYTES = 1 << 20;

const INTEGRITY_CHAIN_KINDS: ReadonlySet<FindingKind> = new Set(['hash-mismatch', 'link-break', 'parse-error', 'continuity-break', 'unreadable']);

function abortError(): Error {
  const error = new Error('Verification was cancelled.');
  error.name = 'AbortError';
  return error;
}

/** Read buffers of finished hashFile calls, reused by the next ones (files of a folder are hashed a few at a time). */
const idleHashBuffers: Buffer[] = [];

/** sha256 of a file, read in large pieces into a reused buffer (no garbage per piece or per file). */
async function hashFile(path: string): Promise<string | null> {
  const hash = createHash('sha256');
  let handle: FileHandle | null = null;
  const buffer = idleHashBuffers.pop() ?? Buffer.allocUnsafe(HASH_READ_BYTES);
  try {
    handle = await open(path, 'r');
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
    return hash.digest('hex');
  } catch {
    return null;
  } finally {
    await handle?.close();
    if (idleHashBuffers.length < READ_AHEAD_FILES + 1) idleHashBuffers.push(buffer);
  }
}

export async function scanArchive(paths: readonly string[], options: ScanOptions = {}): Promise<ScanResult> {
  const collected = await collectArchiveFiles(paths);
  const findings: Finding[] = [];
  const emit = (list: readonly Finding[]): void => {
    for (const f of list) {
      findings.push(f);
      options.onFinding?.(f);
    }
  };
  emit(collected.findings);
  const archiveBytesTotal = collected.files.reduce((sum, f) => sum + f.size, 0);
  let archiveBytesDone = 0;
  let entries = 0;
  const members: SeriesMember[] = [];
  const reports: FileReport[] = [];
  const fileFindings = new Map<string, Finding[]>();

  const ahead = new ReadAhead(collected.files, options);
  for (const [index, file] of collected.files.entries()) {
    if (options.signal?.aborted) throw abortError();
    ahead.startAfter(index);
    await options.onFileStart?.(file);
    const fileOptions = optionsFor(options, file);
    const context: FileContext = {
      options: fileOptions,
      progress: (bytesRead) =>
        options.onProgress?.({
          file: file.path,
          bytesRead,
          bytesTotal: file.size,
          archiveBytesRead: archiveBytesDone + bytesRead,
          archiveBytesTotal,
          entries,
          findings: findings.length,
        }),
      countEntry: () => entries++,
      emit,
    };
    const { span, sha256 } = (await ahead.take(index, context)) ?? (await scanFile(file, context));
    if (options.signal?.aborted) throw abortError();
    archiveBytesDone += file.size;
    const spec = span.format ? chainSpecFor(span.format, fileOptions.mapping) : null;
    members.push({ path: file.path, span, spec });
    reports.push(fileReport(file, span, sha256, spec));
    fileFindings.set(file.path, span.findings);
  }

  const seriesFindings = checkSeries(members);
  emit(seriesFindings);
  for (const f of seriesFindings) fileFindings.get(f.file)?.push(f);

  const anchored = hasAnchor(options);
  if (anchored) emit(checkAnchors(archiveEnd(members, reports), options));

  for (const report of reports) {
    if (report.chain.status === 'unchained') continue;
    const broken = (fileFindings.get(report.path) ?? []).some((f) => f.severity === 'critical' && INTEGRITY_CHAIN_KINDS.has(f.kind));
    report.chain.status = broken ? 'broken' : 'intact';
  }
  for (const report of reports) await options.onFileDone?.(report);

  // Files are read in natural path order; a missing day's file-gap sorts into its place among them.
  findings.sort((a, b) => (a.file === b.file ? (a.line ?? 0) - (b.line ?? 0) : compareNatural(a.file, b.file)));
  const verdict = computeVerdict(reports, findings, { anchored });
  const result: ScanResult = { files: reports, findings, verdict, anchored, unopened: collected.unopened };
  if (collected.skipped.length > 0) result.skipped = collected.skipped;
  return result;
}

/** The options one file is read with: its own mapping, when the session gives files different ones. */
function optionsFor(options: ScanOptions, file: ArchiveFile): ScanOptions {
  const own = options.mappingFor?.(file.path);
  return own === undefined ? options : { ...options, mapping: own };
}

interface FileContext {
  options: ScanOptions;
  progress: (bytesRead: number) => void;
  countEntry: () => void;
  emit: (findings: readonly Finding[]) => void;
}

async function scanFile(file: ArchiveFile, context: FileContext): Promise<ScannedFile> {
  const { options } = context;
  const parallel = options.parallel;
  if (parallel && !options.onRecord && file.size >= (options.parallelMinBytes ?? 8 << 20)) {
    try {
      const scanned = await verifyOnPool(file, parallel, options, context.progress);
      if (scanned) return reportPoolScan(scanned, context);
    } catch {
      // The file could not be split or a worker failed: read it on this thread, which reports why.
    }
  }
  return scanFileSequentially(file, context);
}

/**
 * Files after the current one, verified on the pool before their turn: plain chained files in
 * ranges (split when big), others whole. Their results are reported in file order, as if read when reached.
 */
interface AheadJob {
  done: Promise<ScannedFile | null>;
  /** Bytes done so far, and who to tell about more (the progress of the file being reported). */
  bytes: number;
  follow: ((bytes: number) => void) | null;
}

class ReadAhead {
  private readonly jobs = new Map<number, AheadJob>();
  private readonly enabled: boolean;

  constructor(
    private readonly files: readonly ArchiveFile[],
    private readonly options: ScanOptions,
  ) {
    this.enabled = options.parallel?.verifyFile !== undefined && !options.onRecord;
  }

  /** Starts the files after `index` that are not started yet (up to READ_AHEAD_FILES ahead). */
  startAfter(index: number): void {
    const parallel = this.options.parallel;
    if (!this.enabled || !parallel) return;
    for (let next = index + 1; next < Math.min(this.files.length, index + 1 + READ_AHEAD_FILES); next++) {
      const file = this.files[next] as ArchiveFile;
      if (this.jobs.has(next)) continue;
      const job: AheadJob = { done: Promise.resolve(null), bytes: 0, follow: null };
      const onBytes = (bytes: number): void => {
        job.bytes = bytes;
        job.follow?.(bytes);
      };
      job.done = this.verifyAhead(file, parallel, onBytes).catch(() => null); // the file is then read when reached, which reports why
      this.jobs.set(next, job);
    }
  }

  private async verifyAhead(file: ArchiveFile, parallel: ParallelVerifier, onBytes: (bytes: number) => void): Promise<ScannedFile | null> {
    const options = optionsFor(this.options, file);
    const { format, mapping } = options;
    // Small .gz files go whole; big ones, and every plain file, are split.
    const split = !file.compressed || file.size >= (options.parallelMinBytes ?? 8 << 20) ? await verifyOnPool(file, parallel, options, onBytes) : null;
    if (split || !parallel.verifyFile) return split;
    return parallel.verifyFile({ file, ...(format === undefined ? {} : { format }), ...(mapping === undefined ? {} : { mapping }) }, onBytes);
  }

  /** The result of file `index` if it was started ahead (null: read it now), reported as the current file. */
  async take(index: number, context: FileContext): Promise<ScannedFile | null> {
    const job = this.jobs.get(index);
    if (!job) return null;
    this.jobs.delete(index);
    job.follow = context.progress;
    context.progress(job.bytes);
    const scanned = await job.done;
    return scanned && reportPoolScan(scanned, context);
  }
}

/**
 * Verifies a chained file on the pool, split: an uncompressed one in byte ranges (several per thread
 * when big, one when small) while this thread hashes it, a .gz in inflated blocks. Null when the
 * file does not qualify (unchained, or a .gz and a pool without blocks).
 */
async function verifyOnPool(file: ArchiveFile, parallel: ParallelVerifier, options: ScanOptions, onBytes: (bytesDone: number) => void): Promise<ScannedFile | null> {
  const verifyBlock = parallel.verifyBlock?.bind(parallel);
  if (file.compressed && !verifyBlock) return null;
  const detected = options.format ? { format: options.format, reason: 'chosen with --format' } : await peekFormat(file, options.mapping);
  const spec = detected ? chainSpecFor(detected.format, options.mapping) : null;
  if (!detected || !spec) return null;
  if (file.compressed && verifyBlock) {
    return verifyCompressedInBlocks({
      file,
      format: detected.format,
      formatReason: detected.reason,
      ...(options.mapping ? { mapping: options.mapping } : {}),
      spec,
      verifyBlock,
      inFlight: 2 * parallel.concurrency + 1,
      ...(options.signal ? { signal: options.signal } : {}),
      onBytes,
    });
  }
  // Several ranges per thread, biggest first: the pool hands them out as threads come free, so the
  // threads finish together even when one of them shares its core with other work (hashing the file, other programs).
  const ranges =
    file.size >= (options.parallelMinBytes ?? 8 << 20)
      ? splitGuided(file.path, file.size, parallel.concurrency, Math.max(MIN_RANGE_BYTES, Math.ceil(file.size / (64 * parallel.concurrency))))
      : [{ start: 0, end: file.size }];
  const done = ranges.map(() => 0);
  const digest = hashFile(file.path);
  const spans = await Promise.all(
    ranges.map((range, i) =>
      parallel.verifyRange({ path: file.path, start: range.start, end: range.end, format: detected.format, formatReason: detected.reason, mapping: options.mapping }, (bytes) => {
        done[i] = bytes;
        onBytes(done.reduce((a, b) => a + b, 0));
      }),
    ),
  );
  return { span: mergeSpans(file.path, spec, spans), sha256: await digest };
}

/** Counts and emits a pool-verified file's entries and findings, in the file's turn. */
function reportPoolScan(scanned: ScannedFile, context: FileContext): ScannedFile {
  for (let i = 0; i < scanned.span.entries; i++) context.countEntry();
  context.emit(scanned.span.findings);
  return scanned;
}

/** The format of a file from its first parseable entry (reading only as far as that). */
async function peekFormat(file: ArchiveFile, mapping?: GenericMapping): Promise<{ format: FormatId; reason: string } | null> {
  const verifier = new FileVerifier({ file: file.path, mapping });
  // Small pieces: only the first entry is wanted, not a megabyte of lines.
  const reader = readLines(file, { chunkBytes: PEEK_READ_BYTES });
  let seen = 0;
  try {
    for await (const batch of reader) {
      for (const line of batch) {
        const outcome = verifier.acceptLine(line);
        if (outcome.entry || ++seen > 1000) {
          const span = verifier.finish();
          return span.format ? { format: span.format, reason: span.formatReason ?? '' } : null;
        }
      }
    }
  } finally {
    await reader.return(undefined as never);
  }
  return null;
}

async function scanFileSequentially(file: ArchiveFile, context: FileContext): Promise<ScannedFile> {
  const { options } = context;
  return verifyWholeFile(
    { file, ...(options.format === undefined ? {} : { format: options.format }), ...(options.mapping === undefined ? {} : { mapping: options.mapping }) },
    {
      needValues: options.onRecord !== undefined,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onBytes: context.progress,
      onLine: async (line, outcome, format) => {
        context.emit(outcome.findings);
        if (!outcome.entry) return;
        context.countEntry();
        if (options.onRecord && format && outcome.value) {
          await options.onRecord({
            value: outcome.value,
            format,
            location: { file: file.path, line: line.line, byteOffset: line.byteOffset, byteLength: line.byteLength },
            lineSha256: sha256Hex(line.bytes),
          });
        }
      },
      onEndFindings: context.emit,
    },
  );
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function fileReport(file: ArchiveFile, span: VerifiedSpan, sha256: string | null, spec: ReturnType<typeof chainSpecFor>): FileReport {
  const coverage = spec ? describeCoverage(spec, span.seenFields) : { coveredFields: [], uncoveredFields: [...span.seenFields].sort() };
  const report: FileReport = {
    path: file.path,
    format: span.format,
    entries: span.entries,
    lines: span.lines,
    size: file.size,
    sha256: sha256 ?? '',
    chain: { status: spec ? 'intact' : 'unchained', headHash: spec ? span.headHash : null, ...coverage },
    firstTime: isoOrNull(span.minTimeMs),
    lastTime: isoOrNull(span.maxTimeMs),
  };
  if (span.formatReason) report.formatReason = span.formatReason;
  return report;
}

function archiveEnd(members: readonly SeriesMember[], reports: readonly FileReport[]): ArchiveEnd {
  let head: ArchiveEnd['head'] = null;
  for (const member of members) {
    const last = member.span.lastEntry;
    if (member.spec && last && last.hash !== null) head = { file: member.path, line: last.line, hash: last.hash };
  }
  return { head, lines: reports.reduce((sum, r) => sum + r.lines, 0), lastFile: reports[reports.length - 1]?.path ?? '' };
}
