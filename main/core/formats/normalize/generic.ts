/**
 * Any other JSONL log, read through a user-supplied GenericMapping (dot paths per field).
 * Every line is one call. `outcome` becomes success when its value is one of `successValues`
 * (default true, "success", "ok"; strings compared without case), failure for any other value,
 * and unknown when the field is absent.
 */
import type { GenericMapping } from '../../../../shared/formats.js';
import type { PyValue } from '../../json/py-value.js';
import { getAtPath } from '../field-path.js';
import { DEFAULT_SUCCESS_VALUES } from '../mapping.js';
import { checkPurposeValue, scanBreakGlass } from './break-glass.js';
import { EMPTY_FIELDS, type FormatReading, type LineContext } from './types.js';

export function createGenericReader(mapping: GenericMapping): (ctx: LineContext) => FormatReading {
  const { fields } = mapping;
  const successValues = mapping.successValues ?? DEFAULT_SUCCESS_VALUES;
  const paths = (path: string | undefined): string[] => (path === undefined ? [] : [path]);

  return ({ reader, breakGlass, config }) => {
    scanBreakGlass(reader.root, config, breakGlass);
    if (fields.purpose !== undefined) checkPurposeValue(fields.purpose, getAtPath(reader.root, fields.purpose), config, breakGlass);
    const outcome = fields.outcome === undefined ? undefined : getAtPath(reader.root, fields.outcome);
    return {
      time: reader.time(fields.timestamp),
      fields: {
        ...EMPTY_FIELDS,
        eventType: reader.label(...paths(fields.eventType)) ?? 'tool_call',
        user: reader.label(...paths(fields.user)),
        role: reader.label(...paths(fields.role)),
        patient: reader.label(...paths(fields.patient)),
        tool: reader.label(...paths(fields.tool)),
        purpose: reader.label(...paths(fields.purpose)),
        success: outcome === undefined || outcome === null ? null : isSuccess(outcome, successValues),
        durationMs: reader.number(...paths(fields.duration)),
        conversationId: reader.label(...paths(fields.conversation)),
        model: reader.label(...paths(fields.model)),
        callId: reader.label(...paths(fields.callId)),
        turn: reader.integer(...paths(fields.turn)),
        trigger: reader.label(...paths(fields.trigger)),
        clientIp: reader.label(...paths(fields.clientIp)),
        argsText: reader.json(...paths(fields.arguments)),
        resultText: reader.json(...paths(fields.result)),
        error: null,
      },
    };
  };
}

export function isSuccess(outcome: PyValue, successValues: ReadonlyArray<string | boolean | number>): boolean {
  return successValues.some((accepted) => {
    if (typeof accepted === 'boolean') return outcome === accepted;
    if (typeof accepted === 'number') return (typeof outcome === 'number' || typeof outcome === 'bigint') && Number(outcome) === accepted;
    return typeof outcome === 'string' && outcome.trim().toLowerCase() === accepted.toLowerCase();
  });
}
