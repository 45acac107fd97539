/**
 * `npm run bench:tail`: a separate writer process appends chained entries at 1,000 a second for
 * 60 seconds to daily files, rotating to the next day's file halfway (a midnight rotation),
 * while a LogTail follows the folder and indexes every verified batch into the database worker
 * (the same `tail.append` path the workstation uses). Prints lost and duplicated entries
 * (target 0 and 0) and the write-to-indexed latency median and p95 (target p95 ≤ 1 s), with the
 * p95 as a ratio of that target.
 *   BENCH_RATE=N      entries per second (default 1000)
 *   BENCH_SECONDS=N   seconds of writing (default 60)
 *   BENCH_ANALYSES=0  without anomaly rules (to see what they cost)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chainSpecFor } from '../main/core/formats/chain-spec.js';
import { LogTail, type TailBatch } from '../main/core/tail/index.js';
import { DbClient } from '../main/worker/client.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const WRITER = join(ROOT, 'test', 'tail', 'writer.mjs');
const RATE = Number(process.env['BENCH_RATE'] ?? 1000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 60);
const DAYS = ['2026-03-10', '2026-03-11'];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'custos-bench-tail-'));
  const stateDir = mkdtempSync(join(tmpdir(), 'custos-bench-tail-state-'));
  const client = new DbClient();
  const seen = new Map<string, number>();
  const latencies: number[] = [];
  let indexed = 0;
  let criticalFindings = 0;
  const begun = new Set<string>();
  let batches = 0;
  let sinkMs = 0;
  let sinkMaxMs = 0;

  const tail: LogTail = new LogTail({
    dir,
    stateDir,
    analyses: process.env['BENCH_ANALYSES'] !== '0',
    sink: async (batch: TailBatch) => {
      const sinkStarted = Date.now();
      batches++;
      await client.call('tail.append', {
        tailId: tail.tailId,
        dir,
        file: batch.file,
        begin: !begun.has(batch.file),
        entries: batch.entries,
        findings: batch.findings,
        format: batch.format,
        chained: batch.format !== null && chainSpecFor(batch.format) !== null,
        headHash: batch.lastHash,
        verifiedBytes: batch.verifiedBytes,
        lines: batch.lines,
        mtimeMs: Date.now(),
      });
      begun.add(batch.file);
      const now = Date.now();
      sinkMs += now - sinkStarted;
      sinkMaxMs = Math.max(sinkMaxMs, now - sinkStarted);
      for (const entry of batch.entries) {
        const key = `${entry.source.file}:${entry.source.line}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        const written = /"written_at_ms": (\d+)/.exec(entry.argsText ?? '');
        if (written) latencies.push(now - Number(written[1]));
      }
      indexed += batch.entries.length;
      criticalFindings += batch.findings.filter((f) => f.severity === 'critical').length;
    },
  });
  let alerts = 0;
  tail.on('alert', () => alerts++);
  await tail.start();

  const planPath = join(stateDir, 'plan.json');
  writeFileSync(planPath, JSON.stringify([{ rate: { perSecond: RATE, seconds: SECONDS, days: DAYS } }]));
  process.stdout.write(`bench:tail — writer appends ${RATE} entries/s for ${SECONDS} s across a rotation (${DAYS.join(' → ')}); tail indexes into the database worker…\n`);
  const started = Date.now();
  const written = await new Promise<number>((done, fail) => {
    const child = spawn(process.execPath, [WRITER, dir, planPath], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? done((JSON.parse(out.trim().split('\n').pop() ?? '{}') as { written: number }).written) : fail(new Error(`writer exited ${code}`))));
  });
  const writeSeconds = (Date.now() - started) / 1000;
  // Let the tail catch up (bounded wait: anything still missing then counts as lost).
  const deadline = Date.now() + 30_000;
  while (seen.size < written && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await tail.stop();
  const stored = await client.call('entries.query', { filter: {}, sort: { column: 'time', direction: 'asc' }, offset: 0, limit: 1 });
  await client.close();

  const onDisk = readdirSync(dir)
    .filter((n) => n.endsWith('.jsonl'))
    .reduce((n, name) => n + readFileSync(join(dir, name), 'utf8').split('\n').filter((l) => l.trim() !== '').length, 0);
  const duplicates = [...seen.values()].reduce((n, c) => n + (c - 1), 0);
  const lost = onDisk - seen.size;
  latencies.sort((a, b) => a - b);
  const median = percentile(latencies, 50);
  const p95 = percentile(latencies, 95);
  const p99 = percentile(latencies, 99);
  const lines = [
    `written ${written} entries in ${writeSeconds.toFixed(1)} s (${(written / writeSeconds).toFixed(0)}/s); lines on disk ${onDisk}; files ${readdirSync(dir).filter((n) => n.endsWith('.jsonl')).join(', ')}`,
    `indexed ${indexed} (index holds ${stored.total}); lost ${lost} (target 0); duplicated ${duplicates} (target 0); critical findings ${criticalFindings}; live alerts ${alerts}`,
    `${batches} batches (${(indexed / Math.max(1, batches)).toFixed(0)} entries each), ${(sinkMs / 1000).toFixed(1)} s of them waiting for the database worker (longest ${sinkMaxMs} ms)`,
    `write-to-indexed latency: median ${median} ms, p95 ${p95} ms, p99 ${p99} ms, max ${latencies[latencies.length - 1]} ms`,
    `p95 / target (1000 ms): ${(p95 / 1000).toFixed(2)} ${p95 <= 1000 ? '✓' : '✗'}; lost+duplicated: ${lost + duplicates === 0 ? '0 ✓' : `${lost + duplicates} ✗`}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  process.exitCode = lost === 0 && duplicates === 0 && p95 <= 1000 ? 0 : 1;
}

await main();
