/**
 * `npm run bench:analyses`: all anomaly rules and patient access reports on the 1,000,000-entry
 * chained archive (the one bench:open and bench:verify use, cached under .cache/bench/), against
 * the time bench:open needs to open the same archive in the database worker, measured in this run.
 *
 * Prints:
 *   - open: the worker's open (verify + normalize + index) of the archive — the reference;
 *   - collect: the analysis pass (AnalysisCollector.add per entry: calls, PII scan, hash tokens),
 *     timed around the collector only, while the archive is read;
 *   - rules: runRules (all nine rules) + break-the-glass review + retention review;
 *   - rules total = collect + rules, as a ratio to open          (target ≤ 0.5×);
 *   - patient report: buildAccessReport for 50 patients, p50/p95 (target p95 ≤ 50 ms; the first
 *     call also builds the per-patient index, reported separately);
 *   - heap held by the analysis data.
 * Each measurement runs in its own child process so they do not share CPU or heap.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeArchive } from '../main/core/fixtures/index.js';
import { DbClient } from '../main/worker/client.js';
import { AnalysisCollector } from '../main/core/analyses/analysis-data.js';
import { buildAccessReport, patientIndex } from '../main/core/analyses/access-report.js';
import { runRules } from '../main/core/analyses/alerts.js';
import { reviewBreakGlass } from '../main/core/analyses/btg.js';
import { reviewRetention } from '../main/core/analyses/retention.js';
import { defaultRetentionPolicy } from '../main/core/analyses/retention-policy.js';
import { defaultRulesConfig } from '../main/core/analyses/rules-config.js';
import { createNormalizer, type Normalizer } from '../main/core/formats/normalize/index.js';
import { scanArchive } from '../main/core/verify/scan.js';
import type { FormatId } from '../shared/formats.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const ENTRIES = Number(process.env['BENCH_ENTRIES'] ?? 1_000_000);
/**
 * BENCH_DIR: use another cached 1M-entry archive, e.g. .cache/bench/verify-chained-1000000 (bench:verify's
 * replayed day), when the generator's own copy is not there yet. Without one, it is generated once.
 */
const DIR = process.env['BENCH_DIR'] ? resolve(process.env['BENCH_DIR']) : join(ROOT, '.cache', 'bench', `chained-${ENTRIES}`);
const FILE = join(DIR, 'audit.jsonl');
const RUNS = 50;

async function childOpen(): Promise<void> {
  const client = new DbClient();
  await client.call('ping', {});
  const started = performance.now();
  await client.call('open', { jobId: 'bench', paths: [FILE], mode: 'replace' });
  const openMs = performance.now() - started;
  await client.close();
  process.stdout.write(`${JSON.stringify({ openMs })}\n`);
}

interface AnalysesReport {
  readMs: number;
  collectMs: number;
  rulesMs: number;
  btgMs: number;
  retentionMs: number;
  calls: number;
  alerts: Record<string, number>;
  indexMs: number;
  reports: number[];
  reportRows: number;
  heapMb: number;
}

async function childAnalyses(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const collector = new AnalysisCollector();
  const normalizers = new Map<FormatId, Normalizer>();
  let collectMs = 0;
  const readStarted = performance.now();
  const scan = await scanArchive([FILE], {
    onRecord: (record) => {
      let normalize = normalizers.get(record.format);
      if (!normalize) normalizers.set(record.format, (normalize = createNormalizer(record.format)));
      const { entry } = normalize(record.value, record.location, record.lineSha256);
      const t = performance.now();
      collector.add(entry);
      collectMs += performance.now() - t;
    },
  });
  const data = collector.finish();
  const readMs = performance.now() - readStarted;
  gc?.();
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1048576;

  const journal = { path: '(bench)', records: 0, state: 'empty' as const, headHash: null };
  const asOfMs = Date.parse('2026-12-31T00:00:00Z');
  let t = performance.now();
  const btg = reviewBreakGlass(data, { asOfMs, reviews: new Map(), journal });
  const btgMs = performance.now() - t;
  t = performance.now();
  const rules = defaultRulesConfig('UTC');
  const alerts = runRules(data, rules, { asOfMs, findings: scan.findings, btg, acks: new Map(), journal });
  const rulesMs = performance.now() - t;
  t = performance.now();
  reviewRetention(data, defaultRetentionPolicy(), { asOfMs, files: scan.files });
  const retentionMs = performance.now() - t;

  t = performance.now();
  const index = patientIndex(data);
  const indexMs = performance.now() - t;
  const patients = [...index.keys()];
  const reports: number[] = [];
  let reportRows = 0;
  for (let i = 0; i < RUNS; i++) {
    const patient = patients[(i * 97) % patients.length] ?? '';
    const started = performance.now();
    const report = buildAccessReport(
      data,
      { patients: [patient], fromMs: Date.parse('2026-01-01T00:00:00Z'), toMs: Date.parse('2027-01-01T00:00:00Z') },
      { verification: scan, alerts: alerts.alerts },
    );
    reports.push(performance.now() - started);
    reportRows = Math.max(reportRows, report.rows.length);
  }
  const byRule: Record<string, number> = {};
  for (const r of alerts.rules) byRule[r.rule] = r.alerts;
  const out: AnalysesReport = { readMs, collectMs, rulesMs, btgMs, retentionMs, calls: data.calls.length, alerts: byRule, indexMs, reports, reportRows, heapMb };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function runChild(flag: string, nodeArgs: string[] = []): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, fileURLToPath(import.meta.url), flag], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolvePromise(stdout) : reject(new Error(`${flag} child exited with ${code}`))));
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function parent(): Promise<void> {
  if (!existsSync(FILE) || (!process.env['BENCH_DIR'] && !existsSync(join(DIR, 'manifest.json')))) {
    process.stdout.write(`Generating ${ENTRIES.toLocaleString('en-US')} chained entries into ${DIR} (once; cached) …\n`);
    await writeArchive(DIR, { format: 'chained', seed: 7, entries: ENTRIES, rotation: 'single', scenario: true });
  }
  const size = (await stat(FILE)).size;
  process.stdout.write(`Archive: ${FILE} (${(size / 1048576).toFixed(0)} MB, ${ENTRIES.toLocaleString('en-US')} entries)\n`);
  const open = JSON.parse(await runChild('--open')) as { openMs: number };
  const a = JSON.parse(await runChild('--analyses', ['--expose-gc'])) as AnalysesReport;
  const rulesTotal = a.collectMs + a.rulesMs + a.btgMs;
  const ratio = rulesTotal / open.openMs;
  const p95 = percentile(a.reports, 95);
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  process.stdout.write(
    [
      `open (reference)  ${s(open.openMs)}   (bench:open's worker open of the same archive, this run)`,
      `read for analysis ${s(a.readMs)}   (verify + normalize + collect, single thread; ${a.calls.toLocaleString('en-US')} calls)`,
      `collect           ${s(a.collectMs)}   (calls, PII scan, hash tokens — inside the read)`,
      `rules             ${s(a.rulesMs)}   (${Object.entries(a.alerts).map(([rule, n]) => `${rule} ${n}`).join(', ')})`,
      `btg review        ${s(a.btgMs)}`,
      `retention review  ${s(a.retentionMs)}`,
      `rules total       ${s(rulesTotal)} = ${ratio.toFixed(3)}× open   (target ≤ 0.50×: ${ratio <= 0.5 ? 'met' : 'NOT met'})`,
      `patient index     ${a.indexMs.toFixed(1)} ms (once, on the first report)`,
      `patient report    median ${percentile(a.reports, 50).toFixed(2)} ms, p95 ${p95.toFixed(2)} ms   (target p95 ≤ 50 ms: ${p95 <= 50 ? 'met' : 'NOT met'}; up to ${a.reportRows} rows)`,
      `analysis heap     ${a.heapMb.toFixed(0)} MB held by the analysis data`,
      '',
    ].join('\n'),
  );
}

if (process.argv.includes('--open')) await childOpen();
else if (process.argv.includes('--analyses')) await childAnalyses();
else await parent();
