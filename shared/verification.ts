import type { Finding } from './findings.js';
import type { FormatId } from './formats.js';

export type ChainStatus = 'intact' | 'broken' | 'unchained';

export interface ChainReport {
  status: ChainStatus;
  /** Hash of the last entry that verified, or null for unchained files. */
  headHash: string | null;
  /** Top-level fields the hash protects ("*" entries mean "every field but the hash"). */
  coveredFields: string[];
  /** Fields seen in the file that the hash does NOT protect: they can be changed undetected. */
  uncoveredFields: string[];
}

export interface FileReport {
  path: string;
  format: FormatId | null;
  /** Entries successfully parsed. */
  entries: number;
  /** Non-blank lines, including those that failed to parse. */
  lines: number;
  size: number;
  sha256: string;
  chain: ChainReport;
  firstTime: string | null;
  lastTime: string | null;
  /** Why the format was chosen (or why none matched). */
  formatReason?: string;
}

/** A file inside a given folder that was not read, and why. */
export interface SkippedFile {
  path: string;
  reason: string;
}

export type IntegrityVerdict = 'intact' | 'broken' | 'unchained';
/** A chain cannot reveal deleted newest entries or a re-chained tail: completeness needs an anchor or seal. */
export type CompletenessVerdict = 'confirmed' | 'unconfirmed' | 'incomplete';

export interface Verdict {
  integrity: IntegrityVerdict;
  completeness: CompletenessVerdict;
  /** Plain-language reasons for both verdicts. */
  reasons: string[];
}

export interface VerifyReport {
  files: FileReport[];
  findings: Finding[];
  verdict: Verdict;
  /** Files in the given folders that were not read (not named like audit logs). */
  skipped?: SkippedFile[];
}
