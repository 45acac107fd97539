/**
 * Trusted anchors: a head hash and line count recorded somewhere the log's writer cannot reach
 * (a ticket, a printed report, a digest file — what CloudTrail's digests do). A chain alone cannot
 * reveal deleted newest entries or a re-chained tail; an anchor can.
 */
import type { Finding } from '../../../shared/findings.js';
import { makeFinding } from './file-verifier.js';

export interface AnchorExpectation {
  /** The hash the archive's newest entry must carry. */
  expectHead?: string;
  /** The number of non-blank lines the whole archive must have. */
  expectLines?: number;
}

export interface ArchiveEnd {
  /** The newest entry of the last chained file: its stored hash and where it is. */
  head: { file: string; line: number; hash: string } | null;
  /** Non-blank lines across all files. */
  lines: number;
  /** The file findings about the archive as a whole are attached to. */
  lastFile: string;
}

export function hasAnchor(expectation: AnchorExpectation): boolean {
  return expectation.expectHead !== undefined || expectation.expectLines !== undefined;
}

export function checkAnchors(end: ArchiveEnd, expectation: AnchorExpectation): Finding[] {
  const findings: Finding[] = [];
  if (expectation.expectHead !== undefined) {
    const expected = expectation.expectHead.trim().toLowerCase();
    if (end.head === null) {
      findings.push(makeFinding('anchor-mismatch', end.lastFile, null, 'An expected head hash was given, but no file in the archive carries a readable hash chain to compare it with.', { expected }));
    } else if (end.head.hash.toLowerCase() !== expected) {
      findings.push(
        makeFinding(
          'anchor-mismatch',
          end.head.file,
          end.head.line,
          'The newest entry does not carry the anchored head hash: entries were removed from the end, or the tail was rewritten and re-chained, after the anchor was taken.',
          { expected, found: end.head.hash },
        ),
      );
    }
  }
  if (expectation.expectLines !== undefined && end.lines !== expectation.expectLines) {
    const fewer = end.lines < expectation.expectLines;
    findings.push(
      makeFinding(
        'anchor-mismatch',
        end.lastFile,
        null,
        fewer
          ? `The archive has ${end.lines} entries but the anchor records ${expectation.expectLines}: ${expectation.expectLines - end.lines} entries are missing.`
          : `The archive has ${end.lines} entries but the anchor records ${expectation.expectLines}: ${end.lines - expectation.expectLines} entries were added after the anchor was taken (or it belongs to another archive).`,
        { expected: String(expectation.expectLines), found: String(end.lines) },
      ),
    );
  }
  return findings;
}
