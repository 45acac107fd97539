/**
 * Creating, loading and exporting the sql.js database that holds the index.
 *
 * sql.js keeps a database in a file of Emscripten's in-memory file system, a typed array outside
 * WebAssembly memory that grows by 12.5% at a time, each time copying the whole file into a new
 * array: indexing a million entries (a 240 MB index) touched twice that and copied gigabytes. So the
 * index is a SQLite `:memory:` database instead — its pages live once, in SQLite's own cache in
 * WebAssembly memory — opened through sql.js's exported C API and put behind the sql.js Database
 * object. Export copies it into a file-backed database with SQLite's backup API. Should anything of
 * that be unavailable, the database stays file-backed: slower and bigger, never wrong.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import { checkSchema, createSchema } from './schema.js';

/** What sql.js exports of SQLite's C API (present in its build, not in its types). */
interface SqliteApi {
  stringToNewUTF8(text: string): number;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  _sqlite3_open(filename: number, handleOut: number): number;
  _sqlite3_close_v2(handle: number): number;
  _sqlite3_backup_init(to: number, toName: number, from: number, fromName: number): number;
  _sqlite3_backup_step(backup: number, pages: number): number;
  _sqlite3_backup_finish(backup: number): number;
  _RegisterExtensionFunctions?: (handle: number) => number;
}

/** The sqlite3* handle every sql.js Database keeps and passes to each call. */
interface HandleHolder {
  db: number;
}

const SQLITE_DONE = 101;

/** The little of the WebAssembly global used here (this project's TypeScript libs do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmInstance {
  exports: Record<string, unknown>;
}
interface WasmGlobal {
  instantiate(bytes: Uint8Array, imports: unknown): Promise<{ instance: WasmInstance; module: unknown }>;
  Memory: abstract new (...args: never[]) => WasmMemory;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmGlobal }).WebAssembly;

let sqlJs: Promise<SqlJsStatic> | undefined;
let loadedSqlJs: SqlJsStatic | null = null;
let wasmMemory: WasmMemory | null = null;
const inMemory = new WeakSet<Database>();

/** sql.js, instantiated here so that its WebAssembly memory (to read a handle out of) is known. */
function loadSqlJs(): Promise<SqlJsStatic> {
  sqlJs ??= new Promise<SqlJsStatic>((resolve, reject) => {
    const wasmPath = createRequire(import.meta.url).resolve('sql.js/dist/sql-wasm.wasm');
    const instantiateWasm = (imports: unknown, receive: (instance: WasmInstance, module: unknown) => void): Record<string, never> => {
      readFile(wasmPath)
        .then((bytes) => wasm.instantiate(bytes, imports))
        .then(({ instance, module }) => {
          wasmMemory = Object.values(instance.exports).find((value): value is WasmMemory => value instanceof wasm.Memory) ?? null;
          receive(instance, module);
        })
        .catch(reject);
      return {};
    };
    initSqlJs({ instantiateWasm } as unknown as Parameters<typeof initSqlJs>[0]).then(resolve, reject);
  })
    .catch(() => initSqlJs())
    .then((SQL) => (loadedSqlJs = SQL));
  return sqlJs;
}

function apiOf(SQL: SqlJsStatic): SqliteApi | null {
  const api = SQL as unknown as Partial<SqliteApi>;
  const needed = ['stringToNewUTF8', '_malloc', '_free', '_sqlite3_open', '_sqlite3_close_v2', '_sqlite3_backup_init', '_sqlite3_backup_step', '_sqlite3_backup_finish'] as const;
  return wasmMemory !== null && needed.every((name) => typeof api[name] === 'function') ? (api as SqliteApi) : null;
}

/** Opens a `:memory:` database through the C API; its handle, or null. */
function openMemoryHandle(api: SqliteApi): number | null {
  const name = api.stringToNewUTF8(':memory:');
  const out = api._malloc(4);
  try {
    const code = api._sqlite3_open(name, out);
    const handle = new Int32Array((wasmMemory as WasmMemory).buffer, out, 1)[0] ?? 0;
    if (code !== 0) {
      if (handle !== 0) api._sqlite3_close_v2(handle);
      return null;
    }
    // sql.js registers these on every database it opens (math and string functions).
    api._RegisterExtensionFunctions?.(handle);
    return handle;
  } finally {
    api._free(out);
    api._free(name);
  }
}

/** Copies every page of `from` into `to` (SQLite's online backup). */
function copyDatabase(api: SqliteApi, from: number, to: number): void {
  const main = api.stringToNewUTF8('main');
  try {
    const backup = api._sqlite3_backup_init(to, main, from, main);
    if (backup === 0) throw new Error('The index could not be copied: SQLite refused to start the copy.');
    const code = api._sqlite3_backup_step(backup, -1);
    api._sqlite3_backup_finish(backup);
    if (code !== SQLITE_DONE) throw new Error(`The index could not be copied (SQLite code ${code}).`);
  } finally {
    api._free(main);
  }
}

/** A Database object over a fresh `:memory:` database (or over sql.js's usual file when that fails). */
function memoryDatabase(SQL: SqlJsStatic): Database {
  const db = new SQL.Database();
  const api = apiOf(SQL);
  const handle = api === null ? null : openMemoryHandle(api);
  if (api === null || handle === null) return db;
  const holder = db as unknown as HandleHolder;
  const fileHandle = holder.db;
  holder.db = handle;
  const main = db.exec('PRAGMA database_list')[0]?.values.find((row) => row[1] === 'main');
  if (main?.[2] !== '') {
    // Not what was expected: keep sql.js's own database.
    holder.db = fileHandle;
    api._sqlite3_close_v2(handle);
    return db;
  }
  api._sqlite3_close_v2(fileHandle);
  inMemory.add(db);
  return db;
}

/**
 * The index is rebuilt from evidence, never the evidence itself: no durable journal is needed.
 * A larger page cache spares a file-backed database most copies between SQLite and its file.
 */
function tune(db: Database): void {
  db.exec('PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16384;');
}

/** A fresh, empty index. */
export async function createDatabase(): Promise<Database> {
  const SQL = await loadSqlJs();
  const db = memoryDatabase(SQL);
  tune(db);
  createSchema(db);
  return db;
}

/** Loads a saved index (the bytes of a SQLite file written by exportDatabase). */
export async function loadDatabase(bytes: Uint8Array): Promise<Database> {
  const SQL = await loadSqlJs();
  const file = new SQL.Database(bytes);
  let db = file;
  try {
    checkSchema(file);
    const api = apiOf(SQL);
    if (api !== null) {
      const memory = memoryDatabase(SQL);
      if (inMemory.has(memory)) {
        copyDatabase(api, (file as unknown as HandleHolder).db, (memory as unknown as HandleHolder).db);
        file.close();
        db = memory;
      } else {
        memory.close();
      }
    }
    tune(db);
  } catch (error) {
    db.close();
    if (db !== file) file.close();
    throw error;
  }
  return db;
}

/** The index as a standard SQLite file. */
export function exportDatabase(db: Database): Uint8Array {
  const api = loadedSqlJs === null ? null : apiOf(loadedSqlJs);
  if (!inMemory.has(db) || loadedSqlJs === null || api === null) return db.export();
  // sql.js's export reads (and reopens) its file: copy the pages into a file-backed database first.
  const file = new loadedSqlJs.Database();
  try {
    copyDatabase(api, (db as unknown as HandleHolder).db, (file as unknown as HandleHolder).db);
    return file.export();
  } finally {
    file.close();
  }
}
