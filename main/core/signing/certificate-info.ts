import { X509Certificate } from 'node:crypto';
import type { SignerSummary } from '../../../shared/signing.js';

/** Reads the fields people care about from a DER or PEM certificate, via Node's own X.509 parser. */
export function describeCertificate(certificate: Buffer | string): SignerSummary {
  const x509 = new X509Certificate(certificate);
  const subject = parseDistinguishedName(x509.subject);
  return {
    commonName: subject.get('CN') ?? x509.subject.replace(/\n/g, ', '),
    organization: subject.get('O') ?? null,
    subject: oneLine(x509.subject),
    issuer: oneLine(x509.issuer),
    serialNumber: x509.serialNumber.toLowerCase(),
    fingerprintSha256: x509.fingerprint256.toLowerCase(),
    validFrom: new Date(x509.validFrom).toISOString(),
    validTo: new Date(x509.validTo).toISOString(),
    selfSigned: isSelfSigned(x509),
    certificatePem: x509.toString(),
  };
}

/** Self-signed: the issuer is the subject and the certificate's own key verifies its signature. */
export function isSelfSigned(x509: X509Certificate): boolean {
  return x509.subject === x509.issuer && x509.verify(x509.publicKey);
}

/** Node prints names one attribute per line ("CN=..\nO=.."); multi-valued lines are rare enough to keep whole. */
function parseDistinguishedName(name: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of name.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0 && !fields.has(line.slice(0, at))) fields.set(line.slice(0, at), line.slice(at + 1));
  }
  return fields;
}

function oneLine(name: string): string {
  return name.split('\n').filter((part) => part.length > 0).join(', ');
}

export function derToPem(der: Buffer): string {
  const base64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`;
}

export function pemToDer(pem: string): Buffer {
  const match = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  if (!match?.[1]) throw new Error('not a PEM certificate');
  return Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
}
