/**
 * DTOs of the compliance analyses: patient access reports, retention review, break-the-glass review,
 * anomaly alerts, and the evidence journal that records reviews, acknowledgements and legal holds.
 * Every number points back to evidence through `EvidenceRef` (file and 1-based line).
 */
import type { BreakGlassSignal } from './entry.js';
import type { Severity } from './findings.js';
import type { ChainStatus, CompletenessVerdict, IntegrityVerdict } from './verification.js';
import type { FormatId } from './formats.js';

/** A pointer to one line of one evidence file. */
export interface EvidenceRef {
  file: string;
  line: number;
}

// ---------------------------------------------------------------- identifiers

export const IDENTIFIER_KINDS = ['patient-id', 'name', 'ssn', 'dob', 'phone', 'address', 'other'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/** How a clear identifier was matched: only hashes are ever kept, never the clear value. */
export interface IdentifierMatch {
  kind: IdentifierKind;
  /** The hashed forms that matched something in the archive. */
  matchedHashes: string[];
  /** Patient ids found on entries carrying one of those hashes. */
  patients: string[];
  /** Entries carrying one of the hashes. */
  entries: number;
}

// ---------------------------------------------------------------- patient access report

export interface AccessReportRequest {
  /** Internal patient id(s) to report on. */
  patients?: string[];
  /** Clear identifiers, hashed locally and then forgotten. */
  identifiers?: Array<{ kind: IdentifierKind; value: string }>;
  fromMs?: number;
  toMs?: number;
  /** HIPAA §164.528-style accounting of disclosures. */
  disclosures?: DisclosureOptions;
  /** IANA zone for the per-day timeline (default UTC). */
  timeZone?: string;
}

export interface DisclosureOptions {
  /** Leave out treatment, payment and health-care operations purposes (§164.528(a)(1)(i)). */
  excludeTreatmentPaymentOperations: boolean;
}

export interface AccessRow {
  timeMs: number | null;
  /** The timestamp as written, given only when it could not be read (timeMs null). */
  timeRaw: string | null;
  user: string | null;
  role: string | null;
  patient: string | null;
  tool: string | null;
  purpose: string | null;
  /** 'success', 'failure' or 'unknown' when the log does not say. */
  outcome: 'success' | 'failure' | 'unknown';
  breakGlass: BreakGlassSignal[];
  /** Ids of the alert rules whose evidence includes this access. */
  alerts: AlertRuleId[];
  format: FormatId;
  /** The line that records the access. */
  source: EvidenceRef;
  /** Further lines of the same call (selectools tool_end / tool_error). */
  related: EvidenceRef[];
  /** True when the row was found only through a hashed identifier, not the patient column. */
  viaIdentifier: boolean;
}

/** The verdicts of one file a report draws on. */
export interface ReportFileVerdict {
  file: string;
  format: FormatId | null;
  chain: ChainStatus | 'not-verified';
  /** Number of critical / warning findings in that file. */
  criticalFindings: number;
  warningFindings: number;
  /** Rows of the report that come from this file. */
  rows: number;
}

export interface AccessReportSummary {
  totalAccesses: number;
  uniqueUsers: number;
  users: Array<{ user: string; accesses: number }>;
  purposes: Array<{ purpose: string; accesses: number }>;
  failures: number;
  breakGlass: number;
  /** Accesses without a user (or patient, when found by identifier): counted, never dropped. */
  missingAttribution: number;
  /** Accesses whose timestamp is missing or unparseable (kept in the report, not in the timeline). */
  undated: number;
  firstMs: number | null;
  lastMs: number | null;
  /** Accesses left out by the accounting-of-disclosures mode. */
  excludedAsTreatmentPaymentOperations: number;
}

export interface TimelineDay {
  /** YYYY-MM-DD in the report's time zone. */
  day: string;
  accesses: number;
  failures: number;
  breakGlass: number;
}

export interface AccessReport {
  generatedAt: string;
  /** What was asked, without any clear identifier value. */
  query: {
    patients: string[];
    identifierKinds: IdentifierKind[];
    fromMs: number | null;
    toMs: number | null;
    mode: 'access' | 'disclosures';
    timeZone: string;
  };
  /** Patients the report covers (given ids plus those resolved from identifiers). */
  patients: string[];
  identifierMatches: IdentifierMatch[];
  /** Plain-language warnings for the top of the report (broken / unchained / unverified archives). */
  banner: string[];
  integrity: IntegrityVerdict | 'not-verified';
  completeness: CompletenessVerdict | 'not-verified';
  files: ReportFileVerdict[];
  summary: AccessReportSummary;
  timeline: TimelineDay[];
  rows: AccessRow[];
}

// ---------------------------------------------------------------- retention

export interface RetentionCategory {
  id: string;
  label: string;
  retentionDays: number;
  /** Exact tool names; `*` is a wildcard inside a name (e.g. `read_*`). */
  tools: string[];
  /** Where the number comes from (regulation, lesson, internal policy). */
  source: string;
}

export interface RetentionPolicy {
  schemaVersion: 1;
  /** Increases on every saved change; the review states which revision it used. */
  revision: number;
  updatedAt: string;
  categories: RetentionCategory[];
  /** Applies to tools no category lists. */
  catchAll: Omit<RetentionCategory, 'tools'>;
  notes: string[];
}

export interface RetentionCounts {
  entries: number;
  oldestMs: number | null;
  newestMs: number | null;
  /** Retention end after the as-of date (includes the expiring ones). */
  underRetention: number;
  /** Retention end within the next 90 days after the as-of date. */
  expiringSoon: number;
  /** Retention end on or before the as-of date. */
  pastRetention: number;
  /** No usable timestamp: retention end unknown, so never past retention. */
  undated: number;
  /** Earliest retention end among entries still under retention. */
  nextExpiryMs: number | null;
}

export interface RetentionCategoryReview extends RetentionCounts {
  category: string;
  label: string;
  retentionDays: number;
  source: string;
}

export interface RetentionFileReview extends RetentionCounts {
  file: string;
  /** Only when every entry is past retention, none is undated, and no legal hold applies. */
  disposalEligible: boolean;
  /** Why it is or is not eligible, in plain language. */
  reason: string;
  legalHolds: string[];
  /** Latest retention end in the file: the day it becomes eligible (absent holds). */
  eligibleFromMs: number | null;
}

export interface RetentionReview {
  asOfMs: number;
  policyRevision: number;
  expiringWindowDays: number;
  categories: RetentionCategoryReview[];
  files: RetentionFileReview[];
  /** Tools no category lists (they fall to the catch-all), with entry counts. */
  unmatchedTools: Array<{ tool: string; entries: number }>;
  /** Entries without a tool name (catch-all). */
  entriesWithoutTool: number;
  activeLegalHolds: LegalHold[];
  notes: string[];
}

export interface LegalHoldScope {
  patient?: string;
  user?: string;
  tool?: string;
  fromMs?: number;
  toMs?: number;
}

export interface LegalHold {
  id: string;
  scope: LegalHoldScope;
  placedBy: string;
  placedAt: string;
  reason: string;
}

// ---------------------------------------------------------------- break-the-glass

export const BTG_DECISIONS = ['appropriate', 'education', 'sanction', 'needs-follow-up'] as const;
export type BtgDecision = (typeof BTG_DECISIONS)[number];

export interface BtgReviewRecord {
  eventKey: string;
  decision: BtgDecision;
  reviewer: string;
  reviewedAt: string;
  note: string;
}

export interface BtgEvent {
  /** Stable across re-opening: file name, line and line hash. */
  key: string;
  timeMs: number | null;
  user: string | null;
  role: string | null;
  patient: string | null;
  tool: string | null;
  purpose: string | null;
  signals: BreakGlassSignal[];
  /** The line whose arguments carry the signal (a selectools tool_start; otherwise the call's own line). */
  source: EvidenceRef;
  /** Other lines of the same call (the selectools tool_end / tool_error with its outcome). */
  related: EvidenceRef[];
  outcome: 'success' | 'failure' | 'unknown';
  status: 'pending' | 'reviewed';
  /** Latest review; earlier ones stay in `history`. */
  review: BtgReviewRecord | null;
  history: BtgReviewRecord[];
  /** Pending longer than the review window. */
  overdue: boolean;
  dueMs: number | null;
}

export interface BtgOverview {
  asOfMs: number;
  reviewWindowDays: number;
  events: BtgEvent[];
  pending: number;
  overdue: number;
  reviewed: number;
  journal: JournalStatus;
}

// ---------------------------------------------------------------- alerts

export const ALERT_RULE_IDS = [
  'integrity',
  'burst',
  'many-users',
  'after-hours',
  'volume',
  'failure-burst',
  'role-not-permitted',
  'pii-in-clear',
  'btg-overdue',
] as const;
export type AlertRuleId = (typeof ALERT_RULE_IDS)[number];

export interface Alert {
  /** Stable for the same rule, subject and evidence: acknowledgements attach to it. */
  id: string;
  rule: AlertRuleId;
  severity: Severity;
  user: string | null;
  patient: string | null;
  fromMs: number | null;
  toMs: number | null;
  /** One sentence in plain language. */
  explanation: string;
  /** Number of evidence entries (the list may be capped). */
  evidenceCount: number;
  evidence: EvidenceRef[];
  /** Rule-specific numbers (count, threshold, baseline…). */
  metrics: Record<string, number | string>;
  status: 'open' | 'acknowledged' | 'dismissed';
  acknowledgement: AlertAckRecord | null;
}

export interface AlertAckRecord {
  alertId: string;
  action: 'acknowledge' | 'dismiss';
  by: string;
  at: string;
  note: string;
}

export interface RuleRunStatus {
  rule: AlertRuleId;
  enabled: boolean;
  alerts: number;
  /** Why a rule found nothing it could check (e.g. no permission map configured). */
  note?: string;
}

export interface AlertsReport {
  asOfMs: number;
  rulesRevision: number;
  timeZone: string;
  alerts: Alert[];
  rules: RuleRunStatus[];
  counts: Record<Severity, number>;
  /**
   * Tool calls without a user (`calls`, `evidence`) or without a patient (`withoutPatient`,
   * `withoutPatientEvidence`): counted and listed, never silently dropped. Evidence lists are capped.
   */
  missingAttribution: { calls: number; evidence: EvidenceRef[]; withoutPatient?: number; withoutPatientEvidence?: EvidenceRef[] };
  undatedCalls: number;
  journal: JournalStatus;
}

export interface AlertFilter {
  rules?: AlertRuleId[];
  severities?: Severity[];
  users?: string[];
  patients?: string[];
  statuses?: Array<Alert['status']>;
}

// ---------------------------------------------------------------- journal

export interface JournalStatus {
  path: string;
  records: number;
  /** 'tampered': the chain or a record does not verify; the journal is shown, never repaired, and refuses appends. */
  state: 'ok' | 'empty' | 'tampered';
  problem?: { line: number; detail: string };
  headHash: string | null;
}

// ---------------------------------------------------------------- backend channels

/** A settings file (retention policy, alert rules) as the editor sees it. */
export interface SettingsView<T> {
  value: T;
  path: string;
  /** Why the file on disk is not in force (the defaults are), when it is not. */
  loadProblem: string | null;
}

/** Result of saving settings: the new version, or the path of the first bad field (the old version stays in force). */
export type SettingsSave<T> = { ok: true; value: T } | { ok: false; path: string; error: string };

export interface BtgReviewRequest {
  eventKey: string;
  decision: BtgDecision;
  reviewer: string;
  note: string;
}

export interface AlertAckRequest {
  alertId: string;
  action: 'acknowledge' | 'dismiss';
  by: string;
  note: string;
}

/**
 * Channels the analysis views need, in the shape of shared/contract.ts `Channels` (so the contract
 * can extend this interface); main/core/analyses/session.ts answers each one.
 * Rules and policy are plain JSON here (their zod schemas live in main/core/analyses).
 */
export interface AnalysisChannels {
  'analyses.accessReport': { request: AccessReportRequest; response: AccessReport };
  'analyses.alerts': { request: { filter: AlertFilter; asOfMs?: number }; response: AlertsReport };
  'analyses.alertAck': { request: AlertAckRequest; response: AlertAckRecord };
  'analyses.btg': { request: { asOfMs?: number }; response: BtgOverview };
  'analyses.btgReview': { request: BtgReviewRequest; response: BtgReviewRecord };
  'analyses.retention': { request: { asOfMs?: number }; response: RetentionReview };
  'analyses.legalHolds': { request: Record<string, never>; response: { holds: LegalHold[]; journal: JournalStatus } };
  'analyses.legalHoldPlace': { request: { scope: LegalHoldScope; by: string; reason: string }; response: LegalHold };
  'analyses.legalHoldRelease': { request: { holdId: string; by: string; reason: string }; response: { released: string } };
  'analyses.journal': { request: Record<string, never>; response: JournalStatus };
  /** The index id of the entry at an evidence file's line, so evidence links open the entry detail. */
  'analyses.locateEntry': { request: EvidenceRef; response: { id: number } };
  'settings.retentionPolicy': { request: Record<string, never>; response: SettingsView<RetentionPolicy> };
  'settings.saveRetentionPolicy': { request: { policy: unknown }; response: SettingsSave<RetentionPolicy> };
  'settings.alertRules': { request: Record<string, never>; response: SettingsView<Record<string, unknown>> };
  'settings.saveAlertRules': { request: { rules: unknown }; response: SettingsSave<Record<string, unknown>> };
}
