/**
 * Verifies one byte range of an uncompressed file: the unit of parallel work. Ranges start right
 * after a newline, so each holds whole lines; their spans are joined by mergeSpans. Synchronous
 * reads are deliberate: this runs on a worker thread, where blocking costs nothing and is fastest.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { FormatId, GenericMapping } from '../../../shared/formats.js';
import { canonicalChunkBuffer } from '../json/fast-canonical.js';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, type RawLine } from '../reader/line-splitter.js';
import { FileVerifier, makeFinding, type VerifiedSpan } from './file-verifier.js';

export interface RangeRequest {
  path: string;
  /** First byte (0, or just after a newline). */
  start: number;
  /** One past the last byte (the file size, or just after a newline). */
  end: number;
  format: FormatId;
  formatReason: string;
  mapping?: GenericMapping;
}

const CHUNK_BYTES = 4 << 20;
const PROGRESS_EVERY = 32 << 20;

/** A block of a decompressed stream, verified like a range: whole lines, from stream offset `start`. */
export type BlockRequest = Omit<RangeRequest, 'end'>;

/** The verifier and line splitter of one range or block, lines numbered from its start. */
function spanReader(request: BlockRequest) {
  const verifier = new FileVerifier({ file: request.path, format: request.format, formatReason: request.formatReason, mapping: request.mapping, firstLink: { kind: 'deferred' }, rangeLines: true });
  const splitter = new LineSplitter(DEFAULT_MAX_LINE_BYTES, request.start, 1);
  const visit = (bytes: Buffer, start: number, end: number, line: number, byteOffset: number): void => verifier.acceptBytes(bytes, start, end, line, byteOffset);
  const other = (line: RawLine): void => void verifier.acceptLine(line);
  /** Ends the input: the last line (unterminated, unless reading failed before it ended), the line count, the span. */
  const finish = (lastLineComplete = true): VerifiedSpan => {
    if (lastLineComplete) for (const line of splitter.end()) verifier.acceptLine(line);
    verifier.setPhysicalLines(splitter.line - 1);
    return verifier.finish();
  };
  return { verifier, splitter, visit, other, finish };
}

/**
 * Verifies a block already in memory (a piece of an inflated .gz, cut after a newline except for
 * the last): passed through the canonicalizer's memory a chunk at a time, like a range read from disk.
 */
export function verifyBlock(request: BlockRequest, bytes: Uint8Array): VerifiedSpan {
  const { splitter, visit, other, finish } = spanReader(request);
  const buffer = canonicalChunkBuffer(CHUNK_BYTES);
  for (let at = 0; at < bytes.length; at += CHUNK_BYTES) {
    const n = Math.min(CHUNK_BYTES, bytes.length - at);
    buffer.set(bytes.subarray(at, at + n));
    splitter.pushEach(buffer.subarray(0, n), visit, other);
  }
  return finish();
}

export function verifyRange(request: RangeRequest, onProgress?: (bytesDone: number) => void): VerifiedSpan {
  const { verifier, splitter, visit, other, finish } = spanReader(request);
  // Read into the canonicalizer's own memory: its fast path then reads each line where it lies.
  const buffer = canonicalChunkBuffer(CHUNK_BYTES);
  let fd: number | null = null;
  let failed = false;
  let position = request.start;
  let reported = 0;
  try {
    fd = openSync(request.path, 'r');
    while (position < request.end) {
      const n = readSync(fd, buffer, 0, Math.min(CHUNK_BYTES, request.end - position), position);
      if (n === 0) {
        verifier.addFinding(makeFinding('unreadable', request.path, null, `The file ended at byte ${position}, earlier than expected: it shrank while being read.`));
        break;
      }
      position += n;
      splitter.pushEach(buffer.subarray(0, n), visit, other);
      if (onProgress && position - reported >= PROGRESS_EVERY) {
        reported = position;
        onProgress(position - request.start);
      }
    }
  } catch (error) {
    verifier.addFinding(makeFinding('unreadable', request.path, null, `Reading stopped at byte ${position}: ${(error as Error).message}. The lines before it were checked.`));
    failed = true;
  } finally {
    if (fd !== null) closeSync(fd);
  }
  onProgress?.(position - request.start);
  return finish(!failed);
}

/** Splits [0, size) into up to `parts` ranges that start right after a newline. */
export function splitAtLines(path: string, size: number, parts: number): Array<{ start: number; end: number }> {
  const targets: number[] = [];
  for (let i = 1; i < parts; i++) targets.push(Math.floor((size * i) / parts));
  return splitNear(path, size, targets);
}

/**
 * Splits [0, size) for `threads` threads taking ranges from a queue ("guided" sizes): each range is
 * 1/(2·threads) of what is left, but at least `minBytes`, so the big ranges go first and the last
 * ones are small — the threads finish together even when one of them was slowed down.
 */
export function splitGuided(path: string, size: number, threads: number, minBytes: number): Array<{ start: number; end: number }> {
  const targets: number[] = [];
  let at = 0;
  for (;;) {
    at += Math.max(minBytes, Math.ceil((size - at) / (2 * Math.max(1, threads))));
    if (at >= size - minBytes / 2) break;
    targets.push(at);
  }
  // A file too small for that still gets one range per thread.
  return targets.length + 1 < threads ? splitAtLines(path, size, threads) : splitNear(path, size, targets);
}

/** Ranges of [0, size) cut at the first line start at or after each target offset (ascending). */
function splitNear(path: string, size: number, targets: readonly number[]): Array<{ start: number; end: number }> {
  const bounds = [0];
  const probe = Buffer.allocUnsafe(64 * 1024);
  const fd = openSync(path, 'r');
  try {
    for (const target of targets) {
      let position = Math.max(target, bounds[bounds.length - 1] as number);
      let boundary = -1;
      while (position < size) {
        const n = readSync(fd, probe, 0, probe.length, position);
        if (n === 0) break;
        const nl = probe.subarray(0, n).indexOf(0x0a);
        if (nl !== -1) {
          boundary = position + nl + 1;
          break;
        }
        position += n;
      }
      if (boundary === -1 || boundary >= size) break;
      if (boundary > (bounds[bounds.length - 1] as number)) bounds.push(boundary);
    }
  } finally {
    closeSync(fd);
  }
  bounds.push(size);
  const ranges: Array<{ start: number; end: number }> = [];
  for (let i = 0; i + 1 < bounds.length; i++) ranges.push({ start: bounds[i] as number, end: bounds[i + 1] as number });
  return ranges;
}
