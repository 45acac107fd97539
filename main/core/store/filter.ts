/** Turns an EntryFilter into a SQL condition over `entries e`, with its parameters. */
import type { Database, SqlValue } from 'sql.js';
import type { EntryFilter } from '../../../shared/query.js';

export interface SqlCondition {
  where: string;
  params: SqlValue[];
}

/** Formats whose entries are about a patient: one without a patient there is missing attribution. */
const PATIENT_FORMATS = ['hipaa', 'fhir'];
/** Placeholders writers put where they did not know who acted. */
const UNKNOWN_USER_VALUES = ['unknown', ''];

/** The label ids of these values (values never seen have none). */
function labelIds(db: Database, values: readonly string[]): number[] {
  const statement = db.prepare(`SELECT id FROM labels WHERE value IN (${values.map(() => '?').join(', ')})`);
  try {
    statement.bind([...values]);
    const ids: number[] = [];
    while (statement.step()) ids.push(Number(statement.get()[0]));
    return ids;
  } finally {
    statement.free();
  }
}

/**
 * Label values are resolved to ids first, so a single value becomes `column = ?`: SQLite then walks
 * the (column, time) index in time order instead of sorting every match.
 */
export function filterCondition(db: Database, filter: EntryFilter): SqlCondition {
  const clauses: string[] = [];
  const params: SqlValue[] = [];
  if (filter.fromMs !== undefined) {
    clauses.push('e.time_ms >= ?');
    params.push(filter.fromMs);
  }
  if (filter.toMs !== undefined) {
    clauses.push('e.time_ms < ?');
    params.push(filter.toMs);
  }
  const labelFilters: Array<[string, string[] | undefined]> = [
    ['user', filter.users],
    ['role', filter.roles],
    ['patient', filter.patients],
    ['tool', filter.tools],
    ['purpose', filter.purposes],
  ];
  for (const [column, values] of labelFilters) {
    if (values === undefined) continue;
    const ids = values.length === 0 ? [] : labelIds(db, values);
    if (ids.length === 0) clauses.push('0');
    else if (ids.length === 1) {
      clauses.push(`e.${column} = ?`);
      params.push(ids[0]!);
    } else {
      clauses.push(`e.${column} IN (${ids.map(() => '?').join(', ')})`);
      params.push(...ids);
    }
  }
  if (filter.success !== undefined) {
    clauses.push('e.success = ?');
    params.push(filter.success ? 1 : 0);
  }
  if (filter.conversationId !== undefined) {
    clauses.push('e.conversation = (SELECT id FROM labels WHERE value = ?)');
    params.push(filter.conversationId);
  }
  if (filter.fileIds !== undefined) {
    clauses.push(filter.fileIds.length === 0 ? '0' : `e.file_id IN (${filter.fileIds.map(() => '?').join(', ')})`);
    params.push(...filter.fileIds);
  }
  if (filter.callRecordsOnly === true) clauses.push('e.call_record = 1');
  if (filter.missingAttribution === true) {
    clauses.push(
      `(e.user IS NULL OR e.user IN (SELECT id FROM labels WHERE value IN (${UNKNOWN_USER_VALUES.map(() => '?').join(', ')}))
        OR (e.patient IS NULL AND e.format IN (${PATIENT_FORMATS.map(() => '?').join(', ')})))`,
    );
    params.push(...UNKNOWN_USER_VALUES, ...PATIENT_FORMATS);
  }
  const match = filter.text === undefined ? '' : ftsMatchExpression(filter.text);
  if (filter.text !== undefined) {
    if (match === '') clauses.push('0');
    else {
      clauses.push('e.id IN (SELECT docid FROM entry_text WHERE entry_text MATCH ?)');
      params.push(match);
    }
  }
  return { where: clauses.length > 0 ? clauses.join(' AND ') : '1', params };
}

/**
 * Free text as the user typed it, made safe for FTS4 MATCH: every whitespace-separated chunk
 * becomes a quoted phrase (so "ORD-54321" matches those two tokens in sequence), all required.
 * Operators and syntax characters lose their meaning: people search for words, not queries.
 */
export function ftsMatchExpression(text: string): string {
  return text
    .split(/\s+/u)
    .map((chunk) => chunk.replace(/"/gu, '').trim())
    .filter((chunk) => /[\p{L}\p{N}]/u.test(chunk))
    .map((chunk) => `"${chunk}"`)
    .join(' ');
}
