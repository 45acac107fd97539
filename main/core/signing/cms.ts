/**
 * Detached CMS (RFC 5652) signatures in the CAdES-BES shape that PAdES baseline B-B requires:
 * signed attributes content-type, message-digest and ESS signing-certificate-v2, and no
 * signing-time attribute (PAdES puts the claimed time in the PDF signature dictionary instead).
 * node-forge builds and parses the ASN.1; Node's crypto does the RSA/ECDSA arithmetic. forge's own
 * PKCS#7 signer cannot add signing-certificate-v2, and it cannot verify at all, hence this module.
 */
import { createHash, sign as cryptoSign, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import type { SignerSummary } from '../../../shared/signing.js';
import { describeCertificate } from './certificate-info.js';
import type { SigningIdentity } from './identity.js';

const { asn1 } = forge;
type Node = forge.asn1.Asn1;

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  rsaEncryption: '1.2.840.113549.1.1.1',
} as const;

const DIGESTS: Record<string, 'sha256' | 'sha384' | 'sha512'> = {
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

const seq = (value: Node[]): Node => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, value);
const set = (value: Node[]): Node => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, value);
const oid = (value: string): Node => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(value).getBytes());
const octets = (value: Buffer): Node => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, value.toString('binary'));
const integer = (value: number): Node => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(value).getBytes());
const nullNode = (): Node => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '');
const context = (tag: number, value: Node[]): Node => asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, true, value);
const toDer = (node: Node): Buffer => Buffer.from(asn1.toDer(node).getBytes(), 'binary');
// decodeBitStrings off: certificate BIT STRINGs then re-encode byte for byte. (@types/node-forge only knows the boolean form.)
const parseOptions = { strict: true, parseAllBytes: false, decodeBitStrings: false } as unknown as boolean;
const fromDer = (bytes: Buffer): Node => asn1.fromDer(forge.util.createBuffer(bytes.toString('binary')), parseOptions);

function children(node: Node | undefined): Node[] {
  return node && Array.isArray(node.value) ? (node.value as Node[]) : [];
}
function bytesOf(node: Node | undefined): Buffer {
  return node && typeof node.value === 'string' ? Buffer.from(node.value, 'binary') : Buffer.alloc(0);
}
function oidOf(node: Node | undefined): string | null {
  return node && node.type === asn1.Type.OID && typeof node.value === 'string' ? asn1.derToOid(node.value) : null;
}

/** The issuer Name and serial number nodes of a DER certificate, as they are encoded in it. */
function issuerAndSerial(certificate: Buffer): { issuer: Node; serial: Node } {
  const tbs = children(fromDer(certificate))[0];
  const fields = children(tbs);
  const offset = fields[0]?.tagClass === asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  const serial = fields[offset];
  const issuer = fields[offset + 2];
  if (!serial || !issuer) throw new Error('malformed certificate');
  return { issuer, serial };
}

/** DER SET OF must be sorted by encoding; verifiers that re-encode would otherwise disagree. */
function derSortedSet(items: Node[]): Node[] {
  return items
    .map((node) => ({ node, der: toDer(node) }))
    .sort((a, b) => Buffer.compare(a.der, b.der))
    .map((item) => item.node);
}

/** Signs `content` (not embedded) and returns the DER ContentInfo. */
/** `content` may come in parts (a PDF around its signature placeholder): they are hashed in order, never joined. */
export function signDetached(content: Buffer | readonly Buffer[], identity: SigningIdentity): Buffer {
  const hash = createHash('sha256');
  const parts: readonly Buffer[] = Buffer.isBuffer(content) ? [content] : (content as readonly Buffer[]);
  for (const part of parts) hash.update(part);
  return signDetachedDigest(hash.digest(), identity);
}

/** The same CMS for content whose SHA-256 is already known (hashed as it was read from disk). */
export function signDetachedDigest(digest: Buffer, identity: SigningIdentity): Buffer {
  const { issuer, serial } = issuerAndSerial(identity.certificate);
  const certHash = createHash('sha256').update(identity.certificate).digest();
  const attribute = (type: string, value: Node) => seq([oid(type), set([value])]);
  const signedAttributes = derSortedSet([
    attribute(OID.contentType, oid(OID.data)),
    attribute(OID.messageDigest, octets(digest)),
    // SigningCertificateV2 { certs: [ESSCertIDv2 { certHash, issuerSerial { GeneralNames[directoryName], serial } }] } — hashAlgorithm defaults to SHA-256.
    attribute(OID.signingCertificateV2, seq([seq([seq([octets(certHash), seq([seq([context(4, [issuer])]), serial])])])])),
  ]);
  const signature = cryptoSign('sha256', toDer(set(signedAttributes)), identity.privateKey);

  const digestAlgorithm = seq([oid(OID.sha256)]);
  const signerInfo = seq([
    integer(1),
    seq([issuer, serial]),
    digestAlgorithm,
    context(0, signedAttributes),
    seq([oid(OID.rsaEncryption), nullNode()]),
    octets(signature),
  ]);
  const certificates = [identity.certificate, ...identity.chain].map(fromDer);
  const signedData = seq([integer(1), set([seq([oid(OID.sha256)])]), seq([oid(OID.data)]), context(0, certificates), set([signerInfo])]);
  return toDer(seq([oid(OID.signedData), context(0, [signedData])]));
}

export interface DetachedVerification {
  /** The signature verifies over exactly this content with the embedded signer certificate. */
  valid: boolean;
  /** Plain-language reason when not valid. */
  problem: string | null;
  signer: SignerSummary | null;
  digestAlgorithm: string | null;
  /** The signing-time attribute, when the signer included one (PAdES signatures carry it in the PDF instead). */
  signingTime: string | null;
  /** Whether the ESS signing-certificate-v2 attribute binds the certificate (CAdES / PAdES). */
  certificateBound: boolean;
}

/** Verifies a detached CMS signature over `content`. Never throws: malformed input is a reason. */
export function verifyDetached(cms: Buffer, content: Buffer): DetachedVerification {
  const outcome: DetachedVerification = { valid: false, problem: null, signer: null, digestAlgorithm: null, signingTime: null, certificateBound: false };
  const fail = (problem: string): DetachedVerification => ({ ...outcome, valid: false, problem });
  let root: Node;
  try {
    root = fromDer(cms);
  } catch {
    return fail('The signature is not valid DER-encoded CMS.');
  }
  if (oidOf(children(root)[0]) !== OID.signedData) return fail('The signature is not a CMS SignedData structure.');
  const signedData = children(children(root)[1])[0];
  const parts = children(signedData);
  const encapsulated = parts[2];
  if (children(encapsulated).length > 1) return fail('The signature embeds its content instead of being detached.');
  const certificateSet = parts.find((node) => node.tagClass === asn1.Class.CONTEXT_SPECIFIC && node.type === 0);
  const certificates = children(certificateSet).map(toDer);
  const signerInfos = children(parts[parts.length - 1]);
  if (signerInfos.length !== 1) return fail(`The signature has ${signerInfos.length} signers; exactly one is expected.`);
  const info = children(signerInfos[0]);
  const [, sid, digestAlgorithmNode, signedAttributesNode] = info;
  const signatureNode = info[info.length - 1];
  if (!sid || !digestAlgorithmNode || !signatureNode) return fail('The signer information is incomplete.');

  const sidParts = children(sid);
  const wantedIssuer = sidParts[0] ? toDer(sidParts[0]) : Buffer.alloc(0);
  const wantedSerial = bytesOf(sidParts[1]);
  const signerCert = certificates.find((der) => {
    try {
      const { issuer, serial } = issuerAndSerial(der);
      return toDer(issuer).equals(wantedIssuer) && bytesOf(serial).equals(wantedSerial);
    } catch {
      return false;
    }
  });
  if (!signerCert) return fail('The signer certificate is not included in the signature.');
  outcome.signer = describeCertificate(signerCert);

  const digestName = DIGESTS[oidOf(children(digestAlgorithmNode)[0]) ?? ''];
  if (!digestName) return fail('The signature uses a digest algorithm Custos does not accept (only SHA-256/384/512).');
  outcome.digestAlgorithm = digestName.toUpperCase().replace('SHA', 'SHA-');
  if (!signedAttributesNode || signedAttributesNode.tagClass !== asn1.Class.CONTEXT_SPECIFIC || signedAttributesNode.type !== 0) {
    return fail('The signature has no signed attributes, so its content digest cannot be checked.');
  }

  let messageDigest: Buffer | null = null;
  for (const attributeNode of children(signedAttributesNode)) {
    const [typeNode, valuesNode] = children(attributeNode);
    const value = children(valuesNode)[0];
    const type = oidOf(typeNode);
    if (type === OID.messageDigest) messageDigest = bytesOf(value);
    else if (type === OID.signingTime && value && typeof value.value === 'string') {
      const time = value.type === asn1.Type.UTCTIME ? asn1.utcTimeToDate(value.value) : asn1.generalizedTimeToDate(value.value);
      outcome.signingTime = time.toISOString();
    } else if (type === OID.signingCertificateV2) {
      const essCertId = children(children(children(value)[0])[0]);
      const first = essCertId[0];
      const hashAlgorithm = first && first.type === asn1.Type.SEQUENCE ? (DIGESTS[oidOf(children(first)[0]) ?? ''] ?? null) : 'sha256';
      const certHashNode = first && first.type === asn1.Type.SEQUENCE ? essCertId[1] : first;
      if (!hashAlgorithm || !createHash(hashAlgorithm).update(signerCert).digest().equals(bytesOf(certHashNode))) {
        return fail('The signing-certificate attribute names a different certificate than the one included: the certificate was swapped.');
      }
      outcome.certificateBound = true;
    }
  }
  if (!messageDigest) return fail('The signed attributes carry no message digest.');
  if (!createHash(digestName).update(content).digest().equals(messageDigest)) {
    return fail('The signed content was changed after signing: its digest does not match the one in the signature.');
  }

  const signedBytes = toDer(set(children(signedAttributesNode)));
  const x509 = new X509Certificate(signerCert);
  const keyType = x509.publicKey.asymmetricKeyType;
  let signatureOk = false;
  try {
    if (keyType === 'rsa') signatureOk = cryptoVerify(digestName, signedBytes, x509.publicKey, bytesOf(signatureNode));
    else if (keyType === 'ec') signatureOk = cryptoVerify(digestName, signedBytes, { key: x509.publicKey, dsaEncoding: 'der' }, bytesOf(signatureNode));
    else return fail(`The signer uses a ${keyType ?? 'unknown'} key, which Custos cannot verify.`);
  } catch {
    signatureOk = false;
  }
  if (!signatureOk) return fail("The signature value does not match the signer's public key: it was made with another key or altered.");
  return { ...outcome, valid: true, problem: null };
}
