import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeArchive } from '../../main/core/fixtures/index.js';
import { openAndWait } from '../support/open-archives.js';
import { createBackend, type Backend } from '../../main/service/backend.js';
import type { ExportProgress } from '../../shared/report.js';

let backend: Backend;
let archive: string;
let out: string;
const PASSWORD = 'service-password-1';

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'custos-data-'));
  archive = mkdtempSync(join(tmpdir(), 'custos-report-service-'));
  out = mkdtempSync(join(tmpdir(), 'custos-report-out-'));
  await writeArchive(archive, { format: 'chained', seed: 41, entries: 300, rotation: 'single' });
  backend = await createBackend({ dataDir, demoDir: archive });
  await openAndWait(backend, { paths: [archive] });
});

afterAll(async () => {
  await backend.close();
});

describe('signing, seal, report and FHIR channels', () => {
  it('creates and inspects an identity; a wrong password is a clear error without the password', async () => {
    const p12Path = join(out, 'office.p12');
    const created = await backend.invoke('signing.create', { path: p12Path, name: 'Privacy Office', organization: 'Klinik Nord', password: PASSWORD });
    expect(created.ok && created.value.selfSigned).toBe(true);
    const inspected = await backend.invoke('signing.inspect', { p12Path, password: PASSWORD });
    expect(inspected.ok && inspected.value.commonName).toBe('Privacy Office');
    const wrong = await backend.invoke('signing.inspect', { p12Path, password: 'not-it' });
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) {
      expect(wrong.error.code).toBe('invalid-request');
      expect(wrong.error.message).toMatch(/Wrong password/);
      expect(JSON.stringify(wrong.error)).not.toContain('not-it');
    }
  });

  it('seals the open archive and confirms completeness against the seal', async () => {
    const sealPath = join(out, 'archive.seal.json');
    const sealed = await backend.invoke('seal.create', { path: sealPath, p12Path: join(out, 'office.p12'), password: PASSWORD });
    expect(sealed.ok && sealed.value.files).toBe(1);
    const checked = await backend.invoke('seal.check', { sealPath });
    expect(checked.ok).toBe(true);
    if (checked.ok) {
      expect(checked.value.seal.signatureValid).toBe(true);
      expect(checked.value.verdict.completeness).toBe('confirmed');
    }
  });

  it('writes a signed integrity certificate that verifies, and refuses to write over evidence', async () => {
    const pdf = join(out, 'certificate.pdf');
    const written = await backend.invoke('reports.certify', {
      path: pdf,
      sealPath: join(out, 'archive.seal.json'),
      organization: 'Klinik Nord',
      signing: { p12Path: join(out, 'office.p12'), password: PASSWORD, reason: 'Audit', location: 'Hamburg' },
    });
    expect(written.ok && written.value.signed).toBe(true);
    const verified = await backend.invoke('reports.verify', { path: pdf });
    expect(verified.ok).toBe(true);
    if (verified.ok) {
      expect(verified.value.problems).toEqual([]);
      expect(verified.value.files.map((file) => file.status)).toEqual(['unchanged']);
      expect(verified.value.evidence?.seal?.signatureValid).toBe(true);
    }
    const summary = await backend.invoke('archives.summary', {});
    const evidence = summary.ok ? summary.value.files[0]?.path ?? '' : '';
    const overwrite = await backend.invoke('reports.certify', { path: evidence });
    expect(overwrite.ok).toBe(false);
    if (!overwrite.ok) expect(overwrite.error.code).toBe('forbidden');
  });

  it('writes the analysis reports of the open archive as signed PDFs', async () => {
    const patients = await backend.invoke('entries.distinct', { column: 'patient', limit: 5 });
    const patient = patients.ok ? patients.value.values[0] ?? '' : '';
    const signing = { p12Path: join(out, 'office.p12'), password: PASSWORD, reason: 'Audit', location: 'Hamburg' };
    for (const kind of ['patient-access', 'disclosures', 'retention', 'break-the-glass', 'alerts'] as const) {
      const pdf = join(out, `${kind}.pdf`);
      const written = await backend.invoke('reports.analysisPdf', { kind, path: pdf, patients: [patient], signing });
      expect(written.ok, kind).toBe(true);
      const verified = await backend.invoke('reports.verify', { path: pdf });
      expect(verified.ok && verified.value.problems, kind).toEqual([]);
      expect(verified.ok && verified.value.evidence?.report.type, kind).toBe(kind);
    }
    const noPatient = await backend.invoke('reports.analysisPdf', { kind: 'patient-access', path: join(out, 'x.pdf') });
    expect(!noPatient.ok && noPatient.error.message).toMatch(/Name the patient/);
  });

  it('writes the retention review as of the date the Retention view shows, not as of today', async () => {
    const asOfMs = Date.UTC(2020, 0, 1);
    const pdf = join(out, 'retention-2020.pdf');
    const written = await backend.invoke('reports.analysisPdf', { kind: 'retention', path: pdf, asOfMs });
    expect(written.ok).toBe(true);
    const verified = await backend.invoke('reports.verify', { path: pdf });
    expect(verified.ok && verified.value.evidence?.report.period.to).toBe('2020-01-01T00:00:00.000Z');
    expect(verified.ok && verified.value.evidence?.report.query).toContain('as of 2020-01-01');
  });

  it('reports a PDF export\'s progress phase by phase up to 100 %, and cancels an export without leaving a file', async () => {
    const patients = await backend.invoke('entries.distinct', { column: 'patient', limit: 5 });
    const patient = patients.ok ? patients.value.values[0] ?? '' : '';
    const events: ExportProgress[] = [];
    const off = backend.on('export.progress', (progress) => events.push(progress));
    const signing = { p12Path: join(out, 'office.p12'), password: PASSWORD, reason: 'Audit', location: 'Hamburg' };
    const written = await backend.invoke('reports.analysisPdf', { kind: 'patient-access', path: join(out, 'progress.pdf'), patients: [patient], signing, exportId: 'progress-1' });
    expect(written.ok).toBe(true);
    const mine = events.filter((event) => event.exportId === 'progress-1');
    const phases = mine.map((event) => event.phase).filter((phase, index, all) => phase !== all[index - 1]);
    expect(phases).toEqual(['collecting', 'layout', 'rendering', 'signing', 'writing']);
    expect(mine.map((event) => event.fraction)).toEqual([...mine.map((event) => event.fraction)].sort((a, b) => a - b));
    expect(mine.at(-1)?.fraction).toBe(1);
    const rendering = mine.filter((event) => event.phase === 'rendering');
    expect(rendering.at(-1)?.done).toBe(rendering.at(-1)?.total);

    const cancelledPath = join(out, 'cancelled.pdf');
    const cancelOnFirstLayout = backend.on('export.progress', (progress) => {
      if (progress.exportId === 'cancel-1' && progress.phase === 'layout') void backend.invoke('reports.cancel', { exportId: 'cancel-1' });
    });
    const cancelled = await backend.invoke('reports.analysisPdf', { kind: 'patient-access', path: cancelledPath, patients: [patient], exportId: 'cancel-1' });
    cancelOnFirstLayout();
    off();
    expect(!cancelled.ok && cancelled.error.code).toBe('cancelled');
    expect(existsSync(cancelledPath)).toBe(false);
    const again = await backend.invoke('reports.cancel', { exportId: 'cancel-1' });
    expect(again.ok && again.value.cancelled).toBe(false);
  });

  it('exports the open archive as FHIR AuditEvents', async () => {
    const events: ExportProgress[] = [];
    const off = backend.on('export.progress', (progress) => events.push(progress));
    const exported = await backend.invoke('fhir.export', { path: join(out, 'events.ndjson'), bundle: false, exportId: 'fhir-1' });
    off();
    expect(exported.ok && exported.value.exported).toBeGreaterThan(0);
    expect(events.map((event) => event.phase).filter((phase, index, all) => phase !== all[index - 1])).toEqual(['collecting', 'writing']);
    expect(events.at(-1)?.fraction).toBe(1);
  });
});
