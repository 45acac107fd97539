import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReportEvidence } from '../../shared/report.js';
import { buildIntegrityCertificate } from '../../main/core/pdf/integrity-certificate.js';
import { writeReport } from '../../main/core/pdf/write-report.js';
import { verifyReportFile } from '../../main/core/pdf/verify-report.js';
import { applySeal } from '../../main/core/seal/apply-seal.js';
import { createSeal, writeSealFile } from '../../main/core/seal/create-seal.js';
import { scanArchive } from '../../main/core/verify/scan.js';
import { custos, identityFor, makeArchive, PASSWORD, ROOT, tempDir } from '../seal/helpers.js';
import { PDF_TOOLS_MISSING, run } from './pdf-tools.js';

const ORGANIZATION = 'Κλινική Αθηνών · Клиника Север';
const AUTHOR = 'José Müller';
const SIGNER = 'Σωκράτης Дмитриев';

describe.skipIf(PDF_TOOLS_MISSING.length > 0)(`integrity certificate PDF (needs ${PDF_TOOLS_MISSING.join(', ') || 'poppler-utils, qpdf'})`, () => {
  let archive: ReturnType<typeof makeArchive>;
  let pdfPath: string;
  let evidenceFiles: number;

  beforeAll(async () => {
    archive = makeArchive();
    const { identity } = identityFor(SIGNER);
    const sealPath = join(tempDir('cert-seal'), 'a.seal.json');
    writeSealFile(sealPath, createSeal(await scanArchive([archive.dir]), identity, [archive.dir]));
    const report = await applySeal(await scanArchive([archive.dir]), sealPath);
    evidenceFiles = report.files.length;
    const input = { report, seal: report.seal, scope: [archive.dir], organization: ORGANIZATION, generatedBy: AUTHOR, generatedAt: new Date() };
    pdfPath = join(tempDir('cert'), 'certificate.pdf');
    await writeReport(pdfPath, (layout) => buildIntegrityCertificate(input, layout).document, { identity, reason: 'Integrity certificate', location: 'Αθήνα', signedAt: new Date() });
  });

  it('pdfsig: the signature is valid, PAdES (ETSI.CAdES.detached), and covers the whole document', () => {
    const { stdout } = run('pdfsig', [pdfPath]);
    expect(stdout).toContain('Signature Validation: Signature is Valid.');
    expect(stdout).toContain('Total document signed');
    expect(stdout).toContain('Signature Type: ETSI.CAdES.detached');
    expect(stdout).toContain(`Signer Certificate Common Name: ${SIGNER}`);
    expect(stdout).toContain('Signing Hash Algorithm: SHA-256');
  });

  it('pdfsig reports a digest mismatch when one signed byte changes, and so does verify-report', async () => {
    const bytes = readFileSync(pdfPath);
    const range = /\/ByteRange \[(\d+) (\d+) (\d+) (\d+)\]/.exec(bytes.toString('latin1'));
    const secondStart = Number(range?.[3]);
    // A byte of the page content, well inside the second signed range.
    const at = secondStart + Math.floor((bytes.length - secondStart) / 2);
    bytes[at] = (bytes[at] ?? 0) ^ 0x01;
    const tampered = join(tempDir('tampered'), 'tampered.pdf');
    writeFileSync(tampered, bytes);
    const { stdout } = run('pdfsig', [tampered]);
    expect(stdout).toContain('Signature Validation: Digest Mismatch.');
    const ours = await verifyReportFile(tampered);
    expect(ours.signatureValid).toBe(false);
    expect(ours.problems.join(' ')).toMatch(/changed after signing/);
  });

  it('carries title, author and subject metadata', () => {
    const info = run('pdfinfo', [pdfPath]).stdout;
    expect(info).toMatch(/Title:\s+Audit log integrity certificate/);
    expect(info).toMatch(new RegExp(`Author:\\s+${AUTHOR}, ${ORGANIZATION}`));
    expect(info).toMatch(/Subject:\s+Integrity and completeness of 2 audit log file\(s\)/);
    expect(info).toMatch(/Creator:\s+Custos /);
  });

  it('qpdf --check finds no errors', () => {
    const { code, stdout } = run('qpdf', ['--check', pdfPath]);
    expect(stdout).toContain('No syntax or stream encoding errors found');
    expect(code).toBe(0);
  });

  it('pdftotext extracts the Greek, Cyrillic and accented names, the verdict, one row per file and page numbers', () => {
    const { stdout } = run('pdftotext', ['-layout', pdfPath, '-']);
    expect(stdout).toContain(ORGANIZATION.toUpperCase());
    expect(stdout).toContain(AUTHOR);
    expect(stdout).toContain(SIGNER);
    expect(stdout).toContain('Αθήνα');
    expect(stdout).toMatch(/Integrity: INTACT\s+·\s+Completeness: CONFIRMED/);
    expect(stdout).toContain('assistant-audit.jsonl');
    expect(stdout).toContain('audit-2026-07-13.jsonl');
    expect(stdout.match(/Unchanged/g)?.length).toBe(evidenceFiles);
    expect(stdout).toMatch(/Page 1 of \d/);
    expect(stdout).toContain('Self-signed');
  });

  it('carries the evidence as an attachment that parses and matches the files', async () => {
    const dir = tempDir('detach');
    const list = run('pdfdetach', ['-list', pdfPath]).stdout;
    expect(list).toContain('custos-evidence.json');
    run('pdfdetach', ['-saveall', '-o', dir, pdfPath]);
    const evidence = JSON.parse(readFileSync(join(dir, 'custos-evidence.json'), 'utf8')) as ReportEvidence;
    expect(evidence.kind).toBe('custos-report-evidence');
    expect(evidence.report.type).toBe('integrity-certificate');
    expect(evidence.report.organization).toBe(ORGANIZATION);
    expect(evidence.files).toHaveLength(evidenceFiles);
    const chained = evidence.files.find((file) => file.format === 'chained');
    expect(chained?.chain.headHash).toMatch(/^[0-9a-f]{64}$/);
    const actual = run('sha256sum', [archive.chained]).stdout.split(' ')[0];
    expect(chained?.sha256).toBe(actual);
    expect(evidence.seal?.signatureValid).toBe(true);

    const verification = await verifyReportFile(pdfPath);
    expect(verification.problems).toEqual([]);
    expect(verification.evidence).toEqual(evidence);
    expect(verification.files.map((file) => file.status)).toEqual(evidence.files.map(() => 'unchanged'));
    expect(verification.signer?.commonName).toBe(SIGNER);
    expect(verification.location).toBe('Αθήνα');
  });

  it('verify-report notices archive files changed since the report, and bytes added after signing', async () => {
    const copy = join(tempDir('appended'), 'appended.pdf');
    writeFileSync(copy, Buffer.concat([readFileSync(pdfPath), Buffer.from('\n% added later\n')]));
    const appended = await verifyReportFile(copy);
    expect(appended.coversWholeDocument).toBe(false);
    expect(appended.problems.join(' ')).toMatch(/changed after signing: 15 bytes were added/);

    writeFileSync(archive.selectools, readFileSync(archive.selectools, 'utf8').replace('run_start', 'run_begin'));
    const changed = await verifyReportFile(pdfPath);
    expect(changed.files.find((file) => file.path === archive.selectools)?.status).toBe('changed');
    expect(changed.problems.join(' ')).toMatch(/differs from the file the report was made from/);
  });

  it('renders page 1 to test-results/ for a human look', () => {
    const out = join(ROOT, 'test-results');
    mkdirSync(out, { recursive: true });
    run('pdftoppm', ['-r', '80', '-f', '1', '-l', '1', '-singlefile', '-png', pdfPath, join(out, 'integrity-certificate-page1')]);
    expect(existsSync(join(out, 'integrity-certificate-page1.png'))).toBe(true);
  });
});

describe('custos certify and verify-report (CLI)', () => {
  // Several CLI runs from source: generous time on a busy machine.
  it('writes a signed certificate, verifies it, and leaves nothing behind on a wrong password or unwritable path', { timeout: 240_000 }, () => {
    const archive = makeArchive();
    const dir = tempDir('certify-cli');
    const p12 = join(dir, 'office.p12');
    writeFileSync(p12, identityFor('Privacy Office').p12);
    const pdf = join(dir, 'certificate.pdf');

    const made = custos(['certify', archive.dir, '--pdf', pdf, '--p12', p12, '--org', 'Klinik Nord', '--location', 'Hamburg'], { CUSTOS_P12_PASSWORD: PASSWORD });
    expect(made.stderr).toBe('');
    expect(made.stdout).toMatch(/Wrote .*certificate\.pdf .*2 file\(s\), integrity unchained, completeness unconfirmed/);
    expect(made.stdout).toMatch(/Signed by CN=Privacy Office/);

    const checked = custos(['verify-report', pdf]);
    expect(checked.stdout).toMatch(/Signature {3}VALID \(ETSI\.CAdES\.detached\)/);
    expect(checked.stdout).toMatch(/the whole document is signed/);
    expect(checked.stdout).toMatch(/OK: signed, unchanged since signing/);
    expect(checked.code).toBe(0);

    const wrongPassword = custos(['certify', archive.dir, '--pdf', join(dir, 'other.pdf'), '--p12', p12], { CUSTOS_P12_PASSWORD: 'wrong-password' });
    expect(wrongPassword.code).toBe(2);
    expect(wrongPassword.stderr).toMatch(/Wrong password for the signing identity/);
    expect(wrongPassword.stderr).not.toContain('wrong-password');

    const unwritable = custos(['certify', archive.dir, '--pdf', join(dir, 'no-such-folder', 'x.pdf')]);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toMatch(/Cannot write .*x\.pdf: the folder does not exist/);

    const unsigned = join(dir, 'unsigned.pdf');
    custos(['certify', archive.dir, '--pdf', unsigned]);
    const unsignedCheck = custos(['verify-report', unsigned]);
    expect(unsignedCheck.code).toBe(1);
    expect(unsignedCheck.stdout).toMatch(/not signed/);

    expect(readdirSync(dir).sort()).toEqual(['certificate.pdf', 'office.p12', 'unsigned.pdf']);

    const evidenceBefore = readFileSync(archive.chained);
    const overEvidence = custos(['certify', archive.dir, '--pdf', archive.chained]);
    expect(overEvidence.code).toBe(2);
    expect(overEvidence.stderr).toMatch(/is an evidence file being reported on: Custos never overwrites evidence/);
    expect(readFileSync(archive.chained).equals(evidenceBefore)).toBe(true);
  });
});
