/**
 * Writing into the index: entries in batched transactions with prepared statements, files and
 * findings, and removing files again. Every batch is committed synchronously, so readers that run
 * between batches (the worker answers queries while an archive opens) always see whole batches.
 */
import type { Database, SqlValue, Statement } from 'sql.js';
import type { NormalizedEntry } from '../../../shared/entry.js';
import type { Finding } from '../../../shared/findings.js';
import type { GenericMapping } from '../../../shared/formats.js';
import type { FileReport, Verdict } from '../../../shared/verification.js';
import { bumpVersion } from './answer-cache.js';
import { LABELS_PER_ROW, NUMBER, NUMBERS_PER_ROW, RowBatchPacker, SHA256_BYTES, STRING, STRINGS_PER_ROW, type RowBatch } from './row-batch.js';
import { LABEL_COLUMNS } from './schema.js';

export { searchableText } from './row-batch.js';

/** Parameters of one `entries` row: 10 before the labels, the labels, 9 after. */
const ENTRY_COLUMN_COUNT = 10 + LABEL_COLUMNS.length + 9;

/** Interns strings in `labels`, caching ids so a million entries cost one lookup per distinct value. */
export class LabelCache {
  private readonly ids = new Map<string, number>();
  /** (label id × 16 + column index) pairs already in column_values, and those still to write. */
  private readonly recorded = new Set<number>();
  private readonly pending: number[] = [];
  private readonly insert: Statement;
  private readonly select: Statement;

  constructor(private readonly db: Database) {
    this.insert = db.prepare('INSERT OR IGNORE INTO labels(value) VALUES (?)');
    this.select = db.prepare('SELECT id FROM labels WHERE value = ?');
  }

  idOf(value: string): number {
    const cached = this.ids.get(value);
    if (cached !== undefined) return cached;
    this.insert.run([value]);
    const row = this.select.get([value]);
    this.select.reset();
    const id = row[0] as number;
    this.ids.set(value, id);
    return id;
  }

  /** Remembers that label `id` occurs in the label column `columnIndex` (for the filter pickers). */
  noteUse(columnIndex: number, id: number): void {
    const key = id * 16 + columnIndex;
    if (this.recorded.has(key)) return;
    this.recorded.add(key);
    this.pending.push(key);
  }

  recordColumnValues(): void {
    if (this.pending.length === 0) return;
    const statement = this.db.prepare('INSERT OR IGNORE INTO column_values(col, label_id) VALUES (?, ?)');
    try {
      for (const key of this.pending) statement.run([LABEL_COLUMNS[key % 16] ?? '', Math.floor(key / 16)]);
    } finally {
      statement.free();
    }
    this.pending.length = 0;
  }

  free(): void {
    this.insert.free();
    this.select.free();
  }
}

export interface IndexedFile {
  report: FileReport;
  scanId: number;
  mtimeMs: number;
  gzip: boolean;
}

/** Where a batch packed elsewhere goes: its file, and the line number its line 0 stands for. */
export interface BatchPlacement {
  fileId: number;
  lineBase: number;
}

/** A producer's label ids (RowBatchPacker) → index label ids, learnt from its batches in order. */
type LabelTranslation = number[];

const nullIfNaN = (value: number): number | null => (value !== value ? null : value);

/**
 * Streams entries into the index, either one by one (`add`, packed here) or as batches packed by
 * range workers (`addBatch`). Each batch is one transaction. Call `flush` (or `close`) to commit
 * what `add` buffered.
 */
export class EntryWriter {
  private readonly labels: LabelCache;
  private readonly insertEntry: Statement;
  private readonly insertText: Statement;
  private readonly packer: RowBatchPacker;
  /** Label translations per producer; `add`'s own packer is producer -1. */
  private readonly translations = new Map<number, LabelTranslation>();
  written = 0;
  /** Entry ids are assigned here (AUTOINCREMENT never reuses them) so the FTS docid needs no round trip. */
  private nextId: number;
  private readonly entryParams: SqlValue[] = new Array<SqlValue>(ENTRY_COLUMN_COUNT).fill(null);
  private readonly textParams: SqlValue[] = [0, '', ''];

  constructor(
    private readonly db: Database,
    batchSize = 5000,
  ) {
    this.labels = new LabelCache(db);
    this.packer = new RowBatchPacker(batchSize);
    this.insertEntry = db.prepare(
      `INSERT INTO entries(id, file_id, line, byte_offset, byte_length, line_sha256, format, time_ms, time_raw, time_extra, ${LABEL_COLUMNS.join(', ')},
        success, duration_ms, turn, call_id, call_record, time_assumed_utc, privacy, break_glass, break_glass_signals)
       VALUES (${new Array(ENTRY_COLUMN_COUNT).fill('?').join(', ')})`,
    );
    this.insertText = db.prepare('INSERT INTO entry_text(docid, args, result) VALUES (?, ?, ?)');
    const sequence = db.exec("SELECT seq FROM sqlite_sequence WHERE name = 'entries'")[0]?.values[0]?.[0];
    const maxId = db.exec('SELECT max(id) FROM entries')[0]?.values[0]?.[0];
    this.nextId = Math.max(Number(sequence ?? 0), Number(maxId ?? 0)) + 1;
  }

  /** Buffers one entry; commits a batch when the buffer is full. Returns true when it committed. */
  add(fileId: number, entry: NormalizedEntry): boolean {
    this.packer.add(fileId, entry);
    if (this.packer.full) {
      this.flush();
      return true;
    }
    return false;
  }

  flush(): void {
    if (this.packer.size === 0) return;
    this.addBatch(this.packer.take(), -1, null);
  }

  /**
   * Commits a batch packed by `producer` (a RowBatchPacker that sent every earlier batch of its
   * own here, in order). With a placement, rows go to that file with their lines shifted.
   */
  addBatch(batch: RowBatch, producer: number, placement: BatchPlacement | null): void {
    let translation = this.translations.get(producer);
    if (translation === undefined) {
      translation = [];
      this.translations.set(producer, translation);
    }
    if (batch.labelBase !== translation.length) {
      throw new Error(`Label batch out of order: producer ${producer} sent labels from ${batch.labelBase}, expected ${translation.length}.`);
    }
    this.db.exec('BEGIN');
    const firstId = this.nextId;
    try {
      for (const value of batch.newLabels) translation.push(this.labels.idOf(value));
      for (const use of batch.newColumnUses) this.labels.noteUse(use % 16, translation[Math.floor(use / 16)]!);
      let textOffset = 0;
      for (let row = 0; row < batch.count; row++) textOffset = this.writeRow(batch, row, translation, placement, textOffset);
      this.labels.recordColumnValues();
      this.db.exec('COMMIT');
    } catch (error) {
      this.nextId = firstId;
      this.db.exec('ROLLBACK');
      throw error;
    }
    this.written += batch.count;
    bumpVersion(this.db);
  }

  /** Entries waiting for the next batch. */
  get buffered(): number {
    return this.packer.size;
  }

  /** Drops what is buffered (the job failed or was cancelled) and releases the statements. */
  discard(): void {
    this.packer.take();
    this.close();
  }

  close(): void {
    try {
      this.flush();
    } finally {
      this.labels.free();
      this.insertEntry.free();
      this.insertText.free();
    }
  }

  /** Inserts one row; `textOffset` is where its text starts in `batch.text`. Returns where the next row's starts. */
  private writeRow(batch: RowBatch, row: number, translation: LabelTranslation, placement: BatchPlacement | null, textOffset: number): number {
    const id = this.nextId++;
    const numbers = batch.numbers;
    const n = row * NUMBERS_PER_ROW;
    const s = row * STRINGS_PER_ROW;
    // One parameter array reused for every row (sql.js copies the values when binding).
    const params = this.entryParams;
    params[0] = id;
    params[1] = placement === null ? numbers[n + NUMBER.fileId]! : placement.fileId;
    params[2] = (placement === null ? 0 : placement.lineBase) + numbers[n + NUMBER.line]!;
    params[3] = numbers[n + NUMBER.byteOffset]!;
    params[4] = numbers[n + NUMBER.byteLength]!;
    // A view, not a copy: sql.js copies a blob's bytes into SQLite's memory when binding.
    params[5] = batch.sha256.subarray(row * SHA256_BYTES, (row + 1) * SHA256_BYTES);
    params[6] = batch.strings[s + STRING.format] ?? null;
    params[7] = nullIfNaN(numbers[n + NUMBER.timeMs]!);
    params[8] = batch.strings[s + STRING.timeRaw] ?? null;
    params[9] = nullIfNaN(numbers[n + NUMBER.timeExtra]!);
    let at = 10;
    const l = row * LABELS_PER_ROW;
    for (let column = 0; column < LABELS_PER_ROW; column++) {
      const local = batch.labels[l + column]!;
      params[at++] = local < 0 ? null : translation[local]!;
    }
    params[at++] = nullIfNaN(numbers[n + NUMBER.success]!);
    params[at++] = nullIfNaN(numbers[n + NUMBER.durationMs]!);
    params[at++] = nullIfNaN(numbers[n + NUMBER.turn]!);
    params[at++] = batch.strings[s + STRING.callId] ?? null;
    params[at++] = numbers[n + NUMBER.callRecord]!;
    params[at++] = numbers[n + NUMBER.timeAssumedUtc]!;
    params[at++] = batch.strings[s + STRING.privacy] ?? null;
    params[at++] = numbers[n + NUMBER.breakGlass]!;
    params[at++] = batch.strings[s + STRING.breakGlassSignals] ?? null;
    this.insertEntry.run(params);
    const argsLength = batch.textLengths[row * 2]!;
    if (argsLength >= 0) {
      const resultLength = batch.textLengths[row * 2 + 1]!;
      const start = textOffset;
      const text = this.textParams;
      text[0] = id;
      // As UTF-8 bytes: FTS4 reads a blob's bytes as the database's UTF-8 text (the same tokens).
      text[1] = batch.text.subarray(start, start + argsLength);
      text[2] = batch.text.subarray(start + argsLength, start + argsLength + resultLength);
      this.insertText.run(text);
      return start + argsLength + resultLength;
    }
    return textOffset;
  }
}

/** Registers a file about to be indexed (or re-indexed: its old entries and findings go). Returns its id. */
export function beginFile(
  db: Database,
  path: string,
  details: { gzip: boolean; mtimeMs: number; size: number; mapping: GenericMapping | null },
): number {
  bumpVersion(db);
  const existing = db.exec('SELECT id FROM files WHERE path = ?', [path])[0]?.values[0]?.[0] as number | undefined;
  const mappingJson = details.mapping === null ? null : JSON.stringify(details.mapping);
  if (existing !== undefined) {
    removeFileRows(db, [existing], false);
    db.run(
      `UPDATE files SET size = ?, mtime_ms = ?, gzip = ?, mapping = ?, entries = 0, lines = 0, chain_status = 'unchained', sha256 = '',
        head_hash = NULL, indexed_at = ? WHERE id = ?`,
      [details.size, details.mtimeMs, details.gzip ? 1 : 0, mappingJson, new Date().toISOString(), existing],
    );
    return existing;
  }
  db.run(
    `INSERT INTO files(path, size, sha256, mtime_ms, gzip, mapping, entries, lines, chain_status, covered_fields, uncovered_fields, indexed_at)
     VALUES (?, ?, '', ?, ?, ?, 0, 0, 'unchained', '[]', '[]', ?)`,
    [path, details.size, details.mtimeMs, details.gzip ? 1 : 0, mappingJson, new Date().toISOString()],
  );
  return db.exec('SELECT last_insert_rowid()')[0]?.values[0]?.[0] as number;
}

/** Records the verifier's report for a file once it has been read to the end. */
export function finishFile(db: Database, fileId: number, report: FileReport, scanId: number): void {
  bumpVersion(db);
  db.run(
    `UPDATE files SET scan_id = ?, format = ?, size = ?, sha256 = ?, entries = ?, lines = ?, chain_status = ?, head_hash = ?,
      covered_fields = ?, uncovered_fields = ?, first_time = ?, last_time = ? WHERE id = ?`,
    [
      scanId,
      report.format,
      report.size,
      report.sha256,
      report.entries,
      report.lines,
      report.chain.status,
      report.chain.headHash,
      JSON.stringify(report.chain.coveredFields),
      JSON.stringify(report.chain.uncoveredFields),
      report.firstTime,
      report.lastTime,
      fileId,
    ],
  );
}

export function insertScan(db: Database, verdict: Verdict): number {
  db.run('INSERT INTO scans(verdict) VALUES (?)', [JSON.stringify(verdict)]);
  return db.exec('SELECT last_insert_rowid()')[0]?.values[0]?.[0] as number;
}

export function updateScanVerdict(db: Database, scanId: number, verdict: Verdict): void {
  db.run('UPDATE scans SET verdict = ? WHERE id = ?', [JSON.stringify(verdict), scanId]);
}

export function insertFindings(db: Database, findings: readonly Finding[], scanId: number | null): void {
  if (findings.length === 0) return;
  bumpVersion(db);
  const fileIds = new Map<string, number>();
  for (const row of db.exec('SELECT path, id FROM files')[0]?.values ?? []) fileIds.set(row[0] as string, row[1] as number);
  const statement = db.prepare(
    'INSERT INTO findings(file_id, scan_id, kind, severity, file, line, detail, expected, found) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  db.exec('BEGIN');
  try {
    for (const finding of findings) {
      statement.run([
        fileIds.get(finding.file) ?? null,
        scanId,
        finding.kind,
        finding.severity,
        finding.file,
        finding.line,
        finding.detail,
        finding.expected ?? null,
        finding.found ?? null,
      ]);
    }
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  } finally {
    statement.free();
  }
}

/** Removes files from the index with their entries and findings. */
export function removeFiles(db: Database, fileIds: readonly number[]): void {
  removeFileRows(db, fileIds, true);
}

function removeFileRows(db: Database, fileIds: readonly number[], dropFileRow: boolean): void {
  if (fileIds.length === 0) return;
  bumpVersion(db);
  const list = fileIds.map(() => '?').join(', ');
  const ids = [...fileIds];
  // entry_text is contentless (no DELETE); its orphaned docids never match an entry again
  // because entry ids are AUTOINCREMENT and never reused.
  db.run(`DELETE FROM entries WHERE file_id IN (${list})`, ids);
  db.run(`DELETE FROM findings WHERE file_id IN (${list})`, ids);
  if (dropFileRow) {
    db.run(`DELETE FROM files WHERE id IN (${list})`, ids);
    rebuildColumnValues(db);
    db.run('DELETE FROM scans WHERE id NOT IN (SELECT scan_id FROM files WHERE scan_id IS NOT NULL)');
    db.run('DELETE FROM findings WHERE file_id IS NULL AND scan_id NOT IN (SELECT id FROM scans)');
  }
}

/** Recomputes which labels each column uses, after entries were removed. */
export function rebuildColumnValues(db: Database): void {
  db.run('DELETE FROM column_values');
  for (const column of LABEL_COLUMNS) {
    db.run(`INSERT INTO column_values(col, label_id) SELECT DISTINCT ?, ${column} FROM entries WHERE ${column} IS NOT NULL`, [column]);
  }
}

/** Empties the index (the "replace" open mode). */
export function clearIndex(db: Database): void {
  bumpVersion(db);
  db.exec(`DELETE FROM entries; DELETE FROM findings; DELETE FROM files; DELETE FROM scans; DELETE FROM labels; DELETE FROM column_values;
    DROP TABLE entry_text; CREATE VIRTUAL TABLE entry_text USING fts4(args, result, content="", tokenize=unicode61);`);
}
