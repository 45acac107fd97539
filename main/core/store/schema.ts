/**
 * The index schema. Entries are kept lean (a million of them must fit in a fraction of the archive's
 * size): repeated strings (users, tools, patients, conversations…) are interned in `labels`, the
 * line hash is a 32-byte blob, and raw lines never enter the database — the detail view re-reads
 * them from disk. `entry_view` joins everything back for people opening the saved file in any
 * SQLite tool.
 */
import type { Database } from 'sql.js';
import { timeRawSql } from './compact-time.js';

export const SCHEMA_VERSION = 1;

/** Columns of `entries` that hold a `labels.id`. */
export const LABEL_COLUMNS = [
  'event_type',
  'user',
  'role',
  'patient',
  'tool',
  'purpose',
  'conversation',
  'model',
  'trigger',
  'client_ip',
  'error',
  'decision',
] as const;
export type LabelColumn = (typeof LABEL_COLUMNS)[number];

const TABLES = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS scans (
  id INTEGER PRIMARY KEY,
  verdict TEXT NOT NULL -- JSON Verdict of the verification run that indexed these files
);
CREATE TABLE IF NOT EXISTS files (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  path TEXT NOT NULL UNIQUE,
  scan_id INTEGER REFERENCES scans(id),
  format TEXT,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  mtime_ms REAL NOT NULL,
  gzip INTEGER NOT NULL,
  mapping TEXT,                   -- JSON GenericMapping the file was opened with, if any
  entries INTEGER NOT NULL,
  lines INTEGER NOT NULL,
  chain_status TEXT NOT NULL,
  head_hash TEXT,
  covered_fields TEXT NOT NULL,   -- JSON array
  uncovered_fields TEXT NOT NULL, -- JSON array
  first_time TEXT,
  last_time TEXT,
  indexed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS labels (id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS entries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  file_id INTEGER NOT NULL,
  line INTEGER NOT NULL,
  byte_offset INTEGER NOT NULL,
  byte_length INTEGER NOT NULL,
  line_sha256 BLOB NOT NULL,
  format TEXT NOT NULL,
  time_ms INTEGER,
  time_raw TEXT,                  -- the timestamp as written, unless time_extra rebuilds it (compact-time.ts)
  time_extra INTEGER,
  event_type INTEGER,
  user INTEGER,
  role INTEGER,
  patient INTEGER,
  tool INTEGER,
  purpose INTEGER,
  success INTEGER,
  duration_ms REAL,
  conversation INTEGER,
  turn INTEGER,
  call_id TEXT,
  model INTEGER,
  trigger INTEGER,
  client_ip INTEGER,
  error INTEGER,
  decision INTEGER,
  call_record INTEGER NOT NULL,   -- 1 when this entry is THE record of one tool call (see NormalizedEntry.callRecord)
  time_assumed_utc INTEGER NOT NULL,
  privacy TEXT,
  break_glass INTEGER NOT NULL,   -- 1 when any break-the-glass signal is present
  break_glass_signals TEXT        -- JSON BreakGlassSignal[], null when none
);
-- Which labels occur in which column: the filter pickers read this instead of scanning entries.
CREATE TABLE IF NOT EXISTS column_values (col TEXT NOT NULL, label_id INTEGER NOT NULL, PRIMARY KEY (col, label_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS findings (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  file_id INTEGER,
  scan_id INTEGER,
  kind TEXT NOT NULL,
  severity TEXT NOT NULL,
  file TEXT NOT NULL,
  line INTEGER,
  detail TEXT NOT NULL,
  expected TEXT,
  found TEXT
);
-- Free text over arguments and results. Contentless: the text itself stays on disk.
CREATE VIRTUAL TABLE IF NOT EXISTS entry_text USING fts4(args, result, content="", tokenize=unicode61);
CREATE INDEX IF NOT EXISTS findings_file ON findings(file_id, line);
CREATE VIEW IF NOT EXISTS entry_view AS
  SELECT e.id, f.path AS file, e.line, e.byte_offset, e.byte_length, hex(e.line_sha256) AS line_sha256, e.format,
         e.time_ms, ${timeRawSql('e')} AS time_raw, et.value AS event_type, u.value AS user, r.value AS role, p.value AS patient,
         t.value AS tool, pu.value AS purpose, e.success, e.duration_ms, c.value AS conversation, e.turn,
         e.call_id, m.value AS model, tr.value AS trigger, ip.value AS client_ip, er.value AS error, d.value AS decision, e.call_record, e.time_assumed_utc,
         e.privacy, e.break_glass, e.break_glass_signals
  FROM entries e JOIN files f ON f.id = e.file_id
  LEFT JOIN labels et ON et.id = e.event_type LEFT JOIN labels u ON u.id = e.user
  LEFT JOIN labels r ON r.id = e.role LEFT JOIN labels p ON p.id = e.patient
  LEFT JOIN labels t ON t.id = e.tool LEFT JOIN labels pu ON pu.id = e.purpose
  LEFT JOIN labels c ON c.id = e.conversation LEFT JOIN labels m ON m.id = e.model
  LEFT JOIN labels tr ON tr.id = e.trigger LEFT JOIN labels ip ON ip.id = e.client_ip
  LEFT JOIN labels er ON er.id = e.error LEFT JOIN labels d ON d.id = e.decision;
`;

/**
 * Secondary indexes on entries, one per question the views ask. Failures need none of their own
 * (walking the time index finds them fast enough), and file order is entry-id order, which the
 * writer assigns in file and line order. They are dropped during a large
 * bulk load and rebuilt afterwards: sorting once is much cheaper than a million random B-tree inserts.
 */
export const ENTRY_INDEXES: Record<string, string> = {
  // `success` rides along (it costs about a byte): "failures of X" and their counts are answered
  // from the index alone, without visiting every matching row.
  entries_patient_time: 'entries(patient, time_ms, success)',
  entries_user_time: 'entries(user, time_ms, success)',
  entries_tool_time: 'entries(tool, time_ms, success)',
  entries_time: 'entries(time_ms, success)',
  entries_conversation: 'entries(conversation, turn)',
};

/** Indexes that older saved files may still have; dropped with the others during bulk loads. */
const RETIRED_INDEXES = ['entries_success_time', 'entries_file_line'];

export function createSchema(db: Database): void {
  db.exec(TABLES);
  createEntryIndexes(db);
  db.run('INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)', ['schema_version', String(SCHEMA_VERSION)]);
}

export function createEntryIndexes(db: Database): void {
  for (const [name, on] of Object.entries(ENTRY_INDEXES)) db.exec(`CREATE INDEX IF NOT EXISTS ${name} ON ${on}`);
}

export function dropEntryIndexes(db: Database): void {
  for (const name of [...Object.keys(ENTRY_INDEXES), ...RETIRED_INDEXES]) db.exec(`DROP INDEX IF EXISTS ${name}`);
}

/** Throws a clear error when a loaded file is not a Custos index of this version. */
export function checkSchema(db: Database): void {
  let version: string | undefined;
  try {
    const rows = db.exec("SELECT value FROM meta WHERE key = 'schema_version'");
    version = rows[0]?.values[0]?.[0] as string | undefined;
  } catch {
    throw new Error('This file is not a Custos index (it has no meta table).');
  }
  if (version !== String(SCHEMA_VERSION)) {
    throw new Error(`This Custos index has schema version ${version ?? 'unknown'}; this Custos reads version ${SCHEMA_VERSION}.`);
  }
}
