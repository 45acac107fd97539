import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { AccessRow } from '../../shared/analyses.js';
import type { ReportEvidence } from '../../shared/report.js';
import { buildAccessReportPdf, type PagedAccessReport } from '../../main/core/pdf/access-report-pdf.js';
import { compressEvidence, mapRows } from '../../main/core/pdf/evidence-stream.js';
import type { RenderProgress } from '../../main/core/pdf/sign-pdf.js';
import { verifyReportFile } from '../../main/core/pdf/verify-report.js';
import { writeReport } from '../../main/core/pdf/write-report.js';
import { PDF_TOOLS_MISSING, run } from './pdf-tools.js';

function evidenceWith(rows: number): ReportEvidence {
  return {
    kind: 'custos-report-evidence',
    version: 1,
    report: { type: 'patient-access', title: 'T', organization: 'Klinik Nord', generatedAt: '2026-01-01T00:00:00.000Z', generatedBy: 'me', custosVersion: 'test', query: 'q', period: { from: null, to: null } },
    files: [],
    rows: Array.from({ length: rows }, (_, index) => ({ file: `/a/${index}.jsonl`, line: index, values: { user: 'José Müller', n: index, ok: index % 2 === 0, none: null } })),
    findings: [],
    verdict: null,
    seal: null,
  };
}

describe('evidence streamed into the PDF', () => {
  it('compresses exactly the pretty-printed JSON, with its size and MD5, for no, one and many rows', () => {
    for (const rows of [0, 1, 5_000]) {
      const evidence = evidenceWith(rows);
      const expected = Buffer.from(`${JSON.stringify(evidence, null, 2)}\n`, 'utf8');
      const compressed = compressEvidence({ ...evidence, rows: mapRows(evidence.rows, (row) => row) });
      expect(inflateSync(compressed.deflated).equals(expected), `${rows} rows`).toBe(true);
      expect(compressed.size).toBe(expected.length);
      expect(compressed.md5Hex).toBe(createHash('md5').update(expected).digest('hex'));
      expect(compressed.rows).toBe(rows);
    }
  });
});

const START = Date.UTC(2026, 2, 1);
function rowAt(index: number): AccessRow {
  return {
    timeMs: START + index * 60_000,
    timeRaw: null,
    user: index % 2 === 0 ? 'dr.müller' : 'nurse.σοφία',
    role: 'physician',
    patient: 'P-7',
    tool: 'access_patient_record',
    purpose: 'treatment',
    outcome: 'success',
    breakGlass: [],
    alerts: [],
    format: 'chained',
    source: { file: '/archive/audit.jsonl', line: index + 1 },
    related: [],
    viaIdentifier: false,
  };
}

/** An access report whose rows are generated a page at a time whenever they are read, and never as one array. */
function pagedReport(rows: number): { report: PagedAccessReport; reads: () => number } {
  let reads = 0;
  const report: PagedAccessReport = {
    generatedAt: new Date(START).toISOString(),
    query: { patients: ['P-7'], identifierKinds: [], fromMs: null, toMs: null, mode: 'access', timeZone: 'UTC' },
    patients: ['P-7'],
    identifierMatches: [],
    banner: [],
    integrity: 'not-verified',
    completeness: 'not-verified',
    files: [{ file: '/archive/audit.jsonl', format: 'chained', chain: 'intact', criticalFindings: 0, warningFindings: 0, rows }],
    summary: {
      totalAccesses: rows,
      uniqueUsers: 2,
      users: [],
      purposes: [],
      failures: 0,
      breakGlass: 0,
      missingAttribution: 0,
      undated: 0,
      firstMs: START,
      lastMs: START + (rows - 1) * 60_000,
      excludedAsTreatmentPaymentOperations: 0,
    },
    timeline: [],
    rows: {
      *[Symbol.iterator]() {
        reads++;
        for (let first = 0; first < rows; first += 100) yield* Array.from({ length: Math.min(100, rows - first) }, (_, offset) => rowAt(first + offset));
      },
    },
  };
  return { report, reads: () => reads };
}

const provenance = { organization: 'Klinik Nord', generatedBy: 'test', generatedAt: new Date(START), scope: ['/archive'], verification: null };

describe.skipIf(PDF_TOOLS_MISSING.length > 0)('a report whose rows stream from a paged source', () => {
  it('draws every row, attaches every row as evidence, and reports progress in order up to the total', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custos-streamed-'));
    const path = join(dir, 'access.pdf');
    const { report, reads } = pagedReport(1_200);
    const progress: RenderProgress[] = [];
    const written = await writeReport(path, (layout) => buildAccessReportPdf(report, provenance, layout).document, null, { onProgress: (step) => progress.push(step) });
    // Each pass reads it for the file names and to draw the table, the final pass once more for the evidence: read again rather than kept.
    expect(reads()).toBe(5);
    const text = run('pdftotext', [path, '-']).stdout;
    expect(text).toContain('Accesses (1,200)');
    expect(text).toContain('audit.jsonl:1200');
    expect(text).toContain(`Page ${written.pages} of ${written.pages}`);
    expect(run('qpdf', ['--check', path]).code).toBe(0);
    const verification = await verifyReportFile(path);
    expect(verification.evidence?.rows).toHaveLength(1_200);
    expect(verification.evidence?.rows[1_199]).toMatchObject({ file: '/archive/audit.jsonl', line: 1_200 });

    const phases = progress.map((step) => step.phase).filter((phase, index, all) => phase !== all[index - 1]);
    expect(phases).toEqual(['layout', 'rendering', 'writing']);
    // Every table's rows count: the 1,200 accesses and the one evidence file.
    for (const phase of ['layout', 'rendering'] as const) {
      const steps = progress.filter((step) => step.phase === phase);
      expect(steps.length).toBeGreaterThan(3);
      expect(steps.every((step) => step.total === 1_201)).toBe(true);
      expect(steps.map((step) => step.done)).toEqual([...steps.map((step) => step.done)].sort((a, b) => a - b));
      expect(steps.at(-1)?.done).toBe(1_201);
    }
  });

  it('stops when cancelled, and leaves no file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custos-streamed-cancel-'));
    const path = join(dir, 'access.pdf');
    const controller = new AbortController();
    const { report } = pagedReport(5_000);
    const writing = writeReport(path, (layout) => buildAccessReportPdf(report, provenance, layout).document, null, {
      signal: controller.signal,
      onProgress: (step) => {
        if (step.phase === 'rendering' && step.done >= 500) controller.abort(new Error('Cancelled by the user.'));
      },
    });
    await expect(writing).rejects.toThrow('Cancelled by the user.');
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});
