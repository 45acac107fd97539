/** The patient access report (or accounting of disclosures) as a PDF, with every row's file:line. */
import type { AccessReport, AccessRow } from '../../../shared/analyses.js';
import { CUSTOS_VERSION } from '../version.js';
import { mapRows, type EvidenceSource } from './evidence-stream.js';
import { ReportDocument, type PageLayout, TONE_COLORS } from './report-document.js';
import { evidenceFor, fileVerdictTable, integritySection, isoOrNull, pathShortener, refText, utc, type ReportProvenance } from './report-parts.js';

/**
 * An access report whose rows may be produced page by page (an array works too): they are read
 * when the PDF is rendered — once to lay it out, once to draw it, once for the evidence — and
 * never copied. `summary.totalAccesses` is their number.
 */
export type PagedAccessReport = Omit<AccessReport, 'rows'> & { rows: Iterable<AccessRow> };

export function buildAccessReportPdf(report: PagedAccessReport, provenance: ReportProvenance, layout?: PageLayout): { document: ReportDocument; evidence: EvidenceSource } {
  const disclosures = report.query.mode === 'disclosures';
  const title = disclosures ? 'Accounting of disclosures' : 'Patient access report';
  const summary = report.summary;
  const patients = report.patients.length > 0 ? report.patients.join(', ') : 'no patient found';
  const identifierKinds = report.query.identifierKinds.length > 0 ? ` (found by ${report.query.identifierKinds.join(', ')}, hashed locally; clear values are not stored)` : '';
  const query = `${disclosures ? 'Disclosures' : 'Accesses'} for patient ${report.query.patients.join(', ') || '—'}${identifierKinds}`;
  const periodFrom = report.query.fromMs ?? summary.firstMs;
  const periodTo = report.query.toMs ?? summary.lastMs;
  const files = new Set(report.files.map((file) => file.file));
  for (const row of report.rows) files.add(row.source.file);
  const shorten = pathShortener([...files]);

  const document = new ReportDocument({
    organization: provenance.organization,
    title,
    subtitle: `Patient ${patients}: ${summary.totalAccesses.toLocaleString('en-US')} access${summary.totalAccesses === 1 ? '' : 'es'} by ${summary.uniqueUsers} user${summary.uniqueUsers === 1 ? '' : 's'}`,
    query,
    period: periodFrom === null && periodTo === null ? 'all entries (none dated)' : `${utc(periodFrom)} to ${utc(periodTo)} UTC${report.query.fromMs === null ? ' (first and last access)' : ''}`,
    generatedAt: provenance.generatedAt,
    generatedBy: provenance.generatedBy,
    custosVersion: CUSTOS_VERSION,
    subject: `${title} for patient ${patients}`,
    keywords: 'patient access report, HIPAA, audit log, Custos',
  }, layout);

  integritySection(document, provenance.verification, report.banner);

  document.heading('Summary');
  const summaryPairs: Array<[string, string]> = [
    ['Accesses', summary.totalAccesses.toLocaleString('en-US')],
    ['Users', summary.users.map((user) => `${user.user} (${user.accesses})`).join(', ') || '—'],
    ['Purposes', summary.purposes.map((purpose) => `${purpose.purpose} (${purpose.accesses})`).join(', ') || '—'],
    ['Failures', String(summary.failures)],
    ['Break-the-glass', String(summary.breakGlass)],
    ['No user recorded', String(summary.missingAttribution)],
    ['Undated', String(summary.undated)],
  ];
  if (disclosures) summaryPairs.push(['Left out (TPO)', `${summary.excludedAsTreatmentPaymentOperations} accesses for treatment, payment or health-care operations (§164.528(a)(1)(i))`]);
  document.keyValues(summaryPairs);
  for (const match of report.identifierMatches) {
    document.paragraph(
      match.matchedHashes.length === 0
        ? `Identifier (${match.kind}): no hashed form of the given value occurs in the archive.`
        : `Identifier (${match.kind}): matched ${match.entries} entries through hashed form(s) ${match.matchedHashes.join(', ')}${match.patients.length > 0 ? `, patient ${match.patients.join(', ')}` : ''}.`,
      { size: 8.5 },
    );
  }

  document.heading(`${disclosures ? 'Disclosures' : 'Accesses'} (${summary.totalAccesses.toLocaleString('en-US')})`);
  const multiplePatients = report.patients.length > 1;
  document.table(
    [
      { header: 'Time (UTC)', weight: 2.2, value: (row: AccessRow) => (row.timeMs === null ? `undated: ${row.timeRaw ?? 'missing'}` : utc(row.timeMs)) },
      {
        header: 'User / role',
        weight: 2.4,
        value: (row) => `${row.user ?? '(not recorded)'}\n${row.role ?? '—'}`,
        color: (row) => (row.user === null ? TONE_COLORS.warning : undefined),
      },
      ...(multiplePatients ? [{ header: 'Patient', weight: 1.7, value: (row: AccessRow) => row.patient ?? '—' }] : []),
      { header: 'Tool', weight: 3.1, value: (row) => row.tool ?? '—' },
      { header: 'Purpose', weight: 1.9, value: (row) => row.purpose ?? '—' },
      {
        header: 'Outcome',
        weight: 1.7,
        value: (row) => row.outcome + (row.breakGlass.length > 0 ? '\nbreak-the-glass' : ''),
        color: (row) => (row.outcome === 'failure' || row.breakGlass.length > 0 ? TONE_COLORS.critical : undefined),
      },
      { header: 'Alerts', weight: 1.7, value: (row) => row.alerts.join(', ') || '—' },
      { header: 'Evidence (file:line)', weight: 3.3, fit: true, value: (row) => refText(row.source, shorten) },
    ],
    report.rows,
    {
      emptyMessage: disclosures
        ? 'No disclosures of this patient’s records were found in the archive for the period.'
        : 'No accesses to this patient’s records were found in the archive for the period.',
      fontSize: 7.5,
      count: summary.totalAccesses,
    },
  );

  document.heading('Evidence files');
  fileVerdictTable(document, report.files, shorten);

  const evidence = evidenceFor(
    disclosures ? 'disclosures' : 'patient-access',
    title,
    provenance,
    query,
    { from: isoOrNull(periodFrom), to: isoOrNull(periodTo) },
    mapRows(report.rows, (row) => ({
      file: row.source.file,
      line: row.source.line,
      values: {
        time: isoOrNull(row.timeMs),
        user: row.user,
        role: row.role,
        patient: row.patient,
        tool: row.tool,
        purpose: row.purpose,
        outcome: row.outcome,
        breakGlass: row.breakGlass.length > 0,
        alerts: row.alerts.join(','),
      },
    })),
  );
  document.attachEvidence(evidence);
  return { document, evidence };
}
