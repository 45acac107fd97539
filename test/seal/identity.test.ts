import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { signDetached, verifyDetached } from '../../main/core/signing/cms.js';
import { loadIdentity, loadIdentityFile, SigningIdentityError } from '../../main/core/signing/identity.js';
import { createSelfSignedIdentity } from '../../main/core/signing/self-signed.js';
import { custos, identityFor, makeArchive, PASSWORD, ROOT, tempDir } from './helpers.js';

function errorOf(action: () => unknown): SigningIdentityError {
  try {
    action();
  } catch (error) {
    if (error instanceof SigningIdentityError) return error;
    throw error;
  }
  throw new Error('expected a SigningIdentityError');
}

/** A PKCS#12 built directly with forge, for certificates Custos itself would never create. */
function forgeP12(options: { notBefore: Date; notAfter: Date; keyUsage?: Record<string, boolean> }): Buffer {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 1024, e: 0x10001 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '0a1b2c';
  cert.validity.notBefore = options.notBefore;
  cert.validity.notAfter = options.notAfter;
  const name = [{ name: 'commonName', value: 'Old Signer' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  if (options.keyUsage) cert.setExtensions([{ name: 'keyUsage', ...options.keyUsage }]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const asn1 = forge.pkcs12.toPkcs12Asn1(keys.privateKey, [cert], PASSWORD, { algorithm: '3des' });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

describe('signing identities', () => {
  it('creates a self-signed identity that names itself as such and can sign', () => {
    const { identity } = identityFor('José Müller');
    expect(identity.summary.commonName).toBe('José Müller');
    expect(identity.summary.organization).toBe('Klinik Nord');
    expect(identity.summary.selfSigned).toBe(true);
    expect(identity.summary.subject).toContain('Custos self-signed signing identity');
    const years = (Date.parse(identity.summary.validTo) - Date.parse(identity.summary.validFrom)) / (365.25 * 86_400_000);
    expect(Math.round(years)).toBe(3);
    const content = Buffer.from('Σωκράτης');
    expect(verifyDetached(signDetached(content, identity), content)).toMatchObject({ valid: true, certificateBound: true });
  });

  it('rejects a wrong password with a clear message that does not contain it', () => {
    const { p12 } = identityFor('José Müller');
    const error = errorOf(() => loadIdentity(p12, 'hunter2-wrong', 'signer.p12'));
    expect(error.code).toBe('wrong-password');
    expect(error.message).toBe('Wrong password for the signing identity signer.p12.');
    expect(error.message).not.toContain('hunter2');
  });

  it('rejects an expired and a not-yet-valid certificate', () => {
    const expired = createSelfSignedIdentity({ name: 'Old', organization: 'Klinik', keyBits: 2048, validityYears: 1, notBefore: new Date('2020-01-01T00:00:00Z') }, PASSWORD);
    const error = errorOf(() => loadIdentity(expired, PASSWORD, 'old.p12'));
    expect(error.code).toBe('expired');
    expect(error.message).toMatch(/"Old" in old\.p12 expired on 2021-01-01/);

    const future = forgeP12({ notBefore: new Date(Date.now() + 86_400_000 * 30), notAfter: new Date(Date.now() + 86_400_000 * 400) });
    expect(errorOf(() => loadIdentity(future, PASSWORD, 'future.p12')).code).toBe('not-yet-valid');
  });

  it('rejects a certificate whose key usage does not allow signing', () => {
    const now = Date.now();
    const encryptOnly = forgeP12({ notBefore: new Date(now - 86_400_000), notAfter: new Date(now + 86_400_000 * 30), keyUsage: { keyEncipherment: true, digitalSignature: false } });
    const error = errorOf(() => loadIdentity(encryptOnly, PASSWORD, 'tls.p12'));
    expect(error.code).toBe('not-for-signing');
    expect(error.message).toMatch(/not allowed to sign/);
    const nonRepudiation = forgeP12({ notBefore: new Date(now - 86_400_000), notAfter: new Date(now + 86_400_000 * 30), keyUsage: { nonRepudiation: true } });
    expect(loadIdentity(nonRepudiation, PASSWORD, 'nr.p12').summary.commonName).toBe('Old Signer');
  });

  it('explains files that are not identities', () => {
    const dir = tempDir('bad-p12');
    writeFileSync(join(dir, 'notes.p12'), 'just text');
    expect(errorOf(() => loadIdentityFile(join(dir, 'notes.p12'), PASSWORD)).code).toBe('not-pkcs12');
    expect(errorOf(() => loadIdentityFile(join(dir, 'absent.p12'), PASSWORD)).message).toMatch(/Cannot read the signing identity .*absent\.p12: ENOENT/);
  });

  it('detects a certificate swapped inside a signature', () => {
    const anna = identityFor('Anna Novák').identity;
    const mallory = identityFor('Mallory').identity;
    const content = Buffer.from('seal body');
    // Mallory's signature wearing Anna's certificate: the signing-certificate attribute gives it away.
    const swapped = signDetached(content, { ...mallory, certificate: anna.certificate, summary: anna.summary });
    const outcome = verifyDetached(swapped, content);
    expect(outcome.valid).toBe(false);
    expect(outcome.problem).toMatch(/names a different certificate|another key/);
  });
});

describe('custos identity and custos seal (CLI)', () => {
  const secret = 'Pa55-only-in-env';

  it('creates an identity, seals an archive with it, refuses to overwrite, never prints the password', { timeout: 180_000 }, () => {
    const dir = tempDir('cli');
    const p12 = join(dir, 'office.p12');
    const created = custos(['identity', 'create', '--name', 'Privacy Office', '--org', 'Klinik Nord', '--bits', '2048', '-o', p12], { CUSTOS_P12_PASSWORD: secret });
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/self-signed/);
    expect(existsSync(p12)).toBe(true);

    const archive = makeArchive();
    const sealPath = join(dir, 'archive.seal.json');
    const sealed = custos(['seal', archive.dir, '--p12', p12, '-o', sealPath], { CUSTOS_P12_PASSWORD: secret });
    expect(sealed.code).toBe(0);
    expect(sealed.stdout).toMatch(/Sealed 2 files/);
    expect(sealed.stdout).toMatch(/unchained: sealed by SHA-256 only/);
    const document = JSON.parse(readFileSync(sealPath, 'utf8')) as { body: { files: unknown[] } };
    expect(document.body.files).toHaveLength(2);

    const again = custos(['seal', archive.dir, '--p12', p12, '-o', sealPath], { CUSTOS_P12_PASSWORD: secret });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);

    const wrong = custos(['seal', archive.dir, '--p12', p12, '-o', join(dir, 'other.seal.json')], { CUSTOS_P12_PASSWORD: 'not-the-password' });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe(`custos: Wrong password for the signing identity ${p12}.\n`);
    expect(existsSync(join(dir, 'other.seal.json'))).toBe(false);

    for (const run of [created, sealed, again, wrong]) {
      expect(run.stdout + run.stderr).not.toContain(secret);
      expect(run.stdout + run.stderr).not.toContain('not-the-password');
    }
    expect(readFileSync(sealPath, 'utf8')).not.toContain(secret);
  });

  it('custos verify --seal confirms an untouched archive and names a truncated file', { timeout: 180_000 }, () => {
    const dir = tempDir('cli-verify');
    const p12 = join(dir, 'office.p12');
    writeFileSync(p12, identityFor('Privacy Office').p12);
    const archive = makeArchive();
    const sealPath = join(dir, 'archive.seal.json');
    expect(custos(['seal', archive.dir, '--p12', p12, '-o', sealPath], { CUSTOS_P12_PASSWORD: PASSWORD }).code).toBe(0);

    const ok = custos(['verify', archive.dir, '--seal', sealPath]);
    expect(ok.stdout).toMatch(/signature {2}VALID/);
    expect(ok.stdout).toMatch(/Completeness: CONFIRMED/);
    expect(ok.code).toBe(0);

    writeFileSync(archive.chained, readFileSync(archive.chained, 'utf8').split('\n').slice(0, 25).join('\n') + '\n');
    const truncated = custos(['verify', archive.dir, '--seal', sealPath]);
    expect(truncated.code).toBe(1);
    expect(truncated.stdout).toMatch(/TRUNCATED \(30 → 25 lines\): .*assistant-audit\.jsonl/);
    expect(truncated.stdout).toMatch(/Completeness: INCOMPLETE/);
  });

  it.skipIf(spawnSync('sh', ['-c', 'command -v script']).status !== 0)('asks for the password at a terminal without echoing it', async () => {
    const dir = tempDir('tty');
    const p12 = join(dir, 'office.p12');
    writeFileSync(p12, identityFor('Privacy Office').p12);
    const env: NodeJS.ProcessEnv = { ...process.env, CUSTOS_DATA_DIR: dir };
    delete env.CUSTOS_P12_PASSWORD;
    // script(1) gives the CLI a pseudo-terminal; the password is typed only once the prompt is up.
    const command = `${process.execPath} --import tsx ${join(ROOT, 'main/cli/custos.ts')} identity show ${p12}`;
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let typed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (!typed && output.includes('Password for')) {
        typed = true;
        // A moment for the prompt to switch the terminal to raw mode after printing.
        setTimeout(() => child.stdin.write(`${PASSWORD}\r`), 300);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(output).toContain(`Password for ${p12}:`);
    expect(output).toContain('OK: this identity can sign.');
    expect(output).not.toContain(PASSWORD);
  });

  it('without a terminal or CUSTOS_P12_PASSWORD, says how to give the password', () => {
    const env = { ...process.env };
    delete env.CUSTOS_P12_PASSWORD;
    const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'main/cli/custos.ts'), 'identity', 'show', join(ROOT, 'package.json')], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      input: '',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/set CUSTOS_P12_PASSWORD/);
  });
});
