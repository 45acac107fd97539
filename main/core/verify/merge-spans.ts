/**
 * Joins spans of one file that were verified separately (in parallel, by byte range) into the
 * span the whole file would have given: line numbers are shifted, and the links and time order
 * across each boundary are checked here — the cheap, sequential part of verification.
 */
import type { Finding } from '../../../shared/findings.js';
import type { ChainSpec } from '../formats/chain-spec.js';
import { makeFinding, type VerifiedSpan } from './file-verifier.js';
import { shiftRangeFinding } from './line-refs.js';


/** Merges `spans` (in file order, each numbered from line 1) of `file`. */
export function mergeSpans(file: string, spec: ChainSpec | null, spans: readonly VerifiedSpan[]): VerifiedSpan {
  const first = spans[0];
  if (!first) throw new Error('mergeSpans needs at least one span');
  const merged: VerifiedSpan = { ...first, findings: first.findings.map((finding) => shiftRangeFinding(finding, 0)), seenFields: [...first.seenFields] };
  const seen = new Set(first.seenFields);
  let base = first.physicalLines;
  for (const span of spans.slice(1)) {
    const boundary: Finding[] = [];
    // Link across the boundary.
    if (spec && span.firstLink && !span.firstLinkUnknown) {
      if (merged.entries === 0 && merged.lines === 0 && merged.firstLink === null) {
        merged.firstLink = { line: span.firstLink.line + base, previousHash: span.firstLink.previousHash };
      } else if (merged.lastHashKnown && merged.lastHash !== null && span.firstLink.previousHash !== merged.lastHash) {
        const line = span.firstLink.line + base;
        const before = merged.lastEntry === null ? 'the entry before it' : `the entry at line ${merged.lastEntry.line} before it`;
        boundary.push(
          makeFinding(
            'link-break',
            file,
            line,
            span.firstLink.previousHash === null
              ? `The entry has no "${spec.previousHashField}" text field, so it does not link to ${before}.`
              : span.firstLink.previousHash === spec.genesis
                ? `The entry restarts the chain from "${spec.genesis}" instead of linking to ${before}: the chain was restarted or entries before it were replaced.`
                : `The entry does not link to ${before}: one or more entries were deleted just before this line, or this line was moved or inserted here.`,
            { expected: merged.lastHash, found: span.firstLink.previousHash ?? undefined },
          ),
        );
      }
    } else if (spec && span.firstLinkUnknown && merged.firstLink === null && merged.entries === 0) {
      merged.firstLinkUnknown = true;
    }
    // Time order across the boundary.
    if (merged.lastTime && span.firstTime && span.firstTime.ms < merged.lastTime.ms) {
      boundary.push(
        makeFinding('timestamp-regression', file, span.firstTime.line + base, `Time goes backwards: ${span.firstTime.raw} is earlier than ${merged.lastTime.raw} at line ${merged.lastTime.line}.`, {
          expected: `≥ ${new Date(merged.lastTime.ms).toISOString()}`,
          found: new Date(span.firstTime.ms).toISOString(),
        }),
      );
    }
    merged.findings.push(...span.findings.map((f) => shiftRangeFinding(f, base)).concat(boundary).sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
    if (merged.format === null && span.format !== null) {
      merged.format = span.format;
      merged.formatReason = span.formatReason;
    }
    merged.entries += span.entries;
    merged.lines += span.lines;
    if (span.entries > 0 || span.lines > 0) {
      if (span.entries > 0 || !span.lastHashKnown) {
        merged.lastHash = span.lastHash;
        merged.lastHashKnown = span.lastHashKnown;
      }
      if (span.headHash !== null) merged.headHash = span.headHash;
      if (span.lastEntry !== null) merged.lastEntry = { ...span.lastEntry, line: span.lastEntry.line + base };
    }
    for (const field of span.seenFields) {
      if (seen.has(field)) continue;
      seen.add(field);
      merged.seenFields.push(field);
    }
    if (span.firstTime && !merged.firstTime) merged.firstTime = { ...span.firstTime, line: span.firstTime.line + base };
    if (span.lastTime) merged.lastTime = { ...span.lastTime, line: span.lastTime.line + base };
    if (span.minTimeMs !== null && (merged.minTimeMs === null || span.minTimeMs < merged.minTimeMs)) merged.minTimeMs = span.minTimeMs;
    if (span.maxTimeMs !== null && (merged.maxTimeMs === null || span.maxTimeMs > merged.maxTimeMs)) merged.maxTimeMs = span.maxTimeMs;
    base += span.physicalLines;
    merged.physicalLines = base;
  }
  return merged;
}
