/**
 * `custos verify` as a user runs it: the built CLI (npm test builds first), its exit codes, human
 * and JSON output, anchors, and the guarantee that verification never touches the evidence.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerifyReport } from '../../shared/verification.js';
import { writeArchive } from '../../main/core/fixtures/index.js';
import type { Manifest } from '../../main/core/fixtures/manifest.js';

const REPO = resolve(import.meta.dirname, '../..');
const CLI = join(REPO, 'bin', 'custos.js');
const built = existsSync(join(REPO, 'dist', 'main', 'cli', 'custos.js'));

function custos(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const root = await mkdtemp(join(tmpdir(), 'custos-cli-verify-'));
let clean: { dir: string; manifest: Manifest };
let swapped: { dir: string; manifest: Manifest };
beforeAll(async () => {
  clean = { dir: join(root, 'clean'), manifest: await writeArchive(join(root, 'clean'), { format: 'chained', seed: 3, entries: 300, days: 2 }) };
  swapped = { dir: join(root, 'swapped'), manifest: await writeArchive(join(root, 'swapped'), { format: 'hipaa', seed: 3, entries: 300, days: 2, tamper: 'swap-lines' }) };
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe.skipIf(!built)('custos verify (built CLI; run `npm run build:main` first)', () => {
  it('exits 0 on an intact archive and prints the JSON report shape', () => {
    const run = custos('verify', clean.dir, '--json');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as VerifyReport;
    expect(report.files).toHaveLength(clean.manifest.files.length);
    expect(report.files[0]).toMatchObject({ format: 'chained', chain: { status: 'intact', coveredFields: ['*'], uncoveredFields: [] } });
    expect(report.files.at(-1)?.chain.headHash).toBe(clean.manifest.headHash);
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(report.verdict).toMatchObject({ integrity: 'intact', completeness: 'unconfirmed' });
  });

  it('exits 1 on tampering and names file, line, expected and found hashes', () => {
    const run = custos('verify', swapped.dir);
    expect(run.status).toBe(1);
    const expected = swapped.manifest.tamper?.expected ?? [];
    expect(expected.length).toBe(3);
    for (const f of expected) expect(run.stdout).toContain(`link-break  ${join(swapped.dir, f.file).replace(`${REPO}/`, '')}:${f.line}`);
    expect(run.stdout).toMatch(/expected [0-9a-f]{64}\n\s+found\s+[0-9a-f]{64}/);
    expect(run.stdout).toContain('Integrity:    BROKEN');
    expect(run.stdout).toContain('Completeness: UNCONFIRMED');
    expect(run.stdout).toMatch(/NOT covered .*purpose/);
  });

  it('anchors: a matching anchor confirms completeness, a deleted tail is caught', async () => {
    const ok = custos('verify', clean.dir, '--expect-head', clean.manifest.headHash ?? '', '--expect-lines', String(clean.manifest.totalLines), '--json');
    expect(ok.status).toBe(0);
    expect((JSON.parse(ok.stdout) as VerifyReport).verdict.completeness).toBe('confirmed');
    const dir = join(root, 'tail');
    const manifest = await writeArchive(dir, { format: 'chained', seed: 3, entries: 300, days: 2, tamper: 'delete-tail' });
    const plain = custos('verify', dir, '--json');
    expect(plain.status).toBe(0); // the chain alone cannot see it…
    const anchored = custos('verify', dir, '--expect-head', manifest.tamper?.anchor.headHash ?? '', '--expect-lines', String(manifest.tamper?.anchor.lines), '--json');
    expect(anchored.status).toBe(1); // …the anchor can
    const report = JSON.parse(anchored.stdout) as VerifyReport;
    expect(report.findings.map((f) => f.kind)).toEqual(['anchor-mismatch', 'anchor-mismatch']);
    expect(report.verdict.completeness).toBe('incomplete');
  });

  it('reads .jsonl.gz and reports a truncated gzip without stopping', async () => {
    const dir = join(root, 'gz');
    const source = join(clean.dir, clean.manifest.files[0]?.file ?? '');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(dir);
    const gz = gzipSync(readFileSync(source));
    await writeFile(join(dir, 'a.jsonl.gz'), gz);
    await writeFile(join(dir, 'b.jsonl.gz'), gz.subarray(0, gz.length - 40));
    const run = custos('verify', dir, '--json');
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as VerifyReport;
    expect(report.files.map((f) => f.entries)).toEqual([clean.manifest.files[0]?.lines, expect.any(Number)]);
    expect(report.findings.filter((f) => f.severity !== 'info').map((f) => [f.kind, f.file.endsWith('b.jsonl.gz')])).toContainEqual(['unreadable', true]);
    expect(report.findings.some((f) => f.file.endsWith('a.jsonl.gz') && f.severity !== 'info')).toBe(false);
  });

  it('exits 2 on usage and I/O errors', () => {
    expect(custos('verify', clean.dir, '--format', 'nope').status).toBe(2);
    expect(custos('verify', clean.dir, '--format', 'generic').status).toBe(2);
    expect(custos('verify', clean.dir, '--expect-lines', 'many').status).toBe(2);
    expect(custos('verify', clean.dir, '--expect-head', 'abc').status).toBe(2);
    const missing = custos('verify', join(root, 'no-such-dir'));
    expect(missing.status).toBe(2);
    expect(missing.stdout).toMatch(/no such file or folder/);
    expect(custos('verify').status).toBe(2);
  });

  it('--format forces a format: a chained archive read as hipaa fails loudly', () => {
    const run = custos('verify', clean.dir, '--format', 'hipaa', '--json');
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as VerifyReport;
    expect(report.files[0]?.format).toBe('hipaa');
    expect(report.findings[0]?.kind).toBe('hash-mismatch');
  });

  it('never modifies the archive: bytes and modification times are unchanged', () => {
    const snapshot = (dir: string): Array<[string, string, number]> =>
      readdirSync(dir).map((name) => {
        const path = join(dir, name);
        return [name, createHash('sha256').update(readFileSync(path)).digest('hex'), statSync(path).mtimeMs];
      });
    for (const dir of [clean.dir, swapped.dir]) {
      const before = snapshot(dir);
      custos('verify', dir);
      custos('verify', dir, '--json', '--expect-lines', '1');
      expect(snapshot(dir)).toEqual(before);
    }
  });
});
