/**
 * Incremental verification of one hash chain, fed one entry at a time.
 *
 * Each entry's stored hash is checked against its recomputed hash (hash-mismatch), and its
 * previous-hash link against the stored hash of the entry just before it (link-break). Links are
 * checked against the *stored* hash of the predecessor, which resynchronises the chain after any
 * break: a changed field yields one hash-mismatch at that line only, a deleted line one link-break
 * at the line after the gap, and the entries after a break are checked normally again.
 *
 * The verifier is resumable (`position` / `resume`): live tail continues a file from the last
 * verified hash and offset without re-reading it.
 */
import type { Finding } from '../../../shared/findings.js';
import { FINDING_SEVERITY } from '../../../shared/findings.js';
import type { ChainSpec } from '../formats/chain-spec.js';
import { lineDetail, type DetailText, type RangeFinding } from './line-refs.js';

/** What the verifier needs to know about one entry. */
export interface LinkRecord {
  line: number;
  /** The entry's stored hash field, or null when it is missing or not a string. */
  storedHash: string | null;
  /** The entry's previous-hash field, or null when it is missing or not a string. */
  previousHash: string | null;
  /** sha256 of the covered content, or null when it could not be computed (see `hashError`). */
  computedHash: string | null;
  hashError?: string;
}

/** Where a chain stands after some entries: enough to resume verification later. */
export interface ChainPosition {
  /** Stored hash of the last entry, or null when unknown (no entry yet, or the last line was unreadable). */
  lastHash: string | null;
  /** Stored hash of the last entry whose content verified (the chain head), or null. */
  headHash: string | null;
  /** 1-based line of the last entry, 0 before the first. */
  lastLine: number;
  /** Entries checked so far. */
  entries: number;
  /** Byte offset just after the last line read (for resuming a tail). */
  byteOffset: number;
}

/** How the first entry's link is judged. */
export type FirstLinkRule =
  /** It must equal the spec's genesis value. */
  | { kind: 'genesis' }
  /** It is not judged here (the caller links files or ranges together); `firstPreviousHash` records it. */
  | { kind: 'deferred' }
  /** It must continue a previously verified position (live tail, resumed file). */
  | { kind: 'resume'; position: ChainPosition };

const RECENT = 16;

function short(hash: string | null): string {
  if (hash === null) return '(none)';
  return hash.length > 16 ? `${hash.slice(0, 12)}…` : hash;
}

export class ChainVerifier {
  /** The first entry's previous-hash value and line, once seen. */
  firstLink: { line: number; previousHash: string | null } | null = null;
  /** True when an unreadable line came before the first entry: the first link cannot be judged. */
  firstLinkUnknown = false;
  private lastEntryLine = -1;
  private lastEntryHash: string | null = null;
  private lastHash: string | null;
  private lastHashKnown: boolean;
  private headHash: string | null;
  private lastLine: number;
  private entries: number;
  private byteOffset: number;
  /** The last RECENT stored hashes and their lines, a ring (filled from recentNext on), to explain link breaks. */
  private readonly recentHashes: string[] = [];
  private readonly recentLines: number[] = [];
  private recentNext = 0;

  constructor(
    private readonly file: string,
    private readonly spec: ChainSpec,
    private readonly firstRule: FirstLinkRule = { kind: 'genesis' },
    /** Lines are counted from a byte range's start: record the lines details name (line-refs.ts). */
    private readonly recordLineRefs = false,
  ) {
    const start = firstRule.kind === 'resume' ? firstRule.position : null;
    this.lastHash = start?.lastHash ?? null;
    this.lastHashKnown = start !== null && start.lastHash !== null;
    this.headHash = start?.headHash ?? null;
    this.lastLine = start?.lastLine ?? 0;
    this.entries = start?.entries ?? 0;
    this.byteOffset = start?.byteOffset ?? 0;
  }

  /** The newest entry's line and stored hash, whatever its state (anchors compare against it). */
  get lastEntry(): { line: number; hash: string | null } | null {
    return this.lastEntryLine < 0 ? null : { line: this.lastEntryLine, hash: this.lastEntryHash };
  }

  get position(): ChainPosition {
    return { lastHash: this.lastHashKnown ? this.lastHash : null, headHash: this.headHash, lastLine: this.lastLine, entries: this.entries, byteOffset: this.byteOffset };
  }

  /** An unreadable or unparseable line: the next entry's link cannot be judged (that line already has its finding). */
  interrupt(line: number, byteEnd?: number): void {
    if (this.entries === 0 && this.firstLink === null) this.firstLinkUnknown = true;
    this.lastHashKnown = false;
    this.lastHash = null;
    this.lastLine = line;
    if (byteEnd !== undefined) this.byteOffset = byteEnd;
  }

  /** Checks one entry; returns its findings (empty when it verifies). */
  accept(record: LinkRecord, byteEnd?: number): Finding[] {
    const findings: Finding[] = [];
    const { hashField, previousHashField } = this.spec;
    const isFirst = this.entries === 0 && this.firstLink === null && this.firstRule.kind !== 'resume';

    // 1. Content against its own recorded hash.
    let contentVerified = false;
    if (record.storedHash === null) {
      findings.push(this.finding('hash-mismatch', record.line, `The entry has no "${hashField}" text field, so its content cannot be checked.`, undefined, record.computedHash ?? undefined));
    } else if (record.computedHash === null) {
      findings.push(this.finding('hash-mismatch', record.line, `The entry's content cannot be serialized canonically (${record.hashError ?? 'unsupported value'}), so it cannot match its recorded hash.`, record.storedHash));
    } else if (record.computedHash !== record.storedHash) {
      findings.push(
        this.finding(
          'hash-mismatch',
          record.line,
          `The entry's content does not match its recorded "${hashField}": a field was changed after the entry was written.`,
          record.storedHash,
          record.computedHash,
        ),
      );
    } else {
      contentVerified = true;
    }

    // 2. Link to the entry before it.
    if (isFirst) {
      this.firstLink = { line: record.line, previousHash: record.previousHash };
      if (this.firstRule.kind === 'genesis' && !this.firstLinkUnknown) findings.push(...this.checkGenesis(record));
    } else if (this.lastHashKnown) {
      const expected = this.lastHash as string;
      if (record.previousHash === null) {
        findings.push(this.finding('link-break', record.line, lineDetail`The entry has no "${previousHashField}" text field, so it does not link to the entry at line ${this.lastLine}.`, expected));
      } else if (record.previousHash !== expected) {
        findings.push(this.finding('link-break', record.line, this.describeBreak(record), expected, record.previousHash));
      }
    }

    // 3. Resynchronise on this entry, whatever happened above.
    this.advance(record.line, record.storedHash, contentVerified, byteEnd);
    return findings;
  }

  /**
   * The previous-hash value that links the next entry, or null when the next entry's link is not a
   * plain comparison (the first entry, or after an unreadable line): accept() judges those.
   */
  get expectedLink(): string | null {
    if (!this.lastHashKnown || (this.entries === 0 && this.firstLink === null && this.firstRule.kind !== 'resume')) return null;
    return this.lastHash;
  }

  /**
   * accept() for an entry the caller has already checked: its recomputed hash equals `storedHash`
   * and its previous-hash equals expectedLink. No findings; the hot loop of range verification.
   */
  acceptLinked(line: number, storedHash: string, byteEnd?: number): void {
    this.advance(line, storedHash, true, byteEnd);
  }

  private advance(line: number, storedHash: string | null, contentVerified: boolean, byteEnd: number | undefined): void {
    this.lastHash = storedHash;
    this.lastHashKnown = storedHash !== null;
    if (contentVerified) this.headHash = storedHash;
    this.lastLine = line;
    this.lastEntryLine = line;
    this.lastEntryHash = storedHash;
    this.entries++;
    if (byteEnd !== undefined) this.byteOffset = byteEnd;
    if (storedHash !== null) {
      this.recentHashes[this.recentNext] = storedHash;
      this.recentLines[this.recentNext] = line;
      this.recentNext = (this.recentNext + 1) % RECENT;
    }
  }

  private checkGenesis(record: LinkRecord): Finding[] {
    if (record.previousHash === this.spec.genesis) return [];
    return [
      this.finding(
        'link-break',
        record.line,
        `The first entry should link to "${this.spec.genesis}" but links to ${short(record.previousHash)}: entries before it are missing, or the file starts in the middle of a chain.`,
        this.spec.genesis,
        record.previousHash ?? undefined,
      ),
    ];
  }

  private describeBreak(record: LinkRecord): DetailText {
    const previous = record.previousHash as string;
    if (previous === this.spec.genesis) {
      return lineDetail`The entry restarts the chain from "${this.spec.genesis}" instead of linking to line ${this.lastLine}: the chain was restarted or entries before it were replaced.`;
    }
    const earlier = this.recentLineOf(previous);
    if (earlier !== null) {
      return lineDetail`The entry links to the entry at line ${earlier}, not to line ${this.lastLine} just before it: entries were inserted, moved or reordered between them.`;
    }
    return lineDetail`The entry does not link to the entry at line ${this.lastLine} before it: one or more entries were deleted just before this line, or this line was moved or inserted here.`;
  }

  /** The line of the oldest of the recent entries stored with `hash`, other than the last one; null if none. */
  private recentLineOf(hash: string): number | null {
    for (let k = 0; k < this.recentHashes.length; k++) {
      const at = (this.recentNext + k) % this.recentHashes.length;
      const line = this.recentLines[at] as number;
      if (this.recentHashes[at] === hash && line !== this.lastLine) return line;
    }
    return null;
  }

  private finding(kind: 'hash-mismatch' | 'link-break', line: number, detail: string | DetailText, expected?: string, found?: string): Finding {
    const finding: RangeFinding = { kind, severity: FINDING_SEVERITY[kind], file: this.file, line, detail: typeof detail === 'string' ? detail : detail.text };
    if (this.recordLineRefs && typeof detail !== 'string' && detail.lineRefs.length > 0) finding.lineRefs = detail.lineRefs;
    if (expected !== undefined) finding.expected = expected;
    if (found !== undefined) finding.found = found;
    return finding;
  }
}
