import { describe, expect, it } from 'vitest';
import { DEFAULT_BREAK_GLASS_CONFIG, resolveBreakGlassConfig } from '../../main/core/formats/normalize/index.js';
import { jsonl, normalizeText } from './normalize-helpers.js';

const base = { timestamp: '2025-07-07T23:48:10.000001+00:00', user_id: 'dr_chen', tool_name: 'access_patient_record', success: true };

function signalsOf(line: Record<string, unknown>, format: 'chained' | 'hipaa' | 'selectools' = 'chained', config = DEFAULT_BREAK_GLASS_CONFIG) {
  const [result] = normalizeText(format, jsonl({ ...base, ...line }), 'bg.jsonl', { breakGlass: config });
  return result?.entry.breakGlass;
}

describe('break-the-glass signals', () => {
  it.each([
    ['top level', { break_the_glass: true }, 'break_the_glass'],
    ['session_metadata', { session_metadata: { btg: true } }, 'session_metadata.btg'],
    ['arguments', { arguments: { patient_id: 'P-1', emergency_access: 'yes' } }, 'arguments.emergency_access'],
    ['a flag written as 1', { session_metadata: { break_the_glass: 1 } }, 'session_metadata.break_the_glass'],
  ])('detects a true flag at the %s', (_where, line, field) => {
    expect(signalsOf(line)).toEqual([expect.objectContaining({ kind: 'flag', field })]);
  });

  it('detects a flag inside selectools tool_args', () => {
    const signals = signalsOf({ event: 'tool_start', run_id: 'r', call_id: 'c', ts: base.timestamp, tool_args: { patient_id: 'P-1', break_the_glass: true } }, 'selectools');
    expect(signals).toEqual([{ kind: 'flag', field: 'tool_args.break_the_glass', value: 'true' }]);
  });

  it('ignores flags that are false or absent', () => {
    expect(signalsOf({ break_the_glass: false, session_metadata: { btg: 'no' } })).toEqual([]);
    expect(signalsOf({})).toEqual([]);
  });

  it.each([
    ['purpose', { purpose: 'Emergency' }],
    ['session_metadata.access_purpose', { session_metadata: { access_purpose: 'break_the_glass' } }],
    ['arguments.purpose', { arguments: { purpose: 'BTG' } }],
  ])('detects an emergency purpose in %s, case-insensitively', (field, line) => {
    expect(signalsOf(line)).toEqual([expect.objectContaining({ kind: 'purpose', field })]);
  });

  it('does not flag ordinary purposes', () => {
    expect(signalsOf({ purpose: 'treatment', session_metadata: { access_purpose: 'billing' } })).toEqual([]);
  });

  it.each([
    ['urgency', 'STAT'],
    ['priority', 'critical'],
    ['priority', 'high'],
    ['urgency', 'emergency'],
  ])('detects %s = %s as elevated urgency', (key, value) => {
    expect(signalsOf({ arguments: { [key]: value } })).toEqual([{ kind: 'urgency', field: `arguments.${key}`, value }]);
  });

  it('does not flag routine urgency or priority', () => {
    expect(signalsOf({ arguments: { priority: 'normal', urgency: 'routine' } })).toEqual([]);
  });

  it('does not count a bare "urgent": true by default, but does when configured', () => {
    expect(signalsOf({ arguments: { urgent: true } })).toEqual([]);
    const config = resolveBreakGlassConfig({ countUrgentFlags: true });
    expect(signalsOf({ arguments: { urgent: true } }, 'chained', config)).toEqual([{ kind: 'urgency', field: 'arguments.urgent', value: 'true' }]);
  });

  it('records every signal of an entry, each once', () => {
    const signals = signalsOf({ break_the_glass: true, purpose: 'emergency', session_metadata: { priority: 'stat' } });
    expect(signals?.map((s) => `${s.kind}:${s.field}`)).toEqual(['flag:break_the_glass', 'purpose:purpose', 'urgency:session_metadata.priority']);
  });

  it('uses configured field names and values instead of the defaults', () => {
    const config = resolveBreakGlassConfig({ flagFields: ['override'], urgencyValues: ['p1'] });
    expect(signalsOf({ override: true, break_the_glass: true, arguments: { priority: 'P1' } }, 'chained', config)).toEqual([
      { kind: 'flag', field: 'override', value: 'true' },
      { kind: 'urgency', field: 'arguments.priority', value: 'P1' },
    ]);
    expect(config.purposeValues).toEqual(DEFAULT_BREAK_GLASS_CONFIG.purposeValues);
  });

  it('rejects an invalid configuration naming the field', () => {
    expect(() => resolveBreakGlassConfig({ countUrgentFlags: 'sometimes' }, 'settings.json')).toThrow(/settings\.json.*countUrgentFlags/);
    expect(() => resolveBreakGlassConfig({ flagFeilds: [] }, 'settings.json')).toThrow(/flagFeilds/);
  });
});
