import { describe, expect, it } from 'vitest';
import { jsonl, normalizeText } from './normalize-helpers.js';

/** Modelled on the R4 specification's examples (example-rest, example-media), one resource per line. */
const readByPhysician = {
  resourceType: 'AuditEvent',
  id: 'ae-7f3c',
  type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'Restful Operation' },
  subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'read', display: 'read' }],
  action: 'R',
  period: { start: '2025-07-06T14:23:01.000+00:00', end: '2025-07-06T14:23:01.145+00:00' },
  recorded: '2025-07-06T14:23:01.456+00:00',
  outcome: '0',
  purposeOfEvent: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT', display: 'treatment' }] }],
  agent: [
    {
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/extra-security-role-type', code: 'datacollector' }] },
      who: { display: 'EHR server' },
      requestor: false,
    },
    {
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }] },
      role: [{ coding: [{ system: 'http://snomed.info/sct', code: '309343006', display: 'Physician' }] }],
      who: { reference: 'Practitioner/dr-chen', identifier: { system: 'urn:oid:2.16.840.1.113883.4.6', value: 'dr_chen' }, display: 'Dr. Wei Chen' },
      requestor: true,
      network: { address: '10.0.1.5', type: '2' },
    },
  ],
  source: { site: 'Cloud', observer: { display: 'hospital EHR' }, type: [{ code: '3' }] },
  entity: [
    {
      what: { reference: 'Patient/P-2044/_history/3' },
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1', display: 'Person' },
      role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
      detail: [
        { type: 'conversation_id', valueString: 'conv_abc123' },
        { type: 'model', valueString: 'gpt-4.1' },
        { type: 'arguments', valueBase64Binary: Buffer.from('{"section": "medications"}').toString('base64') },
      ],
    },
  ],
};

const emergencyFailure = {
  resourceType: 'AuditEvent',
  type: { code: '110110', display: 'Patient Record' },
  action: 'U',
  recorded: '2025-07-07T03:12:44Z',
  outcome: '8',
  outcomeDesc: 'Consent directive blocks update',
  purposeOfEvent: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'BTG' }] }],
  agent: [{ who: { reference: 'Practitioner/nurse-okafor' }, requestor: true, role: [{ text: 'Nurse' }] }],
  entity: [{ what: { reference: 'https://fhir.example.org/r4/Patient/P-3090' } }],
};

describe('fhir (R4 AuditEvent NDJSON)', () => {
  const [read, emergency] = normalizeText('fhir', jsonl(readByPhysician, emergencyFailure), 'audit-events.ndjson');

  it('reads time, requestor, role, patient, purpose, outcome and duration', () => {
    expect(read?.problems).toEqual([]);
    expect(read?.entry).toMatchObject({
      format: 'fhir',
      timeMs: Date.UTC(2025, 6, 6, 14, 23, 1, 456),
      eventType: 'read',
      tool: 'read',
      user: 'dr_chen',
      role: 'Physician',
      clientIp: '10.0.1.5',
      patient: 'P-2044',
      purpose: 'treatment',
      success: true,
      durationMs: 145,
      conversationId: 'conv_abc123',
      model: 'gpt-4.1',
      callRecord: true,
      breakGlass: [],
    });
    expect(read?.entry.argsText).toContain('"arguments": "{\\"section\\": \\"medications\\"}"');
  });

  it('raises a BTG signal from purposeOfEvent and reads a failure', () => {
    expect(emergency?.problems).toEqual([]);
    expect(emergency?.entry).toMatchObject({
      eventType: 'update',
      tool: 'Patient Record',
      user: 'Practitioner/nurse-okafor',
      role: 'Nurse',
      patient: 'P-3090',
      purpose: 'break the glass',
      success: false,
      error: 'Consent directive blocks update',
      durationMs: null,
    });
    expect(emergency?.entry.breakGlass).toEqual([{ kind: 'fhir-purpose', field: 'purposeOfEvent.0.coding.0.code', value: 'BTG' }]);
  });

  it("uses the requestor's purposeOfUse when the event has no purpose, and BTG there too", () => {
    const [result] = normalizeText(
      'fhir',
      jsonl({
        resourceType: 'AuditEvent',
        recorded: '2025-07-07T03:12:44+00:00',
        agent: [
          {
            who: { identifier: { value: 'dr_x' } },
            requestor: true,
            purposeOfUse: [{ coding: [{ code: 'BTG' }, { code: 'ETREAT' }] }],
          },
        ],
      }),
    );
    expect(result?.entry).toMatchObject({ user: 'dr_x', purpose: 'emergency treatment', patient: null, success: null });
    expect(result?.entry.breakGlass).toEqual([{ kind: 'fhir-purpose', field: 'agent.0.purposeOfUse.0.coding.0.code', value: 'BTG' }]);
  });

  it('keeps events without agent or patient as missing attribution, and reports a non-AuditEvent resource', () => {
    const results = normalizeText(
      'fhir',
      jsonl({ resourceType: 'AuditEvent', recorded: '2025-07-07T03:12:44+00:00', outcome: '0' }, { resourceType: 'Patient', id: 'p1' }),
    );
    expect(results[0]?.entry).toMatchObject({ user: null, patient: null, role: null, success: true });
    expect(results[0]?.problems).toEqual([]);
    expect(results[1]?.problems).toEqual(['resourceType: expected "AuditEvent", found "Patient"']);
    expect(results[1]?.timestampError).toBe('no "recorded" field');
  });

  it('reports an outcome code R4 does not define', () => {
    const [result] = normalizeText('fhir', jsonl({ resourceType: 'AuditEvent', recorded: '2025-07-07T03:12:44Z', outcome: 'ok' }));
    expect(result?.problems).toEqual(['outcome: "ok" is not an R4 outcome code (0, 4, 8, 12)']);
    expect(result?.entry.success).toBeNull();
  });
});
