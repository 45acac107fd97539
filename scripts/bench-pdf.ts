/**
 * `npm run bench:pdf`: renders and signs a 10,000-row patient access report (PAdES, RSA 3072) and
 * compares its wall time with opening the 1,000,000-entry archive of bench:open in the database
 * worker, measured in the same run. Also renders 2,500 and 40,000 rows to show whether peak memory
 * grows with the rows. Target (issue 6): PDF ≤ 0.5× the open time; memory not growing with rows
 * beyond the table buffer. The rows come from a paged source, as from a store query.
 *
 * Each measurement runs in its own child process so its peak RSS is its own.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AccessRow } from '../shared/analyses.js';
import type { VerifyReport } from '../shared/verification.js';
import { buildAccessReportPdf, type PagedAccessReport } from '../main/core/pdf/access-report-pdf.js';
import { writeReport } from '../main/core/pdf/write-report.js';
import { loadIdentity } from '../main/core/signing/identity.js';
import { createSelfSignedIdentity } from '../main/core/signing/self-signed.js';
import { readPeakRss } from './peak-rss.js';
import { benchArchive, BENCH_ENTRIES, BENCH_ROOT } from './bench-archive.js';

const ROOT = BENCH_ROOT;
const ENTRIES = BENCH_ENTRIES;

const USERS = ['dr.müller', 'nurse.σοφία', 'clerk.дмитрий', 'dr.josé', 'usr_10077', 'usr_10103'];
const TOOLS = ['access_patient_record', 'lookup_patient', 'update_treatment', 'schedule_appointment'];
const START_MS = Date.UTC(2026, 0, 1);
/** Rows per page of the synthetic row source, like a paged store query. */
const PAGE_ROWS = 500;

/** Row `index` of the synthetic report, shaped like the real ones (several files, users, tools). */
function rowAt(index: number): AccessRow {
  return {
    timeMs: START_MS + index * 97_000,
    timeRaw: null,
    user: USERS[index % USERS.length]!,
    role: index % 3 === 0 ? 'physician' : 'nurse',
    patient: 'P-1042',
    tool: TOOLS[index % TOOLS.length]!,
    purpose: index % 11 === 0 ? 'emergency' : 'treatment',
    outcome: index % 29 === 0 ? 'failure' : 'success',
    breakGlass: index % 11 === 0 ? [{ kind: 'purpose', field: 'purpose', value: 'emergency' }] : [],
    alerts: index % 53 === 0 ? ['burst'] : [],
    format: 'chained',
    source: { file: fileOf(index), line: 1 + (index % 3000) * 7 },
    related: [],
    viaIdentifier: false,
  };
}

function fileOf(index: number): string {
  return `/archive/audit-2026-${String(1 + Math.floor(index / 3000)).padStart(2, '0')}.jsonl`;
}

/**
 * A deterministic access report of `rows` rows whose rows are produced a page at a time each time
 * they are read (as a paged store query would), so the benchmark measures the PDF pipeline, not
 * an array of rows held by the caller.
 */
function syntheticReport(rows: number): { report: PagedAccessReport; verification: VerifyReport } {
  const pagedRows: Iterable<AccessRow> = {
    *[Symbol.iterator]() {
      for (let first = 0; first < rows; first += PAGE_ROWS) {
        const page = Array.from({ length: Math.min(PAGE_ROWS, rows - first) }, (_, offset) => rowAt(first + offset));
        yield* page;
      }
    },
  };
  const fileCount = Math.ceil(rows / 3000);
  const files = Array.from({ length: fileCount }, (_, index) => fileOf(index * 3000));
  let failures = 0;
  let breakGlass = 0;
  for (let index = 0; index < rows; index++) {
    if (index % 29 === 0) failures++;
    if (index % 11 === 0) breakGlass++;
  }
  const report: PagedAccessReport = {
    generatedAt: new Date().toISOString(),
    query: { patients: ['P-1042'], identifierKinds: [], fromMs: null, toMs: null, mode: 'access', timeZone: 'UTC' },
    patients: ['P-1042'],
    identifierMatches: [],
    banner: [],
    integrity: 'intact',
    completeness: 'unconfirmed',
    files: files.map((file, index) => ({ file, format: 'chained', chain: 'intact', criticalFindings: 0, warningFindings: 0, rows: Math.min(3000, rows - index * 3000) })),
    summary: {
      totalAccesses: rows,
      uniqueUsers: USERS.length,
      users: USERS.map((user) => ({ user, accesses: Math.round(rows / USERS.length) })),
      purposes: [{ purpose: 'treatment', accesses: rows }],
      failures,
      breakGlass,
      missingAttribution: 0,
      undated: 0,
      firstMs: rows > 0 ? START_MS : null,
      lastMs: rows > 0 ? START_MS + (rows - 1) * 97_000 : null,
      excludedAsTreatmentPaymentOperations: 0,
    },
    timeline: [],
    rows: pagedRows,
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

/** Child: render and sign one report, print what it measured. Identity creation is not timed. */
async function child(rows: number): Promise<void> {
  const password = 'bench-password';
  const identity = loadIdentity(createSelfSignedIdentity({ name: 'Benchmark Signer', organization: 'Custos', keyBits: 3072 }, password), password, 'bench.p12');
  const { report, verification } = syntheticReport(rows);
  const dir = mkdtempSync(join(tmpdir(), 'custos-bench-pdf-'));
  const path = join(dir, 'report.pdf');
  const baselineKb = await readRss(process.pid);
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const provenance = { organization: 'Klinik Nord', generatedBy: 'bench', generatedAt: new Date(), scope: ['/archive'], verification };
  const written = await writeReport(path, (layout) => buildAccessReportPdf(report, provenance, layout).document, { identity, reason: 'Benchmark', location: 'here', signedAt: new Date() });
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuStarted);
  // VmHWM is the kernel's high-water mark of this process: exact, unlike polling from outside.
  const peakKb = await readPeakRss(process.pid);
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, bytes: written.bytes, pages: written.pages, peakKb, baselineKb })}\n`);
}

/** Current resident memory in kB (VmRSS); null off Linux. */
async function readRss(pid: number): Promise<number | null> {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

interface Measured {
  exitCode: number | null;
  stdout: string;
}

function run(args: string[]): Promise<Measured> {
  return new Promise((resolvePromise, reject) => {
    const process_ = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    process_.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    process_.on('error', reject);
    process_.on('exit', (code) => resolvePromise({ exitCode: code, stdout }));
  });
}

interface PdfMeasurement {
  rows: number;
  ms: number;
  cpuMs: number;
  bytes: number;
  pages: number;
  peakKb: number | null;
  baselineKb: number | null;
  /** The largest JS heap left after a full (mark-compact) collection: what the report really keeps, without garbage V8 has not collected yet. */
  liveHeapMb: number | null;
}

/** V8's --trace-gc lines for full collections: "Mark-Compact 95.3 (120.0) -> 25.1 (110.0) MB". */
const FULL_GC = /Mark-Compact[^\n]*? ([\d.]+) \(([\d.]+)\) -> ([\d.]+) \(([\d.]+)\) MB/g;

function largestLiveHeap(trace: string): number | null {
  let largest: number | null = null;
  for (const match of trace.matchAll(FULL_GC)) largest = Math.max(largest ?? 0, Number(match[3]));
  return largest;
}

const ROW_COUNTS = [2_500, 10_000, 40_000];
const TIMED_ROWS = 10_000;

async function parent(): Promise<void> {
  const { file } = await benchArchive();
  const self = fileURLToPath(import.meta.url);
  const measured: PdfMeasurement[] = [];
  for (const rows of ROW_COUNTS) {
    const result = await run(['--trace-gc', self, '--child', String(rows)]);
    if (result.exitCode !== 0) throw new Error(`The PDF benchmark child for ${rows} rows failed (exit ${result.exitCode}).`);
    const json = result.stdout.split('\n').find((line) => line.startsWith('{'));
    if (!json) throw new Error(`The PDF benchmark child for ${rows} rows printed no result.`);
    measured.push({ rows, ...(JSON.parse(json) as Omit<PdfMeasurement, 'rows' | 'liveHeapMb'>), liveHeapMb: largestLiveHeap(result.stdout) });
  }
  const open = await run([join(ROOT, 'dist', 'scripts', 'bench-open.js'), '--child']);
  if (open.exitCode !== 0) throw new Error(`The bench:open child failed (exit ${open.exitCode}).`);
  const openMs = (JSON.parse(open.stdout) as { openMs: number }).openMs;
  const timed = measured.find((measurement) => measurement.rows === TIMED_ROWS)!;
  const ratio = timed.ms / openMs;
  const mb = (kb: number | null) => (kb === null ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);
  const first = measured[0]!;
  const last = measured[measured.length - 1]!;
  const growthMb = first.peakKb !== null && last.peakKb !== null ? (last.peakKb - first.peakKb) / 1024 : null;
  process.stdout.write(
    [
      `Archive         ${file} (${(statSync(file).size / 1048576).toFixed(0)} MB, ${ENTRIES.toLocaleString('en-US')} entries)`,
      `open (worker)   ${(openMs / 1000).toFixed(2)} s`,
      ...measured.map(
        (m) =>
          `PDF ${m.rows.toLocaleString('en-US').padStart(6)} rows ${(m.ms / 1000).toFixed(2).padStart(6)} s (CPU ${(m.cpuMs / 1000).toFixed(2)} s), ${String(m.pages).padStart(5)} pages, ${(m.bytes / 1048576).toFixed(1).padStart(4)} MB signed, peak RSS ${mb(m.peakKb)} (${mb(m.baselineKb)} before rendering), live JS heap ≤ ${m.liveHeapMb === null ? 'n/a' : `${m.liveHeapMb.toFixed(0)} MB`} after full GCs`,
      ),
      `ratio           ${ratio.toFixed(3)}× the open time for ${TIMED_ROWS.toLocaleString('en-US')} rows, signed (PAdES, RSA 3072)   (target ≤ 0.50×: ${ratio <= 0.5 ? 'met' : 'NOT met'})`,
      growthMb === null
        ? 'peak RSS        n/a off Linux'
        : `peak RSS        +${growthMb.toFixed(0)} MB from ${first.rows.toLocaleString('en-US')} to ${last.rows.toLocaleString('en-US')} rows (${(last.rows / first.rows).toFixed(0)}× the rows); live JS heap ${first.liveHeapMb?.toFixed(0) ?? 'n/a'} → ${last.liveHeapMb?.toFixed(0) ?? 'n/a'} MB (the PDF itself goes to disk as it is made and is signed there)`,
      '',
    ].join('\n'),
  );
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) await child(Number(process.argv[childAt + 1] ?? 10_000));
else await parent();
