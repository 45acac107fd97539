/**
 * The two verdicts an auditor reads first. Integrity: is every entry as it was written and in
 * place? Completeness: is anything missing? They are separate because a hash chain answers the
 * first but not the second: deleting the newest entries, or re-chaining a rewritten tail, leaves
 * a perfectly valid chain. Only an anchor or a seal, kept out of the writer's reach, confirms an
 * archive is complete.
 */
import type { Finding, FindingKind } from '../../../shared/findings.js';
import type { FileReport, Verdict } from '../../../shared/verification.js';

/** Findings that mean entries were changed, removed, added or moved (or could not be checked). */
const INTEGRITY_KINDS: ReadonlySet<FindingKind> = new Set([
  'hash-mismatch',
  'link-break',
  'parse-error',
  'continuity-break',
  'unreadable',
  'anchor-mismatch',
  'seal-mismatch',
  'seal-invalid',
  'file-changed',
]);

/** Findings that mean entries or files are known to be missing (a daily file that does not continue the chain: its predecessor's tail or a whole day is gone). */
const COMPLETENESS_KINDS: ReadonlySet<FindingKind> = new Set(['anchor-mismatch', 'seal-mismatch', 'unreadable', 'continuity-break']);

export interface AnchorState {
  /** A seal was checked and every sealed file matched it. */
  sealed?: boolean;
  /** --expect-head / --expect-lines were given. */
  anchored?: boolean;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function countKinds(findings: readonly Finding[]): Map<FindingKind, number> {
  const counts = new Map<FindingKind, number>();
  for (const f of findings) counts.set(f.kind, (counts.get(f.kind) ?? 0) + 1);
  return counts;
}

const KIND_PHRASES: Partial<Record<FindingKind, [string, string]>> = {
  'hash-mismatch': ['changed entry', 'entries changed after writing (hash-mismatch)'],
  'link-break': ['broken link', 'broken links: entries deleted, inserted or moved (link-break)'],
  'parse-error': ['unreadable line', 'lines that are not valid JSON (parse-error)'],
  'continuity-break': ['break between files', 'breaks between daily files (continuity-break)'],
  unreadable: ['file not read completely', 'files or folders that could not be read completely (unreadable)'],
  'anchor-mismatch': ['anchor mismatch', 'disagreements with the trusted anchor (anchor-mismatch)'],
  'seal-mismatch': ['seal mismatch', 'differences from the seal (seal-mismatch)'],
  'seal-invalid': ['invalid seal', 'seal signature problems (seal-invalid)'],
  'file-changed': ['changed file', 'files changed on disk after indexing (file-changed)'],
};

export function computeVerdict(files: readonly FileReport[], findings: readonly Finding[], anchors: AnchorState): Verdict {
  const reasons: string[] = [];
  const critical = findings.filter((f) => f.severity === 'critical' && INTEGRITY_KINDS.has(f.kind));
  const counts = countKinds(critical);
  const chained = files.filter((f) => f.chain.status !== 'unchained');
  const unchained = files.filter((f) => f.chain.status === 'unchained');

  let integrity: Verdict['integrity'];
  if (critical.length > 0) {
    integrity = 'broken';
    const parts = [...counts].map(([kind, n]) => {
      const phrase = KIND_PHRASES[kind];
      return phrase ? `${n} ${n === 1 ? phrase[0] : phrase[1]}` : `${n} ${kind}`;
    });
    reasons.push(`Integrity is broken: ${parts.join('; ')}. Each finding names the file and line.`);
  } else if (unchained.length > 0 && !anchors.sealed) {
    integrity = 'unchained';
    const names = unchained.slice(0, 3).map((f) => `${f.path} (${f.format ?? 'unknown format'})`);
    const more = unchained.length > 3 ? ` and ${unchained.length - 3} more` : '';
    reasons.push(
      `Integrity cannot be verified for ${plural(unchained.length, 'file')} without a hash chain — ${names.join(', ')}${more}: changes to them would go unnoticed. Seal them (custos seal) so later changes become detectable.`,
    );
    if (chained.length > 0) reasons.push(`The ${plural(chained.length, 'chained file')} verified: every entry matches its hash and links to the one before it.`);
  } else if (files.length === 0) {
    integrity = 'unchained';
    reasons.push('No audit entries were read, so nothing could be verified.');
  } else {
    integrity = 'intact';
    if (chained.length > 0) reasons.push(`Integrity is intact: every entry of the ${plural(chained.length, 'chained file')} matches its hash and links to the entry before it.`);
    if (anchors.sealed) reasons.push('Every file matches the signed seal.');
  }
  const partial = chained.filter((f) => f.chain.uncoveredFields.length > 0);
  for (const file of partial) {
    reasons.push(
      `In ${file.path} the hash covers only ${file.chain.coveredFields.join(', ')}; ${file.chain.uncoveredFields.join(', ')} can be altered without the chain showing it.`,
    );
  }

  let completeness: Verdict['completeness'];
  const missing = findings.filter((f) => f.severity === 'critical' && COMPLETENESS_KINDS.has(f.kind));
  if (missing.length > 0) {
    completeness = 'incomplete';
    reasons.push(
      `The archive is incomplete: ${missing
        .slice(0, 3)
        .map((f) => f.detail)
        .join(' ')}`,
    );
  } else if (anchors.anchored || anchors.sealed) {
    completeness = 'confirmed';
    reasons.push(
      anchors.sealed
        ? 'Completeness is confirmed: every sealed file is present with its sealed size, line count and head hash.'
        : 'Completeness is confirmed: the archive ends at the trusted anchor (head hash and entry count match).',
    );
  } else {
    completeness = 'unconfirmed';
    reasons.push(
      'Completeness is unconfirmed: a hash chain cannot reveal entries deleted from the end of the archive, or a tail that was rewritten and re-chained. Compare it with a trusted anchor (--expect-head, --expect-lines) or a seal (--seal) to confirm nothing is missing.',
    );
  }
  return { integrity, completeness, reasons };
}
