/** `custos certify PATHS --pdf OUT.pdf [--p12 FILE] [--seal FILE]`: a signed integrity certificate. */
import type { Command } from 'commander';
import { isFormatId, type FormatId } from '../../shared/formats.js';
import type { SealCheckSummary } from '../../shared/signing.js';
import type { VerifyReport } from '../../shared/verification.js';
import { loadMapping } from '../core/formats/mapping.js';
import { refuseEvidencePath } from '../core/output/atomic-write.js';
import { buildIntegrityCertificate } from '../core/pdf/integrity-certificate.js';
import { writeReport } from '../core/pdf/write-report.js';
import { applySeal } from '../core/seal/apply-seal.js';
import { scanArchive, type ScanOptions } from '../core/verify/scan.js';
import { VerifyPool } from '../worker/verify-pool.js';
import { addPdfOptions, describeSigning, reportContext, type PdfCliOptions } from './report-options.js';

interface CertifyOptions extends PdfCliOptions {
  seal?: string;
  sealSigner?: string[];
  format?: string;
  mapping?: string;
}

export function register(program: Command): void {
  addPdfOptions(
    program
      .command('certify')
      .description('Verify an archive and write an integrity certificate PDF (per file: format, entries, chain, head hash, findings; completeness; seal), optionally signed.')
      .argument('<paths...>', 'audit log files or folders')
      .option('--seal <file>', 'compare with this seal (confirms completeness)')
      .option('--seal-signer <sha256...>', 'only trust a seal signed by this certificate fingerprint')
      .option('--format <format>', 'read every file as this format')
      .option('--mapping <file>', 'mapping file for the generic format'),
    'Integrity certificate for audit log archive',
  ).action(async (paths: string[], options: CertifyOptions) => {
    try {
      process.exitCode = await runCertify(paths, options);
    } catch (error) {
      process.stderr.write(`custos certify: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    }
  });
}

async function runCertify(paths: string[], options: CertifyOptions): Promise<number> {
  if (options.format !== undefined && !isFormatId(options.format)) {
    process.stderr.write(`custos certify: unknown format "${options.format}".\n`);
    return 2;
  }
  const context = await reportContext(options);
  const scanOptions: ScanOptions = {};
  if (options.format) scanOptions.format = options.format as FormatId;
  if (options.mapping) scanOptions.mapping = await loadMapping(options.mapping);
  const pool = new VerifyPool();
  let report: VerifyReport;
  let seal: SealCheckSummary | null = null;
  try {
    const result = await scanArchive(paths, { ...scanOptions, parallel: pool });
    report = { files: result.files, findings: result.findings, verdict: result.verdict };
    if (options.seal) {
      const sealed = await applySeal({ ...report, anchored: result.anchored }, options.seal, options.sealSigner ? { trustedSigners: options.sealSigner } : {});
      report = sealed;
      seal = sealed.seal;
    }
  } finally {
    await pool.close();
  }
  if (report.files.length === 0) {
    process.stderr.write(`custos certify: no audit log files were found in ${paths.join(', ')}; nothing to certify, no PDF written.\n`);
    return 2;
  }
  refuseEvidencePath(options.pdf, report.files.map((file) => file.path));
  const certificate = { report, seal, scope: paths, organization: context.organization, generatedBy: context.generatedBy, generatedAt: context.generatedAt };
  const written = await writeReport(options.pdf, (layout) => buildIntegrityCertificate(certificate, layout).document, context.signing);
  process.stdout.write(
    `Wrote ${written.path} (${written.bytes.toLocaleString('en-US')} bytes): ${report.files.length} file(s), integrity ${report.verdict.integrity}, completeness ${report.verdict.completeness}, ${report.findings.length} finding(s).\n${describeSigning(context.signing)}\n`,
  );
  return report.findings.some((finding) => finding.severity !== 'info') ? 1 : 0;
}
