/**
 * What the open pipeline needs from the threads that verify and pack big files in byte ranges
 * (main/worker/open-pool.ts; core itself stays thread-free). To scanArchive it is an ordinary
 * ParallelVerifier, so every verification rule, merge and verdict stays scanArchive's; on the side
 * it hands the ranges' packed entries to the writer in file order.
 */
import type { Finding } from '../../../shared/findings.js';
import type { ArchiveFile, ParallelVerifier } from '../verify/index.js';
import type { RowBatch } from './row-batch.js';

export interface RangeRowsSink {
  /** A batch of the file's entries; batches arrive in line order. `lineBase` is added to its line numbers. */
  rows: (batch: RowBatch, producer: number, lineBase: number) => void;
  /** Normalizer findings of one range, lines already numbered within the file. */
  findings: (findings: Finding[]) => void;
}

export interface ParallelIndexer extends ParallelVerifier {
  /** Announces the file whose ranges come next (scanArchive's onFileStart) and where its rows go. */
  beginFile: (file: ArchiveFile, sink: RangeRowsSink) => void;
  /** Files at least this big are split (scanArchive's parallelMinBytes). */
  readonly minFileBytes: number;
  /** Files that were split into ranges. */
  readonly splitFiles: ReadonlySet<string>;
  /** Files whose ranges did not all reach the sink (a thread failed): scanArchive re-read them without rows. */
  readonly failedFiles: ReadonlySet<string>;
  close: () => Promise<void>;
}
