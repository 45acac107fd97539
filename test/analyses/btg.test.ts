import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectAnalysisData } from '../../main/core/analyses/analysis-data.js';
import { btgEventKey, reviewBreakGlass } from '../../main/core/analyses/btg.js';
import { runRules } from '../../main/core/analyses/alerts.js';
import { defaultRulesConfig } from '../../main/core/analyses/rules-config.js';
import { EvidenceJournal } from '../../main/core/journal/journal.js';
import { btgReviews, recordBtgReview } from '../../main/core/journal/decisions.js';
import type { NormalizedEntry } from '../../shared/entry.js';
import { entry } from './entries.js';

const DAY = 86_400_000;
const flag = [{ kind: 'flag' as const, field: 'break_the_glass', value: 'true' }];

describe('break-the-glass review', () => {
  const entries: NormalizedEntry[] = [
    entry({ file: '/archive/a.jsonl', line: 3, at: '2026-07-01T10:00:00Z', breakGlass: flag, user: 'nurse_d' }),
    entry({ file: '/archive/a.jsonl', line: 4, at: '2026-07-01T10:05:00Z' }),
    entry({ file: '/archive/a.jsonl', line: 9, at: '2026-07-06T10:00:00Z', breakGlass: [{ kind: 'purpose', field: 'purpose', value: 'btg' }] }),
  ];
  const data = collectAnalysisData(entries);

  it('lists each event as pending and overdue once the review window has passed', () => {
    const journal = EvidenceJournal.open(join(mkdtempSync(join(tmpdir(), 'custos-btg-')), 'j.jsonl'));
    const asOf = Date.parse('2026-07-08T12:00:00Z');
    const overview = reviewBreakGlass(data, { asOfMs: asOf, reviews: btgReviews(journal.records), journal: journal.status });
    expect(overview.events.map((e) => [e.source.line, e.status, e.overdue])).toEqual([
      [3, 'pending', true],
      [9, 'pending', false],
    ]);
    expect(overview.events[0]?.dueMs).toBe(Date.parse('2026-07-01T10:00:00Z') + 7 * DAY);
    expect(overview).toMatchObject({ pending: 2, overdue: 1, reviewed: 0 });
    const alerts = runRules(data, defaultRulesConfig('UTC'), { asOfMs: asOf, findings: [], btg: overview, acks: new Map(), journal: journal.status }).alerts.filter((a) => a.rule === 'btg-overdue');
    expect(alerts.map((a) => a.evidence)).toEqual([[{ file: '/archive/a.jsonl', line: 3 }]]);
    expect(alerts[0]?.explanation).toContain('nurse_d');
    const longer = reviewBreakGlass(data, { asOfMs: asOf, reviewWindowDays: 14, reviews: new Map(), journal: journal.status });
    expect(longer.overdue).toBe(0);
  });

  it('closes an event with the reviewer’s decision from the journal, keeping earlier decisions', () => {
    const journal = EvidenceJournal.open(join(mkdtempSync(join(tmpdir(), 'custos-btg-')), 'j.jsonl'));
    const call = data.calls.find((c) => c.source.line === 3);
    if (!call) throw new Error('fixture');
    const key = btgEventKey(call);
    expect(key).toMatch(/^a\.jsonl:3:[0-9a-f]{16}$/);
    recordBtgReview(journal, { eventKey: key, decision: 'needs-follow-up', reviewer: 'Dana Reviewer', note: 'ask the ED lead' });
    recordBtgReview(journal, { eventKey: key, decision: 'appropriate', reviewer: 'Dana Reviewer', note: 'ED confirmed cardiac arrest' });
    const reopened = EvidenceJournal.open(journal.path);
    const overview = reviewBreakGlass(data, { asOfMs: Date.parse('2026-08-01T00:00:00Z'), reviews: btgReviews(reopened.records), journal: reopened.status });
    const event = overview.events[0];
    expect(event).toMatchObject({ status: 'reviewed', overdue: false, review: { decision: 'appropriate', reviewer: 'Dana Reviewer' } });
    expect(event?.history.map((h) => h.decision)).toEqual(['needs-follow-up', 'appropriate']);
    expect(overview).toMatchObject({ reviewed: 1, pending: 1, overdue: 1 });
  });
});
