import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NormalizedEntry } from '../../shared/entry.js';
import { beginFile, createDatabase, EntryWriter, queryEntries, selectRows } from '../../main/core/store/index.js';
import { compactTime } from '../../main/core/store/compact-time.js';

/** Writes entries with these (timeMs, timeRaw) pairs and reads the timestamps back in order. */
async function roundTrip(times: Array<[number | null, string | null]>): Promise<{ back: Array<string | null>; stored: number }> {
  const db = await createDatabase();
  const fileId = beginFile(db, '/evidence.jsonl', { gzip: false, mtimeMs: 0, size: 0, mapping: null });
  const writer = new EntryWriter(db);
  times.forEach(([timeMs, timeRaw], index) => {
    const entry: NormalizedEntry = {
      source: { file: '/evidence.jsonl', line: index + 1, byteOffset: index, byteLength: 1 },
      format: 'chained', timeMs, timeRaw, eventType: 'tool_call', user: null, role: null, patient: null, tool: null, purpose: null,
      success: null, durationMs: null, conversationId: null, turn: null, callId: null, model: null, trigger: null, clientIp: null,
      breakGlass: [], argsText: null, resultText: null, lineSha256: '00'.repeat(32),
    };
    writer.add(fileId, entry);
  });
  writer.close();
  const rows = queryEntries(db, { filter: {}, sort: { column: 'file', direction: 'asc' }, offset: 0, limit: times.length }).rows;
  const viewed = selectRows(db, 'SELECT time_raw FROM entry_view ORDER BY id').map((row) => row[0]);
  expect(viewed).toEqual(rows.map((row) => row.timeRaw));
  const stored = Number(selectRows(db, 'SELECT count(time_raw) FROM entries')[0]![0]);
  return { back: rows.map((row) => row.timeRaw), stored };
}

describe('compact timestamps', () => {
  it('gives back every timestamp exactly as written, storing only the unusual ones verbatim', async () => {
    const cases: Array<[number | null, string | null]> = [
      [Date.parse('2026-07-13T08:11:37.726Z'), '2026-07-13T08:11:37.726229+00:00'],
      [Date.parse('2026-07-13T09:59:28Z'), '2026-07-13T09:59:28+00:00'],
      [Date.parse('2026-07-14T10:00:00.123Z'), '2026-07-14T10:00:00.123Z'],
      [Date.parse('2026-07-13T00:00:00.000Z'), '2026-07-13T00:00:00.000001+00:00'],
      [Date.parse('2026-07-13T06:11:37.726Z'), '2026-07-13T08:11:37.726229+02:00'],
      [Date.parse('2026-07-13T08:11:37.726Z'), '2026-07-13T08:11:37.726229'],
      [Date.parse('2026-07-13T08:11:37Z'), '1783930297'],
      [Date.parse('1969-12-31T23:59:59.999Z'), '1969-12-31T23:59:59.999999+00:00'],
      [null, 'yesterday'],
      [null, null],
      [Date.parse('2026-07-14T10:00:00Z'), '2026-07-14T10:00:00Z'],
    ];
    const { back, stored } = await roundTrip(cases);
    expect(back).toEqual(cases.map(([, raw]) => raw));
    expect(stored).toBe(6);
  });

  it('rebuilds any Python isoformat() UTC time exactly', async () => {
    const samples = fc.sample(fc.tuple(fc.integer({ min: 0, max: 253402300799999 }), fc.integer({ min: 0, max: 999 })), 300);
    const cases = samples.map(([ms, micros]): [number, string] => [
      ms,
      `${new Date(ms).toISOString().slice(0, 23)}${String(micros).padStart(3, '0')}+00:00`,
    ]);
    for (const [ms, raw] of cases) expect(compactTime(ms, raw).raw).toBeNull();
    const { back, stored } = await roundTrip(cases);
    expect(back).toEqual(cases.map(([, raw]) => raw));
    expect(stored).toBe(0);
  });
});
