/**
 * The analyses of one open session, for the backend: it holds the analysis data of the open
 * archives, the evidence journal and the two settings files, and answers every `AnalysisChannels`
 * request (shared/analyses.ts). Alerts are cached until the data, the rules or the journal change.
 *
 * Feeding it: whoever normalizes the entries of an open (the worker's open pipeline) passes each
 * NormalizedEntry to an AnalysisCollector (`collector.add(entry)`, ~15% of a read), then calls
 * `setArchives(mergeAnalysisData(previous, collector.finish()), verification)` for mode "add"
 * (`collector.finish()` alone for "replace", `withoutFiles(previous, closed)` on close). Without
 * that hook, `loadForAnalysis(paths)` reads the open files again and returns both arguments.
 */
import { join } from 'node:path';
import type {
  AccessReport,
  AccessReportRequest,
  AlertAckRecord,
  AlertAckRequest,
  AlertFilter,
  AlertsReport,
  BtgOverview,
  BtgReviewRecord,
  BtgReviewRequest,
  JournalStatus,
  LegalHold,
  LegalHoldScope,
  RetentionPolicy,
  RetentionReview,
  SettingsSave,
  SettingsView,
} from '../../../shared/analyses.js';
import type { VerifyReport } from '../../../shared/verification.js';
import { dataDir } from '../data-dir.js';
import { EvidenceJournal, defaultJournalPath } from '../journal/journal.js';
import { activeLegalHolds, alertAcks, btgReviews, placeLegalHold, recordAlertAck, recordBtgReview, releaseLegalHold } from '../journal/decisions.js';
import { buildAccessReport } from './access-report.js';
import { collectAnalysisData, type AnalysisData } from './analysis-data.js';
import { filterAlerts, runRules } from './alerts.js';
import { reviewBreakGlass } from './btg.js';
import { reviewRetention } from './retention.js';
import { retentionPolicyStore } from './retention-policy.js';
import { rulesConfigStore, type RulesConfig } from './rules-config.js';

const EMPTY_VERIFICATION: VerifyReport = { files: [], findings: [], verdict: { integrity: 'intact', completeness: 'unconfirmed', reasons: [] } };

export interface AnalysisSessionOptions {
  /** Folder for the journal and settings (default: the Custos data directory). */
  dir?: string;
  now?: () => number;
}

export class AnalysisSession {
  private data: AnalysisData = collectAnalysisData([]);
  private verification: VerifyReport = EMPTY_VERIFICATION;
  private readonly journal: EvidenceJournal;
  private readonly rulesStore: ReturnType<typeof rulesConfigStore>;
  private readonly policyStore: ReturnType<typeof retentionPolicyStore>;
  private readonly now: () => number;
  private cachedAlerts: { key: string; report: AlertsReport } | null = null;

  constructor(options: AnalysisSessionOptions = {}) {
    const dir = options.dir;
    this.journal = EvidenceJournal.open(dir === undefined ? defaultJournalPath() : join(dir, 'journal', 'evidence-journal.jsonl'));
    this.rulesStore = rulesConfigStore(join(dir ?? dataDir(), 'alert-rules.json'));
    this.policyStore = retentionPolicyStore(join(dir ?? dataDir(), 'retention-policy.json'));
    this.now = options.now ?? Date.now;
  }

  /** Replace the analysed archives (after an open, add or close). */
  setArchives(data: AnalysisData, verification: VerifyReport): void {
    this.data = data;
    this.verification = verification;
    this.cachedAlerts = null;
  }

  get rules(): RulesConfig {
    return this.rulesStore.current;
  }

  journalStatus(): JournalStatus {
    return this.journal.reload();
  }

  btg(asOfMs: number = this.now()): BtgOverview {
    this.journal.reload();
    return reviewBreakGlass(this.data, {
      asOfMs,
      reviewWindowDays: this.rules.btgOverdue.reviewWindowDays,
      reviews: btgReviews(this.journal.records),
      journal: this.journal.status,
    });
  }

  /** All alerts (cached for the same data, rules revision, journal head and as-of day), then filtered. */
  alerts(filter: AlertFilter = {}, asOfMs: number = this.now()): AlertsReport {
    const btg = this.btg(asOfMs);
    const key = `${this.rules.revision}\u0000${this.journal.status.headHash ?? ''}\u0000${Math.floor(asOfMs / 60_000)}`;
    if (this.cachedAlerts?.key !== key) {
      const report = runRules(this.data, this.rules, { asOfMs, findings: this.verification.findings, btg, acks: alertAcks(this.journal.records), journal: this.journal.status });
      this.cachedAlerts = { key, report };
    }
    const report = this.cachedAlerts.report;
    return { ...report, alerts: filterAlerts(report.alerts, filter) };
  }

  /** Open alerts: the count on the navigation. */
  openAlertCount(): number {
    return this.alerts({ statuses: ['open'] }).alerts.length;
  }

  accessReport(request: AccessReportRequest): AccessReport {
    const alerts = this.alerts().alerts;
    return buildAccessReport(this.data, { timeZone: this.rules.timeZone, ...request }, { verification: this.verification, alerts, now: new Date(this.now()) });
  }

  retention(asOfMs: number = this.now()): RetentionReview {
    this.journal.reload();
    return reviewRetention(this.data, this.policyStore.current, { asOfMs, legalHolds: activeLegalHolds(this.journal.records), files: this.verification.files });
  }

  reviewBtg(request: BtgReviewRequest): BtgReviewRecord {
    return recordBtgReview(this.journal, request);
  }

  ackAlert(request: AlertAckRequest): AlertAckRecord {
    return recordAlertAck(this.journal, request);
  }

  legalHolds(): { holds: LegalHold[]; journal: JournalStatus } {
    this.journal.reload();
    return { holds: activeLegalHolds(this.journal.records), journal: this.journal.status };
  }

  placeHold(request: { scope: LegalHoldScope; by: string; reason: string }): LegalHold {
    return placeLegalHold(this.journal, request);
  }

  releaseHold(request: { holdId: string; by: string; reason: string }): { released: string } {
    releaseLegalHold(this.journal, request);
    return { released: request.holdId };
  }

  retentionPolicy(): SettingsView<RetentionPolicy> {
    return { value: this.policyStore.current, path: this.policyStore.path, loadProblem: this.policyStore.loadProblem };
  }

  saveRetentionPolicy(candidate: unknown): SettingsSave<RetentionPolicy> {
    const saved = this.policyStore.save(candidate);
    return saved.ok ? { ok: true, value: saved.value } : saved;
  }

  alertRules(): SettingsView<Record<string, unknown>> {
    return { value: this.rulesStore.current, path: this.rulesStore.path, loadProblem: this.rulesStore.loadProblem };
  }

  saveAlertRules(candidate: unknown): SettingsSave<Record<string, unknown>> {
    const saved = this.rulesStore.save(candidate);
    if (saved.ok) this.cachedAlerts = null;
    return saved.ok ? { ok: true, value: saved.value } : saved;
  }
}
