/**
 * The index lives in SQLite's own memory (not in sql.js's growing file copy), and still saves as a
 * standard SQLite file and loads back — into memory again.
 */
import { describe, expect, it } from 'vitest';
import type { Database } from 'sql.js';
import { createDatabase, exportDatabase, loadDatabase } from '../../main/core/store/index.js';

const mainFile = (db: Database): unknown => db.exec('PRAGMA database_list')[0]?.values.find((row) => row[1] === 'main')?.[2];

describe('index database', () => {
  it('is an in-memory SQLite database that exports to a SQLite file and loads back in memory', async () => {
    const db = await createDatabase();
    expect(mainFile(db)).toBe('');
    db.run("INSERT INTO labels(value) VALUES ('usr_1'), ('P-000042')");
    db.run("INSERT INTO meta(key, value) VALUES ('note', 'round trip')");
    const bytes = exportDatabase(db);
    expect(Buffer.from(bytes.subarray(0, 16)).toString('latin1')).toBe('SQLite format 3\0');
    // Exporting leaves the open index as it was.
    expect(db.exec('SELECT count(*) FROM labels')[0]?.values[0]?.[0]).toBe(2);

    const loaded = await loadDatabase(bytes);
    expect(mainFile(loaded)).toBe('');
    expect(loaded.exec('SELECT value FROM labels ORDER BY value')[0]?.values).toEqual([['P-000042'], ['usr_1']]);
    expect(loaded.exec("SELECT value FROM meta WHERE key = 'note'")[0]?.values).toEqual([['round trip']]);
    // sql.js's extension functions are there as on any database it opens.
    expect(loaded.exec('SELECT sqrt(16.0)')[0]?.values[0]?.[0]).toBe(4);
    loaded.close();
    db.close();
  });

  it('rejects bytes that are not a Custos index', async () => {
    await expect(loadDatabase(new Uint8Array(Buffer.from('not a database at all, just text.....')))).rejects.toThrow();
  });
});
