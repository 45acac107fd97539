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
}
