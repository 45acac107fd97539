/**
 * Patient access selection over the indexed store (main/core/store), for when the entries live in
 * the sql.js database rather than in AnalysisData: patients through the (patient, time_ms) index,
 * hashed identifiers through the FTS4 text index (a 16-hex token matches both the lesson's
 * "sha256:<hex>" and selectools' bare "<hex>", since both are the first 16 hex of the same sha256),
 * then the same pure assembly as the in-memory path.
 */
import type { Database, SqlValue } from 'sql.js';
import type { AccessReport, AccessReportRequest, EvidenceRef, IdentifierMatch } from '../../../shared/analyses.js';
import type { EntryRow } from '../../../shared/query.js';
import { entryRowsByIds, selectRows } from '../store/index.js';
import type { CallRecord } from './analysis-data.js';
import { assembleAccessReport, requestedPatients, type PatientSelection, type ReportContext } from './access-report.js';
import { candidateHashes } from './identifiers.js';

const CHUNK = 500;

function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

function inChunks<T>(values: readonly T[], run: (chunk: T[]) => void): void {
  for (let i = 0; i < values.length; i += CHUNK) run(values.slice(i, i + CHUNK));
}

function labelIds(db: Database, values: readonly string[]): Map<string, number> {
  const ids = new Map<string, number>();
  inChunks(values, (chunk) => {
    for (const [id, value] of selectRows(db, `SELECT id, value FROM labels WHERE value IN (${placeholders(chunk.length)})`, chunk)) ids.set(String(value), Number(id));
  });
  return ids;
}

function toCall(row: EntryRow, index: number, related: EvidenceRef[]): CallRecord {
  return {
    index,
    timeMs: row.timeMs,
    timeRaw: row.timeMs === null ? row.timeRaw : null,
    user: row.user,
    role: row.role,
    patient: row.patient,
    tool: row.tool,
    purpose: row.purpose,
    success: row.success,
    conversationId: row.conversationId,
    format: row.format,
    breakGlass: row.breakGlass,
    source: { file: row.source.file, line: row.source.line },
    related,
    lineSha256: row.lineSha256,
  };
}

/** The tool_start line of each selectools call record, so the report can point at both lines. */
function startLines(db: Database, rows: EntryRow[]): Map<number, EvidenceRef> {
  const out = new Map<number, EvidenceRef>();
  const startLabel = selectRows(db, "SELECT id FROM labels WHERE value = 'tool_start'")[0]?.[0];
  if (startLabel === undefined) return out;
  const statement = db.prepare(
    `SELECT f.path, e.line FROM entries e JOIN files f ON f.id = e.file_id
     WHERE e.conversation = (SELECT id FROM labels WHERE value = ?) AND e.call_id = ? AND e.event_type = ? LIMIT 1`,
  );
  try {
    for (const row of rows) {
      if (row.format !== 'selectools' || row.callId === null || row.conversationId === null || row.eventType === 'tool_start') continue;
      statement.bind([row.conversationId, row.callId, startLabel as SqlValue]);
      if (statement.step()) {
        const [file, line] = statement.get();
        out.set(row.id, { file: String(file), line: Number(line) });
      }
      statement.reset();
    }
  } finally {
    statement.free();
  }
  return out;
}

export function selectPatientCallsFromStore(db: Database, request: AccessReportRequest): PatientSelection {
  const { patients, identifiers } = requestedPatients(request);
  const covered = new Set(patients);
  const identifierMatches: IdentifierMatch[] = [];
  const entryIds = new Set<number>();

  for (const identifier of identifiers) {
    const hashes = candidateHashes(identifier.kind, identifier.value);
    const hexes = [...new Set(hashes.map((h) => h.replace(/^sha256:/, '')))];
    const matched: string[] = [];
    const resolved = new Set<string>();
    let entries = 0;
    // A hashed patient id is a label of the patient column.
    const asPatient = labelIds(db, hashes);
    for (const value of asPatient.keys()) {
      resolved.add(value);
      matched.push(value);
    }
    for (const hex of hexes) {
      const ids = selectRows(db, 'SELECT docid FROM entry_text WHERE entry_text MATCH ?', [`"${hex}"`]).map((r) => Number(r[0]));
      if (ids.length === 0) continue;
      matched.push(hex);
      entries += ids.length;
      inChunks(ids, (chunk) => {
        for (const [id, patient, callRecord] of selectRows(
          db,
          `SELECT e.id, (SELECT value FROM labels WHERE id = e.patient), e.call_record FROM entries e WHERE e.id IN (${placeholders(chunk.length)})`,
          chunk,
        )) {
          if (patient !== null) resolved.add(String(patient));
          if (callRecord === 1) entryIds.add(Number(id));
        }
      });
    }
    for (const p of resolved) covered.add(p);
    if (identifier.kind !== 'patient-id' || matched.length > 0) identifierMatches.push({ kind: identifier.kind, matchedHashes: matched, patients: [...resolved].sort(), entries });
  }

  const patientIds = [...labelIds(db, [...covered]).values()];
  const range: SqlValue[] = [];
  let rangeSql = '';
  if (request.fromMs !== undefined) {
    rangeSql += ' AND (e.time_ms IS NULL OR e.time_ms >= ?)';
    range.push(request.fromMs);
  }
  if (request.toMs !== undefined) {
    rangeSql += ' AND (e.time_ms IS NULL OR e.time_ms <= ?)';
    range.push(request.toMs);
  }
  inChunks(patientIds, (chunk) => {
    for (const [id] of selectRows(db, `SELECT e.id FROM entries e WHERE e.patient IN (${placeholders(chunk.length)}) AND e.call_record = 1${rangeSql}`, [...chunk, ...range])) {
      entryIds.add(Number(id));
    }
  });

  const rows: EntryRow[] = [];
  inChunks([...entryIds], (chunk) => rows.push(...entryRowsByIds(db, chunk)));
  const starts = startLines(db, rows);
  return {
    calls: rows.map((row, i) => {
      const start = starts.get(row.id);
      return toCall(row, i, start ? [start] : []);
    }),
    patients: covered,
    identifierMatches,
  };
}

/** The patient access report straight from the indexed store. */
export function buildAccessReportFromStore(db: Database, request: AccessReportRequest, context: ReportContext = {}): AccessReport {
  return assembleAccessReport(selectPatientCallsFromStore(db, request), request, context);
}
