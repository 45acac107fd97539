/**
 * Break-the-glass review: every emergency access (detected by the format readers into
 * entry.breakGlass) is pending until a reviewer records a decision in the evidence journal.
 * Pending events older than the review window are overdue.
 */
import { basename } from 'node:path';
import type { BtgEvent, BtgOverview, BtgReviewRecord, JournalStatus } from '../../../shared/analyses.js';
import type { AnalysisData, CallRecord } from './analysis-data.js';

const DAY_MS = 86_400_000;
export const DEFAULT_BTG_REVIEW_DAYS = 7;

/** Stable across re-opening the same archive from another folder: file name, line, line hash. */
export function btgEventKey(call: Pick<CallRecord, 'source' | 'lineSha256'>): string {
  return `${basename(call.source.file)}:${call.source.line}:${call.lineSha256.slice(0, 16)}`;
}

export interface BtgOptions {
  asOfMs: number;
  reviewWindowDays?: number;
  reviews: Map<string, BtgReviewRecord[]>;
  journal: JournalStatus;
}

export function reviewBreakGlass(data: AnalysisData, options: BtgOptions): BtgOverview {
  const windowDays = options.reviewWindowDays ?? DEFAULT_BTG_REVIEW_DAYS;
  const events: BtgEvent[] = [];
  for (const call of data.calls) {
    if (call.breakGlass.length === 0) continue;
    const key = btgEventKey(call);
    const history = options.reviews.get(key) ?? [];
    const review = history[history.length - 1] ?? null;
    const dueMs = call.timeMs === null ? null : call.timeMs + windowDays * DAY_MS;
    events.push({
      key,
      timeMs: call.timeMs,
      user: call.user,
      role: call.role,
      patient: call.patient,
      tool: call.tool,
      purpose: call.purpose,
      signals: call.breakGlass,
      // selectools: the arguments (and so the signal) are written on the tool_start line.
      source: call.related[0] ?? call.source,
      related: call.related.length > 0 ? [call.source, ...call.related.slice(1)] : [],
      outcome: call.success === null ? 'unknown' : call.success ? 'success' : 'failure',
      status: review ? 'reviewed' : 'pending',
      review,
      history,
      // An undated pending event cannot be shown to be on time, so it counts as overdue.
      overdue: !review && (dueMs === null || dueMs < options.asOfMs),
      dueMs,
    });
  }
  events.sort((a, b) => (a.timeMs ?? Infinity) - (b.timeMs ?? Infinity) || a.source.file.localeCompare(b.source.file) || a.source.line - b.source.line);
  return {
    asOfMs: options.asOfMs,
    reviewWindowDays: windowDays,
    events,
    pending: events.filter((e) => e.status === 'pending').length,
    overdue: events.filter((e) => e.overdue).length,
    reviewed: events.filter((e) => e.status === 'reviewed').length,
    journal: options.journal,
  };
}
