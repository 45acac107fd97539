/** `custos verify-report FILE.pdf [ARCHIVE…]`: check a report's signature and re-check its evidence. */
import type { Command } from 'commander';
import type { ReportVerification } from '../../shared/report.js';
import { verifyReportFile } from '../core/pdf/verify-report.js';
import { collectArchiveFiles } from '../core/reader/archive-files.js';

export function register(program: Command): void {
  program
    .command('verify-report')
    .description('Check that a Custos PDF report is signed, unchanged since signing and by whom, and re-check its attached evidence against the archive files.')
    .argument('<report.pdf>')
    .argument('[archive...]', 'files or folders to look for the evidence files in, when they are not at their recorded paths')
    .option('--json', 'print the result as JSON')
    .action(async (pdf: string, archive: string[], options: { json?: boolean }) => {
      try {
        const archiveFiles = archive.length > 0 ? (await collectArchiveFiles(archive)).files.map((file) => file.path) : [];
        const result = await verifyReportFile(pdf, { archiveFiles });
        process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : render(result));
        process.exitCode = result.problems.length === 0 ? 0 : 1;
      } catch (error) {
        process.stderr.write(`custos verify-report: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 2;
      }
    });
}

function render(result: ReportVerification): string {
  const out = [`Report      ${result.path}`];
  if (result.signed) {
    out.push(`Signature   ${result.signatureValid ? 'VALID' : 'INVALID'}${result.subFilter ? ` (${result.subFilter})` : ''}`);
    out.push(`Coverage    ${result.coversWholeDocument ? 'the whole document is signed' : 'NOT the whole document: content was added after signing'}`);
    if (result.signer) {
      out.push(`Signer      ${result.signer.subject}`);
      out.push(`Issuer      ${result.signer.selfSigned ? 'self-signed: confirm the fingerprint with the signer' : result.signer.issuer}`);
      out.push(`SHA-256     ${result.signer.fingerprintSha256}`);
    }
    if (result.signingTime) out.push(`Signed at   ${result.signingTime}`);
    if (result.reason) out.push(`Reason      ${result.reason}`);
    if (result.location) out.push(`Location    ${result.location}`);
  } else out.push('Signature   NONE');
  if (result.evidence) {
    const { report } = result.evidence;
    out.push(`Evidence    ${report.title} (${report.type}) for ${report.organization}, generated ${report.generatedAt} by ${report.generatedBy} with Custos ${report.custosVersion}`);
    out.push(`            ${result.evidence.files.length} file(s), ${result.evidence.rows.length} row(s); query: ${report.query}`);
  }
  for (const file of result.files) out.push(`  ${file.status.toUpperCase().padEnd(9)} ${file.path}: ${file.detail}`);
  out.push('');
  if (result.problems.length === 0) out.push('OK: signed, unchanged since signing, and the evidence matches the files found.');
  else {
    out.push('Problems:');
    for (const problem of result.problems) out.push(`  - ${problem}`);
  }
  return `${out.join('\n')}\n`;
}
