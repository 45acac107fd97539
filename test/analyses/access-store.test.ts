/** The store-backed patient report must say exactly what the in-memory one says, on all three formats. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeArchive, type ArchiveFormat } from '../../main/core/fixtures/index.js';
import { patientNumber } from '../../main/core/fixtures/medical.js';
import { createDatabase } from '../../main/core/store/index.js';
import { openArchives } from '../../main/core/store/open-pipeline.js';
import { loadForAnalysis } from '../../main/core/analyses/load-archive.js';
import { buildAccessReport } from '../../main/core/analyses/access-report.js';
import { buildAccessReportFromStore } from '../../main/core/analyses/access-store.js';
import type { AccessReport, AccessReportRequest } from '../../shared/analyses.js';

function comparable(report: AccessReport) {
  return {
    patients: report.patients,
    identifierKinds: report.identifierMatches.map((m) => [m.kind, m.patients]),
    rows: report.rows.map((r) => [r.source.file, r.source.line, r.related.map((x) => x.line), r.user, r.patient, r.tool, r.purpose, r.outcome, r.breakGlass.length, r.viaIdentifier]),
    summary: report.summary,
    timeline: report.timeline,
  };
}

describe.each(['hipaa', 'chained', 'selectools'] as ArchiveFormat[])('patient report from the indexed store (%s)', (format) => {
  it('matches the in-memory report for patients, date ranges and hashed identifiers', async () => {
    const dir = mkdtempSync(join(tmpdir(), `custos-access-store-${format}-`));
    const manifest = await writeArchive(dir, { format, seed: 11, entries: 600, days: 2, ...(format === 'selectools' ? { privacy: 'HASHED' as const } : {}) });
    const db = await createDatabase();
    await openArchives(db, { jobId: 'j', paths: [dir], mode: 'replace' }, { signal: new AbortController().signal, progress: () => undefined });
    const loaded = await loadForAnalysis([dir]);
    const planted = manifest.planted.find((p) => p.patient)?.patient ?? loaded.data.calls.find((c) => c.patient !== null)?.patient ?? '';
    const requests: AccessReportRequest[] = [
      { patients: [planted] },
      { patients: [planted], fromMs: Date.parse('2026-07-14T00:00:00Z') },
      { patients: ['P-000101'], identifiers: [{ kind: 'dob', value: patientNumber(101).dateOfBirth }] },
    ];
    for (const request of requests) {
      const memory = buildAccessReport(loaded.data, request, { now: new Date(0) });
      const store = buildAccessReportFromStore(db, request, { now: new Date(0) });
      expect(comparable(store)).toEqual(comparable(memory));
    }
    expect(buildAccessReport(loaded.data, { patients: [planted] }).rows.length).toBeGreaterThan(0);
    db.close();
  }, 60_000);
});
