/**
 * Compares the files verified now with a seal: what a chain alone cannot show (deleted newest
 * entries, a re-chained tail, a replaced or removed file) shows here, provided the seal's own
 * signature verifies. Evidence files are only read.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { Finding, Severity } from '../../../shared/findings.js';
import type { SealCheckSummary, SealedFileCheck, SignerSummary } from '../../../shared/signing.js';
import type { FileReport, VerifyReport } from '../../../shared/verification.js';
import { verifyDetached } from '../signing/cms.js';
import { pemToDer } from '../signing/certificate-info.js';
import { canonicalSealBody, sealDocumentSchema, type SealDocument, type SealedFile } from './seal-document.js';

export interface SealCheckOptions {
  /** SHA-256 fingerprints (hex, colons optional) of signers the user trusts; when given, any other signer makes the seal invalid. */
  trustedSigners?: string[];
}

export interface SealCheck {
  findings: Finding[];
  signer: SignerSummary | null;
  sealed: SealCheckSummary;
}

export async function checkSeal(sealPath: string, report: VerifyReport, options: SealCheckOptions = {}): Promise<SealCheck> {
  const findings: Finding[] = [];
  const summary: SealCheckSummary = { sealPath, createdAt: null, signatureValid: false, signatureProblem: null, signer: null, files: [] };
  const invalid = (problem: string): SealCheck => {
    summary.signatureProblem = problem;
    findings.push({ kind: 'seal-invalid', severity: 'critical', file: sealPath, line: null, detail: problem });
    return { findings, signer: summary.signer, sealed: summary };
  };

  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(sealPath, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return invalid(code ? `The seal file cannot be read (${code}).` : `The seal file is not valid JSON: ${(error as Error).message}.`);
  }
  const parsed = sealDocumentSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return invalid(`This is not a Custos seal: ${issue ? `${issue.path.join('.') || 'document'}: ${issue.message}` : 'unexpected structure'}.`);
  }
  const seal: SealDocument = parsed.data;
  summary.createdAt = seal.body.createdAt;

  const problem = signatureProblem(seal, (raw as { body: unknown }).body, options, summary);
  if (problem) {
    // The comparisons below still run: they show what changed, but nothing they report can be trusted.
    invalid(problem);
  } else {
    summary.signatureValid = true;
  }

  const matched = new Set<FileReport>();
  for (const sealed of seal.body.files) {
    const current = findCurrentFile(sealed, report.files, matched);
    if (current) matched.add(current);
    const check = await compareFile(sealed, current, findings);
    summary.files.push(check);
  }
  for (const file of report.files) {
    if (matched.has(file)) continue;
    summary.files.push({ path: file.path, sealedPath: null, status: 'unsealed', sealedLines: null, lines: file.lines, sealedSize: null, size: file.size });
    findings.push(finding('info', file.path, `Not covered by the seal of ${seal.body.createdAt}: only its own chain${file.chain.status === 'unchained' ? ' (none: the format is unchained)' : ''} speaks for it.`));
  }
  return { findings, signer: summary.signer, sealed: summary };
}

function signatureProblem(seal: SealDocument, rawBody: unknown, options: SealCheckOptions, summary: SealCheckSummary): string | null {
  let cms: Buffer;
  try {
    cms = Buffer.from(seal.signature.cms, 'base64');
  } catch {
    return 'The seal signature is not base64.';
  }
  let content: Buffer;
  try {
    content = canonicalSealBody(rawBody);
  } catch (error) {
    return `The seal body cannot be canonicalized: ${(error as Error).message}.`;
  }
  const verification = verifyDetached(cms, content);
  summary.signer = verification.signer;
  if (!verification.valid) {
    const reason = verification.problem ?? 'it does not verify';
    return /digest does not match/.test(reason) ? 'The seal was edited after signing: its contents no longer match its signature.' : `The seal signature does not verify: ${reason}`;
  }
  const signer = verification.signer;
  if (!signer) return 'The seal names no signer.';
  let declared: Buffer | null = null;
  try {
    declared = pemToDer(seal.signature.certificatePem);
  } catch {
    declared = null;
  }
  const actual = pemToDer(signer.certificatePem);
  if (!declared || !declared.equals(actual)) {
    return `The seal claims to be signed by another certificate than the one that signed it (signed by ${signer.subject}, fingerprint ${signer.fingerprintSha256}).`;
  }
  if (normalizeFingerprint(seal.body.signerFingerprintSha256) !== normalizeFingerprint(signer.fingerprintSha256)) {
    return `The seal names signer fingerprint ${seal.body.signerFingerprintSha256} but was signed by ${signer.fingerprintSha256}.`;
  }
  const createdAt = new Date(seal.body.createdAt);
  if (Number.isNaN(createdAt.getTime())) return `The seal's creation time "${seal.body.createdAt}" is not a valid date.`;
  if (createdAt < new Date(signer.validFrom) || createdAt > new Date(signer.validTo)) {
    return `The signer's certificate was not valid when the seal claims to have been made (${seal.body.createdAt}; valid ${signer.validFrom} to ${signer.validTo}).`;
  }
  if (options.trustedSigners && options.trustedSigners.length > 0) {
    const trusted = new Set(options.trustedSigners.map(normalizeFingerprint));
    if (!trusted.has(normalizeFingerprint(signer.fingerprintSha256))) {
      return `The seal is signed by ${signer.subject} (fingerprint ${signer.fingerprintSha256}), which is not among the trusted signers.`;
    }
  }
  return null;
}

function normalizeFingerprint(value: string): string {
  return value.replace(/[^0-9a-f]/gi, '').toLowerCase();
}

/** The same absolute path, or, for an archive that was moved or copied, the same path below the sealed folder. */
function findCurrentFile(sealed: SealedFile, files: FileReport[], taken: Set<FileReport>): FileReport | undefined {
  const available = files.filter((file) => !taken.has(file));
  const exact = available.find((file) => resolve(file.path) === sealed.absolutePath);
  if (exact) return exact;
  const suffix = sep + sealed.relativePath.split('/').join(sep);
  const moved = available.filter((file) => resolve(file.path).endsWith(suffix));
  return moved.length === 1 ? moved[0] : undefined;
}

function finding(severity: Severity, file: string, detail: string, expected?: string, found?: string): Finding {
  const result: Finding = { kind: 'seal-mismatch', severity, file, line: null, detail };
  if (expected !== undefined) result.expected = expected;
  if (found !== undefined) result.found = found;
  return result;
}

async function compareFile(sealed: SealedFile, current: FileReport | undefined, findings: Finding[]): Promise<SealedFileCheck> {
  const check: SealedFileCheck = {
    path: current?.path ?? sealed.path,
    sealedPath: sealed.path,
    status: 'unchanged',
    sealedLines: sealed.lines,
    lines: current?.lines ?? null,
    sealedSize: sealed.size,
    size: current?.size ?? null,
  };
  const shape = (lines: number, size: number) => `${lines} lines, ${size} bytes`;
  if (!current) {
    check.status = 'missing';
    const where = existsSync(sealed.absolutePath)
      ? `it still exists at ${sealed.absolutePath} but was not among the verified paths, so it was not checked`
      : 'it was removed, renamed or moved';
    findings.push(finding('critical', sealed.path, `Sealed file is missing: ${where}.`, `${shape(sealed.lines, sealed.size)}, sha256 ${sealed.sha256}`, 'no file'));
    return check;
  }
  if (current.sha256 === sealed.sha256 && current.size === sealed.size) return check;

  const now = shape(current.lines, current.size);
  const was = shape(sealed.lines, sealed.size);
  const formatNote = sealed.format !== current.format ? ` It was sealed as ${sealed.format ?? 'unknown'} and now reads as ${current.format ?? 'unknown'}.` : '';
  const headChanged = sealed.headHash !== null && current.chain.headHash !== sealed.headHash;
  const chainIntact = current.chain.status === 'intact';

  if (current.size > sealed.size && (await prefixSha256(current.path, sealed.size)) === sealed.sha256) {
    check.status = 'appended';
    const added = current.lines - sealed.lines;
    findings.push(
      finding(
        'info',
        current.path,
        `${added} line${added === 1 ? '' : 's'} appended since sealing (${current.size - sealed.size} bytes); the sealed part is unchanged. New entries are expected for a live log but are not covered by the seal.`,
        was,
        now,
      ),
    );
    return check;
  }
  // Fewer lines is truncation; a shorter file with as many lines is an edit (handled below).
  if (current.lines < sealed.lines) {
    check.status = 'truncated';
    const lost = sealed.lines - current.lines;
    const chainNote = chainIntact && sealed.headHash !== null ? ' The hash chain still verifies, so only the seal reveals this.' : '';
    findings.push(
      finding(
        'critical',
        current.path,
        `Truncated since sealing: ${lost} line${lost === 1 ? '' : 's'} removed${headChanged ? `; the chain now ends at ${current.chain.headHash ?? 'nothing'} instead of the sealed head ${sealed.headHash}` : ''}.${chainNote}${formatNote}`,
        `${was}${sealed.headHash ? `, head ${sealed.headHash}` : ''}`,
        `${now}${current.chain.headHash ? `, head ${current.chain.headHash}` : ''}`,
      ),
    );
    return check;
  }
  if (chainIntact && headChanged) {
    check.status = 'rechained';
    findings.push(
      finding(
        'critical',
        current.path,
        `Re-chained since sealing: the hash chain verifies, but it ends in a different head than the one sealed, so entries were rewritten and their hashes recomputed.${formatNote}`,
        `head ${sealed.headHash ?? ''}`,
        `head ${current.chain.headHash ?? ''}`,
      ),
    );
    return check;
  }
  check.status = 'replaced';
  findings.push(
    finding(
      'critical',
      current.path,
      `Content differs from what was sealed: the file was edited or replaced${current.chain.status === 'unchained' ? ' (its format has no chain, so the seal is the only evidence)' : ''}.${formatNote}`,
      `${was}, sha256 ${sealed.sha256}`,
      `${now}, sha256 ${current.sha256}`,
    ),
  );
  return check;
}

/** sha256 of the first `length` bytes of the file, read-only. */
async function prefixSha256(path: string, length: number): Promise<string | null> {
  const hash = createHash('sha256');
  if (length === 0) return hash.digest('hex');
  try {
    for await (const chunk of createReadStream(path, { start: 0, end: length - 1, flags: 'r' })) hash.update(chunk as Buffer);
  } catch {
    return null;
  }
  return hash.digest('hex');
}
