import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogTail } from '../../main/core/tail/index.js';
import { Recorder, runWriter, startTail, tempDir } from './helpers.js';

const running: LogTail[] = [];
afterEach(async () => {
  for (const tail of running.splice(0)) await tail.stop();
});

const at = (iso: string): number => Date.parse(iso);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

async function watch(dir: string, recorder: Recorder, extra: { partialLineWarnMs?: number } = {}): Promise<LogTail> {
  const tail = await startTail({ dir, stateDir: tempDir('state'), ...extra }, recorder);
  running.push(tail);
  return tail;
}

function fileState(tail: LogTail, name: string): string | undefined {
  return tail.status().files.find((f) => f.path.endsWith(name))?.state;
}

describe('LogTail with bad input', () => {
  it('holds the half line of a writer that crashed, says so, and reports the merged line when writing resumes', async () => {
    const dir = tempDir('crash');
    const recorder = new Recorder();
    const tail = await watch(dir, recorder, { partialLineWarnMs: 200 });
    await runWriter(dir, [
      { append: { day: '2026-03-06', count: 3, startMs: at('2026-03-06T09:00:00Z') } },
      { crash: { day: '2026-03-06', startMs: at('2026-03-06T09:05:00Z') } },
    ]);
    await recorder.until(() => recorder.entries.length === 3, '3 entries');
    await recorder.until(() => fileState(tail, 'audit-2026-03-06.jsonl') === 'incomplete-line', 'the incomplete-line status');
    expect(tail.status().files[0]?.message).toContain('the writer may have crashed mid-line');
    expect(tail.status().files[0]?.pendingBytes).toBeGreaterThan(0);

    // A restarted writer appends whole lines after the fragment.
    await runWriter(dir, [{ append: { day: '2026-03-06', count: 2, startMs: at('2026-03-06T09:10:00Z') } }]);
    await recorder.until(() => recorder.entries.length === 4, 'the entry after the damaged line');
    const parse = recorder.findings.filter((f) => f.kind === 'parse-error');
    expect(parse).toHaveLength(1);
    expect(parse[0]).toMatchObject({ line: 4, severity: 'critical' });
    expect(recorder.entries.map((e) => e.source.line)).toEqual([1, 2, 3, 5]);
    expect(recorder.alerts.some((a) => a.kind === 'integrity' && a.explanation.includes('parse-error'))).toBe(true);
    expect(fileState(tail, 'audit-2026-03-06.jsonl')).toBe('following');
  });

  it('reports a folder deleted and re-created, and follows the new files in it', async () => {
    const dir = tempDir('gone');
    const recorder = new Recorder();
    const tail = await watch(dir, recorder);
    await runWriter(dir, [{ append: { day: '2026-03-07', count: 4, startMs: at('2026-03-07T09:00:00Z') } }]);
    await recorder.until(() => recorder.entries.length === 4, '4 entries');

    rmSync(dir, { recursive: true });
    await recorder.until(() => tail.status().state === 'folder-missing', 'the folder-missing status');
    expect(tail.status().message).toContain('does not exist');
    await recorder.until(() => recorder.alerts.some((a) => a.title === 'Evidence file deleted'), 'the deletion alert');

    mkdirSync(dir);
    await runWriter(dir, [{ append: { day: '2026-03-08', count: 3, startMs: at('2026-03-08T09:00:00Z') } }]);
    await recorder.until(() => recorder.entries.length === 7, 'the entries of the new file');
    expect(tail.status().state).toBe('watching');
    expect(recorder.entries.slice(4).every((e) => e.source.file.endsWith('audit-2026-03-08.jsonl'))).toBe(true);
    expect(fileState(tail, 'audit-2026-03-07.jsonl')).toBe('deleted');
  });

  it('reports a renamed file and does not deliver its lines again under the new name', async () => {
    const dir = tempDir('rename');
    const recorder = new Recorder();
    const tail = await watch(dir, recorder);
    await runWriter(dir, [{ append: { day: '2026-03-09', count: 5, startMs: at('2026-03-09T09:00:00Z') } }]);
    await recorder.until(() => recorder.entries.length === 5, '5 entries');
    renameSync(join(dir, 'audit-2026-03-09.jsonl'), join(dir, 'old-2026-03-09.jsonl'));
    await recorder.until(() => recorder.alerts.some((a) => a.title === 'Evidence file renamed'), 'the rename alert');
    expect(recorder.alerts.find((a) => a.title === 'Evidence file renamed')?.explanation).toContain('renamed to old-2026-03-09.jsonl');
    expect(fileState(tail, 'audit-2026-03-09.jsonl')).toBe('renamed');
    // Lines appended under the new name are not delivered as new entries of another file.
    await runWriter(dir, [{ append: { day: '2026-03-10', count: 2, startMs: at('2026-03-10T09:00:00Z') } }]);
    await recorder.until(() => recorder.entries.length === 7, 'the next day');
    expect(recorder.entries.filter((e) => e.source.file.includes('old-'))).toEqual([]);
  });

  it('keeps following the other files when one has a compressed or unreadable neighbour', async () => {
    const dir = tempDir('mixed');
    writeFileSync(join(dir, 'audit-2026-02-01.jsonl.gz'), Buffer.from([0x1f, 0x8b, 0x08, 0x00]));
    const recorder = new Recorder();
    const tail = await watch(dir, recorder);
    await runWriter(dir, [{ append: { day: '2026-03-11', count: 2, startMs: at('2026-03-11T09:00:00Z') } }]);
    await recorder.until(() => recorder.entries.length === 2, '2 entries');
    expect(fileState(tail, 'audit-2026-02-01.jsonl.gz')).toBe('compressed');
    expect(tail.status().files.find((f) => f.path.endsWith('.gz'))?.message).toContain('cannot be appended to');
  });

  it.skipIf(isRoot)('says a file cannot be read after a permission change, and resumes once it can', async () => {
    const dir = tempDir('perm');
    const recorder = new Recorder();
    const tail = await watch(dir, recorder);
    await runWriter(dir, [{ append: { day: '2026-03-12', count: 2, startMs: at('2026-03-12T09:00:00Z') } }]);
    await recorder.until(() => recorder.entries.length === 2, '2 entries');
    const path = join(dir, 'audit-2026-03-12.jsonl');
    chmodSync(path, 0o000);
    await runWriter(dir, [{ append: { day: '2026-03-13', count: 1, startMs: at('2026-03-13T09:00:00Z') } }]).catch(() => 0);
    await recorder.until(() => fileState(tail, 'audit-2026-03-12.jsonl') === 'unreadable', 'the unreadable status');
    expect(tail.status().files.find((f) => f.path === path)?.message).toContain('permission denied');
    chmodSync(path, 0o644);
    await recorder.until(() => fileState(tail, 'audit-2026-03-12.jsonl') === 'following', 'following again');
  });
});
