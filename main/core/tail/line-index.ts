/**
 * Where every verified line of a followed file lies and a short hash of its bytes, in growable
 * typed arrays (20 bytes a line). When the verified bytes of a file change, comparing a re-read
 * against this index names the exact lines that changed or disappeared.
 */
import { createHash } from 'node:crypto';

export interface IndexedLine {
  line: number;
  byteOffset: number;
  byteLength: number;
  /** First 8 bytes of the line's sha256, hex. */
  hashPrefix: string;
}

export function lineHashPrefix(bytes: Buffer): Buffer {
  return createHash('sha256').update(bytes).digest().subarray(0, 8);
}

export class LineIndex {
  private lineNumbers = new Float64Array(1024);
  private offsets = new Float64Array(1024);
  private lengths = new Float64Array(1024);
  private hashes = Buffer.alloc(1024 * 8);
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(line: number, byteOffset: number, byteLength: number, hashPrefix: Buffer): void {
    if (this.count === this.offsets.length) this.grow();
    const i = this.count++;
    this.lineNumbers[i] = line;
    this.offsets[i] = byteOffset;
    this.lengths[i] = byteLength;
    hashPrefix.copy(this.hashes, i * 8, 0, 8);
  }

  at(i: number): IndexedLine | null {
    if (i < 0 || i >= this.count) return null;
    return {
      line: this.lineNumbers[i] as number,
      byteOffset: this.offsets[i] as number,
      byteLength: this.lengths[i] as number,
      hashPrefix: this.hashes.toString('hex', i * 8, i * 8 + 8),
    };
  }

  /** True when entry `i` has this place and hash. */
  matches(i: number, byteOffset: number, byteLength: number, hashPrefix: Buffer): boolean {
    if (i >= this.count) return false;
    return this.offsets[i] === byteOffset && this.lengths[i] === byteLength && this.hashes.compare(hashPrefix, 0, 8, i * 8, i * 8 + 8) === 0;
  }

  /** Keeps the first `n` lines. */
  truncate(n: number): void {
    this.count = Math.min(this.count, Math.max(0, n));
  }

  clear(): void {
    this.count = 0;
  }

  private grow(): void {
    const size = this.offsets.length * 2;
    const lineNumbers = new Float64Array(size);
    lineNumbers.set(this.lineNumbers);
    const offsets = new Float64Array(size);
    offsets.set(this.offsets);
    const lengths = new Float64Array(size);
    lengths.set(this.lengths);
    const hashes = Buffer.alloc(size * 8);
    this.hashes.copy(hashes);
    this.lineNumbers = lineNumbers;
    this.offsets = offsets;
    this.lengths = lengths;
    this.hashes = hashes;
  }
}
