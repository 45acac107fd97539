/**
 * Where row N of a sorted, filtered entry list is, without `OFFSET N`: SQLite has to step over N rows
 * (and, for columns without an index, sort every match) for each deep page, so pages far down a
 * million entries cost seconds. Instead the ids of all matches are put in order once per filter,
 * column and index version — one scan of (id, sort key) and a native numeric sort — and every later
 * page, at any depth and in either direction, is a slice of that array.
 *
 * Order is exactly SQLite's `ORDER BY key ASC, id ASC` (NULL first, label values by their bytes);
 * descending is the same array read from the end, which is `key DESC, id DESC`.
 */
import type { Database, SqlValue } from 'sql.js';
import type { EntryFilter, SortColumn } from '../../../shared/query.js';
import { indexVersion } from './answer-cache.js';
import { filterCondition } from './filter.js';
import type { LabelColumn } from './schema.js';

/** Orders kept per database: each costs 4 bytes per matching entry (4 MB for a million). */
const MAX_ORDERS = 6;

type KeySource = { kind: 'label'; column: LabelColumn } | { kind: 'number'; expression: string } | { kind: 'id' };

const KEY_SOURCES: Record<SortColumn, KeySource> = {
  time: { kind: 'number', expression: 'e.time_ms' },
  user: { kind: 'label', column: 'user' },
  role: { kind: 'label', column: 'role' },
  patient: { kind: 'label', column: 'patient' },
  tool: { kind: 'label', column: 'tool' },
  purpose: { kind: 'label', column: 'purpose' },
  success: { kind: 'number', expression: 'e.success' },
  duration: { kind: 'number', expression: 'e.duration_ms' },
  // Entry ids follow file and line order (the writer assigns them so).
  file: { kind: 'id' },
};

interface CachedOrders {
  version: number;
  /** Insertion order is use order: the first key is the least recently used. */
  orders: Map<string, Uint32Array>;
}

const caches = new WeakMap<Database, CachedOrders>();

function orderKey(filter: EntryFilter, column: SortColumn): string {
  return `${column} ${JSON.stringify(filter)}`;
}

function cacheOf(db: Database): CachedOrders {
  const version = indexVersion(db);
  let cache = caches.get(db);
  if (cache === undefined || cache.version !== version) {
    cache = { version, orders: new Map() };
    caches.set(db, cache);
  }
  return cache;
}

/** The remembered order for this filter and column, if it is still true of the index. */
export function cachedEntryOrder(db: Database, filter: EntryFilter, column: SortColumn): Uint32Array | undefined {
  const { orders } = cacheOf(db);
  const key = orderKey(filter, column);
  const order = orders.get(key);
  if (order !== undefined) {
    orders.delete(key);
    orders.set(key, order);
  }
  return order;
}

/** The ids of every entry matching `filter`, ascending by `column` then id; built once per index version. */
export function entryOrder(db: Database, filter: EntryFilter, column: SortColumn): Uint32Array {
  const cached = cachedEntryOrder(db, filter, column);
  if (cached !== undefined) return cached;
  const order = buildOrder(db, filter, KEY_SOURCES[column]);
  const { orders } = cacheOf(db);
  if (orders.size >= MAX_ORDERS) orders.delete(orders.keys().next().value as string);
  orders.set(orderKey(filter, column), order);
  return order;
}

/** The ids of rows [offset, offset + limit) of an ascending order read in `direction`. */
export function sliceOrder(order: Uint32Array, direction: 'asc' | 'desc', offset: number, limit: number): number[] {
  const end = Math.min(order.length, offset + limit);
  const ids: number[] = [];
  for (let row = offset; row < end; row++) ids.push(order[direction === 'asc' ? row : order.length - 1 - row]!);
  return ids;
}

function buildOrder(db: Database, filter: EntryFilter, source: KeySource): Uint32Array {
  const { where, params } = filterCondition(db, filter);
  const keyExpression = source.kind === 'label' ? `e.${source.column}` : source.kind === 'number' ? source.expression : 'NULL';
  const statement = db.prepare(`SELECT e.id, ${keyExpression} FROM entries e WHERE ${where}`);
  let ids = new Uint32Array(1024);
  let keys = new Float64Array(1024);
  let count = 0;
  try {
    statement.bind(params as SqlValue[]);
    while (statement.step()) {
      if (count === ids.length) {
        ids = grow(ids, new Uint32Array(ids.length * 2));
        keys = grow(keys, new Float64Array(keys.length * 2));
      }
      const row = statement.get();
      ids[count] = Number(row[0]);
      keys[count] = row[1] === null ? Number.NaN : Number(row[1]);
      count++;
    }
  } finally {
    statement.free();
  }
  ids = ids.subarray(0, count);
  keys = keys.subarray(0, count);
  if (source.kind === 'id') return ids.slice().sort();
  const ranks = source.kind === 'label' ? labelRanks(db, source.column, keys) : numberRanks(keys);
  return sortByRankThenId(ids, ranks);
}

function grow<T extends Uint32Array | Float64Array>(from: T, into: T): T {
  into.set(from);
  return into;
}

/**
 * Label ids replaced by their value's position in byte order (SQLite's BINARY collation, which
 * `ORDER BY value` uses); NULL (NaN here) ranks first, as SQLite sorts NULL before any value.
 */
function labelRanks(db: Database, column: LabelColumn, labelIds: Float64Array): Float64Array {
  // The labels this column uses are few; should one be missing from column_values, rank them all.
  const ranks =
    rankLabels(db, labelIds, 'SELECT l.id FROM column_values v JOIN labels l ON l.id = v.label_id WHERE v.col = ? ORDER BY l.value', [column], true) ??
    rankLabels(db, labelIds, 'SELECT id FROM labels ORDER BY value', [], false);
  return ranks!;
}

/** Ranks per the labels `sql` lists in order; an unlisted label gives null when `strict`, else ranks as NULL (as its missing value would in SQL). */
function rankLabels(db: Database, labelIds: Float64Array, sql: string, params: SqlValue[], strict: boolean): Float64Array | null {
  const rankOf = new Map<number, number>();
  const statement = db.prepare(sql);
  try {
    statement.bind(params);
    while (statement.step()) rankOf.set(Number(statement.get()[0]), rankOf.size + 1);
  } finally {
    statement.free();
  }
  const ranks = new Float64Array(labelIds.length);
  for (let index = 0; index < labelIds.length; index++) {
    const id = labelIds[index]!;
    if (Number.isNaN(id)) continue; // rank 0
    const rank = rankOf.get(id);
    if (rank === undefined && strict) return null;
    ranks[index] = rank ?? 0;
  }
  return ranks;
}

/** Numbers replaced by their position among the distinct values; NULL (NaN) ranks first. */
function numberRanks(keys: Float64Array): Float64Array {
  const distinct = keys.slice().sort(); // NaN sorts last in a typed array
  let size = 0;
  for (let index = 0; index < distinct.length; index++) {
    const value = distinct[index]!;
    if (Number.isNaN(value)) break;
    if (size === 0 || value !== distinct[size - 1]) distinct[size++] = value;
  }
  const ranks = new Float64Array(keys.length);
  for (let index = 0; index < keys.length; index++) {
    const value = keys[index]!;
    if (Number.isNaN(value)) continue; // rank 0
    let low = 0;
    let high = size - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (distinct[middle]! < value) low = middle + 1;
      else high = middle;
    }
    ranks[index] = low + 1;
  }
  return ranks;
}

/**
 * Ids sorted by (rank, id). Both are packed into one exactly representable double, rank × (max id + 1)
 * + id, so the sort is a native numeric sort rather than a million comparator calls.
 */
function sortByRankThenId(ids: Uint32Array, ranks: Float64Array): Uint32Array {
  let maxId = 0;
  let maxRank = 0;
  for (let index = 0; index < ids.length; index++) {
    if (ids[index]! > maxId) maxId = ids[index]!;
    if (ranks[index]! > maxRank) maxRank = ranks[index]!;
  }
  const radix = maxId + 1;
  if ((maxRank + 1) * radix > Number.MAX_SAFE_INTEGER) {
    const positions = Array.from(ids.keys()).sort((a, b) => ranks[a]! - ranks[b]! || ids[a]! - ids[b]!);
    return Uint32Array.from(positions, (position) => ids[position]!);
  }
  const packed = new Float64Array(ids.length);
  for (let index = 0; index < ids.length; index++) packed[index] = ranks[index]! * radix + ids[index]!;
  packed.sort();
  const order = new Uint32Array(ids.length);
  for (let index = 0; index < packed.length; index++) order[index] = packed[index]! % radix;
  return order;
}
