import { cpSync, readFileSync, rmSync, unlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../shared/findings.js';
import { applySeal } from '../../main/core/seal/apply-seal.js';
import { createSeal, writeSealFile } from '../../main/core/seal/create-seal.js';
import { canonicalSealBody, type SealDocument } from '../../main/core/seal/seal-document.js';
import { signDetached } from '../../main/core/signing/cms.js';
import { scanArchive } from '../../main/core/verify/scan.js';
import { chainedLines, identityFor, makeArchive, readLinesOf, tempDir, writeLines } from './helpers.js';

async function sealArchive(paths: string[]) {
  const { identity } = identityFor('Anna Novák');
  const report = await scanArchive(paths);
  const seal = createSeal(report, identity, paths);
  const sealPath = join(tempDir('seal'), 'archive.seal.json');
  writeSealFile(sealPath, seal);
  return { sealPath, seal, identity };
}

async function verifyWithSeal(paths: string[], sealPath: string, trustedSigners?: string[]) {
  return applySeal(await scanArchive(paths), sealPath, trustedSigners ? { trustedSigners } : {});
}

const critical = (report: { findings: Finding[] }, kind: string) =>
  report.findings.filter((finding) => finding.kind === kind && finding.severity === 'critical');

describe('seals', () => {
  it('an untouched archive matches its seal: integrity intact and completeness confirmed, even for selectools', async () => {
    const archive = makeArchive();
    const { sealPath, seal } = await sealArchive([archive.dir]);
    expect(seal.body.files.map((file) => file.format).sort()).toEqual(['chained', 'selectools']);
    const chainedFile = seal.body.files.find((file) => file.format === 'chained');
    expect(chainedFile?.headHash).toMatch(/^[0-9a-f]{64}$/);
    expect(chainedFile?.lines).toBe(30);
    expect(seal.body.files.find((file) => file.format === 'selectools')?.headHash).toBeNull();

    const result = await verifyWithSeal([archive.dir], sealPath);
    expect(result.findings.filter((finding) => finding.severity === 'critical')).toEqual([]);
    expect(result.seal.signatureValid).toBe(true);
    expect(result.seal.signer?.commonName).toBe('Anna Novák');
    expect(result.seal.files.map((file) => file.status)).toEqual(['unchanged', 'unchanged']);
    expect(result.verdict.integrity).toBe('intact');
    expect(result.verdict.completeness).toBe('confirmed');
  });

  it('without the seal, the same selectools archive is only "unchained" and completeness unconfirmed', async () => {
    const archive = makeArchive();
    const report = await scanArchive([archive.selectools]);
    expect(report.verdict.integrity).toBe('unchained');
    expect(report.verdict.completeness).toBe('unconfirmed');
  });

  it('detects truncation that leaves the chain intact', async () => {
    const archive = makeArchive();
    const { sealPath } = await sealArchive([archive.dir]);
    writeLines(archive.chained, readLinesOf(archive.chained).slice(0, 27));
    const plain = await scanArchive([archive.dir]);
    expect(plain.findings.filter((finding) => finding.severity === 'critical')).toEqual([]);

    const result = await verifyWithSeal([archive.dir], sealPath);
    const [mismatch] = critical(result, 'seal-mismatch');
    expect(mismatch?.file).toBe(archive.chained);
    expect(mismatch?.detail).toMatch(/Truncated since sealing: 3 lines removed/);
    expect(result.seal.files.find((file) => file.path === archive.chained)?.status).toBe('truncated');
    expect(result.verdict.completeness).toBe('incomplete');
    expect(result.verdict.integrity).toBe('broken');
  });

  it('detects a re-chained file (edited and re-hashed, chain intact)', async () => {
    const archive = makeArchive();
    const { sealPath, seal } = await sealArchive([archive.dir]);
    writeLines(
      archive.chained,
      chainedLines(30, (index, entry) => {
        if (index === 20) entry.set('user_id', 'someone.else');
      }),
    );
    const result = await verifyWithSeal([archive.dir], sealPath);
    const [mismatch] = critical(result, 'seal-mismatch');
    expect(mismatch?.detail).toMatch(/Re-chained since sealing/);
    expect(mismatch?.expected).toContain(seal.body.files.find((file) => file.format === 'chained')?.headHash ?? 'none');
    expect(result.seal.files.find((file) => file.path === archive.chained)?.status).toBe('rechained');
    expect(result.verdict.integrity).toBe('broken');
  });

  it('detects a replaced unchained file with the same number of lines', async () => {
    const archive = makeArchive();
    const { sealPath } = await sealArchive([archive.dir]);
    const lines = readLinesOf(archive.selectools);
    lines[10] = (lines[10] ?? '').replace(/"ts": "([^"]+)"/, '"ts": "2026-07-13T03:00:00+00:00"');
    writeLines(archive.selectools, lines);
    const result = await verifyWithSeal([archive.dir], sealPath);
    const [mismatch] = critical(result, 'seal-mismatch');
    expect(mismatch?.file).toBe(archive.selectools);
    expect(mismatch?.detail).toMatch(/edited or replaced.*no chain, so the seal is the only evidence/);
    expect(result.seal.files.find((file) => file.path === archive.selectools)?.status).toBe('replaced');
  });

  it('detects a deleted file', async () => {
    const archive = makeArchive();
    const { sealPath } = await sealArchive([archive.dir]);
    unlinkSync(archive.selectools);
    const result = await verifyWithSeal([archive.dir], sealPath);
    const [mismatch] = critical(result, 'seal-mismatch');
    expect(mismatch?.file).toBe(archive.selectools);
    expect(mismatch?.detail).toMatch(/Sealed file is missing: it was removed/);
    expect(result.verdict.completeness).toBe('incomplete');
  });

  it('reports appended entries as information when the sealed prefix is unchanged, and as tampering when it is not', async () => {
    const archive = makeArchive();
    const { sealPath } = await sealArchive([archive.dir]);
    const more = chainedLines(33).slice(30);
    appendFileSync(archive.chained, more.map((line) => line + '\n').join(''));
    const appended = await verifyWithSeal([archive.dir], sealPath);
    expect(appended.findings.filter((finding) => finding.severity === 'critical')).toEqual([]);
    const info = appended.findings.find((finding) => finding.kind === 'seal-mismatch');
    expect(info?.severity).toBe('info');
    expect(info?.detail).toMatch(/3 lines appended since sealing/);
    expect(appended.verdict.completeness).toBe('confirmed');

    // Same length growth, but one sealed line changed too.
    const lines = readLinesOf(archive.chained);
    lines[2] = (lines[2] ?? '').replace('"turn_number": 2', '"turn_number": 7');
    writeLines(archive.chained, lines);
    const tampered = await verifyWithSeal([archive.dir], sealPath);
    expect(critical(tampered, 'seal-mismatch').length).toBe(1);
  });

  it('still matches an archive that was copied to another folder', async () => {
    const archive = makeArchive();
    const { sealPath } = await sealArchive([archive.dir]);
    const moved = join(tempDir('moved'), 'copy');
    cpSync(archive.dir, moved, { recursive: true });
    rmSync(archive.dir, { recursive: true });
    const result = await verifyWithSeal([moved], sealPath);
    expect(result.seal.files.map((file) => file.status)).toEqual(['unchanged', 'unchanged']);
    expect(result.verdict.completeness).toBe('confirmed');
  });

  it('an edited seal is invalid', async () => {
    const archive = makeArchive();
    const { sealPath } = await sealArchive([archive.dir]);
    const document = JSON.parse(readFileSync(sealPath, 'utf8')) as SealDocument;
    // Lower the sealed line count to hide a later truncation.
    const file = document.body.files[0];
    if (file) file.lines -= 1;
    writeFileSync(sealPath, JSON.stringify(document));
    const result = await verifyWithSeal([archive.dir], sealPath);
    const [invalid] = critical(result, 'seal-invalid');
    expect(invalid?.detail).toMatch(/edited after signing/);
    expect(result.seal.signatureValid).toBe(false);
    expect(result.verdict.completeness).not.toBe('confirmed');
  });

  it('a seal re-signed by another key is invalid, or untrusted when the signer is pinned', async () => {
    const archive = makeArchive();
    const { sealPath, seal, identity } = await sealArchive([archive.dir]);
    const mallory = identityFor('Mallory').identity;
    const forged: SealDocument = structuredClone(seal);
    const firstFile = forged.body.files[0];
    if (firstFile) firstFile.lines -= 3;
    forged.signature.cms = signDetached(canonicalSealBody(forged.body), mallory).toString('base64');

    // Signed by Mallory but still claiming Anna's certificate.
    const claimsAnna = join(tempDir('forged'), 'claims-anna.seal.json');
    writeSealFile(claimsAnna, forged);
    const [claim] = critical(await verifyWithSeal([archive.dir], claimsAnna), 'seal-invalid');
    expect(claim?.detail).toMatch(/another certificate than the one that signed it/);

    // Fully re-signed as Mallory: valid signature, but not the pinned signer.
    forged.body.signerFingerprintSha256 = mallory.summary.fingerprintSha256;
    forged.body.createdAt = new Date().toISOString();
    forged.signature.certificatePem = mallory.summary.certificatePem;
    forged.signature.cms = signDetached(canonicalSealBody(forged.body), mallory).toString('base64');
    const asMallory = join(tempDir('forged'), 'mallory.seal.json');
    writeSealFile(asMallory, forged);
    const pinned = await verifyWithSeal([archive.dir], asMallory, [identity.summary.fingerprintSha256]);
    expect(critical(pinned, 'seal-invalid')[0]?.detail).toMatch(/Mallory.*not among the trusted signers/);
    const unpinned = await verifyWithSeal([archive.dir], asMallory);
    expect(unpinned.seal.signer?.commonName).toBe('Mallory');

    // The genuine seal passes the same pin.
    const genuine = await verifyWithSeal([archive.dir], sealPath, [identity.summary.fingerprintSha256.replace(/:/g, '').toUpperCase()]);
    expect(genuine.seal.signatureValid).toBe(true);
  });

  it('a file that is not a seal is reported, not thrown', async () => {
    const archive = makeArchive();
    const bogus = join(tempDir('bogus'), 'x.seal.json');
    writeFileSync(bogus, '{"hello": 1}');
    const result = await verifyWithSeal([archive.dir], bogus);
    expect(critical(result, 'seal-invalid')[0]?.detail).toMatch(/not a Custos seal/);
  });

  it('never overwrites an existing seal', async () => {
    const archive = makeArchive();
    const { sealPath, seal } = await sealArchive([archive.dir]);
    const before = readFileSync(sealPath);
    expect(() => writeSealFile(sealPath, seal)).toThrow(/already exists/);
    expect(readFileSync(sealPath).equals(before)).toBe(true);
  });
});
