/**
 * A signing identity: a private key and its certificate chain, loaded from a PKCS#12 (.p12/.pfx)
 * file. The same identity signs seals and PDF reports. The password is used to decrypt the file
 * and then forgotten: it never appears in errors, logs or outputs.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import forge from 'node-forge';
import type { SignerSummary } from '../../../shared/signing.js';
import { describeCertificate } from './certificate-info.js';

export interface SigningIdentity {
  privateKey: KeyObject;
  /** DER of the signer's certificate. */
  certificate: Buffer;
  /** DER of any other certificates in the file (issuers), signer excluded. */
  chain: Buffer[];
  summary: SignerSummary;
}

/** A problem with the identity itself, worded for the person who chose the file. */
export class SigningIdentityError extends Error {
  constructor(
    message: string,
    readonly code: 'unreadable' | 'not-pkcs12' | 'wrong-password' | 'no-key' | 'expired' | 'not-yet-valid' | 'not-for-signing' | 'unsupported-key',
  ) {
    super(message);
    this.name = 'SigningIdentityError';
  }
}

export function loadIdentityFile(path: string, password: string, now: Date = new Date()): SigningIdentity {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new SigningIdentityError(`Cannot read the signing identity ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`, 'unreadable');
  }
  return loadIdentity(bytes, password, path, now);
}

/** Parses a PKCS#12 file and checks its certificate can sign now. `label` names the file in errors. */
export function loadIdentity(p12: Buffer, password: string, label: string, now: Date = new Date()): SigningIdentity {
  let asn1: forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(forge.util.createBuffer(p12.toString('binary')));
  } catch {
    throw new SigningIdentityError(`${label} is not a PKCS#12 (.p12/.pfx) file.`, 'not-pkcs12');
  }
  let store: forge.pkcs12.Pkcs12Pfx;
  try {
    store = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (/MAC could not be verified|Invalid password|decrypt/i.test(message)) {
      throw new SigningIdentityError(`Wrong password for the signing identity ${label}.`, 'wrong-password');
    }
    if (/Unsupported|OID|algorithm/i.test(message)) {
      throw new SigningIdentityError(`${label} uses an encryption or key type Custos cannot read (${message}). Export it again with RSA keys and 3DES or AES.`, 'unsupported-key');
    }
    throw new SigningIdentityError(`${label} is not a readable PKCS#12 file (${message || 'malformed'}).`, 'not-pkcs12');
  }

  const keyBags = [
    ...(store.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!] ?? []),
    ...(store.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!] ?? []),
  ];
  const certificates = (store.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [])
    .map((bag) => bag.cert)
    .filter((cert): cert is forge.pki.Certificate => cert !== undefined);
  const key = keyBags.map((bag) => bag.key).find((k): k is forge.pki.rsa.PrivateKey => k !== undefined);
  if (!key) {
    const hasOpaqueKey = keyBags.length > 0;
    throw new SigningIdentityError(
      hasOpaqueKey
        ? `${label} holds a private key Custos cannot use: only RSA signing keys are supported.`
        : `${label} contains no private key: export the identity with its private key, not just the certificate.`,
      hasOpaqueKey ? 'unsupported-key' : 'no-key',
    );
  }
  const signerCert = certificates.find((cert) => {
    const publicKey = cert.publicKey as forge.pki.rsa.PublicKey;
    return publicKey.n !== undefined && publicKey.n.compareTo(key.n) === 0 && publicKey.e.compareTo(key.e) === 0;
  });
  if (!signerCert) throw new SigningIdentityError(`${label} has no certificate matching its private key.`, 'no-key');

  const toDer = (cert: forge.pki.Certificate): Buffer => Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
  const certificate = toDer(signerCert);
  checkSigningCertificate(certificate, label, now);
  return {
    privateKey: createPrivateKey(forge.pki.privateKeyToPem(key)),
    certificate,
    chain: certificates.filter((cert) => cert !== signerCert).map(toDer),
    summary: describeCertificate(certificate),
  };
}

/** The certificate must be valid now and, if it restricts key usage, allow signatures. */
export function checkSigningCertificate(der: Buffer, label: string, now: Date = new Date()): void {
  const x509 = new X509Certificate(der);
  const validFrom = new Date(x509.validFrom);
  const validTo = new Date(x509.validTo);
  const subject = describeCertificate(der).commonName;
  if (now < validFrom) {
    throw new SigningIdentityError(`The certificate "${subject}" in ${label} is not valid yet: it becomes valid on ${validFrom.toISOString()}.`, 'not-yet-valid');
  }
  if (now > validTo) {
    throw new SigningIdentityError(`The certificate "${subject}" in ${label} expired on ${validTo.toISOString()}: signatures made with it would not be trusted. Renew it or create a new identity.`, 'expired');
  }
  const cert = forge.pki.certificateFromAsn1(forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary'))));
  const keyUsage = cert.getExtension('keyUsage') as { digitalSignature?: boolean; nonRepudiation?: boolean } | undefined;
  if (keyUsage && !keyUsage.digitalSignature && !keyUsage.nonRepudiation) {
    throw new SigningIdentityError(
      `The certificate "${subject}" in ${label} is not allowed to sign documents (its key usage has neither digitalSignature nor nonRepudiation). Use a signing certificate.`,
      'not-for-signing',
    );
  }
}
