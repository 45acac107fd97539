import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenProgress } from '../../shared/archive.js';
import { writeArchive } from '../../main/core/fixtures/index.js';
import type { Worker } from 'node:worker_threads';
import { DbClient, startDbWorker } from '../../main/worker/client.js';
import { WorkerError } from '../../main/worker/protocol.js';

let client: DbClient;
let large: string;
let small: string;

beforeAll(async () => {
  client = new DbClient();
  large = mkdtempSync(join(tmpdir(), 'custos-worker-large-'));
  small = mkdtempSync(join(tmpdir(), 'custos-worker-small-'));
  await writeArchive(large, { format: 'chained', seed: 11, entries: 40_000, rotation: 'single', scenario: false });
  await writeArchive(small, { format: 'hipaa', seed: 12, entries: 50, rotation: 'single' });
});

afterAll(async () => {
  await client.close();
});

async function errorOf(promise: Promise<unknown>): Promise<WorkerError> {
  try {
    await promise;
  } catch (error) {
    return error as WorkerError;
  }
  throw new Error('expected the call to fail');
}

describe('database worker protocol', () => {
  it('answers requests by seq, concurrently', async () => {
    const [a, b, summary] = await Promise.all([client.call('ping', {}), client.call('ping', {}), client.call('summary', {})]);
    expect(a.at).toBeGreaterThan(0);
    expect(b.at).toBeGreaterThan(0);
    expect(summary.totalEntries).toBe(0);
  });

  it('serializes errors with their code instead of crashing', async () => {
    const missing = await errorOf(client.call('entries.detail', { id: 123456 }));
    expect(missing).toBeInstanceOf(WorkerError);
    expect(missing.info).toEqual({ code: 'not-found', message: 'There is no entry 123456 in the open archives.' });
    const unknown = await errorOf(client.call('no.such.method' as 'ping', {}));
    expect(unknown.info.code).toBe('internal');
    expect(unknown.info.message).toMatch(/no method "no.such.method"/);
    const garbage = join(small, 'not-an-index.sqlite');
    writeFileSync(garbage, 'this is not SQLite');
    const load = await errorOf(client.call('loadIndex', { path: garbage }));
    expect(load.info).toMatchObject({ code: 'parse', file: garbage });
    const io = await errorOf(client.call('loadIndex', { path: join(small, 'absent.sqlite') }));
    expect(io.info.code).toBe('io');
    expect((await client.call('ping', {})).at).toBeGreaterThan(0);
  });

  it('reports progress and keeps the main thread and the worker answering while a large archive opens', async () => {
    const progress: OpenProgress[] = [];
    let last = performance.now();
    let worstGap = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      worstGap = Math.max(worstGap, now - last);
      last = now;
    }, 5);
    const opening = client.call('open', { jobId: 'big', paths: [large], mode: 'replace' }, { onProgress: (p) => progress.push(p) });
    let pingsDuringOpen = 0;
    let finished = false;
    void opening.finally(() => (finished = true));
    while (!finished) {
      await client.call('ping', {});
      if (!finished) pingsDuringOpen += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const outcome = await opening;
    clearInterval(ticker);
    expect(outcome.cancelled).toBe(false);
    expect(outcome.opened[0]?.entries).toBe(40_000);
    // The worker let pings through between batches, and the main thread's timer never stalled.
    expect(pingsDuringOpen).toBeGreaterThan(3);
    expect(worstGap).toBeLessThan(250);
    const midway = progress.filter((p) => !p.done);
    expect(midway.length).toBeGreaterThan(1);
    expect(midway.map((p) => p.entries)).toEqual([...midway.map((p) => p.entries)].sort((x, y) => x - y));
    expect(progress.at(-1)).toMatchObject({ done: true, entries: 40_000, jobId: 'big' });
    expect(progress.some((p) => p.etaSeconds !== null && p.etaSeconds > 0 && p.entriesPerSecond > 0)).toBe(true);
  });

  it('cancels an open midway and keeps nothing of it', async () => {
    await client.call('open', { jobId: 'small', paths: [small], mode: 'replace' });
    const controller = new AbortController();
    const outcome = await client.call(
      'open',
      { jobId: 'cancel-me', paths: [large], mode: 'add' },
      {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.entries >= 5000) controller.abort();
        },
      },
    );
    expect(outcome.cancelled).toBe(true);
    const summary = await client.call('summary', {});
    expect(summary.files.map((file) => file.path)).toEqual([join(small, 'audit.jsonl')]);
    expect(summary.totalEntries).toBe(50);
  });

  it('replaces the open archives only when the replacement opened: a cancelled or failed replace keeps the session', async () => {
    await client.call('open', { jobId: 'keep', paths: [small], mode: 'replace' });
    const kept = [join(small, 'audit.jsonl')];
    const paths = async () => (await client.call('summary', {})).files.map((file) => file.path);
    const controller = new AbortController();
    const cancelled = await client.call(
      'open',
      { jobId: 'replace-cancelled', paths: [large], mode: 'replace' },
      { signal: controller.signal, onProgress: (p) => p.entries >= 5000 && controller.abort() },
    );
    expect(cancelled.cancelled).toBe(true);
    expect(await paths()).toEqual(kept);
    const failed = await client.call('open', { jobId: 'replace-missing', paths: [join(small, 'no-such-day.jsonl')], mode: 'replace' });
    expect(failed.opened).toEqual([]);
    expect(failed.failed.map((f) => f.path)).toEqual([join(small, 'no-such-day.jsonl')]);
    expect(await paths()).toEqual(kept);
    expect((await client.call('entries.query', { filter: {}, sort: { column: 'time', direction: 'asc' }, offset: 0, limit: 100 })).rows).toHaveLength(50);
    const replaced = await client.call('open', { jobId: 'replace-done', paths: [large], mode: 'replace' });
    expect(replaced.opened.map((file) => file.path)).toEqual([join(large, 'audit.jsonl')]);
    expect(await paths()).toEqual([join(large, 'audit.jsonl')]);
    expect((await client.call('summary', {})).totalEntries).toBe(40_000);
    await client.call('open', { jobId: 'back', paths: [small], mode: 'replace' }); // the next test starts from the small archive
  });

  it('saves the index to a SQLite file and loads it back', async () => {
    const target = join(small, 'saved.sqlite');
    const saved = await client.call('saveIndex', { path: target });
    expect(saved.bytes).toBeGreaterThan(4096);
    await client.call('open', { jobId: 'other', paths: [large], mode: 'replace' });
    const loaded = await client.call('loadIndex', { path: target });
    expect(loaded.totalEntries).toBe(50);
    const page = await client.call('entries.query', { filter: {}, sort: { column: 'time', direction: 'asc' }, offset: 0, limit: 1 });
    const detail = await client.call('entries.detail', { id: page.rows[0]!.id });
    expect(detail.unchanged).toBe(true);
    expect(detail.raw.startsWith('{')).toBe(true);
  });
});

describe('a worker that dies', () => {
  it('fails the calls under way with the reason, tells onCrash, and the next call gets a fresh worker with an empty index', async () => {
    const started: Worker[] = [];
    const crashing = new DbClient({
      start: () => {
        const worker = startDbWorker();
        started.push(worker);
        return worker;
      },
    });
    try {
      const outcome = await crashing.call('open', { jobId: 'before', paths: [small], mode: 'add' });
      expect(outcome.opened).toHaveLength(1);
      const heard: string[] = [];
      crashing.onCrash((error) => heard.push(error.info.message));
      const underWay = errorOf(crashing.call('open', { jobId: 'during', paths: [large], mode: 'add' }));
      await started[0]!.terminate(); // as if it ran out of memory
      const failed = await underWay;
      expect(failed.info.code).toBe('internal');
      expect(failed.info.message).toMatch(/The database worker stopped \(exit code 1\)\. The open archives were closed with it\./);
      expect(failed.info.hint).toMatch(/Open them again/);
      expect(heard).toEqual([failed.info.message]);
      const after = await crashing.call('summary', {});
      expect(started).toHaveLength(2);
      expect(after.files).toEqual([]);
      expect((await crashing.call('open', { jobId: 'again', paths: [small], mode: 'add' })).opened).toHaveLength(1);
    } finally {
      await crashing.close();
    }
  });
});
