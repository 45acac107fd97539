/** The retention review as a PDF: per category and per file, what must be kept, what may go, and why. */
import type { RetentionCategoryReview, RetentionFileReview, RetentionReview } from '../../../shared/analyses.js';
import { CUSTOS_VERSION } from '../version.js';
import type { EvidenceSource } from './evidence-stream.js';
import { ReportDocument, type PageLayout, TONE_COLORS } from './report-document.js';
import { day, evidenceFor, integritySection, isoOrNull, pathShortener, type ReportProvenance } from './report-parts.js';

export function buildRetentionPdf(review: RetentionReview, provenance: ReportProvenance, layout?: PageLayout): { document: ReportDocument; evidence: EvidenceSource } {
  const title = 'Retention review';
  const shorten = pathShortener(review.files.map((file) => file.file));
  const eligible = review.files.filter((file) => file.disposalEligible);
  const entries = review.categories.reduce((sum, category) => sum + category.entries, 0);
  const query = `Retention policy revision ${review.policyRevision} applied as of ${day(review.asOfMs)}`;
  const document = new ReportDocument({
    organization: provenance.organization,
    title,
    subtitle: `${entries.toLocaleString('en-US')} entries in ${review.files.length} file${review.files.length === 1 ? '' : 's'}; ${eligible.length} file${eligible.length === 1 ? '' : 's'} eligible for disposal`,
    query,
    period: `as of ${day(review.asOfMs)} (expiring window ${review.expiringWindowDays} days)`,
    generatedAt: provenance.generatedAt,
    generatedBy: provenance.generatedBy,
    custosVersion: CUSTOS_VERSION,
    subject: `Retention review under policy revision ${review.policyRevision}`,
    keywords: 'retention, disposal, legal hold, audit log, Custos',
  }, layout);
  integritySection(document, provenance.verification);

  document.heading('By category');
  document.table(
    [
      { header: 'Category', weight: 4.6, value: (category: RetentionCategoryReview) => `${category.label}\n${category.source}` },
      { header: 'Keep (days)', weight: 1.5, align: 'right', value: (category) => category.retentionDays.toLocaleString('en-US') },
      { header: 'Entries', weight: 1.4, align: 'right', value: (category) => category.entries.toLocaleString('en-US') },
      { header: 'Under retention', weight: 1.7, align: 'right', value: (category) => category.underRetention.toLocaleString('en-US') },
      { header: 'Expiring soon', weight: 1.6, align: 'right', value: (category) => category.expiringSoon.toLocaleString('en-US') },
      {
        header: 'Past retention',
        weight: 1.6,
        align: 'right',
        value: (category) => category.pastRetention.toLocaleString('en-US'),
        color: (category) => (category.pastRetention > 0 ? TONE_COLORS.warning : undefined),
      },
      { header: 'Undated', weight: 1.3, align: 'right', value: (category) => category.undated.toLocaleString('en-US') },
      { header: 'Next expiry', weight: 1.8, value: (category) => day(category.nextExpiryMs) },
    ],
    review.categories,
    { emptyMessage: 'The archive has no entries to review.', fontSize: 7.5 },
  );

  document.heading('By file');
  document.table(
    [
      { header: 'File', weight: 3.6, value: (file: RetentionFileReview) => shorten(file.file) },
      { header: 'Entries', weight: 1.3, align: 'right', value: (file) => file.entries.toLocaleString('en-US') },
      { header: 'Oldest – newest', weight: 2.6, value: (file) => `${day(file.oldestMs)} – ${day(file.newestMs)}` },
      {
        header: 'Disposal',
        weight: 1.7,
        value: (file) => (file.disposalEligible ? 'eligible' : 'keep'),
        color: (file) => (file.disposalEligible ? TONE_COLORS.warning : TONE_COLORS.ok),
      },
      { header: 'Why', weight: 5, value: (file) => file.reason + (file.legalHolds.length > 0 ? `\nLegal holds: ${file.legalHolds.join(', ')}` : '') },
    ],
    review.files,
    { emptyMessage: 'No files were reviewed.', fontSize: 7.5 },
  );

  if (review.activeLegalHolds.length > 0) {
    document.heading('Active legal holds');
    document.table(
      [
        { header: 'Hold', weight: 2, value: (hold: RetentionReview['activeLegalHolds'][number]) => hold.id },
        {
          header: 'Scope',
          weight: 4,
          value: (hold) =>
            Object.entries(hold.scope)
              .map(([key, value]) => `${key} ${typeof value === 'number' ? day(value) : value}`)
              .join(', ') || 'everything',
        },
        { header: 'Placed', weight: 3, value: (hold) => `${hold.placedAt.slice(0, 10)} by ${hold.placedBy}` },
        { header: 'Reason', weight: 4, value: (hold) => hold.reason },
      ],
      review.activeLegalHolds,
      { emptyMessage: '' },
    );
  }
  if (review.unmatchedTools.length > 0 || review.entriesWithoutTool > 0) {
    document.heading('Tools no category names');
    document.paragraph(
      `${review.unmatchedTools.map((tool) => `${tool.tool} (${tool.entries})`).join(', ')}${review.entriesWithoutTool > 0 ? `${review.unmatchedTools.length > 0 ? '; ' : ''}${review.entriesWithoutTool} entries without a tool name` : ''}: these fall to the catch-all category. Add them to the policy if they need another period.`,
    );
  }
  if (review.notes.length > 0) {
    document.heading('Policy notes');
    for (const note of review.notes) document.paragraph(note, { size: 8.5, color: TONE_COLORS.muted });
  }
  document.paragraph('Custos never deletes evidence: disposal is for the records owner to carry out, after confirming no hold or investigation applies.', {
    size: 8.5,
    color: TONE_COLORS.muted,
  });

  const evidence = evidenceFor(
    'retention',
    title,
    provenance,
    query,
    { from: isoOrNull(Math.min(...review.files.map((file) => file.oldestMs ?? Infinity).filter(Number.isFinite))), to: isoOrNull(review.asOfMs) },
    review.files.map((file) => ({
      file: file.file,
      line: null,
      values: { entries: file.entries, disposalEligible: file.disposalEligible, reason: file.reason, eligibleFrom: isoOrNull(file.eligibleFromMs), legalHolds: file.legalHolds.join(',') },
    })),
  );
  document.attachEvidence(evidence);
  return { document, evidence };
}
