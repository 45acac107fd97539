/** The break-the-glass review log as a PDF: every emergency access, its review and what is overdue. */
import type { BtgEvent, BtgOverview } from '../../../shared/analyses.js';
import { CUSTOS_VERSION } from '../version.js';
import { mapRows, type EvidenceSource } from './evidence-stream.js';
import { ReportDocument, type PageLayout, TONE_COLORS } from './report-document.js';
import { day, evidenceFor, integritySection, isoOrNull, pathShortener, refText, utc, type ReportProvenance } from './report-parts.js';

export function buildBtgPdf(overview: BtgOverview, provenance: ReportProvenance, layout?: PageLayout): { document: ReportDocument; evidence: EvidenceSource } {
  const title = 'Break-the-glass review log';
  const shorten = pathShortener(overview.events.map((event) => event.source.file));
  const times = overview.events.map((event) => event.timeMs).filter((time): time is number => time !== null);
  const first = times.length > 0 ? Math.min(...times) : null;
  const last = times.length > 0 ? Math.max(...times) : null;
  const query = `Break-the-glass accesses; review window ${overview.reviewWindowDays} days; as of ${day(overview.asOfMs)}`;
  const document = new ReportDocument({
    organization: provenance.organization,
    title,
    subtitle: `${overview.events.length} emergency access${overview.events.length === 1 ? '' : 'es'}: ${overview.reviewed} reviewed, ${overview.pending} pending, ${overview.overdue} overdue`,
    query,
    period: first === null ? 'no dated events' : `${utc(first)} to ${utc(last)} UTC`,
    generatedAt: provenance.generatedAt,
    generatedBy: provenance.generatedBy,
    custosVersion: CUSTOS_VERSION,
    subject: 'Break-the-glass review log',
    keywords: 'break-the-glass, emergency access, review, audit log, Custos',
  }, layout);
  integritySection(document, provenance.verification);

  document.heading('Review journal');
  const journal = overview.journal;
  document.keyValues([
    ['Journal', journal.path],
    ['State', journal.state === 'tampered' ? `TAMPERED${journal.problem ? ` at line ${journal.problem.line}: ${journal.problem.detail}` : ''}` : `${journal.state}, ${journal.records} record(s)`],
    ['Journal head', journal.headHash ?? '—'],
  ]);

  document.heading(`Events (${overview.events.length})`);
  document.table(
    [
      { header: 'Time (UTC)', weight: 2.2, value: (event: BtgEvent) => utc(event.timeMs) },
      { header: 'User / role', weight: 2.4, value: (event) => `${event.user ?? '(not recorded)'}\n${event.role ?? '—'}` },
      { header: 'Patient', weight: 1.7, value: (event) => event.patient ?? '—' },
      // The field's last segment reads better than its full path in a narrow column (the evidence has the path).
      { header: 'Signal', weight: 3, value: (event) => event.signals.map((signal) => `${signal.field.split('.').pop() ?? signal.field}: ${signal.value}`).join('\n') },
      {
        header: 'Status',
        weight: 1.9,
        value: (event) => (event.status === 'reviewed' ? 'reviewed' : event.overdue ? `OVERDUE\n(due ${day(event.dueMs)})` : `pending\n(due ${day(event.dueMs)})`),
        color: (event) => (event.status === 'reviewed' ? TONE_COLORS.ok : event.overdue ? TONE_COLORS.critical : TONE_COLORS.warning),
      },
      {
        header: 'Decision',
        weight: 3,
        value: (event) => (event.review ? `${event.review.decision} — ${event.review.reviewer}, ${event.review.reviewedAt.slice(0, 10)}${event.review.note ? `\n${event.review.note}` : ''}` : '—'),
      },
      { header: 'Evidence (file:line)', weight: 3.1, fit: true, value: (event) => refText(event.source, shorten) },
    ],
    overview.events,
    { emptyMessage: 'No break-the-glass accesses were found in the archive.', fontSize: 7.5 },
  );

  const evidence = evidenceFor(
    'break-the-glass',
    title,
    provenance,
    query,
    { from: isoOrNull(first), to: isoOrNull(last) },
    mapRows(overview.events, (event) => ({
      file: event.source.file,
      line: event.source.line,
      values: {
        key: event.key,
        time: isoOrNull(event.timeMs),
        user: event.user,
        patient: event.patient,
        status: event.status,
        overdue: event.overdue,
        decision: event.review?.decision ?? null,
        reviewer: event.review?.reviewer ?? null,
      },
    })),
  );
  document.attachEvidence(evidence);
  return { document, evidence };
}
