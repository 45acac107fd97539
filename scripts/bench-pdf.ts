/**
 * `npm run bench:pdf`: renders and signs a 10,000-row patient access report (PAdES, RSA 3072) and
 * compares its wall time with opening the 1,000,000-entry archive of bench:open in the database
 * worker, measured in the same run. Also renders 2,500 rows to show how peak memory grows with rows.
 * Target (issue 6): PDF ≤ 0.5× the open time; memory not growing with rows beyond the table buffer.
 *
 * Each measurement runs in its own child process so its peak RSS is its own.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AccessReport, AccessRow } from '../shared/analyses.js';
import type { VerifyReport } from '../shared/verification.js';
import { buildAccessReportPdf } from '../main/core/pdf/access-report-pdf.js';
import { writeReport } from '../main/core/pdf/write-report.js';
import { loadIdentity } from '../main/core/signing/identity.js';
import { createSelfSignedIdentity } from '../main/core/signing/self-signed.js';
import { readPeakRss } from './peak-rss.js';
import { benchArchive, BENCH_ENTRIES, BENCH_ROOT } from './bench-archive.js';

const ROOT = BENCH_ROOT;
const ENTRIES = BENCH_ENTRIES;
const { file: FILE } = await benchArchive();

/** A deterministic access report of `rows` rows, shaped like the real ones (several files, users, tools). */
function syntheticReport(rows: number): { report: AccessReport; verification: VerifyReport } {
  const users = ['dr.müller', 'nurse.σοφία', 'clerk.дмитрий', 'dr.josé', 'usr_10077', 'usr_10103'];
  const tools = ['access_patient_record', 'lookup_patient', 'update_treatment', 'schedule_appointment'];
  const start = Date.UTC(2026, 0, 1);
  const list: AccessRow[] = Array.from({ length: rows }, (_, index) => ({
    timeMs: start + index * 97_000,
    timeRaw: null,
    user: users[index % users.length]!,
    role: index % 3 === 0 ? 'physician' : 'nurse',
    patient: 'P-1042',
    tool: tools[index % tools.length]!,
    purpose: index % 11 === 0 ? 'emergency' : 'treatment',
    outcome: index % 29 === 0 ? 'failure' : 'success',
    breakGlass: index % 11 === 0 ? [{ kind: 'purpose', field: 'purpose', value: 'emergency' }] : [],
    alerts: index % 53 === 0 ? ['burst'] : [],
    format: 'chained',
    source: { file: `/archive/audit-2026-${String(1 + Math.floor(index / 3000)).padStart(2, '0')}.jsonl`, line: 1 + (index % 3000) * 7 },
    related: [],
    viaIdentifier: false,
  }));
  const files = [...new Set(list.map((row) => row.source.file))];
  const report: AccessReport = {
    generatedAt: new Date().toISOString(),
    query: { patients: ['P-1042'], identifierKinds: [], fromMs: null, toMs: null, mode: 'access', timeZone: 'UTC' },
    patients: ['P-1042'],
    identifierMatches: [],
    banner: [],
    integrity: 'intact',
    completeness: 'unconfirmed',
    files: files.map((file) => ({ file, format: 'chained', chain: 'intact', criticalFindings: 0, warningFindings: 0, rows: list.filter((row) => row.source.file === file).length })),
    summary: {
      totalAccesses: rows,
      uniqueUsers: users.length,
      users: users.map((user) => ({ user, accesses: Math.round(rows / users.length) })),
      purposes: [{ purpose: 'treatment', accesses: rows }],
      failures: list.filter((row) => row.outcome === 'failure').length,
      breakGlass: list.filter((row) => row.breakGlass.length > 0).length,
      missingAttribution: 0,
      undated: 0,
      firstMs: list[0]?.timeMs ?? null,
      lastMs: list[list.length - 1]?.timeMs ?? null,
      excludedAsTreatmentPaymentOperations: 0,
    },
    timeline: [],
    rows: list,
  };
  const verification: VerifyReport = {
    files: files.map((path) => ({
      path,
      format: 'chained',
      entries: 21_000,
      lines: 21_000,
      size: 16_000_000,
      sha256: '0'.repeat(64),
      chain: { status: 'intact', headHash: 'f'.repeat(64), coveredFields: ['*'], uncoveredFields: [] },
      firstTime: null,
      lastTime: null,
    })),
    findings: [],
    verdict: { integrity: 'intact', completeness: 'unconfirmed', reasons: ['Integrity is intact.'] },
  };
  return { report, verification };
}

/** Child: render and sign one report, print {ms, bytes, pages}. Identity creation is not timed. */
async function child(rows: number): Promise<void> {
  const password = 'bench-password';
  const identity = loadIdentity(createSelfSignedIdentity({ name: 'Benchmark Signer', organization: 'Custos', keyBits: 3072 }, password), password, 'bench.p12');
  const { report, verification } = syntheticReport(rows);
  const dir = mkdtempSync(join(tmpdir(), 'custos-bench-pdf-'));
  const path = join(dir, 'report.pdf');
  const started = performance.now();
  const provenance = { organization: 'Klinik Nord', generatedBy: 'bench', generatedAt: new Date(), scope: ['/archive'], verification };
  const written = await writeReport(path, (layout) => buildAccessReportPdf(report, provenance, layout).document, { identity, reason: 'Benchmark', location: 'here', signedAt: new Date() });
  const ms = performance.now() - started;
  const pages = (readFileSync(path).toString('latin1').match(/\/Type \/Page\b(?!s)/g) ?? []).length;
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify({ ms, bytes: written.bytes, pages })}\n`);
}

interface Measured {
  peakRssKb: number | null;
  exitCode: number | null;
  stdout: string;
}

function run(args: string[]): Promise<Measured> {
  return new Promise((resolvePromise, reject) => {
    const process_ = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    let peak: number | null = null;
    process_.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const poll = setInterval(() => {
      if (process_.pid === undefined) return;
      void readPeakRss(process_.pid).then((kb) => {
        if (kb !== null && (peak === null || kb > peak)) peak = kb;
      });
    }, 20);
    process_.on('error', reject);
    process_.on('exit', (code) => {
      clearInterval(poll);
      resolvePromise({ peakRssKb: peak, exitCode: code, stdout });
    });
  });
}

async function parent(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const small = await run([self, '--child', '2500']);
  const large = await run([self, '--child', '10000']);
  for (const result of [small, large]) if (result.exitCode !== 0) throw new Error(`The PDF benchmark child failed (exit ${result.exitCode}).`);
  const open = await run([join(ROOT, 'dist', 'scripts', 'bench-open.js'), '--child']);
  if (open.exitCode !== 0) throw new Error(`The bench:open child failed (exit ${open.exitCode}).`);
  const openMs = (JSON.parse(open.stdout) as { openMs: number }).openMs;
  const smallReport = JSON.parse(small.stdout) as { ms: number; bytes: number; pages: number };
  const largeReport = JSON.parse(large.stdout) as { ms: number; bytes: number; pages: number };
  const ratio = largeReport.ms / openMs;
  const mb = (kb: number | null) => (kb === null ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);
  const growth = small.peakRssKb !== null && large.peakRssKb !== null ? (large.peakRssKb - small.peakRssKb) / 1024 : null;
  const pdfGrowth = (largeReport.bytes - smallReport.bytes) / 1048576;
  process.stdout.write(
    [
      `Archive         ${FILE} (${(statSync(FILE).size / 1048576).toFixed(0)} MB, ${ENTRIES.toLocaleString('en-US')} entries)`,
      `open (worker)   ${(openMs / 1000).toFixed(2)} s`,
      `PDF 10,000 rows ${(largeReport.ms / 1000).toFixed(2)} s, ${largeReport.pages} pages, ${(largeReport.bytes / 1048576).toFixed(1)} MB, signed (PAdES, RSA 3072)`,
      `ratio           ${ratio.toFixed(3)}× the open time   (target ≤ 0.50×: ${ratio <= 0.5 ? 'met' : 'NOT met'})`,
      `peak RSS        ${mb(small.peakRssKb)} at 2,500 rows, ${mb(large.peakRssKb)} at 10,000 rows` +
        (growth === null ? '' : `: +${growth.toFixed(0)} MB for 4× the rows, against +${pdfGrowth.toFixed(1)} MB of PDF (pages are flushed as they fill; the finished PDF is held once for signing)`),
      '',
    ].join('\n'),
  );
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) await child(Number(process.argv[childAt + 1] ?? 10_000));
else await parent();
