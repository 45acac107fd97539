/**
 * Streams the lines of one evidence file (`.jsonl` or gzip-compressed), read-only, in bounded memory.
 *
 * Yields batches of lines as they are read. Read failures (permissions, a truncated gzip stream,
 * a file that vanishes) end the file with a summary naming how far it got; they never throw.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { ArchiveFile } from './archive-files.js';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, type RawLine } from './line-splitter.js';

export interface ReadSummary {
  /** sha256 hex of the file's bytes as stored on disk (compressed bytes for `.gz`), or null if not read completely. */
  sha256: string | null;
  /** Bytes read from disk. */
  bytesRead: number;
  /** Bytes of the decompressed stream. */
  streamBytes: number;
  /** Physical lines seen (including blank ones). */
  physicalLines: number;
  /** Why reading stopped early, or null when the whole file was read. */
  error: string | null;
  /** Line at which reading stopped early. */
  errorLine: number | null;
}

export interface ReadOptions {
  signal?: AbortSignal;
  /** Called after every chunk with the bytes read from disk so far. */
  onBytes?: (bytesRead: number) => void;
  maxLineBytes?: number;
  chunkBytes?: number;
}

export function describeReadError(error: unknown, compressed: boolean): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'the file disappeared while being read';
  if (code === 'EISDIR') return 'it is a folder';
  if (compressed && code === 'Z_BUF_ERROR') return 'the gzip stream ends early (the file is truncated)';
  if (compressed && (code === 'Z_DATA_ERROR' || code === 'Z_STREAM_ERROR')) return `the gzip data is corrupt (${(error as Error).message})`;
  return (error as Error).message;
}

/** Reads `file` line by line. The generator's return value summarizes the read. */
export async function* readLines(file: ArchiveFile, options: ReadOptions = {}): AsyncGenerator<RawLine[], ReadSummary> {
  const splitter = new LineSplitter(options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  const summary: ReadSummary = { sha256: null, bytesRead: 0, streamBytes: 0, physicalLines: 0, error: null, errorLine: null };
  const hash = createHash('sha256');
  let handle;
  try {
    handle = await open(file.path, 'r');
  } catch (error) {
    summary.error = describeReadError(error, file.compressed);
    return summary;
  }
  const raw = handle.createReadStream({ highWaterMark: options.chunkBytes ?? 1 << 20, autoClose: true });
  const countRaw = (chunk: Buffer): void => {
    summary.bytesRead += chunk.length;
    hash.update(chunk);
    options.onBytes?.(summary.bytesRead);
  };
  let source: AsyncIterable<Buffer> = raw;
  if (file.compressed) {
    // The inflater pulls the raw stream through pipe(); count and hash the raw bytes on the way.
    raw.on('data', (chunk) => countRaw(chunk as Buffer));
    const gunzip = createGunzip();
    raw.on('error', (error) => gunzip.destroy(error));
    raw.pipe(gunzip);
    source = gunzip;
  }
  try {
    for await (const chunk of source) {
      if (options.signal?.aborted) {
        summary.error = 'reading was cancelled';
        break;
      }
      if (!file.compressed) countRaw(chunk);
      summary.streamBytes += chunk.length;
      const lines = splitter.push(chunk);
      if (lines.length > 0) yield lines;
    }
    if (summary.error === null) {
      const last = splitter.end();
      if (last.length > 0) yield last;
      summary.sha256 = hash.digest('hex');
    }
  } catch (error) {
    summary.error = describeReadError(error, file.compressed);
    summary.errorLine = splitter.line;
  } finally {
    raw.destroy();
  }
  summary.physicalLines = splitter.line - 1;
  return summary;
}
