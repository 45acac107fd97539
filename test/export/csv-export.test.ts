import { mkdtempSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeArchive } from '../../main/core/fixtures/index.js';
import { openAndWait } from '../support/open-archives.js';
import { toCsv } from '../../main/core/output/csv.js';
import { createBackend, type Backend } from '../../main/service/backend.js';

describe('CSV of a report view', () => {
  it('quotes commas, quotes and line breaks, neutralises formulas, keeps numbers and Unicode', () => {
    const text = toCsv(['User', 'Note', 'Count'], [
      ['José Müller', 'said "hi", left', 3],
      ['=HYPERLINK("x")', 'two\nlines', -5],
      [null, '@SUM(A1)', true],
    ]);
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text.slice(1).split('\r\n')).toEqual([
      'User,Note,Count',
      'José Müller,"said ""hi"", left",3',
      `"'=HYPERLINK(""x"")","two\nlines",-5`,
      ",'@SUM(A1),true",
      '',
    ]);
  });
});

describe('reports.csv channel', () => {
  let backend: Backend;
  let archive: string;
  let out: string;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'custos-data-'));
    archive = mkdtempSync(join(tmpdir(), 'custos-csv-archive-'));
    out = mkdtempSync(join(tmpdir(), 'custos-csv-out-'));
    await writeArchive(archive, { format: 'chained', seed: 5, entries: 50, rotation: 'single' });
    backend = await createBackend({ dataDir, demoDir: archive });
    await openAndWait(backend, { paths: [archive] });
  });

  afterAll(async () => {
    await backend.close();
  });

  it('writes the rows and answers with the path and count', async () => {
    const path = join(out, 'rows.csv');
    const result = await backend.invoke('reports.csv', { path, columns: ['File', 'Line'], rows: [['a.jsonl', 1], ['b.jsonl', 2]] });
    expect(result.ok && result.value).toMatchObject({ path, rows: 2 });
    expect(readFileSync(path, 'utf8')).toBe('\uFEFFFile,Line\r\na.jsonl,1\r\nb.jsonl,2\r\n');
  });

  it('refuses zero rows, an unwritable folder and an open evidence file, leaving nothing behind', async () => {
    const empty = await backend.invoke('reports.csv', { path: join(out, 'empty.csv'), columns: ['A'], rows: [] });
    expect(!empty.ok && empty.error.message).toMatch(/no rows/);
    expect(existsSync(join(out, 'empty.csv'))).toBe(false);

    const missing = await backend.invoke('reports.csv', { path: join(out, 'no-such-folder', 'x.csv'), columns: ['A'], rows: [['x']] });
    expect(!missing.ok && missing.error.message).toMatch(/Cannot write .*folder does not exist/);
    expect(!missing.ok && missing.error.hint).toMatch(/folder you can write to/);

    const evidence = readdirSync(archive).find((name) => name.endsWith('.jsonl'))!;
    const before = readFileSync(join(archive, evidence));
    const refused = await backend.invoke('reports.csv', { path: join(archive, evidence), columns: ['A'], rows: [['x']] });
    expect(!refused.ok && refused.error.code).toBe('forbidden');
    expect(readFileSync(join(archive, evidence)).equals(before)).toBe(true);
    expect(readdirSync(out).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('assembles a table sent in parts and writes it once, on the final part', async () => {
    const path = join(out, 'parts.csv');
    const first = await backend.invoke('reports.csv', { path, columns: ['N'], rows: [[1], [2]], upload: { id: 'u-1', final: false } });
    expect(first.ok && first.value.rows).toBe(2);
    expect(existsSync(path)).toBe(false);
    const mixed = await backend.invoke('reports.csv', { path: join(out, 'other.csv'), columns: ['N'], rows: [[9]], upload: { id: 'u-2', final: false } });
    expect(mixed.ok).toBe(true);
    const last = await backend.invoke('reports.csv', { path, columns: ['N'], rows: [[3]], upload: { id: 'u-1', final: true } });
    expect(last.ok && last.value.rows).toBe(3);
    expect(readFileSync(path, 'utf8')).toBe('\uFEFFN\r\n1\r\n2\r\n3\r\n');

    const wrong = await backend.invoke('reports.csv', { path: join(out, 'elsewhere.csv'), columns: ['N'], rows: [[10]], upload: { id: 'u-2', final: true } });
    expect(!wrong.ok && wrong.error.message).toMatch(/do not belong together/);
    expect(existsSync(join(out, 'elsewhere.csv'))).toBe(false);
    expect(existsSync(join(out, 'other.csv'))).toBe(false);
  });
});
