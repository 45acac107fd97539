/**
 * The tamper matrix: every tamper variant of the fixture generator, in the chained and hipaa
 * formats, is reported with exactly the integrity findings the generator says a correct verifier
 * must report (kind, file, line) and no others; untampered and re-serialized archives give none.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TAMPER_KINDS, writeArchive } from '../../main/core/fixtures/index.js';
import type { ArchiveFormat, Manifest, TamperKind } from '../../main/core/fixtures/manifest.js';
import { scanArchive, type ScanResult } from '../../main/core/verify/scan.js';

const root = await mkdtemp(join(tmpdir(), 'custos-tamper-'));
afterAll(() => rm(root, { recursive: true, force: true }));

let counter = 0;
async function archive(format: ArchiveFormat, tamper?: TamperKind): Promise<{ dir: string; manifest: Manifest }> {
  const dir = join(root, `${format}-${tamper ?? 'clean'}-${counter++}`);
  const manifest = await writeArchive(dir, { format, seed: 11, entries: 240, days: 3, ...(tamper ? { tamper } : {}) });
  return { dir, manifest };
}

const key = (f: { kind: string; file: string; line: number | null }): string => `${f.kind} ${basename(f.file)}:${f.line ?? '-'}`;
function integrityFindings(result: ScanResult): string[] {
  return result.findings.filter((f) => f.severity !== 'info').map(key).sort();
}

describe.each<ArchiveFormat>(['chained', 'hipaa'])('%s archives', (format) => {
  it('verify clean, with the chain intact across daily files', async () => {
    const { dir, manifest } = await archive(format);
    const result = await scanArchive([dir]);
    expect(integrityFindings(result)).toEqual([]);
    expect(result.files.map((f) => basename(f.path))).toEqual(manifest.files.map((f) => f.file));
    expect(result.files.every((f) => f.format === format && f.chain.status === 'intact')).toBe(true);
    expect(result.files.reduce((n, f) => n + f.entries, 0)).toBe(manifest.totalLines);
    expect(result.files.at(-1)?.chain.headHash).toBe(manifest.headHash);
    expect(result.verdict.integrity).toBe('intact');
    expect(result.verdict.completeness).toBe('unconfirmed');
  });

  const kinds = TAMPER_KINDS.filter((k) => k !== 'modify-uncovered-field' || format === 'hipaa');
  it.each(kinds)('tamper %s is reported exactly where it happened', async (kind) => {
    const { dir, manifest } = await archive(format, kind);
    const record = manifest.tamper;
    if (!record) throw new Error('the generator did not record the tamper');
    const result = await scanArchive([dir]);
    expect(integrityFindings(result)).toEqual(record.expected.map(key).sort());
    // Informational findings, if any, are only the ones the tamper explains.
    const allowedInfo = new Set(record.informational.map(key));
    for (const f of result.findings.filter((x) => x.kind === 'timestamp-regression')) expect(allowedInfo).toContain(key(f));
    for (const f of result.findings.filter((x) => x.kind === 'hash-mismatch' || x.kind === 'link-break' || x.kind === 'continuity-break')) {
      expect(f.expected).toBeTruthy();
      expect(f.detail.length).toBeGreaterThan(20);
    }
    const silent = kind === 'delete-tail' || kind === 'rechain-after-change' || kind === 'reserialize' || kind === 'modify-uncovered-field';
    expect(result.verdict.integrity).toBe(silent ? 'intact' : 'broken');
    // A daily file that does not continue the chain proves entries are gone; otherwise only an anchor can tell.
    expect(result.verdict.completeness).toBe(kind === 'delete-file' ? 'incomplete' : 'unconfirmed');
  });

  it.each<TamperKind>(['delete-tail', 'rechain-after-change'])('an anchor reveals %s, which the chain cannot', async (kind) => {
    const { dir, manifest } = await archive(format, kind);
    const anchor = manifest.tamper?.anchor;
    if (!anchor?.headHash) throw new Error('no anchor recorded');
    const result = await scanArchive([dir], { expectHead: anchor.headHash, expectLines: anchor.lines });
    const mismatches = result.findings.filter((f) => f.kind === 'anchor-mismatch');
    const head = mismatches.find((f) => f.expected === anchor.headHash);
    expect(head?.found).toBe(manifest.tamper?.after.headHash);
    expect(mismatches.some((f) => f.expected === String(anchor.lines))).toBe(kind === 'delete-tail');
    expect(result.verdict.completeness).toBe('incomplete');
    expect(result.verdict.integrity).toBe('broken');
  });

  it('a matching anchor confirms completeness', async () => {
    const { dir, manifest } = await archive(format);
    const result = await scanArchive([dir], { expectHead: manifest.headHash ?? '', expectLines: manifest.totalLines });
    expect(integrityFindings(result)).toEqual([]);
    expect(result.verdict.completeness).toBe('confirmed');
    expect(result.verdict.integrity).toBe('intact');
  });
});

describe('hipaa coverage', () => {
  it('names the fields the hipaa hash does not protect', async () => {
    const { dir } = await archive('hipaa', 'modify-uncovered-field');
    const result = await scanArchive([dir]);
    const file = result.files[0];
    expect(file?.chain.coveredFields).toEqual(['timestamp', 'user_id', 'tool_name', 'patient_id', 'previous_hash']);
    expect(file?.chain.uncoveredFields).toEqual(expect.arrayContaining(['purpose', 'user_role', 'arguments_sanitized', 'result_summary', 'success']));
    expect(file?.chain.uncoveredFields).not.toContain('entry_hash');
    expect(result.verdict.reasons.join(' ')).toMatch(/purpose.*can be altered without the chain showing it/);
  });
});
