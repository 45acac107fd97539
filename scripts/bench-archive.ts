/**
 * The one cached benchmark archive that bench:verify, bench:open and bench:pdf measure: a chained
 * archive of BENCH_ENTRIES entries (default 1,000,000, ~800 MB) under .cache/bench/verify-chained-N/.
 *
 * The fixture generator writes a day of realistic traffic (50,000 entries, every planted scenario),
 * and that day is replayed on the following days — timestamps shifted, every entry re-chained onto
 * the previous one with the generator's own chainEntry — until the archive holds the requested
 * number of entries. (Generating a million distinct entries takes the generator far longer than a
 * benchmark should wait.) BENCH_DIR points at another folder holding such an audit.jsonl.
 */
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLines, writeArchive } from '../main/core/fixtures/index.js';
import { chainEntry, GENESIS } from '../main/core/fixtures/lesson-formats.js';
import { parsePyJson } from '../main/core/json/parse.js';
import type { PyObject } from '../main/core/json/py-value.js';

export const BENCH_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const BENCH_ENTRIES = Number(process.env['BENCH_ENTRIES'] ?? 1_000_000);
const BASE_ENTRIES = Math.min(50_000, BENCH_ENTRIES);
const DAY_MS = 86_400_000;

export interface BenchArchive {
  dir: string;
  file: string;
  /** Chain head and line count, for --expect-head / --expect-lines (null for a BENCH_DIR archive without them). */
  anchor: { headHash: string; totalLines: number } | null;
}

/** The same ISO timestamp `days` later (the date part only; time and offset as written). */
function shiftDays(iso: string, days: number): string {
  if (days === 0) return iso;
  const date = new Date(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
  return date + iso.slice(10);
}

async function generate(dir: string, file: string, info: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const baseDir = join(dir, 'base-day');
  await writeArchive(baseDir, { format: 'chained', seed: 7, entries: BASE_ENTRIES, rotation: 'single', days: 1, scenario: true });
  const base: PyObject[] = [];
  for await (const line of readLines(join(baseDir, 'audit.jsonl'))) base.push(parsePyJson(line).value as PyObject);
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  let previous = GENESIS;
  let written = 0;
  let chunk = '';
  for (let day = 0; written < BENCH_ENTRIES; day++) {
    for (const original of base) {
      if (written >= BENCH_ENTRIES) break;
      const entry: PyObject = new Map(original);
      entry.set('timestamp', shiftDays(original.get('timestamp') as string, day));
      const { line, hash } = chainEntry(entry, previous);
      previous = hash;
      written++;
      chunk += `${line}\n`;
      if (chunk.length > 1 << 20) {
        if (!out.write(chunk)) await once(out, 'drain');
        chunk = '';
      }
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  await rename(partial, file);
  await rm(baseDir, { recursive: true, force: true });
  await writeFile(info, `${JSON.stringify({ headHash: previous, totalLines: written }, null, 2)}\n`);
}

/** The benchmark archive, generated once (and announced on stdout) when it is not cached yet. */
export async function benchArchive(): Promise<BenchArchive> {
  const override = process.env['BENCH_DIR'];
  const dir = override ? resolve(override) : join(BENCH_ROOT, '.cache', 'bench', `verify-chained-${BENCH_ENTRIES}`);
  const file = join(dir, 'audit.jsonl');
  const info = join(dir, 'bench-archive.json');
  if (override) {
    if (!existsSync(file)) throw new Error(`BENCH_DIR ${dir} holds no audit.jsonl`);
  } else if (!existsSync(info) || !existsSync(file)) {
    process.stdout.write(`Generating ${BENCH_ENTRIES.toLocaleString('en-US')} chained entries into ${dir} (once; cached) …\n`);
    const started = Date.now();
    await generate(dir, file, info);
    process.stdout.write(`  generated in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  const anchor = existsSync(info) ? (JSON.parse(await readFile(info, 'utf8')) as { headHash: string; totalLines: number }) : null;
  return { dir, file, anchor };
}
