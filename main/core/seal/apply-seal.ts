import type { SealCheckSummary } from '../../../shared/signing.js';
import type { VerifyReport } from '../../../shared/verification.js';
import { computeVerdict } from '../verify/verdict.js';
import { checkSeal, type SealCheckOptions } from './check-seal.js';

export interface SealedReport extends VerifyReport {
  seal: SealCheckSummary;
}

/**
 * `custos verify --seal`: adds the seal's findings to a verification report and recomputes the
 * verdict. The archive counts as sealed only when the seal's signature verifies, every sealed
 * file is present with its sealed bytes (appended entries after them allowed), and no file
 * outside the seal was verified.
 */
export async function applySeal(report: VerifyReport & { anchored?: boolean }, sealPath: string, options: SealCheckOptions = {}): Promise<SealedReport> {
  const check = await checkSeal(sealPath, report, options);
  const findings = [...report.findings, ...check.findings];
  const sealed = check.sealed.signatureValid && check.sealed.files.every((file) => file.status === 'unchanged' || file.status === 'appended');
  const verdict = computeVerdict(report.files, findings, { sealed, anchored: report.anchored === true });
  if (check.sealed.signatureValid && check.signer) {
    verdict.reasons.push(
      `Seal of ${check.sealed.createdAt ?? 'unknown date'} signed by ${check.signer.subject}${check.signer.selfSigned ? ' (self-signed; fingerprint ' + check.signer.fingerprintSha256 + ')' : ''}.`,
    );
  }
  return { ...report, findings, verdict, seal: check.sealed };
}
