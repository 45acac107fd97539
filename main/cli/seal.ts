/** `custos seal PATHS --p12 FILE -o FILE.seal.json`: a signed record of what an archive looks like now. */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { isFormatId, type FormatId } from '../../shared/formats.js';
import type { SealCheckSummary, SealedFileCheck } from '../../shared/signing.js';
import { dataDir } from '../core/data-dir.js';
import { loadMapping } from '../core/formats/mapping.js';
import { createSeal, writeSealFile } from '../core/seal/create-seal.js';
import { loadIdentityFile } from '../core/signing/identity.js';
import { scanArchive, type ScanOptions } from '../core/verify/scan.js';
import { readPassword } from './password-prompt.js';

interface SealOptions {
  p12: string;
  output: string;
  format?: string;
  mapping?: string;
  acceptFindings?: boolean;
}

export function register(program: Command): void {
  program
    .command('seal')
    .description('Sign a seal recording each file\'s size, SHA-256, line count and chain head, so later truncation, re-chaining, replacement or removal is detectable (also for unchained formats).')
    .argument('<paths...>', 'files and folders of the archive')
    .requiredOption('--p12 <file>', 'PKCS#12 signing identity (password from a prompt or CUSTOS_P12_PASSWORD)')
    .requiredOption('-o, --output <file.seal.json>', 'where to write the seal (never overwritten)')
    .option('--format <format>', 'read every file as this format instead of detecting it')
    .option('--mapping <file>', 'mapping file for the generic format')
    .option('--accept-findings', 'seal even though verification found problems (the seal then records the damaged state)')
    .action(async (paths: string[], options: SealOptions) => {
      try {
        process.exitCode = await runSeal(paths, options);
      } catch (error) {
        process.stderr.write(`custos: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 2;
      }
    });
}

async function runSeal(paths: string[], options: SealOptions): Promise<number> {
  if (options.format !== undefined && !isFormatId(options.format)) {
    process.stderr.write(`custos: unknown format "${options.format}".\n`);
    return 2;
  }
  // Check the identity first: a wrong password should not cost a full scan.
  const identity = loadIdentityFile(options.p12, await readPassword(`Password for ${options.p12}: `));
  const scanOptions: ScanOptions = {};
  if (options.format) scanOptions.format = options.format as FormatId;
  if (options.mapping) scanOptions.mapping = await loadMapping(options.mapping);
  const report = await scanArchive(paths, scanOptions);
  const critical = report.findings.filter((finding) => finding.severity === 'critical');
  if (critical.length > 0 && !options.acceptFindings) {
    process.stderr.write(`custos: not sealed: verification found ${critical.length} critical finding${critical.length === 1 ? '' : 's'}, for example:\n`);
    for (const finding of critical.slice(0, 5)) process.stderr.write(`  ${finding.kind} ${finding.file}${finding.line ? `:${finding.line}` : ''}: ${finding.detail}\n`);
    process.stderr.write('Investigate them first (custos verify), or seal the damaged state on purpose with --accept-findings.\n');
    return 1;
  }
  const seal = createSeal(report, identity, paths);
  writeSealFile(options.output, seal);
  // A copy in Custos's own data folder, so the workstation can list every seal made here.
  const text = JSON.stringify(seal);
  const archived = join(dataDir(), 'seals', `${seal.body.createdAt.replace(/[:.]/g, '-')}-${createHash('sha256').update(text).digest('hex').slice(0, 12)}.seal.json`);
  mkdirSync(join(dataDir(), 'seals'), { recursive: true });
  copyFileSync(options.output, archived);

  const out = process.stdout;
  out.write(`Sealed ${seal.body.files.length} file${seal.body.files.length === 1 ? '' : 's'} into ${options.output}\n`);
  for (const file of seal.body.files) {
    const head = file.headHash ? `head ${file.headHash}` : 'unchained: sealed by SHA-256 only';
    out.write(`  ${file.path}  ${file.format ?? 'unknown'}, ${file.lines} lines, ${file.size} bytes, ${head}\n`);
  }
  out.write(`Signed by ${identity.summary.subject}${identity.summary.selfSigned ? ' (self-signed)' : ''}\n`);
  out.write(`Certificate SHA-256 ${identity.summary.fingerprintSha256}\n`);
  out.write(`Check later with: custos verify ${paths.join(' ')} --seal ${options.output}\n`);
  return 0;
}

const STATUS_TEXT: Record<SealedFileCheck['status'], string> = {
  unchanged: 'unchanged since sealing',
  appended: 'new lines appended; sealed part unchanged',
  truncated: 'TRUNCATED',
  rechained: 'RE-CHAINED',
  replaced: 'CHANGED',
  missing: 'MISSING',
  unsealed: 'not covered by the seal',
};

/** The seal part of `custos verify --seal` output. */
export function renderSealSummary(seal: SealCheckSummary): string {
  const out = [`Seal ${seal.sealPath}${seal.createdAt ? ` (made ${seal.createdAt})` : ''}`];
  if (seal.signer) {
    out.push(`  signed by  ${seal.signer.subject}${seal.signer.selfSigned ? ' (self-signed)' : `, issued by ${seal.signer.issuer}`}`);
    out.push(`  SHA-256    ${seal.signer.fingerprintSha256}`);
  }
  out.push(`  signature  ${seal.signatureValid ? 'VALID' : `INVALID: ${seal.signatureProblem ?? 'does not verify'}`}`);
  for (const file of seal.files) {
    const counts = file.sealedLines !== null && file.lines !== null && file.sealedLines !== file.lines ? ` (${file.sealedLines} → ${file.lines} lines)` : '';
    out.push(`  ${STATUS_TEXT[file.status]}${counts}: ${file.path}`);
  }
  if (seal.signer?.selfSigned && seal.signatureValid) out.push('  Confirm the fingerprint with the person who sealed, or pin it with --seal-signer.');
  return `${out.join('\n')}\n\n`;
}
