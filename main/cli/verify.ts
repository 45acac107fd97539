/** `custos verify PATHS…`: verify audit archives and explain exactly what is wrong and where. */
import { relative } from 'node:path';
import type { Command } from 'commander';
import type { Finding } from '../../shared/findings.js';
import { FINDING_EXPLANATIONS } from '../../shared/findings.js';
import { FORMAT_IDS, isFormatId, type FormatId, type GenericMapping } from '../../shared/formats.js';
import type { VerifyReport } from '../../shared/verification.js';
import { loadMapping } from '../core/formats/mapping.js';
import { scanArchive, type ScanOptions } from '../core/verify/scan.js';
import { VerifyPool } from '../worker/verify-pool.js';

export interface VerifyCliOptions {
  json?: boolean;
  format?: string;
  mapping?: string;
  expectHead?: string;
  expectLines?: string;
  seal?: string;
  sealSigner?: string[];
}

export function register(program: Command): void {
  program
    .command('verify')
    .description('Verify the hash chains of audit archives (files, folders, .jsonl.gz) and report what is wrong and where.')
    .argument('<paths...>', 'audit log files or folders (folders are read recursively, daily files in date order)')
    .option('--json', 'print the report as JSON')
    .option('--format <format>', `read every file as this format: ${FORMAT_IDS.join(', ')}`)
    .option('--mapping <file>', 'mapping file (JSON) for the generic format')
    .option('--expect-head <hash>', 'trusted anchor: the hash the newest entry must carry')
    .option('--expect-lines <n>', 'trusted anchor: the number of entries the archive must hold')
    .option('--seal <file>', 'signed seal (custos seal) to compare the archive with: detects truncation, re-chaining, replaced and missing files')
    .option('--seal-signer <sha256...>', 'only trust a seal signed by this certificate fingerprint')
    .addHelpText(
      'after',
      '\nExit status: 0 when nothing is wrong, 1 when there are findings, 2 on usage or I/O errors.\n' +
        'A hash chain cannot reveal entries deleted from the end or a re-chained tail: use --expect-head/--expect-lines or a seal for that.',
    )
    .action(async (paths: string[], options: VerifyCliOptions) => {
      process.exitCode = await runVerify(paths, options);
    });
}

function usage(message: string): number {
  process.stderr.write(`custos verify: ${message}\n`);
  return 2;
}

/** Runs the command; returns the exit status. */
export async function runVerify(paths: string[], options: VerifyCliOptions): Promise<number> {
  let format: FormatId | undefined;
  if (options.format !== undefined) {
    if (!isFormatId(options.format)) return usage(`unknown format "${options.format}"; use one of ${FORMAT_IDS.join(', ')}.`);
    format = options.format;
  }
  let mapping: GenericMapping | undefined;
  if (options.mapping !== undefined) {
    try {
      mapping = await loadMapping(options.mapping);
    } catch (error) {
      return usage((error as Error).message);
    }
  }
  if (format === 'generic' && !mapping) return usage('--format generic needs --mapping FILE (which fields mean what, and the chain spec if any).');
  if (mapping && !format) format = 'generic';
  let expectLines: number | undefined;
  if (options.expectLines !== undefined) {
    expectLines = Number(options.expectLines);
    if (!/^\d+$/.test(options.expectLines.trim()) || !Number.isSafeInteger(expectLines)) return usage(`--expect-lines must be a whole number, not "${options.expectLines}".`);
  }
  if (options.expectHead !== undefined && !/^[0-9a-fA-F]{64}$/.test(options.expectHead.trim())) {
    return usage('--expect-head must be a sha256 hash (64 hexadecimal characters).');
  }

  const pool = new VerifyPool();
  const progress = !options.json && process.stderr.isTTY ? new ProgressLine() : null;
  try {
    const scanOptions: ScanOptions = { parallel: pool, onProgress: progress ? (p) => progress.show(`verifying ${shortPath(p.file)} … ${Math.floor((100 * p.archiveBytesRead) / Math.max(1, p.archiveBytesTotal))}%`) : undefined };
    if (format) scanOptions.format = format;
    if (mapping) scanOptions.mapping = mapping;
    if (options.expectHead !== undefined) scanOptions.expectHead = options.expectHead.trim();
    if (expectLines !== undefined) scanOptions.expectLines = expectLines;
    const result = await scanArchive(paths, scanOptions);
    progress?.clear();
    let report: VerifyReport = { files: result.files, findings: result.findings, verdict: result.verdict };
    if (result.skipped) report.skipped = result.skipped;
    if (options.seal !== undefined) {
      // Loaded only with --seal: it brings the signing libraries.
      const [{ applySeal }, { renderSealSummary }] = await Promise.all([import('../core/seal/apply-seal.js'), import('./seal.js')]);
      const sealed = await applySeal({ ...report, anchored: result.anchored }, options.seal, options.sealSigner ? { trustedSigners: options.sealSigner } : {});
      report = sealed;
      if (!options.json) process.stdout.write(renderSealSummary(sealed.seal));
    }
    process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
    if (result.unopened.length > 0) return 2;
    return exitStatus(report.findings);
  } catch (error) {
    progress?.clear();
    process.stderr.write(`custos verify: ${(error as Error).message}\n`);
    return 2;
  } finally {
    await pool.close();
  }
}

/** 1 when anything needs attention; informational findings (time order) alone do not fail. */
export function exitStatus(findings: readonly Finding[]): number {
  return findings.some((f) => f.severity !== 'info') ? 1 : 0;
}

class ProgressLine {
  private last = 0;
  show(text: string): void {
    const now = Date.now();
    if (now - this.last < 200) return;
    this.last = now;
    process.stderr.write(`\r${text.slice(0, 100).padEnd(100)}`);
  }
  clear(): void {
    if (this.last > 0) process.stderr.write(`\r${' '.repeat(100)}\r`);
  }
}

function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

const STATUS_WORDS = { intact: 'INTACT', broken: 'BROKEN', unchained: 'UNCHAINED (no hash chain: not tamper-evident)' } as const;
const SEVERITY_MARK = { critical: '✗', warning: '!', info: '·' } as const;

export function renderReport(report: VerifyReport): string {
  const out: string[] = [];
  const entries = report.files.reduce((sum, f) => sum + f.entries, 0);
  out.push(`Custos verify: ${report.files.length} file${report.files.length === 1 ? '' : 's'}, ${entries.toLocaleString('en-US')} entries`, '');
  for (const file of report.files) {
    out.push(shortPath(file.path));
    out.push(`  format     ${file.format ?? 'unknown'}${file.formatReason ? ` (${file.formatReason})` : ''}`);
    out.push(`  entries    ${file.entries.toLocaleString('en-US')} of ${file.lines.toLocaleString('en-US')} lines, ${file.size.toLocaleString('en-US')} bytes`);
    if (file.firstTime) out.push(`  time       ${file.firstTime} to ${file.lastTime ?? '?'}`);
    out.push(`  chain      ${STATUS_WORDS[file.chain.status]}`);
    if (file.chain.headHash) out.push(`  head hash  ${file.chain.headHash}`);
    if (file.chain.status !== 'unchained') {
      const covered = file.chain.coveredFields.includes('*') ? 'every field except the hash itself' : file.chain.coveredFields.join(', ');
      out.push(`  covered    ${covered}`);
      if (file.chain.uncoveredFields.length > 0) out.push(`  NOT covered ${file.chain.uncoveredFields.join(', ')} — these can be altered without the chain showing it`);
    }
    if (file.sha256) out.push(`  sha256     ${file.sha256}`);
    out.push('');
  }
  if (report.skipped?.length) {
    out.push(`Skipped ${report.skipped.length} file(s) in the given folders:`);
    for (const s of report.skipped.slice(0, 10)) out.push(`  ${shortPath(s.path)}: ${s.reason}`);
    if (report.skipped.length > 10) out.push(`  … and ${report.skipped.length - 10} more`);
    out.push('');
  }
  if (report.findings.length === 0) out.push('No findings.', '');
  else {
    out.push(`Findings (${report.findings.length}):`);
    const explained = new Set<string>();
    for (const f of report.findings) {
      const where = f.line === null ? shortPath(f.file) : `${shortPath(f.file)}:${f.line}`;
      out.push(`  ${SEVERITY_MARK[f.severity]} ${f.kind}  ${where}`);
      out.push(`      ${f.detail}`);
      if (f.expected !== undefined) out.push(`      expected ${f.expected}`);
      if (f.found !== undefined) out.push(`      found    ${f.found}`);
      explained.add(f.kind);
    }
    out.push('', 'What these mean:');
    for (const kind of explained) out.push(`  ${kind}: ${FINDING_EXPLANATIONS[kind as Finding['kind']]}`);
    out.push('');
  }
  out.push(`Integrity:    ${report.verdict.integrity.toUpperCase()}`);
  out.push(`Completeness: ${report.verdict.completeness.toUpperCase()}`);
  for (const reason of report.verdict.reasons) out.push(`  - ${reason}`);
  return `${out.join('\n')}\n`;
}
