import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectAnalysisData } from '../../main/core/analyses/analysis-data.js';
import { reviewRetention } from '../../main/core/analyses/retention.js';
import { defaultRetentionPolicy, retentionPolicyStore, toolCategoryMatcher } from '../../main/core/analyses/retention-policy.js';
import type { LegalHold } from '../../shared/analyses.js';
import { entry } from './entries.js';

const DAY = 86_400_000;
const AS_OF = Date.parse('2026-07-01T00:00:00Z');
const policy = defaultRetentionPolicy();

function at(ms: number): string {
  return new Date(ms).toISOString();
}

describe('retention review', () => {
  it('places entries exactly at the boundaries: end = time + retention days', () => {
    const general = 365 * DAY;
    const data = collectAnalysisData([
      entry({ file: 'g.jsonl', line: 1, tool: 'search', at: at(AS_OF - general) }), // ends exactly at as-of → past
      entry({ file: 'g.jsonl', line: 2, tool: 'search', at: at(AS_OF - general + 1) }), // 1 ms left → expiring
      entry({ file: 'g.jsonl', line: 3, tool: 'search', at: at(AS_OF - general + 90 * DAY) }), // ends at as-of + 90 d → expiring
      entry({ file: 'g.jsonl', line: 4, tool: 'search', at: at(AS_OF - general + 90 * DAY + 1) }), // beyond the window
      entry({ file: 'g.jsonl', line: 5, tool: 'search', timeMs: null }),
    ]);
    const review = reviewRetention(data, policy, { asOfMs: AS_OF });
    const general_ = review.categories.find((c) => c.category === 'general');
    expect(general_).toMatchObject({ entries: 5, pastRetention: 1, underRetention: 3, expiringSoon: 2, undated: 1, retentionDays: 365 });
    expect(general_?.nextExpiryMs).toBe(AS_OF + 1);
    expect(review.files[0]).toMatchObject({ disposalEligible: false });
    expect(review.files[0]?.reason).toContain('no usable timestamp');
  });

  it('uses each category’s retention and lists tools that only the catch-all covers', () => {
    const t = at(AS_OF - 400 * DAY);
    const data = collectAnalysisData([
      entry({ file: 'a.jsonl', tool: 'access_patient_record', at: t }),
      entry({ file: 'a.jsonl', tool: 'charge_payment', at: t }),
      entry({ file: 'a.jsonl', tool: 'lookup_patient', at: t }),
      entry({ file: 'a.jsonl', tool: 'lookup_patient', at: t }),
      entry({ file: 'a.jsonl', tool: null, at: t }),
    ]);
    const review = reviewRetention(data, policy, { asOfMs: AS_OF });
    const byId = Object.fromEntries(review.categories.map((c) => [c.category, c]));
    expect(byId.healthcare).toMatchObject({ entries: 1, underRetention: 1, retentionDays: 2190 });
    expect(byId.financial).toMatchObject({ entries: 1, underRetention: 1, retentionDays: 2555 });
    expect(byId.general).toMatchObject({ entries: 3, pastRetention: 3 });
    expect(review.unmatchedTools).toEqual([{ tool: 'lookup_patient', entries: 2 }]);
    expect(review.entriesWithoutTool).toBe(1);
    expect(byId.healthcare?.source).toContain('2190');
    expect(review.notes.join(' ')).toContain('ASTM E2147');
  });

  it('makes a file disposal-eligible only when every entry is past retention and no legal hold applies', () => {
    const old = at(AS_OF - 500 * DAY);
    const entries = [
      entry({ file: 'old.jsonl', tool: 'search', patient: 'P-9', user: 'usr_1', at: old }),
      entry({ file: 'old.jsonl', tool: 'search', patient: 'P-2', user: 'usr_2', at: old }),
      entry({ file: 'mixed.jsonl', tool: 'search', at: old }),
      entry({ file: 'mixed.jsonl', tool: 'search', at: at(AS_OF - DAY) }),
    ];
    const data = collectAnalysisData(entries);
    const free = reviewRetention(data, policy, { asOfMs: AS_OF });
    expect(free.files.map((f) => [f.file, f.disposalEligible])).toEqual([
      ['old.jsonl', true],
      ['mixed.jsonl', false],
    ]);
    expect(free.files[0]?.eligibleFromMs).toBe(Date.parse(old) + 365 * DAY);
    const hold = (scope: LegalHold['scope']): LegalHold => ({ id: 'h1', scope, placedBy: 'Counsel', placedAt: '2026-06-01T00:00:00Z', reason: 'litigation' });
    const held = (scope: LegalHold['scope']) => reviewRetention(data, policy, { asOfMs: AS_OF, legalHolds: [hold(scope)] }).files[0];
    expect(held({ patient: 'P-9' })).toMatchObject({ disposalEligible: false, legalHolds: ['h1'] });
    expect(held({ user: 'usr_2' })?.disposalEligible).toBe(false);
    expect(held({ tool: 'search' })?.disposalEligible).toBe(false);
    expect(held({ fromMs: Date.parse(old) - DAY, toMs: Date.parse(old) })?.disposalEligible).toBe(false);
    expect(held({ fromMs: Date.parse(old) + 1 })?.disposalEligible).toBe(true);
    expect(held({ patient: 'P-404' })?.disposalEligible).toBe(true);
    expect(held({ patient: 'P-9' })?.reason).toContain('legal hold');
  });

  it('never calls a file with unparsed lines eligible', () => {
    const data = collectAnalysisData([entry({ file: 'x.jsonl', tool: 'search', at: at(AS_OF - 900 * DAY) })]);
    const files = [{ path: 'x.jsonl', format: 'hipaa' as const, entries: 1, lines: 2, size: 1, sha256: '', chain: { status: 'intact' as const, headHash: null, coveredFields: [], uncoveredFields: [] }, firstTime: null, lastTime: null }];
    const review = reviewRetention(data, policy, { asOfMs: AS_OF, files });
    expect(review.files[0]).toMatchObject({ disposalEligible: false });
    expect(review.files[0]?.reason).toContain('could not be parsed');
  });
});

describe('retention policy file', () => {
  it('matches tools by exact name and * wildcard, first category first', () => {
    const match = toolCategoryMatcher({ ...policy, categories: [...policy.categories, { id: 'reads', label: 'Reads', retentionDays: 10, tools: ['read_*', 'charge_payment'], source: 's' }] });
    expect([match('charge_payment'), match('read_chart'), match('reader'), match(null)]).toEqual([0, 2, -1, -1]);
  });

  it('rejects an invalid policy with the path of the bad field and keeps the previous one in force', () => {
    const dir = mkdtempSync(join(tmpdir(), 'custos-policy-'));
    const store = retentionPolicyStore(join(dir, 'retention-policy.json'));
    expect(store.current.revision).toBe(0);
    const next = { ...defaultRetentionPolicy(), categories: [{ ...policy.categories[0], retentionDays: 3000 }] };
    const saved = store.save(next);
    expect(saved.ok).toBe(true);
    expect(store.current).toMatchObject({ revision: 1, categories: [{ retentionDays: 3000 }] });
    const bad = { ...next, categories: [{ ...next.categories[0] }, { ...policy.categories[1], retentionDays: -5 }] };
    const rejected = store.save(bad);
    expect(rejected).toMatchObject({ ok: false, path: 'categories[1].retentionDays' });
    expect(store.current.revision).toBe(1);
    expect(JSON.parse(readFileSync(join(dir, 'retention-policy.json'), 'utf8'))).toMatchObject({ revision: 1 });
    store.save(next);
    expect(readdirSync(join(dir, 'history'))).toEqual(['retention-policy.r1.json']);
    const dup = store.save({ ...next, categories: [next.categories[0], next.categories[0]] });
    expect(dup).toMatchObject({ ok: false, path: 'categories[1].id' });
  });

  it('falls back to the defaults, and says why, when the file on disk is invalid', () => {
    const dir = mkdtempSync(join(tmpdir(), 'custos-policy-'));
    const path = join(dir, 'retention-policy.json');
    writeFileSync(path, JSON.stringify({ schemaVersion: 1, categories: [], catchAll: { id: 'general', label: 'G', retentionDays: 'forever' } }));
    const store = retentionPolicyStore(path);
    expect(store.loadProblem).toContain('catchAll.retentionDays');
    expect(store.current.catchAll.retentionDays).toBe(365);
  });
});
