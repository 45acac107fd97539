/**
 * Splits a byte stream into lines on `\n`, keeping each line's place in the stream.
 *
 * Offsets and lengths are in bytes of the (decompressed) stream. A line's bytes exclude its
 * terminator (`\n` or `\r\n`) and, on the first line, a UTF-8 byte order mark. Blank lines
 * (only spaces, tabs or `\r`) are counted for numbering but not emitted.
 */

/** One non-blank line of an evidence file. */
export interface RawLine {
  /** 1-based physical line number. */
  line: number;
  /** Offset of the line's first byte (after a BOM on line 1). */
  byteOffset: number;
  /** Length of the line without its terminator. */
  byteLength: number;
  /** The line's bytes (empty when the line was too long to keep: see `tooLong`). */
  bytes: Buffer;
  /** False for a final line with no `\n` after it. */
  terminated: boolean;
  /** Set when the line exceeded the splitter's limit and its bytes were dropped. */
  tooLong: boolean;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** Lines longer than this are reported instead of kept: no audit entry is this big, and memory must stay bounded. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

export function isBlank(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 0x20 && b !== 0x09 && b !== CARRIAGE_RETURN) return false;
  }
  return true;
}

/** True when bytes[start, end) holds only spaces, tabs or carriage returns. */
function isBlankRange(bytes: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b !== 0x20 && b !== 0x09 && b !== CARRIAGE_RETURN) return false;
  }
  return true;
}

/**
 * Receives one non-blank line as bytes[start, end) (terminator and BOM excluded). The bytes are
 * the caller's chunk: valid only during the call.
 */
export type LineRangeVisitor = (bytes: Buffer, start: number, end: number, line: number, byteOffset: number) => void;

export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private droppedLength = 0; // bytes of an over-long line that were discarded
  /** Stream offset of the first byte not yet consumed into a line. */
  private lineStart: number;
  private nextLine: number;

  constructor(
    private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
    startOffset = 0,
    startLine = 1,
  ) {
    this.lineStart = startOffset;
    this.nextLine = startLine;
  }

  /** Number the next line will get. */
  get line(): number {
    return this.nextLine;
  }

  /** Feeds a chunk; returns the complete lines it finished. */
  push(chunk: Buffer): RawLine[] {
    const out: RawLine[] = [];
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, from);
      if (nl === -1) break;
      const piece = chunk.subarray(from, nl);
      this.finishLine(piece, true, out);
      from = nl + 1;
    }
    if (from < chunk.length) this.keep(chunk.subarray(from));
    return out;
  }

  /**
   * Like push, for hot loops: a line that lies whole inside `chunk` goes to `visit` as a range of
   * the chunk (no copy, no object per line); one that spans chunks or is too long goes to `other`.
   */
  pushEach(chunk: Buffer, visit: LineRangeVisitor, other: (line: RawLine) => void): void {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, from);
      if (nl === -1) break;
      if (this.pendingLength === 0 && this.droppedLength === 0 && nl - from <= this.maxLineBytes) {
        this.visitWhole(chunk, from, nl, visit);
      } else {
        const out: RawLine[] = [];
        this.finishLine(chunk.subarray(from, nl), true, out);
        for (const line of out) other(line);
      }
      from = nl + 1;
    }
    if (from < chunk.length) this.keep(chunk.subarray(from));
  }

  /** A terminated line at chunk[from, nl), nothing pending: finishLine's rules without a copy. */
  private visitWhole(chunk: Buffer, from: number, nl: number, visit: LineRangeVisitor): void {
    const lineNo = this.nextLine++;
    let offset = this.lineStart;
    this.lineStart += nl - from + 1;
    let start = from;
    let end = nl;
    if (offset === 0 && end - start >= 3 && chunk[start] === 0xef && chunk[start + 1] === 0xbb && chunk[start + 2] === 0xbf) {
      start += 3;
      offset += 3;
    }
    if (end > start && chunk[end - 1] === CARRIAGE_RETURN) end--;
    if (chunk[start] !== 0x7b && isBlankRange(chunk, start, end)) return;
    visit(chunk, start, end, lineNo, offset);
  }

  /** Ends the stream; returns the final unterminated line, if any. */
  end(): RawLine[] {
    const out: RawLine[] = [];
    if (this.pendingLength > 0 || this.droppedLength > 0) this.finishLine(Buffer.alloc(0), false, out);
    return out;
  }

  /** Bytes held for a line whose newline has not arrived yet. */
  get pendingBytes(): number {
    return this.pendingLength + this.droppedLength;
  }

  private keep(piece: Buffer): void {
    if (this.droppedLength > 0 || this.pendingLength + piece.length > this.maxLineBytes) {
      this.droppedLength += this.pendingLength + piece.length;
      this.pending = [];
      this.pendingLength = 0;
      return;
    }
    // Copy: the caller may reuse its chunk buffer.
    this.pending.push(Buffer.from(piece));
    this.pendingLength += piece.length;
  }

  private finishLine(tail: Buffer, terminated: boolean, out: RawLine[]): void {
    const lineNo = this.nextLine++;
    let offset = this.lineStart;
    const totalLength = this.droppedLength + this.pendingLength + tail.length;
    this.lineStart += totalLength + (terminated ? 1 : 0);
    if (this.droppedLength > 0 || totalLength > this.maxLineBytes) {
      this.pending = [];
      this.pendingLength = 0;
      this.droppedLength = 0;
      out.push({ line: lineNo, byteOffset: offset, byteLength: totalLength, bytes: Buffer.alloc(0), terminated, tooLong: true });
      return;
    }
    let bytes: Buffer;
    if (this.pendingLength === 0) bytes = tail;
    else {
      this.pending.push(tail);
      bytes = Buffer.concat(this.pending, this.pendingLength + tail.length);
      this.pending = [];
      this.pendingLength = 0;
    }
    if (offset === 0 && bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
      bytes = bytes.subarray(3);
      offset += 3;
    }
    if (bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN) bytes = bytes.subarray(0, bytes.length - 1);
    if (isBlank(bytes)) return;
    out.push({ line: lineNo, byteOffset: offset, byteLength: bytes.length, bytes, terminated, tooLong: false });
  }
}
