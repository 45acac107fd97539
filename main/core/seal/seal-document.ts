/**
 * The seal file: a signed statement "these files had exactly these bytes, lines and chain heads
 * at this time". The signature is a detached CMS (CAdES-BES, SHA-256) over the RFC 8785 (JCS)
 * canonical form of `body`, so anyone can re-check it with standard tools:
 *   jcs(body) | openssl cms -verify -binary -inform DER -in <(base64 -d cms) -content /dev/stdin -noverify
 */
import { z } from 'zod';
import { jcsCanonicalize } from '../json/jcs.js';
import type { PyValue } from '../json/py-value.js';

export const SEAL_VERSION = 1;
export const SEAL_CANONICALIZATION = 'RFC 8785 JCS of body';
export const SEAL_SIGNATURE_FORMAT = 'CMS detached signature (RFC 5652, CAdES-BES), SHA-256, base64 DER';

const sealedFileSchema = z.object({
  /** The path as the verifier reported it when sealing (as given on the command line or found in a folder). */
  path: z.string(),
  absolutePath: z.string(),
  /** Path relative to the deepest folder holding all sealed files: lets a moved archive still match. */
  relativePath: z.string(),
  format: z.string().nullable(),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  lines: z.number().int().nonnegative(),
  entries: z.number().int().nonnegative(),
  chainStatus: z.enum(['intact', 'broken', 'unchained']),
  /** Chain head for chained formats, null for unchained ones. */
  headHash: z.string().nullable(),
});

const sealBodySchema = z.object({
  kind: z.literal('custos-seal'),
  version: z.literal(SEAL_VERSION),
  createdAt: z.string(),
  custosVersion: z.string(),
  signerFingerprintSha256: z.string(),
  files: z.array(sealedFileSchema).min(1),
});

export const sealDocumentSchema = z.object({
  body: sealBodySchema,
  signature: z.object({
    canonicalization: z.literal(SEAL_CANONICALIZATION),
    format: z.literal(SEAL_SIGNATURE_FORMAT),
    /** Who signed, for people reading the file; verification uses the certificate inside the CMS. */
    signer: z.string(),
    certificatePem: z.string(),
    cms: z.string(),
  }),
});

export type SealedFile = z.infer<typeof sealedFileSchema>;
export type SealBody = z.infer<typeof sealBodySchema>;
export type SealDocument = z.infer<typeof sealDocumentSchema>;

/** The exact bytes the signature covers. Takes the body as parsed, unknown members included: any edit breaks the signature. */
export function canonicalSealBody(body: unknown): Buffer {
  return Buffer.from(jcsCanonicalize(toPyValue(body)), 'utf8');
}

/** Plain JSON data (as JSON.parse returns it) in the PyValue model the canonicalizer takes. */
function toPyValue(value: unknown): PyValue {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(toPyValue);
  if (typeof value === 'object') return new Map(Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, toPyValue(item)]));
  throw new Error(`a seal cannot hold a ${typeof value}`);
}
