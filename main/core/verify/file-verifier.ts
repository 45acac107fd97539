/**
 * Verifies the lines of one file (or one byte range of it) in order: decoding, parsing, format
 * detection, hash chain and time order. Its result, a VerifiedSpan, is plain data so that spans
 * verified in parallel can be merged (merge-spans.ts) and files linked into series (series.ts).
 */
import { isUtf8 } from 'node:buffer';
import type { Finding, FindingKind } from '../../../shared/findings.js';
import { FINDING_SEVERITY } from '../../../shared/findings.js';
import type { FormatId, GenericMapping } from '../../../shared/formats.js';
import { canonicalText, chainSpecFor, sha256Hex, type ChainSpec } from '../formats/chain-spec.js';
import { detectFormat, timestampPath } from '../formats/detect.js';
import { getAtPath, splitFieldPath } from '../formats/field-path.js';
import { canonicalWithout, NOT_A_STRING, scanCanonical, scannedCanonical, scannedField, scannedFieldIs, scannedRemoved } from '../json/fast-canonical.js';
import { JsonSyntaxError, parsePyJson } from '../json/parse.js';
import { pyTypeName, type PyObject, type PyValue } from '../json/py-value.js';
import type { RawLine } from '../reader/line-splitter.js';
import { ChainVerifier, type FirstLinkRule, type LinkRecord } from './chain-verifier.js';
import { TimestampCache } from './timestamp-cache.js';
import { lineDetail, type RangeFinding } from './line-refs.js';

export interface TimePoint {
  ms: number;
  raw: string;
  line: number;
}

/** The outcome of verifying a file or a contiguous range of one, with lines numbered within it. */
export interface VerifiedSpan {
  format: FormatId | null;
  /** Why the format was chosen (or why none was). */
  formatReason: string | null;
  /** Parsed entries. */
  entries: number;
  /** Non-blank lines. */
  lines: number;
  /** Physical lines, blank ones included (for numbering the next span). */
  physicalLines: number;
  findings: Finding[];
  /** The first entry's previous-hash, unless an unreadable line came first (`firstLinkUnknown`). */
  firstLink: { line: number; previousHash: string | null } | null;
  firstLinkUnknown: boolean;
  /** Stored hash of the last entry, or null if unknown (no entries, or the last line was unreadable). */
  lastHash: string | null;
  /** True when no line after the last entry was unreadable. */
  lastHashKnown: boolean;
  /** Stored hash of the last entry whose content verified. */
  headHash: string | null;
  /** The newest entry's line and stored hash, even if the lines after it could not be read. */
  lastEntry: { line: number; hash: string | null } | null;
  seenFields: string[];
  firstTime: TimePoint | null;
  lastTime: TimePoint | null;
  minTimeMs: number | null;
  maxTimeMs: number | null;
}

export interface FileVerifierOptions {
  /** Path reported in findings. */
  file: string;
  /** A forced or already-detected format; otherwise detected from the first parseable entry. */
  format?: FormatId;
  /** Why `format` was chosen, for the report (default: "chosen with --format"). */
  formatReason?: string;
  mapping?: GenericMapping;
  /** How the first entry's link is judged; default deferred to the series check. */
  firstLink?: FirstLinkRule;
  /**
   * Callers that need each entry's parsed value (the store) set this. Without it, chains hashed
   * over all fields in python-json form are verified straight from the line bytes where possible.
   */
  needValues?: boolean;
  /** Lines are counted from the start of a byte range: details that name other lines say where (line-refs.ts). */
  rangeLines?: boolean;
}

/** What one line yielded. */
export interface LineOutcome {
  /** The line is an entry (a JSON object). */
  entry: boolean;
  /** The parsed entry; null for a line that is not an entry, or one verified on the fast path (values not wanted). */
  value: PyObject | null;
  findings: Finding[];
}

export function makeFinding(kind: FindingKind, file: string, line: number | null, detail: string, extra: { expected?: string; found?: string; severity?: Finding['severity'] } = {}): Finding {
  const finding: Finding = { kind, severity: extra.severity ?? FINDING_SEVERITY[kind], file, line, detail };
  if (extra.expected !== undefined) finding.expected = extra.expected;
  if (extra.found !== undefined) finding.found = extra.found;
  return finding;
}

function describeTime(ms: number): string {
  return new Date(ms).toISOString();
}

export class FileVerifier {
  private format: FormatId | null;
  private formatReason: string | null = null;
  private formatDecided: boolean;
  private spec: ChainSpec | null = null;
  private chain: ChainVerifier | null = null;
  private timePath: string | null = null;
  private readonly findings: Finding[] = [];
  private readonly seenFields = new Set<string>();
  private trackFields = true;
  private fast = false;
  /** Top-level fields the fast path reads along: the previous hash, then the time (when it is top-level). */
  private fastFields: readonly string[] = [];
  private readonly times = new TimestampCache();
  private wholeEntryPythonHash = false;
  private entries = 0;
  private lines = 0;
  private physicalLines = 0;
  private pendingInterrupt: { line: number; byteEnd: number } | null = null;
  private sawUnreadableBeforeChain = false;
  private firstTime: TimePoint | null = null;
  private lastTimeMs = 0;
  private lastTimeRaw = '';
  private lastTimeLine = -1;
  private minTimeMs: number | null = null;
  private maxTimeMs: number | null = null;

  constructor(private readonly options: FileVerifierOptions) {
    this.format = options.format ?? null;
    this.formatDecided = options.format !== undefined;
    if (options.format !== undefined) this.useFormat(options.format, options.formatReason ?? 'chosen with --format');
  }

  get detectedFormat(): FormatId | null {
    return this.format;
  }

  get chainSpec(): ChainSpec | null {
    return this.spec;
  }

  /** Verifies one line; returns its findings and parsed value. */
  acceptLine(raw: RawLine): LineOutcome {
    this.lines++;
    this.physicalLines = raw.line;
    const byteEnd = raw.byteOffset + raw.byteLength + (raw.terminated ? 1 : 0);
    if (this.fast && !raw.tooLong) {
      const findings = this.verifyInPlace(raw.bytes, 0, raw.bytes.length, raw.line, byteEnd);
      if (findings) return { entry: true, value: null, findings };
    }
    return this.acceptParsed(raw, byteEnd);
  }

  /**
   * acceptLine for a terminated line given as bytes[start, end) of the caller's chunk (range
   * verification's hot loop, see LineSplitter.pushEach): the fast path reads it in place, without
   * an object per line; the bytes are not kept.
   */
  acceptBytes(bytes: Buffer, start: number, end: number, line: number, byteOffset: number): void {
    this.lines++;
    this.physicalLines = line;
    const byteEnd = byteOffset + (end - start) + 1;
    if (this.fast && this.verifyInPlace(bytes, start, end, line, byteEnd) !== null) return;
    this.acceptParsed({ line, byteOffset, byteLength: end - start, bytes: bytes.subarray(start, end), terminated: true, tooLong: false }, byteEnd);
  }

  /** The full path: decode, parse, detect, link, time. */
  private acceptParsed(raw: RawLine, byteEnd: number): LineOutcome {
    const problem = this.decodeProblem(raw);
    let value: PyObject | null = null;
    let duplicateKeys: string[] = [];
    const findings: Finding[] = [];
    if (problem) {
      findings.push(makeFinding('parse-error', this.options.file, raw.line, problem));
    } else {
      try {
        const parsed = parsePyJson(raw.bytes.toString('utf8'));
        if (parsed.value instanceof Map) {
          value = parsed.value;
          duplicateKeys = parsed.duplicateKeys;
        } else {
          findings.push(makeFinding('parse-error', this.options.file, raw.line, `The line is valid JSON but a ${pyTypeName(parsed.value)}, not an object, so it is not an audit entry.`));
        }
      } catch (error) {
        if (!(error instanceof JsonSyntaxError)) throw error;
        const detail = raw.terminated
          ? `The line is not valid JSON: ${error.reason} (column ${error.column}).`
          : `The last line ends without a newline and is not complete JSON (${error.reason}, column ${error.column}): the file was cut off mid-write.`;
        findings.push(makeFinding('parse-error', this.options.file, raw.line, detail));
      }
    }
    if (value === null) {
      if (this.chain) this.chain.interrupt(raw.line, byteEnd);
      else this.sawUnreadableBeforeChain = true;
      this.findings.push(...findings);
      return { entry: false, value: null, findings };
    }

    this.entries++;
    if (duplicateKeys.length > 0) {
      const keys = [...new Set(duplicateKeys)].map((k) => JSON.stringify(k)).join(', ');
      findings.push(makeFinding('duplicate-key', this.options.file, raw.line, `An object in this entry names ${keys} more than once; as in Python, the last value is used.`));
    }
    if (!this.formatDecided) this.detect(value, raw.line, findings);
    if (this.format !== null) {
      if (this.trackFields) for (const key of value.keys()) this.seenFields.add(key);
      if (this.chain && this.spec) findings.push(...this.chain.accept(this.linkRecord(value, raw), byteEnd));
      if (this.timePath) this.checkTime(value, raw.line, findings);
    }
    this.findings.push(...findings);
    return { entry: true, value, findings };
  }

  /** The entry's chain facts; whole-entry python-json hashes come straight from the line bytes when possible. */
  private linkRecord(value: PyObject, raw: RawLine): LinkRecord {
    const spec = this.spec as ChainSpec;
    if (this.wholeEntryPythonHash) {
      const fast = hashFromBytes(raw.bytes, spec.hashField);
      if (fast) {
        const previous = value.get(spec.previousHashField);
        return { line: raw.line, storedHash: fast.removed, previousHash: typeof previous === 'string' ? previous : null, computedHash: fast.computed };
      }
    }
    return linkRecordOf(value, spec, raw.line);
  }

  /**
   * The fast path: canonical bytes straight from the line (canonicalWithout), with the link and the
   * time read in the same pass. Null when it cannot vouch for the answer; the line then takes the full parse.
   */
  private verifyInPlace(bytes: Buffer, start: number, end: number, line: number, byteEnd: number): Finding[] | null {
    const spec = this.spec as ChainSpec;
    if (!scanCanonical(bytes, start, end, spec.hashField, this.fastFields)) return null;
    let time: string | null = null;
    if (this.timePath !== null) {
      const found = scannedField(1);
      if (found === NOT_A_STRING) return null; // e.g. epoch seconds: the full path reads those
      time = found;
    }
    const stored = scannedRemoved();
    const computed = sha256Hex(scannedCanonical());
    this.entries++;
    const chain = this.chain as ChainVerifier;
    const expected = chain.expectedLink;
    let findings: Finding[];
    if (stored !== null && computed === stored && expected !== null && scannedFieldIs(0, expected)) {
      // The common case, settled without the previous hash as a string.
      chain.acceptLinked(line, stored, byteEnd);
      findings = [];
    } else {
      const previous = scannedField(0);
      findings = chain.accept({ line, storedHash: stored, previousHash: typeof previous === 'string' ? previous : null, computedHash: computed }, byteEnd);
    }
    if (time !== null) this.checkTimeValue(time, line, findings);
    if (findings.length > 0) this.findings.push(...findings);
    return findings;
  }

  /** Records that the input ended at physical line `physicalLines` (counting trailing blank lines). */
  setPhysicalLines(physicalLines: number): void {
    this.physicalLines = Math.max(this.physicalLines, physicalLines);
  }

  /** Adds a finding found outside line checks (e.g. the file could not be read to its end). */
  addFinding(finding: Finding): void {
    this.findings.push(finding);
  }

  finish(): VerifiedSpan {
    const chain = this.chain;
    const position = chain?.position;
    return {
      format: this.format,
      formatReason: this.formatReason,
      entries: this.entries,
      lines: this.lines,
      physicalLines: this.physicalLines,
      findings: this.findings,
      firstLink: chain?.firstLink ?? null,
      firstLinkUnknown: (chain?.firstLinkUnknown ?? false) || this.sawUnreadableBeforeChain,
      lastHash: position?.lastHash ?? null,
      lastHashKnown: position ? position.lastHash !== null : false,
      headHash: position?.headHash ?? null,
      lastEntry: chain?.lastEntry ?? null,
      seenFields: [...this.seenFields],
      firstTime: this.firstTime,
      lastTime: this.lastTimeLine < 0 ? null : { ms: this.lastTimeMs, raw: this.lastTimeRaw, line: this.lastTimeLine },
      minTimeMs: this.minTimeMs,
      maxTimeMs: this.maxTimeMs,
    };
  }

  private useFormat(format: FormatId, reason: string): void {
    this.format = format;
    this.formatReason = reason;
    this.formatDecided = true;
    this.spec = chainSpecFor(format, this.options.mapping);
    this.chain = this.spec ? new ChainVerifier(this.options.file, this.spec, this.options.firstLink ?? { kind: 'deferred' }, this.options.rangeLines === true) : null;
    if (this.chain && this.sawUnreadableBeforeChain) this.chain.interrupt(0);
    this.timePath = timestampPath(format, this.options.mapping);
    this.trackFields = this.spec === null || this.spec.covered !== 'all-but-hash';
    this.wholeEntryPythonHash = this.spec !== null && this.spec.covered === 'all-but-hash' && this.spec.canonical === 'python-json';
    // Fast path: whole-entry python-json chains, when values are not wanted and the time is a top-level field.
    this.fast = !this.options.needValues && this.wholeEntryPythonHash && (this.timePath === null || splitFieldPath(this.timePath).length === 1);
    // The time path is one segment here: its key name (a path's `\.` is a literal dot).
    if (this.fast && this.spec) this.fastFields = this.timePath === null ? [this.spec.previousHashField] : [this.spec.previousHashField, splitFieldPath(this.timePath)[0] as string];
  }

  private detect(value: PyObject, line: number, findings: Finding[]): void {
    const detection = detectFormat(value, this.options.mapping);
    if (detection.format) {
      this.useFormat(detection.format, detection.reason);
    } else {
      this.formatDecided = true;
      this.formatReason = detection.reason;
      findings.push(makeFinding('unknown-format', this.options.file, line, `Unknown log format: ${detection.reason}.`));
    }
  }

  private decodeProblem(raw: RawLine): string | null {
    if (raw.tooLong) return `The line is ${raw.byteLength} bytes long, over Custos's limit for one entry, and was skipped.`;
    const nul = raw.bytes.indexOf(0);
    if (nul !== -1) return `The line contains NUL bytes (the first at byte ${nul + 1} of the line): the file is damaged, for example by a crash or disk error during a write.`;
    if (!isUtf8(raw.bytes)) return 'The line is not valid UTF-8 text: it was damaged or written in another encoding.';
    return null;
  }

  private checkTime(value: PyObject, line: number, findings: Finding[]): void {
    this.checkTimeValue(getAtPath(value, this.timePath as string), line, findings);
  }

  private checkTimeValue(raw: PyValue | undefined, line: number, findings: Finding[]): void {
    const ms = this.times.ms(raw);
    if (ms === null) return; // the normalizer reports unusable timestamps (bad-timestamp)
    const text = typeof raw === 'string' ? raw : String(raw);
    if (this.lastTimeLine >= 0 && ms < this.lastTimeMs) {
      const detail = lineDetail`Time goes backwards: ${text} is earlier than ${this.lastTimeRaw} at line ${this.lastTimeLine}.`;
      const finding: RangeFinding = makeFinding('timestamp-regression', this.options.file, line, detail.text, { expected: `≥ ${describeTime(this.lastTimeMs)}`, found: describeTime(ms) });
      if (this.options.rangeLines) finding.lineRefs = detail.lineRefs;
      findings.push(finding);
    }
    if (!this.firstTime) this.firstTime = { ms, raw: text, line };
    // The newest time as three fields, not an object per line: this runs for every entry.
    this.lastTimeMs = ms;
    this.lastTimeRaw = text;
    this.lastTimeLine = line;
    if (this.minTimeMs === null || ms < this.minTimeMs) this.minTimeMs = ms;
    if (this.maxTimeMs === null || ms > this.maxTimeMs) this.maxTimeMs = ms;
  }
}

/**
 * Canonical bytes (without the hash field), the stored hash and the recomputed hash, straight from
 * a line's bytes with the single-pass canonicalizer. Null when it cannot vouch for the line: parse it.
 */
export function hashFromBytes(line: Buffer, hashField: string): { canonical: Buffer; removed: string | null; computed: string } | null {
  const exact = canonicalWithout(line, hashField, { reuseBuffer: true });
  return exact ? { canonical: exact.canonical, removed: exact.removed, computed: sha256Hex(exact.canonical) } : null;
}

/** The chain facts of one parsed entry. */
export function linkRecordOf(value: PyObject, spec: ChainSpec, line: number): LinkRecord {
  const stored = value.get(spec.hashField);
  const previous = value.get(spec.previousHashField);
  const record: LinkRecord = {
    line,
    storedHash: typeof stored === 'string' ? stored : null,
    previousHash: typeof previous === 'string' ? previous : null,
    computedHash: null,
  };
  try {
    record.computedHash = sha256Hex(Buffer.from(canonicalText(value, spec), 'utf8'));
  } catch (error) {
    record.hashError = (error as Error).message;
  }
  return record;
}
