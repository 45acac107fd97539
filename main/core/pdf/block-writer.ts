/**
 * Writes a PDF's output to a file in large blocks. pdfkit emits thousands of small chunks, many of
 * them views into zlib's 16 KiB work buffers: copying them into one reused block and writing it
 * when full keeps neither the chunks nor the document in memory.
 */
import { writeSync } from 'node:fs';

const BLOCK_BYTES = 1024 * 1024;

export class BlockWriter {
  private readonly block = Buffer.allocUnsafe(BLOCK_BYTES);
  private used = 0;
  private total = 0;

  constructor(private readonly fd: number) {}

  /** Bytes written so far (including those still in the block). */
  get length(): number {
    return this.total;
  }

  append(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      const copied = Math.min(BLOCK_BYTES - this.used, chunk.length - offset);
      this.block.set(chunk.subarray(offset, offset + copied), this.used);
      this.used += copied;
      offset += copied;
      if (this.used === BLOCK_BYTES) this.flush();
    }
    this.total += chunk.length;
  }

  /** Writes what the block holds. */
  flush(): void {
    let written = 0;
    while (written < this.used) written += writeSync(this.fd, this.block, written, this.used - written);
    this.used = 0;
  }
}
