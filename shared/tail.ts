/**
 * Live tail: following a folder of audit logs as they are written. The engine (main/core/tail)
 * emits these; the backend forwards them as the `tail.*` events and the CLI prints them.
 */
import type { Alert, AlertRuleId, BtgEvent, EvidenceRef } from './analyses.js';
import type { Finding, Severity } from './findings.js';
import type { FormatId } from './formats.js';

/** What Custos is doing with one file of a watched folder. */
export type TailFileState =
  /** Read to its last complete line; new lines are picked up as they arrive. */
  | 'following'
  /** The last line has no newline yet and has stayed so for a while (a writer may have crashed mid-line). */
  | 'incomplete-line'
  /** The file cannot be read right now (permissions); retried until it can. */
  | 'unreadable'
  /** Its lines are not JSON audit entries (or their format is unknown); no longer read. */
  | 'not-audit-log'
  /** Compressed (.gz): cannot be appended to, so it is not followed. */
  | 'compressed'
  /** Already-verified bytes changed; the change was reported and new lines are still followed. */
  | 'changed'
  /** The file became shorter than what was verified; reported, and new lines are still followed. */
  | 'truncated'
  | 'deleted'
  | 'renamed'
  /** A different file now has this name; the original's entries are kept, the new one is not followed. */
  | 'replaced';

export const TAIL_FILE_STATES = [
  'following',
  'incomplete-line',
  'unreadable',
  'not-audit-log',
  'compressed',
  'changed',
  'truncated',
  'deleted',
  'renamed',
  'replaced',
] as const satisfies readonly TailFileState[];

export interface TailFileStatus {
  path: string;
  state: TailFileState;
  format: FormatId | null;
  /** Bytes verified (up to the end of the last complete line). */
  verifiedBytes: number;
  /** Physical lines verified (blank lines included, as line numbers count them). */
  lines: number;
  entries: number;
  /** Critical findings in this file so far (hash, link, continuity, parse, tampering). */
  criticalFindings: number;
  /** Bytes of a last line still waiting for its newline. */
  pendingBytes: number;
  /** Plain-language note on the state (what changed, why it is not read…), or null. */
  message: string | null;
}

export type TailState = 'starting' | 'watching' | 'folder-missing' | 'stopped';

export interface TailStatus {
  tailId: string;
  dir: string;
  state: TailState;
  /** Plain-language summary of the state. */
  message: string;
  /** Watching with polling (network shares) rather than file-system events. */
  polling: boolean;
  files: TailFileStatus[];
  /** New entries verified and delivered since this tail started (replayed ones not counted). */
  entries: number;
  findings: number;
  alerts: number;
  startedAt: string;
  /** Resumed from saved positions: the verified bytes before them were re-checked, not re-delivered. */
  resumed: boolean;
}

/** Summary of one verified batch (the entries themselves go to the index, not over IPC). */
export interface TailBatchSummary {
  tailId: string;
  file: string;
  /** Line range of the batch (first and last entry line). */
  fromLine: number;
  toLine: number;
  entries: number;
  findings: Finding[];
  /** Entries re-read after a restart to rebuild the index: already delivered before. */
  replay: boolean;
  /** Milliseconds since the epoch when the batch was verified. */
  verifiedAt: number;
}

export type TailAlertKind = 'integrity' | 'anomaly' | 'break-glass';

/** An alert raised while tailing: an integrity change, an anomaly rule, or a break-the-glass access. */
export interface TailAlert {
  /** Stable for the same subject and evidence. */
  id: string;
  tailId: string;
  kind: TailAlertKind;
  severity: Severity;
  /** The anomaly rule, or 'break-glass' / 'tampering' / the integrity finding kind. */
  rule: AlertRuleId | 'break-glass' | 'tampering';
  /** A short title for a toast or notification. */
  title: string;
  /** One or two sentences in plain language: what happened, where. */
  explanation: string;
  file: string | null;
  evidence: EvidenceRef[];
  raisedAt: string;
  /** The rules engine's alert, for anomaly and integrity-rule alerts. */
  alert?: Alert;
  /** The break-the-glass event, for break-glass alerts. */
  breakGlass?: BtgEvent;
}

export interface TailStartRequest {
  dir: string;
  format?: FormatId;
  /** Poll instead of file-system events (network shares). */
  polling?: boolean;
}
