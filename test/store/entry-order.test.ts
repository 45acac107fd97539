import type { Database } from 'sql.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { SORTABLE_COLUMNS, type EntryFilter, type EntryQuery } from '../../shared/query.js';
import { entryOrder, sliceOrder } from '../../main/core/store/entry-order.js';
import { entryIdsByOffset } from '../../main/core/store/queries.js';
import { listFiles, queryEntries, removeFiles } from '../../main/core/store/index.js';
import { indexFiles, tempDir, writeCalls, type Call } from './build-index.js';

/** Deterministic pseudo-random picks, so a failure reproduces. */
function picker(seed: number) {
  let state = seed;
  return <T>(values: readonly T[]): T => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return values[state % values.length]!;
  };
}

// Few distinct values, so every column has long runs of ties; NULLs in every nullable column; label
// values whose UTF-16 order differs from SQLite's byte order ('ｚ' < '😀' in UTF-16, > in UTF-8).
const USERS = ['dr_smith', 'nurse_jones', 'Zed', 'ärztin', '😀admin', 'ｚ-user', null];
const PATIENTS = ['P001', 'P002', 'P010', null];
const TOOLS = ['get_patient_record', 'update_treatment', 'export_records'];
const ROLES = ['physician', 'nurse', 'admin'];
const PURPOSES = ['treatment', 'emergency', 'billing'];
const TIMES = ['2026-07-14T09:00:00Z', '2026-07-14T09:00:00Z', '2026-07-14T10:30:00Z', '2026-07-13T23:00:00Z', '2026-07-15T08:00:00Z', null];
const DURATIONS = [40, 40, 120, 0.5, 900, undefined];

function calls(count: number, seed: number): Call[] {
  const pick = picker(seed);
  return Array.from({ length: count }, (_, index) => {
    const duration = pick(DURATIONS);
    return {
      time: pick(TIMES),
      user: pick(USERS),
      patient: pick(PATIENTS),
      tool: pick(TOOLS),
      role: pick(ROLES),
      purpose: pick(PURPOSES),
      success: pick([true, true, false]),
      ...(duration === undefined ? {} : { durationMs: duration }),
      args: { note: index % 5 === 0 ? 'chest pain' : 'routine check' },
    };
  });
}

const FILTERS: EntryFilter[] = [
  {},
  { patients: ['P001'] },
  { users: ['dr_smith', 'Zed'], success: false },
  { fromMs: Date.parse('2026-07-14T00:00:00Z'), toMs: Date.parse('2026-07-15T00:00:00Z') },
  { text: 'chest' },
  { tools: ['no_such_tool'] },
];

let db: Database;
let secondFile: string;

beforeAll(async () => {
  const dir = tempDir();
  const first = writeCalls(dir, 'a.jsonl', calls(140, 7));
  const second = writeCalls(dir, 'b.jsonl', calls(90, 11));
  secondFile = second.path;
  db = await indexFiles([first, second]);
});

describe('entry pages by a precomputed order', () => {
  it('equal LIMIT/OFFSET for every sort column, both directions, filters, and every page including the last', () => {
    let compared = 0;
    for (const filter of FILTERS) {
      for (const column of SORTABLE_COLUMNS) {
        const order = entryOrder(db, filter, column);
        for (const direction of ['asc', 'desc'] as const) {
          const all = entryIdsByOffset(db, { filter, sort: { column, direction }, offset: 0, limit: 10_000 });
          expect(sliceOrder(order, direction, 0, order.length + 5), `${column} ${direction} ${JSON.stringify(filter)}`).toEqual(all);
          // Pages of 17: the last one is short, one past the end is empty.
          for (let offset = 0; offset <= all.length + 17; offset += 17) {
            const query: EntryQuery = { filter, sort: { column, direction }, offset, limit: 17 };
            expect(sliceOrder(order, direction, offset, 17)).toEqual(entryIdsByOffset(db, query));
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(500);
  });

  it('jumps straight to row N with the rows, total and offset LIMIT/OFFSET gives', () => {
    const filter: EntryFilter = { success: true };
    for (const column of ['user', 'duration', 'time'] as const) {
      // A deep first request builds the order; later pages at any depth come from it.
      for (const offset of [150, 3, 0, 97]) {
        const query: EntryQuery = { filter, sort: { column, direction: 'desc' }, offset, limit: 25 };
        const page = queryEntries(db, query);
        expect(page.rows.map((row) => row.id)).toEqual(entryIdsByOffset(db, query));
        expect(page.offset).toBe(offset);
        expect(page.total).toBe(entryIdsByOffset(db, { ...query, offset: 0, limit: 10_000 }).length);
      }
    }
  });

  it('sorts label values by their bytes, as SQLite does, with missing values first', () => {
    const rows = queryEntries(db, { filter: {}, sort: { column: 'user', direction: 'asc' }, offset: 0, limit: 10_000 }).rows;
    const users = [...new Set(rows.map((row) => row.user))];
    expect(users).toEqual([null, 'Zed', 'dr_smith', 'nurse_jones', 'ärztin', 'ｚ-user', '😀admin']);
  });

  it('forgets an order when the index changes', () => {
    const before = queryEntries(db, { filter: {}, sort: { column: 'patient', direction: 'asc' }, offset: 0, limit: 10_000 });
    expect(before.total).toBe(230);
    removeFiles(db, listFiles(db).filter((file) => file.path === secondFile).map((file) => file.id));
    const after = queryEntries(db, { filter: {}, sort: { column: 'patient', direction: 'asc' }, offset: 0, limit: 10_000 });
    expect(after.total).toBe(140);
    expect(after.rows.every((row) => row.source.file.endsWith('a.jsonl'))).toBe(true);
  });
});
