/**
 * Parallel verification (byte ranges on worker threads, merged in order) must report exactly what
 * sequential verification reports, for every tamper variant and wherever the range boundaries fall.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeArchive } from '../../main/core/fixtures/index.js';
import type { TamperKind } from '../../main/core/fixtures/manifest.js';
import { CHAINED_SPEC } from '../../main/core/formats/chain-spec.js';
import { mergeSpans } from '../../main/core/verify/merge-spans.js';
import { splitAtLines, splitGuided, verifyBlock, verifyRange, type BlockRequest } from '../../main/core/verify/range-verify.js';
import { verifyCompressedInBlocks } from '../../main/core/verify/compressed-blocks.js';
import { scanArchive } from '../../main/core/verify/scan.js';
import { VerifyPool } from '../../main/worker/verify-pool.js';

const root = await mkdtemp(join(tmpdir(), 'custos-parallel-'));
const pool = new VerifyPool(2);
afterAll(async () => {
  await pool.close();
  await rm(root, { recursive: true, force: true });
});

const summary = (findings: Array<{ kind: string; line: number | null; expected?: string; found?: string }>): string[] =>
  findings.map((f) => `${f.kind}@${f.line}:${f.expected ?? ''}:${f.found ?? ''}`);

const linesNamed = (detail: string): number[] => [...detail.matchAll(/line (\d+)/gu)].map((match) => Number(match[1]));

const KINDS: TamperKind[] = ['modify-field', 'delete-line', 'swap-lines', 'insert-forged', 'cut-last-line', 'reserialize'];

describe('range verification', () => {
  it.each(KINDS)('%s: any split into ranges gives the sequential findings', async (kind) => {
    const dir = join(root, `ranges-${kind}`);
    await writeArchive(dir, { format: 'chained', seed: 5, entries: 120, rotation: 'single', tamper: kind });
    const path = join(dir, 'audit.jsonl');
    const size = (await stat(path)).size;
    const scanned = await scanArchive([path]);
    const sequential = scanned.findings;
    for (const parts of [2, 3, 7, 40, 200]) {
      const ranges = splitAtLines(path, size, parts);
      expect(ranges[0]?.start).toBe(0);
      expect(ranges.at(-1)?.end).toBe(size);
      const spans = ranges.map((r) => verifyRange({ path, start: r.start, end: r.end, format: 'chained', formatReason: 'test' }));
      const merged = mergeSpans(path, CHAINED_SPEC, spans);
      expect([merged.entries, merged.lines]).toEqual([scanned.files[0]?.entries, scanned.files[0]?.lines]);
      expect(merged.headHash).toBe(scanned.files[0]?.chain.headHash);
      expect(summary(merged.findings), `${parts} ranges`).toEqual(summary(sequential));
      // Details name lines as one pass does (counted from the file's start, not the range's); near a
      // boundary a range may not see an earlier line it could also name, so it names fewer, never others.
      merged.findings.forEach((finding, i) => {
        const named = linesNamed(finding.detail);
        const expected = linesNamed(sequential[i]!.detail);
        const context = `${parts} ranges: "${finding.detail}" vs "${sequential[i]!.detail}"`;
        expect(named.every((line) => expected.includes(line)), context).toBe(true);
        expect(named.length > 0, context).toBe(expected.length > 0);
      });
    }
  });
});

describe('guided ranges', () => {
  it('cover the file at line starts, biggest first, and merge to the sequential result', async () => {
    const dir = join(root, 'guided');
    await writeArchive(dir, { format: 'chained', seed: 11, entries: 1500, rotation: 'single', tamper: 'swap-lines' });
    const path = join(dir, 'audit.jsonl');
    const size = (await stat(path)).size;
    const bytes = await readFile(path);
    const ranges = splitGuided(path, size, 2, 16 * 1024);
    expect(ranges.length).toBeGreaterThan(6);
    expect(ranges[0]?.start).toBe(0);
    expect(ranges.at(-1)?.end).toBe(size);
    ranges.forEach((r, i) => {
      if (i > 0) expect([r.start, bytes[r.start - 1]]).toEqual([ranges[i - 1]?.end, 0x0a]);
      if (i > 0 && i < ranges.length - 1) expect(r.end - r.start).toBeLessThanOrEqual((ranges[i - 1]!.end - ranges[i - 1]!.start) + 2048);
    });
    const merged = mergeSpans(path, CHAINED_SPEC, ranges.map((r) => verifyRange({ path, start: r.start, end: r.end, format: 'chained', formatReason: 'test' })));
    const sequential = await scanArchive([path]);
    expect(summary(merged.findings)).toEqual(summary(sequential.findings));
    expect(merged.headHash).toBe(sequential.files[0]?.chain.headHash);
    // A file too small for guided ranges still gets one per thread.
    expect(splitGuided(path, size, 2, size).length).toBe(2);
  });
});

describe('worker pool', () => {
  it.each<TamperKind | 'clean'>(['clean', 'swap-lines', 'insert-forged', 'delete-line'])('%s: the pool reports what one thread reports', async (kind) => {
    const dir = join(root, `pool-${kind}`);
    await writeArchive(dir, { format: 'chained', seed: 9, entries: 400, rotation: 'single', ...(kind === 'clean' ? {} : { tamper: kind }) });
    const single = await scanArchive([dir]);
    const parallel = await scanArchive([dir], { parallel: pool, parallelMinBytes: 0 });
    expect(summary(parallel.findings)).toEqual(summary(single.findings));
    expect(parallel.files).toEqual(single.files);
    expect(parallel.verdict).toEqual(single.verdict);
  });
});

describe('folders of daily files', () => {
  /** The pool, noting which files it verified in ranges and which whole. */
  const counting = () => {
    const ranged = new Set<string>();
    const whole = new Set<string>();
    const verifier = {
      concurrency: pool.concurrency,
      verifyRange: (request: Parameters<typeof pool.verifyRange>[0], onProgress?: (bytes: number) => void) => {
        ranged.add(request.path);
        return pool.verifyRange(request, onProgress);
      },
      verifyFile: (request: Parameters<typeof pool.verifyFile>[0], onProgress?: (bytes: number) => void) => {
        whole.add(request.file.path);
        return pool.verifyFile(request, onProgress);
      },
    };
    return { verifier, ranged, whole };
  };

  it.each<TamperKind | 'clean'>(['clean', 'delete-file', 'modify-field', 'cut-last-line', 'rechain-after-change'])(
    '%s: files verified ahead of their turn report what one thread reports, in file order',
    async (kind) => {
      const dir = join(root, `daily-${kind}`);
      await writeArchive(dir, { format: 'chained', seed: 21, entries: 900, days: 6, ...(kind === 'clean' ? {} : { tamper: kind }) });
      // An unchained file (first, by name), a gzip chain and an empty file go to the pool whole.
      await writeArchive(join(dir, 'assistant'), { format: 'selectools', seed: 3, entries: 60, days: 2 });
      await writeArchive(join(dir, 'zz-gz'), { format: 'chained', seed: 4, entries: 50, gzip: true, rotation: 'single' });
      await writeFile(join(dir, 'zz-gz', 'empty.jsonl'), '');
      const events = (into: string[]) => ({ onFinding: (f: { kind: string; file: string; line: number | null }) => into.push(`${f.kind}@${f.file}:${f.line}`), onFileDone: (r: { path: string }) => void into.push(`done ${r.path}`) });
      const singleEvents: string[] = [];
      const single = await scanArchive([dir], events(singleEvents));
      const { verifier, ranged, whole } = counting();
      const aheadEvents: string[] = [];
      const ahead = await scanArchive([dir], { parallel: verifier, ...events(aheadEvents) });
      expect(ahead.files).toEqual(single.files);
      expect(summary(ahead.findings)).toEqual(summary(single.findings));
      expect(ahead.verdict).toEqual(single.verdict);
      expect(aheadEvents).toEqual(singleEvents);
      // Every file after the first went to the pool: plain chained files in ranges, the others whole.
      const later = single.files.slice(1);
      const inRanges = later.filter((file) => file.format === 'chained' && !file.path.endsWith('.gz')).map((file) => file.path);
      expect(inRanges.length).toBeGreaterThanOrEqual(4);
      expect([...ranged].sort()).toEqual(inRanges.sort());
      expect([...whole].sort()).toEqual(later.map((file) => file.path).filter((path) => !inRanges.includes(path)).sort());
      expect(whole.size).toBeGreaterThanOrEqual(3);
    },
  );
});

describe('a big .jsonl.gz in inflated blocks', () => {
  const inThread = (request: BlockRequest, bytes: Uint8Array) => Promise.resolve(verifyBlock(request, bytes));
  const blocks = async (path: string, blockBytes: number) => {
    const size = (await stat(path)).size;
    return verifyCompressedInBlocks({ file: { path, size, mtimeMs: 0, compressed: true }, format: 'chained', formatReason: 'test', spec: CHAINED_SPEC, verifyBlock: inThread, inFlight: 3, blockBytes });
  };

  it.each<TamperKind | 'clean'>(['clean', 'modify-field', 'delete-line', 'swap-lines', 'insert-forged', 'cut-last-line', 'reserialize'])(
    '%s: any block size gives the one-thread findings, lines and hashes',
    async (kind) => {
      const dir = join(root, `gz-${kind}`);
      await writeArchive(dir, { format: 'chained', seed: 13, entries: 300, rotation: 'single', gzip: true, ...(kind === 'clean' ? {} : { tamper: kind }) });
      const path = join(dir, 'audit.jsonl.gz');
      const single = await scanArchive([path]);
      for (const blockBytes of [1, 3000, 40_000, 1 << 22]) {
        const { span, sha256 } = await blocks(path, blockBytes);
        expect(summary(span.findings), `${blockBytes}-byte blocks`).toEqual(summary(single.findings));
        expect([span.entries, span.lines, span.headHash, sha256]).toEqual([single.files[0]?.entries, single.files[0]?.lines, single.files[0]?.chain.headHash, single.files[0]?.sha256]);
      }
    },
  );

  it('a truncated .gz: the complete lines before the cut are verified, the file is reported unreadable where it stopped', async () => {
    const dir = join(root, 'gz-truncated');
    await writeArchive(dir, { format: 'chained', seed: 14, entries: 400, rotation: 'single', gzip: true });
    const whole = await readFile(join(dir, 'audit.jsonl.gz'));
    const path = join(dir, 'cut.jsonl.gz');
    await writeFile(path, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const single = await scanArchive([path]);
    expect(single.findings.map((f) => f.kind)).toContain('unreadable');
    for (const blockBytes of [2000, 1 << 22]) {
      const { span, sha256 } = await blocks(path, blockBytes);
      expect(summary(span.findings)).toEqual(summary(single.findings));
      expect(span.findings.map((f) => f.detail)).toContain(single.findings.find((f) => f.kind === 'unreadable')?.detail);
      // No sha256 for a file that could not be read to its end, in either read.
      expect([span.entries, span.lines, sha256]).toEqual([single.files[0]?.entries, single.files[0]?.lines, null]);
      expect(single.files[0]?.sha256).toBe('');
    }
  });

  it('the pool takes a big .gz in blocks and reports what one thread reports', async () => {
    const dir = join(root, 'gz-pool');
    await writeArchive(dir, { format: 'chained', seed: 15, entries: 500, rotation: 'single', gzip: true, tamper: 'swap-lines' });
    let blockCalls = 0;
    const counting = { concurrency: pool.concurrency, verifyRange: pool.verifyRange.bind(pool), verifyBlock: (request: BlockRequest, bytes: Uint8Array) => (blockCalls++, pool.verifyBlock(request, bytes)) };
    const single = await scanArchive([dir]);
    const parallel = await scanArchive([dir], { parallel: counting, parallelMinBytes: 0 });
    expect(blockCalls).toBeGreaterThan(0);
    expect(summary(parallel.findings)).toEqual(summary(single.findings));
    expect(parallel.files).toEqual(single.files);
  });
});
