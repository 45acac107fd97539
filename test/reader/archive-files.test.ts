import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectArchiveFiles, compareNatural } from '../../main/core/reader/archive-files.js';

const root = await mkdtemp(join(tmpdir(), 'custos-files-'));
afterAll(() => rm(root, { recursive: true, force: true }));

describe('collectArchiveFiles', () => {
  it('walks folders recursively, orders daily files by date and skips non-log files', async () => {
    const dir = join(root, 'walk');
    await mkdir(join(dir, 'older'), { recursive: true });
    for (const name of ['audit-2026-07-10.jsonl', 'audit-2026-07-09.jsonl.gz', 'audit.jsonl', 'README.md', 'archive.seal.json', 'older/audit-2026-06-01.jsonl']) {
      await writeFile(join(dir, name), '');
    }
    const result = await collectArchiveFiles([dir]);
    expect(result.files.map((f) => relative(dir, f.path))).toEqual(['audit-2026-07-09.jsonl.gz', 'audit-2026-07-10.jsonl', 'audit.jsonl', 'older/audit-2026-06-01.jsonl']);
    expect(result.files[0]?.compressed).toBe(true);
    expect(result.skipped.map((s) => relative(dir, s.path)).sort()).toEqual(['README.md', 'archive.seal.json']);
    expect(result.findings).toEqual([]);
  });

  it('reports symlink loops and missing paths as findings and reads everything else', async () => {
    const dir = join(root, 'loop');
    await mkdir(join(dir, 'sub'), { recursive: true });
    await writeFile(join(dir, 'sub', 'a.jsonl'), '');
    await symlink(dir, join(dir, 'sub', 'back'));
    await symlink(join(dir, 'self.jsonl'), join(dir, 'self.jsonl'));
    const missing = join(root, 'does-not-exist.jsonl');
    const result = await collectArchiveFiles([dir, missing]);
    expect(result.files.map((f) => relative(dir, f.path))).toEqual(['sub/a.jsonl']);
    const details = result.findings.map((f) => `${f.kind} ${relative(root, f.file)}: ${f.detail}`);
    expect(details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^unreadable loop\/self\.jsonl: .*symbolic link loop/),
        expect.stringMatching(/^unreadable loop\/sub\/back: Symbolic link loop/),
        expect.stringMatching(/^unreadable does-not-exist\.jsonl: .*no such file/),
      ]),
    );
    expect(result.unopened).toEqual([missing]);
  });

  it('reads a file named twice only once', async () => {
    const file = join(root, 'twice.jsonl');
    await writeFile(file, '{}\n');
    const result = await collectArchiveFiles([file, file]);
    expect(result.files).toHaveLength(1);
  });

  it('compares digit runs by value', () => {
    expect(['day-10.jsonl', 'day-9.jsonl', 'day-1.jsonl'].sort(compareNatural)).toEqual(['day-1.jsonl', 'day-9.jsonl', 'day-10.jsonl']);
  });
});
