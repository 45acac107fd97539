/**
 * `npm run bench:verify`: times `custos verify` on a 1,000,000-entry chained archive (~800 MB)
 * against `sha256sum` on the same file, in the same run, and prints the wall-time ratio and the
 * peak memory of each. Targets (issue 2): verify ≤ 1.5× sha256sum wall, peak RSS ≤ 300 MB.
 *
 * The archive is generated once with the fixture generator and cached under .cache/bench/.
 *   BENCH_ENTRIES=N   archive size (default 1,000,000; a different size is cached separately)
 *   BENCH_RUNS=N      timed runs of each command (default 1; the best run counts)
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeArchive } from '../main/core/fixtures/index.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const ENTRIES = Number(process.env['BENCH_ENTRIES'] ?? 1_000_000);
const RUNS = Math.max(1, Number(process.env['BENCH_RUNS'] ?? 1));
const DIR = join(ROOT, '.cache', 'bench', `chained-${ENTRIES}`);
const FILE = join(DIR, 'audit.jsonl');

interface Measured {
  wallMs: number;
  peakRssKb: number | null;
  exitCode: number | null;
  stdout: string;
}

/** Peak resident memory of a running process (VmHWM is the kernel's own high-water mark). */
async function readPeakRss(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

function run(command: string, args: string[]): Promise<Measured> {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    let peak: number | null = null;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
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
  if (!existsSync(join(DIR, 'manifest.json')) || !existsSync(FILE)) {
    process.stdout.write(`Generating ${ENTRIES.toLocaleString('en-US')} chained entries into ${DIR} (once; cached) …\n`);
    const t = Date.now();
    await writeArchive(DIR, { format: 'chained', seed: 7, entries: ENTRIES, rotation: 'single', scenario: true });
    process.stdout.write(`  generated in ${seconds(Date.now() - t)}\n`);
  }
  const size = (await stat(FILE)).size;
  const manifest = JSON.parse(await readFile(join(DIR, 'manifest.json'), 'utf8')) as { headHash: string; totalLines: number };
  process.stdout.write(`Archive: ${FILE} (${mb(size)}, ${manifest.totalLines.toLocaleString('en-US')} lines)\n`);

  // Warm the page cache so both commands read from memory, as the second of any two runs would.
  await run('cat', [FILE]);

  const reference = await best('sha256sum', [FILE]);
  const verify = await best(process.execPath, [join(ROOT, 'bin', 'custos.js'), 'verify', FILE, '--json', '--expect-head', manifest.headHash, '--expect-lines', String(manifest.totalLines)]);
  let verdict = 'unreadable output';
  try {
    const report = JSON.parse(verify.stdout) as { findings: unknown[]; verdict: { integrity: string; completeness: string } };
    verdict = `integrity ${report.verdict.integrity}, completeness ${report.verdict.completeness}, ${report.findings.length} findings`;
  } catch {
    // reported below as unreadable output
  }
  const ratio = verify.wallMs / reference.wallMs;
  const rssMb = verify.peakRssKb === null ? null : verify.peakRssKb / 1024;
  process.stdout.write(
    [
      `sha256sum       ${seconds(reference.wallMs)}  peak RSS ${reference.peakRssKb === null ? '?' : `${(reference.peakRssKb / 1024).toFixed(0)} MB`}`,
      `custos verify   ${seconds(verify.wallMs)}  peak RSS ${rssMb === null ? '?' : `${rssMb.toFixed(0)} MB`}  exit ${verify.exitCode}  (${verdict})`,
      `ratio           ${ratio.toFixed(2)}× sha256sum wall   (target ≤ 1.50×: ${ratio <= 1.5 ? 'met' : 'NOT met'})`,
      `peak RSS        ${rssMb === null ? 'not measurable here' : `${rssMb.toFixed(0)} MB   (target ≤ 300 MB: ${rssMb <= 300 ? 'met' : 'NOT met'})`}`,
      '',
    ].join('\n'),
  );
  if (verify.exitCode !== 0) process.exitCode = 1;
}

await main();
