/**
 * `npm run bench:verify`: times `custos verify` on a 1,000,000-entry chained archive (~800 MB)
 * against `sha256sum` on the same file, in the same run, and prints the wall-time ratio and the
 * peak memory of each. Targets (issue 2): verify ≤ 1.5× sha256sum wall, peak RSS ≤ 300 MB.
 *
 * The archive is the shared cached benchmark archive (scripts/bench-archive.ts).
 *   BENCH_ENTRIES=N   archive size (default 1,000,000; a different size is cached separately)
 *   BENCH_RUNS=N      timed runs of each command (default 1; the best run counts)
 */
import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { readPeakRss } from './peak-rss.js';
import { benchArchive, BENCH_ROOT } from './bench-archive.js';

const RUNS = Math.max(1, Number(process.env['BENCH_RUNS'] ?? 1));

interface Measured {
  wallMs: number;
  /** CPU time (user + system) of the child and its threads, from this process's reaped-children counters; null off Linux. */
  cpuMs: number | null;
  peakRssKb: number | null;
  exitCode: number | null;
  stdout: string;
}

/** CPU ms of this process's waited-for children (cutime + cstime in /proc/self/stat), or null. */
async function childrenCpuMs(): Promise<number | null> {
  try {
    const stat = await readFile('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After ")": state is field 3, so cutime (16) and cstime (17) are at indexes 13 and 14; clock ticks are 100 Hz on Linux.
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return null;
  }
}

async function run(command: string, args: string[], capture = true): Promise<Measured> {
  const cpuBefore = await childrenCpuMs();
  const measured = await runOnce(command, args, capture);
  const cpuAfter = await childrenCpuMs();
  return { ...measured, cpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore };
}

function runOnce(command: string, args: string[], capture: boolean): Promise<Omit<Measured, 'cpuMs'>> {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { cwd: BENCH_ROOT, stdio: ['ignore', capture ? 'pipe' : 'ignore', 'inherit'] });
    let stdout = '';
    let peak: number | null = null;
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const poll = setInterval(() => {
      if (child.pid === undefined) return;
      void readPeakRss(child.pid).then((kb) => {
        if (kb !== null && (peak === null || kb > peak)) peak = kb;
      });
    }, 25);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      resolvePromise({ wallMs: Number(process.hrtime.bigint() - started) / 1e6, peakRssKb: peak, exitCode: code, stdout });
    });
  });
}

async function best(command: string, args: string[]): Promise<Measured> {
  const runs: Measured[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await run(command, args));
  const fastest = runs.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
  const peaks = runs.map((r) => r.peakRssKb ?? 0);
  return { ...fastest, peakRssKb: Math.max(...peaks) || null };
}

const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(0)} MB`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const { file: FILE, anchor } = await benchArchive();
  if (!anchor) throw new Error('the benchmark archive has no bench-archive.json (head hash and line count)');
  const manifest = anchor;
  const size = (await stat(FILE)).size;
  process.stdout.write(`Archive: ${FILE} (${mb(size)}, ${manifest.totalLines.toLocaleString('en-US')} lines)\n`);

  // Warm the page cache so both commands read from memory, as the second of any two runs would.
  await run('cat', [FILE], false);

  const reference = await best('sha256sum', [FILE]);
  const verify = await best(process.execPath, [join(BENCH_ROOT, 'bin', 'custos.js'), 'verify', FILE, '--json', '--expect-head', manifest.headHash, '--expect-lines', String(manifest.totalLines)]);
  let verdict = 'unreadable output';
  try {
    const report = JSON.parse(verify.stdout) as { findings: unknown[]; verdict: { integrity: string; completeness: string } };
    verdict = `integrity ${report.verdict.integrity}, completeness ${report.verdict.completeness}, ${report.findings.length} findings`;
  } catch {
    // reported below as unreadable output
  }
  const ratio = verify.wallMs / reference.wallMs;
  const cpu = (m: Measured): string => (m.cpuMs === null ? '' : `  CPU ${seconds(m.cpuMs)}`);
  const cpuRatio = verify.cpuMs !== null && reference.cpuMs ? verify.cpuMs / reference.cpuMs : null;
  const rssMb = verify.peakRssKb === null ? null : verify.peakRssKb / 1024;
  process.stdout.write(
    [
      `sha256sum       ${seconds(reference.wallMs)}${cpu(reference)}  peak RSS ${reference.peakRssKb === null ? '?' : `${(reference.peakRssKb / 1024).toFixed(0)} MB`}`,
      `custos verify   ${seconds(verify.wallMs)}${cpu(verify)}  peak RSS ${rssMb === null ? '?' : `${rssMb.toFixed(0)} MB`}  exit ${verify.exitCode}  (${verdict})`,
      `ratio           ${ratio.toFixed(2)}× sha256sum wall   (target ≤ 1.50×: ${ratio <= 1.5 ? 'met' : 'NOT met'})`,
      ...(cpuRatio === null ? [] : [`CPU time        ${cpuRatio.toFixed(2)}× sha256sum's (spread over ${availableParallelism()} cores; shows the work when the machine is busy)`]),
      `peak RSS        ${rssMb === null ? 'not measurable here' : `${rssMb.toFixed(0)} MB   (target ≤ 300 MB: ${rssMb <= 300 ? 'met' : 'NOT met'})`}`,
      '',
    ].join('\n'),
  );
  if (verify.exitCode !== 0) process.exitCode = 1;
}

await main();
