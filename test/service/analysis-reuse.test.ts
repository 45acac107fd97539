/**
 * Report exports share the analysis views' data: the open archive is read once per change of the
 * open set (by the analysis service), never again per export; an export started while that read
 * runs waits for it (its progress follows the read) and can be cancelled while waiting. A generic
 * archive opened with a mapping file is analysed with that mapping.
 *
 * Archive reads on this thread are counted by wrapping `scanArchive`, through which every read of
 * an archive here goes (the worker's open runs on its own thread and is not counted). A gate lets
 * a test hold a read open to start exports during it.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OpenOutcome } from '../../shared/archive.js';
import type { ExportProgress } from '../../shared/report.js';
import { writeArchive } from '../../main/core/fixtures/index.js';
import { createBackend, type Backend } from '../../main/service/backend.js';
import { openAndWait, type OpenInTest } from '../support/open-archives.js';

const reads = vi.hoisted(() => ({ paths: [] as string[][], gate: null as Promise<void> | null }));

vi.mock('../../main/core/verify/scan.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../main/core/verify/scan.js')>();
  return {
    ...real,
    scanArchive: async (...args: Parameters<typeof real.scanArchive>) => {
      reads.paths.push([...args[0]]);
      if (reads.gate) await reads.gate;
      return real.scanArchive(...args);
    },
  };
});

let backend: Backend;
let chained: string;
let larger: string;
let out: string;

function value<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

async function openOk(request: OpenInTest): Promise<OpenOutcome> {
  const outcome = await openAndWait(backend, request);
  expect(outcome.failed).toEqual([]);
  return outcome;
}

/** Resolves once the analysis service has started reading (the gate holds the read). */
async function readStarted(count: number): Promise<void> {
  await vi.waitFor(() => expect(reads.paths.length).toBe(count), { timeout: 10_000, interval: 5 });
}

function holdReads(): () => void {
  let release!: () => void;
  reads.gate = new Promise<void>((resolveGate) => {
    release = resolveGate;
  });
  return () => {
    reads.gate = null;
    release();
  };
}

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'custos-reuse-data-'));
  chained = mkdtempSync(join(tmpdir(), 'custos-reuse-chained-'));
  larger = mkdtempSync(join(tmpdir(), 'custos-reuse-larger-'));
  out = mkdtempSync(join(tmpdir(), 'custos-reuse-out-'));
  await writeArchive(chained, { format: 'chained', seed: 43, entries: 300, rotation: 'single' });
  await writeArchive(larger, { format: 'chained', seed: 44, entries: 400, rotation: 'single' });
  backend = await createBackend({ dataDir, demoDir: chained });
});

afterAll(async () => {
  await backend.close();
});

beforeEach(() => {
  reads.paths.length = 0;
  reads.gate = null;
});

describe('report exports reuse the analysis data', () => {
  it('reads the open archive once for the views and every PDF export, and says the data was reused', async () => {
    await openOk({ paths: [chained] });
    const patient = value(await backend.invoke('entries.distinct', { column: 'patient', limit: 1 })).values[0] ?? '';
    const view = value(await backend.invoke('analyses.accessReport', { patients: [patient] }));
    expect(view.rows.length).toBeGreaterThan(0);
    expect(reads.paths).toHaveLength(1);

    const events: ExportProgress[] = [];
    const off = backend.on('export.progress', (progress) => events.push(progress));
    for (const kind of ['patient-access', 'disclosures', 'retention', 'break-the-glass', 'alerts'] as const) {
      const written = await backend.invoke('reports.analysisPdf', { kind, path: join(out, `reuse-${kind}.pdf`), patients: [patient], exportId: `reuse-${kind}` });
      expect(written.ok, kind).toBe(true);
    }
    off();
    expect(reads.paths).toHaveLength(1);

    // The PDF shows what the view shows: the same rows at the same file:line.
    const verified = value(await backend.invoke('reports.verify', { path: join(out, 'reuse-patient-access.pdf') }));
    expect(verified.evidence?.rows.map((row) => `${row.file}:${row.line}`)).toEqual(view.rows.map((row) => `${row.source.file}:${row.source.line}`));

    // Collecting is reported as done at once: the loaded data covers the whole archive.
    const collecting = events.filter((event) => event.exportId === 'reuse-alerts' && event.phase === 'collecting');
    expect(collecting.length).toBeGreaterThan(0);
    expect(collecting.every((event) => event.source === 'reused' && event.total !== null && event.total > 0 && event.done === event.total)).toBe(true);
  });

  it('an export started while the analysis data loads waits for that load instead of reading again', async () => {
    await openOk({ paths: [larger] });
    const patient = value(await backend.invoke('entries.distinct', { column: 'patient', limit: 1 })).values[0] ?? '';
    const release = holdReads();
    const view = backend.invoke('analyses.alerts', { filter: {} });
    await readStarted(1);

    const events: ExportProgress[] = [];
    const off = backend.on('export.progress', (progress) => events.push(progress));
    const exported = backend.invoke('reports.analysisPdf', { kind: 'patient-access', path: join(out, 'waited.pdf'), patients: [patient], exportId: 'waited' });
    await vi.waitFor(() => expect(events.some((event) => event.exportId === 'waited')).toBe(true), { timeout: 10_000, interval: 5 });
    // Waiting: collecting has not finished, nothing was read twice, no file yet.
    const first = events.find((event) => event.exportId === 'waited')!;
    expect(first.phase).toBe('collecting');
    expect(first.source).toBe('shared-load');
    expect(first.done).toBeLessThan(first.total ?? 0);
    expect(existsSync(join(out, 'waited.pdf'))).toBe(false);

    release();
    expect(value(await view).alerts).toBeDefined();
    expect(value(await exported).path).toBe(join(out, 'waited.pdf'));
    off();
    expect(reads.paths).toHaveLength(1);
    const mine = events.filter((event) => event.exportId === 'waited');
    const phases = mine.map((event) => event.phase).filter((phase, index, all) => phase !== all[index - 1]);
    expect(phases).toEqual(['collecting', 'layout', 'rendering', 'writing']);
    const lastCollecting = mine.filter((event) => event.phase === 'collecting').at(-1)!;
    expect(lastCollecting.done).toBe(lastCollecting.total);
    expect(lastCollecting.source).toBe('shared-load');
  });

  it('cancels an export that waits for the load, without stopping the load the views need', async () => {
    await openOk({ paths: [chained] });
    const patient = value(await backend.invoke('entries.distinct', { column: 'patient', limit: 1 })).values[0] ?? '';
    const release = holdReads();
    const target = join(out, 'cancelled-waiting.pdf');
    const exported = backend.invoke('reports.analysisPdf', { kind: 'patient-access', path: target, patients: [patient], exportId: 'cancel-waiting' });
    await readStarted(1);
    expect(value(await backend.invoke('reports.cancel', { exportId: 'cancel-waiting' })).cancelled).toBe(true);
    const cancelled = await exported;
    expect(!cancelled.ok && cancelled.error.code).toBe('cancelled');

    release();
    const report = value(await backend.invoke('analyses.accessReport', { patients: [patient] }));
    expect(report.rows.length).toBeGreaterThan(0);
    expect(reads.paths).toHaveLength(1);
    expect(existsSync(target)).toBe(false);
  });
});

describe('a generic archive opened with a mapping file', () => {
  let log: string;
  let mappingPath: string;

  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'custos-reuse-generic-'));
    log = join(dir, 'custom.jsonl');
    writeFileSync(
      log,
      [
        '{"when": "2026-07-14T10:00:00Z", "who": "dr_a", "subject": {"id": "P7"}, "action": "read_chart", "ok": "yes"}',
        '{"when": "2026-07-14T11:00:00Z", "who": "dr_b", "subject": {"id": "P8"}, "action": "read_chart", "ok": "no"}',
        '{"when": "2026-07-14T12:00:00Z", "who": "dr_c", "subject": {"id": "P7"}, "action": "update_chart", "ok": "no"}',
      ].join('\n') + '\n',
    );
    mappingPath = join(dir, 'mapping.json');
    writeFileSync(mappingPath, JSON.stringify({ fields: { timestamp: 'when', user: 'who', patient: 'subject.id', tool: 'action', outcome: 'ok' }, successValues: ['yes'] }));
  });

  it('is analysed with its mapping: its entries appear in a patient report, on screen and in the PDF', async () => {
    const outcome = await openOk({ paths: [log], mappingPath });
    expect(outcome.opened.map((file) => file.format)).toEqual(['generic']);

    const report = value(await backend.invoke('analyses.accessReport', { patients: ['P7'] }));
    expect(report.rows.map((row) => [row.user, row.tool, row.outcome, row.source.line])).toEqual([
      ['dr_a', 'read_chart', 'success', 1],
      ['dr_c', 'update_chart', 'failure', 3],
    ]);

    const pdf = join(out, 'generic-P7.pdf');
    value(await backend.invoke('reports.analysisPdf', { kind: 'patient-access', path: pdf, patients: ['P7'] }));
    const verified = value(await backend.invoke('reports.verify', { path: pdf }));
    expect(verified.evidence?.rows.map((row) => [row.file, row.line])).toEqual([
      [log, 1],
      [log, 3],
    ]);

    // The integrity certificate verifies the files afresh, with the same mapping.
    const certificate = join(out, 'generic-certificate.pdf');
    value(await backend.invoke('reports.certify', { path: certificate }));
    const certified = value(await backend.invoke('reports.verify', { path: certificate }));
    expect(certified.evidence?.files.map((file) => [file.path, file.format])).toEqual([[log, 'generic']]);

    // FHIR needs whole entries (the analysis data keeps compact facts), so it streams from disk itself.
    const events: ExportProgress[] = [];
    const off = backend.on('export.progress', (progress) => events.push(progress));
    const fhir = value(await backend.invoke('fhir.export', { path: join(out, 'generic.ndjson'), bundle: false, patients: ['P7'], exportId: 'generic-fhir' }));
    off();
    expect(fhir.exported).toBe(2);
    expect(events.filter((event) => event.phase === 'collecting').map((event) => event.source)).toContain('reading');
    // Reads: the analysis data once, the certificate's verification, the FHIR stream.
    expect(reads.paths.filter((paths) => paths.includes(log))).toHaveLength(3);
  });

  it('keeps its mapping through a saved index: loaded back in a later run, it is analysed and exported as when it was opened', async () => {
    await openOk({ paths: [log], mappingPath });
    const index = join(out, 'generic-index.sqlite');
    value(await backend.invoke('archives.saveIndex', { path: index }));
    // A later run of Custos: nothing is known of the mapping file but what the index recorded.
    const later = await createBackend({ dataDir: mkdtempSync(join(tmpdir(), 'custos-reuse-later-')), demoDir: chained });
    try {
      value(await later.invoke('archives.loadIndex', { path: index }));
      const report = value(await later.invoke('analyses.accessReport', { patients: ['P7'] }));
      expect(report.rows.map((row) => [row.user, row.tool, row.outcome, row.source.line])).toEqual([
        ['dr_a', 'read_chart', 'success', 1],
        ['dr_c', 'update_chart', 'failure', 3],
      ]);
      const fhir = value(await later.invoke('fhir.export', { path: join(out, 'generic-from-index.ndjson'), bundle: false, patients: ['P7'] }));
      expect(fhir.exported).toBe(2);
    } finally {
      await later.close();
    }
  });

  it('is analysed with its mapping next to archives opened without one, and each keeps its verdict', async () => {
    await openOk({ paths: [chained] });
    const chainedPatient = value(await backend.invoke('entries.distinct', { column: 'patient', limit: 1 })).values[0] ?? '';
    await openOk({ paths: [log], mappingPath, mode: 'add' });

    const generic = value(await backend.invoke('analyses.accessReport', { patients: ['P7'] }));
    expect(generic.rows.map((row) => `${row.user} ${row.source.line}`)).toEqual(['dr_a 1', 'dr_c 3']);
    const other = value(await backend.invoke('analyses.accessReport', { patients: [chainedPatient] }));
    expect(other.rows.length).toBeGreaterThan(0);
    expect(other.rows.every((row) => row.format === 'chained')).toBe(true);
    // One load, one read: the chained file as detected, the log with its mapping.
    expect(reads.paths).toHaveLength(1);
    expect(reads.paths[0]).toHaveLength(2);
    expect(reads.paths[0]).toContain(log);

    // The same verdicts as the index: each file's format and chain status as the open found them.
    const summary = value(await backend.invoke('archives.summary', {}));
    const indexed = summary.files.map((file) => [file.path, file.format, file.chain.status]).sort();
    const reported = [...generic.files, ...other.files].map((file) => [file.file, file.format, file.chain]).sort();
    expect(reported).toEqual(indexed);
    const retention = value(await backend.invoke('analyses.retention', {}));
    expect(retention.files.map((file) => file.file).sort()).toEqual(summary.files.map((file) => file.path).sort());
    const pdf = join(out, 'generic-mixed-P7.pdf');
    value(await backend.invoke('reports.analysisPdf', { kind: 'patient-access', path: pdf, patients: ['P7'] }));
    const verified = value(await backend.invoke('reports.verify', { path: pdf }));
    expect(verified.evidence?.files.map((file) => file.path).sort()).toEqual(summary.files.map((file) => file.path).sort());
    expect(reads.paths).toHaveLength(1);

    // FHIR and the certificate read the files themselves: each file with its own mapping, or none.
    const fhir = value(await backend.invoke('fhir.export', { path: join(out, 'mixed.ndjson'), bundle: false, patients: ['P7', chainedPatient] }));
    const events = readFileSync(join(out, 'mixed.ndjson'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { entity?: Array<{ what?: { identifier?: { value?: string } } }> });
    expect(fhir.exported).toBe(events.length);
    const patientOf = events.map((event) => event.entity?.map((entity) => entity.what?.identifier?.value).find((value) => value === 'P7' || value === chainedPatient));
    expect(patientOf.filter((patient) => patient === 'P7')).toHaveLength(2);
    expect(patientOf.filter((patient) => patient === chainedPatient).length).toBe(other.rows.length);
    const certificate = join(out, 'generic-mixed-certificate.pdf');
    value(await backend.invoke('reports.certify', { path: certificate }));
    const certified = value(await backend.invoke('reports.verify', { path: certificate }));
    expect(certified.evidence?.files.map((file) => [file.path, file.format]).sort()).toEqual(summary.files.map((file) => [file.path, file.format]).sort());
  });
});
