import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectAnalysisData } from '../../main/core/analyses/analysis-data.js';
import { AnalysisSession } from '../../main/core/analyses/session.js';
import { entry, series } from './entries.js';

const MIN = 60_000;
const NOW = Date.parse('2026-08-01T00:00:00Z');

function session(): AnalysisSession {
  const s = new AnalysisSession({ dir: mkdtempSync(join(tmpdir(), 'custos-session-')), now: () => NOW });
  const data = collectAnalysisData([
    ...series(10, '2026-07-15T12:00:00Z', MIN, { firstLine: 1 }),
    entry({ line: 50, at: '2026-07-16T12:00:00Z', breakGlass: [{ kind: 'flag', field: 'break_the_glass', value: 'true' }], user: 'nurse_d', patient: 'P-7' }),
  ]);
  s.setArchives(data, { files: [], findings: [], verdict: { integrity: 'intact', completeness: 'unconfirmed', reasons: [] } });
  return s;
}

describe('analysis session (what the backend serves)', () => {
  it('counts open alerts for the navigation and drops one once acknowledged', () => {
    const s = session();
    const rules = s.alerts().alerts.map((a) => a.rule).sort();
    expect(rules).toEqual(['btg-overdue', 'burst']);
    expect(s.openAlertCount()).toBe(2);
    const burst = s.alerts({ rules: ['burst'] }).alerts[0];
    s.ackAlert({ alertId: burst?.id ?? '', action: 'acknowledge', by: 'Sam Officer', note: 'spoke to user' });
    expect(s.openAlertCount()).toBe(1);
    expect(s.alerts({ statuses: ['acknowledged'] }).alerts[0]?.acknowledgement).toMatchObject({ by: 'Sam Officer' });
  });

  it('closes break-the-glass reviews and the overdue alert with them', () => {
    const s = session();
    const event = s.btg().events[0];
    expect(event).toMatchObject({ status: 'pending', overdue: true });
    s.reviewBtg({ eventKey: event?.key ?? '', decision: 'education', reviewer: 'Dana Reviewer', note: 'reminded of policy' });
    expect(s.btg()).toMatchObject({ pending: 0, reviewed: 1 });
    expect(s.alerts({ rules: ['btg-overdue'] }).alerts).toEqual([]);
  });

  it('rejects invalid rules with the field path, keeps the old ones, and applies valid ones at once', () => {
    const s = session();
    const current = s.alertRules().value;
    const bad = s.saveAlertRules({ ...current, burst: { minAccesses: 1 } });
    expect(bad).toMatchObject({ ok: false, path: 'burst.minAccesses' });
    expect(s.rules.revision).toBe(0);
    const good = s.saveAlertRules({ ...current, burst: { minAccesses: 11 } });
    expect(good.ok).toBe(true);
    expect(s.rules.revision).toBe(1);
    expect(s.alerts({ rules: ['burst'] }).alerts).toEqual([]);
  });

  it('reports a patient with its alerts in the rules’ time zone, and reviews retention with holds', () => {
    const s = session();
    const report = s.accessReport({ patients: ['P-1'] });
    expect(report.rows).toHaveLength(10);
    expect(report.rows.every((r) => r.alerts.includes('burst'))).toBe(true);
    expect(report.query.timeZone).toBe(s.rules.timeZone);
    s.placeHold({ scope: { patient: 'P-7' }, by: 'Counsel', reason: 'subpoena' });
    const review = s.retention(Date.parse('2030-01-01T00:00:00Z'));
    expect(review.files[0]).toMatchObject({ disposalEligible: false, legalHolds: [s.legalHolds().holds[0]?.id] });
    expect(s.journalStatus()).toMatchObject({ state: 'ok', records: 1 });
  });
});

describe('analysis data across opens and closes', () => {
  it('merges archives opened one after another and drops closed files', async () => {
    const { mergeAnalysisData, withoutFiles } = await import('../../main/core/analyses/analysis-data.js');
    const { buildAccessReport } = await import('../../main/core/analyses/access-report.js');
    const { hashedForms } = await import('../../main/core/analyses/identifiers.js');
    const [hash] = hashedForms('Ada Lovelace');
    const a = collectAnalysisData(series(6, '2026-07-15T12:00:00Z', MIN, { file: 'a.jsonl', firstLine: 1 }));
    const b = collectAnalysisData([
      ...series(4, '2026-07-15T12:06:00Z', MIN, { file: 'b.jsonl', firstLine: 1 }),
      entry({ file: 'b.jsonl', line: 9, at: '2026-07-15T13:00:00Z', patient: 'P-2', argsText: `{"patient_name": "${hash}"}` }),
    ]);
    const merged = mergeAnalysisData(a, b);
    expect(merged.calls.map((c) => c.index)).toEqual(merged.calls.map((_, i) => i));
    expect(merged.entries.file.length).toBe(11);
    const s = new AnalysisSession({ dir: mkdtempSync(join(tmpdir(), 'custos-session-')), now: () => NOW });
    s.setArchives(merged, { files: [], findings: [], verdict: { integrity: 'intact', completeness: 'unconfirmed', reasons: [] } });
    // Six accesses from a.jsonl and four from b.jsonl make one burst of ten only together.
    expect(s.alerts({ rules: ['burst'] }).alerts[0]?.evidenceCount).toBe(10);
    expect(buildAccessReport(merged, { identifiers: [{ kind: 'name', value: 'Ada Lovelace' }] }).patients).toEqual(['P-2']);
    const closed = withoutFiles(merged, new Set(['b.jsonl']));
    expect(closed.calls.every((c) => c.source.file === 'a.jsonl')).toBe(true);
    expect(closed.entries.files).toEqual(['a.jsonl']);
    expect(buildAccessReport(closed, { identifiers: [{ kind: 'name', value: 'Ada Lovelace' }] }).patients).toEqual([]);
    // Re-opening a file replaces its earlier reading instead of doubling it.
    expect(mergeAnalysisData(merged, b).calls).toHaveLength(merged.calls.length);
  });
});
