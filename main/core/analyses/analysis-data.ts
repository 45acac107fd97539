/**
 * The compact facts every analysis works on, collected in one streaming pass while an archive is
 * read: tool calls (one per access, a selectools tool_start/tool_end pair merged into one), the
 * time/tool/user/patient of every entry (for retention), PII found in clear, and an index of hashed
 * tokens (for identifier search). Argument and result texts are scanned once and not kept.
 */
import type { BreakGlassSignal, NormalizedEntry } from '../../../shared/entry.js';
import type { EvidenceRef } from '../../../shared/analyses.js';
import type { FormatId } from '../../../shared/formats.js';
import { findPiiInClear, type PiiKind } from './pii.js';
import { hashedForms } from './identifiers.js';

export interface CallRecord {
  /** Position in AnalysisData.calls. */
  index: number;
  timeMs: number | null;
  /** The timestamp as written, kept only when it could not be read (timeMs null): the rest saves memory. */
  timeRaw: string | null;
  user: string | null;
  role: string | null;
  patient: string | null;
  tool: string | null;
  purpose: string | null;
  success: boolean | null;
  /** selectools run, lesson conversation or FHIR correlation: who acted when no user is recorded. */
  conversationId: string | null;
  format: FormatId;
  breakGlass: BreakGlassSignal[];
  source: EvidenceRef;
  related: EvidenceRef[];
  /** sha256 of the line; kept only for break-the-glass calls (their review key), '' otherwise. */
  lineSha256: string;
}

// Shared empty arrays: most calls have no related line and no break-the-glass signal.
const NO_REFS: EvidenceRef[] = [];
const NO_SIGNALS: BreakGlassSignal[] = [];

export interface PiiHit {
  kind: PiiKind;
  field: string | null;
  where: 'arguments' | 'result';
  source: EvidenceRef;
  user: string | null;
  patient: string | null;
  timeMs: number | null;
}

/** Every entry (not only calls), column-wise to stay small on million-entry archives. */
export interface EntryColumns {
  files: string[];
  strings: string[];
  /** Index into `files`. */
  file: number[];
  line: number[];
  /** NaN when the entry has no usable time. */
  timeMs: number[];
  /** Index into `strings`, or -1. */
  tool: number[];
  user: number[];
  patient: number[];
}

export interface HashTokenHits {
  calls: number[];
  patients: Set<string>;
  entries: number;
}

export interface AnalysisData {
  calls: CallRecord[];
  entries: EntryColumns;
  pii: PiiHit[];
  /** "sha256:<16 hex>" or "<16 hex>" → where it appears. */
  hashTokens: Map<string, HashTokenHits>;
}

// selectools writes several events per tool call (policy_decision, tool_start, tool_end/tool_error).
const SELECTOOLS_CALL_START = 'tool_start';
const SELECTOOLS_CALL_END = new Set(['tool_end', 'tool_error']);
const HASH_VALUE = /"((?:sha256:)?[0-9a-f]{16})"/g;

export class AnalysisCollector {
  private readonly data: AnalysisData = {
    calls: [],
    entries: { files: [], strings: [], file: [], line: [], timeMs: [], tool: [], user: [], patient: [] },
    pii: [],
    hashTokens: new Map(),
  };
  private readonly fileIds = new Map<string, number>();
  private readonly stringIds = new Map<string, number>();
  /** selectools tool_start lines not yet ended, by run and call id: the call record points back to them. */
  private readonly startedCalls = new Map<string, { source: EvidenceRef; argsText: string | null }>();

  private readonly canonical = new Map<string, string>();

  /**
   * One shared, flat copy per distinct value. Parsed field values can be slices of their whole line;
   * keeping a slice would keep the line alive, so a million calls would hold the whole archive.
   */
  private canon(value: string | null): string | null {
    if (value === null) return null;
    let shared = this.canonical.get(value);
    if (shared === undefined) {
      shared = Buffer.from(value, 'utf8').toString('utf8');
      this.canonical.set(shared, shared);
    }
    return shared;
  }

  private intern(value: string | null): number {
    if (value === null) return -1;
    let id = this.stringIds.get(value);
    if (id === undefined) {
      id = this.data.entries.strings.length;
      const flat = this.canon(value) ?? value;
      this.data.entries.strings.push(flat);
      this.stringIds.set(flat, id);
    }
    return id;
  }

  private fileId(file: string): number {
    let id = this.fileIds.get(file);
    if (id === undefined) {
      id = this.data.entries.files.length;
      const flat = Buffer.from(file, 'utf8').toString('utf8');
      this.data.entries.files.push(flat);
      this.fileIds.set(flat, id);
    }
    return id;
  }

  add(entry: NormalizedEntry): void {
    const cols = this.data.entries;
    const source: EvidenceRef = { file: this.data.entries.files[this.fileId(entry.source.file)] ?? entry.source.file, line: entry.source.line };
    cols.file.push(this.fileId(entry.source.file));
    cols.line.push(entry.source.line);
    cols.timeMs.push(entry.timeMs ?? Number.NaN);
    cols.tool.push(this.intern(entry.tool));
    cols.user.push(this.intern(entry.user));
    cols.patient.push(this.intern(entry.patient));

    const started = this.startOf(entry);
    const callIndex = this.addCall(entry, source, started?.source ?? null);
    // selectools tool_end repeats its tool_start's arguments (the normalizer carries them over); the
    // clear values are on the tool_start line, which was scanned already, so the evidence stays exact.
    const inherited = started !== null && started.argsText === entry.argsText;
    if (!inherited) this.scanText(entry, entry.argsText, 'arguments', source, callIndex);
    else this.indexTokens(entry, entry.argsText, callIndex);
    this.scanText(entry, entry.resultText, 'result', source, callIndex);
    if (entry.patient !== null && /^(?:sha256:)?[0-9a-f]{16}$/.test(entry.patient)) this.addToken(entry.patient, entry, callIndex);
  }

  /** For a selectools tool_end/tool_error, the tool_start it completes (and forgets it). Records a tool_start. */
  private startOf(entry: NormalizedEntry): { source: EvidenceRef; argsText: string | null } | null {
    if (entry.format !== 'selectools' || entry.callId === null) return null;
    const key = `${entry.conversationId ?? ''}\u0000${entry.callId}`;
    if (entry.eventType === SELECTOOLS_CALL_START) {
      this.startedCalls.set(key, { source: { file: this.data.entries.files[this.fileId(entry.source.file)] ?? entry.source.file, line: entry.source.line }, argsText: entry.argsText });
      return null;
    }
    if (!SELECTOOLS_CALL_END.has(entry.eventType)) return null;
    const started = this.startedCalls.get(key) ?? null;
    this.startedCalls.delete(key);
    return started;
  }

  /**
   * Whether an entry is the one record of a tool call. The normalizer says so in `callRecord`
   * (selectools: tool_end, tool_error, denied policy decisions); entries without it are calls in
   * every format but selectools, where only the end events are.
   */
  private addCall(entry: NormalizedEntry, source: EvidenceRef, startedAt: EvidenceRef | null): number {
    const isCall = entry.callRecord ?? (entry.format !== 'selectools' || SELECTOOLS_CALL_END.has(entry.eventType));
    if (!isCall) return -1;
    const call: CallRecord = {
      index: this.data.calls.length,
      timeMs: entry.timeMs,
      timeRaw: entry.timeMs === null ? this.canon(entry.timeRaw) : null,
      user: this.canon(entry.user),
      role: this.canon(entry.role),
      patient: this.canon(entry.patient),
      tool: this.canon(entry.tool),
      purpose: this.canon(entry.purpose),
      success: entry.success,
      conversationId: this.canon(entry.conversationId),
      format: entry.format,
      breakGlass: entry.breakGlass.length > 0 ? structuredClone(entry.breakGlass) : NO_SIGNALS,
      source,
      related: startedAt ? [startedAt] : NO_REFS,
      lineSha256: entry.breakGlass.length > 0 ? entry.lineSha256 : '',
    };
    this.data.calls.push(call);
    return call.index;
  }

  private scanText(entry: NormalizedEntry, text: string | null, where: PiiHit['where'], source: EvidenceRef, callIndex: number): void {
    if (!text) return;
    for (const match of findPiiInClear(text)) {
      // A clear identifier is searchable by its hash, like a sanitized one; the value is not kept.
      if (match.value !== undefined) this.addToken(hashedForms(match.value)[1] ?? '', entry, callIndex);
      this.data.pii.push({ kind: match.kind, field: this.canon(match.field), where, source, user: this.canon(entry.user), patient: this.canon(entry.patient), timeMs: entry.timeMs });
    }
    this.indexTokens(entry, text, callIndex);
  }

  private indexTokens(entry: NormalizedEntry, text: string | null, callIndex: number): void {
    if (!text || !text.includes('"')) return;
    for (const m of text.matchAll(HASH_VALUE)) this.addToken(m[1] ?? '', entry, callIndex);
  }

  private addToken(token: string, entry: NormalizedEntry, callIndex: number): void {
    let hits = this.data.hashTokens.get(token);
    if (!hits) {
      hits = { calls: [], patients: new Set(), entries: 0 };
      this.data.hashTokens.set(this.canon(token) ?? token, hits);
    }
    hits.entries++;
    if (entry.patient !== null) hits.patients.add(this.canon(entry.patient) ?? entry.patient);
    if (callIndex >= 0 && hits.calls[hits.calls.length - 1] !== callIndex) hits.calls.push(callIndex);
  }

  /** Copies already collected data in (skipping `dropFiles`), re-numbering calls and strings. */
  absorb(other: AnalysisData, dropFiles: ReadonlySet<string> = new Set()): this {
    const cols = other.entries;
    const str = (id: number | undefined): number => (id === undefined || id < 0 ? -1 : this.intern(cols.strings[id] ?? null));
    for (let i = 0; i < cols.file.length; i++) {
      const file = cols.files[cols.file[i] ?? 0] ?? '';
      if (dropFiles.has(file)) continue;
      this.data.entries.file.push(this.fileId(file));
      this.data.entries.line.push(cols.line[i] ?? 0);
      this.data.entries.timeMs.push(cols.timeMs[i] ?? Number.NaN);
      this.data.entries.tool.push(str(cols.tool[i]));
      this.data.entries.user.push(str(cols.user[i]));
      this.data.entries.patient.push(str(cols.patient[i]));
    }
    const renumbered = new Map<number, number>();
    for (const call of other.calls) {
      if (dropFiles.has(call.source.file)) continue;
      const index = this.data.calls.length;
      renumbered.set(call.index, index);
      this.data.calls.push({ ...call, index });
    }
    for (const hit of other.pii) if (!dropFiles.has(hit.source.file)) this.data.pii.push(hit);
    for (const [token, hits] of other.hashTokens) {
      const calls = hits.calls.map((i) => renumbered.get(i)).filter((i): i is number => i !== undefined);
      if (calls.length === 0 && dropFiles.size > 0) continue;
      let target = this.data.hashTokens.get(token);
      if (!target) this.data.hashTokens.set(token, (target = { calls: [], patients: new Set(), entries: 0 }));
      target.calls.push(...calls);
      // After dropping files, only patients of calls that remain are still linked to the token.
      if (dropFiles.size === 0) for (const p of hits.patients) target.patients.add(p);
      else for (const i of calls) if (this.data.calls[i]?.patient) target.patients.add(this.data.calls[i]?.patient ?? '');
      target.entries += dropFiles.size > 0 ? calls.length : hits.entries;
    }
    return this;
  }

  finish(): AnalysisData {
    this.startedCalls.clear();
    return this.data;
  }
}

/** Convenience for tests and small archives. */
export function collectAnalysisData(entries: Iterable<NormalizedEntry>): AnalysisData {
  const collector = new AnalysisCollector();
  for (const entry of entries) collector.add(entry);
  return collector.finish();
}

/**
 * Combines the data of archives opened one after another (the workstation's "add"); files present
 * in both are taken from `later` (a re-opened file replaces its earlier reading).
 */
export function mergeAnalysisData(earlier: AnalysisData, later: AnalysisData): AnalysisData {
  const replaced = new Set(later.entries.files.filter((f) => earlier.entries.files.includes(f)));
  const base = replaced.size > 0 ? withoutFiles(earlier, replaced) : earlier;
  const collector = new AnalysisCollector();
  return collector.absorb(base).absorb(later).finish();
}

/** The data without the entries of these files (the workstation's "close"). */
export function withoutFiles(data: AnalysisData, files: ReadonlySet<string>): AnalysisData {
  const collector = new AnalysisCollector();
  return collector.absorb(data, files).finish();
}
