/** Builds NormalizedEntry values for analysis tests: only what a test names differs from a neutral default. */
import { createHash } from 'node:crypto';
import type { NormalizedEntry } from '../../shared/entry.js';

let counter = 0;

export function entry(fields: Partial<NormalizedEntry> & { file?: string; line?: number; at?: string }): NormalizedEntry {
  counter++;
  const { file = 'audit.jsonl', line = counter, at, ...rest } = fields;
  const timeMs = at === undefined ? (rest.timeMs ?? null) : Date.parse(at);
  return {
    source: { file, line, byteOffset: 0, byteLength: 0 },
    format: 'hipaa',
    timeMs,
    timeRaw: at ?? null,
    eventType: 'tool_call',
    user: 'usr_1',
    role: 'physician',
    patient: 'P-1',
    tool: 'access_patient_record',
    purpose: 'treatment',
    success: true,
    durationMs: 10,
    conversationId: null,
    turn: null,
    callId: null,
    model: null,
    trigger: null,
    clientIp: null,
    breakGlass: [],
    argsText: null,
    resultText: null,
    lineSha256: createHash('sha256').update(`${file}:${line}:${counter}`).digest('hex'),
    ...rest,
  };
}

/** n entries of one user/patient, `stepMs` apart, starting at `startIso`, on consecutive lines. */
export function series(n: number, startIso: string, stepMs: number, fields: Partial<NormalizedEntry> & { file?: string; firstLine?: number } = {}): NormalizedEntry[] {
  const { firstLine = 1, ...rest } = fields;
  const start = Date.parse(startIso);
  return Array.from({ length: n }, (_, i) => entry({ ...rest, line: firstLine + i, at: new Date(start + i * stepMs).toISOString() }));
}
