import { describe, expect, it } from 'vitest';
import { collectAnalysisData } from '../../main/core/analyses/analysis-data.js';
import { runRules, filterAlerts } from '../../main/core/analyses/alerts.js';
import { rulesConfigSchema, type RulesConfig } from '../../main/core/analyses/rules-config.js';
import type { NormalizedEntry } from '../../shared/entry.js';
import type { Finding } from '../../shared/findings.js';
import type { AlertAckRecord } from '../../shared/analyses.js';
import { entry, series } from './entries.js';

const MIN = 60_000;
const journal = { path: '/tmp/j', records: 0, state: 'empty' as const, headHash: null };

function config(overrides: Record<string, unknown> = {}): RulesConfig {
  return rulesConfigSchema.parse({ schemaVersion: 1, timeZone: 'UTC', ...overrides });
}

function run(entries: NormalizedEntry[], cfg: RulesConfig = config(), extra: { findings?: Finding[]; acks?: Map<string, AlertAckRecord> } = {}) {
  return runRules(collectAnalysisData(entries), cfg, { asOfMs: Date.parse('2026-12-01T00:00:00Z'), findings: extra.findings ?? [], btg: null, acks: extra.acks ?? new Map(), journal });
}

function only(entries: NormalizedEntry[], rule: string, cfg?: RulesConfig) {
  return run(entries, cfg).alerts.filter((a) => a.rule === rule);
}

// Mid-week, mid-day UTC so the after-hours rule stays quiet unless a test wants it.
const WEEKDAY_NOON = '2026-07-15T12:00:00.000Z';

describe('burst rule (one user, one patient, ≥ 10 accesses within 60 minutes)', () => {
  it('alerts on exactly 10 accesses whose first and last are exactly 60 minutes apart', () => {
    const alerts = only(series(10, WEEKDAY_NOON, (60 * MIN) / 9), 'burst');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.metrics.peak).toBe(10);
    expect(alerts[0]?.evidence.map((e) => e.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(alerts[0]?.user).toBe('usr_1');
    expect(alerts[0]?.patient).toBe('P-1');
    expect(alerts[0]?.explanation).toContain('10 times within 60 minutes');
  });

  it('does not alert when the 10 accesses span one millisecond more than 60 minutes', () => {
    const entries = series(9, WEEKDAY_NOON, MIN);
    entries.push(entry({ line: 10, at: new Date(Date.parse(WEEKDAY_NOON) + 60 * MIN + 1).toISOString() }));
    expect(only(entries, 'burst')).toHaveLength(0);
  });

  it('does not alert on 9 accesses, nor on 10 spread over two patients or two users', () => {
    expect(only(series(9, WEEKDAY_NOON, MIN), 'burst')).toHaveLength(0);
    const mixedPatients = series(10, WEEKDAY_NOON, MIN).map((e, i) => ({ ...e, patient: i % 2 ? 'P-1' : 'P-2' }));
    expect(only(mixedPatients, 'burst')).toHaveLength(0);
    const mixedUsers = series(10, WEEKDAY_NOON, MIN).map((e, i) => ({ ...e, user: i % 2 ? 'usr_1' : 'usr_2' }));
    expect(only(mixedUsers, 'burst')).toHaveLength(0);
  });

  it('finds the same burst whatever order the entries arrive in', () => {
    const ordered = series(12, WEEKDAY_NOON, 4 * MIN);
    const shuffled = [ordered[7], ordered[0], ordered[11], ordered[3], ordered[9], ordered[1], ordered[5], ordered[10], ordered[2], ordered[8], ordered[4], ordered[6]] as NormalizedEntry[];
    const a = only(ordered, 'burst');
    const b = only(shuffled, 'burst');
    expect(a).toHaveLength(1);
    expect(b).toEqual(a);
    expect(b[0]?.evidence.map((e) => e.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('reports two separate bursts as two alerts and overlapping windows as one', () => {
    const first = series(10, WEEKDAY_NOON, MIN, { firstLine: 1 });
    const second = series(10, '2026-07-15T15:00:00.000Z', MIN, { firstLine: 101 });
    const alerts = only([...first, ...second], 'burst');
    expect(alerts.map((a) => a.evidence[0]?.line)).toEqual([1, 101]);
    // 20 accesses 5 minutes apart: every 60-minute window holds 13, windows overlap → one episode.
    const long = only(series(20, WEEKDAY_NOON, 5 * MIN), 'burst');
    expect(long).toHaveLength(1);
    expect(long[0]?.metrics.peak).toBe(13);
    expect(long[0]?.evidenceCount).toBe(20);
  });

  it('honours configured thresholds', () => {
    expect(only(series(5, WEEKDAY_NOON, MIN), 'burst', config({ burst: { minAccesses: 5, windowMinutes: 4 } }))).toHaveLength(1);
    expect(only(series(5, WEEKDAY_NOON, MIN), 'burst', config({ burst: { minAccesses: 5, windowMinutes: 3.9 } }))).toHaveLength(0);
  });
});

describe('after-hours rule in the organization time zone', () => {
  const ny = config({ timeZone: 'America/New_York', afterHours: { start: '07:00', end: '19:00' } });
  const at = (iso: string, line: number) => entry({ at: iso, line, user: `u${line}` });

  it('uses the daylight-saving offset after the spring change (US: 8 March 2026)', () => {
    // 11:30 UTC is 06:30 EST on Friday 6 March (before business hours) but 07:30 EDT on Monday 9 March.
    const alerts = only([at('2026-03-06T11:30:00Z', 1), at('2026-03-09T11:30:00Z', 2)], 'after-hours', ny);
    expect(alerts.map((a) => a.evidence[0]?.line)).toEqual([1]);
    expect(alerts[0]?.explanation).toContain('first at 06:30 local time');
  });

  it('uses standard time again after the autumn change (US: 1 November 2026)', () => {
    // 11:30 UTC is 07:30 EDT on Friday 30 October, but 06:30 EST on Monday 2 November.
    const alerts = only([at('2026-10-30T11:30:00Z', 1), at('2026-11-02T11:30:00Z', 2)], 'after-hours', ny);
    expect(alerts.map((a) => a.evidence[0]?.line)).toEqual([2]);
  });

  it('handles the same change on a different date in Europe/Berlin (29 March 2026)', () => {
    const berlin = config({ timeZone: 'Europe/Berlin', afterHours: { start: '08:00', end: '18:00' } });
    // 16:30 UTC: 17:30 CET on Friday 27 March (inside), 18:30 CEST on Monday 30 March (after hours).
    const alerts = only([at('2026-03-27T16:30:00Z', 1), at('2026-03-30T16:30:00Z', 2)], 'after-hours', berlin);
    expect(alerts.map((a) => a.evidence[0]?.line)).toEqual([2]);
  });

  it('flags weekends whatever the hour, and groups one user-day into one alert', () => {
    const saturday = [entry({ at: '2026-07-11T15:00:00Z', line: 1 }), entry({ at: '2026-07-11T16:00:00Z', line: 2 })];
    const alerts = only(saturday, 'after-hours', ny);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.evidence.map((e) => e.line)).toEqual([1, 2]);
    expect(alerts[0]?.explanation).toContain('non-working day');
  });

  it('counts the local day, not the UTC day (01:00 UTC Tuesday is Monday evening in New York)', () => {
    const alerts = only([entry({ at: '2026-07-14T01:00:00Z', line: 1 })], 'after-hours', ny);
    expect(alerts[0]?.metrics.day).toBe('2026-07-13');
    expect(alerts[0]?.metrics.weekday).toBe('Monday');
  });

  it('rejects an unknown time zone with the field path', () => {
    const parsed = rulesConfigSchema.safeParse({ schemaVersion: 1, timeZone: 'Mars/Olympus' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['timeZone']);
  });
});

describe('other rules', () => {
  it('many-users: one patient accessed by unusually many distinct users within 24 hours', () => {
    const cfg = config({ manyUsers: { minDistinctUsers: 6, populationMultiplier: 4 } });
    const six = Array.from({ length: 6 }, (_, i) => entry({ user: `u${i}`, line: i + 1, at: new Date(Date.parse(WEEKDAY_NOON) + i * 60 * MIN).toISOString() }));
    // Background: other patients each see one user a day, so the threshold stays at the minimum of 6.
    const quiet = Array.from({ length: 6 }, (_, p) => entry({ patient: `Q-${p}`, user: 'w0', line: 50 + p, at: WEEKDAY_NOON }));
    const alerts = only([...six, ...quiet], 'many-users', cfg);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.patient).toBe('P-1');
    expect(alerts[0]?.metrics).toMatchObject({ peakDistinctUsers: 6, threshold: 6, typicalPerDay: 1 });
    expect(only([...six.slice(0, 5), ...quiet], 'many-users', cfg)).toHaveLength(0);
    // Six users 25 hours apart never share a 24-hour window.
    const spread = six.map((e, i) => ({ ...e, timeMs: Date.parse(WEEKDAY_NOON) + i * 25 * 60 * MIN }));
    expect(only([...spread, ...quiet], 'many-users', cfg)).toHaveLength(0);
    // Where patients typically see 2 users a day, the threshold rises to 4 × 2 = 8.
    const busy = Array.from({ length: 5 }, (_, p) => [0, 1].map((u) => entry({ patient: `Q-${p}`, user: `w${u}`, line: 100 + p * 2 + u, at: WEEKDAY_NOON }))).flat();
    expect(only([...six, ...busy], 'many-users', cfg)).toHaveLength(0);
  });

  it('failure-burst: ≥ 5 failed calls by one user within 10 minutes, successes ignored', () => {
    const calls = series(5, WEEKDAY_NOON, 2 * MIN, { success: false });
    expect(only(calls, 'failure-burst')).toHaveLength(1);
    const withSuccess = calls.map((e, i) => (i === 2 ? { ...e, success: true } : e));
    expect(only(withSuccess, 'failure-burst')).toHaveLength(0);
  });

  it('volume: distinct patients per day against the absolute limit and the user baseline', () => {
    const cfg = config({ volume: { maxPatientsPerDay: 20, baselineMultiplier: 3, minBaselineDays: 3, minPatientsForBaseline: 10 } });
    const days = ['2026-07-06', '2026-07-07', '2026-07-08'].flatMap((d, di) =>
      Array.from({ length: 3 }, (_, i) => entry({ patient: `P-${i}`, at: `${d}T12:0${i}:00Z`, line: di * 10 + i + 1 })),
    );
    const spike = Array.from({ length: 12 }, (_, i) => entry({ patient: `Q-${i}`, at: `2026-07-09T12:${String(i).padStart(2, '0')}:00Z`, line: 100 + i }));
    const alerts = only([...days, ...spike], 'volume', cfg);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.metrics).toMatchObject({ distinctPatients: 12, baseline: 3, day: '2026-07-09' });
    const absolute = Array.from({ length: 21 }, (_, i) => entry({ patient: `R-${i}`, at: `2026-07-10T12:${String(i).padStart(2, '0')}:00Z`, line: 200 + i }));
    expect(only(absolute, 'volume', cfg)[0]?.explanation).toContain('above the limit of 20');
  });

  it('role-not-permitted: tools outside the permission map, with wildcards; silent without a map', () => {
    const cfg = config({ rolePermissions: { roles: { Physician: ['access_patient_record', 'update_*'], billing: ['charge_payment'] } } });
    const entries = [
      entry({ role: 'physician', tool: 'update_treatment', line: 1, at: WEEKDAY_NOON }),
      entry({ role: 'billing', user: 'usr_b', tool: 'access_patient_record', line: 2, at: WEEKDAY_NOON }),
      entry({ role: 'janitor', tool: 'access_patient_record', line: 3, at: WEEKDAY_NOON }),
    ];
    const alerts = only(entries, 'role-not-permitted', cfg);
    expect(alerts.map((a) => a.evidence[0]?.line)).toEqual([2]);
    const strict = config({ rolePermissions: { roles: { physician: ['*'] }, unknownRoles: 'alert' } });
    expect(only(entries, 'role-not-permitted', strict).map((a) => a.evidence[0]?.line)).toEqual([2, 3]);
    const report = run(entries);
    expect(report.rules.find((r) => r.rule === 'role-not-permitted')?.note).toContain('No role permission map');
  });

  it('pii-in-clear: unhashed SSN, date of birth, phone and names, never hashed ones; no value in the alert', () => {
    const entries = [
      entry({ line: 1, at: WEEKDAY_NOON, argsText: '{"patient_id": "P-1", "ssn": "123-45-6789", "date_of_birth": "1980-02-03"}' }),
      entry({ line: 2, at: WEEKDAY_NOON, argsText: '{"patient_name": "sha256:0123456789abcdef", "phone": "sha256:fedcba9876543210"}' }),
      entry({ line: 3, at: WEEKDAY_NOON, resultText: '{"name": "José Müller", "note": "call 555-867-5309"}' }),
      entry({ line: 4, at: WEEKDAY_NOON, argsText: '{"query": "<redacted>", "when": "2026-07-20T10:30:00+02:00"}' }),
    ];
    const alerts = only(entries, 'pii-in-clear');
    const found = alerts.map((a) => `${a.evidence[0]?.line}:${a.metrics.kind}:${a.metrics.field}`).sort();
    expect(found).toEqual(['1:dob:date_of_birth', '1:ssn:ssn', '3:name:name', '3:phone:']);
    const text = JSON.stringify(alerts);
    for (const secret of ['123-45-6789', '1980-02-03', 'José', '867-5309']) expect(text).not.toContain(secret);
  });

  it('integrity findings become critical alerts grouped per file and kind', () => {
    const findings: Finding[] = [
      { kind: 'link-break', severity: 'critical', file: 'a.jsonl', line: 7, detail: 'x' },
      { kind: 'link-break', severity: 'critical', file: 'a.jsonl', line: 9, detail: 'x' },
      { kind: 'timestamp-regression', severity: 'info', file: 'a.jsonl', line: 3, detail: 'x' },
    ];
    const report = run([], config(), { findings });
    expect(report.alerts).toHaveLength(1);
    expect(report.alerts[0]).toMatchObject({ rule: 'integrity', severity: 'critical', evidenceCount: 2 });
    expect(report.alerts[0]?.evidence).toEqual([{ file: 'a.jsonl', line: 7 }, { file: 'a.jsonl', line: 9 }]);
  });

  it('counts calls without a user or patient as missing attribution instead of dropping them', () => {
    const report = run([entry({ user: null, line: 4, at: WEEKDAY_NOON }), entry({ line: 5, at: WEEKDAY_NOON }), entry({ patient: null, line: 6, at: WEEKDAY_NOON })]);
    expect(report.missingAttribution.calls).toBe(1);
    expect(report.missingAttribution.evidence).toEqual([{ file: 'audit.jsonl', line: 4 }]);
    expect(report.missingAttribution.withoutPatient).toBe(1);
    expect(report.missingAttribution.withoutPatientEvidence).toEqual([{ file: 'audit.jsonl', line: 6 }]);
  });

  it('acknowledgements attach by stable alert id; filters select by rule, severity, user and status', () => {
    const entries = series(10, WEEKDAY_NOON, MIN);
    const first = run(entries);
    const id = first.alerts[0]?.id ?? '';
    const again = run(entries);
    expect(again.alerts[0]?.id).toBe(id);
    const acks = new Map([[id, { alertId: id, action: 'dismiss' as const, by: 'Dana Reviewer', at: '2026-07-16T00:00:00Z', note: 'known test account' }]]);
    const acked = run(entries, config(), { acks });
    expect(acked.alerts[0]?.status).toBe('dismissed');
    expect(filterAlerts(acked.alerts, { statuses: ['open'] })).toHaveLength(0);
    expect(filterAlerts(acked.alerts, { rules: ['burst'], users: ['usr_1'], severities: ['warning'] })).toHaveLength(1);
    expect(filterAlerts(acked.alerts, { users: ['someone-else'] })).toHaveLength(0);
  });
});

describe('alert identity', () => {
  it('keeps the id of a burst while the episode grows, so its acknowledgement stays attached', () => {
    const ten = series(10, WEEKDAY_NOON, MIN);
    const twelve = [...ten, ...series(2, '2026-07-15T12:10:00.000Z', MIN, { firstLine: 11 })];
    const before = run(ten).alerts.find((a) => a.rule === 'burst');
    const after = run(twelve).alerts.find((a) => a.rule === 'burst');
    expect(after?.evidenceCount).toBe(12);
    expect(after?.id).toBe(before?.id);
  });

  it('gives two PII alerts that start on the same line different ids', () => {
    const alerts = only([entry({ line: 3, at: WEEKDAY_NOON, argsText: '{"name": "Ada Lovelace", "patient_name": "Alan Turing"}' })], 'pii-in-clear');
    expect(alerts).toHaveLength(2);
    expect(new Set(alerts.map((a) => a.id)).size).toBe(2);
  });
});
