import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OpenProgress } from '../../shared/archive.js';
import { writeArchive, type Manifest } from '../../main/core/fixtures/index.js';
import { createDatabase, listFindings, queryEntries, sessionSummary } from '../../main/core/store/index.js';
import { openArchives } from '../../main/core/store/open-pipeline.js';
import { tempDir } from './build-index.js';

const ref = (file: string, line: number): string => `${basename(file)}:${line}`;

async function open(db: Awaited<ReturnType<typeof createDatabase>>, paths: string[], mode: 'add' | 'replace' = 'add', signal = new AbortController().signal) {
  const progress: OpenProgress[] = [];
  const outcome = await openArchives(db, { jobId: 'job', paths, mode }, { signal, progress: (p) => progress.push(p), progressIntervalMs: 0 });
  return { outcome, progress };
}

describe('open pipeline', () => {
  it('indexes a verified two-day archive with every entry, its failures at the manifest lines and progress to the end', async () => {
    const dir = tempDir();
    const manifest: Manifest = await writeArchive(dir, { format: 'hipaa', seed: 3, entries: 400, days: 2, scenario: { badTimestamp: true, missingAttribution: true } });
    const db = await createDatabase();
    const { outcome, progress } = await open(db, [dir]);
    expect(outcome.failed).toEqual([]);
    expect(outcome.opened.map((file) => basename(file.path))).toEqual(manifest.files.map((file) => basename(file.file)));
    expect(outcome.opened.every((file) => file.chain.status === 'intact')).toBe(true);
    const summary = sessionSummary(db);
    expect(summary.totalEntries).toBe(manifest.totalLines);
    expect(summary.verdict.integrity).toBe('intact');

    const failures = queryEntries(db, { filter: { success: false }, sort: { column: 'file', direction: 'asc' }, offset: 0, limit: 1000 });
    expect(failures.rows.map((row) => ref(row.source.file, row.source.line))).toEqual(manifest.failures.map((line) => ref(line.file, line.line)));

    const badTime = manifest.planted.find((plant) => plant.kind === 'bad-timestamp')!;
    const findings = listFindings(db, { offset: 0, limit: 100, kinds: ['bad-timestamp'] });
    expect(findings.rows.map((finding) => ref(finding.file, finding.line ?? 0))).toEqual(badTime.lines.map((line) => ref(line.file, line.line)));
    const kept = queryEntries(db, { filter: { fileIds: [findings.rows[0]!.fileId!] }, sort: { column: 'file', direction: 'asc' }, offset: 0, limit: 1000 });
    expect(kept.rows.find((row) => row.source.line === badTime.lines[0]!.line)).toMatchObject({ timeMs: null });

    const last = progress.at(-1)!;
    expect(last).toMatchObject({ done: true, entries: manifest.totalLines, etaSeconds: 0 });
    expect(last.bytesRead).toBe(last.bytesTotal);
  });

  it('does not duplicate entries when the same archive is opened again, and replace starts over', async () => {
    const dir = tempDir();
    const manifest = await writeArchive(dir, { format: 'chained', seed: 5, entries: 120, rotation: 'single' });
    const db = await createDatabase();
    await open(db, [dir]);
    await open(db, [join(dir, 'audit.jsonl')]);
    expect(sessionSummary(db).totalEntries).toBe(manifest.totalLines);
    expect(sessionSummary(db).files).toHaveLength(1);
    const other = tempDir();
    await writeArchive(other, { format: 'hipaa', seed: 6, entries: 30, rotation: 'single' });
    await open(db, [other]);
    expect(sessionSummary(db).totalEntries).toBe(manifest.totalLines + 30);
    await open(db, [other], 'replace');
    expect(sessionSummary(db).totalEntries).toBe(30);
  });

  it('reports a file of unknown format with the reason and still opens the others', async () => {
    const dir = tempDir();
    await writeArchive(dir, { format: 'hipaa', seed: 8, entries: 20, rotation: 'single' });
    // Named to be read first: its failure must not lose the verdict of the files after it.
    const stranger = join(dir, 'a-other.jsonl');
    writeFileSync(stranger, '{"when": "yesterday", "who": "somebody"}\n');
    const db = await createDatabase();
    const { outcome } = await open(db, [dir]);
    expect(outcome.opened.map((file) => basename(file.path))).toEqual(['audit.jsonl']);
    expect(outcome.failed).toHaveLength(1);
    expect(outcome.failed[0]!.path).toBe(stranger);
    expect(outcome.failed[0]!.message).toMatch(/mapping/);
    expect(listFindings(db, { offset: 0, limit: 10, kinds: ['unknown-format'] }).rows[0]?.file).toBe(stranger);
    expect(sessionSummary(db).verdict.reasons.length).toBeGreaterThan(0);
    expect(sessionSummary(db).verdict.reasons).not.toEqual(['No archive is open.']);
  });

  it('opens a log of unknown format through a generic mapping file', async () => {
    const dir = tempDir();
    const log = join(dir, 'custom.jsonl');
    writeFileSync(
      log,
      [
        '{"when": "2026-07-14T10:00:00Z", "who": "dr_a", "subject": {"id": "P7"}, "action": "read_chart", "ok": "yes"}',
        '{"when": "2026-07-14T11:00:00Z", "who": "dr_b", "subject": {"id": "P8"}, "action": "read_chart", "ok": "no"}',
      ].join('\n') + '\n',
    );
    const mappingPath = join(dir, 'mapping.json');
    writeFileSync(mappingPath, JSON.stringify({ fields: { timestamp: 'when', user: 'who', patient: 'subject.id', tool: 'action', outcome: 'ok' }, successValues: ['yes'] }));
    const db = await createDatabase();
    const outcome = await openArchives(db, { jobId: 'm', paths: [log], mode: 'add', mappingPath }, { signal: new AbortController().signal, progress: () => undefined });
    expect(outcome.failed).toEqual([]);
    expect(outcome.opened[0]?.format).toBe('generic');
    const rows = queryEntries(db, { filter: {}, sort: { column: 'time', direction: 'asc' }, offset: 0, limit: 10 }).rows;
    expect(rows.map((row) => [row.user, row.patient, row.tool, row.success])).toEqual([
      ['dr_a', 'P7', 'read_chart', true],
      ['dr_b', 'P8', 'read_chart', false],
    ]);
  });

  it('keeps nothing of a cancelled open', async () => {
    const dir = tempDir();
    await writeArchive(dir, { format: 'chained', seed: 9, entries: 3000, rotation: 'single' });
    const db = await createDatabase();
    const controller = new AbortController();
    const outcome = await openArchives(db, { jobId: 'j', paths: [dir], mode: 'add' }, {
      signal: controller.signal,
      progressIntervalMs: 0,
      progress: (p) => {
        if (p.entries > 0) controller.abort();
      },
    });
    expect(outcome.cancelled).toBe(true);
    expect(sessionSummary(db)).toMatchObject({ totalEntries: 0, files: [] });
  });

  it('records tampering found by the verifier against the indexed file', async () => {
    const dir = tempDir();
    const manifest = await writeArchive(dir, { format: 'chained', seed: 4, entries: 200, rotation: 'single', tamper: 'swap-lines' });
    const db = await createDatabase();
    const { outcome } = await open(db, [dir]);
    expect(outcome.opened[0]!.chain.status).toBe('broken');
    expect(sessionSummary(db).verdict.integrity).toBe('broken');
    const critical = listFindings(db, { offset: 0, limit: 100 }).rows.filter((finding) => finding.severity === 'critical');
    expect(critical.length).toBeGreaterThan(0);
    expect(critical.every((finding) => finding.fileId === outcome.opened[0]!.id)).toBe(true);
    expect(manifest.tamper).not.toBeNull();
  });
});
