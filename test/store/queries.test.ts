import { execFileSync } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'sql.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EntryQuery, EntryRow } from '../../shared/query.js';
import {
  conversationTimeline,
  countsPerBucket,
  distinctValues,
  entryDetail,
  exportDatabase,
  findingContext,
  histogram,
  insertFindings,
  listFindings,
  loadDatabase,
  queryEntries,
  removeFiles,
  sessionSummary,
  toolStats,
} from '../../main/core/store/index.js';
import { indexFiles, tempDir, writeCalls, type WrittenFile } from './build-index.js';

const at = (iso: string): number => Date.parse(iso);
const where = (rows: EntryRow[]): string[] => rows.map((row) => `${row.source.file.split('/').at(-1)}:${row.source.line}`);

let dir: string;
let fileA: WrittenFile;
let fileB: WrittenFile;
let db: Database;

function page(filter: EntryQuery['filter'], sort: EntryQuery['sort'] = { column: 'time', direction: 'asc' }, offset = 0, limit = 50) {
  return queryEntries(db, { filter, sort, offset, limit });
}

beforeAll(async () => {
  dir = tempDir();
  fileA = writeCalls(dir, 'a.jsonl', [
    { time: '2026-07-14T09:00:00Z', user: 'dr_smith', patient: 'P001', tool: 'get_patient_record', success: true, durationMs: 40, conversation: 'c1', turn: 1, args: { patient_id: 'P001' } },
    { time: '2026-07-14T09:05:00Z', user: 'dr_smith', patient: 'P001', tool: 'update_treatment', success: false, durationMs: 120, conversation: 'c1', turn: 2, result: { success: false, error: 'record locked' } },
    { time: '2026-07-14T10:30:00Z', user: 'nurse_jones', patient: 'P002', tool: 'get_patient_record', success: true, durationMs: 30, conversation: 'c2', turn: 1 },
    { time: null, user: null, patient: 'P003', tool: 'get_patient_record', success: true },
  ]);
  fileB = writeCalls(
    dir,
    'b.jsonl.gz',
    [
      { time: '2026-07-15T08:00:00Z', user: 'dr_smith', patient: 'P002', tool: 'get_patient_record', success: true, durationMs: 50, purpose: 'emergency', args: { note: 'chest pain ORD-54321' } },
      { time: '2026-07-15T23:59:00Z', user: 'nurse_jones', patient: 'P001', tool: 'export_records', success: false, durationMs: 900, role: 'nurse' },
    ],
    { gzip: true },
  );
  db = await indexFiles([fileA, fileB]);
});

describe('entry queries', () => {
  it('answers a patient access report in time order with file:line', () => {
    const result = page({ patients: ['P001'] });
    expect(where(result.rows)).toEqual(['a.jsonl:1', 'a.jsonl:2', 'b.jsonl.gz:2']);
    expect(result.total).toBe(3);
    expect(result.rows[2]).toMatchObject({ user: 'nurse_jones', role: 'nurse', tool: 'export_records', success: false, durationMs: 900 });
  });

  it('filters a patient by time range (from inclusive, to exclusive)', () => {
    const result = page({ patients: ['P001', 'P002'], fromMs: at('2026-07-14T09:05:00Z'), toMs: at('2026-07-15T08:00:00Z') });
    expect(where(result.rows)).toEqual(['a.jsonl:2', 'a.jsonl:4']);
  });

  it('lists a user since a time and failures since a time', () => {
    expect(where(page({ users: ['dr_smith'], fromMs: at('2026-07-14T09:01:00Z') }).rows)).toEqual(['a.jsonl:2', 'b.jsonl.gz:1']);
    expect(where(page({ success: false }).rows)).toEqual(['a.jsonl:2', 'b.jsonl.gz:2']);
    expect(where(page({ success: false, fromMs: at('2026-07-15T00:00:00Z') }).rows)).toEqual(['b.jsonl.gz:2']);
  });

  it('paginates with the total of all matches and sorts on any column', () => {
    const second = page({}, { column: 'duration', direction: 'desc' }, 1, 2);
    expect(second.total).toBe(6);
    expect(second.offset).toBe(1);
    expect(second.rows.map((row) => row.durationMs)).toEqual([120, 50]);
    expect(page({}, { column: 'user', direction: 'asc' }).rows.map((row) => row.user)).toEqual([null, 'dr_smith', 'dr_smith', 'dr_smith', 'nurse_jones', 'nurse_jones']);
    expect(where(page({}, { column: 'file', direction: 'desc' }).rows)).toEqual(['b.jsonl.gz:2', 'b.jsonl.gz:1', 'a.jsonl:5', 'a.jsonl:4', 'a.jsonl:2', 'a.jsonl:1']);
  });

  it('keeps entries without a timestamp and without a user, found by the missing-attribution query', () => {
    const result = page({ missingAttribution: true });
    expect(where(result.rows)).toEqual(['a.jsonl:5']);
    expect(result.rows[0]).toMatchObject({ timeMs: null, timeRaw: null, user: null, patient: 'P003' });
  });

  it('searches free text over arguments and results, treating query syntax as words', () => {
    expect(where(page({ text: 'ORD-54321' }).rows)).toEqual(['b.jsonl.gz:1']);
    expect(where(page({ text: 'record LOCKED' }).rows)).toEqual(['a.jsonl:2']);
    expect(page({ text: 'chest OR nothing' }).total).toBe(0);
    expect(page({ text: '"' }).total).toBe(0);
    // Values are searched, not the JSON keys every entry repeats.
    expect(where(page({ text: 'P001' }).rows)).toEqual(['a.jsonl:1']);
    expect(page({ text: 'patient_id' }).total).toBe(0);
  });

  it('reports break-the-glass signals and a conversation filter', () => {
    expect(page({ text: 'chest' }).rows[0]?.breakGlass).toEqual([{ kind: 'purpose', field: 'purpose', value: 'emergency' }]);
    expect(where(page({ conversationId: 'c1' }).rows)).toEqual(['a.jsonl:1', 'a.jsonl:2']);
  });
});

describe('statistics', () => {
  it('computes per-tool statistics as the lesson defines them', () => {
    expect(toolStats(db, {})).toEqual([
      { tool: 'get_patient_record', calls: 4, successRate: 1, avgDurationMs: 40, maxDurationMs: 50, uniqueUsers: 2 },
      { tool: 'export_records', calls: 1, successRate: 0, avgDurationMs: 900, maxDurationMs: 900, uniqueUsers: 1 },
      { tool: 'update_treatment', calls: 1, successRate: 0, avgDurationMs: 120, maxDurationMs: 120, uniqueUsers: 1 },
    ]);
    expect(toolStats(db, { users: ['nurse_jones'] }).map((stats) => [stats.tool, stats.calls])).toEqual([
      ['export_records', 1],
      ['get_patient_record', 1],
    ]);
  });

  it('counts entries and failures per day and per hour, with empty buckets filled', () => {
    expect(countsPerBucket(db, {}, 86_400_000)).toEqual([
      { startMs: at('2026-07-14T00:00:00Z'), count: 3, failures: 1 },
      { startMs: at('2026-07-15T00:00:00Z'), count: 2, failures: 1 },
    ]);
    const hours = countsPerBucket(db, { fromMs: at('2026-07-14T00:00:00Z'), toMs: at('2026-07-15T00:00:00Z') }, 3_600_000);
    expect(hours.map((bucket) => bucket.count)).toEqual([2, 1]);
    expect(hours.map((bucket) => new Date(bucket.startMs).toISOString())).toEqual(['2026-07-14T09:00:00.000Z', '2026-07-14T10:00:00.000Z']);
    const chart = histogram(db, {}, 100);
    expect(chart.bucketMs).toBe(30 * 60_000);
    expect(chart.buckets.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(5);
  });

  it('offers distinct values for the filter pickers', () => {
    expect(distinctValues(db, 'user', 10)).toEqual(['dr_smith', 'nurse_jones']);
    expect(distinctValues(db, 'patient', 2)).toEqual(['P001', 'P002']);
    expect(distinctValues(db, 'tool', 10, 'get_')).toEqual(['get_patient_record']);
    expect(distinctValues(db, 'role', 10)).toEqual(['nurse', 'physician']);
  });
});

describe('re-reading from disk', () => {
  it('shows an entry in full, re-read from a plain or gzip file and checked against the index', async () => {
    const plain = page({ patients: ['P002'] }).rows[0]!;
    const detail = await entryDetail(db, plain.id);
    expect(detail).toMatchObject({ raw: fileA.lines[2], unchanged: true });
    expect((detail?.parsed as { user_id: string }).user_id).toBe('nurse_jones');
    const gz = page({ text: 'chest' }).rows[0]!;
    expect((await entryDetail(db, gz.id))?.raw).toBe(fileB.lines[0]);
  });

  it('builds the lesson conversation timeline from the re-read lines', async () => {
    const timeline = await conversationTimeline(db, 'c1', (raw) => {
      const value = JSON.parse(raw) as { arguments_sanitized: unknown; result_summary: unknown };
      return { argsText: JSON.stringify(value.arguments_sanitized), resultText: JSON.stringify(value.result_summary) };
    });
    expect(timeline.map((line) => line.text)).toEqual([
      '[Turn 1] ✅ get_patient_record({"patient_id":"P001"}) → {"success":true} [40ms]',
      '[Turn 2] ❌ update_treatment({}) → {"success":false,"error":"record locked"} [120ms]',
    ]);
  });

  it('shows the lines around a finding, including lines that were never indexed', async () => {
    insertFindings(db, [{ kind: 'parse-error', severity: 'critical', file: fileA.path, line: 3, detail: 'blank' }], null);
    const finding = listFindings(db, { offset: 0, limit: 10 }).rows.find((row) => row.line === 3)!;
    expect(finding.fileId).not.toBeNull();
    const context = await findingContext(db, finding.id, 1);
    expect(context?.lines).toEqual([
      { line: 2, raw: fileA.lines[1] },
      { line: 3, raw: '' },
      { line: 4, raw: fileA.lines[2] },
    ]);
  });

  it('says when the file changed since it was indexed', async () => {
    const other = writeCalls(dir, 'c.jsonl', [{ time: '2026-07-16T00:00:00Z', user: 'u', patient: 'P9', tool: 't', success: true }]);
    const local = await indexFiles([other]);
    const id = queryEntries(local, { filter: {}, sort: { column: 'time', direction: 'asc' }, offset: 0, limit: 1 }).rows[0]!.id;
    appendFileSync(other.path, 'tampered\n');
    const detail = await entryDetail(local, id);
    expect(detail?.unchanged).toBe(false);
    expect(detail?.problem).toMatch(/changed since it was indexed/);
    writeFileSync(other.path, other.lines[0]!.replace('"u"', '"v"') + '\n');
    const rewritten = await entryDetail(local, id);
    expect(rewritten?.unchanged).toBe(false);
    // The change is on record once, as a finding against the file.
    const changed = listFindings(local, { offset: 0, limit: 10, kinds: ['file-changed'] }).rows;
    expect(changed.map((finding) => [finding.file, finding.severity])).toEqual([[other.path, 'critical']]);
  });
});

describe('files in the index', () => {
  it('re-indexing a file replaces its entries instead of duplicating them', async () => {
    const local = await indexFiles([fileA]);
    const count = () => queryEntries(local, { filter: { users: ['dr_smith'] }, sort: { column: 'time', direction: 'asc' }, offset: 0, limit: 1 }).total;
    expect(count()).toBe(2);
    await indexFiles([fileB], local);
    // Counts are remembered per filter, never past a change to the index.
    expect(count()).toBe(3);
    removeFiles(local, [sessionSummary(local).files.find((file) => file.path === fileB.path)!.id]);
    expect(count()).toBe(2);
    await indexFiles([fileA], local);
    expect(sessionSummary(local).totalEntries).toBe(4);
    expect(sessionSummary(local).files).toHaveLength(1);
  });

  it('closing a file removes its entries, findings and picker values', async () => {
    const local = await indexFiles([fileA, fileB]);
    const summary = sessionSummary(local);
    const b = summary.files.find((file) => file.path === fileB.path)!;
    expect(toolStats(local, {}).map((stats) => stats.tool)).toContain('export_records');
    removeFiles(local, [b.id]);
    // Statistics are remembered between identical requests, but never past a change to the index.
    expect(toolStats(local, {}).map((stats) => stats.tool)).not.toContain('export_records');
    expect(sessionSummary(local).totalEntries).toBe(4);
    expect(distinctValues(local, 'role', 10)).toEqual(['physician']);
  });

  it('saves the index as a SQLite file that other tools read, and loads it back', async () => {
    const path = join(dir, 'index.sqlite');
    writeFileSync(path, exportDatabase(db));
    const out = execFileSync('python3', [
      '-c',
      'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute("select count(*), group_concat(user) from entry_view where patient=\'P001\'").fetchone())',
      path,
    ]).toString();
    expect(out.trim()).toBe("(3, 'dr_smith,dr_smith,nurse_jones')");
    const loaded = await loadDatabase(new Uint8Array(await import('node:fs').then((fs) => fs.readFileSync(path))));
    expect(queryEntries(loaded, { filter: { patients: ['P001'] }, sort: { column: 'time', direction: 'asc' }, offset: 0, limit: 10 }).total).toBe(3);
  });

  it('refuses to load a file that is not a Custos index', async () => {
    await expect(loadDatabase(new Uint8Array(Buffer.from('not sqlite at all, just text'.repeat(10))))).rejects.toThrow();
  });
});
