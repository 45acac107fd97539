/**
 * Links files into chains. A daily-rotated log (`audit-2026-07-13.jsonl`, `audit-2026-07-14.jsonl`, …)
 * is one chain spread over files: each file's first entry must continue from the previous file's last
 * hash (continuity-break otherwise), the series' first entry must start at genesis, and a missing
 * day is a file-gap. A single file is a series of one.
 */
import { basename, dirname, join } from 'node:path';
import type { Finding } from '../../../shared/findings.js';
import type { ChainSpec } from '../formats/chain-spec.js';
import { makeFinding, type VerifiedSpan } from './file-verifier.js';

export interface SeriesMember {
  path: string;
  span: VerifiedSpan;
  spec: ChainSpec | null;
}

const DATE_IN_NAME = /(\d{4})-(\d{2})-(\d{2})/;
const DAY_MS = 86_400_000;

/** The date a daily file's name carries, as UTC midnight ms, or null. */
export function dateOfName(path: string): number | null {
  const match = DATE_IN_NAME.exec(basename(path));
  if (!match) return null;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(ms) ? null : ms;
}

function seriesKey(member: SeriesMember): string {
  const name = basename(member.path).replace(/\.gz$/i, '').replace(DATE_IN_NAME, '#');
  return `${dirname(member.path)}\u0000${name}\u0000${member.span.format ?? '?'}`;
}

/** Consecutive members of the same folder, name pattern and format. */
export function groupSeries(members: readonly SeriesMember[]): SeriesMember[][] {
  const groups: SeriesMember[][] = [];
  let key: string | null = null;
  for (const member of members) {
    const k = seriesKey(member);
    const last = groups[groups.length - 1];
    if (k === key && last) last.push(member);
    else groups.push([member]);
    key = k;
  }
  return groups;
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Findings that only appear when files are considered together. */
export function checkSeries(members: readonly SeriesMember[]): Finding[] {
  const findings: Finding[] = [];
  for (const group of groupSeries(members)) {
    const spec = group[0]?.spec ?? null;
    const withEntries = group.filter((m) => m.span.entries > 0);
    // Loggers that start a fresh chain in every file: each file is its own chain.
    const independent = spec !== null && withEntries.length > 1 && withEntries.every((m) => m.span.firstLinkUnknown || m.span.firstLink?.previousHash === spec.genesis);
    const continuous = new Set<SeriesMember>(); // members whose link from the previous file held
    let previous: SeriesMember | null = null;
    for (const member of withEntries) {
      const { span } = member;
      if (spec && span.firstLink && !span.firstLinkUnknown) {
        const found = span.firstLink.previousHash;
        if (previous === null || independent) {
          if (found !== spec.genesis) {
            findings.push(
              makeFinding(
                'link-break',
                member.path,
                span.firstLink.line,
                `The first entry should link to "${spec.genesis}" but links elsewhere: entries before it are missing, or the file starts in the middle of a chain (an earlier file may be missing).`,
                { expected: spec.genesis, found: found ?? undefined },
              ),
            );
          }
        } else if (previous.span.lastHashKnown && previous.span.lastHash !== null) {
          if (found === previous.span.lastHash) continuous.add(member);
          else {
            const previousName = basename(previous.path);
            findings.push(
              makeFinding(
                'continuity-break',
                member.path,
                span.firstLink.line,
                found === spec.genesis
                  ? `The chain restarts from "${spec.genesis}" here instead of continuing from the last entry of ${previousName}: the chain was restarted, or entries or files between them were replaced.`
                  : `The first entry does not continue from the last entry of ${previousName}: entries at the end of that file, or a whole file between them, are missing or were replaced.`,
                { expected: previous.span.lastHash, found: found ?? undefined },
              ),
            );
          }
        }
      }
      previous = member;
    }
    findings.push(...checkGaps(group, spec !== null && !independent ? continuous : null));
  }
  return findings;
}

/** The name a missing day's file would have, following the pattern of `neighbour`. */
function missingFileName(neighbour: string, dayMs: number): string {
  return join(dirname(neighbour), basename(neighbour).replace(DATE_IN_NAME, day(dayMs)));
}

/** Individual findings for up to this many missing days in one gap; longer gaps get one finding. */
const MAX_GAP_FINDINGS = 31;

function checkGaps(group: readonly SeriesMember[], continuous: ReadonlySet<SeriesMember> | null): Finding[] {
  const findings: Finding[] = [];
  let previous: { member: SeriesMember; date: number } | null = null;
  for (const member of group) {
    const date = dateOfName(member.path);
    if (date === null) continue;
    if (previous && date - previous.date > DAY_MS) {
      const missingDays = Math.round((date - previous.date) / DAY_MS) - 1;
      const between = `between ${basename(previous.member.path)} and ${basename(member.path)}`;
      const chainHeld = continuous?.has(member) ?? false;
      const consequence = chainHeld
        ? 'but the hash chain continues across the gap, so no chained entries are missing: most likely a day without activity.'
        : "that day's log may have been removed.";
      const extra = chainHeld ? { severity: 'info' as const } : {};
      if (missingDays <= MAX_GAP_FINDINGS) {
        for (let d = 1; d <= missingDays; d++) {
          const missing = previous.date + d * DAY_MS;
          findings.push(makeFinding('file-gap', missingFileName(member.path, missing), null, `No file for ${day(missing)} (${between}): ${consequence}`, extra));
        }
      } else {
        const from = day(previous.date + DAY_MS);
        const to = day(date - DAY_MS);
        findings.push(makeFinding('file-gap', member.path, null, `No files for the ${missingDays} days ${from} to ${to} (${between}): ${consequence}`, extra));
      }
    }
    previous = { member, date };
  }
  return findings;
}
