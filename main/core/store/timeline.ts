/**
 * The lesson's human-readable conversation timeline:
 *   [Turn 3] ❌ update_order_status({"order_id": "ORD-456"}) → {"success": false, …} [38ms]
 * Arguments and results are not kept in the index, so the lines are re-read from disk and the
 * caller's `describe` (format-aware: it normalizes the raw line) renders their text.
 */
import type { Database } from 'sql.js';
import type { EntryRow, TimelineLine } from '../../../shared/query.js';
import { conversationEntries } from './queries.js';
import { rereadEntries } from './reread.js';

export type { TimelineLine };

export interface EntryText {
  argsText: string | null;
  resultText: string | null;
  /** The duration as the writer wrote it (e.g. Python's "145.0"), when known. */
  durationText?: string | null;
}

export type DescribeEntry = (raw: string, row: EntryRow) => EntryText;

export function formatTimelineLine(row: EntryRow, argsText: string | null, resultText: string | null, durationText?: string | null): string {
  const status = row.success === true ? '✅' : row.success === false ? '❌' : '❔';
  const turn = row.turn === null ? '?' : String(row.turn);
  const shownDuration = durationText ?? (row.durationMs === null ? null : String(row.durationMs));
  const duration = shownDuration === null ? '' : ` [${shownDuration}ms]`;
  const tool = row.tool ?? row.eventType;
  return `[Turn ${turn}] ${status} ${tool}(${argsText ?? ''}) → ${resultText ?? ''}${duration}`;
}

export async function conversationTimeline(db: Database, conversationId: string, describe: DescribeEntry): Promise<TimelineLine[]> {
  const rows = conversationEntries(db, conversationId);
  const reads = await rereadEntries(db, rows);
  return reads.map(({ row, raw, check }) => {
    let text: EntryText = { argsText: null, resultText: null };
    let problem = check.problem;
    if (raw !== '') {
      try {
        text = describe(raw, row);
      } catch (error) {
        problem ??= `${row.source.file}:${row.source.line} could not be read back: ${(error as Error).message}`;
      }
    }
    const line: TimelineLine = { entryId: row.id, file: row.source.file, line: row.source.line, text: formatTimelineLine(row, text.argsText, text.resultText, text.durationText) };
    if (problem !== undefined) line.problem = problem;
    return line;
  });
}
