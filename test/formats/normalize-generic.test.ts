import { describe, expect, it } from 'vitest';
import type { GenericMapping } from '../../shared/formats.js';
import { createNormalizer } from '../../main/core/formats/normalize/index.js';
import { jsonl, normalizeText } from './normalize-helpers.js';

const mapping: GenericMapping = {
  fields: {
    timestamp: 'event.time',
    user: 'actor.id',
    role: 'actor.role',
    patient: 'subject.ids.0',
    tool: 'action',
    purpose: 'context.reason',
    outcome: 'result.status',
    duration: 'metrics.elapsed_ms',
    conversation: 'session',
    model: 'llm.model',
    eventType: 'kind',
    callId: 'ids.call',
    turn: 'ids.turn',
    trigger: 'why',
    clientIp: 'net.ip',
    arguments: 'request',
    result: 'result',
  },
  successValues: ['OK', 200],
};

describe('generic (user-mapped JSONL)', () => {
  it('reads every mapped field through dot paths and list indexes', () => {
    const [result] = normalizeText(
      'generic',
      jsonl({
        event: { time: 1751811781456 },
        actor: { id: 'svc-billing', role: 'billing_clerk' },
        subject: { ids: ['P-5521', 'P-0001'] },
        action: 'export_invoice',
        context: { reason: 'payment' },
        result: { status: 'ok', rows: 12 },
        metrics: { elapsed_ms: 88 },
        session: 'sess-42',
        llm: { model: 'gpt-4o-mini' },
        kind: 'export',
        ids: { call: 'call-9', turn: 4 },
        why: 'scheduled',
        net: { ip: '192.0.2.10' },
        request: { format: 'pdf' },
      }),
      'app.jsonl',
      { mapping },
    );
    expect(result?.problems).toEqual([]);
    expect(result?.entry).toMatchObject({
      format: 'generic',
      timeMs: 1751811781456,
      timeRaw: '1751811781456',
      eventType: 'export',
      user: 'svc-billing',
      role: 'billing_clerk',
      patient: 'P-5521',
      tool: 'export_invoice',
      purpose: 'payment',
      success: true,
      durationMs: 88,
      conversationId: 'sess-42',
      model: 'gpt-4o-mini',
      callId: 'call-9',
      turn: 4,
      trigger: 'scheduled',
      clientIp: '192.0.2.10',
      argsText: '{"format": "pdf"}',
      resultText: '{"status": "ok", "rows": 12}',
      callRecord: true,
    });
  });

  it('maps outcomes through successValues: listed → success, other values → failure, absent → unknown', () => {
    const results = normalizeText(
      'generic',
      jsonl(
        { event: { time: '2025-07-06T14:23:01Z' }, result: { status: 200 } },
        { event: { time: '2025-07-06T14:23:02Z' }, result: { status: 'DENIED' } },
        { event: { time: '2025-07-06T14:23:03Z' }, result: {} },
        { event: { time: '2025-07-06T14:23:04Z' }, result: { status: 'ok' } },
      ) + '{"event": {"time": "2025-07-06T14:23:05Z"}, "result": {"status": 200.0}}\n',
      'app.jsonl',
      { mapping },
    );
    // 'ok' matches the listed 'OK' (strings compare without case); the Python float 200.0 equals the listed 200.
    expect(results.map((r) => r.entry.success)).toEqual([true, false, null, true, true]);
  });

  it('defaults successValues to true, "success" and "ok"', () => {
    const simple: GenericMapping = { fields: { timestamp: 'ts', outcome: 'outcome' } };
    const results = normalizeText(
      'generic',
      jsonl({ ts: '2025-07-06T14:23:01Z', outcome: 'Success' }, { ts: '2025-07-06T14:23:01Z', outcome: true }, { ts: '2025-07-06T14:23:01Z', outcome: 'error' }),
      'x.jsonl',
      { mapping: simple },
    );
    expect(results.map((r) => r.entry.success)).toEqual([true, true, false]);
  });

  it('flags an emergency purpose at a mapped path as break-the-glass', () => {
    const [result] = normalizeText('generic', jsonl({ event: { time: '2025-07-06T14:23:01Z' }, context: { reason: 'Emergency' } }), 'x.jsonl', { mapping });
    expect(result?.entry.breakGlass).toEqual([{ kind: 'purpose', field: 'context.reason', value: 'Emergency' }]);
  });

  it('keeps lines whose mapped fields are missing, with nulls', () => {
    const [result] = normalizeText('generic', jsonl({ unrelated: true }), 'x.jsonl', { mapping });
    expect(result?.entry).toMatchObject({ user: null, patient: null, tool: null, timeMs: null, eventType: 'tool_call' });
    expect(result?.timestampError).toBe('no "event.time" field');
    expect(result?.problems).toEqual([]);
  });

  it('refuses to start without a mapping', () => {
    expect(() => createNormalizer('generic')).toThrow(/needs a mapping file/);
  });
});
