import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { collectAnalysisData } from '../../main/core/analyses/analysis-data.js';
import { buildAccessReport } from '../../main/core/analyses/access-report.js';
import { candidateHashes, hashedForms } from '../../main/core/analyses/identifiers.js';
import type { VerifyReport } from '../../shared/verification.js';
import type { Alert } from '../../shared/analyses.js';
import { entry } from './entries.js';

const PY_VALUES = ['José Müller', 'José Müller'.normalize('NFD'), '123-45-6789', '123456789', '1980-02-03', '+1 (555) 867-5309', '(555) 867-5309', '221B Baker Street'];
// The lesson's hash_pii and selectools HASHED, computed by CPython itself (one process for all values).
const PY_HASHES = new Map(
  execFileSync('python3', ['-c', 'import hashlib,sys\nfor v in sys.argv[1:]:\n  h=hashlib.sha256(str(v).encode()).hexdigest()[:16]\n  print("sha256:"+h, h)', ...PY_VALUES], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line, i) => [PY_VALUES[i] ?? '', line.split(' ')] as const),
);

function pythonHashes(value: string): string[] {
  const hashes = PY_HASHES.get(value);
  if (!hashes) throw new Error(`add ${value} to PY_VALUES`);
  return hashes;
}

describe('identifier hashing', () => {
  it('matches the lesson hash_pii and selectools HASHED byte for byte, including non-ASCII names', () => {
    for (const value of ['José Müller', '123-45-6789', '1980-02-03', '+1 (555) 867-5309', '221B Baker Street']) {
      expect(hashedForms(value)).toEqual(pythonHashes(value));
    }
  });

  it('hashes the usual spelling variants of numbers, dates and names', () => {
    const ssn = candidateHashes('ssn', '123 45 6789');
    expect(ssn).toContain(pythonHashes('123-45-6789')[0]);
    expect(ssn).toContain(pythonHashes('123456789')[1]);
    const dob = candidateHashes('dob', '2/3/1980');
    expect(dob).toContain(pythonHashes('1980-02-03')[0]);
    const name = candidateHashes('name', '  josé   müller ');
    expect(name).toContain(pythonHashes('José Müller')[0]);
    expect(name).toContain(pythonHashes('José Müller'.normalize('NFD'))[1]);
    const phone = candidateHashes('phone', '555.867.5309');
    expect(phone).toContain(pythonHashes('(555) 867-5309')[0]);
  });
});

const verification = (files: Array<[string, 'intact' | 'broken' | 'unchained']>, completeness: 'confirmed' | 'unconfirmed' = 'confirmed'): VerifyReport => ({
  files: files.map(([path, status]) => ({ path, format: 'hipaa', entries: 1, lines: 1, size: 1, sha256: '', chain: { status, headHash: null, coveredFields: [], uncoveredFields: [] }, firstTime: null, lastTime: null })),
  findings: files.filter(([, s]) => s === 'broken').map(([file]) => ({ kind: 'link-break' as const, severity: 'critical' as const, file, line: 2, detail: 'x' })),
  verdict: { integrity: 'intact', completeness, reasons: [] },
});

describe('patient access report', () => {
  const entries = [
    entry({ file: 'a.jsonl', line: 1, patient: 'P-1', user: 'dr_a', role: 'physician', purpose: 'treatment', at: '2026-07-13T09:00:00Z' }),
    entry({ file: 'a.jsonl', line: 2, patient: 'P-1', user: 'dr_a', role: 'physician', purpose: 'treatment', at: '2026-07-13T10:00:00Z', success: false }),
    entry({ file: 'a.jsonl', line: 3, patient: 'P-2', user: 'dr_b', at: '2026-07-13T11:00:00Z' }),
    entry({ file: 'b.jsonl', line: 1, patient: 'P-1', user: 'res_c', role: 'researcher', purpose: 'research', at: '2026-07-14T03:00:00Z' }),
    entry({
      file: 'b.jsonl',
      line: 2,
      patient: 'P-1',
      user: 'nurse_d',
      purpose: 'emergency',
      at: '2026-07-15T23:30:00Z',
      breakGlass: [{ kind: 'purpose', field: 'purpose', value: 'emergency' }],
    }),
    entry({ file: 'b.jsonl', line: 3, patient: 'P-1', user: null, purpose: 'billing', at: '2026-07-16T12:00:00Z' }),
    entry({ file: 'b.jsonl', line: 4, patient: 'P-1', user: 'dr_a', timeMs: null }),
  ];
  const data = collectAnalysisData(entries);

  it('lists every access of the patient with its evidence and summarises it', () => {
    const report = buildAccessReport(data, { patients: ['P-1'] }, { verification: verification([['a.jsonl', 'intact'], ['b.jsonl', 'intact']]) });
    expect(report.rows.map((r) => `${r.source.file}:${r.source.line}`)).toEqual(['a.jsonl:1', 'a.jsonl:2', 'b.jsonl:1', 'b.jsonl:2', 'b.jsonl:3', 'b.jsonl:4']);
    expect(report.summary).toMatchObject({ totalAccesses: 6, uniqueUsers: 3, failures: 1, breakGlass: 1, missingAttribution: 1, undated: 1 });
    expect(report.summary.users[0]).toEqual({ user: 'dr_a', accesses: 3 });
    expect(report.summary.purposes.map((p) => p.purpose)).toEqual(['treatment', 'billing', 'emergency', 'research']);
    expect(report.rows[1]).toMatchObject({ outcome: 'failure', role: 'physician', tool: 'access_patient_record' });
    expect(report.integrity).toBe('intact');
    expect(report.banner).toEqual(['1 accesses have no usable timestamp: they are listed last and cannot be placed in the date range or timeline.']);
  });

  it('filters by date range and builds a per-day timeline in the requested time zone', () => {
    const report = buildAccessReport(data, { patients: ['P-1'], fromMs: Date.parse('2026-07-14T00:00:00Z'), toMs: Date.parse('2026-07-16T00:00:00Z'), timeZone: 'America/New_York' });
    expect(report.rows.map((r) => r.source.line)).toEqual([1, 2, 4]);
    // 03:00 UTC on 14 July is 23:00 on 13 July in New York.
    expect(report.timeline).toEqual([
      { day: '2026-07-13', accesses: 1, failures: 0, breakGlass: 0 },
      { day: '2026-07-15', accesses: 1, failures: 0, breakGlass: 1 },
    ]);
  });

  it('accounting-of-disclosures mode leaves out treatment, payment and operations purposes', () => {
    const report = buildAccessReport(data, { patients: ['P-1'], disclosures: { excludeTreatmentPaymentOperations: true }, toMs: Date.parse('2026-08-01T00:00:00Z') });
    expect(report.query.mode).toBe('disclosures');
    // Treatment (lines a:1, a:2 and the undated b:4) and billing (b:3) are left out.
    expect(report.rows.map((r) => r.purpose)).toEqual(['research', 'emergency']);
    expect(report.summary.excludedAsTreatmentPaymentOperations).toBe(4);
    expect(report.query.fromMs).toBe(Date.parse('2020-08-01T00:00:00Z'));
  });

  it('says at the top when a file it draws on is broken or unchained, or completeness is unconfirmed', () => {
    const report = buildAccessReport(data, { patients: ['P-1'] }, { verification: verification([['a.jsonl', 'broken'], ['b.jsonl', 'unchained']], 'unconfirmed') });
    expect(report.integrity).toBe('broken');
    expect(report.banner[0]).toMatch(/^a\.jsonl: the hash chain is BROKEN \(1 critical findings\).*2 rows/);
    expect(report.banner[1]).toContain('b.jsonl has no hash chain');
    expect(report.banner[2]).toContain('Completeness is unconfirmed');
    expect(report.files.map((f) => [f.file, f.chain, f.rows])).toEqual([
      ['a.jsonl', 'broken', 2],
      ['b.jsonl', 'unchained', 4],
    ]);
    expect(buildAccessReport(data, { patients: ['P-1'] }).banner[0]).toContain('not verified');
  });

  it('marks the rows an alert cites', () => {
    const alert = { rule: 'after-hours', evidence: [{ file: 'b.jsonl', line: 1 }] } as Alert;
    const report = buildAccessReport(data, { patients: ['P-1'] }, { alerts: [alert] });
    expect(report.rows.find((r) => r.source.file === 'b.jsonl' && r.source.line === 1)?.alerts).toEqual(['after-hours']);
    expect(report.rows[0]?.alerts).toEqual([]);
  });

  it('finds a patient in a sanitized log by a clear identifier without keeping the clear value', () => {
    const [lessonHash] = hashedForms('José Müller');
    const [, selectoolsHash] = hashedForms('123-45-6789');
    const sanitized = collectAnalysisData([
      entry({ file: 'h.jsonl', line: 1, patient: 'P-77', at: '2026-07-13T09:00:00Z', argsText: `{"patient_id": "P-77", "patient_name": "${lessonHash}"}` }),
      entry({ file: 'h.jsonl', line: 2, patient: 'P-77', at: '2026-07-13T09:05:00Z', argsText: '{"patient_id": "P-77"}' }),
      entry({ file: 'h.jsonl', line: 3, patient: null, at: '2026-07-13T09:10:00Z', argsText: `{"ssn": "${selectoolsHash}"}` }),
      entry({ file: 'h.jsonl', line: 4, patient: 'P-78', at: '2026-07-13T09:15:00Z', argsText: '{"patient_id": "P-78"}' }),
    ]);
    const report = buildAccessReport(sanitized, {
      identifiers: [
        { kind: 'name', value: 'josé müller' },
        { kind: 'ssn', value: '123456789' },
      ],
    });
    expect(report.patients).toEqual(['P-77']);
    expect(report.rows.map((r) => [r.source.line, r.viaIdentifier])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    expect(report.identifierMatches).toEqual([
      { kind: 'name', matchedHashes: [lessonHash], patients: ['P-77'], entries: 1 },
      { kind: 'ssn', matchedHashes: [selectoolsHash], patients: [], entries: 1 },
    ]);
    const text = JSON.stringify(report);
    for (const clear of ['josé', 'José', 'Müller', 'müller', '123456789', '123-45-6789']) expect(text).not.toContain(clear);
  });

  it('also finds identifiers a log wrote in clear (no sanitization), by hashing them while reading', () => {
    const full = collectAnalysisData([
      entry({ file: 'f.jsonl', line: 1, patient: 'P-5', at: '2026-07-13T09:00:00Z', argsText: '{"patient_id": "P-5", "patient_name": "Ada Lovelace"}' }),
      entry({ file: 'f.jsonl', line: 2, patient: 'P-6', at: '2026-07-13T09:00:00Z', argsText: '{"patient_id": "P-6", "patient_name": "Alan Turing"}' }),
    ]);
    const report = buildAccessReport(full, { identifiers: [{ kind: 'name', value: 'ada lovelace' }] });
    expect(report.patients).toEqual(['P-5']);
    expect(report.rows.map((r) => r.source.line)).toEqual([1]);
    expect(JSON.stringify(report)).not.toMatch(/lovelace/i);
    expect(JSON.stringify([...full.hashTokens.keys()])).not.toMatch(/lovelace/i);
  });

  it('takes the archive verdict when no row draws on any file', () => {
    const report = buildAccessReport(data, { patients: ['P-404'] }, { verification: verification([['a.jsonl', 'broken']]) });
    expect(report.rows).toEqual([]);
    expect(report.integrity).toBe('intact');
    expect(buildAccessReport(data, { patients: ['P-404'] }).integrity).toBe('not-verified');
  });

  it('refuses a report with neither patient nor identifier', () => {
    expect(() => buildAccessReport(data, { patients: ['  '] })).toThrow(/Name a patient/);
  });
});
