import type { FileReport, Verdict } from './verification.js';
import type { FormatId } from './formats.js';

/** An evidence file open in this session, as the Archives view lists it. */
export interface ArchiveFile extends FileReport {
  id: number;
  indexedAt: string;
  mtimeMs: number;
  findingCount: number;
}

export interface SessionSummary {
  files: ArchiveFile[];
  verdict: Verdict;
  totalEntries: number;
}

export interface OpenRequest {
  paths: string[];
  mode: 'add' | 'replace';
  /** Force a format instead of detecting it per file. */
  format?: FormatId;
  /** Path to a generic mapping JSON file. */
  mappingPath?: string;
}

export interface OpenProgress {
  jobId: string;
  file: string;
  bytesRead: number;
  bytesTotal: number;
  entries: number;
  findings: number;
  entriesPerSecond: number;
  /** Estimated seconds left, or null before there is a rate. */
  etaSeconds: number | null;
  done: boolean;
}

export interface OpenOutcome {
  jobId: string;
  cancelled: boolean;
  opened: ArchiveFile[];
  /** Files that could not be opened, with why; the others are still open. */
  failed: Array<{ path: string; message: string }>;
}
