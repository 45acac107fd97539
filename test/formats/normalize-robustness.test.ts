/**
 * Whatever a line holds, normalizing it never throws and always yields an entry at its location:
 * one odd line must never stop an archive from opening.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FORMAT_IDS } from '../../shared/formats.js';
import { createNormalizer } from '../../main/core/formats/normalize/index.js';
import { parsePyJson } from '../../main/core/json/parse.js';

// Field names every format reads, so random values land where the normalizers look.
const KNOWN_KEYS = [
  'timestamp', 'ts', 'recorded', 'user_id', 'user_role', 'patient_id', 'tool_name', 'purpose', 'success', 'duration_ms',
  'session_metadata', 'arguments', 'arguments_sanitized', 'result_summary', 'tool_args', 'event', 'run_id', 'call_id',
  'model', 'decision', 'error', 'agent', 'entity', 'purposeOfEvent', 'outcome', 'period', 'action', 'type', 'subtype',
  'resourceType', 'break_the_glass', 'priority', 'urgency', 'turn_number', 'actor',
];

const anyJson = fc.jsonValue({ maxDepth: 4 });
const knownShaped = fc.dictionary(fc.constantFrom(...KNOWN_KEYS), fc.oneof(anyJson, fc.constantFrom('tool_start', 'tool_end', 'tool_error', 'AuditEvent', 'emergency')), {
  maxKeys: 12,
});

describe('normalizers never throw', () => {
  it.each(FORMAT_IDS)('%s: arbitrary lines become entries with their location', (format) => {
    const normalize = createNormalizer(format, { mapping: { fields: { timestamp: 'ts', user: 'actor.id', patient: 'agent.0', outcome: 'success' } } });
    fc.assert(
      fc.property(fc.oneof(anyJson, knownShaped), (value) => {
        const location = { file: 'fuzz.jsonl', line: 7, byteOffset: 100, byteLength: 20 };
        const result = normalize(parsePyJson(JSON.stringify(value)).value, location, 'ab'.repeat(32));
        expect(result.entry.source).toEqual(location);
        expect(result.entry.format).toBe(format);
        expect(Array.isArray(result.entry.breakGlass)).toBe(true);
        expect(result.entry.timeMs === null || Number.isFinite(result.entry.timeMs)).toBe(true);
        expect(result.entry.timeMs === null).toBe(result.timestampError !== null);
      }),
      { numRuns: 300, seed: 17 },
    );
    expect(() => normalize.finish()).not.toThrow();
  });

  it.each(FORMAT_IDS)('%s: Python-only values (NaN, Infinity, huge ints) are problems, not crashes', (format) => {
    const normalize = createNormalizer(format, { mapping: { fields: { timestamp: 'ts', duration: 'duration_ms', user: 'user_id' } } });
    const line =
      '{"timestamp": NaN, "ts": Infinity, "recorded": -Infinity, "duration_ms": NaN, "user_id": 123456789012345678901234567890, ' +
      '"turn_number": 1e400, "success": NaN, "event": "tool_end", "tool_args": {"patient_id": -0.0}, "arguments": {"patient_id": 1e-07}}';
    const result = normalize(parsePyJson(line).value, { file: 'f.jsonl', line: 1, byteOffset: 0, byteLength: line.length }, '');
    expect(result.entry.timeMs).toBeNull();
    expect(result.timestampError).not.toBeNull();
    expect(result.entry.durationMs).toBeNull();
    // A Python int beyond 2^53 used as an id keeps every digit.
    if (format !== 'fhir') expect(result.entry.user).toBe('123456789012345678901234567890');
  });
});
