/** Test helper: writes a small JSONL evidence file and indexes hand-built entries for it. */
import { createHash } from 'node:crypto';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Database } from 'sql.js';
import type { NormalizedEntry } from '../../shared/entry.js';
import type { FileReport } from '../../shared/verification.js';
import { beginFile, createDatabase, EntryWriter, finishFile, insertScan } from '../../main/core/store/index.js';

export interface Call {
  time: string | null;
  user: string | null;
  patient?: string | null;
  tool: string;
  success: boolean;
  durationMs?: number;
  conversation?: string;
  turn?: number;
  args?: Record<string, unknown>;
  result?: Record<string, unknown>;
  purpose?: string;
  role?: string;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'custos-store-'));
}

/** The lines as a lesson-style HIPAA log would write them. */
export function callLine(call: Call): string {
  return JSON.stringify({
    timestamp: call.time,
    user_id: call.user,
    user_role: call.role ?? 'physician',
    tool_name: call.tool,
    patient_id: call.patient ?? null,
    purpose: call.purpose ?? 'treatment',
    arguments_sanitized: call.args ?? {},
    result_summary: call.result ?? { success: call.success },
    success: call.success,
    conversation_id: call.conversation ?? null,
    turn_number: call.turn ?? null,
    duration_ms: call.durationMs ?? null,
  });
}

export interface WrittenFile {
  path: string;
  entries: NormalizedEntry[];
  lines: string[];
}

/** Writes the calls as a file (blank line after the 2nd, to keep line numbers honest) and builds their entries. */
export function writeCalls(dir: string, name: string, calls: Call[], options: { gzip?: boolean } = {}): WrittenFile {
  const path = join(dir, name);
  const lines: string[] = [];
  const entries: NormalizedEntry[] = [];
  let offset = 0;
  let lineNumber = 1;
  const parts: string[] = [];
  calls.forEach((call, index) => {
    const line = callLine(call);
    const bytes = Buffer.from(line, 'utf8');
    entries.push({
      source: { file: path, line: lineNumber, byteOffset: offset, byteLength: bytes.length },
      format: 'hipaa',
      timeMs: call.time === null ? null : Date.parse(call.time),
      timeRaw: call.time,
      eventType: 'tool_call',
      user: call.user,
      role: call.role ?? 'physician',
      patient: call.patient ?? null,
      tool: call.tool,
      purpose: call.purpose ?? 'treatment',
      success: call.success,
      durationMs: call.durationMs ?? null,
      conversationId: call.conversation ?? null,
      turn: call.turn ?? null,
      callId: null,
      model: null,
      trigger: null,
      clientIp: null,
      breakGlass: call.purpose === 'emergency' ? [{ kind: 'purpose', field: 'purpose', value: 'emergency' }] : [],
      argsText: JSON.stringify(call.args ?? {}),
      resultText: JSON.stringify(call.result ?? { success: call.success }),
      lineSha256: createHash('sha256').update(bytes).digest('hex'),
      callRecord: true,
    });
    lines.push(line);
    parts.push(`${line}\n`);
    offset += bytes.length + 1;
    lineNumber += 1;
    if (index === 1) {
      parts.push('\n');
      offset += 1;
      lineNumber += 1;
    }
  });
  const content = Buffer.from(parts.join(''), 'utf8');
  writeFileSync(path, options.gzip === true ? gzipSync(content) : content);
  return { path, entries, lines };
}

export function reportFor(file: WrittenFile): FileReport {
  const info = statSync(file.path);
  return {
    path: file.path,
    format: 'hipaa',
    entries: file.entries.length,
    lines: file.entries.length,
    size: info.size,
    sha256: createHash('sha256').update(Buffer.from('x')).digest('hex'),
    chain: { status: 'unchained', headHash: null, coveredFields: [], uncoveredFields: [] },
    firstTime: file.entries[0]?.timeRaw ?? null,
    lastTime: file.entries.at(-1)?.timeRaw ?? null,
  };
}

/** Indexes the files into `db` (a new one when not given) the way the open pipeline does. */
export async function indexFiles(files: WrittenFile[], db?: Database): Promise<Database> {
  const database = db ?? (await createDatabase());
  const scanId = insertScan(database, { integrity: 'unchained', completeness: 'unconfirmed', reasons: ['test'] });
  for (const file of files) {
    const info = statSync(file.path);
    const id = beginFile(database, file.path, { gzip: file.path.endsWith('.gz'), mtimeMs: info.mtimeMs, size: info.size, mapping: null });
    const writer = new EntryWriter(database, 3);
    for (const entry of file.entries) writer.add(id, entry);
    writer.close();
    finishFile(database, id, reportFor(file), scanId);
  }
  return database;
}
