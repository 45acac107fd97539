/**
 * The integrity certificate: what was verified, how, and the verdict — per file its format,
 * entries, chain status, head hash and findings, the completeness verdict and the seal used.
 */
import { basename, relative } from 'node:path';
import type { Finding } from '../../../shared/findings.js';
import { FINDING_EXPLANATIONS } from '../../../shared/findings.js';
import type { EvidenceFile, ReportEvidence } from '../../../shared/report.js';
import type { SealCheckSummary } from '../../../shared/signing.js';
import type { FileReport, VerifyReport } from '../../../shared/verification.js';
import { commonFolder } from '../paths/common-folder.js';
import { CUSTOS_VERSION } from '../version.js';
import { ReportDocument, type PageLayout, TONE_COLORS, formatUtc, type Tone } from './report-document.js';

export interface IntegrityCertificateInput {
  report: VerifyReport;
  seal: SealCheckSummary | null;
  /** The paths the user asked to verify, as typed. */
  scope: string[];
  organization: string;
  generatedBy: string;
  generatedAt: Date;
}

const CHAIN_WORDS = { intact: 'Intact', broken: 'BROKEN', unchained: 'No chain' } as const;
const SEAL_WORDS: Record<SealCheckSummary['files'][number]['status'], string> = {
  unchanged: 'Unchanged',
  appended: 'Lines appended (sealed part unchanged)',
  truncated: 'TRUNCATED',
  rechained: 'RE-CHAINED',
  replaced: 'CHANGED',
  missing: 'MISSING',
  unsealed: 'Not in the seal',
};

export function buildIntegrityCertificate(input: IntegrityCertificateInput, layout?: PageLayout): { document: ReportDocument; evidence: ReportEvidence } {
  const { report, seal } = input;
  const root = report.files.length === 0 ? null : commonFolder(report.files.map((file) => file.path)) || null;
  const shown = (path: string) => (root ? relative(root, path) || basename(path) : path);
  const period = periodOf(report.files);
  const entries = report.files.reduce((sum, file) => sum + file.entries, 0);
  const title = 'Audit log integrity certificate';
  const document = new ReportDocument({
    organization: input.organization,
    title,
    subtitle: `${report.files.length} evidence file${report.files.length === 1 ? '' : 's'}, ${entries.toLocaleString('en-US')} entries${root ? ` in ${root}` : ''}`,
    query: `Verify ${input.scope.join(', ')}${seal ? ` against the seal ${seal.sealPath}` : ''}`,
    period: period.from ? `${shortTime(period.from)} to ${shortTime(period.to ?? period.from)} UTC (first and last entry)` : 'no timestamps found',
    generatedAt: input.generatedAt,
    generatedBy: input.generatedBy,
    custosVersion: CUSTOS_VERSION,
    subject: `Integrity and completeness of ${report.files.length} audit log file(s)`,
    keywords: 'audit log, integrity certificate, hash chain, seal, Custos',
  }, layout);

  document.heading('Verdict');
  const { integrity, completeness } = report.verdict;
  const tone: Tone = integrity === 'broken' || completeness === 'incomplete' ? 'critical' : integrity === 'intact' && completeness === 'confirmed' ? 'ok' : 'warning';
  document.verdictBox(tone, `Integrity: ${integrity.toUpperCase()}   ·   Completeness: ${completeness.toUpperCase()}`, report.verdict.reasons);

  document.heading('Evidence files');
  document.table(
    [
      { header: 'File', weight: 5, value: (file: FileReport) => shown(file.path) },
      { header: 'Format', weight: 2.2, value: (file) => file.format ?? 'unknown' },
      { header: 'Entries', weight: 1.6, align: 'right', value: (file) => file.entries.toLocaleString('en-US') },
      { header: 'Size', weight: 1.8, align: 'right', value: (file) => formatBytes(file.size) },
      {
        header: 'Chain',
        weight: 1.8,
        value: (file) => CHAIN_WORDS[file.chain.status],
        color: (file) => (file.chain.status === 'broken' ? TONE_COLORS.critical : file.chain.status === 'unchained' ? TONE_COLORS.warning : TONE_COLORS.ok),
      },
      { header: 'Period (UTC)', weight: 4, value: (file) => (file.firstTime ? `${shortTime(file.firstTime)} – ${shortTime(file.lastTime ?? file.firstTime)}` : '—') },
    ],
    report.files,
    { emptyMessage: 'No evidence files were found in the given paths.' },
  );

  document.heading('Hashes');
  document.paragraph('SHA-256 of each file as read, and the hash of the newest entry of each chain (its head). Record these outside the archive to detect later changes.', { size: 8.5, color: TONE_COLORS.muted });
  document.table(
    [
      { header: 'File', weight: 3, value: (file: FileReport) => shown(file.path) },
      { header: 'SHA-256 of the file', weight: 5, mono: true, value: (file) => file.sha256 },
      { header: 'Chain head', weight: 5, mono: true, value: (file) => file.chain.headHash ?? '— (unchained)' },
    ],
    report.files,
    { emptyMessage: 'No files.', fontSize: 7.5 },
  );

  const partial = report.files.filter((file) => file.chain.status !== 'unchained' && file.chain.uncoveredFields.length > 0);
  if (partial.length > 0) {
    document.heading('Fields the chain does not protect');
    for (const file of partial) {
      document.paragraph(`${shown(file.path)}: the hash covers ${file.chain.coveredFields.join(', ')} only; ${file.chain.uncoveredFields.join(', ')} could be changed without the chain showing it.`);
    }
  }

  document.heading('Seal');
  if (seal) {
    document.keyValues([
      ['Seal file', seal.sealPath],
      ['Sealed at', seal.createdAt ?? 'unknown'],
      ['Signed by', seal.signer ? `${seal.signer.subject}${seal.signer.selfSigned ? ' (self-signed)' : ''}` : 'unknown'],
      ['Fingerprint', seal.signer?.fingerprintSha256 ?? '—'],
      ['Signature', seal.signatureValid ? 'Valid' : `INVALID — ${seal.signatureProblem ?? 'does not verify'}`],
    ]);
    document.table(
      [
        { header: 'File', weight: 5, value: (file: SealCheckSummary['files'][number]) => shown(file.path) },
        {
          header: 'Compared with the seal',
          weight: 4,
          value: (file) => SEAL_WORDS[file.status],
          color: (file) => (file.status === 'unchanged' || file.status === 'appended' ? TONE_COLORS.ok : file.status === 'unsealed' ? TONE_COLORS.warning : TONE_COLORS.critical),
        },
        { header: 'Lines sealed → now', weight: 2.6, align: 'right', value: (file) => `${file.sealedLines ?? '—'} → ${file.lines ?? '—'}` },
      ],
      seal.files,
      { emptyMessage: 'The seal lists no files.' },
    );
  } else {
    document.paragraph(
      'No seal was used. A hash chain shows whether entries were changed, but not whether the newest entries were deleted or the tail rewritten and re-chained; files without a chain are not protected at all. Seal the archive (custos seal) and certify against the seal to confirm completeness.',
    );
  }

  document.heading(`Findings (${report.findings.length})`);
  document.table(
    [
      {
        header: 'Severity',
        weight: 1.6,
        value: (finding: Finding) => finding.severity,
        color: (finding) => (finding.severity === 'critical' ? TONE_COLORS.critical : finding.severity === 'warning' ? TONE_COLORS.warning : TONE_COLORS.muted),
      },
      { header: 'Kind', weight: 2.4, value: (finding) => finding.kind },
      { header: 'Where', weight: 4, value: (finding) => `${shown(finding.file)}${finding.line !== null ? `:${finding.line}` : ''}` },
      {
        header: 'What was found',
        weight: 7.4,
        value: (finding) =>
          [finding.detail, finding.expected !== undefined ? `expected ${finding.expected}` : null, finding.found !== undefined ? `found ${finding.found}` : null].filter((part) => part !== null).join('\n'),
      },
    ],
    report.findings,
    { emptyMessage: 'No findings: every check passed.' },
  );
  const kinds = [...new Set(report.findings.map((finding) => finding.kind))];
  if (kinds.length > 0) {
    document.heading('What the findings mean');
    for (const kind of kinds) document.paragraph(`${kind}: ${FINDING_EXPLANATIONS[kind]}`, { size: 8.5 });
  }

  document.heading('How to re-check this certificate');
  document.paragraph(
    `The attached custos-evidence.json lists every file with its size, SHA-256 and chain head, and every finding with its file and line. Run "custos verify-report" on this PDF to check its signature and compare the evidence with the files; "sha256sum" gives the same file hashes. Certificate generated ${formatUtc(input.generatedAt)}.`,
    { size: 8.5, color: TONE_COLORS.muted },
  );

  const evidence: ReportEvidence = {
    kind: 'custos-report-evidence',
    version: 1,
    report: {
      type: 'integrity-certificate',
      title,
      organization: input.organization,
      generatedAt: input.generatedAt.toISOString(),
      generatedBy: input.generatedBy,
      custosVersion: CUSTOS_VERSION,
      query: `verify ${input.scope.join(' ')}${seal ? ` --seal ${seal.sealPath}` : ''}`,
      period,
    },
    files: report.files.map(evidenceFile),
    rows: report.findings.map((finding) => ({
      file: finding.file,
      line: finding.line,
      values: { kind: finding.kind, severity: finding.severity, detail: finding.detail, expected: finding.expected ?? null, found: finding.found ?? null },
    })),
    findings: report.findings,
    verdict: report.verdict,
    seal: seal ? { path: seal.sealPath, createdAt: seal.createdAt, signatureValid: seal.signatureValid, signer: seal.signer?.subject ?? null } : null,
  };
  document.attachEvidence(evidence);
  return { document, evidence };
}

export function evidenceFile(file: FileReport): EvidenceFile {
  return {
    path: file.path,
    absolutePath: file.path,
    size: file.size,
    sha256: file.sha256,
    format: file.format,
    entries: file.entries,
    lines: file.lines,
    chain: { status: file.chain.status, headHash: file.chain.headHash },
  };
}

function periodOf(files: readonly FileReport[]): { from: string | null; to: string | null } {
  const firsts = files.map((file) => file.firstTime).filter((time): time is string => time !== null).sort();
  const lasts = files.map((file) => file.lastTime).filter((time): time is string => time !== null).sort();
  return { from: firsts[0] ?? null, to: lasts[lasts.length - 1] ?? null };
}

function shortTime(iso: string): string {
  return iso.replace('T', ' ').replace(/(\.\d+)?(Z|[+-]00:00)$/, '');
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

