/** The CSV tables of the analysis views: the columns and rows each view shows, with file and line. */
import type { AccessReport, Alert, BtgEvent, RetentionReview } from '../../shared/analyses';
import type { CsvTable } from '../store/exportSlice';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function accessRowsCsv(report: AccessReport): CsvTable {
  return {
    columns: ['Time (UTC)', 'User', 'Role', 'Patient', 'Tool', 'Purpose', 'Outcome', 'Break-the-glass', 'Alerts', 'File', 'Line'],
    rows: report.rows.map((row) => [
      iso(row.timeMs) ?? row.timeRaw,
      row.user,
      row.role,
      row.patient,
      row.tool,
      row.purpose,
      row.outcome,
      row.breakGlass.map((signal) => `${signal.field}=${signal.value}`).join('; '),
      row.alerts.join('; '),
      row.source.file,
      row.source.line,
    ]),
  };
}

export function alertsCsv(alerts: readonly Alert[]): CsvTable {
  return {
    columns: ['Severity', 'Rule', 'Explanation', 'User', 'Patient', 'From (UTC)', 'To (UTC)', 'Evidence entries', 'First evidence file', 'First evidence line', 'Status', 'Handled by', 'Note'],
    rows: alerts.map((alert) => [
      alert.severity,
      alert.rule,
      alert.explanation,
      alert.user,
      alert.patient,
      iso(alert.fromMs),
      iso(alert.toMs),
      alert.evidenceCount,
      alert.evidence[0]?.file ?? null,
      alert.evidence[0]?.line ?? null,
      alert.status,
      alert.acknowledgement?.by ?? null,
      alert.acknowledgement?.note ?? null,
    ]),
  };
}

export function btgCsv(events: readonly BtgEvent[]): CsvTable {
  return {
    columns: ['Time (UTC)', 'User', 'Role', 'Patient', 'Tool', 'Purpose', 'Signals', 'Outcome', 'File', 'Line', 'Status', 'Overdue', 'Decision', 'Reviewer', 'Reviewed at', 'Note'],
    rows: events.map((event) => [
      iso(event.timeMs),
      event.user,
      event.role,
      event.patient,
      event.tool,
      event.purpose,
      event.signals.map((signal) => `${signal.field}=${signal.value}`).join('; '),
      event.outcome,
      event.source.file,
      event.source.line,
      event.status,
      event.overdue,
      event.review?.decision ?? null,
      event.review?.reviewer ?? null,
      event.review?.reviewedAt ?? null,
      event.review?.note ?? null,
    ]),
  };
}

export function retentionFilesCsv(review: RetentionReview): CsvTable {
  return {
    columns: ['File', 'Entries', 'Oldest (UTC)', 'Newest (UTC)', 'Under retention', 'Expiring soon', 'Past retention', 'Undated', 'Disposal eligible', 'Reason', 'Legal holds'],
    rows: review.files.map((file) => [
      file.file,
      file.entries,
      iso(file.oldestMs),
      iso(file.newestMs),
      file.underRetention,
      file.expiringSoon,
      file.pastRetention,
      file.undated,
      file.disposalEligible,
      file.reason,
      file.legalHolds.join('; '),
    ]),
  };
}
