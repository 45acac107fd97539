/**
 * Normalization of generated archives (main/core/fixtures) against their manifests: every planted
 * scenario must come out as the analyses need it, in all three formats and all selectools privacy levels.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_SCENARIOS, writeArchive, type Manifest, type Plant, type PrivacyLevel } from '../../main/core/fixtures/index.js';
import type { NormalizeResult } from '../../main/core/formats/normalize/index.js';
import { normalizeArchive } from './normalize-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'custos-normalize-fixtures-'));

async function generate(format: 'chained' | 'hipaa' | 'selectools', privacy?: PrivacyLevel) {
  const dir = join(root, `${format}-${privacy ?? 'x'}`);
  const manifest = await writeArchive(dir, {
    format,
    seed: 4242,
    entries: 900,
    days: 3,
    scenario: { ...ALL_SCENARIOS, badTimestamp: true },
    ...(privacy ? { privacy } : {}),
  });
  const files = manifest.files.map(({ file }) => ({ file, text: readFileSync(join(dir, file), 'utf8') }));
  const { results, endFindings } = normalizeArchive(format, files);
  const at = (file: string, line: number): NormalizeResult => {
    const found = results.find((r) => r.entry.source.file === file && r.entry.source.line === line);
    if (!found) throw new Error(`no entry at ${file}:${line}`);
    return found;
  };
  return { manifest, results, at, endFindings };
}

const key = (file: string, line: number) => `${file}:${line}`;
const plantsOf = (manifest: Manifest, kind: Plant['kind']) => manifest.planted.filter((p) => p.kind === kind);

describe.each(['chained', 'hipaa'] as const)('%s fixture archive', (format) => {
  const archive = generate(format);

  it('keeps every line, with no problems and a bad-timestamp error exactly on the planted line', async () => {
    const { manifest, results } = await archive;
    expect(results).toHaveLength(manifest.totalLines);
    expect(results.flatMap((r) => r.problems)).toEqual([]);
    const badTime = plantsOf(manifest, 'bad-timestamp').flatMap((p) => p.lines.map((l) => key(l.file, l.line)));
    expect(badTime).toHaveLength(1);
    expect(results.filter((r) => r.timestampError !== null).map((r) => key(r.entry.source.file, r.entry.source.line))).toEqual(badTime);
  });

  it('flags break-the-glass on exactly the planted lines, with the planted signals', async () => {
    const { manifest, results, at } = await archive;
    const plants = plantsOf(manifest, 'break-the-glass');
    expect(plants.length).toBeGreaterThanOrEqual(2);
    const planted = new Set(plants.flatMap((p) => p.lines.map((l) => key(l.file, l.line))));
    const flagged = results.filter((r) => r.entry.breakGlass.length > 0).map((r) => key(r.entry.source.file, r.entry.source.line));
    expect(new Set(flagged)).toEqual(planted);
    for (const plant of plants) {
      for (const line of plant.lines) {
        const { entry } = at(line.file, line.line);
        const seen = entry.breakGlass.map((s) => `${s.kind}:${s.field}:${s.value}`).join(' ');
        for (const signal of plant.signals ?? []) {
          const [kind, what] = signal.split(':');
          // The manifest names the chained container (arguments.x); hipaa writes arguments_sanitized.x.
          if (kind === 'flag') expect(seen).toMatch(new RegExp(`flag:[a-z_]*\\.?${String(what).split('.').pop()}:`));
          else expect(seen.toLowerCase()).toContain(`:${String(what).toLowerCase()}`);
        }
        expect(entry).toMatchObject({ user: plant.user, patient: plant.patient, tool: plant.tool });
      }
    }
  });

  it('turns planted missing users and patients into nulls and keeps the entries', async () => {
    const { manifest, at } = await archive;
    const missingUsers = plantsOf(manifest, 'missing-user');
    const missingPatients = plantsOf(manifest, 'missing-patient');
    expect(missingUsers.length + missingPatients.length).toBeGreaterThanOrEqual(2);
    for (const plant of missingUsers) for (const l of plant.lines) expect(at(l.file, l.line).entry.user).toBeNull();
    for (const plant of missingPatients) for (const l of plant.lines) expect(at(l.file, l.line).entry.patient).toBeNull();
  });

  it('marks exactly the manifest failures as unsuccessful', async () => {
    const { manifest, results } = await archive;
    const failed = results.filter((r) => r.entry.success === false).map((r) => key(r.entry.source.file, r.entry.source.line));
    expect(new Set(failed)).toEqual(new Set(manifest.failures.map((l) => key(l.file, l.line))));
    expect(results.every((r) => r.entry.success !== null)).toBe(true);
  });

  it('attributes planted bursts and role mismatches to the planted user, role, patient and tool', async () => {
    const { manifest, at } = await archive;
    // A burst is one user on one patient, whatever the tool; a role mismatch is about the tool.
    for (const plant of plantsOf(manifest, 'burst')) {
      for (const l of plant.lines) expect(at(l.file, l.line).entry).toMatchObject({ user: plant.user, role: plant.role, patient: plant.patient });
    }
    for (const plant of plantsOf(manifest, 'role-mismatch')) {
      for (const l of plant.lines) {
        expect(at(l.file, l.line).entry).toMatchObject({ user: plant.user, role: plant.role, patient: plant.patient ?? null, tool: plant.tool });
      }
    }
  });
});

describe.each(['FULL', 'KEYS_ONLY', 'HASHED', 'NONE'] as const)('selectools fixture archive, privacy %s', (privacy) => {
  const archive = generate('selectools', privacy);
  const expectedPrivacy = { FULL: 'full', KEYS_ONLY: 'keys-only', HASHED: 'hashed', NONE: 'none' }[privacy];

  it('keeps every line with no problems; only the planted bad timestamp fails to parse', async () => {
    const { manifest, results } = await archive;
    expect(results).toHaveLength(manifest.totalLines);
    expect(results.flatMap((r) => r.problems.map((p) => `${r.entry.source.file}:${r.entry.source.line} ${p}`))).toEqual([]);
    const badTime = plantsOf(manifest, 'bad-timestamp').flatMap((p) => p.lines.map((l) => key(l.file, l.line)));
    expect(results.filter((r) => r.timestampError !== null).map((r) => key(r.entry.source.file, r.entry.source.line))).toEqual(badTime);
  });

  it(`detects privacy ${privacy} on every line with arguments`, async () => {
    const { results } = await archive;
    const levels = new Set(results.filter((r) => r.entry.argsText !== null && r.entry.argsText !== '{}').map((r) => r.entry.privacy));
    if (privacy === 'NONE') expect(new Set(results.filter((r) => r.entry.argsText !== null).map((r) => r.entry.privacy))).toEqual(new Set(['none']));
    else expect(levels).toEqual(new Set([expectedPrivacy]));
  });

  it('gives every tool_end the patient of its tool_start, including the run that crosses midnight', async () => {
    const { results, manifest } = await archive;
    const startPatient = new Map(results.filter((r) => r.entry.eventType === 'tool_start').map((r) => [r.entry.callId, r.entry.patient]));
    const ends = results.filter((r) => r.entry.eventType === 'tool_end');
    expect(ends.length).toBeGreaterThan(50);
    for (const { entry } of ends) expect(entry.patient).toBe(startPatient.get(entry.callId));
    if (privacy === 'FULL' || privacy === 'HASHED') expect(ends.filter((r) => r.entry.patient !== null).length).toBeGreaterThan(20);
    else expect(ends.every((r) => r.entry.patient === null)).toBe(true);
    expect(plantsOf(manifest, 'midnight-run')).toHaveLength(1);
  });

  it('never treats the routine "urgent" argument as break-the-glass; planted emergencies are flagged on the whole call', async () => {
    const { manifest, results } = await archive;
    const plants = plantsOf(manifest, 'break-the-glass');
    const planted = new Set(plants.flatMap((p) => p.lines.map((l) => key(l.file, l.line))));
    const plantedCalls = new Set(results.filter((r) => planted.has(key(r.entry.source.file, r.entry.source.line))).map((r) => r.entry.callId).filter((c) => c !== null));
    for (const r of results) {
      const where = key(r.entry.source.file, r.entry.source.line);
      const expected = planted.has(where) || (r.entry.callId !== null && plantedCalls.has(r.entry.callId));
      expect({ where, flagged: r.entry.breakGlass.length > 0 }).toEqual({ where, flagged: expected });
    }
    if (privacy === 'FULL') expect(plants.length).toBeGreaterThanOrEqual(2);
  });

  it('marks the manifest failures unsuccessful and counts each call once', async () => {
    const { manifest, results } = await archive;
    const failures = new Set(manifest.failures.map((l) => key(l.file, l.line)));
    for (const r of results) {
      if (failures.has(key(r.entry.source.file, r.entry.source.line))) expect(r.entry.success).toBe(false);
    }
    const starts = results.filter((r) => r.entry.eventType === 'tool_start').length;
    const callRecords = results.filter((r) => r.entry.callRecord && r.entry.eventType !== 'policy_decision').length;
    expect(callRecords).toBe(starts);
  });

  it('finds every started call finished when the archive ends', async () => {
    const { endFindings } = await archive;
    expect(endFindings).toEqual([]);
  });

  it('records no user anywhere (selectools has none)', async () => {
    const { results } = await archive;
    expect(results.every((r) => r.entry.user === null)).toBe(true);
  });
});
