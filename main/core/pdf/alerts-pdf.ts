/** The anomaly summary as a PDF: every alert with its explanation, status and evidence lines. */
import type { Alert, AlertsReport, RuleRunStatus } from '../../../shared/analyses.js';
import { CUSTOS_VERSION } from '../version.js';
import type { EvidenceSource } from './evidence-stream.js';
import { ReportDocument, type PageLayout, TONE_COLORS } from './report-document.js';
import { day, evidenceFor, integritySection, isoOrNull, pathShortener, refText, utc, type ReportProvenance } from './report-parts.js';

const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 } as const;
const EVIDENCE_SHOWN = 4;

export function buildAlertsPdf(report: AlertsReport, provenance: ReportProvenance, layout?: PageLayout): { document: ReportDocument; evidence: EvidenceSource } {
  const title = 'Anomaly summary';
  const alerts = [...report.alerts].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || (a.fromMs ?? 0) - (b.fromMs ?? 0));
  const shorten = pathShortener(alerts.flatMap((alert) => alert.evidence.map((ref) => ref.file)));
  const times = alerts.flatMap((alert) => [alert.fromMs, alert.toMs]).filter((time): time is number => time !== null);
  const first = times.length > 0 ? Math.min(...times) : null;
  const last = times.length > 0 ? Math.max(...times) : null;
  const query = `Alert rules revision ${report.rulesRevision}, time zone ${report.timeZone}, as of ${day(report.asOfMs)}`;
  const document = new ReportDocument({
    organization: provenance.organization,
    title,
    subtitle: `${alerts.length} alert${alerts.length === 1 ? '' : 's'}: ${report.counts.critical} critical, ${report.counts.warning} warning, ${report.counts.info} info`,
    query,
    period: first === null ? 'no dated alerts' : `${utc(first)} to ${utc(last)} UTC`,
    generatedAt: provenance.generatedAt,
    generatedBy: provenance.generatedBy,
    custosVersion: CUSTOS_VERSION,
    subject: 'Anomaly summary of audit log alerts',
    keywords: 'alerts, anomalies, audit log, Custos',
  }, layout);
  integritySection(document, provenance.verification);

  document.heading('Rules');
  document.table(
    [
      { header: 'Rule', weight: 2.5, value: (rule: RuleRunStatus) => rule.rule },
      { header: 'Enabled', weight: 1.3, value: (rule) => (rule.enabled ? 'yes' : 'no') },
      { header: 'Alerts', weight: 1.2, align: 'right', value: (rule) => String(rule.alerts) },
      { header: 'Note', weight: 6, value: (rule) => rule.note ?? '' },
    ],
    report.rules,
    { emptyMessage: 'No rules ran.', fontSize: 7.5 },
  );
  if (report.missingAttribution.calls > 0 || report.undatedCalls > 0) {
    document.paragraph(
      `${report.missingAttribution.calls} tool call(s) carry no user and ${report.undatedCalls} no usable time: they are counted here, never dropped.`,
      { size: 8.5, color: TONE_COLORS.warning },
    );
  }

  document.heading(`Alerts (${alerts.length})`);
  document.table(
    [
      {
        header: 'Severity',
        weight: 1.5,
        value: (alert: Alert) => alert.severity,
        color: (alert) => (alert.severity === 'critical' ? TONE_COLORS.critical : alert.severity === 'warning' ? TONE_COLORS.warning : TONE_COLORS.muted),
      },
      { header: 'Rule', weight: 1.9, value: (alert) => alert.rule },
      { header: 'When (UTC)', weight: 2.3, value: (alert) => (alert.fromMs === null ? '—' : alert.toMs !== null && alert.toMs !== alert.fromMs ? `${utc(alert.fromMs)}\nto ${utc(alert.toMs)}` : utc(alert.fromMs)) },
      { header: 'What happened', weight: 4.8, value: (alert) => alert.explanation + (alert.user || alert.patient ? `\n${[alert.user ? `user ${alert.user}` : '', alert.patient ? `patient ${alert.patient}` : ''].filter(Boolean).join(', ')}` : '') },
      {
        header: 'Status',
        weight: 1.7,
        value: (alert) => (alert.acknowledgement ? `${alert.status}\n${alert.acknowledgement.by}` : alert.status),
        color: (alert) => (alert.status === 'open' ? TONE_COLORS.critical : TONE_COLORS.muted),
      },
      {
        header: 'Evidence (file:line)',
        weight: 3.6,
        fit: true,
        value: (alert) =>
          alert.evidence
            .slice(0, EVIDENCE_SHOWN)
            .map((ref) => refText(ref, shorten))
            .join('\n') + (alert.evidenceCount > EVIDENCE_SHOWN ? `\n+${alert.evidenceCount - EVIDENCE_SHOWN} more (attached)` : ''),
      },
    ],
    alerts,
    { emptyMessage: 'No alerts: none of the enabled rules found anything.', fontSize: 7.5 },
  );

  const evidence = evidenceFor(
    'alerts',
    title,
    provenance,
    query,
    { from: isoOrNull(first), to: isoOrNull(last) },
    {
      *[Symbol.iterator]() {
        for (const alert of alerts)
          for (const ref of alert.evidence)
            yield { file: ref.file, line: ref.line, values: { alert: alert.id, rule: alert.rule, severity: alert.severity, status: alert.status, user: alert.user, patient: alert.patient } };
      },
    },
  );
  document.attachEvidence(evidence);
  return { document, evidence };
}
