/**
 * Audit-log lines like the ones ImmutableAuditLog writes (`json.dumps(entry)` with `_previous_hash`
 * and `_hash`), in the writer variants a verifier meets: default, sort_keys, compact separators,
 * raw UTF-8 (ensure_ascii=False). Values include non-ASCII text, integral and tiny floats, big ints.
 */
import fc from 'fast-check';
import { pythonDumps } from '../../main/core/json/python-dumps.js';
import { pyObject, type PyObject, type PyValue } from '../../main/core/json/py-value.js';
import { stringValueArb } from './json-text-arbitrary.js';

const textArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('P-1', 'P-10023', 'nurse', 'doctor', 'Zoë Müller', '患者', 'O\'Brien "Jr"', 'tab\tnew\nline', '\u{1f600}', '') },
  { weight: 2, arbitrary: stringValueArb },
);
const floatArb = fc.oneof(
  fc.constantFrom(145.0, 145.23, 0.1, 1e-7, 1.5e-5, 1e16, 1e15, -0, 0, 2.5, 1e22, 5e-324, 0.30000000000000004, NaN, Infinity),
  fc.double({ noNaN: true }),
  fc.integer({ min: 0, max: 100000 }).map((n) => n / 100),
);
const intArb = fc.oneof(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }));
const scalarArb: fc.Arbitrary<PyValue> = fc.oneof(textArb, floatArb, intArb, fc.boolean(), fc.constant(null));
const argsArb: fc.Arbitrary<PyObject> = fc
  .array(fc.tuple(fc.constantFrom('patient_id', 'query', 'limit', 'fields', 'note', 'dose_mg', 'b', 'a', 'Z'), fc.oneof(scalarArb, fc.array(scalarArb, { maxLength: 3 }))), { maxLength: 5 })
  .map((pairs) => pyObject(pairs));

const hexHash = fc.array(fc.constantFrom(...'0123456789abcdef'), { minLength: 64, maxLength: 64 }).map((a) => a.join(''));

export const auditEntryArb: fc.Arbitrary<PyObject> = fc
  .record({
    timestamp: fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString().replace('Z', '')),
    conversation_id: fc.nat(999).map((n) => `conv_${n}`),
    turn_number: intArb,
    user_id: textArb,
    tool_name: fc.constantFrom('get_patient_record', 'search', 'x'),
    arguments: argsArb,
    result_summary: argsArb,
    duration_ms: floatArb,
    model: fc.constantFrom('gpt-4.1', 'claude'),
    success: fc.boolean(),
    session_metadata: fc.record({ user_role: textArb, client_ip: fc.constant('10.0.0.1'), user_agent: fc.oneof(fc.constant(null), textArb) }),
    _previous_hash: fc.oneof(fc.constant('genesis'), hexHash),
    _hash: hexHash,
  })
  .map((record) => {
    const entry = pyObject(Object.entries(record).map(([k, v]) => [k, v instanceof Map ? v : typeof v === 'object' && v !== null ? pyObject(Object.entries(v)) : v] as [string, PyValue]));
    return entry;
  });

export type WriterStyle = 'default' | 'sort_keys' | 'compact' | 'raw_utf8';

export function writeLine(entry: PyObject, style: WriterStyle): string {
  switch (style) {
    case 'default':
      return pythonDumps(entry);
    case 'sort_keys':
      return pythonDumps(entry, { sortKeys: true });
    case 'compact':
      return pythonDumps(entry, { separators: [',', ':'] });
    case 'raw_utf8':
      return pythonDumps(entry, { ensureAscii: false });
  }
}

export const auditLineArb: fc.Arbitrary<{ entry: PyObject; style: WriterStyle; line: string }> = fc
  .tuple(auditEntryArb, fc.constantFrom<WriterStyle>('default', 'sort_keys', 'compact', 'raw_utf8'))
  .map(([entry, style]) => ({ entry, style, line: writeLine(entry, style) }));
