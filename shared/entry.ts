import type { FormatId } from './formats.js';

/** Where an entry lives in its evidence file. Offsets are in bytes of the decompressed stream. */
export interface SourceLocation {
  file: string;
  /** 1-based line number. */
  line: number;
  byteOffset: number;
  byteLength: number;
}

/** Why an entry is considered break-the-glass (emergency) access. */
export interface BreakGlassSignal {
  kind: 'flag' | 'purpose' | 'urgency' | 'fhir-purpose';
  field: string;
  value: string;
}

/** One audit event in the shape every analysis works on, whatever format it came from. */
export interface NormalizedEntry {
  source: SourceLocation;
  format: FormatId;
  /** UTC epoch milliseconds; null when the timestamp is missing or unparseable (a finding records why). */
  timeMs: number | null;
  /** The timestamp exactly as written. */
  timeRaw: string | null;
  /** selectools event name, FHIR action, or "tool_call" for the lesson's formats. */
  eventType: string;
  user: string | null;
  role: string | null;
  patient: string | null;
  tool: string | null;
  purpose: string | null;
  success: boolean | null;
  durationMs: number | null;
  /** conversation_id, selectools run_id, or a FHIR correlation id. */
  conversationId: string | null;
  turn: number | null;
  callId: string | null;
  model: string | null;
  trigger: string | null;
  clientIp: string | null;
  breakGlass: BreakGlassSignal[];
  /** Arguments and result rendered as text, for free-text search and PII checks. */
  argsText: string | null;
  resultText: string | null;
  /** sha256 hex of the raw line bytes, to check a re-read line is the one indexed. */
  lineSha256: string;
  /**
   * true when this entry is THE record of one tool call (attempt plus outcome): count these for
   * access reports and tool statistics. Every entry of the lesson formats, FHIR and generic is one;
   * in selectools it is tool_end, tool_error and a denied policy_decision, while tool_start,
   * allowed policy decisions, LLM and run events are context (otherwise one call counts 2–3 times).
   * Always set by the normalizer; optional only so older records still type-check.
   */
  callRecord?: boolean;
  /** The timestamp had no UTC offset and was read as UTC (the writer's zone is unknown). */
  timeAssumedUtc?: boolean;
  /** Error message of a failed call or run (tool_error, result_summary.error, FHIR outcomeDesc). */
  error?: string | null;
  /** selectools policy_decision outcome: allow, deny or review. */
  decision?: string | null;
  /** How the writer hid argument values, detected from the values (selectools privacy levels). */
  privacy?: PrivacyLevel | null;
}

/**
 * selectools PrivacyLevel as seen in a log: full (clear values), keys-only (`"<redacted>"`),
 * hashed (16 hex of sha256 of the value's str()), none (`{}`: arguments omitted).
 */
export type PrivacyLevel = 'full' | 'keys-only' | 'hashed' | 'none';
