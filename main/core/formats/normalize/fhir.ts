/**
 * FHIR R4 AuditEvent resources, one per line (NDJSON). https://hl7.org/fhir/R4/auditevent.html
 *  - time: `recorded`; duration from `period.start`/`period.end`
 *  - user: the agent with `requestor: true` (else the first agent): who.identifier.value,
 *    else who.reference, else who.display; role from agent.role (text, display or code),
 *    client IP from agent.network.address
 *  - patient: the entity whose what.reference is `Patient/<id>` (relative or absolute URL, with or
 *    without `_history`), else an entity with the patient role (code 1) and a what.identifier
 *  - purpose: purposeOfEvent, else the requestor's purposeOfUse (first non-BTG coding's display,
 *    else a known v3 ActReason code's display, else the code); BTG codes raise `fhir-purpose` signals
 *  - success: outcome "0"; "4", "8", "12" are failures (outcomeDesc is the error)
 *  - eventType: the action (create/read/update/delete/execute), else type.code;
 *    tool: subtype display or code, else type display or code
 *  - conversation, call, model, trigger and turn from entity.detail entries of those names.
 */
import type { PyValue } from '../../json/py-value.js';
import { getAtPath } from '../field-path.js';
import { scanBreakGlass } from './break-glass.js';
import { renderText } from './field-reader.js';
import { EMPTY_FIELDS, type FormatReading, type LineContext } from './types.js';
import { timestampMs } from '../../time/parse-timestamp.js';

const ACTIONS: Record<string, string> = { C: 'create', R: 'read', U: 'update', D: 'delete', E: 'execute' };
const OUTCOMES: Record<string, boolean> = { '0': true, '4': false, '8': false, '12': false };
/** Displays of common v3 ActReason codes, for events that carry only the code. */
const PURPOSE_DISPLAYS: Record<string, string> = {
  TREAT: 'treatment',
  ETREAT: 'emergency treatment',
  HPAYMT: 'healthcare payment',
  HOPERAT: 'healthcare operations',
  HRESCH: 'healthcare research',
  CLINTRCH: 'clinical trial research',
  PUBHLTH: 'public health',
  HLEGAL: 'legal',
  PATRQT: 'patient requested',
  FAMRQT: 'family requested',
  COC: 'coordination of care',
  HMARKT: 'healthcare marketing',
  BTG: 'break the glass',
};
const DETAIL_FIELDS = {
  conversationId: ['conversation_id', 'conversationId', 'run_id', 'correlation_id'],
  callId: ['call_id', 'callId'],
  model: ['model'],
  trigger: ['call_trigger', 'trigger'],
  turn: ['turn_number', 'turn'],
} as const;

export function readFhirEntry({ reader, breakGlass, config }: LineContext): FormatReading {
  const root = reader.root;
  const resourceType = getAtPath(root, 'resourceType');
  if (resourceType !== 'AuditEvent') {
    reader.problems.push(`resourceType: expected "AuditEvent", found ${typeof resourceType === 'string' ? `"${resourceType}"` : 'none'}`);
  }
  scanBreakGlass(root, config, breakGlass);

  const agents = listAt(root, 'agent');
  let requestorIndex = agents.findIndex((agent) => getAtPath(agent, 'requestor') === true);
  if (requestorIndex < 0 && agents.length > 0) requestorIndex = 0;
  const agentPath = requestorIndex < 0 ? null : `agent.${requestorIndex}`;

  // Purposes: the event's, else the requestor's purposeOfUse; BTG codes anywhere in either are signals.
  const purposeSources = ['purposeOfEvent', ...(agentPath ? [`${agentPath}.purposeOfUse`] : [])];
  let purpose: string | null = null;
  for (const source of purposeSources) {
    for (const [conceptIndex, concept] of listAt(root, source).entries()) {
      const codings = listAt(concept, 'coding');
      for (const [codingIndex, coding] of codings.entries()) {
        const code = getAtPath(coding, 'code');
        if (typeof code !== 'string') continue;
        if (config.fhirPurposeCodes.some((btg) => btg.toUpperCase() === code.toUpperCase())) {
          breakGlass.add('fhir-purpose', `${source}.${conceptIndex}.coding.${codingIndex}.code`, code);
        } else if (purpose === null) {
          purpose = stringAt(coding, 'display') ?? PURPOSE_DISPLAYS[code] ?? code;
        }
      }
      if (purpose === null && codings.length === 0) purpose = stringAt(concept, 'text');
    }
  }
  if (purpose === null && breakGlass.signals.some((signal) => signal.kind === 'fhir-purpose')) purpose = PURPOSE_DISPLAYS.BTG ?? null;

  const outcomeCode = reader.label('outcome');
  let success: boolean | null = null;
  if (outcomeCode !== null) {
    success = OUTCOMES[outcomeCode] ?? null;
    if (success === null) reader.problems.push(`outcome: "${outcomeCode}" is not an R4 outcome code (0, 4, 8, 12)`);
  }

  const periodStart = timestampMs(getAtPath(root, 'period.start'));
  const periodEnd = timestampMs(getAtPath(root, 'period.end'));
  const durationMs = periodStart !== null && periodEnd !== null && periodEnd >= periodStart ? periodEnd - periodStart : null;

  const details = entityDetails(root);
  const detail = (names: readonly string[]): string | null => {
    for (const name of names) {
      const value = details.get(name);
      if (value !== undefined) return value;
    }
    return null;
  };
  const turnText = detail(DETAIL_FIELDS.turn);

  const action = reader.label('action');
  return {
    time: reader.time('recorded'),
    fields: {
      ...EMPTY_FIELDS,
      eventType: (action !== null ? ACTIONS[action.toUpperCase()] : undefined) ?? action ?? reader.label('type.code') ?? 'audit_event',
      tool: reader.label('subtype.0.display', 'subtype.0.code', 'type.display', 'type.code'),
      user: agentPath ? reader.label(`${agentPath}.who.identifier.value`, `${agentPath}.who.reference`, `${agentPath}.who.display`, `${agentPath}.altId`) : null,
      role: agentPath ? agentRole(reader, agentPath) : null,
      clientIp: agentPath ? reader.label(`${agentPath}.network.address`) : null,
      patient: patientOf(root),
      purpose,
      success,
      error: success === false ? reader.text('outcomeDesc') : null,
      resultText: reader.text('outcomeDesc'),
      durationMs,
      conversationId: detail(DETAIL_FIELDS.conversationId),
      callId: detail(DETAIL_FIELDS.callId),
      model: detail(DETAIL_FIELDS.model),
      trigger: detail(DETAIL_FIELDS.trigger),
      turn: turnText !== null && /^\d+$/.test(turnText) ? Number(turnText) : null,
      argsText: details.size > 0 ? renderText(new Map([...details].map(([key, value]) => [key, value as PyValue]))) : null,
    },
  };
}

function agentRole(reader: LineContext['reader'], agentPath: string): string | null {
  return reader.label(
    `${agentPath}.role.0.text`,
    `${agentPath}.role.0.coding.0.display`,
    `${agentPath}.role.0.coding.0.code`,
    `${agentPath}.type.text`,
    `${agentPath}.type.coding.0.display`,
    `${agentPath}.type.coding.0.code`,
  );
}

const PATIENT_REFERENCE = /(?:^|\/)Patient\/([^/]+)(?:\/_history\/[^/]+)?$/;

function patientOf(root: PyValue): string | null {
  const entities = listAt(root, 'entity');
  for (const entity of entities) {
    const reference = stringAt(entity, 'what.reference');
    const match = reference ? PATIENT_REFERENCE.exec(reference) : null;
    if (match?.[1]) return decodeURIComponent(match[1]);
  }
  // An entity in the patient role (DICOM/HL7 object role 1) identified without a reference.
  for (const entity of entities) {
    if (getAtPath(entity, 'role.code') === '1' || getAtPath(entity, 'type.code') === '1') {
      const identifier = stringAt(entity, 'what.identifier.value');
      if (identifier) return identifier;
    }
  }
  return null;
}

/** entity[].detail[] as type → value (valueString, else decoded valueBase64Binary). */
function entityDetails(root: PyValue): Map<string, string> {
  const details = new Map<string, string>();
  for (const entity of listAt(root, 'entity')) {
    for (const item of listAt(entity, 'detail')) {
      const type = stringAt(item, 'type');
      if (type === null || details.has(type)) continue;
      const text = stringAt(item, 'valueString');
      const base64 = stringAt(item, 'valueBase64Binary');
      if (text !== null) details.set(type, text);
      else if (base64 !== null) details.set(type, Buffer.from(base64, 'base64').toString('utf8'));
    }
  }
  return details;
}

function listAt(value: PyValue | undefined, path: string): PyValue[] {
  const found = getAtPath(value, path);
  return Array.isArray(found) ? found : [];
}

function stringAt(value: PyValue | undefined, path: string): string | null {
  const found = getAtPath(value, path);
  return typeof found === 'string' && found !== '' ? found : null;
}
