import { readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogTail } from '../../main/core/tail/index.js';
import { lineKeys, Recorder, runWriter, startTail, tempDir } from './helpers.js';

const running: LogTail[] = [];
afterEach(async () => {
  for (const tail of running.splice(0)) await tail.stop();
});

async function tailOf(dir: string, stateDir: string, recorder: Recorder): Promise<LogTail> {
  const tail = await startTail({ dir, stateDir }, recorder);
  running.push(tail);
  return tail;
}

function lineCount(path: string): number {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').length;
}

const at = (iso: string): number => Date.parse(iso);

describe('LogTail', () => {
  it('delivers every line exactly once across a midnight rotation, a line written in two parts, and a restart', async () => {
    const dir = tempDir('once');
    const state = tempDir('state');
    const first = new Recorder();
    const tail = await tailOf(dir, state, first);

    const written = await runWriter(dir, [
      { append: { day: '2026-03-01', count: 20, startMs: at('2026-03-01T23:50:00Z'), stepMs: 10_000 } },
      { sleep: 300 },
      { partial: { day: '2026-03-01', count: 1, startMs: at('2026-03-01T23:59:59Z'), pauseMs: 1500 } },
      { sleep: 300 },
      { append: { day: '2026-03-02', count: 20, startMs: at('2026-03-02T00:00:01Z'), stepMs: 10_000 } },
    ]);
    expect(written).toBe(41);
    await first.until(() => first.entries.length >= 41, '41 entries');

    const keys = lineKeys(first.entries);
    expect(new Set(keys).size).toBe(41);
    const day1 = join(dir, 'audit-2026-03-01.jsonl');
    const day2 = join(dir, 'audit-2026-03-02.jsonl');
    expect(first.entries.filter((e) => e.source.file === day1).map((e) => e.source.line)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(first.entries.filter((e) => e.source.file === day2).map((e) => e.source.line)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // The line written in two parts arrived whole: it parsed, with its own timestamp.
    const partial = first.entries.find((e) => e.source.file === day1 && e.source.line === 21);
    expect(partial?.timeRaw).toBe('2026-03-01T23:59:59.000+00:00');
    // The chain continued across the rotation: no critical finding at all.
    expect(first.findings.filter((f) => f.severity === 'critical')).toEqual([]);

    // Stop, let the writer go on (and rotate again) while nobody watches, then resume.
    await tail.stop();
    running.splice(running.indexOf(tail), 1);
    await runWriter(dir, [
      { append: { day: '2026-03-02', count: 5, startMs: at('2026-03-02T09:00:00Z') } },
      { append: { day: '2026-03-03', count: 5, startMs: at('2026-03-03T09:00:00Z') } },
    ]);
    const second = new Recorder();
    await tailOf(dir, state, second);
    await second.until(() => second.entries.length >= 10, '10 entries after the restart');
    await runWriter(dir, [{ append: { day: '2026-03-03', count: 1, startMs: at('2026-03-03T10:00:00Z') } }]);
    await second.until(() => second.entries.length >= 11, 'the entry written after the restart');

    expect(second.entries.map((e) => `${e.source.file.slice(-16)}:${e.source.line}`)).toEqual([
      ...[21, 22, 23, 24, 25].map((line) => `2026-03-02.jsonl:${line}`),
      ...[1, 2, 3, 4, 5, 6].map((line) => `2026-03-03.jsonl:${line}`),
    ]);
    const all = [...keys, ...lineKeys(second.entries)];
    expect(new Set(all).size).toBe(all.length);
    const onDisk = lineCount(day1) + lineCount(day2) + lineCount(join(dir, 'audit-2026-03-03.jsonl'));
    expect(all.length).toBe(onDisk);
    expect(second.findings.filter((f) => f.severity === 'critical')).toEqual([]);
    expect(second.alerts.filter((a) => a.kind === 'integrity')).toEqual([]);
  });

  it('reports a changed already-read line, a truncation and a deletion, keeping what was verified', async () => {
    const dir = tempDir('tamper');
    const recorder = new Recorder();
    const tail = await tailOf(dir, tempDir('state'), recorder);
    await runWriter(dir, [{ append: { day: '2026-03-05', count: 10, startMs: at('2026-03-05T10:00:00Z'), patient: 'P1234' } }]);
    await recorder.until(() => recorder.entries.length >= 10, '10 entries');
    const path = join(dir, 'audit-2026-03-05.jsonl');

    // Same length, same file: only the patient of line 3 differs.
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[2] = (lines[2] as string).replace('"P1234"', '"P9999"');
    writeFileSync(path, lines.join('\n'));
    await recorder.until(() => recorder.alerts.some((a) => a.kind === 'integrity'), 'the tampering alert');
    const changed = recorder.alerts.find((a) => a.kind === 'integrity');
    expect(changed?.explanation).toContain('line 3');
    expect(changed?.evidence).toEqual([{ file: path, line: 3 }]);
    expect(recorder.findings.some((f) => f.kind === 'file-changed' && f.line === 3)).toBe(true);

    // Cut the file after line 5.
    const keep = lines.slice(0, 5).join('\n').length + 1;
    truncateSync(path, keep);
    await recorder.until(() => recorder.alerts.some((a) => a.title === 'Evidence file cut short'), 'the truncation alert');
    const cut = recorder.alerts.find((a) => a.title === 'Evidence file cut short');
    expect(cut?.explanation).toContain('lines 6–10');
    expect(tail.status().files.find((f) => f.path === path)?.state).toBe('truncated');

    rmSync(path);
    await recorder.until(() => recorder.alerts.some((a) => a.title === 'Evidence file deleted'), 'the deletion alert');
    expect(recorder.alerts.find((a) => a.title === 'Evidence file deleted')?.explanation).toContain('audit-2026-03-05.jsonl was deleted');
    // Nothing was delivered twice, and the verified entries stay delivered.
    expect(recorder.entries).toHaveLength(10);
    expect(tail.status().files.find((f) => f.path === path)).toMatchObject({ state: 'deleted', entries: 10 });
  });

  it('raises a planted burst and a break-the-glass access as they arrive; a non-JSONL file gets a status and the rest goes on', async () => {
    const dir = tempDir('burst');
    writeFileSync(join(dir, 'notes.log'), 'shift handover at 7\nremember the audit\nthird line\n');
    const recorder = new Recorder();
    const tail = await tailOf(dir, tempDir('state'), recorder);
    await runWriter(dir, [
      { append: { day: '2026-03-04', count: 3, startMs: at('2026-03-04T09:00:00Z') } },
      { sleep: 300 },
      // 10 accesses of one patient by one user within 60 minutes (every 5 minutes).
      { append: { day: '2026-03-04', count: 10, user: 'dr_burst', patient: 'P-777', startMs: at('2026-03-04T10:00:00Z'), stepMs: 300_000 } },
      { append: { day: '2026-03-04', count: 1, user: 'nurse_e', patient: 'P-42', startMs: at('2026-03-04T12:00:00Z'), breakGlass: true, role: 'nurse' } },
    ]);
    await recorder.until(() => recorder.alerts.some((a) => a.rule === 'burst') && recorder.alerts.some((a) => a.kind === 'break-glass'), 'burst and break-glass alerts');
    const burst = recorder.alerts.filter((a) => a.rule === 'burst');
    expect(burst).toHaveLength(1);
    expect(burst[0]).toMatchObject({ kind: 'anomaly', alert: { user: 'dr_burst', patient: 'P-777' } });
    expect(burst[0]?.evidence).toHaveLength(10);
    const btg = recorder.alerts.find((a) => a.kind === 'break-glass');
    expect(btg?.explanation).toContain('nurse_e');
    expect(btg?.evidence[0]?.line).toBe(14);

    const notes = tail.status().files.find((f) => f.path.endsWith('notes.log'));
    expect(notes?.state).toBe('not-audit-log');
    expect(notes?.message).toContain('notes.log is not followed');
    expect(recorder.entries).toHaveLength(14);
  });
  it('after a file is cut short and written again, reports the cut and reads the new lines as new', async () => {
    const dir = tempDir('rewrite');
    const recorder = new Recorder();
    await tailOf(dir, tempDir('state'), recorder);
    await runWriter(dir, [{ append: { day: '2026-03-15', count: 6, startMs: at('2026-03-15T10:00:00Z') } }]);
    await recorder.until(() => recorder.entries.length >= 6, '6 entries');
    const path = join(dir, 'audit-2026-03-15.jsonl');
    const lines = readFileSync(path, 'utf8').split('\n');
    // Cut after line 2 and let a writer go on at once (copytruncate-style).
    writeFileSync(path, lines.slice(0, 2).join('\n') + '\n');
    await runWriter(dir, [{ append: { day: '2026-03-15', count: 3, startMs: at('2026-03-15T11:00:00Z') } }]);
    await recorder.until(() => recorder.alerts.some((a) => a.title === 'Evidence file cut short') && recorder.entries.length >= 9, 'the cut and the new lines');
    expect(recorder.alerts.find((a) => a.title === 'Evidence file cut short')?.explanation).toContain('below the');
    expect(recorder.entries.slice(6).map((e) => e.source.line)).toEqual([3, 4, 5]);
    expect(recorder.entries.slice(6).every((e) => e.timeRaw?.startsWith('2026-03-15T11:00'))).toBe(true);
  });

  it('follows a folder by polling (network shares)', async () => {
    const dir = tempDir('poll');
    const recorder = new Recorder();
    const tail = await startTail({ dir, stateDir: tempDir('state'), polling: true }, recorder);
    running.push(tail);
    expect(tail.status().polling).toBe(true);
    await runWriter(dir, [
      { append: { day: '2026-03-16', count: 3, startMs: at('2026-03-16T10:00:00Z') } },
      { partial: { day: '2026-03-16', count: 1, startMs: at('2026-03-16T10:05:00Z'), pauseMs: 800 } },
      { append: { day: '2026-03-17', count: 2, startMs: at('2026-03-17T10:00:00Z') } },
    ]);
    await recorder.until(() => recorder.entries.length >= 6, '6 entries');
    expect(new Set(lineKeys(recorder.entries)).size).toBe(6);
    expect(recorder.findings.filter((f) => f.severity === 'critical')).toEqual([]);
  });
  it('names the lines that changed while it was not watching', async () => {
    const dir = tempDir('away');
    const state = tempDir('state');
    const first = new Recorder();
    const tail = await tailOf(dir, state, first);
    await runWriter(dir, [{ append: { day: '2026-03-18', count: 6, startMs: at('2026-03-18T10:00:00Z'), patient: 'P1234' } }]);
    await first.until(() => first.entries.length >= 6, '6 entries');
    await tail.stop();
    running.splice(running.indexOf(tail), 1);

    const path = join(dir, 'audit-2026-03-18.jsonl');
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[3] = (lines[3] as string).replace('"P1234"', '"P4321"');
    writeFileSync(path, lines.join('\n'));

    const second = new Recorder();
    await tailOf(dir, state, second);
    await second.until(() => second.alerts.some((a) => a.title === 'Evidence changed while not watched'), 'the changed-while-away alert');
    const away = second.alerts.find((a) => a.title === 'Evidence changed while not watched');
    expect(away?.explanation).toContain('While Custos was not watching');
    expect(away?.explanation).toContain('fails at line 4');
    expect(away?.evidence).toEqual([{ file: path, line: 4 }]);
    expect(second.entries).toEqual([]);
  });
});

