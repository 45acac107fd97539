/**
 * Collects a PDF's output in large blocks. pdfkit emits thousands of small chunks, many of them
 * views into zlib's 16 KiB work buffers: keeping the chunks themselves would keep those buffers,
 * several times the size of the PDF. Copying into blocks keeps just the bytes.
 */
const BLOCK_BYTES = 1024 * 1024;

export class OutputBuffer {
  private readonly blocks: Buffer[] = [];
  private current: Buffer = Buffer.allocUnsafe(0);
  private used = 0;
  private total = 0;

  get length(): number {
    return this.total;
  }

  append(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.used === this.current.length) {
        if (this.current.length > 0) this.blocks.push(this.current);
        this.current = Buffer.allocUnsafe(Math.max(BLOCK_BYTES, chunk.length - offset));
        this.used = 0;
      }
      const copied = Math.min(this.current.length - this.used, chunk.length - offset);
      this.current.set(chunk.subarray(offset, offset + copied), this.used);
      this.used += copied;
      offset += copied;
    }
    this.total += chunk.length;
  }

  /** The bytes as one buffer; the blocks are released. */
  take(): Buffer {
    const parts = [...this.blocks, this.current.subarray(0, this.used)];
    this.blocks.length = 0;
    this.current = Buffer.allocUnsafe(0);
    this.used = 0;
    const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, this.total);
    this.total = 0;
    return bytes;
  }
}
