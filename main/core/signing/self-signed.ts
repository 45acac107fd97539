/**
 * A self-signed signing identity for organisations without a PKI. Reports and seals signed with
 * it say "self-signed": they prove the document is unchanged since signing, and the signer is
 * whoever holds the key — recipients must confirm the certificate fingerprint out of band.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface SelfSignedRequest {
  /** Person or role, e.g. "Dr. Anna Novák, Privacy Officer". */
  name: string;
  organization: string;
  email?: string;
  /** Two-letter country code. */
  country?: string;
  keyBits?: 2048 | 3072 | 4096;
  validityYears?: number;
  /** Start of validity; defaults to now. */
  notBefore?: Date;
}

/** Organisational unit written into every identity Custos creates, so its origin is visible in any viewer. */
export const SELF_SIGNED_UNIT = 'Custos self-signed signing identity';

export const MIN_PASSWORD_LENGTH = 8;

/** Returns the PKCS#12 bytes (RSA key + self-signed certificate) protected by `password`. */
export function createSelfSignedIdentity(request: SelfSignedRequest, password: string): Buffer {
  if (request.name.trim() === '') throw new Error('A signing identity needs a name (--name).');
  if (request.organization.trim() === '') throw new Error('A signing identity needs an organisation (--org).');
  if (password.length < MIN_PASSWORD_LENGTH) throw new Error(`The password must have at least ${MIN_PASSWORD_LENGTH} characters.`);
  if (request.country !== undefined && !/^[A-Z]{2}$/.test(request.country)) throw new Error('The country must be a two-letter code such as DE.');

  // Node's native key generation: forge's pure-JS RSA takes many seconds for 3072 bits.
  const pair = generateKeyPairSync('rsa', { modulusLength: request.keyBits ?? 3072 });
  const privateKey = forge.pki.privateKeyFromPem(pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
  const publicKey = forge.pki.publicKeyFromPem(pair.publicKey.export({ type: 'spki', format: 'pem' }).toString());

  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // Positive 128-bit serial: the high bit cleared keeps the DER INTEGER positive.
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  cert.serialNumber = serial.toString('hex');
  // A minute of slack for clocks that run slightly behind the signer's.
  const notBefore = request.notBefore ?? new Date(Date.now() - 60_000);
  cert.validity.notBefore = notBefore;
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + (request.validityYears ?? 3));
  cert.validity.notAfter = notAfter;

  // forge UTF-8-encodes values itself when the tag is UTF8String.
  const utf8 = (value: string) => ({ value, valueTagClass: forge.asn1.Type.UTF8 as number });
  const attributes: forge.pki.CertificateField[] = [
    { name: 'commonName', ...utf8(request.name.trim()) },
    { name: 'organizationName', ...utf8(request.organization.trim()) },
    { shortName: 'OU', ...utf8(SELF_SIGNED_UNIT) },
  ];
  if (request.country) attributes.push({ name: 'countryName', value: request.country });
  if (request.email) attributes.push({ name: 'emailAddress', value: request.email });
  cert.setSubject(attributes);
  cert.setIssuer(attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'extKeyUsage', emailProtection: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(privateKey, forge.md.sha256.create());

  // 3DES keeps the file importable by Windows, macOS Keychain and OpenSSL 3 without legacy providers.
  const p12 = forge.pkcs12.toPkcs12Asn1(privateKey, [cert], password, {
    algorithm: '3des',
    friendlyName: request.name.trim(),
    generateLocalKeyId: true,
  });
  return Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');
}
