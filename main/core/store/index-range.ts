/**
 * Verifies AND packs one byte range of an uncompressed file: the unit of parallel work when
 * opening an archive. Verification is exactly verifyRange's (same FileVerifier, same options, same
 * line splitting), so the span merges with the others as if the file had been verified in one go;
 * each entry is also normalized and packed for the index writer. Lines are numbered from 1 within
 * the range (the receiver shifts them, as mergeSpans shifts findings). Synchronous reads on purpose:
 * this runs on a worker thread.
 */
import { hash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import type { Finding } from '../../../shared/findings.js';
import { createNormalizer } from '../formats/normalize/index.js';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, type RawLine } from '../reader/line-splitter.js';
import { FileVerifier, makeFinding, type RangeRequest, type VerifiedSpan } from '../verify/index.js';
import type { RowBatch, RowBatchPacker } from './row-batch.js';
import { badTimestampFinding } from './timestamp-finding.js';

export interface IndexedRange {
  span: VerifiedSpan;
  /** Findings of the normalizer (unreadable timestamps), lines numbered within the range. */
  findings: Finding[];
}

export interface IndexRangeHooks {
  /** A full batch of the range's entries, in line order. */
  onBatch: (batch: RowBatch) => void;
  onProgress?: (bytesDone: number) => void;
}

const CHUNK_BYTES = 4 << 20;
const PROGRESS_EVERY = 4 << 20;

export function indexRange(request: RangeRequest, packer: RowBatchPacker, hooks: IndexRangeHooks): IndexedRange {
  const verifier = new FileVerifier({
    file: request.path,
    format: request.format,
    formatReason: request.formatReason,
    mapping: request.mapping,
    firstLink: { kind: 'deferred' },
    needValues: true,
    rangeLines: true,
  });
  const normalize = createNormalizer(request.format, request.mapping === undefined ? {} : { mapping: request.mapping });
  const findings: Finding[] = [];
  const accept = (line: RawLine): void => {
    const outcome = verifier.acceptLine(line);
    if (!outcome.entry || outcome.value === null) return;
    const location = { file: request.path, line: line.line, byteOffset: line.byteOffset, byteLength: line.byteLength };
    // The digest goes to the packer as bytes; the entry's hex copy is not needed here.
    const { entry, timestampError } = normalize(outcome.value, location, '');
    if (entry.timeMs === null) findings.push(badTimestampFinding(entry, timestampError));
    packer.add(0, entry, hash('sha256', line.bytes, 'buffer'));
    if (packer.full) hooks.onBatch(packer.take());
  };

  const splitter = new LineSplitter(DEFAULT_MAX_LINE_BYTES, request.start, 1);
  const buffer = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(1, request.end - request.start)));
  let fd: number | null = null;
  let position = request.start;
  let reported = 0;
  try {
    fd = openSync(request.path, 'r');
    while (position < request.end) {
      const n = readSync(fd, buffer, 0, Math.min(buffer.length, request.end - position), position);
      if (n === 0) {
        verifier.addFinding(makeFinding('unreadable', request.path, null, `The file ended at byte ${position}, earlier than expected: it shrank while being read.`));
        break;
      }
      position += n;
      for (const line of splitter.push(buffer.subarray(0, n))) accept(line);
      if (hooks.onProgress && position - reported >= PROGRESS_EVERY) {
        reported = position;
        hooks.onProgress(position - request.start);
      }
    }
    for (const line of splitter.end()) accept(line);
  } catch (error) {
    verifier.addFinding(makeFinding('unreadable', request.path, null, `Reading stopped at byte ${position}: ${(error as Error).message}. The lines before it were checked.`));
  } finally {
    if (fd !== null) closeSync(fd);
  }
  if (packer.size > 0) hooks.onBatch(packer.take());
  verifier.setPhysicalLines(splitter.line - 1);
  hooks.onProgress?.(position - request.start);
  return { span: verifier.finish(), findings };
}
