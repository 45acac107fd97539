/** The analysis commands as a user runs them: JSON rows carry file and line, decisions land in the journal. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeArchive, type Manifest } from '../../main/core/fixtures/index.js';
import { patientNumber } from '../../main/core/fixtures/medical.js';
import type { AccessReport, AlertsReport, BtgOverview, RetentionReview } from '../../shared/analyses.js';

let archive: string;
let manifest: Manifest;
let dataDir: string;
let rulesFile: string;

function custos(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'main/cli/custos.ts', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, CUSTOS_DATA_DIR: dataDir },
    ...(input === undefined ? {} : { input }),
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const at = (ref: { file: string; line: number }) => `${basename(ref.file)}:${ref.line}`;

beforeAll(async () => {
  archive = mkdtempSync(join(tmpdir(), 'custos-analyses-cli-'));
  dataDir = mkdtempSync(join(tmpdir(), 'custos-analyses-data-'));
  manifest = await writeArchive(archive, { format: 'hipaa', seed: 7, entries: 2000, days: 3 });
  rulesFile = join(dataDir, 'rules.json');
  writeFileSync(rulesFile, JSON.stringify({ schemaVersion: 1, timeZone: 'UTC', rolePermissions: { roles: manifest.permissions } }));
}, 60_000);

describe('custos alerts', () => {
  it('prints every planted burst with its evidence lines and exits 1 while alerts are open', () => {
    const run = custos(['alerts', archive, '--rules', rulesFile, '--rule', 'burst', '--json']);
    expect(run.status, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as AlertsReport;
    expect(report.alerts.map((a) => a.evidence.map(at))).toEqual(manifest.planted.filter((p) => p.kind === 'burst').map((p) => p.lines.map((l) => `${l.file}:${l.line}`)));
  });

  it('records an acknowledgement in the journal and shows it on the next run', () => {
    const first = JSON.parse(custos(['alerts', archive, '--rules', rulesFile, '--rule', 'role-not-permitted', '--json']).stdout) as AlertsReport;
    const id = first.alerts[0]?.id ?? '';
    expect(first.alerts).toHaveLength(3);
    const ack = custos(['alert-ack', id, '--by', 'Sam Officer', '--note', 'covering a colleague', '--dismiss']);
    expect(ack.status, ack.stderr).toBe(0);
    const again = JSON.parse(custos(['alerts', archive, '--rules', rulesFile, '--rule', 'role-not-permitted', '--json']).stdout) as AlertsReport;
    expect(again.alerts.find((a) => a.id === id)).toMatchObject({ status: 'dismissed', acknowledgement: { by: 'Sam Officer', note: 'covering a colleague' } });
    expect(again.journal.state).toBe('ok');
  });

  it('rejects an invalid rules file with the path of the bad field', () => {
    const bad = join(dataDir, 'bad-rules.json');
    writeFileSync(bad, JSON.stringify({ schemaVersion: 1, burst: { minAccesses: 'ten' } }));
    const run = custos(['alerts', archive, '--rules', bad]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('burst.minAccesses');
  });
});

describe('custos report access', () => {
  it('lists a planted burst patient with file and line on every row', () => {
    const burst = manifest.planted.find((p) => p.kind === 'burst');
    const run = custos(['report', 'access', archive, '--patient', burst?.patient ?? '', '--rules', rulesFile, '--json']);
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as AccessReport;
    const rows = report.rows.map((r) => at(r.source));
    for (const l of burst?.lines ?? []) expect(rows).toContain(`${l.file}:${l.line}`);
    expect(report.rows.every((r) => typeof r.source.file === 'string' && r.source.line > 0)).toBe(true);
    expect(report.integrity).toBe('intact');
    expect(report.rows.filter((r) => r.alerts.includes('burst'))).toHaveLength(burst?.lines.length ?? -1);
  });

  it('finds a patient by a clear name read from stdin, without echoing or storing it', () => {
    const patient = 'P-000193';
    const clear = patientNumber(193).name;
    const run = custos(['report', 'access', archive, '--identifier', 'name', '--rules', rulesFile, '--json'], `${clear}\n`);
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as AccessReport;
    expect(report.patients).toContain(patient);
    expect(run.stdout + run.stderr).not.toContain(clear);
    expect(readFileSync(join(dataDir, 'journal', 'evidence-journal.jsonl'), 'utf8')).not.toContain(clear);
  });
});

describe('custos btg and btg-review', () => {
  it('lists planted break-the-glass events as overdue, then reviewed once decided', () => {
    const before = custos(['btg', archive, '--as-of', '2026-08-01', '--json']);
    expect(before.status).toBe(1);
    const overview = JSON.parse(before.stdout) as BtgOverview;
    expect(overview.events.map((e) => at(e.source)).sort()).toEqual(
      manifest.planted.filter((p) => p.kind === 'break-the-glass').flatMap((p) => p.lines.map((l) => `${l.file}:${l.line}`)).sort(),
    );
    for (const event of overview.events) {
      const review = custos(['btg-review', event.key, '--decision', 'appropriate', '--by', 'Dana Reviewer', '--note', 'ED confirmed']);
      expect(review.status, review.stderr).toBe(0);
    }
    const after = custos(['btg', archive, '--as-of', '2026-08-01', '--json']);
    expect(after.status).toBe(0);
    const reviewed = JSON.parse(after.stdout) as BtgOverview;
    expect(reviewed).toMatchObject({ pending: 0, overdue: 0, reviewed: overview.events.length });
    expect(reviewed.events[0]?.review).toMatchObject({ decision: 'appropriate', reviewer: 'Dana Reviewer' });
    expect(custos(['btg-review', 'k', '--decision', 'fine', '--by', 'x']).status).toBe(2);
  });
});

describe('custos retention and legal-hold', () => {
  it('reviews retention as of a date and withholds disposal from a file under legal hold', () => {
    const policy = join(dataDir, 'policy.json');
    writeFileSync(
      policy,
      JSON.stringify({ schemaVersion: 1, categories: [{ id: 'clinical', label: 'Clinical', retentionDays: 30, tools: ['access_patient_record', 'update_treatment'] }], catchAll: { id: 'general', label: 'General', retentionDays: 10 } }),
    );
    const review = (): RetentionReview => {
      const run = custos(['retention', archive, '--policy', policy, '--as-of', '2026-09-01', '--json']);
      expect(run.status, run.stderr).toBe(0);
      return JSON.parse(run.stdout) as RetentionReview;
    };
    const free = review();
    expect(free.files.map((f) => f.disposalEligible)).toEqual([true, true, true]);
    expect(free.unmatchedTools.map((t) => t.tool)).toContain('lookup_patient');
    const place = custos(['legal-hold', 'place', '--patient', 'P-900004', '--by', 'Counsel Office', '--reason', 'case 2026-17']);
    expect(place.status, place.stderr).toBe(0);
    const held = review();
    expect(held.files.filter((f) => !f.disposalEligible).map((f) => basename(f.file))).toEqual(['audit-2026-07-13.jsonl', 'audit-2026-07-14.jsonl']);
    expect(held.activeLegalHolds[0]).toMatchObject({ placedBy: 'Counsel Office', reason: 'case 2026-17', scope: { patient: 'P-900004' } });
    const badPolicy = join(dataDir, 'bad-policy.json');
    writeFileSync(badPolicy, JSON.stringify({ schemaVersion: 1, categories: [], catchAll: { id: 'general', label: 'G', retentionDays: 0 } }));
    const rejected = custos(['retention', archive, '--policy', badPolicy]);
    expect(rejected.status).toBe(2);
    expect(rejected.stderr).toContain('catchAll.retentionDays');
  });

  it('warns that a tampered journal is tampered and refuses to add to it', () => {
    const path = join(dataDir, 'journal', 'evidence-journal.jsonl');
    const original = readFileSync(path, 'utf8');
    writeFileSync(path, original.replace('Counsel Office', 'Counsel Offise'));
    const run = custos(['btg', archive, '--as-of', '2026-08-01']);
    expect(run.stderr).toContain('TAMPERED');
    const refused = custos(['alert-ack', 'abc', '--by', 'Sam']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('will not be appended to or repaired');
    expect(readFileSync(path, 'utf8')).toBe(original.replace('Counsel Office', 'Counsel Offise'));
  });
});

describe('custos alert-rules and retention-policy', () => {
  it('puts a valid file in force as the next revision and rejects a bad one naming the field', () => {
    const good = join(dataDir, 'policy-good.json');
    writeFileSync(good, JSON.stringify({ schemaVersion: 1, categories: [{ id: 'clinical', label: 'Clinical', retentionDays: 3650, tools: ['access_patient_record'] }], catchAll: { id: 'general', label: 'General', retentionDays: 400 } }));
    const set = custos(['retention-policy', 'set', good]);
    expect(set.status, set.stderr).toBe(0);
    expect(set.stdout).toContain('revision 1');
    const bad = join(dataDir, 'policy-bad.json');
    writeFileSync(bad, JSON.stringify({ schemaVersion: 1, categories: [{ id: 'clinical', label: 'Clinical', retentionDays: -1, tools: ['x'] }], catchAll: { id: 'general', label: 'General', retentionDays: 400 } }));
    const rejected = custos(['retention-policy', 'set', bad]);
    expect(rejected.status).toBe(2);
    expect(rejected.stderr).toContain('categories[0].retentionDays');
    const shown = JSON.parse(custos(['retention-policy', 'show']).stdout) as { revision: number; catchAll: { retentionDays: number } };
    expect(shown).toMatchObject({ revision: 1, catchAll: { retentionDays: 400 } });
  });
});
