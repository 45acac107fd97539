/** Read-side questions over the index: pages of entries, statistics, histograms, pickers, findings. */
import type { Database, SqlValue } from 'sql.js';
import type { ArchiveFile, SessionSummary } from '../../../shared/archive.js';
import type { BreakGlassSignal, PrivacyLevel } from '../../../shared/entry.js';
import type { FindingKind, Severity } from '../../../shared/findings.js';
import type { FormatId, GenericMapping } from '../../../shared/formats.js';
import type {
  DistinctColumn,
  EntryFilter,
  EntryQuery,
  EntryRow,
  FindingRow,
  Page,
  SortColumn,
  TimeBucket,
  ToolStats,
} from '../../../shared/query.js';
import type { ChainStatus, CompletenessVerdict, IntegrityVerdict, Verdict } from '../../../shared/verification.js';
import { cachedAnswer } from './answer-cache.js';
import { timeRawSql } from './compact-time.js';
import { cachedEntryOrder, entryOrder, sliceOrder } from './entry-order.js';
import { filterCondition } from './filter.js';
import type { LabelColumn } from './schema.js';

/** Runs a query and returns its rows as arrays. */
export function selectRows(db: Database, sql: string, params: SqlValue[] = []): SqlValue[][] {
  const statement = db.prepare(sql);
  try {
    statement.bind(params);
    const rows: SqlValue[][] = [];
    while (statement.step()) rows.push(statement.get());
    return rows;
  } finally {
    statement.free();
  }
}

function selectValue(db: Database, sql: string, params: SqlValue[] = []): SqlValue | undefined {
  return selectRows(db, sql, params)[0]?.[0];
}

const labelValue = (column: LabelColumn): string => `(SELECT value FROM labels WHERE id = e.${column})`;

const SORT_EXPRESSIONS: Record<SortColumn, string> = {
  time: 'e.time_ms',
  user: labelValue('user'),
  role: labelValue('role'),
  patient: labelValue('patient'),
  tool: labelValue('tool'),
  purpose: labelValue('purpose'),
  success: 'e.success',
  duration: 'e.duration_ms',
  file: 'e.id',
};

// Label columns come back as ids and are resolved in one lookup per page: a dozen LEFT JOINs on
// `labels` cost SQLite far more than one `IN` query for the few distinct ids of a page.
const ROW_COLUMNS = `e.id, e.file_id, f.path, e.line, e.byte_offset, e.byte_length, hex(e.line_sha256), e.format, e.time_ms, ${timeRawSql('e')},
  e.event_type, e.user, e.role, e.patient, e.tool, e.purpose, e.success, e.duration_ms, e.conversation, e.turn, e.call_id, e.model,
  e.trigger, e.client_ip, e.break_glass_signals, e.error, e.decision, e.call_record, e.time_assumed_utc, e.privacy`;
/** Positions in ROW_COLUMNS that hold a label id. */
const LABEL_POSITIONS = [10, 11, 12, 13, 14, 15, 18, 21, 22, 23, 25, 26];

function toEntryRow(row: SqlValue[], labels: ReadonlyMap<number, string>): EntryRow {
  const text = (index: number): string | null => (row[index] === null ? null : String(row[index]));
  const label = (index: number): string | null => (row[index] === null ? null : (labels.get(Number(row[index])) ?? null));
  const number = (index: number): number | null => (row[index] === null ? null : Number(row[index]));
  const signals = text(24);
  return {
    id: Number(row[0]),
    fileId: Number(row[1]),
    source: { file: String(row[2]), line: Number(row[3]), byteOffset: Number(row[4]), byteLength: Number(row[5]) },
    lineSha256: String(row[6]).toLowerCase(),
    format: String(row[7]) as FormatId,
    timeMs: number(8),
    timeRaw: text(9),
    eventType: label(10) ?? '',
    user: label(11),
    role: label(12),
    patient: label(13),
    tool: label(14),
    purpose: label(15),
    success: row[16] === null ? null : row[16] === 1,
    durationMs: number(17),
    conversationId: label(18),
    turn: number(19),
    callId: text(20),
    model: label(21),
    trigger: label(22),
    clientIp: label(23),
    breakGlass: signals === null ? [] : (JSON.parse(signals) as BreakGlassSignal[]),
    error: label(25),
    decision: label(26),
    callRecord: row[27] === 1,
    timeAssumedUtc: row[28] === 1,
    privacy: text(29) as PrivacyLevel | null,
  };
}

/** The values of some label ids. */
function labelValues(db: Database, ids: ReadonlySet<number>): Map<number, string> {
  if (ids.size === 0) return new Map();
  const list = [...ids];
  return new Map(selectRows(db, `SELECT id, value FROM labels WHERE id IN (${list.map(() => '?').join(', ')})`, list).map((row) => [Number(row[0]), String(row[1])]));
}

/** Full rows for the given entry ids, in the order given. */
export function entryRowsByIds(db: Database, ids: readonly number[]): EntryRow[] {
  if (ids.length === 0) return [];
  const rows = selectRows(db, `SELECT ${ROW_COLUMNS} FROM entries e JOIN files f ON f.id = e.file_id WHERE e.id IN (${ids.map(() => '?').join(', ')})`, [...ids]);
  const labelIds = new Set<number>();
  for (const row of rows) for (const position of LABEL_POSITIONS) if (row[position] !== null) labelIds.add(Number(row[position]));
  const labels = labelValues(db, labelIds);
  const byId = new Map(rows.map((row) => [Number(row[0]), toEntryRow(row, labels)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export function entryRow(db: Database, id: number): EntryRow | null {
  return entryRowsByIds(db, [id])[0] ?? null;
}

/**
 * Rows near the top of the time (or file) order are cheapest straight from SQLite: it walks the
 * index and stops after the page. Below this depth, or for columns without an index, a page is a
 * slice of the whole filter's order (entry-order.ts), built once and then valid at every depth.
 */
const SHALLOW_ROWS = 10_000;
const INDEX_ORDERED: ReadonlySet<SortColumn> = new Set<SortColumn>(['time', 'file']);

/** One page of entries matching a filter, sorted (ties by id); `total` counts every match. */
export function queryEntries(db: Database, query: EntryQuery): Page<EntryRow> {
  const { filter, sort, offset, limit } = query;
  let order = cachedEntryOrder(db, filter, sort.column);
  if (order === undefined && !(INDEX_ORDERED.has(sort.column) && offset + limit <= SHALLOW_ROWS)) order = entryOrder(db, filter, sort.column);
  if (order !== undefined) return { rows: entryRowsByIds(db, sliceOrder(order, sort.direction, offset, limit)), total: order.length, offset };
  return { rows: entryRowsByIds(db, entryIdsByOffset(db, query)), total: countEntries(db, filter), offset };
}

/** The ids of one page by `ORDER BY … LIMIT … OFFSET`: the reference the ordered slices must equal. */
export function entryIdsByOffset(db: Database, query: EntryQuery): number[] {
  const { where, params } = filterCondition(db, query.filter);
  const direction = query.sort.direction === 'desc' ? 'DESC' : 'ASC';
  // Entry ids follow file and line order (the writer assigns them so): sorting by file is by id.
  const order = query.sort.column === 'file' ? `e.id ${direction}` : `${SORT_EXPRESSIONS[query.sort.column]} ${direction}, e.id ${direction}`;
  return selectRows(db, `SELECT e.id FROM entries e WHERE ${where} ORDER BY ${order} LIMIT ? OFFSET ?`, [...params, query.limit, query.offset]).map((row) =>
    Number(row[0]),
  );
}

/** Entries matching a filter; scrolling asks page after page of one filter, so counted once per index version. */
function countEntries(db: Database, filter: EntryFilter): number {
  const { where, params } = filterCondition(db, filter);
  return cachedAnswer(db, `count ${JSON.stringify(filter)}`, () => Number(selectValue(db, `SELECT count(*) FROM entries e WHERE ${where}`, params) ?? 0));
}

/** Every entry of a conversation (or selectools run), in turn order. */
export function conversationEntries(db: Database, conversationId: string, limit = 10_000): EntryRow[] {
  const ids = selectRows(
    db,
    `SELECT e.id FROM entries e WHERE e.conversation = (SELECT id FROM labels WHERE value = ?)
     ORDER BY e.turn IS NULL, e.turn, e.time_ms, e.file_id, e.line LIMIT ?`,
    [conversationId, limit],
  ).map((row) => Number(row[0]));
  return entryRowsByIds(db, ids);
}

/** Per-tool statistics as the lesson's `by_tool` reports them, for every tool matching the filter. */
export function toolStats(db: Database, filter: EntryFilter): ToolStats[] {
  return cachedAnswer(db, `toolStats ${JSON.stringify(filter)}`, () => computeToolStats(db, filter));
}

function computeToolStats(db: Database, filter: EntryFilter): ToolStats[] {
  const { where, params } = filterCondition(db, filter);
  return selectRows(
    db,
    `SELECT t.value, s.calls, s.successes, s.avg_duration, s.max_duration, s.users FROM (
       SELECT e.tool AS tool, count(*) AS calls, sum(e.success = 1) AS successes, avg(e.duration_ms) AS avg_duration,
              max(e.duration_ms) AS max_duration, count(DISTINCT e.user) AS users
       FROM entries e WHERE e.tool IS NOT NULL AND e.call_record = 1 AND ${where} GROUP BY e.tool) s
     JOIN labels t ON t.id = s.tool ORDER BY s.calls DESC, t.value`,
    params,
  ).map((row) => ({
    tool: String(row[0]),
    calls: Number(row[1]),
    successRate: Number(row[1]) === 0 ? 0 : Number(row[2] ?? 0) / Number(row[1]),
    avgDurationMs: row[3] === null ? null : Number(row[3]),
    maxDurationMs: row[4] === null ? null : Number(row[4]),
    uniqueUsers: Number(row[5]),
  }));
}

const BUCKET_SIZES_MS = [
  60_000, 5 * 60_000, 15 * 60_000, 30 * 60_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000, 12 * 3_600_000, 86_400_000,
  7 * 86_400_000, 30 * 86_400_000, 365 * 86_400_000,
];

/** The smallest usual bucket size that spreads the range over at most `buckets` bars. */
export function chooseBucketMs(spanMs: number, buckets: number): number {
  const wanted = spanMs / Math.max(1, buckets);
  return BUCKET_SIZES_MS.find((size) => size >= wanted) ?? Math.ceil(wanted / 86_400_000) * 86_400_000;
}

/** Counts (and failures) per UTC-aligned bucket, contiguous between the first and last bucket. */
export function countsPerBucket(db: Database, filter: EntryFilter, bucketMs: number): TimeBucket[] {
  const { where, params } = filterCondition(db, filter);
  const rows = selectRows(
    db,
    `SELECT (e.time_ms / ?) * ? AS bucket, count(*), sum(e.success = 0) FROM entries e
     WHERE e.time_ms IS NOT NULL AND ${where} GROUP BY bucket ORDER BY bucket`,
    [bucketMs, bucketMs, ...params],
  );
  const counted = new Map(rows.map((row) => [Number(row[0]), { count: Number(row[1]), failures: Number(row[2] ?? 0) }]));
  const first = rows[0];
  const last = rows.at(-1);
  if (first === undefined || last === undefined) return [];
  const buckets: TimeBucket[] = [];
  for (let start = Number(first[0]); start <= Number(last[0]); start += bucketMs) {
    buckets.push({ startMs: start, ...(counted.get(start) ?? { count: 0, failures: 0 }) });
  }
  return buckets;
}

/** A histogram of at most about `buckets` bars over the filtered time range. */
export function histogram(db: Database, filter: EntryFilter, buckets: number): { bucketMs: number; buckets: TimeBucket[] } {
  return cachedAnswer(db, `histogram ${buckets} ${JSON.stringify(filter)}`, () => computeHistogram(db, filter, buckets));
}

function computeHistogram(db: Database, filter: EntryFilter, buckets: number): { bucketMs: number; buckets: TimeBucket[] } {
  const { where, params } = filterCondition(db, filter);
  const range = selectRows(db, `SELECT min(e.time_ms), max(e.time_ms) FROM entries e WHERE e.time_ms IS NOT NULL AND ${where}`, params)[0];
  const from = filter.fromMs ?? (range?.[0] === null || range?.[0] === undefined ? null : Number(range[0]));
  const to = filter.toMs ?? (range?.[1] === null || range?.[1] === undefined ? null : Number(range[1]));
  if (from === null || to === null) return { bucketMs: 3_600_000, buckets: [] };
  const bucketMs = chooseBucketMs(Math.max(1, to - from), buckets);
  return { bucketMs, buckets: countsPerBucket(db, filter, bucketMs) };
}

const DISTINCT_COLUMNS: Record<DistinctColumn, LabelColumn> = {
  user: 'user',
  role: 'role',
  patient: 'patient',
  tool: 'tool',
  purpose: 'purpose',
  model: 'model',
  eventType: 'event_type',
};

/** Values a filter picker offers, sorted, optionally narrowed by a prefix. */
export function distinctValues(db: Database, column: DistinctColumn, limit: number, prefix?: string): string[] {
  const params: SqlValue[] = [DISTINCT_COLUMNS[column]];
  let narrow = '';
  if (prefix !== undefined && prefix !== '') {
    narrow = 'AND l.value LIKE ? ESCAPE \'\\\'';
    params.push(`${prefix.replace(/[\\%_]/gu, (c) => `\\${c}`)}%`);
  }
  params.push(limit);
  return selectRows(
    db,
    `SELECT l.value FROM column_values v JOIN labels l ON l.id = v.label_id WHERE v.col = ? ${narrow} ORDER BY l.value LIMIT ?`,
    params,
  ).map((row) => String(row[0]));
}

const FINDING_COLUMNS = 'id, file_id, kind, severity, file, line, detail, expected, found';

function toFindingRow(row: SqlValue[]): FindingRow {
  const finding: FindingRow = {
    id: Number(row[0]),
    fileId: row[1] === null ? null : Number(row[1]),
    kind: String(row[2]) as FindingKind,
    severity: String(row[3]) as Severity,
    file: String(row[4]),
    line: row[5] === null ? null : Number(row[5]),
    detail: String(row[6]),
  };
  if (row[7] !== null) finding.expected = String(row[7]);
  if (row[8] !== null) finding.found = String(row[8]);
  return finding;
}

export interface FindingListQuery {
  offset: number;
  limit: number;
  fileIds?: number[];
  kinds?: FindingKind[];
}

/** Findings, most severe first, then in file and line order. */
export function listFindings(db: Database, query: FindingListQuery): Page<FindingRow> {
  const clauses: string[] = [];
  const params: SqlValue[] = [];
  if (query.fileIds !== undefined) {
    clauses.push(query.fileIds.length === 0 ? '0' : `file_id IN (${query.fileIds.map(() => '?').join(', ')})`);
    params.push(...query.fileIds);
  }
  if (query.kinds !== undefined) {
    clauses.push(query.kinds.length === 0 ? '0' : `kind IN (${query.kinds.map(() => '?').join(', ')})`);
    params.push(...query.kinds);
  }
  const where = clauses.length > 0 ? clauses.join(' AND ') : '1';
  const rows = selectRows(
    db,
    `SELECT ${FINDING_COLUMNS} FROM findings WHERE ${where}
     ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, file, line IS NULL, line, id LIMIT ? OFFSET ?`,
    [...params, query.limit, query.offset],
  );
  const total = Number(selectValue(db, `SELECT count(*) FROM findings WHERE ${where}`, params) ?? 0);
  return { rows: rows.map(toFindingRow), total, offset: query.offset };
}

export function findingById(db: Database, id: number): FindingRow | null {
  const row = selectRows(db, `SELECT ${FINDING_COLUMNS} FROM findings WHERE id = ?`, [id])[0];
  return row === undefined ? null : toFindingRow(row);
}

export interface StoredFile {
  id: number;
  path: string;
  format: FormatId | null;
  size: number;
  sha256: string;
  mtimeMs: number;
  gzip: boolean;
  mapping: GenericMapping | null;
}

export function storedFile(db: Database, id: number): StoredFile | null {
  const row = selectRows(db, 'SELECT id, path, format, size, sha256, mtime_ms, gzip, mapping FROM files WHERE id = ?', [id])[0];
  if (row === undefined) return null;
  return {
    id: Number(row[0]),
    path: String(row[1]),
    format: row[2] === null ? null : (String(row[2]) as FormatId),
    size: Number(row[3]),
    sha256: String(row[4]),
    mtimeMs: Number(row[5]),
    gzip: row[6] === 1,
    mapping: row[7] === null ? null : (JSON.parse(String(row[7])) as GenericMapping),
  };
}

/** The mapping each generic file was indexed with (files read with a detected format have none). */
export function fileMappings(db: Database): Array<{ path: string; mapping: GenericMapping }> {
  return selectRows(db, 'SELECT path, mapping FROM files WHERE mapping IS NOT NULL ORDER BY id').map((row) => ({
    path: String(row[0]),
    mapping: JSON.parse(String(row[1])) as GenericMapping,
  }));
}

export function listFiles(db: Database): ArchiveFile[] {
  return selectRows(
    db,
    `SELECT f.id, f.path, f.format, f.entries, f.lines, f.size, f.sha256, f.chain_status, f.head_hash, f.covered_fields,
       f.uncovered_fields, f.first_time, f.last_time, f.indexed_at, f.mtime_ms,
       (SELECT count(*) FROM findings WHERE file_id = f.id)
     FROM files f ORDER BY f.path`,
  ).map((row) => ({
    id: Number(row[0]),
    path: String(row[1]),
    format: row[2] === null ? null : (String(row[2]) as FormatId),
    entries: Number(row[3]),
    lines: Number(row[4]),
    size: Number(row[5]),
    sha256: String(row[6]),
    chain: {
      status: String(row[7]) as ChainStatus,
      headHash: row[8] === null ? null : String(row[8]),
      coveredFields: JSON.parse(String(row[9])) as string[],
      uncoveredFields: JSON.parse(String(row[10])) as string[],
    },
    firstTime: row[11] === null ? null : String(row[11]),
    lastTime: row[12] === null ? null : String(row[12]),
    indexedAt: String(row[13]),
    mtimeMs: Number(row[14]),
    findingCount: Number(row[15]),
  }));
}

const INTEGRITY_ORDER: IntegrityVerdict[] = ['intact', 'unchained', 'broken'];
const COMPLETENESS_ORDER: CompletenessVerdict[] = ['confirmed', 'unconfirmed', 'incomplete'];

/** The verdicts of several verification runs as one: the worst integrity and completeness wins. */
export function combineVerdicts(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.length === 0) {
    return { integrity: 'unchained', completeness: 'unconfirmed', reasons: ['No archive is open.'] };
  }
  const worst = <T>(order: T[], values: T[]): T => order[Math.max(...values.map((value) => order.indexOf(value)))] as T;
  return {
    integrity: worst(INTEGRITY_ORDER, verdicts.map((verdict) => verdict.integrity)),
    completeness: worst(COMPLETENESS_ORDER, verdicts.map((verdict) => verdict.completeness)),
    reasons: [...new Set(verdicts.flatMap((verdict) => verdict.reasons))],
  };
}

export function sessionSummary(db: Database): SessionSummary {
  const verdicts = selectRows(db, 'SELECT verdict FROM scans WHERE id IN (SELECT scan_id FROM files) ORDER BY id').map(
    (row) => JSON.parse(String(row[0])) as Verdict,
  );
  const files = listFiles(db);
  return {
    files,
    verdict: combineVerdicts(verdicts),
    totalEntries: Number(selectValue(db, 'SELECT count(*) FROM entries') ?? 0),
  };
}

/** The file and line each entry id lives at (for locating findings' neighbours and CLI output). */
export function nearestEntryAtOrBefore(db: Database, fileId: number, line: number): { line: number; byteOffset: number } | null {
  const row = selectRows(db, 'SELECT line, byte_offset FROM entries WHERE file_id = ? AND line <= ? ORDER BY line DESC LIMIT 1', [
    fileId,
    line,
  ])[0];
  return row === undefined ? null : { line: Number(row[0]), byteOffset: Number(row[1]) };
}
