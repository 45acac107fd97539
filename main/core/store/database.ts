/** Creating, loading and exporting the sql.js database that holds the index. */
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import { checkSchema, createSchema } from './schema.js';

let sqlJs: Promise<SqlJsStatic> | undefined;

function loadSqlJs(): Promise<SqlJsStatic> {
  sqlJs ??= initSqlJs();
  return sqlJs;
}

/**
 * The index is rebuilt from evidence, never the evidence itself: no durable journal is needed.
 * A larger page cache spares sql.js most copies between SQLite and its in-memory file.
 */
function tune(db: Database): void {
  db.exec('PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16384;');
}

/** A fresh, empty index. */
export async function createDatabase(): Promise<Database> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  tune(db);
  createSchema(db);
  return db;
}

/** Loads a saved index (the bytes of a SQLite file written by exportDatabase). */
export async function loadDatabase(bytes: Uint8Array): Promise<Database> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database(bytes);
  try {
    checkSchema(db);
    tune(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** The index as a standard SQLite file. */
export function exportDatabase(db: Database): Uint8Array {
  return db.export();
}
