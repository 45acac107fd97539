/**
 * `npm run bench:open`: opens (verifies and indexes) the 1,000,000-entry chained archive of
 * bench:verify in the database worker, against `sha256sum` on the same file in the same run, and
 * prints: open wall-time ratio, peak RSS as a fraction of the archive's bytes, and the latency of a
 * patient report, a filtered page and per-tool statistics (median and p95 of 50 runs each).
 * Targets (issue 3): open ≤ 2.5× sha256sum, RSS ≤ 0.6× archive bytes, patient report p95 ≤ 50 ms,
 * filtered page p95 ≤ 30 ms.
 *
 * The archive is generated once with the fixture generator and cached under .cache/bench/ (shared
 * with bench:verify: scripts/bench-archive.ts).  BENCH_ENTRIES=N picks another size (cached separately); BENCH_DIR=DIR another folder.
 * The open and the queries run in a child process so its peak RSS is the store's alone.
 */
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DbClient } from '../main/worker/client.js';
import { readPeakRss } from './peak-rss.js';
import { benchArchive, BENCH_ENTRIES, BENCH_ROOT } from './bench-archive.js';

const ROOT = BENCH_ROOT;
const ENTRIES = BENCH_ENTRIES;
const { file: FILE } = await benchArchive();
const RUNS = 50;

interface ChildReport {
  openMs: number;
  /** CPU seconds of every thread of the child during the open (database thread, range threads, main). */
  openCpuS: number;
  entries: number;
  findings: number;
  integrity: string;
  patientReport: number[];
  patientReportRows: number;
  filteredPage: number[];
  filteredPageTotal: number;
  toolStats: number[];
}

/** Child: open the archive in the worker, then time the queries. Prints a ChildReport as JSON. */
async function child(): Promise<void> {
  const client = new DbClient();
  await client.call('ping', {});
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const outcome = await client.call('open', { jobId: 'bench', paths: [FILE], mode: 'replace' });
  const openMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuStarted);
  const summary = await client.call('summary', {});
  const patients = (await client.call('entries.distinct', { column: 'patient', limit: 5000 })).values;
  const users = (await client.call('entries.distinct', { column: 'user', limit: 5000 })).values;
  const tools = (await client.call('entries.distinct', { column: 'tool', limit: 100 })).values;
  const time = async (task: () => Promise<unknown>): Promise<number> => {
    const t = performance.now();
    await task();
    return performance.now() - t;
  };
  const patientReport: number[] = [];
  let patientReportRows = 0;
  for (let i = 0; i < RUNS; i++) {
    const patient = patients[(i * 97) % patients.length]!;
    patientReport.push(
      await time(async () => {
        const page = await client.call('entries.query', {
          filter: { patients: [patient], fromMs: Date.parse('2026-01-01T00:00:00Z'), toMs: Date.parse('2027-01-01T00:00:00Z') },
          sort: { column: 'time', direction: 'asc' },
          offset: 0,
          limit: 1000,
        });
        patientReportRows = Math.max(patientReportRows, page.rows.length);
      }),
    );
  }
  const filteredPage: number[] = [];
  let filteredPageTotal = 0;
  for (let i = 0; i < RUNS; i++) {
    const user = users[(i * 31) % users.length]!;
    const tool = tools[i % tools.length]!;
    filteredPage.push(
      await time(async () => {
        const page = await client.call('entries.query', {
          filter: i % 2 === 0 ? { users: [user] } : { tools: [tool], success: true },
          sort: { column: 'time', direction: 'desc' },
          offset: 0,
          limit: 100,
        });
        filteredPageTotal = Math.max(filteredPageTotal, page.total);
      }),
    );
  }
  const toolStats: number[] = [];
  for (let i = 0; i < RUNS; i++) toolStats.push(await time(() => client.call('entries.toolStats', { filter: {} })));
  await client.close();
  const report: ChildReport = {
    openMs,
    openCpuS: (cpu.user + cpu.system) / 1e6,
    entries: summary.totalEntries,
    findings: outcome.opened.reduce((sum, file) => sum + file.findingCount, 0),
    integrity: summary.verdict.integrity,
    patientReport,
    patientReportRows,
    filteredPage,
    filteredPageTotal,
    toolStats,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

interface Measured {
  wallMs: number;
  peakRssKb: number | null;
  exitCode: number | null;
  stdout: string;
}

function run(command: string, args: string[], keepOutput = true): Promise<Measured> {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const process_ = spawn(command, args, { cwd: ROOT, stdio: ['ignore', keepOutput ? 'pipe' : 'ignore', 'inherit'] });
    let stdout = '';
    let peak: number | null = null;
    process_.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const poll = setInterval(() => {
      if (process_.pid === undefined) return;
      void readPeakRss(process_.pid).then((kb) => {
        if (kb !== null && (peak === null || kb > peak)) peak = kb;
      });
    }, 25);
    process_.on('error', reject);
    process_.on('exit', (code) => {
      clearInterval(poll);
      resolvePromise({ wallMs: Number(process.hrtime.bigint() - started) / 1e6, peakRssKb: peak, exitCode: code, stdout });
    });
  });
}

/** User + system CPU seconds of one run of `command file`, from bash's `times` (null without bash). */
function childCpuSeconds(command: string, file: string): Promise<number | null> {
  return new Promise((resolvePromise) => {
    const shell = spawn('bash', ['-c', '"$0" "$1" > /dev/null; times', command, file], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    shell.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    shell.on('error', () => resolvePromise(null));
    shell.on('exit', () => {
      // The second line holds the children's user and system time: "0m2.118s 0m0.354s".
      const times = [...(out.trim().split('\n')[1] ?? '').matchAll(/(\d+)m([\d.]+)s/gu)].map((m) => Number(m[1]) * 60 + Number(m[2]));
      resolvePromise(times.length === 2 ? times[0]! + times[1]! : null);
    });
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(0)} MB`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const verdict = (met: boolean): string => (met ? 'met' : 'NOT met');

async function parent(): Promise<void> {
  const size = (await stat(FILE)).size;
  process.stdout.write(`Archive: ${FILE} (${mb(size)}, ${ENTRIES.toLocaleString('en-US')} entries)\n`);
  await run('cat', [FILE], false); // warm the page cache for both
  const reference = await run('sha256sum', [FILE]);
  const referenceCpuS = await childCpuSeconds('sha256sum', FILE);
  const measured = await run(process.execPath, [fileURLToPath(import.meta.url), '--child']);
  if (measured.exitCode !== 0) throw new Error(`The open benchmark child failed (exit ${measured.exitCode}).`);
  const report = JSON.parse(measured.stdout) as ChildReport;
  const ratio = report.openMs / reference.wallMs;
  const rssBytes = measured.peakRssKb === null ? null : measured.peakRssKb * 1024;
  const line = (name: string, values: number[], target?: number): string => {
    const p95 = percentile(values, 95);
    return `${name.padEnd(16)}median ${percentile(values, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms${target === undefined ? '' : `   (target p95 ≤ ${target} ms: ${verdict(p95 <= target)})`}`;
  };
  process.stdout.write(
    [
      `sha256sum       ${seconds(reference.wallMs)}`,
      `open            ${seconds(report.openMs)}  (${report.entries.toLocaleString('en-US')} entries indexed, ${report.findings} findings, integrity ${report.integrity})`,
      `ratio           ${ratio.toFixed(2)}× sha256sum wall   (target ≤ 2.50×: ${verdict(ratio <= 2.5)})   load average ${loadavg()[0]?.toFixed(2)} on ${availableParallelism()} cores`,
      `CPU time        open ${report.openCpuS.toFixed(2)} s (all threads), sha256sum ${referenceCpuS === null ? 'not measurable here' : `${referenceCpuS.toFixed(2)} s = ${(report.openCpuS / referenceCpuS).toFixed(1)}×`}   (less noisy than wall time on a busy machine)`,
      `peak RSS        ${rssBytes === null ? 'not measurable here' : `${mb(rssBytes)} = ${(rssBytes / size).toFixed(2)}× archive bytes   (target ≤ 0.60×: ${verdict(rssBytes / size <= 0.6)})`}`,
      line('patient report', report.patientReport, 50) + `   (up to ${report.patientReportRows} rows)`,
      line('filtered page', report.filteredPage, 30) + `   (100 rows of up to ${report.filteredPageTotal.toLocaleString('en-US')})`,
      line('tool stats', report.toolStats) + `   (first run ${report.toolStats[0]?.toFixed(1)} ms; repeats come from the answer cache until the index changes)`,
      '',
    ].join('\n'),
  );
}

if (process.argv.includes('--child')) await child();
else await parent();
