import type { BreakGlassConfig } from '../../../../shared/break-glass.js';
import type { NormalizedEntry, SourceLocation } from '../../../../shared/entry.js';
import type { Finding } from '../../../../shared/findings.js';
import type { GenericMapping } from '../../../../shared/formats.js';
import type { PyValue } from '../../json/py-value.js';
import type { BreakGlassCollector } from './break-glass.js';
import type { FieldReader, TimeReading } from './field-reader.js';

export interface NormalizeResult {
  entry: NormalizedEntry;
  /**
   * Data-quality notes about this line (a field of the wrong type, a tool_end whose tool_start
   * was never seen, a line that is not an object). The entry is complete and kept regardless.
   * Timestamp trouble is reported separately in `timestampError`.
   */
  problems: string[];
  /** Why the timestamp is missing or unparseable (the caller records a bad-timestamp finding), else null. */
  timestampError: string | null;
}

/** Normalizes one parsed line; stateful for selectools (see createNormalizer). */
export interface Normalizer {
  (value: PyValue, location: SourceLocation, lineSha256: string): NormalizeResult;
  /**
   * Call after the archive's last line: findings for what the line-by-line pass could only judge
   * at the end — selectools tool calls that started but have no tool_end or tool_error (the writer
   * stopped mid-call, or those lines were removed). Empty for the other formats.
   */
  finish(): Finding[];
}

export interface NormalizerOptions {
  /** Required for the generic format. */
  mapping?: GenericMapping;
  /** Defaults to DEFAULT_BREAK_GLASS_CONFIG. */
  breakGlass?: BreakGlassConfig;
}

/** What a format module fills in; the shared parts (source, hash, time) are set around it. */
export type EntryFields = Omit<NormalizedEntry, 'source' | 'format' | 'lineSha256' | 'timeMs' | 'timeRaw' | 'timeAssumedUtc' | 'breakGlass'>;

/** Everything a format module needs to read one line. */
export interface LineContext {
  reader: FieldReader;
  breakGlass: BreakGlassCollector;
  config: BreakGlassConfig;
  location: SourceLocation;
}

export interface FormatReading {
  fields: EntryFields;
  time: TimeReading;
}

export const EMPTY_FIELDS: EntryFields = {
  eventType: 'tool_call',
  user: null,
  role: null,
  patient: null,
  tool: null,
  purpose: null,
  success: null,
  durationMs: null,
  conversationId: null,
  turn: null,
  callId: null,
  model: null,
  trigger: null,
  clientIp: null,
  argsText: null,
  resultText: null,
  callRecord: true,
  error: null,
  decision: null,
  privacy: null,
};
