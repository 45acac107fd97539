/**
 * Re-reading evidence lines from disk for the detail view, finding context and conversation
 * timelines. The index keeps only where a line is and its hash; before trusting bytes read back,
 * the file's size and mtime must match the index and the line must hash to the indexed value.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Database } from 'sql.js';
import type { EntryDetail, EntryRow, FindingContext } from '../../../shared/query.js';
import { FINDING_SEVERITY } from '../../../shared/findings.js';
import { entryRow, findingById, nearestEntryAtOrBefore, storedFile, type StoredFile } from './queries.js';
import { checkTailFileUnchanged, isTailFile } from '../tail/live-files.js';
import { insertFindings } from './writer.js';

export interface FileCheck {
  unchanged: boolean;
  problem?: string;
}

/** Whether the file on disk still has the size and mtime it had when indexed. */
export async function checkFileUnchanged(file: StoredFile): Promise<FileCheck> {
  try {
    const info = await stat(file.path);
    if (info.size !== file.size) {
      return { unchanged: false, problem: `${file.path} changed since it was indexed: it is ${info.size} bytes, it was ${file.size}.` };
    }
    if (Math.abs(info.mtimeMs - file.mtimeMs) > 1) {
      return {
        unchanged: false,
        problem: `${file.path} changed since it was indexed: modified ${new Date(info.mtimeMs).toISOString()}, indexed version was modified ${new Date(file.mtimeMs).toISOString()}.`,
      };
    }
    return { unchanged: true };
  } catch (error) {
    return { unchanged: false, problem: `${file.path} can no longer be read: ${(error as Error).message}` };
  }
}

/** Reads byte ranges of a file (of the decompressed stream for gzip). Opens read-only. */
export async function readRanges(file: Pick<StoredFile, 'path' | 'gzip'>, ranges: ReadonlyArray<{ offset: number; length: number }>): Promise<Buffer[]> {
  if (!file.gzip) {
    const handle = await open(file.path, 'r');
    try {
      return await Promise.all(
        ranges.map(async ({ offset, length }) => {
          const buffer = Buffer.alloc(length);
          const { bytesRead } = await handle.read(buffer, 0, length, offset);
          return buffer.subarray(0, bytesRead);
        }),
      );
    } finally {
      await handle.close();
    }
  }
  return readGzipRanges(file.path, ranges);
}

/** gzip has no random access: stream-decompress up to the last range, keeping only the wanted bytes. */
async function readGzipRanges(path: string, ranges: ReadonlyArray<{ offset: number; length: number }>): Promise<Buffer[]> {
  const results = ranges.map(() => [] as Buffer[]);
  const end = Math.max(0, ...ranges.map(({ offset, length }) => offset + length));
  let position = 0;
  const stream = createReadStream(path).pipe(createGunzip());
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const chunkEnd = position + chunk.length;
      ranges.forEach(({ offset, length }, index) => {
        const from = Math.max(offset, position);
        const to = Math.min(offset + length, chunkEnd);
        if (from < to) results[index]?.push(chunk.subarray(from - position, to - position));
      });
      position = chunkEnd;
      if (position >= end) break;
    }
  } finally {
    stream.destroy();
  }
  return results.map((parts) => Buffer.concat(parts));
}

/** Records (once per file) that an evidence file changed after it was indexed. */
function recordFileChanged(db: Database, file: StoredFile, detail: string, line: number | null = null): void {
  const known = db.exec("SELECT 1 FROM findings WHERE file_id = ? AND kind = 'file-changed' LIMIT 1", [file.id]);
  if (known.length > 0) return;
  insertFindings(db, [{ kind: 'file-changed', severity: FINDING_SEVERITY['file-changed'], file: file.path, line, detail }], null);
}

function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The raw lines of some entries, each checked against the index. */
export async function rereadEntries(db: Database, rows: readonly EntryRow[]): Promise<Array<{ row: EntryRow; raw: string; check: FileCheck }>> {
  const byFile = new Map<number, EntryRow[]>();
  for (const row of rows) byFile.set(row.fileId, [...(byFile.get(row.fileId) ?? []), row]);
  const results = new Map<number, { row: EntryRow; raw: string; check: FileCheck }>();
  for (const [fileId, fileRows] of byFile) {
    const file = storedFile(db, fileId);
    if (file === null) {
      for (const row of fileRows) results.set(row.id, { row, raw: '', check: { unchanged: false, problem: 'The file is no longer open.' } });
      continue;
    }
    // A file a live tail feeds keeps growing; only a shorter file (or a changed line) is a change.
    const fileCheck = isTailFile(db, fileId) ? await checkTailFileUnchanged(file) : await checkFileUnchanged(file);
    if (!fileCheck.unchanged) recordFileChanged(db, file, fileCheck.problem ?? `${file.path} changed since it was indexed.`);
    let buffers: Buffer[] = [];
    let readProblem: string | undefined;
    try {
      buffers = await readRanges(
        file,
        fileRows.map((row) => ({ offset: row.source.byteOffset, length: row.source.byteLength })),
      );
    } catch (error) {
      readProblem = `${file.path} could not be read: ${(error as Error).message}`;
    }
    fileRows.forEach((row, index) => {
      const bytes = buffers[index];
      if (bytes === undefined) {
        results.set(row.id, { row, raw: '', check: { unchanged: false, problem: readProblem ?? fileCheck.problem ?? 'The line could not be read.' } });
        return;
      }
      const raw = bytes.toString('utf8');
      let check = fileCheck;
      if (check.unchanged && sha256Hex(bytes) !== row.lineSha256) {
        check = { unchanged: false, problem: `${file.path}:${row.source.line} no longer matches the indexed line: its hash differs.` };
        recordFileChanged(db, file, check.problem ?? '', row.source.line);
      }
      results.set(row.id, { row, raw, check });
    });
  }
  return rows.flatMap((row) => results.get(row.id) ?? []);
}

/** One entry in full: the indexed row, the raw line re-read from disk, and whether it can be trusted. */
export async function entryDetail(db: Database, id: number): Promise<EntryDetail | null> {
  const row = entryRow(db, id);
  if (row === null) return null;
  const [read] = await rereadEntries(db, [row]);
  if (read === undefined) return null;
  let parsed: unknown = null;
  let problem = read.check.problem;
  try {
    parsed = JSON.parse(read.raw);
  } catch (error) {
    problem ??= `${row.source.file}:${row.source.line} is not valid JSON: ${(error as Error).message}`;
  }
  const detail: EntryDetail = { row, raw: read.raw, parsed, unchanged: read.check.unchanged };
  if (problem !== undefined) detail.problem = problem;
  return detail;
}

/**
 * Lines around a finding, re-read from disk. Reading starts at the nearest indexed entry before the
 * window (or the file's start), so lines that never parsed — often the finding itself — are shown too.
 */
export async function findingContext(db: Database, findingId: number, radius: number): Promise<FindingContext | null> {
  const finding = findingById(db, findingId);
  if (finding === null) return null;
  if (finding.fileId === null || finding.line === null) return { finding, lines: [] };
  const file = storedFile(db, finding.fileId);
  if (file === null) return { finding, lines: [] };
  const first = Math.max(1, finding.line - radius);
  const last = finding.line + radius;
  const start = nearestEntryAtOrBefore(db, file.id, first) ?? { line: 1, byteOffset: 0 };
  const lines: Array<{ line: number; raw: string }> = [];
  const source = file.gzip
    ? createReadStream(file.path).pipe(createGunzip())
    : createReadStream(file.path, { start: start.byteOffset });
  let skip = file.gzip ? start.byteOffset : 0;
  let lineNumber = start.line;
  let pending: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      let data = chunk;
      if (skip > 0) {
        const dropped = Math.min(skip, data.length);
        data = data.subarray(dropped);
        skip -= dropped;
        if (data.length === 0) continue;
      }
      pending = pending.length === 0 ? data : Buffer.concat([pending, data]);
      let newline = pending.indexOf(0x0a);
      while (newline !== -1) {
        if (lineNumber >= first) lines.push({ line: lineNumber, raw: stripCarriageReturn(pending.subarray(0, newline)) });
        lineNumber += 1;
        pending = pending.subarray(newline + 1);
        if (lineNumber > last) return { finding, lines };
        newline = pending.indexOf(0x0a);
      }
    }
    if (pending.length > 0 && lineNumber >= first && lineNumber <= last) lines.push({ line: lineNumber, raw: stripCarriageReturn(pending) });
  } finally {
    source.destroy();
  }
  return { finding, lines };
}

function stripCarriageReturn(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}
