/**
 * Bad input never stops verification: each problem is a finding naming the file and line, and the
 * valid entries around it are still read and linked.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBadInputs, type BadInputManifest } from '../../main/core/fixtures/index.js';
import { scanArchive, type ScanResult } from '../../main/core/verify/scan.js';
import { VerifyPool } from '../../main/worker/verify-pool.js';

const root = await mkdtemp(join(tmpdir(), 'custos-bad-'));
let manifest: BadInputManifest;
let result: ScanResult;
beforeAll(async () => {
  manifest = await writeBadInputs(root, 3);
  result = await scanArchive([root]);
}, 120_000);
afterAll(() => rm(root, { recursive: true, force: true }));

describe('bad input', () => {
  it('reads every file of the folder, whatever is wrong with the others', () => {
    expect(result.files.map((f) => basename(f.path)).sort()).toEqual(manifest.files.map((f) => f.file).sort());
  });

  it.each(['non-utf8.jsonl', 'nul-bytes.jsonl', 'huge-line.jsonl', 'truncated.jsonl.gz', 'duplicate-keys.jsonl', 'deeply-nested.jsonl', 'bom-crlf.jsonl'])(
    '%s: exactly the expected findings, and the valid entries verify',
    (name) => {
      const spec = manifest.files.find((f) => f.file === name);
      if (!spec) throw new Error(`no fixture ${name}`);
      const findings = result.findings.filter((f) => basename(f.file) === name);
      const critical = findings.filter((f) => f.severity !== 'info').map((f) => `${f.kind}:${f.line ?? '-'}`);
      const expected = spec.expected.map((f) => `${f.kind}:${f.line ?? '-'}`);
      if (name === 'truncated.jsonl.gz') {
        // A partial last line before the cut may add a parse-error; the unreadable finding is required.
        expect(critical).toContain('unreadable:-');
        expect(critical.filter((k) => !k.startsWith('unreadable') && !k.startsWith('parse-error'))).toEqual([]);
      } else {
        expect(critical.sort()).toEqual(expected.sort());
      }
      const file = result.files.find((f) => basename(f.path) === name);
      if (spec.validEntries >= 0) expect(file?.entries).toBe(spec.validEntries);
      else expect(file?.entries).toBeGreaterThan(10);
      for (const f of findings) expect(f.detail.length).toBeGreaterThan(20);
    },
  );

  it('the worker pool (ranges, blocks, files read ahead) reports every file and finding the one-thread read does', async () => {
    const pool = new VerifyPool(2);
    try {
      const pooled = await scanArchive([root], { parallel: pool, parallelMinBytes: 0 });
      expect(pooled.files).toEqual(result.files);
      const brief = (r: ScanResult) => r.findings.map((f) => `${f.kind}@${basename(f.file)}:${f.line ?? '-'}`);
      expect(brief(pooled)).toEqual(brief(result));
    } finally {
      await pool.close();
    }
  });

  it('says what is wrong in words', () => {
    const detail = (name: string): string => result.findings.find((f) => basename(f.file) === name && f.severity !== 'info')?.detail ?? '';
    expect(detail('non-utf8.jsonl')).toMatch(/not valid UTF-8/);
    expect(detail('nul-bytes.jsonl')).toMatch(/NUL bytes/);
    expect(detail('truncated.jsonl.gz')).toMatch(/gzip|truncated|ends early/i);
    expect(detail('duplicate-keys.jsonl')).toMatch(/"user_id" more than once/);
  });

  it('an empty file is reported but is not an integrity failure', () => {
    const empty = result.findings.filter((f) => basename(f.file) === 'empty.jsonl');
    expect(empty.map((f) => [f.kind, f.severity])).toEqual([['parse-error', 'warning']]);
    expect(empty[0]?.detail).toMatch(/empty/);
  });

  // root reads everything, so permissions cannot be tested as root.
  it.skipIf(process.getuid?.() === 0)('an unreadable file is a finding and the rest is still verified', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'custos-perm-'));
    const locked = join(dir, 'locked.jsonl');
    await writeFile(locked, '{}\n');
    await chmod(locked, 0o000);
    await writeFile(join(dir, 'open.jsonl'), '{"event": "run_start", "run_id": "r", "ts": "2026-01-01T00:00:00+00:00"}\n');
    const scanned = await scanArchive([dir]);
    expect(scanned.findings.some((f) => f.kind === 'unreadable' && basename(f.file) === 'locked.jsonl' && /permission/.test(f.detail))).toBe(true);
    expect(scanned.files.find((f) => basename(f.path) === 'open.jsonl')?.entries).toBe(1);
    await rm(dir, { recursive: true, force: true });
  });
});
