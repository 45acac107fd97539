import type { NormalizedEntry } from './entry.js';
import type { Finding } from './findings.js';

export interface Page<T> {
  rows: T[];
  /** Total rows matching the query (not just this page). */
  total: number;
  offset: number;
}

export const SORTABLE_COLUMNS = ['time', 'user', 'role', 'patient', 'tool', 'purpose', 'success', 'duration', 'file'] as const;
export type SortColumn = (typeof SORTABLE_COLUMNS)[number];

/** Filters shared by the Explorer, the CLI and the reports. All optional; times are UTC epoch ms. */
export interface EntryFilter {
  fromMs?: number;
  toMs?: number;
  users?: string[];
  roles?: string[];
  patients?: string[];
  tools?: string[];
  purposes?: string[];
  /** true: successes only, false: failures only. */
  success?: boolean;
  conversationId?: string;
  /** Free text over the values in arguments and results (FTS4 syntax is escaped: plain words). */
  text?: string;
  fileIds?: number[];
  missingAttribution?: boolean;
  /** Only entries that are the record of one tool call (NormalizedEntry.callRecord): no selectools context events. */
  callRecordsOnly?: boolean;
}

export interface EntryQuery {
  filter: EntryFilter;
  sort: { column: SortColumn; direction: 'asc' | 'desc' };
  offset: number;
  limit: number;
}

/** A row as lists show it: the normalized entry without the bulky text, plus its store id. */
export interface EntryRow extends Omit<NormalizedEntry, 'argsText' | 'resultText'> {
  id: number;
  fileId: number;
}

/** The full entry re-read from disk, checked against the index. */
export interface EntryDetail {
  row: EntryRow;
  raw: string;
  /** Parsed raw line, for a structured view. */
  parsed: unknown;
  /** false when the file changed since indexing: the raw line is then not trustworthy. */
  unchanged: boolean;
  problem?: string;
}

export interface ToolStats {
  tool: string;
  calls: number;
  successRate: number;
  avgDurationMs: number | null;
  maxDurationMs: number | null;
  uniqueUsers: number;
}

export interface TimeBucket {
  startMs: number;
  count: number;
  failures: number;
}

export interface FindingRow extends Finding {
  id: number;
  fileId: number | null;
}

export interface FindingContext {
  finding: FindingRow;
  /** The lines around the finding, re-read from disk. */
  lines: Array<{ line: number; raw: string }>;
}

export type DistinctColumn = 'user' | 'role' | 'patient' | 'tool' | 'purpose' | 'model' | 'eventType';

/** One line of the lesson's human-readable conversation timeline: `[Turn n] ✅ tool(args) → result [ms]`. */
export interface TimelineLine {
  entryId: number;
  file: string;
  line: number;
  text: string;
  /** Set when the line could not be re-read or no longer matches the index. */
  problem?: string;
}

export interface ConversationView {
  rows: EntryRow[];
  timeline: TimelineLine[];
}
