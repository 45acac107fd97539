import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenOutcome, OpenProgress, SessionSummary } from '../../shared/archive.js';
import { CHANNELS } from '../../shared/contract.js';
import { writeArchive } from '../../main/core/fixtures/index.js';
import type { Worker } from 'node:worker_threads';
import { createBackend, type Backend } from '../../main/service/backend.js';
import { startDbWorker } from '../../main/worker/client.js';
import { requestSchemas } from '../../main/service/schemas.js';

let backend: Backend;
let dataDir: string;
let archive: string;
let demoDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'custos-data-'));
  archive = mkdtempSync(join(tmpdir(), 'custos-service-'));
  demoDir = mkdtempSync(join(tmpdir(), 'custos-demo-'));
  writeFileSync(join(demoDir, 'audit-2026-07-10.jsonl'), '');
  writeFileSync(join(demoDir, 'audit-2026-07-9.jsonl.gz'), '');
  writeFileSync(join(demoDir, 'README.md'), 'not a log');
  await writeArchive(archive, { format: 'chained', seed: 31, entries: 80, rotation: 'single' });
  backend = await createBackend({ dataDir, demoDir });
});

afterAll(async () => {
  await backend.close();
});

/** Opens paths and waits for the outcome, collecting the events on the way. */
async function openAndWait(paths: string[]): Promise<{ outcome: OpenOutcome; progress: OpenProgress[]; session: SessionSummary }> {
  const progress: OpenProgress[] = [];
  let session: SessionSummary | undefined;
  const offProgress = backend.on('open.progress', (p) => progress.push(p));
  const offSession = backend.on('session.changed', (s) => (session = s));
  const done = new Promise<OpenOutcome>((resolve) => {
    const off = backend.on('open.done', (outcome) => {
      off();
      resolve(outcome);
    });
  });
  const started = await backend.invoke('archives.open', { paths, mode: 'replace' });
  if (!started.ok) throw new Error(started.error.message);
  const outcome = await done;
  expect(outcome.jobId).toBe(started.value.jobId);
  await new Promise((resolve) => setTimeout(resolve, 50));
  offProgress();
  offSession();
  return { outcome, progress, session: session! };
}

describe('backend validation', () => {
  it('has a schema for every channel of the contract', () => {
    expect(Object.keys(requestSchemas).sort()).toEqual([...CHANNELS].sort());
  });

  it('answers unknown channels and malformed payloads with errors, never reaching the worker', async () => {
    expect(await backend.invoke('entries.drop', {})).toEqual({ ok: false, error: { code: 'unknown-channel', message: 'There is no channel "entries.drop".' } });
    const negative = await backend.invoke('entries.query', { filter: {}, sort: { column: 'time', direction: 'asc' }, offset: -1, limit: 10 });
    expect(negative.ok).toBe(false);
    if (!negative.ok) expect(negative.error).toMatchObject({ code: 'invalid-request' });
    if (!negative.ok) expect(negative.error.message).toMatch(/offset/);
    const extra = await backend.invoke('entries.detail', { id: 1, sql: 'DROP TABLE entries' });
    expect(extra.ok).toBe(false);
    const wrongSort = await backend.invoke('entries.query', { filter: {}, sort: { column: 'rowid; --', direction: 'asc' }, offset: 0, limit: 10 });
    expect(wrongSort.ok).toBe(false);
    expect((await backend.invoke('archives.open', { paths: [], mode: 'add' })).ok).toBe(false);
    expect(await backend.invoke('archives.summary', null)).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  });

  it('leaves native dialogs to the desktop app and lists the demo archive', async () => {
    expect(await backend.invoke('dialog.openPaths', { kind: 'files' })).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    expect(await backend.invoke('archives.demo', {})).toEqual({
      ok: true,
      value: { paths: [join(demoDir, 'audit-2026-07-9.jsonl.gz'), join(demoDir, 'audit-2026-07-10.jsonl')] },
    });
    expect(await backend.invoke('archives.cancel', { jobId: 'no-such-job' })).toEqual({ ok: true, value: { cancelled: false } });
  });
});

describe('backend over the worker', () => {
  it('opens an archive with progress and outcome events, remembers it, and answers queries', async () => {
    const { outcome, progress, session } = await openAndWait([archive]);
    expect(outcome.cancelled).toBe(false);
    expect(outcome.opened).toHaveLength(1);
    expect(progress.at(-1)).toMatchObject({ done: true, entries: 80 });
    expect(session.totalEntries).toBe(80);

    const recent = await backend.invoke('archives.recent', {});
    expect(recent).toEqual({ ok: true, value: { paths: [archive] } });
    expect(JSON.parse(readFileSync(join(dataDir, 'recent-archives.json'), 'utf8'))).toEqual({ paths: [archive] });

    const page = await backend.invoke('entries.query', { filter: { success: true }, sort: { column: 'time', direction: 'desc' }, offset: 0, limit: 5 });
    expect(page.ok && page.value.rows.length).toBe(5);
    if (!page.ok) return;
    const conversation = page.value.rows[0]!.conversationId!;
    const view = await backend.invoke('entries.conversation', { conversationId: conversation });
    expect(view.ok && view.value.timeline.every((line) => /^\[Turn \d+\] (✅|❌) \w+\(/u.test(line.text))).toBe(true);
    const stats = await backend.invoke('entries.toolStats', { filter: {} });
    expect(stats.ok && stats.value.tools.reduce((sum, tool) => sum + tool.calls, 0)).toBe(80);
    const users = await backend.invoke('entries.distinct', { column: 'user', limit: 3 });
    expect(users.ok && users.value.values.length).toBe(3);
    const missing = await backend.invoke('entries.detail', { id: 99_999_999 });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('never saves the index over an evidence file, and closes files', async () => {
    const summary = await backend.invoke('archives.summary', {});
    if (!summary.ok) throw new Error(summary.error.message);
    const evidence = summary.value.files[0]!;
    const refused = await backend.invoke('archives.saveIndex', { path: evidence.path });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(readFileSync(evidence.path, 'utf8').startsWith('{')).toBe(true);

    const saved = await backend.invoke('archives.saveIndex', { path: join(dataDir, 'session.sqlite') });
    expect(saved.ok && saved.value.bytes).toBeGreaterThan(0);
    const closed = await backend.invoke('archives.close', { fileIds: [evidence.id] });
    expect(closed.ok && closed.value.totalEntries).toBe(0);
    const loaded = await backend.invoke('archives.loadIndex', { path: join(dataDir, 'session.sqlite') });
    expect(loaded.ok && loaded.value.totalEntries).toBe(80);
  });

  it('reports a path that cannot be opened in the outcome', async () => {
    mkdirSync(join(archive, 'empty-folder'), { recursive: true });
    const { outcome } = await openAndWait([join(archive, 'missing.jsonl')]);
    expect(outcome.opened).toEqual([]);
    expect(outcome.failed.map((failure) => failure.path)).toEqual([join(archive, 'missing.jsonl')]);
  });
});

describe('when the database worker dies', () => {
  it('says the session was lost, stops live tails, shows the empty session and goes on answering', async () => {
    const workers: Worker[] = [];
    const crashData = mkdtempSync(join(tmpdir(), 'custos-crash-data-'));
    const watched = mkdtempSync(join(tmpdir(), 'custos-crash-tail-'));
    const crashing = await createBackend({
      dataDir: crashData,
      demoDir,
      startWorker: () => {
        const worker = startDbWorker();
        workers.push(worker);
        return worker;
      },
    });
    try {
      const opened = new Promise<OpenOutcome>((resolve) => crashing.on('open.done', resolve));
      expect((await crashing.invoke('archives.open', { paths: [archive], mode: 'add' })).ok).toBe(true);
      expect((await opened).opened).toHaveLength(1);
      const started = await crashing.invoke('tail.start', { dir: watched });
      if (!started.ok) throw new Error(started.error.message);
      const lost: string[] = [];
      const stopped: string[] = [];
      crashing.on('session.lost', (error) => lost.push(error.message));
      crashing.on('tail.status', (status) => status.state === 'stopped' && stopped.push(status.tailId));
      const emptied = new Promise<SessionSummary>((resolve) => crashing.on('session.changed', (summary) => summary.files.length === 0 && resolve(summary)));
      await workers[0]!.terminate();
      expect((await emptied).totalEntries).toBe(0);
      expect(lost).toEqual(['The database worker stopped (exit code 1). The open archives were closed with it.']);
      expect(stopped).toEqual([started.value.tailId]);
      const status = await crashing.invoke('tail.status', {});
      expect(status.ok && status.value.tails).toEqual([]);
      const summary = await crashing.invoke('archives.summary', {});
      expect(summary.ok && summary.value.totalEntries).toBe(0);
      expect(workers).toHaveLength(2);
    } finally {
      await crashing.close();
    }
  });
});
