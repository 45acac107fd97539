/**
 * The incremental verifier live tail builds on: entries fed one at a time, resumable from a saved
 * position, with one finding per tamper (no cascade after a break).
 */
import { describe, expect, it } from 'vitest';
import { chainEntry, chainedEntry, GENESIS } from '../../main/core/fixtures/lesson-formats.js';
import { MedicalTimeline } from '../../main/core/fixtures/medical-timeline.js';
import { NO_SCENARIOS } from '../../main/core/fixtures/manifest.js';
import { parseIsoToMicros } from '../../main/core/fixtures/clock.js';
import { CHAINED_SPEC } from '../../main/core/formats/chain-spec.js';
import { parsePyJson } from '../../main/core/json/parse.js';
import type { PyObject } from '../../main/core/json/py-value.js';
import { ChainVerifier, type ChainPosition } from '../../main/core/verify/chain-verifier.js';
import { linkRecordOf } from '../../main/core/verify/file-verifier.js';

function entries(count: number): PyObject[] {
  const calls = [...new MedicalTimeline({ seed: 4, entries: count, firstDayMicros: parseIsoToMicros('2026-07-13T00:00:00Z'), days: 1, scenario: NO_SCENARIOS }).calls()];
  let previous = GENESIS;
  return calls.map((call) => {
    const { line, hash } = chainEntry(chainedEntry(call), previous);
    previous = hash;
    return parsePyJson(line).value as PyObject;
  });
}

const feed = (verifier: ChainVerifier, list: PyObject[], firstLine: number): string[] =>
  list.flatMap((entry, i) => verifier.accept(linkRecordOf(entry, CHAINED_SPEC, firstLine + i)).map((f) => `${f.kind}:${f.line}`));

describe('ChainVerifier', () => {
  const chain = entries(30);

  it('verifies a chain from genesis, and resumes from a saved position exactly where it stopped', () => {
    const first = new ChainVerifier('f', CHAINED_SPEC, { kind: 'genesis' });
    expect(feed(first, chain.slice(0, 12), 1)).toEqual([]);
    const saved: ChainPosition = JSON.parse(JSON.stringify(first.position)) as ChainPosition;
    expect(saved).toMatchObject({ lastLine: 12, entries: 12, lastHash: chain[11]?.get('_hash') });
    const resumed = new ChainVerifier('f', CHAINED_SPEC, { kind: 'resume', position: saved });
    expect(feed(resumed, chain.slice(12), 13)).toEqual([]);
    expect(resumed.position.headHash).toBe(chain[29]?.get('_hash'));
  });

  it('a resumed verifier catches an entry deleted right at the resume point', () => {
    const first = new ChainVerifier('f', CHAINED_SPEC);
    feed(first, chain.slice(0, 12), 1);
    const resumed = new ChainVerifier('f', CHAINED_SPEC, { kind: 'resume', position: first.position });
    expect(feed(resumed, chain.slice(13), 13)).toEqual(['link-break:13']);
  });

  it('after a break it resynchronises: one finding per tamper, not a cascade', () => {
    const tampered = chain.slice();
    tampered.splice(5, 1); // delete
    const modified = new Map(tampered[10]);
    modified.set('user_id', 'usr_99999');
    tampered[10] = modified; // modify
    const verifier = new ChainVerifier('f', CHAINED_SPEC);
    expect(feed(verifier, tampered, 1)).toEqual(['link-break:6', 'hash-mismatch:11']);
    // The head is the last entry whose content verified.
    expect(verifier.position.headHash).toBe(chain[29]?.get('_hash'));
  });

  it('an unreadable line suspends only the next link check', () => {
    const verifier = new ChainVerifier('f', CHAINED_SPEC);
    feed(verifier, chain.slice(0, 3), 1);
    verifier.interrupt(4);
    expect(feed(verifier, chain.slice(4, 8), 5)).toEqual([]);
    expect(verifier.position.lastLine).toBe(8);
  });

  it('a first entry that does not link to genesis is a link-break naming both values', () => {
    const verifier = new ChainVerifier('f', CHAINED_SPEC, { kind: 'genesis' });
    const findings = verifier.accept(linkRecordOf(chain[3] as PyObject, CHAINED_SPEC, 1));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ kind: 'link-break', line: 1, expected: 'genesis', found: chain[2]?.get('_hash') });
  });

  it('offers the shortcut for pre-checked entries only where a link is a plain comparison, and it leaves the same state as accept', () => {
    const viaAccept = new ChainVerifier('f', CHAINED_SPEC, { kind: 'deferred' });
    const viaShortcut = new ChainVerifier('f', CHAINED_SPEC, { kind: 'deferred' });
    expect(viaShortcut.expectedLink).toBeNull(); // the first entry's link is judged by accept (deferred here)
    feed(viaAccept, chain.slice(0, 10), 1);
    feed(viaShortcut, chain.slice(0, 1), 1);
    chain.slice(1, 10).forEach((entry, i) => {
      expect(viaShortcut.expectedLink).toBe(chain[i]?.get('_hash'));
      viaShortcut.acceptLinked(i + 2, entry.get('_hash') as string, 100 * (i + 2));
    });
    expect({ ...viaShortcut.position, byteOffset: 0 }).toEqual({ ...viaAccept.position, byteOffset: 0 });
    expect(viaShortcut.position.byteOffset).toBe(1000);
    expect(viaShortcut.lastEntry).toEqual(viaAccept.lastEntry);
    expect(viaShortcut.firstLink).toEqual(viaAccept.firstLink);
    // A link break after shortcut entries still names the earlier line it links to (the recent-hash ring is kept).
    expect(viaShortcut.accept(linkRecordOf(chain[9] as PyObject, CHAINED_SPEC, 11))[0]?.detail).toContain('links to the entry at line 9');
    viaShortcut.interrupt(12);
    expect(viaShortcut.expectedLink).toBeNull(); // after an unreadable line the next link cannot be judged
  });
});
