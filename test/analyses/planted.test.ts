/**
 * The analyses against generator archives with planted scenarios: every planted burst, break-the-glass
 * access, after-hours access, failure burst, role mismatch and PII leak must be found at exactly the
 * manifest's file and line, in all three formats — and nothing planted as a near miss may alert.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeArchive, type ArchiveFormat, type LineRef, type Manifest } from '../../main/core/fixtures/index.js';
import { patientNumber } from '../../main/core/fixtures/medical.js';
import { loadForAnalysis, type LoadedArchive } from '../../main/core/analyses/load-archive.js';
import { runRules } from '../../main/core/analyses/alerts.js';
import { reviewBreakGlass } from '../../main/core/analyses/btg.js';
import { buildAccessReport } from '../../main/core/analyses/access-report.js';
import { defaultRulesConfig, rulesConfigSchema, type RulesConfig } from '../../main/core/analyses/rules-config.js';
import type { AlertsReport, BtgOverview, EvidenceRef } from '../../shared/analyses.js';

const journal = { path: '(none)', records: 0, state: 'empty' as const, headHash: null };
const AS_OF = Date.parse('2026-08-01T00:00:00Z');
const DEMO = resolve('assets/demo');

interface Case {
  dir: string;
  manifest: Manifest;
  loaded: LoadedArchive;
  btg: BtgOverview;
  alerts: AlertsReport;
}

async function analyse(format: ArchiveFormat, extra: { tamper?: 'modify-field' } = {}): Promise<Case> {
  const dir = mkdtempSync(join(tmpdir(), `custos-planted-${format}-`));
  const manifest = await writeArchive(dir, { format, seed: 7, entries: 2000, days: 3, ...extra });
  const hours = manifest.businessHours;
  const config = rulesConfigSchema.parse({
    schemaVersion: 1,
    timeZone: hours.timeZone,
    afterHours: { start: `${String(hours.startHour).padStart(2, '0')}:00`, end: `${String(hours.endHour).padStart(2, '0')}:00`, workdays: hours.weekdays },
    rolePermissions: { roles: manifest.permissions },
  });
  return analyseDir(dir, manifest, config);
}

/** The bundled demo with the rules a new user gets (defaults; the demo's business hours are UTC). */
async function analyseDemo(folder: string): Promise<Case> {
  const dir = join(DEMO, folder);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  return analyseDir(dir, manifest, defaultRulesConfig('UTC'));
}

async function analyseDir(dir: string, manifest: Manifest, config: RulesConfig): Promise<Case> {
  const loaded = await loadForAnalysis([dir]);
  const btg = reviewBreakGlass(loaded.data, { asOfMs: AS_OF, reviews: new Map(), journal });
  const alerts = runRules(loaded.data, config, { asOfMs: AS_OF, findings: loaded.verification.findings, btg, acks: new Map(), journal });
  return { dir, manifest, loaded, btg, alerts };
}

function rel(c: Case, ref: EvidenceRef): string {
  return `${ref.file.slice(c.dir.length + 1)}:${ref.line}`;
}
function key(ref: LineRef): string {
  return `${ref.file}:${ref.line}`;
}
function rule(c: Case, id: string) {
  return c.alerts.alerts.filter((a) => a.rule === id);
}
function plants(c: Case, kind: string) {
  return c.manifest.planted.filter((p) => p.kind === kind);
}
/** Lines of the archive that are the one record of a tool call. */
function callLines(c: Case): Set<string> {
  return new Set(c.loaded.data.calls.map((call) => rel(c, call.source)));
}

const ARCHIVES = ['chained', 'hipaa', 'selectools', 'demo clinic-chained', 'demo clinic-hipaa', 'demo assistant-selectools'] as const;
const cases: Partial<Record<(typeof ARCHIVES)[number], Case>> = {};
beforeAll(async () => {
  for (const name of ARCHIVES) cases[name] = name.startsWith('demo ') ? await analyseDemo(name.slice(5)) : await analyse(name as ArchiveFormat);
}, 180_000);

describe.each(ARCHIVES)('planted scenarios in the %s archive', (name) => {
  const get = (): Case => cases[name] as Case;
  const format = name.includes('selectools') ? 'selectools' : 'lesson';

  it('finds every planted burst at its exact lines, and not the near miss', () => {
    const c = get();
    const found = rule(c, 'burst').map((a) => a.evidence.map((e) => rel(c, e)));
    const planted = plants(c, 'burst').map((p) => p.lines.filter((l) => callLines(c).has(key(l))).map(key));
    expect(found).toEqual(planted);
    const nearMiss = new Set(plants(c, 'burst-near-miss').flatMap((p) => p.lines.map(key)));
    expect(found.flat().filter((l) => nearMiss.has(l))).toEqual([]);
    if (format !== 'selectools') expect(planted.length).toBeGreaterThan(0);
  });

  it('lists every planted break-the-glass access as a pending, overdue event at its line', () => {
    const c = get();
    const planted = plants(c, 'break-the-glass');
    expect(planted.length).toBeGreaterThan(0);
    expect(c.btg.events).toHaveLength(planted.length);
    for (const p of planted) {
      const lines = new Set(p.lines.map(key));
      const event = c.btg.events.find((e) => lines.has(rel(c, e.source)));
      expect(event, `${p.id} at ${[...lines].join(', ')}`).toBeDefined();
      expect(event).toMatchObject({ status: 'pending', overdue: true, patient: p.patient });
      const kinds = new Set(event?.signals.map((s) => s.kind));
      for (const signal of p.signals ?? []) {
        const kind = signal.split(':')[0] ?? '';
        expect(kinds.has(kind === 'priority' || kind === 'urgency' ? 'urgency' : (kind as never))).toBe(true);
      }
    }
    expect(rule(c, 'btg-overdue').map((a) => rel(c, a.evidence[0] as EvidenceRef)).sort()).toEqual(c.btg.events.map((e) => rel(c, e.source)).sort());
  });

  it('flags exactly the tool calls the manifest lists as outside business hours', () => {
    const c = get();
    const flagged = new Set(rule(c, 'after-hours').flatMap((a) => a.evidence.map((e) => rel(c, e))));
    const expected = new Set(c.manifest.afterHours.map(key).filter((l) => callLines(c).has(l)));
    expect(expected.size).toBeGreaterThan(0);
    expect([...flagged].sort()).toEqual([...expected].sort());
    for (const p of plants(c, 'after-hours')) expect(p.lines.some((l) => flagged.has(key(l))), p.id).toBe(true);
  });

  it('finds every planted failure burst at its exact lines', () => {
    const c = get();
    const found = rule(c, 'failure-burst').map((a) => a.evidence.map((e) => rel(c, e)));
    const planted = plants(c, 'failure-burst').map((p) => p.lines.map(key));
    expect(planted.length).toBeGreaterThan(0);
    for (const lines of planted) expect(found).toContainEqual(lines);
    const others = found.filter((lines) => !planted.some((p) => p.join() === lines.join()));
    if (format !== 'selectools') expect(others).toEqual([]);
    // selectools background traffic has runs whose model is denied tool after tool within seconds:
    // those denied policy decisions are failed attempts too, and rightly look like probing.
    const denied = new Set(c.loaded.data.calls.filter((call) => call.success === false).map((call) => rel(c, call.source)));
    for (const lines of others) expect(lines.every((l) => denied.has(l)), lines.join()).toBe(true);
  });

  it('finds every role mismatch against the permission map, and no other', () => {
    const c = get();
    const found = rule(c, 'role-not-permitted').flatMap((a) => a.evidence.map((e) => rel(c, e))).sort();
    expect(found).toEqual(plants(c, 'role-mismatch').flatMap((p) => p.lines.map(key)).sort());
  });

  it('finds every planted PII leak at its line and field', () => {
    const c = get();
    const pii = rule(c, 'pii-in-clear');
    const planted = plants(c, 'pii-in-clear');
    expect(planted.length).toBeGreaterThan(0);
    for (const p of planted) {
      for (const signal of p.signals ?? []) {
        const field = signal.slice(signal.lastIndexOf('.') + 1);
        const hit = pii.find((a) => a.metrics.field === field && a.evidence.some((e) => p.lines.some((l) => key(l) === rel(c, e))));
        expect(hit, `${p.id} ${signal}`).toBeDefined();
      }
    }
    // Lesson formats hash PII: the planted leaks are the only ones.
    if (format !== 'selectools') expect(pii.flatMap((a) => a.evidence.map((e) => rel(c, e))).sort()).toEqual(planted.flatMap((p) => p.lines.map(key)).sort());
  });

  it('raises no integrity, volume or many-users alert on untampered background traffic, and counts unattributed calls', () => {
    const c = get();
    expect(rule(c, 'integrity')).toEqual([]);
    expect(rule(c, 'volume')).toEqual([]);
    expect(rule(c, 'many-users')).toEqual([]);
    const missing = new Set(c.alerts.missingAttribution.evidence.map((e) => rel(c, e)));
    for (const p of plants(c, 'missing-user')) for (const l of p.lines) if (callLines(c).has(key(l))) expect(missing.has(key(l)), p.id).toBe(true);
  });

  it('reports a planted burst patient with every access, from its evidence files', () => {
    const c = get();
    const burst = plants(c, 'burst')[0] ?? plants(c, 'break-the-glass')[0];
    if (!burst?.patient) throw new Error('the archive has no planted patient');
    const report = buildAccessReport(c.loaded.data, { patients: [burst.patient] }, { verification: c.loaded.verification, alerts: c.alerts.alerts });
    const rows = new Set(report.rows.map((r) => rel(c, r.source)));
    for (const l of burst.lines) if (callLines(c).has(key(l))) expect(rows.has(key(l))).toBe(true);
    expect(report.integrity).toBe(format === 'selectools' ? 'unchained' : 'intact');
    if (format === 'selectools') expect(report.banner.join(' ')).toContain('has no hash chain');
    if (burst.kind === 'burst') expect(report.rows.filter((r) => r.alerts.includes('burst')).length).toBe(burst.lines.length);
  });
});

describe('identifier search on a sanitized archive', () => {
  it('finds a patient of the hipaa archive by clear name and date of birth hashed the lesson’s way', () => {
    const c = cases['hipaa'] as Case;
    const patient = c.loaded.data.calls.find((call) => call.patient?.startsWith('P-000'))?.patient ?? '';
    const clear = patientNumber(Number(patient.slice(2)));
    const report = buildAccessReport(c.loaded.data, { identifiers: [{ kind: 'dob', value: clear.dateOfBirth }] });
    expect(report.patients).toContain(patient);
    const byName = buildAccessReport(c.loaded.data, { identifiers: [{ kind: 'name', value: clear.name.toUpperCase() }] });
    expect(byName.patients).toContain(patient);
    expect(JSON.stringify(byName)).not.toContain(clear.name);
  });
});

describe('a tampered archive', () => {
  it('raises a critical integrity alert at the lines the manifest expects and says so atop reports', async () => {
    const c = await analyse('chained', { tamper: 'modify-field' });
    const expected = c.manifest.tamper?.expected ?? [];
    expect(expected.length).toBeGreaterThan(0);
    const integrity = rule(c, 'integrity');
    expect(integrity.every((a) => a.severity === 'critical')).toBe(true);
    expect(integrity.flatMap((a) => a.evidence.map((e) => rel(c, e))).sort()).toEqual(expected.map((e) => `${e.file}:${e.line ?? 0}`).sort());
    const patient = c.loaded.data.calls.find((call) => rel(c, call.source) === `${expected[0]?.file}:${expected[0]?.line}`)?.patient;
    if (patient) {
      const report = buildAccessReport(c.loaded.data, { patients: [patient] }, { verification: c.loaded.verification });
      expect(report.integrity).toBe('broken');
      expect(report.banner[0]).toContain('BROKEN');
    }
  }, 60_000);
});
