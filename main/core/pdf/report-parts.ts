/** Pieces the analysis reports share: provenance input, evidence skeleton, times and file names. */
import { basename, relative } from 'node:path';
import type { EvidenceRef, ReportFileVerdict } from '../../../shared/analyses.js';
import type { EvidenceRow, ReportKind } from '../../../shared/report.js';
import type { VerifyReport } from '../../../shared/verification.js';
import { CUSTOS_VERSION } from '../version.js';
import { evidenceFile } from './integrity-certificate.js';
import { TONE_COLORS, type ReportDocument, type Tone } from './report-document.js';
import { commonFolder } from '../paths/common-folder.js';
import type { EvidenceSource } from './evidence-stream.js';

/** Who the report is for and by, and the verification the analysis rests on. */
export interface ReportProvenance {
  organization: string;
  generatedBy: string;
  generatedAt: Date;
  /** Archive paths as the user gave them. */
  scope: string[];
  verification: VerifyReport | null;
}

export function utc(ms: number | null): string {
  return ms === null ? '—' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, '');
}

export function day(ms: number | null): string {
  return ms === null ? '—' : new Date(ms).toISOString().slice(0, 10);
}

/** Shortens evidence paths to what distinguishes them: the part below their common folder. */
export function pathShortener(paths: string[]): (path: string) => string {
  if (paths.length === 0) return (path) => path;
  const root = commonFolder(paths);
  return (path) => (root ? relative(root, path) || basename(path) : path);
}

export function refText(ref: EvidenceRef, shorten: (path: string) => string): string {
  return `${shorten(ref.file)}:${ref.line}`;
}

export function verdictTone(integrity: string, completeness: string): Tone {
  if (integrity === 'broken' || completeness === 'incomplete') return 'critical';
  if (integrity === 'intact' && completeness === 'confirmed') return 'ok';
  return 'warning';
}

/** The integrity section every analysis report opens with: without it, its numbers prove nothing. */
export function integritySection(document: ReportDocument, verification: VerifyReport | null, banner: string[] = []): void {
  document.heading('Can this log be trusted?');
  if (!verification) {
    document.verdictBox('warning', 'Archive not verified', ['The archive was not verified for this report: nothing here proves the log was not altered.', ...banner]);
    return;
  }
  const { integrity, completeness, reasons } = verification.verdict;
  // The banner already speaks about completeness when it is in doubt; keep the verdict's fuller wording only once.
  const bannerOnCompleteness = banner.some((line) => /complete/i.test(line));
  const kept = reasons.filter((reason) => !(bannerOnCompleteness && /^(Completeness is|The archive is incomplete)/.test(reason)));
  document.verdictBox(verdictTone(integrity, completeness), `Integrity: ${integrity.toUpperCase()}   ·   Completeness: ${completeness.toUpperCase()}`, [...banner, ...kept]);
}

export function fileVerdictTable(document: ReportDocument, files: ReportFileVerdict[], shorten: (path: string) => string): void {
  document.table(
    [
      { header: 'Evidence file', weight: 5, value: (file: ReportFileVerdict) => shorten(file.file) },
      { header: 'Format', weight: 2, value: (file) => file.format ?? 'unknown' },
      {
        header: 'Chain',
        weight: 2,
        value: (file) => file.chain,
        color: (file) => (file.chain === 'intact' ? TONE_COLORS.ok : file.chain === 'broken' ? TONE_COLORS.critical : TONE_COLORS.warning),
      },
      { header: 'Critical', weight: 1.4, align: 'right', value: (file) => String(file.criticalFindings) },
      { header: 'Warnings', weight: 1.4, align: 'right', value: (file) => String(file.warningFindings) },
      { header: 'Rows', weight: 1.2, align: 'right', value: (file) => String(file.rows) },
    ],
    files,
    { emptyMessage: 'No evidence file contributed rows.' },
  );
}

export function evidenceFor(
  type: ReportKind,
  title: string,
  provenance: ReportProvenance,
  query: string,
  period: { from: string | null; to: string | null },
  rows: Iterable<EvidenceRow>,
): EvidenceSource {
  return {
    kind: 'custos-report-evidence',
    version: 1,
    report: {
      type,
      title,
      organization: provenance.organization,
      generatedAt: provenance.generatedAt.toISOString(),
      generatedBy: provenance.generatedBy,
      custosVersion: CUSTOS_VERSION,
      query,
      period,
    },
    files: (provenance.verification?.files ?? []).map(evidenceFile),
    rows,
    findings: provenance.verification?.findings ?? [],
    verdict: provenance.verification?.verdict ?? null,
    seal: null,
  };
}

export function isoOrNull(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}
