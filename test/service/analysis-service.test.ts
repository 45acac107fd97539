/**
 * The analysis channels over the real backend and the bundled demo archive: validation at the
 * boundary, reports whose rows point at file:line, journal-backed reviews, settings with the bad
 * field named, and the session's data following opens and closes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../main/service/backend.js';
import { openAndWait } from '../support/open-archives.js';

const DEMO = resolve('assets/demo');
const CHAINED = join(DEMO, 'clinic-chained');

interface Planted {
  id: string;
  kind: string;
  user?: string;
  patient?: string;
  lines: Array<{ file: string; line: number }>;
}
const chainedManifest = JSON.parse(readFileSync(join(CHAINED, 'manifest.json'), 'utf8')) as { planted: Planted[] };
const burst = chainedManifest.planted.find((plant) => plant.id === 'burst-1')!;

let backend: Backend;
let dataDir: string;

function value<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'custos-analysis-data-'));
  backend = await createBackend({ dataDir, demoDir: DEMO });
});

afterAll(async () => {
  await backend.close();
});

describe('analysis channels: validation', () => {
  it('rejects malformed payloads with the bad field named, before any analysis runs', async () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ['analyses.accessReport', {}, /patients: name a patient id or an identifier/],
      ['analyses.accessReport', { patients: ['P-1'], fromMs: 10, toMs: 5 }, /fromMs: must not be after toMs/],
      ['analyses.accessReport', { identifiers: [{ kind: 'shoe-size', value: '42' }] }, /identifiers\.0\.kind/],
      ['analyses.accessReport', { patients: ['P-1'], timeZone: 'Mars/Olympus' }, /timeZone: is not a known IANA time zone/],
      ['analyses.accessReport', { patients: ['P-1'], sql: 'x' }, /Unrecognized key/],
      ['analyses.alerts', { filter: { rules: ['not-a-rule'] } }, /filter\.rules\.0/],
      ['analyses.alerts', {}, /filter/],
      ['analyses.btgReview', { eventKey: 'k', decision: 'fine', reviewer: 'A', note: '' }, /decision/],
      ['analyses.btgReview', { eventKey: 'k', decision: 'appropriate', reviewer: '   ', note: '' }, /reviewer/],
      ['analyses.alertAck', { alertId: 'a', action: 'delete', by: 'A', note: '' }, /action/],
      ['analyses.legalHoldPlace', { scope: {}, by: 'A', reason: 'litigation' }, /scope: a legal hold needs a patient, user, tool or date range/],
      ['analyses.legalHoldRelease', { holdId: 'h', by: 'A' }, /reason/],
      ['analyses.locateEntry', { file: 'a.jsonl', line: 0 }, /line/],
      ['settings.saveRetentionPolicy', {}, /policy/],
    ];
    for (const [channel, request, message] of cases) {
      const result = await backend.invoke(channel, request);
      expect(result.ok, `${channel} ${JSON.stringify(request)}`).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('invalid-request');
        expect(result.error.message).toMatch(message);
      }
    }
  });

  it('never echoes a clear identifier in a validation error', async () => {
    const result = await backend.invoke('analyses.accessReport', { identifiers: [{ kind: 'ssn', value: '123-45-6789' }], timeZone: 'Nowhere/Zone' });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('123-45-6789');
  });
});

describe('analysis channels on the bundled demo archive', () => {
  it('lists the demo sub-folders so the first start opens all three sample archives', async () => {
    const paths = value(await backend.invoke('archives.demo', {})).paths;
    expect(paths).toEqual([join(DEMO, 'assistant-selectools'), join(DEMO, 'clinic-chained'), join(DEMO, 'clinic-hipaa')]);
    const outcome = await openAndWait(backend, { paths });
    expect(outcome.failed).toEqual([]);
    expect(outcome.opened.length).toBe(10);
  });

  it('reports a planted patient with rows that point at the planted file:line, and locates each entry', async () => {
    const report = value(await backend.invoke('analyses.accessReport', { patients: [burst.patient!] }));
    const burstFile = join(CHAINED, burst.lines[0]!.file);
    const chainedRows = report.rows.filter((row) => row.source.file === burstFile);
    for (const planted of burst.lines) {
      expect(chainedRows.some((row) => row.source.line === planted.line && row.user === burst.user)).toBe(true);
    }
    expect(report.summary.totalAccesses).toBe(report.rows.length);
    expect(report.rows.every((row) => row.alerts.includes('burst') || !burst.lines.some((line) => line.line === row.source.line))).toBe(true);
    expect(report.timeline.reduce((sum, day) => sum + day.accesses, 0)).toBe(report.rows.filter((row) => row.timeMs !== null).length);
    // Chained but neither anchored nor sealed: the report says so at the top.
    expect(report.banner.join(' ')).toMatch(/Completeness is unconfirmed/);
    expect(report.files.every((file) => file.file.startsWith(DEMO))).toBe(true);

    const first = burst.lines[0]!;
    const located = value(await backend.invoke('analyses.locateEntry', { file: burstFile, line: first.line }));
    const detail = value(await backend.invoke('entries.detail', { id: located.id }));
    expect(detail.row.source).toMatchObject({ file: burstFile, line: first.line });
    expect(detail.row.patient).toBe(burst.patient);
    const last = burst.lines.at(-1)!;
    const lateDetail = value(await backend.invoke('entries.detail', { id: value(await backend.invoke('analyses.locateEntry', { file: burstFile, line: last.line })).id }));
    expect(lateDetail.row.source.line).toBe(last.line);
    expect(await backend.invoke('analyses.locateEntry', { file: join(DEMO, 'nope.jsonl'), line: 1 })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('finds a patient by a clear identifier without storing it, and accounts for disclosures', async () => {
    const access = value(await backend.invoke('analyses.accessReport', { patients: [burst.patient!] }));
    const disclosures = value(
      await backend.invoke('analyses.accessReport', { patients: [burst.patient!], disclosures: { excludeTreatmentPaymentOperations: true } }),
    );
    expect(disclosures.query.mode).toBe('disclosures');
    expect(disclosures.rows.length + disclosures.summary.excludedAsTreatmentPaymentOperations).toBe(access.rows.length);
    const byName = value(await backend.invoke('analyses.accessReport', { identifiers: [{ kind: 'name', value: 'Nobody Atall' }] }));
    expect(byName.query.identifierKinds).toEqual(['name']);
    expect(JSON.stringify(byName)).not.toContain('Nobody Atall');
  });

  it('raises the planted burst alert with its evidence lines, filters, and journals an acknowledgement', async () => {
    const all = value(await backend.invoke('analyses.alerts', { filter: {} }));
    const burstAlert = all.alerts.find((alert) => alert.rule === 'burst' && alert.patient === burst.patient && alert.user === burst.user);
    expect(burstAlert).toBeDefined();
    expect(burstAlert!.evidence[0]).toEqual({ file: join(CHAINED, burst.lines[0]!.file), line: burst.lines[0]!.line });
    const onlyBurst = value(await backend.invoke('analyses.alerts', { filter: { rules: ['burst'] } }));
    expect(onlyBurst.alerts.length).toBeGreaterThan(0);
    expect(onlyBurst.alerts.every((alert) => alert.rule === 'burst')).toBe(true);

    const openBefore = value(await backend.invoke('analyses.alerts', { filter: { statuses: ['open'] } })).alerts.length;
    const ack = value(await backend.invoke('analyses.alertAck', { alertId: burstAlert!.id, action: 'acknowledge', by: 'Dana Privacy', note: 'Known ward round.' }));
    expect(ack).toMatchObject({ alertId: burstAlert!.id, by: 'Dana Privacy', action: 'acknowledge' });
    const openAfter = value(await backend.invoke('analyses.alerts', { filter: { statuses: ['open'] } })).alerts;
    expect(openAfter.length).toBe(openBefore - 1);
    expect(openAfter.some((alert) => alert.id === burstAlert!.id)).toBe(false);
    const journal = value(await backend.invoke('analyses.journal', {}));
    expect(journal).toMatchObject({ state: 'ok', records: 1 });
    expect(journal.path.startsWith(dataDir)).toBe(true);
  });

  it('lists break-the-glass events pending and closes one with a journaled review', async () => {
    const before = value(await backend.invoke('analyses.btg', {}));
    const planted = chainedManifest.planted.find((plant) => plant.id === 'btg-1')!;
    const event = before.events.find((candidate) => candidate.source.file === join(CHAINED, planted.lines[0]!.file) && candidate.source.line === planted.lines[0]!.line);
    expect(event?.status).toBe('pending');
    const review = value(await backend.invoke('analyses.btgReview', { eventKey: event!.key, decision: 'education', reviewer: 'Dana Privacy', note: 'Night shift; retrain on BTG.' }));
    expect(review.decision).toBe('education');
    const after = value(await backend.invoke('analyses.btg', {}));
    expect(after.reviewed).toBe(before.reviewed + 1);
    expect(after.events.find((candidate) => candidate.key === event!.key)).toMatchObject({ status: 'reviewed', review: { reviewer: 'Dana Privacy', decision: 'education' } });
  });

  it('reviews retention per file, honours a legal hold, and rejects a bad policy naming the field', async () => {
    const asOfMs = Date.UTC(2040, 0, 1);
    const review = value(await backend.invoke('analyses.retention', { asOfMs }));
    expect(review.files.length).toBe(10);
    const chainedFile = review.files.find((file) => file.file === join(CHAINED, 'audit-2026-07-10.jsonl'))!;
    expect(chainedFile.pastRetention).toBe(chainedFile.entries - chainedFile.undated);

    const hold = value(await backend.invoke('analyses.legalHoldPlace', { scope: { patient: burst.patient! }, by: 'Legal', reason: 'Litigation 2026-17' }));
    const held = value(await backend.invoke('analyses.retention', { asOfMs }));
    const heldFile = held.files.find((file) => file.file === chainedFile.file)!;
    expect(heldFile.disposalEligible).toBe(false);
    expect(heldFile.legalHolds).toContain(hold.id);
    expect(value(await backend.invoke('analyses.legalHolds', {})).holds.map((h) => h.id)).toEqual([hold.id]);
    value(await backend.invoke('analyses.legalHoldRelease', { holdId: hold.id, by: 'Legal', reason: 'Case closed' }));
    expect(value(await backend.invoke('analyses.legalHolds', {})).holds).toEqual([]);
    expect(await backend.invoke('analyses.legalHoldRelease', { holdId: hold.id, by: 'Legal', reason: 'again' })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });

    const policy = value(await backend.invoke('settings.retentionPolicy', {})).value;
    const bad = structuredClone(policy) as unknown as { categories: Array<{ retentionDays: unknown }> };
    bad.categories[0]!.retentionDays = -5;
    const rejected = value(await backend.invoke('settings.saveRetentionPolicy', { policy: bad }));
    expect(rejected.ok).toBe(false);
    if (!rejected.ok) expect(rejected.path).toMatch(/categories\.0\.retentionDays|categories\[0\]\.retentionDays/);
    expect(value(await backend.invoke('settings.retentionPolicy', {})).value.revision).toBe(policy.revision);

    const rules = value(await backend.invoke('settings.alertRules', {})).value as { revision: number; burst: { minAccesses: number } };
    const refused = value(await backend.invoke('settings.saveAlertRules', { rules: { ...rules, burst: { ...rules.burst, minAccesses: 1 } } }));
    expect(refused).toMatchObject({ ok: false, path: 'burst.minAccesses' });
    expect((value(await backend.invoke('settings.alertRules', {})).value as typeof rules).revision).toBe(rules.revision);
    // A stricter threshold is saved and the burst alert of 12 accesses disappears with it.
    const stricter = value(await backend.invoke('settings.saveAlertRules', { rules: { ...rules, burst: { ...rules.burst, minAccesses: 13 } } }));
    expect(stricter.ok).toBe(true);
    const bursts = value(await backend.invoke('analyses.alerts', { filter: { rules: ['burst'], patients: [burst.patient!] } })).alerts;
    expect(bursts.some((alert) => alert.user === burst.user)).toBe(false);
  });

  it('shows an edited journal as tampered and refuses to add to it', async () => {
    const journalPath = value(await backend.invoke('analyses.journal', {})).path;
    const lines = readFileSync(journalPath, 'utf8').split('\n');
    lines[0] = lines[0]!.replace('Dana Privacy', 'Dana Privaci');
    writeFileSync(journalPath, lines.join('\n'));
    const overview = value(await backend.invoke('analyses.btg', {}));
    expect(overview.journal.state).toBe('tampered');
    expect(overview.journal.problem?.line).toBe(1);
    const refused = await backend.invoke('analyses.btgReview', { eventKey: overview.events[0]!.key, decision: 'appropriate', reviewer: 'Mallory', note: '' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden', file: journalPath } });
    expect(readFileSync(journalPath, 'utf8')).toBe(lines.join('\n'));
    expect(value(await backend.invoke('analyses.alerts', { filter: {} })).journal.state).toBe('tampered');
  });

  it('follows the session: after closing files the analyses no longer see them', async () => {
    const summary = value(await backend.invoke('archives.summary', {}));
    const keep = summary.files.filter((file) => file.path.startsWith(CHAINED));
    value(await backend.invoke('archives.close', { fileIds: summary.files.filter((file) => !file.path.startsWith(CHAINED)).map((file) => file.id) }));
    const review = value(await backend.invoke('analyses.retention', {}));
    expect(review.files.map((file) => file.file).sort()).toEqual(keep.map((file) => file.path).sort());
    const report = value(await backend.invoke('analyses.accessReport', { patients: [burst.patient!] }));
    expect(report.rows.every((row) => row.source.file.startsWith(CHAINED))).toBe(true);
  });
});
