/**
 * One tool call as a FHIR R4 AuditEvent following the IHE Basic Audit Log Patterns (BALP): the
 * patient read/query/create/update/delete patterns, the human user as the requestor agent, the AI
 * model (through its tool) as a device agent, the patient as an entity, purpose of use, outcome,
 * and the call's duration as the period. Break-the-glass access is typed as DICOM 110113
 * "Security Alert" with purpose of use BTG. Every event names the evidence line it came from.
 */
import { createHash } from 'node:crypto';
import type { NormalizedEntry } from '../../../shared/entry.js';

const SYSTEM = {
  auditEventType: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
  restfulInteraction: 'http://hl7.org/fhir/restful-interaction',
  dcm: 'http://dicom.nema.org/resources/ontology/DCM',
  participationType: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  actReason: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
  sourceType: 'http://terminology.hl7.org/CodeSystem/security-source-type',
  entityType: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
  objectRole: 'http://terminology.hl7.org/CodeSystem/object-role',
  balp: 'https://profiles.ihe.net/ITI/BALP/StructureDefinition/',
  evidence: 'urn:custos:evidence',
} as const;

type Action = 'C' | 'R' | 'U' | 'D' | 'E';

interface Pattern {
  action: Action;
  interaction: string;
  profile: string;
}

const PATTERNS: Record<'create' | 'read' | 'update' | 'delete' | 'query', Pattern> = {
  create: { action: 'C', interaction: 'create', profile: 'IHE.BasicAudit.PatientCreate' },
  read: { action: 'R', interaction: 'read', profile: 'IHE.BasicAudit.PatientRead' },
  update: { action: 'U', interaction: 'update', profile: 'IHE.BasicAudit.PatientUpdate' },
  delete: { action: 'D', interaction: 'delete', profile: 'IHE.BasicAudit.PatientDelete' },
  query: { action: 'E', interaction: 'search-type', profile: 'IHE.BasicAudit.PatientQuery' },
};

/** The BALP pattern a tool's name suggests; reading is the default for anything that only looks. */
export function patternForTool(tool: string | null): Pattern {
  const name = (tool ?? '').toLowerCase();
  if (/^(create|add|new|insert|register|schedule|book|admit|send|issue)/.test(name)) return PATTERNS.create;
  if (/^(delete|remove|purge|cancel|erase|discharge_delete)/.test(name)) return PATTERNS.delete;
  if (/^(update|edit|modify|set|change|amend|correct|charge|refund|prescribe)/.test(name) || /update|modify/.test(name)) return PATTERNS.update;
  if (/^(search|lookup|look_up|find|list|query)/.test(name)) return PATTERNS.query;
  return PATTERNS.read;
}

/** HL7 v3 ActReason codes for the purposes our loggers write; anything else is kept as text. */
const PURPOSE_CODES: Array<[RegExp, string, string]> = [
  [/^(btg|break[ _-]?(the[ _-]?)?glass|emergency)$/i, 'BTG', 'break the glass'],
  [/^(treatment|tx|care|clinical[ _-]?care|patient[ _-]?care)$/i, 'TREAT', 'treatment'],
  [/^(payment|billing|claims?|reimbursement)$/i, 'HPAYMT', 'healthcare payment'],
  [/^(operations|health[ _-]?care[ _-]?operations|hco|quality)$/i, 'HOPERAT', 'healthcare operations'],
  [/^(research|clinical[ _-]?research)$/i, 'HRESCH', 'healthcare research'],
  [/^(legal|law|court)$/i, 'HLEGAL', 'legal'],
  [/^(public[ _-]?health)$/i, 'PUBHLTH', 'public health'],
];

function purposeOfUse(entry: NormalizedEntry): Array<Record<string, unknown>> {
  const purposes: Array<Record<string, unknown>> = [];
  const breakGlass = entry.breakGlass.length > 0;
  if (entry.purpose) {
    const match = PURPOSE_CODES.find(([pattern]) => pattern.test(entry.purpose!.trim()));
    purposes.push(match ? { coding: [{ system: SYSTEM.actReason, code: match[1], display: match[2] }], text: entry.purpose } : { text: entry.purpose });
  }
  if (breakGlass && !purposes.some((purpose) => JSON.stringify(purpose).includes('"BTG"'))) {
    purposes.push({ coding: [{ system: SYSTEM.actReason, code: 'BTG', display: 'break the glass' }], text: entry.breakGlass.map((signal) => `${signal.field}=${signal.value}`).join(', ') });
  }
  return purposes;
}

/** A FHIR id ([A-Za-z0-9-.]{1,64}) that is stable for the same line of the same file. */
export function auditEventId(entry: NormalizedEntry): string {
  return createHash('sha256').update(`${entry.source.file}\u0000${entry.source.line}\u0000${entry.lineSha256}`).digest('hex').slice(0, 40);
}

export function isExportable(entry: NormalizedEntry): boolean {
  const isCall = entry.callRecord ?? (entry.format !== 'selectools' || entry.eventType === 'tool_end' || entry.eventType === 'tool_error');
  return isCall && entry.timeMs !== null;
}

export function toAuditEvent(entry: NormalizedEntry): Record<string, unknown> {
  if (entry.timeMs === null) throw new Error(`${entry.source.file}:${entry.source.line}: an AuditEvent needs a time, and this entry has none.`);
  const pattern = patternForTool(entry.tool);
  const breakGlass = entry.breakGlass.length > 0;
  const recorded = new Date(entry.timeMs).toISOString();
  const purposes = purposeOfUse(entry);

  const agents: Array<Record<string, unknown>> = [];
  agents.push({
    type: { coding: [{ system: SYSTEM.participationType, code: 'IRCP', display: 'information recipient' }] },
    ...(entry.role ? { role: [{ text: entry.role }] } : {}),
    who: entry.user ? { identifier: { value: entry.user }, display: entry.user } : { display: 'user not recorded in the audit log' },
    ...(entry.conversationId ? { altId: entry.conversationId } : {}),
    requestor: true,
    ...(entry.clientIp ? { network: { address: entry.clientIp, type: '2' } } : {}),
    ...(purposes.length > 0 ? { purposeOfUse: purposes } : {}),
  });
  if (entry.model || entry.tool) {
    agents.push({
      type: { coding: [{ system: SYSTEM.dcm, code: '110150', display: 'Application' }] },
      who: {
        ...(entry.model ? { identifier: { value: entry.model } } : {}),
        display: [entry.model ? `AI model ${entry.model}` : 'AI assistant', entry.tool ? `tool ${entry.tool}` : null].filter(Boolean).join(' via '),
      },
      requestor: false,
    });
  }

  const entities: Array<Record<string, unknown>> = [];
  if (entry.patient) {
    entities.push({
      what: { identifier: { value: entry.patient }, type: 'Patient' },
      type: { system: SYSTEM.entityType, code: '1', display: 'Person' },
      role: { system: SYSTEM.objectRole, code: '1', display: 'Patient' },
    });
  }
  entities.push({
    what: { identifier: { system: SYSTEM.evidence, value: `${entry.source.file}:${entry.source.line}` }, display: `${entry.source.file}:${entry.source.line}` },
    type: { system: SYSTEM.entityType, code: '2', display: 'System Object' },
    ...(entry.tool ? { name: entry.tool } : {}),
    description: `Audit log line (${entry.format}); sha256 of the line ${entry.lineSha256}`,
  });

  const outcome = entry.success === null ? null : entry.success ? '0' : '4';
  return {
    resourceType: 'AuditEvent',
    id: auditEventId(entry),
    meta: { profile: [SYSTEM.balp + pattern.profile] },
    type: breakGlass
      ? { system: SYSTEM.dcm, code: '110113', display: 'Security Alert' }
      : { system: SYSTEM.auditEventType, code: 'rest', display: 'Restful Operation' },
    subtype: [{ system: SYSTEM.restfulInteraction, code: pattern.interaction }],
    action: pattern.action,
    period: { start: recorded, end: new Date(entry.timeMs + Math.max(0, Math.round(entry.durationMs ?? 0))).toISOString() },
    recorded,
    ...(outcome === null ? {} : { outcome }),
    ...(entry.error ? { outcomeDesc: entry.error } : {}),
    ...(purposes.length > 0 ? { purposeOfEvent: purposes } : {}),
    agent: agents,
    source: {
      site: entry.source.file,
      observer: { display: `AI assistant audit logger (${entry.format} format)` },
      type: [{ system: SYSTEM.sourceType, code: '4', display: 'Application Server' }],
    },
    entity: entities,
  };
}

/** A urn:uuid for a Bundle entry, derived from the event id so the same export is byte-identical. */
export function uuidFor(id: string): string {
  const hex = createHash('sha256').update(id).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
