/**
 * A big .jsonl.gz verified on every core: this thread inflates the stream and cuts it into blocks
 * after a newline; pool threads verify the blocks like byte ranges, and mergeSpans joins them. A gzip
 * stream cannot be split, but once inflated its lines can.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { ChainSpec } from '../formats/chain-spec.js';
import type { ArchiveFile } from '../reader/archive-files.js';
import { DEFAULT_MAX_LINE_BYTES } from '../reader/line-splitter.js';
import { describeReadError } from '../reader/read-lines.js';
import type { VerifiedSpan } from './file-verifier.js';
import { mergeSpans } from './merge-spans.js';
import type { BlockRequest } from './range-verify.js';
import { endOfFileFindings, type ScannedFile } from './whole-file.js';

/** Verifies inflated blocks on other threads (VerifyPool); the bytes' buffer is handed over. */
export type BlockVerifier = (request: BlockRequest, bytes: Uint8Array) => Promise<VerifiedSpan>;

const BLOCK_BYTES = 4 << 20;

/** A line longer than the reader's limit: blocks cannot hold it, the one-thread read reports it. */
export class LineTooLongForBlocks extends Error {}

export interface CompressedBlocksOptions {
  file: ArchiveFile;
  /** The file's format (detected from its first entry) and why. */
  format: BlockRequest['format'];
  formatReason: string;
  mapping?: BlockRequest['mapping'];
  spec: ChainSpec | null;
  verifyBlock: BlockVerifier;
  /** Blocks handed out and not yet verified, at most (bounds memory: blockBytes each). */
  inFlight: number;
  /** Inflated bytes gathered before a block is cut (default 4 MiB). */
  blockBytes?: number;
  signal?: AbortSignal;
  /** Compressed bytes read from disk so far. */
  onBytes?: (bytesRead: number) => void;
}

const settled = (): void => undefined;

export async function verifyCompressedInBlocks(options: CompressedBlocksOptions): Promise<ScannedFile> {
  const { file } = options;
  const hash = createHash('sha256');
  const handle = await open(file.path, 'r');
  const raw = handle.createReadStream({ highWaterMark: 1 << 20, autoClose: true });
  let bytesRead = 0;
  raw.on('data', (chunk) => {
    bytesRead += chunk.length;
    hash.update(chunk as Buffer);
    options.onBytes?.(bytesRead);
  });
  const gunzip = createGunzip();
  raw.on('error', (error) => gunzip.destroy(error));
  raw.pipe(gunzip);

  const spans: Array<Promise<VerifiedSpan>> = [];
  const pending = new Set<Promise<VerifiedSpan>>();
  let held: Buffer[] = [];
  let heldBytes = 0;
  let streamOffset = 0;
  let error: string | null = null;
  const blockBytes = options.blockBytes ?? BLOCK_BYTES;
  /** Held bytes at which the next block is cut. */
  let nextCut = blockBytes;

  /** Hands out the held bytes up to their last newline (all of them when `final`). */
  const handOut = async (final: boolean): Promise<void> => {
    const whole = new Uint8Array(heldBytes);
    let at = 0;
    for (const piece of held) {
      whole.set(piece, at);
      at += piece.length;
    }
    const cut = final ? whole.length : whole.lastIndexOf(0x0a) + 1;
    if (cut === 0) {
      // No newline yet: one line longer than a block. Past the reader's line limit, the one-thread read reports it.
      if (whole.length > DEFAULT_MAX_LINE_BYTES) throw new LineTooLongForBlocks(`${file.path}: a line is longer than ${DEFAULT_MAX_LINE_BYTES} bytes`);
      held = [Buffer.from(whole.buffer)];
      nextCut = whole.length * 2; // look again once it doubled, not at every piece
      return;
    }
    const rest = whole.slice(cut);
    held = rest.length > 0 ? [Buffer.from(rest.buffer)] : [];
    heldBytes = rest.length;
    nextCut = blockBytes;
    // Wait for a free slot (a failed block fails the whole file below, in Promise.all).
    while (pending.size >= options.inFlight) await Promise.race([...pending].map((span) => span.then(settled, settled)));
    const request: BlockRequest = { path: file.path, start: streamOffset, format: options.format, formatReason: options.formatReason, ...(options.mapping ? { mapping: options.mapping } : {}) };
    const span = options.verifyBlock(request, whole.subarray(0, cut));
    streamOffset += cut;
    spans.push(span);
    pending.add(span);
    void span.finally(() => pending.delete(span)).catch(() => undefined);
  };

  try {
    for await (const chunk of gunzip) {
      if (options.signal?.aborted) throw new Error('reading was cancelled');
      held.push(chunk as Buffer);
      heldBytes += (chunk as Buffer).length;
      if (heldBytes >= nextCut) await handOut(false);
    }
  } catch (caught) {
    if (caught instanceof LineTooLongForBlocks) throw caught;
    // As a one-thread read: the complete lines before the failure are checked, the cut one is not.
    error = describeReadError(caught, true);
  } finally {
    raw.destroy();
  }
  if (heldBytes > 0) await handOut(error === null);
  if (spans.length === 0) spans.push(options.verifyBlock({ path: file.path, start: 0, format: options.format, formatReason: options.formatReason, ...(options.mapping ? { mapping: options.mapping } : {}) }, new Uint8Array(0)));
  const merged = mergeSpans(file.path, options.spec, await Promise.all(spans));
  const findings = endOfFileFindings(file, merged, error, error === null ? null : merged.physicalLines + 1);
  merged.findings.push(...findings);
  return { span: merged, sha256: error === null ? hash.digest('hex') : null };
}
