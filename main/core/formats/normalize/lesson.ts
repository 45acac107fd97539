/**
 * The two formats of the audit-logging lesson (../shared/seeds/audit-logging-lesson.md):
 *  - chained: `AuditEntry` written by `ImmutableAuditLog` (plus `_previous_hash`/`_hash`);
 *  - hipaa: `MedicalAuditEntry` written by `HIPAAAuditLog` (plus `previous_hash`/`entry_hash`).
 * Every line is one tool call.
 */
import { getAtPath } from '../field-path.js';
import { renderText } from './field-reader.js';
import { scanBreakGlass } from './break-glass.js';
import { EMPTY_FIELDS, type FormatReading, type LineContext } from './types.js';

export function readChainedEntry({ reader, breakGlass, config }: LineContext): FormatReading {
  scanBreakGlass(reader.root, config, breakGlass);
  const resultSummary = getAtPath(reader.root, 'result_summary');
  return {
    time: reader.time('timestamp'),
    fields: {
      ...EMPTY_FIELDS,
      eventType: 'tool_call',
      user: reader.label('user_id', 'session_metadata.user_id'),
      // The lesson's field table shows session_metadata as {"role", "ip"}; its code writes user_role/client_ip.
      role: reader.label('session_metadata.user_role', 'session_metadata.role', 'user_role'),
      clientIp: reader.label('session_metadata.client_ip', 'session_metadata.ip', 'client_ip'),
      tool: reader.label('tool_name'),
      patient: reader.label('arguments.patient_id', 'patient_id'),
      purpose: reader.label(
        'session_metadata.access_purpose',
        'arguments.purpose',
        'purpose',
        'access_purpose',
        'session_metadata.purpose',
        'context.access_purpose',
      ),
      success: reader.boolean('success') ?? successFromResult(resultSummary),
      durationMs: reader.number('duration_ms'),
      conversationId: reader.label('conversation_id'),
      turn: reader.integer('turn_number'),
      callId: reader.label('call_id'),
      model: reader.label('model'),
      // log_with_trigger puts call_trigger into the context; loggers that keep it write it here.
      trigger: reader.label('call_trigger', 'session_metadata.call_trigger', 'context.call_trigger', 'trigger'),
      argsText: reader.json('arguments'),
      resultText: resultSummary === undefined || resultSummary === null ? null : renderText(resultSummary),
      error: reader.text('result_summary.error', 'error'),
    },
  };
}

export function readHipaaEntry({ reader, breakGlass, config }: LineContext): FormatReading {
  scanBreakGlass(reader.root, config, breakGlass);
  const resultSummary = getAtPath(reader.root, 'result_summary');
  return {
    time: reader.time('timestamp'),
    fields: {
      ...EMPTY_FIELDS,
      eventType: 'tool_call',
      user: reader.label('user_id'),
      role: reader.label('user_role'),
      tool: reader.label('tool_name'),
      patient: reader.label('patient_id'),
      purpose: reader.label('purpose', 'access_purpose'),
      success: reader.boolean('success') ?? successFromResult(resultSummary),
      durationMs: reader.number('duration_ms'),
      conversationId: reader.label('conversation_id'),
      clientIp: reader.label('client_ip'),
      argsText: reader.json('arguments_sanitized'),
      resultText: resultSummary === undefined || resultSummary === null ? null : renderText(resultSummary),
      error: reader.text('result_summary.error'),
    },
  };
}

/** The lesson's rule when `success` itself is absent: a result carrying "error" failed. */
function successFromResult(result: ReturnType<typeof getAtPath>): boolean | null {
  if (!(result instanceof Map)) return null;
  const stated = result.get('success');
  if (typeof stated === 'boolean') return stated;
  return result.has('error') ? false : null;
}
