import { join, relative, resolve, sep } from 'node:path';
import type { VerifyReport } from '../../../shared/verification.js';
import { writeNewFile } from '../output/atomic-write.js';
import { signDetached } from '../signing/cms.js';
import type { SigningIdentity } from '../signing/identity.js';
import { commonFolder } from '../paths/common-folder.js';
import { CUSTOS_VERSION } from '../version.js';
import { canonicalSealBody, SEAL_CANONICALIZATION, SEAL_SIGNATURE_FORMAT, SEAL_VERSION, type SealBody, type SealDocument, type SealedFile } from './seal-document.js';

/**
 * Seals the files of a verification report with the identity. Files that could not be read
 * completely are refused: sealing them would certify a state nobody has seen.
 */
export function createSeal(report: VerifyReport, identity: SigningIdentity, givenPaths: readonly string[], now: Date = new Date()): SealDocument {
  if (report.files.length === 0) throw new Error('Nothing to seal: no evidence files were found in the given paths.');
  const unreadable = report.findings.filter((finding) => finding.kind === 'unreadable');
  if (unreadable.length > 0) {
    throw new Error(`Cannot seal ${unreadable.map((finding) => finding.file).join(', ')}: ${unreadable[0]?.detail ?? 'unreadable'}`);
  }
  const absolutePaths = report.files.map((file) => resolve(file.path));
  const root = commonFolder(absolutePaths) || sep;
  const files: SealedFile[] = report.files.map((file, index) => {
    const absolutePath = absolutePaths[index] ?? resolve(file.path);
    return {
      path: asGiven(absolutePath, givenPaths),
      absolutePath,
      relativePath: relative(root, absolutePath).split(sep).join('/'),
      format: file.format,
      size: file.size,
      sha256: file.sha256,
      lines: file.lines,
      entries: file.entries,
      chainStatus: file.chain.status,
      headHash: file.chain.status === 'unchained' ? null : file.chain.headHash,
    };
  });
  const body: SealBody = {
    kind: 'custos-seal',
    version: SEAL_VERSION,
    createdAt: now.toISOString(),
    custosVersion: CUSTOS_VERSION,
    signerFingerprintSha256: identity.summary.fingerprintSha256,
    files,
  };
  const cms = signDetached(canonicalSealBody(body), identity);
  return {
    body,
    signature: {
      canonicalization: SEAL_CANONICALIZATION,
      format: SEAL_SIGNATURE_FORMAT,
      signer: identity.summary.subject + (identity.summary.selfSigned ? ' (self-signed)' : ''),
      certificatePem: identity.summary.certificatePem,
      cms: cms.toString('base64'),
    },
  };
}

/** Writes the seal without ever replacing an existing one: seals are evidence too. */
export function writeSealFile(path: string, seal: SealDocument): void {
  writeNewFile(path, JSON.stringify(seal, null, 2) + '\n');
}

/** The file's path spelled from the command-line argument that named it (or the folder that held it). */
function asGiven(absolutePath: string, givenPaths: readonly string[]): string {
  for (const given of givenPaths) {
    const root = resolve(given);
    if (root === absolutePath) return given;
    if (absolutePath.startsWith(root.endsWith(sep) ? root : root + sep)) return join(given, relative(root, absolutePath));
  }
  return absolutePath;
}

