import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Events } from '../../shared/contract.js';
import { createBackend, type Backend } from '../../main/service/backend.js';
import { runWriter, tempDir } from './helpers.js';

let backend: Backend;
let dataDir: string;

beforeAll(async () => {
  dataDir = tempDir('data');
  backend = await createBackend({ dataDir, demoDir: tempDir('demo') });
});

afterAll(async () => {
  await backend.close();
});

function collect<E extends keyof Events>(event: E): Events[E][] {
  const seen: Events[E][] = [];
  backend.on(event, (payload) => seen.push(payload));
  return seen;
}

async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function indexedCount(fileIds?: number[]): Promise<number> {
  const result = await backend.invoke('entries.query', { filter: fileIds ? { fileIds } : {}, sort: { column: 'time', direction: 'asc' }, offset: 0, limit: 1 });
  if (!result.ok) throw new Error(result.error.message);
  return result.value.total;
}

describe('tail channels', () => {
  it('indexes live entries so the Explorer shows them, forwards alerts, marks tampering, and resumes without duplicates', async () => {
    const dir = tempDir('svc');
    const batches = collect('tail.batch');
    const alerts = collect('tail.alert');
    const statuses = collect('tail.status');
    const sessions = collect('session.changed');

    const started = await backend.invoke('tail.start', { dir });
    expect(started.ok).toBe(true);
    const tailId = started.ok ? started.value.tailId : '';
    // Starting the same folder again answers the running tail.
    expect(await backend.invoke('tail.start', { dir })).toEqual({ ok: true, value: { tailId } });

    await runWriter(dir, [
      { append: { day: '2026-03-09', count: 5, startMs: Date.parse('2026-03-09T09:00:00Z') } },
      { append: { day: '2026-03-09', count: 10, user: 'dr_burst', patient: 'P-9', startMs: Date.parse('2026-03-09T10:00:00Z'), stepMs: 60_000 } },
    ]);
    await until(async () => (await indexedCount()) === 15, '15 indexed entries');
    expect(batches.reduce((n, b) => n + b.entries, 0)).toBe(15);
    await until(() => alerts.some((a) => a.rule === 'burst' && a.tailId === tailId), 'the burst alert');
    await until(() => sessions.some((s) => s.totalEntries === 15), 'a session refresh');

    const summary = await backend.invoke('archives.summary', {});
    const file = summary.ok ? summary.value.files.find((f) => f.path.endsWith('audit-2026-03-09.jsonl')) : undefined;
    expect(file).toMatchObject({ entries: 15, format: 'chained', chain: { status: 'intact' } });

    // The file keeps growing (here: the start of a line not yet complete): the detail view still trusts what was indexed.
    const path = join(dir, 'audit-2026-03-09.jsonl');
    appendFileSync(path, '   ');
    const firstRow = await backend.invoke('entries.query', { filter: {}, sort: { column: 'time', direction: 'asc' }, offset: 0, limit: 1 });
    const detail = await backend.invoke('entries.detail', { id: firstRow.ok ? (firstRow.value.rows[0]?.id ?? 0) : 0 });
    expect(detail.ok && detail.value).toMatchObject({ unchanged: true });
    expect(detail.ok && detail.value.problem).toBeUndefined();

    // Tamper with line 2: the finding marks it in the index and the file's chain is no longer intact.
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[1] = (lines[1] as string).replace('"success": true', '"success": 1234');
    writeFileSync(path, lines.join('\n'));
    await until(() => alerts.some((a) => a.kind === 'integrity'), 'the integrity alert');
    await until(async () => {
      const findings = await backend.invoke('findings.list', { offset: 0, limit: 100 });
      return findings.ok && findings.value.rows.some((f) => f.kind === 'file-changed' && f.line === 2);
    }, 'the file-changed finding in the index');
    const after = await backend.invoke('archives.summary', {});
    expect(after.ok && after.value.files.find((f) => f.path === path)?.chain.status).toBe('broken');

    const status = await backend.invoke('tail.status', {});
    expect(status.ok && status.value.tails[0]).toMatchObject({ tailId, dir, entries: 15 });
    expect(statuses.length).toBeGreaterThan(0);

    // Stop and start again: what was delivered is re-indexed once (replay), the new lines once.
    expect(await backend.invoke('tail.stop', { tailId })).toEqual({ ok: true, value: { stopped: true } });
    await runWriter(dir, [{ append: { day: '2026-03-09', count: 3, startMs: Date.parse('2026-03-09T11:00:00Z') } }]);
    const again = await backend.invoke('tail.start', { dir });
    expect(again.ok).toBe(true);
    await until(async () => (await indexedCount()) === 18, '18 indexed entries after the restart');
    const newBatches = batches.filter((b) => b.tailId === (again.ok ? again.value.tailId : '') && !b.replay);
    expect(newBatches.reduce((n, b) => n + b.entries, 0)).toBe(3);
  });

  it('refuses a folder that does not exist and validates requests', async () => {
    const missing = await backend.invoke('tail.start', { dir: join(tempDir('none'), 'nope') });
    expect(missing.ok).toBe(false);
    expect(missing.ok ? null : missing.error.code).toBe('not-found');
    const invalid = await backend.invoke('tail.start', { dir: '' } as never);
    expect(invalid.ok ? null : invalid.error.code).toBe('invalid-request');
    expect(await backend.invoke('tail.stop', { tailId: 'unknown' })).toEqual({ ok: true, value: { stopped: false } });
  });

  it('keeps the OS-notification setting in the data folder', async () => {
    expect(await backend.invoke('tail.notifications', {})).toEqual({ ok: true, value: { enabled: true } });
    expect(await backend.invoke('tail.notifications', { enabled: false })).toEqual({ ok: true, value: { enabled: false } });
    expect(backend.notificationsEnabled()).toBe(false);
    expect(JSON.parse(readFileSync(join(dataDir, 'tail-settings.json'), 'utf8'))).toEqual({ notifications: false });
  });
});
