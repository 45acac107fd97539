/**
 * One file of a watched folder: reads what was appended since the last verified offset, holds a
 * partial last line until its newline arrives, verifies and normalizes every complete line once,
 * and notices when bytes it already verified change, disappear or are cut off.
 *
 * Correctness never depends on watcher events: every read starts with a fresh stat and reads from
 * the stored offset. The file is opened read-only for each read and never written.
 */
import { createHash, type Hash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { NormalizedEntry } from '../../../shared/entry.js';
import { FINDING_SEVERITY, type Finding } from '../../../shared/findings.js';
import type { FormatId, GenericMapping } from '../../../shared/formats.js';
import type { TailFileState, TailFileStatus } from '../../../shared/tail.js';
import type { Normalizer } from '../formats/normalize/index.js';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, type RawLine } from '../reader/line-splitter.js';
import { FileVerifier, makeFinding } from '../verify/file-verifier.js';
import { dateOfName } from '../verify/series.js';
import { LineIndex } from './line-index.js';

const READ_CHUNK = 1 << 20;
const NEWLINE = 0x0a;
const DAY_MS = 86_400_000;
/** Non-entry lines before the first entry after which a file is judged not to be an audit log. */
const NOT_A_LOG_AFTER = 3;
/** Changed lines reported one by one; beyond this one summary finding covers the rest. */
const MAX_LINE_FINDINGS = 20;

/** Chain facts of a file that a later file of the same series continues from. */
export interface ChainFacts {
  path: string;
  entries: number;
  /** Stored hash of the last entry, or null when unknown. */
  lastHash: string | null;
  /** The first entry linked to the genesis value (loggers that restart the chain in every file do this). */
  startedAtGenesis: boolean;
}

export interface FollowContext {
  normalizerFor(format: FormatId): Normalizer;
  /** The file before this one in its daily series (same folder and name pattern), if any. */
  previousInSeries(file: FollowedFile): ChainFacts | null;
  format?: FormatId;
  mapping?: GenericMapping;
  maxLineBytes?: number;
}

/** Verified entries read in one go from one file. */
export interface ReadBatch {
  file: string;
  entries: NormalizedEntry[];
  findings: Finding[];
  fromLine: number;
  toLine: number;
  /** Bytes re-read after a restart: already delivered before, so not delivered again as new. */
  replay: boolean;
}

/** Already-verified bytes that changed, vanished or were cut off. */
export interface FileChange {
  kind: 'truncated' | 'modified' | 'deleted' | 'renamed' | 'replaced' | 'changed-while-away' | 'unreadable-while-away';
  file: string;
  /** What changed, in plain language. */
  detail: string;
  /** The verified lines affected (capped), for the marks in the index. */
  lines: number[];
  /** `file-changed` findings that mark those lines. */
  findings: Finding[];
}

export type ReadOutcome =
  | { kind: 'nothing' }
  | { kind: 'batch'; batch: ReadBatch; more: boolean }
  | { kind: 'gone' }
  | { kind: 'replaced'; ino: number }
  | { kind: 'change'; change: FileChange }
  | { kind: 'unreadable'; message: string };

/** Where a restart left this file: the bytes before `offset` were delivered already and must hash to `prefixSha256`. */
export interface ReplayMark {
  offset: number;
  prefixSha256: string;
  lastHash: string | null;
}

function describeIoError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'the file no longer exists';
  if (code === 'EISDIR') return 'it is a folder';
  return (error as Error).message;
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19) + ' UTC';
}

export class FollowedFile {
  readonly name: string;
  state: TailFileState = 'following';
  message: string | null = null;
  /** End of the last complete line read. */
  offset = 0;
  /** Physical lines up to `offset`. */
  lines = 0;
  entries = 0;
  criticalFindings = 0;
  format: FormatId | null;
  lastHash: string | null = null;
  firstPreviousHash: string | null | undefined = undefined;
  /** Stops reading (deleted, replaced, not an audit log); its entries stay delivered. */
  retired = false;
  replay: ReplayMark | null = null;

  private carry: Buffer = Buffer.alloc(0);
  private splitter: LineSplitter;
  private verifier: FileVerifier;
  private prefixHash: Hash = createHash('sha256');
  private readonly index = new LineIndex();
  private nonEntryLinesBeforeFirst = 0;
  private heldFindings: Finding[] = [];
  private partialSince: number | null = null;
  private seenSize = -1;
  private seenMtimeMs = -1;
  private verifiedAtMs = Date.now();

  constructor(
    readonly path: string,
    public ino: number,
    private readonly context: FollowContext,
  ) {
    this.name = basename(path);
    this.format = context.format ?? null;
    this.splitter = new LineSplitter(context.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    this.verifier = this.newVerifier();
  }

  get readOffset(): number {
    return this.offset + this.carry.length;
  }

  get pendingBytes(): number {
    return this.carry.length;
  }

  /** sha256 hex of the verified bytes [0, offset). */
  get prefixSha256(): string {
    return this.prefixHash.copy().digest('hex');
  }

  get facts(): ChainFacts {
    return { path: this.path, entries: this.entries, lastHash: this.lastHash, startedAtGenesis: this.firstPreviousHash === this.verifier.chainSpec?.genesis };
  }

  status(): TailFileStatus {
    return {
      path: this.path,
      state: this.state,
      format: this.format,
      verifiedBytes: this.offset,
      lines: this.lines,
      entries: this.entries,
      criticalFindings: this.criticalFindings,
      pendingBytes: this.carry.length,
      message: this.message,
    };
  }

  /**
   * Reads what is new (at most `maxBytes`). `partialLineWarnMs`: how long a last line may wait
   * for its newline before the state says so.
   */
  async read(maxBytes: number, partialLineWarnMs: number): Promise<ReadOutcome> {
    if (this.retired) return { kind: 'nothing' };
    let info;
    try {
      info = await stat(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'gone' };
      return this.unreadable(error);
    }
    if (info.ino !== this.ino) return { kind: 'replaced', ino: info.ino };
    if (info.size < this.offset) return { kind: 'change', change: await this.recheck('truncated') };
    const mtimeChanged = this.seenMtimeMs >= 0 && info.mtimeMs !== this.seenMtimeMs;
    if (info.size < this.readOffset) {
      // The unterminated tail shrank: those bytes were never verified, so only read them again.
      this.resetAt(this.offset, this.lines);
    }
    if (info.size === this.readOffset && mtimeChanged && info.size === this.seenSize) {
      // Written without growing: something rewrote bytes in place.
      this.seenMtimeMs = info.mtimeMs;
      const change = await this.recheck('modified');
      if (change.findings.length > 0) return { kind: 'change', change };
    }
    this.seenSize = info.size;
    this.seenMtimeMs = info.mtimeMs;
    if (info.size === this.readOffset) {
      this.notePartial(partialLineWarnMs);
      return { kind: 'nothing' };
    }
    const end = Math.min(info.size, this.readOffset + maxBytes);
    let chunkStart = this.readOffset;
    const batch: ReadBatch = { file: this.path, entries: [], findings: [], fromLine: 0, toLine: 0, replay: false };
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      return this.unreadable(error);
    }
    this.readable();
    try {
      while (chunkStart < end) {
        const length = Math.min(READ_CHUNK, end - chunkStart);
        const buffer = Buffer.allocUnsafe(length);
        const { bytesRead } = await handle.read(buffer, 0, length, chunkStart);
        if (bytesRead === 0) break;
        this.consume(buffer.subarray(0, bytesRead), batch);
        chunkStart += bytesRead;
        if (this.retired) break;
      }
    } catch (error) {
      return this.unreadable(error);
    } finally {
      await handle.close();
    }
    this.notePartial(partialLineWarnMs);
    const more = !this.retired && end < info.size;
    if (batch.entries.length === 0 && batch.findings.length === 0) return more ? { kind: 'batch', batch, more } : { kind: 'nothing' };
    return { kind: 'batch', batch, more };
  }

  /**
   * Re-reads the verified bytes and compares them with what was verified. Returns the change
   * (with `lines` empty when nothing verified changed) and re-bases on the file as it now is.
   */
  async recheck(why: FileChange['kind']): Promise<FileChange> {
    const verifiedAt = clock(this.verifiedAtMs);
    let bytes: Buffer;
    try {
      bytes = await readWhole(this.path);
    } catch (error) {
      return { kind: 'unreadable-while-away', file: this.path, detail: `${this.path} cannot be re-read to check it: ${describeIoError(error)}.`, lines: [], findings: [] };
    }
    const oldOffset = this.offset;
    const oldLines = this.lines;
    const limit = Math.min(oldOffset, bytes.length);
    const sameLength = bytes.length >= oldOffset;
    if (sameLength && createHash('sha256').update(bytes.subarray(0, oldOffset)).digest('hex') === this.prefixSha256) {
      return { kind: why, file: this.path, detail: '', lines: [], findings: [] };
    }
    // Compare line by line with the index.
    const splitter = new LineSplitter(this.context.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    const lines = splitter.push(bytes.subarray(0, limit));
    const changed: number[] = [];
    let compared = 0;
    /** Physical line number of the last line of the unchanged beginning. */
    let intactThrough = 0;
    for (const raw of lines) {
      const i = compared++;
      if (i >= this.index.size) break;
      const hash = createHash('sha256').update(raw.bytes).digest().subarray(0, 8);
      const before = this.index.at(i);
      if (!this.index.matches(i, raw.byteOffset, raw.byteLength, hash)) changed.push(before?.line ?? raw.line);
      else if (changed.length === 0) intactThrough = raw.line;
    }
    // Verified lines that are no longer there (or were cut through).
    const removed: number[] = [];
    for (let i = 0; i < this.index.size; i++) {
      const line = this.index.at(i) as NonNullable<ReturnType<LineIndex['at']>>;
      if (line.byteOffset + line.byteLength > bytes.length) removed.push(line.line);
    }
    const removedSet = new Set(removed);
    const changedOnly = changed.filter((line) => !removedSet.has(line));
    const findings: Finding[] = [];
    const mark = (line: number, detail: string): void => {
      if (findings.length < MAX_LINE_FINDINGS) findings.push(makeFinding('file-changed', this.path, line, detail));
    };
    for (const line of changedOnly) mark(line, `Line ${line} changed after Custos verified it (at ${verifiedAt}): its bytes no longer hash to what was verified.`);
    for (const line of removed) mark(line, `Line ${line} was removed after Custos verified it (at ${verifiedAt}): the file was cut short.`);
    const affected = [...changedOnly, ...removed];
    if (affected.length > MAX_LINE_FINDINGS) {
      findings.push(makeFinding('file-changed', this.path, affected[MAX_LINE_FINDINGS] ?? null, `${affected.length - MAX_LINE_FINDINGS} more verified lines of ${this.name} changed or were removed.`));
    }
    let kind: FileChange['kind'] = why;
    let detail: string;
    if (bytes.length < oldOffset) {
      kind = why === 'changed-while-away' ? why : 'truncated';
      detail =
        `${this.name} shrank to ${bytes.length} bytes, below the ${oldOffset} bytes Custos had verified` +
        (removed.length > 0 ? `: ${plural(removed.length, 'verified line')} (${describeLines(removed)}) ${removed.length === 1 ? 'is' : 'are'} gone` : '') +
        (changedOnly.length > 0 ? `, and ${plural(changedOnly.length, 'line')} (${describeLines(changedOnly)}) changed` : '') +
        '.';
    } else if (affected.length > 0) {
      detail = `${plural(affected.length, 'already-verified line')} of ${this.name} changed: ${describeLines(affected)}.`;
    } else {
      detail = `Verified bytes of ${this.name} changed (blank lines or line endings between entries).`;
    }
    if (why === 'changed-while-away') detail = `While Custos was not watching, ${detail.charAt(0).toLowerCase()}${detail.slice(1)}`;
    if (affected.length === 0 && findings.length === 0) findings.push(makeFinding('file-changed', this.path, null, detail));
    this.criticalFindings += findings.length;
    // Re-base on the file as it is now. Lines changed in place are reported, not delivered again;
    // after a cut, whatever follows the unchanged beginning is new writing and is read as new lines.
    const { offset, lines: lineCount } = alignedOffset(bytes, bytes.length < oldOffset ? intactThrough : oldLines);
    this.rebase(bytes.subarray(0, offset), lineCount);
    this.state = kind === 'truncated' ? 'truncated' : 'changed';
    this.message = `${detail} The entries already verified are kept and marked; new lines are still followed.`;
    return { kind, file: this.path, detail, lines: affected.slice(0, 1000), findings };
  }

  /**
   * The periodic safety check: re-hashes the verified bytes (streamed, bounded memory) and only
   * when they differ re-reads lines to say which changed. Returns null when nothing changed.
   */
  async verifyPrefix(): Promise<FileChange | null> {
    if (this.retired || this.offset === 0) return null;
    const expected = this.prefixSha256;
    const hash = createHash('sha256');
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      // A deletion is reported by the next read; a permission change is said here, even with nothing new to read.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.unreadable(error);
      return null;
    }
    this.readable();
    let at = 0;
    try {
      const buffer = Buffer.allocUnsafe(READ_CHUNK);
      while (at < this.offset) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(READ_CHUNK, this.offset - at), at);
        if (bytesRead === 0) break;
        hash.update(buffer.subarray(0, bytesRead));
        at += bytesRead;
      }
    } finally {
      await handle.close();
    }
    if (at === this.offset && hash.digest('hex') === expected) return null;
    const change = await this.recheck(at < this.offset ? 'truncated' : 'modified');
    return change.lines.length > 0 || change.findings.length > 0 ? change : null;
  }

  /**
   * Restart: re-reads the bytes delivered before (up to `mark.offset`) so verification, the chain
   * and the line index are rebuilt; their entries come back flagged `replay`. Returns a change
   * when those bytes no longer hash as they did.
   */
  async replayTo(mark: ReplayMark, onBatch: (batch: ReadBatch) => Promise<void>, partialLineWarnMs: number): Promise<FileChange | null> {
    this.replay = mark;
    let info;
    try {
      info = await stat(this.path);
    } catch (error) {
      this.replay = null;
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null; // the caller reports the deletion
      this.state = 'unreadable';
      this.message = `${this.path} cannot be read: ${describeIoError(error)}; retried until it can.`;
      return { kind: 'unreadable-while-away', file: this.path, detail: this.message, lines: [], findings: [] };
    }
    const target = Math.min(mark.offset, info.size);
    while (this.offset < target && !this.retired) {
      const outcome = await this.read(Math.min(8 * READ_CHUNK, target - this.readOffset), partialLineWarnMs);
      if (outcome.kind === 'batch') {
        outcome.batch.replay = true;
        await onBatch(outcome.batch);
      } else if (outcome.kind !== 'nothing') break;
      if (this.readOffset >= target) break;
      if (outcome.kind === 'nothing') break;
    }
    this.replay = null;
    // The replay may have read a partial line up to target: bytes past the mark are new.
    const intact = info.size >= mark.offset && this.offset === mark.offset && this.prefixSha256 === mark.prefixSha256;
    if (intact) return null;
    const detail =
      info.size < mark.offset
        ? `While Custos was not watching, ${this.name} shrank to ${info.size} bytes, below the ${mark.offset} bytes already verified and delivered.`
        : `While Custos was not watching, bytes of ${this.name} that were already verified and delivered changed (the first ${mark.offset} bytes no longer hash the same).`;
    const finding = makeFinding('file-changed', this.path, null, detail);
    this.criticalFindings++;
    this.state = info.size < mark.offset ? 'truncated' : 'changed';
    this.message = `${detail} Entries are re-read as they are now; new lines are still followed.`;
    return { kind: 'changed-while-away', file: this.path, detail, lines: [], findings: [finding] };
  }

  /** Marks the file as no longer followed. */
  retire(state: TailFileState, message: string): void {
    this.retired = true;
    this.state = state;
    this.message = message;
    this.carry = Buffer.alloc(0);
  }

  private readable(): void {
    if (this.state !== 'unreadable') return;
    this.state = 'following';
    this.message = null;
  }

  private unreadable(error: unknown): ReadOutcome {
    const message = `${this.path} cannot be read: ${describeIoError(error)}. Custos retries until it can; the other files are still followed.`;
    const first = this.state !== 'unreadable';
    this.state = 'unreadable';
    this.message = message;
    return first ? { kind: 'unreadable', message } : { kind: 'nothing' };
  }

  private notePartial(warnMs: number): void {
    if (this.carry.length === 0) {
      this.partialSince = null;
      if (this.state === 'incomplete-line') {
        this.state = 'following';
        this.message = null;
      }
      return;
    }
    const now = Date.now();
    this.partialSince ??= now;
    if (now - this.partialSince >= warnMs && this.state === 'following') {
      this.state = 'incomplete-line';
      this.message = `The last line of ${this.name} (${this.carry.length} bytes) has had no newline since ${clock(this.partialSince)}: the writer may have crashed mid-line. It is held until its newline arrives.`;
    }
  }

  /** Feeds newly read bytes: complete lines are verified, a partial last line is held. */
  private consume(chunk: Buffer, batch: ReadBatch): void {
    const lines = this.splitter.push(chunk);
    const all = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    const lastNewline = all.lastIndexOf(NEWLINE);
    if (lastNewline >= 0) {
      this.prefixHash.update(all.subarray(0, lastNewline + 1));
      this.offset += lastNewline + 1;
      this.lines = this.splitter.line - 1;
      this.carry = Buffer.from(all.subarray(lastNewline + 1));
      this.verifiedAtMs = Date.now();
    } else {
      this.carry = Buffer.from(all);
    }
    for (const raw of lines) {
      this.acceptLine(raw, batch);
      if (this.retired) return;
    }
  }

  private acceptLine(raw: RawLine, batch: ReadBatch): void {
    const digest = createHash('sha256').update(raw.bytes).digest();
    this.index.add(raw.line, raw.byteOffset, raw.byteLength, digest.subarray(0, 8));
    const outcome = this.verifier.acceptLine(raw);
    const findings = [...outcome.findings];
    const format = this.verifier.detectedFormat;
    if (format !== null) this.format = format;
    if (!outcome.entry || outcome.value === null || format === null) {
      if (this.entries === 0) {
        this.nonEntryLinesBeforeFirst++;
        this.heldFindings.push(...findings);
        if (this.verifierGaveUp() || this.nonEntryLinesBeforeFirst >= NOT_A_LOG_AFTER) this.giveUp(batch);
        return;
      }
      this.lastHash = null;
      this.record(findings, batch);
      return;
    }
    const value = outcome.value;
    const spec = this.verifier.chainSpec;
    if (this.entries === 0) {
      findings.unshift(...this.heldFindings);
      this.heldFindings = [];
      if (spec) {
        const previous = value.get(spec.previousHashField);
        this.firstPreviousHash = typeof previous === 'string' ? previous : null;
        findings.push(...this.checkSeriesLink(raw.line, this.firstPreviousHash, spec.genesis));
      }
    }
    if (spec) {
      const stored = value.get(spec.hashField);
      this.lastHash = typeof stored === 'string' ? stored : null;
    }
    const normalize = this.context.normalizerFor(format);
    const { entry, timestampError } = normalize(value, { file: this.path, line: raw.line, byteOffset: raw.byteOffset, byteLength: raw.byteLength }, digest.toString('hex'));
    if (entry.timeMs === null) {
      findings.push({
        kind: 'bad-timestamp',
        severity: FINDING_SEVERITY['bad-timestamp'],
        file: this.path,
        line: raw.line,
        detail: `The entry's timestamp ${entry.timeRaw === null ? 'is missing' : `"${entry.timeRaw}" cannot be read`}${timestampError ? `: ${timestampError}` : ''}. The entry is kept.`,
        ...(entry.timeRaw === null ? {} : { found: entry.timeRaw }),
      });
    }
    this.entries++;
    if (batch.entries.length === 0) batch.fromLine = raw.line;
    batch.toLine = raw.line;
    batch.entries.push(entry);
    this.record(findings, batch);
  }

  private record(findings: Finding[], batch: ReadBatch): void {
    for (const finding of findings) if (finding.severity === 'critical') this.criticalFindings++;
    batch.findings.push(...findings);
  }

  private verifierGaveUp(): boolean {
    // The first entry was valid JSON of no known format: the verifier decided and found none.
    return this.heldFindings.some((finding) => finding.kind === 'unknown-format');
  }

  private giveUp(batch: ReadBatch): void {
    const unknown = this.heldFindings.find((finding) => finding.kind === 'unknown-format');
    const firstProblem = this.heldFindings[0];
    const reason = unknown
      ? unknown.detail
      : `its first ${plural(this.nonEntryLinesBeforeFirst, 'line')} ${this.nonEntryLinesBeforeFirst === 1 ? 'is' : 'are'} not JSON audit entries${firstProblem ? ` (line ${firstProblem.line}: ${firstProblem.detail})` : ''}`;
    const detail = `${this.name} is not followed: ${reason.replace(/\.$/, '')}.`;
    batch.findings.push(makeFinding('unknown-format', this.path, firstProblem?.line ?? null, detail));
    this.heldFindings = [];
    this.retire('not-audit-log', detail);
  }

  /** The first entry of a file either starts the series' chain or continues the previous file's. */
  private checkSeriesLink(line: number, found: string | null, genesis: string): Finding[] {
    const previous = this.context.previousInSeries(this);
    const findings: Finding[] = [];
    if (previous === null) {
      if (found !== genesis) {
        findings.push(
          makeFinding('link-break', this.path, line, `The first entry should link to "${genesis}" but links elsewhere: entries before it are missing, or the file starts in the middle of a chain (an earlier file may be missing).`, {
            expected: genesis,
            ...(found === null ? {} : { found }),
          }),
        );
      }
      return findings;
    }
    let continuous = false;
    if (previous.lastHash !== null) {
      const independent = found === genesis && previous.startedAtGenesis;
      continuous = found === previous.lastHash;
      if (!continuous && !independent) {
        const previousName = basename(previous.path);
        findings.push(
          makeFinding(
            'continuity-break',
            this.path,
            line,
            found === genesis
              ? `The chain restarts from "${genesis}" here instead of continuing from the last entry of ${previousName}: the chain was restarted, or entries or files between them were replaced.`
              : `The first entry does not continue from the last entry of ${previousName}: entries at the end of that file, or a whole file between them, are missing or were replaced.`,
            { expected: previous.lastHash, ...(found === null ? {} : { found }) },
          ),
        );
      }
    }
    const before = dateOfName(previous.path);
    const mine = dateOfName(this.path);
    if (before !== null && mine !== null && mine - before > DAY_MS) {
      const missing = Math.round((mine - before) / DAY_MS) - 1;
      const consequence = continuous
        ? 'but the hash chain continues across the gap, so no chained entries are missing: most likely a day without activity.'
        : "that day's log may have been removed.";
      findings.push(
        makeFinding('file-gap', this.path, null, `${plural(missing, 'day')} without a file between ${basename(previous.path)} and ${this.name}: ${consequence}`, continuous ? { severity: 'info' } : {}),
      );
    }
    return findings;
  }

  private newVerifier(): FileVerifier {
    return new FileVerifier({
      file: this.path,
      needValues: true,
      firstLink: { kind: 'deferred' },
      ...(this.context.format === undefined ? {} : { format: this.context.format, formatReason: 'chosen for this tail' }),
      ...(this.context.mapping === undefined ? {} : { mapping: this.context.mapping }),
    });
  }

  private resetAt(offset: number, lines: number): void {
    this.carry = Buffer.alloc(0);
    this.splitter = new LineSplitter(this.context.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES, offset, lines + 1);
  }

  /** Takes `verified` (the file's first bytes, ending at a line end) as the verified prefix. */
  private rebase(verified: Buffer, lineCount: number): void {
    this.prefixHash = createHash('sha256').update(verified);
    this.index.clear();
    const splitter = new LineSplitter(this.context.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    for (const raw of splitter.push(verified)) this.index.add(raw.line, raw.byteOffset, raw.byteLength, createHash('sha256').update(raw.bytes).digest().subarray(0, 8));
    this.offset = verified.length;
    this.lines = lineCount;
    this.resetAt(this.offset, this.lines);
    this.verifiedAtMs = Date.now();
    this.seenSize = -1;
    this.seenMtimeMs = -1;
  }
}

/** The end of physical line `lines` in `bytes`, or of the last complete line when there are fewer. */
function alignedOffset(bytes: Buffer, lines: number): { offset: number; lines: number } {
  let offset = 0;
  let count = 0;
  while (count < lines) {
    const nl = bytes.indexOf(NEWLINE, offset);
    if (nl === -1) break;
    offset = nl + 1;
    count++;
  }
  return { offset, lines: count };
}

async function readWhole(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.allocUnsafe(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await handle.read(buffer, at, size - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return buffer.subarray(0, at);
  } finally {
    await handle.close();
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "3, 7 and 9" or "3–40" for long runs. */
function describeLines(lines: readonly number[]): string {
  const sorted = [...lines].sort((a, b) => a - b);
  if (sorted.length === 0) return '';
  if (sorted.length === 1) return `line ${sorted[0]}`;
  const contiguous = sorted.every((line, i) => i === 0 || line === (sorted[i - 1] as number) + 1);
  if (contiguous && sorted.length > 3) return `lines ${sorted[0]}–${sorted[sorted.length - 1]}`;
  if (sorted.length <= 6) return `lines ${sorted.slice(0, -1).join(', ')} and ${sorted[sorted.length - 1]}`;
  return `lines ${sorted.slice(0, 5).join(', ')} and ${sorted.length - 5} more`;
}
