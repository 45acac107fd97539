import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createNormalizer, DEFAULT_BREAK_GLASS_CONFIG } from '../../main/core/formats/normalize/index.js';
import { parsePyJson } from '../../main/core/json/parse.js';
import { jsonl, normalizeArchive, normalizeFiles, normalizeText } from './normalize-helpers.js';
import { SELECTOOLS_SAMPLES } from '../support/samples.js';

const SAMPLE_DIR = SELECTOOLS_SAMPLES;
const SAMPLE_FILES = ['audit-2026-07-13.jsonl', 'audit-2026-07-14.jsonl', 'audit-2026-07-15.jsonl'].map((name) => ({
  file: `${SAMPLE_DIR}/${name}`,
  text: readFileSync(`${SAMPLE_DIR}/${name}`, 'utf8'),
}));

type Raw = Record<string, unknown> & { event: string; run_id: string; call_id?: string; tool_args?: Record<string, unknown> };

describe('selectools: the real sample archive (three daily files, privacy FULL)', () => {
  const results = normalizeFiles('selectools', SAMPLE_FILES);
  const raw: Raw[] = SAMPLE_FILES.flatMap(({ text }) => text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Raw));

  it('normalizes every line with zero problems and a parsed timestamp', () => {
    expect(results).toHaveLength(233);
    expect(results.filter((r) => r.problems.length > 0).map((r) => [r.entry.source.line, r.problems])).toEqual([]);
    expect(results.filter((r) => r.timestampError !== null)).toEqual([]);
    expect(results.every((r) => r.entry.timeAssumedUtc === false)).toBe(true);
  });

  it('gives every tool_end the patient and arguments of its tool_start (same call_id)', () => {
    const starts = new Map(raw.filter((r) => r.event === 'tool_start').map((r) => [r.call_id, r.tool_args]));
    const ends = results.filter((r) => r.entry.eventType === 'tool_end');
    expect(ends).toHaveLength(40);
    for (const { entry } of ends) {
      const args = starts.get(entry.callId ?? '');
      expect(args, `tool_start for ${entry.callId}`).toBeDefined();
      expect(entry.patient).toBe(args?.patient_id ?? null);
      expect(JSON.parse(entry.argsText ?? 'null')).toEqual(args);
    }
    // send_message and search_formulary calls name no patient; every other tool_end must have one.
    expect(ends.filter((r) => r.entry.patient !== null)).toHaveLength(29);
  });

  it("gives each event its run's latest model from llm_end", () => {
    const latest = new Map<string, string>();
    raw.forEach((line, index) => {
      if (line.event === 'llm_end' && typeof line.model === 'string') latest.set(line.run_id, line.model);
      const expected = line.event === 'llm_end' ? ((line.model as string | undefined) ?? null) : (latest.get(line.run_id) ?? null);
      expect(results[index]?.entry.model, `line ${index}`).toBe(expected);
    });
  });

  it('counts each call once: tool_end, tool_error and denied policy decisions are the call records', () => {
    const records = results.filter((r) => r.entry.callRecord);
    const kinds = records.map((r) => (r.entry.eventType === 'policy_decision' ? `deny:${String(r.entry.success)}` : r.entry.eventType));
    expect(kinds.filter((k) => k === 'tool_end')).toHaveLength(40);
    expect(kinds.filter((k) => k === 'tool_error')).toHaveLength(3);
    expect(kinds.filter((k) => k.startsWith('deny'))).toEqual(['deny:false', 'deny:false', 'deny:false']);
    expect(records).toHaveLength(46);
  });

  it('reads failures, durations and error messages', () => {
    const toolError = results.find((r) => r.entry.eventType === 'tool_error');
    expect(toolError?.entry).toMatchObject({
      success: false,
      durationMs: 40970.84,
      patient: 'P-2738',
      tool: 'schedule_appointment',
      error: 'ToolExecutionError: EHR backend returned 503 — «service unavailable»',
    });
    const runError = results.find((r) => r.entry.eventType === 'error');
    expect(runError?.entry).toMatchObject({ success: false, callRecord: false, error: "TimeoutError: Provider 'openai' timed out after 30.0s" });
  });

  it('records no user (selectools has none): missing attribution, never dropped', () => {
    expect(results.every((r) => r.entry.user === null)).toBe(true);
  });

  it('uses run_id as the conversation and detects privacy FULL', () => {
    expect(new Set(results.map((r) => r.entry.conversationId)).size).toBe(20);
    const withArgs = results.filter((r) => r.entry.argsText !== null);
    expect(new Set(withArgs.map((r) => r.entry.privacy))).toEqual(new Set(['full']));
  });

  it('does not treat the routine "urgent": true of scheduling calls as break-the-glass', () => {
    expect(results.filter((r) => r.entry.argsText?.includes('"urgent": true')).length).toBeGreaterThan(0);
    expect(results.flatMap((r) => r.entry.breakGlass)).toEqual([]);
  });

  it('flags "urgent": true when the configuration says to count urgent flags', () => {
    const counted = normalizeFiles('selectools', SAMPLE_FILES, { breakGlass: { ...DEFAULT_BREAK_GLASS_CONFIG, countUrgentFlags: true } });
    const flagged = counted.filter((r) => r.entry.breakGlass.length > 0);
    // 10 urgent=true argument sets, each on policy_decision + tool_start + (tool_end or tool_error).
    expect(flagged.every((r) => r.entry.breakGlass[0]?.field === 'tool_args.urgent' && r.entry.breakGlass[0]?.kind === 'urgency')).toBe(true);
    expect(flagged.filter((r) => r.entry.callRecord).length).toBeGreaterThan(0);
  });

  it('is the same when each daily file gets its own normalizer (no call crosses midnight in this sample)', () => {
    const perFile = SAMPLE_FILES.flatMap((file) => normalizeFiles('selectools', [file]));
    expect(perFile.map((r) => r.entry.patient)).toEqual(results.map((r) => r.entry.patient));
  });
});

/** selectools' PrivacyLevel transforms of tool_args. */
function applyPrivacy(args: Record<string, unknown>, level: 'KEYS_ONLY' | 'HASHED' | 'NONE'): Record<string, unknown> {
  if (level === 'NONE') return {};
  const pyStr = (v: unknown) => (typeof v === 'string' ? v : v === true ? 'True' : v === false ? 'False' : String(v));
  return Object.fromEntries(
    Object.entries(args).map(([k, v]) => [k, level === 'KEYS_ONLY' ? '<redacted>' : createHash('sha256').update(pyStr(v)).digest('hex').slice(0, 16)]),
  );
}

function callLines(args: Record<string, unknown>) {
  const run = 'a8094805d11746a4915703e060774186';
  return jsonl(
    { event: 'run_start', run_id: run, message_count: 1, ts: '2026-07-13T13:10:53.689287+00:00' },
    { event: 'llm_end', run_id: run, model: 'claude-sonnet-4-5', prompt_tokens: 10, completion_tokens: 5, cost_usd: 0.001, ts: '2026-07-13T13:10:56.361214+00:00' },
    { event: 'policy_decision', run_id: run, tool_name: 'lookup_patient', decision: 'allow', reason: "matched allow rule 'read_*'", tool_args: args, ts: '2026-07-13T13:10:56.362657+00:00' },
    { event: 'tool_start', run_id: run, call_id: 'toolu_01', tool_name: 'lookup_patient', tool_args: args, ts: '2026-07-13T13:10:56.362700+00:00' },
    { event: 'tool_end', run_id: run, call_id: 'toolu_01', tool_name: 'lookup_patient', duration_ms: 1234.57, success: true, ts: '2026-07-13T13:10:57.597299+00:00' },
    { event: 'run_end', run_id: run, iterations: 2, tool_name: 'lookup_patient', total_cost_usd: 0.002, ts: '2026-07-13T13:10:59.000000+00:00' },
  );
}

describe('selectools privacy levels', () => {
  const args = { patient_id: 'P-7203', name: 'John Smith', user_id: 'dr_ibrahim' };

  it('FULL: patient and a user carried in tool_args', () => {
    const end = normalizeText('selectools', callLines(args))[4];
    expect(end?.entry).toMatchObject({ patient: 'P-7203', user: 'dr_ibrahim', privacy: 'full', model: 'claude-sonnet-4-5', durationMs: 1234.57 });
  });

  it('HASHED: the patient is the 16-hex hash a patient search can match', () => {
    const results = normalizeText('selectools', callLines(applyPrivacy(args, 'HASHED')));
    const hash = createHash('sha256').update('P-7203').digest('hex').slice(0, 16);
    expect(results[4]?.entry).toMatchObject({ patient: hash, privacy: 'hashed' });
    expect(results.flatMap((r) => r.problems)).toEqual([]);
  });

  it('KEYS_ONLY: "<redacted>" is no patient and no user', () => {
    const results = normalizeText('selectools', callLines(applyPrivacy(args, 'KEYS_ONLY')));
    expect(results[3]?.entry).toMatchObject({ patient: null, user: null, privacy: 'keys-only' });
    expect(results[4]?.entry).toMatchObject({ patient: null, user: null, privacy: 'keys-only', callRecord: true, success: true });
  });

  it('NONE: {} arguments, nothing to attribute, entries kept', () => {
    const results = normalizeText('selectools', callLines(applyPrivacy(args, 'NONE')));
    expect(results).toHaveLength(6);
    expect(results[4]?.entry).toMatchObject({ patient: null, privacy: 'none', argsText: '{}' });
  });
});

describe('selectools state across lines', () => {
  it('reports a tool_end whose tool_start is not in the archive, keeping the entry', () => {
    const [result] = normalizeText('selectools', jsonl({ event: 'tool_end', run_id: 'r1', call_id: 'c-lost', tool_name: 'lookup_patient', duration_ms: 5, success: true, ts: '2026-07-13T00:00:00+00:00' }));
    expect(result?.problems).toEqual(['call_id: no tool_start for call "c-lost" earlier in this archive, so its patient and arguments are unknown']);
    expect(result?.entry).toMatchObject({ patient: null, success: true, callRecord: true });
  });

  it('carries a call across daily files when one normalizer reads the archive', () => {
    const day1 = jsonl({ event: 'tool_start', run_id: 'r1', call_id: 'c1', tool_name: 'get_lab_results', tool_args: { patient_id: 'P-4410' }, ts: '2026-07-13T23:59:59.900000+00:00' });
    const day2 = jsonl({ event: 'tool_end', run_id: 'r1', call_id: 'c1', tool_name: 'get_lab_results', duration_ms: 250.0, success: true, ts: '2026-07-14T00:00:00.150000+00:00' });
    const results = normalizeFiles('selectools', [
      { file: 'audit-2026-07-13.jsonl', text: day1 },
      { file: 'audit-2026-07-14.jsonl', text: day2 },
    ]);
    expect(results[1]?.entry).toMatchObject({ patient: 'P-4410', source: { file: 'audit-2026-07-14.jsonl', line: 1 } });
    expect(results[1]?.problems).toEqual([]);
  });

  it('does not leak one call\'s arguments into a later call that reuses nothing', () => {
    const results = normalizeText(
      'selectools',
      jsonl(
        { event: 'tool_start', run_id: 'r1', call_id: 'c1', tool_name: 't', tool_args: { patient_id: 'P-1' }, ts: '2026-07-13T10:00:00+00:00' },
        { event: 'tool_end', run_id: 'r1', call_id: 'c1', tool_name: 't', duration_ms: 1.0, success: true, ts: '2026-07-13T10:00:01+00:00' },
        { event: 'tool_end', run_id: 'r1', call_id: 'c1', tool_name: 't', duration_ms: 1.0, success: true, ts: '2026-07-13T10:00:02+00:00' },
      ),
    );
    expect(results[1]?.entry.patient).toBe('P-1');
    expect(results[2]?.entry.patient).toBeNull();
    expect(results[2]?.problems).toHaveLength(1);
  });

  it("matches the documented tool_error without call_id to its run's open call of that tool", () => {
    const { results, endFindings } = normalizeArchive('selectools', [
      {
        file: 'audit.jsonl',
        text: jsonl(
          { event: 'tool_start', run_id: 'r1', call_id: 'c1', tool_name: 'get_lab_results', tool_args: { patient_id: 'P-11' }, ts: '2026-07-13T10:00:00+00:00' },
          { event: 'tool_start', run_id: 'r2', call_id: 'c2', tool_name: 'get_lab_results', tool_args: { patient_id: 'P-22' }, ts: '2026-07-13T10:00:00.5+00:00' },
          { event: 'tool_error', run_id: 'r1', tool_name: 'get_lab_results', error: 'timeout', error_type: 'TimeoutError', duration_ms: 30000.0, ts: '2026-07-13T10:00:30+00:00' },
          { event: 'tool_error', run_id: 'r9', tool_name: 'get_lab_results', error: 'boom', error_type: 'RuntimeError', duration_ms: 1.0, ts: '2026-07-13T10:00:31+00:00' },
        ),
      },
    ]);
    expect(results[2]?.entry).toMatchObject({ patient: 'P-11', success: false, callRecord: true, callId: null, error: 'TimeoutError: timeout' });
    expect(results[2]?.problems).toEqual([]);
    expect(results[3]?.problems).toEqual(['no call_id, and no open get_lab_results call in run "r9" to match it with, so its patient and arguments are unknown']);
    expect(endFindings.map((f) => f.line)).toEqual([2]);
  });

  it('lists calls that started but never reported an outcome when the archive ends', () => {
    const normalize = createNormalizer('selectools');
    const lines = [
      { event: 'tool_start', run_id: 'r1', call_id: 'c-done', tool_name: 'lookup_patient', tool_args: { patient_id: 'P-1' }, ts: '2026-07-13T10:00:00+00:00' },
      { event: 'tool_start', run_id: 'r1', call_id: 'c-open', tool_name: 'update_record', tool_args: { patient_id: 'P-2' }, ts: '2026-07-13T10:00:01+00:00' },
      { event: 'tool_end', run_id: 'r1', call_id: 'c-done', tool_name: 'lookup_patient', duration_ms: 3.5, success: true, ts: '2026-07-13T10:00:02+00:00' },
    ];
    lines.forEach((line, i) => normalize(parsePyJson(JSON.stringify(line)).value, { file: 'audit.jsonl', line: i + 1, byteOffset: 0, byteLength: 0 }, ''));
    expect(normalize.finish()).toEqual([
      {
        kind: 'field-problem',
        severity: 'warning',
        file: 'audit.jsonl',
        line: 2,
        detail:
          'The update_record call "c-open" started here but has no tool_end or tool_error in this archive: its outcome is unknown (the writer stopped mid-call, or those lines were removed).',
      },
    ]);
  });

  it('finds no unfinished calls in the real sample archive', () => {
    const normalize = createNormalizer('selectools');
    for (const { file, text } of SAMPLE_FILES) {
      text.split('\n').forEach((line, i) => {
        if (line.trim() !== '') normalize(parsePyJson(line).value, { file, line: i + 1, byteOffset: 0, byteLength: 0 }, '');
      });
    }
    expect(normalize.finish()).toEqual([]);
    expect(createNormalizer('chained').finish()).toEqual([]);
  });

  it('reports an unknown event name and a missing event', () => {
    const results = normalizeText('selectools', jsonl({ event: 'tool_retry', run_id: 'r', ts: '2026-07-13T10:00:00+00:00' }, { run_id: 'r', ts: '2026-07-13T10:00:00+00:00' }));
    expect(results[0]?.problems).toEqual(['event: "tool_retry" is not a selectools event']);
    expect(results[1]?.problems).toEqual(['event: missing, so the kind of event is unknown']);
    expect(results[1]?.entry.eventType).toBe('unknown');
  });

  it('reads guardrail and policy details as searchable result text', () => {
    const results = normalizeText(
      'selectools',
      jsonl(
        { event: 'guardrail_triggered', run_id: 'r', stage: 'input', guardrail_name: 'pii', action: 'rewrite', detail: 'Redacted 1 SSN', ts: '2026-07-14T13:24:59.124976+00:00' },
        { event: 'policy_decision', run_id: 'r', tool_name: 'search_formulary', decision: 'deny', reason: "Tool 'search_formulary' denied by policy", tool_args: { query: 'x' }, ts: '2026-07-14T13:25:00+00:00' },
      ),
    );
    expect(results[0]?.entry).toMatchObject({ resultText: 'pii · input · rewrite · Redacted 1 SSN', success: null, callRecord: false });
    expect(results[1]?.entry).toMatchObject({ decision: 'deny', success: false, callRecord: true, resultText: "Tool 'search_formulary' denied by policy" });
  });
});
