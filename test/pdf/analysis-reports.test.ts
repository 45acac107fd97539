import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAccessReport } from '../../main/core/analyses/access-report.js';
import { runRules } from '../../main/core/analyses/alerts.js';
import { reviewBreakGlass } from '../../main/core/analyses/btg.js';
import { loadForAnalysis, type LoadedArchive } from '../../main/core/analyses/load-archive.js';
import { defaultRetentionPolicy } from '../../main/core/analyses/retention-policy.js';
import { reviewRetention } from '../../main/core/analyses/retention.js';
import { defaultRulesConfig } from '../../main/core/analyses/rules-config.js';
import { writeArchive } from '../../main/core/fixtures/write-archive.js';
import type { Manifest } from '../../main/core/fixtures/manifest.js';
import { buildAccessReportPdf } from '../../main/core/pdf/access-report-pdf.js';
import { buildAlertsPdf } from '../../main/core/pdf/alerts-pdf.js';
import { buildBtgPdf } from '../../main/core/pdf/btg-pdf.js';
import { ReportDocument, type PageLayout } from '../../main/core/pdf/report-document.js';
import type { ReportProvenance } from '../../main/core/pdf/report-parts.js';
import { buildRetentionPdf } from '../../main/core/pdf/retention-pdf.js';
import { verifyReportFile } from '../../main/core/pdf/verify-report.js';
import { writeReport } from '../../main/core/pdf/write-report.js';
import { identityFor, tempDir } from '../seal/helpers.js';
import { PDF_TOOLS_MISSING, run } from './pdf-tools.js';

const AS_OF = Date.UTC(2026, 6, 20);

describe.skipIf(PDF_TOOLS_MISSING.length > 0)(`analysis reports as PDF (needs ${PDF_TOOLS_MISSING.join(', ') || 'poppler-utils, qpdf'})`, () => {
  let manifest: Manifest;
  let loaded: LoadedArchive;
  let dir: string;
  let provenance: ReportProvenance;
  const out = tempDir('analysis-pdf');

  beforeAll(async () => {
    dir = tempDir('analysis-archive');
    manifest = await writeArchive(dir, { format: 'chained', seed: 11, entries: 1500, days: 2 });
    loaded = await loadForAnalysis([dir]);
    provenance = { organization: 'Klinik Nord', generatedBy: 'José Müller', generatedAt: new Date(AS_OF), scope: [dir], verification: loaded.verification };
  });

  async function write(name: string, build: (layout: PageLayout) => ReportDocument, signed: boolean): Promise<string> {
    const path = join(out, name);
    await writeReport(path, build, signed ? { identity: identityFor('Anna Novák').identity, reason: name, location: 'Hamburg', signedAt: new Date() } : null);
    return path;
  }

  it('patient access report: one row per access with its file:line, signed, evidence attached', async () => {
    const burst = manifest.planted.find((plant) => plant.kind === 'burst');
    const patient = burst?.patient ?? '';
    const report = buildAccessReport(loaded.data, { patients: [patient] }, { verification: loaded.verification });
    expect(report.rows.length).toBeGreaterThanOrEqual(burst?.lines.length ?? 1);
    const path = await write('access.pdf', (layout) => buildAccessReportPdf(report, provenance, layout).document, true);

    expect(run('pdfsig', [path]).stdout).toContain('Signature is Valid.');
    expect(run('qpdf', ['--check', path]).code).toBe(0);
    const text = run('pdftotext', ['-layout', path, '-']).stdout;
    expect(text).toContain(`Patient ${patient}: ${report.rows.length} accesses`);
    expect(text).toContain(`Accesses (${report.rows.length})`);
    for (const ref of burst?.lines ?? []) expect(text).toContain(`${ref.file}:${ref.line}`);
    expect(text).toContain('José Müller');

    const verification = await verifyReportFile(path);
    expect(verification.problems).toEqual([]);
    expect(verification.evidence?.report.type).toBe('patient-access');
    expect(verification.evidence?.rows.map((row) => `${row.file}:${row.line}`)).toEqual(report.rows.map((row) => `${row.source.file}:${row.source.line}`));
  });

  it('a patient nobody accessed gets a report that says so', async () => {
    const report = buildAccessReport(loaded.data, { patients: ['P-DOES-NOT-EXIST'] }, { verification: loaded.verification });
    const path = await write('empty.pdf', (layout) => buildAccessReportPdf(report, provenance, layout).document, false);
    const text = run('pdftotext', [path, '-']).stdout;
    expect(text).toContain('Accesses (0)');
    expect(text).toContain('No accesses to this patient’s records were found in the archive for the period.');
    expect(text).toContain('Not signed');
  });

  it('break-the-glass, alerts and retention reports render every event, alert and file', async () => {
    const rules = defaultRulesConfig('UTC');
    const btg = reviewBreakGlass(loaded.data, { asOfMs: AS_OF, reviewWindowDays: 7, reviews: new Map(), journal: { path: 'journal.jsonl', records: 0, state: 'empty', headHash: null } });
    const alerts = runRules(loaded.data, rules, { asOfMs: AS_OF, findings: loaded.verification.findings, btg, acks: new Map(), journal: btg.journal });
    const retention = reviewRetention(loaded.data, defaultRetentionPolicy(), { asOfMs: AS_OF, legalHolds: [], files: loaded.verification.files });

    const btgPath = await write('btg.pdf', (layout) => buildBtgPdf(btg, provenance, layout).document, true);
    const btgText = run('pdftotext', [btgPath, '-']).stdout;
    expect(btg.events.length).toBe(manifest.planted.filter((plant) => plant.kind === 'break-the-glass').length);
    expect(btgText).toContain(`Events (${btg.events.length})`);
    for (const event of btg.events) expect(btgText).toContain(`:${event.source.line}`);

    const alertsPath = await write('alerts.pdf', (layout) => buildAlertsPdf(alerts, provenance, layout).document, true);
    const alertsText = run('pdftotext', [alertsPath, '-']).stdout;
    expect(alertsText).toContain(`Alerts (${alerts.alerts.length})`);
    expect(alertsText).toContain('burst');

    const retentionPath = await write('retention.pdf', (layout) => buildRetentionPdf(retention, provenance, layout).document, true);
    const retentionText = run('pdftotext', [retentionPath, '-']).stdout;
    for (const file of retention.files) expect(retentionText).toContain(file.file.split('/').pop() ?? '');

    for (const path of [btgPath, alertsPath, retentionPath]) {
      expect(run('pdfsig', [path]).stdout).toContain('Total document signed');
      expect(run('qpdf', ['--check', path]).code).toBe(0);
      expect((await verifyReportFile(path)).problems).toEqual([]);
    }
  });

  it('long tables repeat their header on every page and wrap long cells', async () => {
    const rows = Array.from({ length: 160 }, (_, index) => ({ index, text: index % 7 === 0 ? 'Σωκράτης Дмитриев '.repeat(6) : `row ${index}` }));
    const build = (layout: PageLayout): ReportDocument => {
      const header = {
        organization: 'Klinik Nord',
        title: 'Table test',
        subtitle: 'Many rows',
        query: 'all',
        period: 'all',
        generatedAt: new Date(AS_OF),
        generatedBy: 'test',
        custosVersion: 'test',
        subject: 'test',
      };
      const document = new ReportDocument(header, layout);
      document.table(
        [
          { header: 'Number', weight: 1, value: (row: (typeof rows)[number]) => String(row.index) },
          { header: 'Wrapped text', weight: 3, value: (row) => row.text },
        ],
        rows,
        { emptyMessage: '' },
      );
      return document;
    };
    const path = await write('table.pdf', build, false);
    const pages = Number(/Pages:\s+(\d+)/.exec(run('pdfinfo', [path]).stdout)?.[1]);
    expect(pages).toBeGreaterThanOrEqual(3);
    for (let page = 1; page <= pages; page++) {
      const text = run('pdftotext', ['-f', String(page), '-l', String(page), path, '-']).stdout;
      expect(text).toContain(`Page ${page} of ${pages}`);
      if (page < pages || text.includes('row 159')) expect(text).toMatch(/Number\s+Wrapped text/);
    }
    const all = run('pdftotext', [path, '-']).stdout;
    expect(all).toContain('row 159');
    expect(readFileSync(path).subarray(0, 8).toString('latin1')).toBe('%PDF-1.7');
  });
});
