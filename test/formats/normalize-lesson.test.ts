import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { normalizationFindings } from '../../main/core/formats/normalize/index.js';
import { normalizeText } from './normalize-helpers.js';

// Written by the lesson's ImmutableAuditLog (hashes computed by CPython).
const CHAINED = `{"timestamp": "2025-07-06T14:23:01.456789+00:00", "conversation_id": "conv_abc123", "turn_number": 3, "user_id": "usr_98765", "tool_name": "access_patient_record", "arguments": {"patient_id": "P-1001", "section": "medications"}, "result_summary": {"success": true, "id": "P-1001"}, "duration_ms": 145.23, "model": "gpt-4.1", "success": true, "session_metadata": {"user_role": "physician", "client_ip": "10.0.1.5", "user_agent": "EHRDashboard/2.1", "access_purpose": "treatment", "call_trigger": "user_request"}, "_previous_hash": "genesis", "_hash": "6353b8a0bf98110440acac79acf764052a0fac7ad83caf82f67de72defd8156c"}
{"timestamp": "2025-07-06T14:25:09.000012+00:00", "conversation_id": "conv_abc123", "turn_number": 4, "user_id": "usr_98765", "tool_name": "update_treatment", "arguments": {"patient_id": "P-1001", "password": "***REDACTED***"}, "result_summary": {"success": false, "error": "Record locked by another user"}, "duration_ms": 38.0, "model": "gpt-4.1", "success": false, "session_metadata": {"user_role": "physician", "client_ip": "10.0.1.5", "user_agent": "EHRDashboard/2.1"}, "_previous_hash": "6353b8a0bf98110440acac79acf764052a0fac7ad83caf82f67de72defd8156c", "_hash": "0b2db59b2133a5c1e0b9d75938e9edd354e690b813fd81ed8f8cfb6abf73b720"}
{"timestamp": "2025-07-06T14:30:00+00:00", "conversation_id": "unknown", "turn_number": 0, "user_id": "unknown", "tool_name": "search_formulary", "arguments": {"query": "ibuprof\\u00e8ne"}, "result_summary": {"success": true, "count": 3}, "duration_ms": 12.5, "model": "unknown", "success": true, "session_metadata": {"user_role": null, "client_ip": null, "user_agent": null}, "_previous_hash": "0b2db59b2133a5c1e0b9d75938e9edd354e690b813fd81ed8f8cfb6abf73b720", "_hash": "fe7dc0cda961335698b788e9118d182d1f398e237f4bfe5cc91446a520b6d75b"}
`;

// Written by the lesson's HIPAAAuditLog (PII hashed as "sha256:" + 16 hex).
const HIPAA = `{"timestamp": "2025-07-07T09:15:42.120034+00:00", "user_id": "dr_chen", "user_role": "physician", "tool_name": "access_patient_record", "patient_id": "P-2044", "purpose": "treatment", "arguments_sanitized": {"patient_id": "P-2044", "patient_name": "sha256:fa984efece0fd80e", "date_of_birth": "sha256:307e5a9686f48f03"}, "result_summary": {"status": "ok", "ssn": "sha256:01a54629efb95228"}, "success": true, "previous_hash": "genesis", "entry_hash": "e11c04dcbd72c0cf95a60607f158eba5317396e0a85c1da80b793ea016e3fc63"}
{"timestamp": "2025-07-07T09:20:03.5+00:00", "user_id": "nurse_okafor", "user_role": "nurse", "tool_name": "update_treatment", "patient_id": "unknown", "purpose": "unspecified", "arguments_sanitized": {"note": "dose change"}, "result_summary": {"error": "patient_id required"}, "success": false, "previous_hash": "e11c04dcbd72c0cf95a60607f158eba5317396e0a85c1da80b793ea016e3fc63", "entry_hash": "810ae01a648d5da6b5dca92eaf74dc1f401a79c2321056858081dd1929bd5794"}
{"timestamp": "2025-07-07T23:48:10.000001+00:00", "user_id": "dr_chen", "user_role": "physician", "tool_name": "access_patient_record", "patient_id": "P-3090", "purpose": "emergency", "arguments_sanitized": {"patient_id": "P-3090", "break_the_glass": true}, "result_summary": {"status": "ok"}, "success": true, "previous_hash": "810ae01a648d5da6b5dca92eaf74dc1f401a79c2321056858081dd1929bd5794", "entry_hash": "a1da03289241580100f2f97bccfc640de6fbb2b3156bc1cd2917c320e032bd16"}
`;

describe('chained (lesson AuditEntry + hash chain)', () => {
  const results = normalizeText('chained', CHAINED, 'logs/chained.jsonl');

  it('reads every field an analysis needs from a full entry', () => {
    const [first] = results;
    expect(first?.problems).toEqual([]);
    expect(first?.timestampError).toBeNull();
    expect(first?.entry).toMatchObject({
      format: 'chained',
      eventType: 'tool_call',
      timeMs: Date.UTC(2025, 6, 6, 14, 23, 1, 456),
      timeRaw: '2025-07-06T14:23:01.456789+00:00',
      timeAssumedUtc: false,
      user: 'usr_98765',
      role: 'physician',
      clientIp: '10.0.1.5',
      tool: 'access_patient_record',
      patient: 'P-1001',
      purpose: 'treatment',
      success: true,
      durationMs: 145.23,
      conversationId: 'conv_abc123',
      turn: 3,
      model: 'gpt-4.1',
      trigger: 'user_request',
      callRecord: true,
      breakGlass: [],
      error: null,
    });
    expect(first?.entry.argsText).toBe('{"patient_id": "P-1001", "section": "medications"}');
    expect(first?.entry.resultText).toBe('{"success": true, "id": "P-1001"}');
  });

  it('keeps the exact source location and line hash', () => {
    const firstLine = CHAINED.split('\n')[0] ?? '';
    const secondLine = CHAINED.split('\n')[1] ?? '';
    expect(results[0]?.entry.source).toEqual({ file: 'logs/chained.jsonl', line: 1, byteOffset: 0, byteLength: Buffer.byteLength(firstLine) });
    expect(results[1]?.entry.source.byteOffset).toBe(Buffer.byteLength(firstLine) + 1);
    expect(results[1]?.entry.lineSha256).toBe(createHash('sha256').update(secondLine).digest('hex'));
  });

  it('reads a failure with its error message', () => {
    expect(results[1]?.entry).toMatchObject({ success: false, error: 'Record locked by another user', durationMs: 38, purpose: null });
  });

  it('turns the lesson logger\'s "unknown" defaults and null metadata into missing attribution, and keeps the entry', () => {
    expect(results).toHaveLength(3);
    expect(results[2]?.problems).toEqual([]);
    expect(results[2]?.entry).toMatchObject({ user: null, role: null, clientIp: null, patient: null, model: null, conversationId: null, turn: 0 });
    expect(results[2]?.entry.argsText).toBe('{"query": "ibuprofène"}');
  });

  it('reports wrongly typed fields as problems, keeping the entry', () => {
    const [result] = normalizeText(
      'chained',
      '{"timestamp": "2025-07-06 14:23:01", "user_id": ["a"], "tool_name": "x", "success": "yes", "duration_ms": "fast", "arguments": {}, "session_metadata": {"role": "support_agent", "ip": "10.0.0.9"}}\n',
    );
    expect(result?.problems).toEqual([
      'user_id: expected text, found a list',
      'success: expected true or false, found "yes"',
      'duration_ms: expected a number, found "fast"',
    ]);
    expect(result?.entry).toMatchObject({ user: null, success: null, durationMs: null, role: 'support_agent', clientIp: '10.0.0.9', timeAssumedUtc: true });
  });

  it('keeps an entry whose timestamp cannot be read, with the reason', () => {
    const [result] = normalizeText('chained', '{"timestamp": "06/07/2025 14:23", "user_id": "u1", "tool_name": "t", "success": true}\n');
    expect(result?.entry).toMatchObject({ timeMs: null, timeRaw: '06/07/2025 14:23', user: 'u1' });
    expect(result?.timestampError).toMatch(/^timestamp: "06\/07\/2025 14:23" is not an ISO 8601/);
    const [missing] = normalizeText('chained', '{"user_id": "u1"}\n');
    expect(missing?.timestampError).toBe('no "timestamp" field');
  });

  it('reads a call trigger and purpose kept in a context object', () => {
    const [result] = normalizeText(
      'chained',
      '{"timestamp": "2025-07-06T14:23:01+00:00", "user_id": "u", "tool_name": "t", "success": true, "context": {"call_trigger": "proactive", "access_purpose": "billing"}}\n',
    );
    expect(result?.entry).toMatchObject({ trigger: 'proactive', purpose: 'billing' });
  });

  it('reads numeric ids as their Python str()', () => {
    const [result] = normalizeText('chained', '{"timestamp": "2025-07-06T14:23:01+00:00", "user_id": 98765, "arguments": {"patient_id": 1486}, "success": true}\n');
    expect(result?.entry).toMatchObject({ user: '98765', patient: '1486' });
    expect(result?.problems).toEqual([]);
  });
});

describe('hipaa (lesson MedicalAuditEntry)', () => {
  const results = normalizeText('hipaa', HIPAA, 'hipaa.jsonl');

  it('reads user, role, patient, purpose and outcome', () => {
    expect(results.map((r) => r.problems)).toEqual([[], [], []]);
    expect(results[0]?.entry).toMatchObject({
      format: 'hipaa',
      eventType: 'tool_call',
      timeMs: Date.UTC(2025, 6, 7, 9, 15, 42, 120),
      user: 'dr_chen',
      role: 'physician',
      tool: 'access_patient_record',
      patient: 'P-2044',
      purpose: 'treatment',
      success: true,
      callRecord: true,
      durationMs: null,
      conversationId: null,
    });
    expect(results[0]?.entry.argsText).toContain('"patient_name": "sha256:fa984efece0fd80e"');
    expect(results[0]?.entry.resultText).toBe('{"status": "ok", "ssn": "sha256:01a54629efb95228"}');
  });

  it('maps the lesson defaults "unknown" patient and "unspecified" purpose to null and keeps the error', () => {
    expect(results[1]?.entry).toMatchObject({ patient: null, purpose: null, success: false, error: 'patient_id required', timeMs: Date.UTC(2025, 6, 7, 9, 20, 3, 500) });
  });

  it('flags emergency purpose and the break_the_glass argument', () => {
    expect(results[2]?.entry.breakGlass).toEqual([
      { kind: 'purpose', field: 'purpose', value: 'emergency' },
      { kind: 'flag', field: 'arguments_sanitized.break_the_glass', value: 'true' },
    ]);
  });
});

describe('lines that are not objects', () => {
  it('are kept as entries without fields, with a problem', () => {
    const results = normalizeText('chained', '[1, 2]\n"text"\n');
    expect(results).toHaveLength(2);
    expect(results[0]?.problems).toEqual(['the line is a JSON list, not an object, so it has no fields']);
    expect(results[0]?.entry).toMatchObject({ eventType: 'unknown', callRecord: false, user: null, timeMs: null });
    expect(results[1]?.timestampError).toMatch(/not an object/);
  });
});

describe('normalizationFindings', () => {
  it('turns a bad timestamp and field problems into findings at the entry\'s file and line', () => {
    const results = normalizeText(
      'chained',
      '{"timestamp": "2025-07-06T14:23:01+00:00", "user_id": "u", "success": true}\n{"timestamp": "last tuesday", "user_id": {"id": 1}, "success": true}\n',
      'archive/day1.jsonl',
    );
    expect(results.flatMap(normalizationFindings)).toEqual([
      {
        kind: 'bad-timestamp',
        severity: 'warning',
        file: 'archive/day1.jsonl',
        line: 2,
        detail: 'The entry\'s time cannot be read (timestamp: "last tuesday" is not an ISO 8601 date-time or epoch number); it is kept but cannot be placed in time.',
        found: 'last tuesday',
      },
      { kind: 'field-problem', severity: 'warning', file: 'archive/day1.jsonl', line: 2, detail: 'user_id: expected text, found an object' },
    ]);
  });
});
