import { mkdtempSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { EvidenceJournal, JournalTamperedError, recordHash, verifyJournal } from '../../main/core/journal/journal.js';
import { activeLegalHolds, alertAcks, btgReviews, placeLegalHold, recordAlertAck, recordBtgReview, releaseLegalHold } from '../../main/core/journal/decisions.js';

let path: string;
beforeEach(() => {
  path = join(mkdtempSync(join(tmpdir(), 'custos-journal-')), 'journal', 'evidence-journal.jsonl');
});

function threeRecords(): EvidenceJournal {
  const journal = EvidenceJournal.open(path);
  recordBtgReview(journal, { eventKey: 'a.jsonl:4:abcd', decision: 'appropriate', reviewer: 'Dana Reviewer', note: 'ED admission' });
  recordAlertAck(journal, { alertId: 'f00d', action: 'acknowledge', by: 'Sam Officer', note: 'spoke to user' });
  recordBtgReview(journal, { eventKey: 'a.jsonl:9:ef01', decision: 'sanction', reviewer: 'Dana Reviewer', note: 'no emergency' });
  return journal;
}

function lines(): string[] {
  return readFileSync(path, 'utf8').trimEnd().split('\n');
}

describe('evidence journal', () => {
  it('starts empty, appends chained records and verifies them on reload', () => {
    expect(EvidenceJournal.open(path).status.state).toBe('empty');
    threeRecords();
    const reopened = EvidenceJournal.open(path);
    expect(reopened.status).toMatchObject({ state: 'ok', records: 3 });
    expect(reopened.records.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(reopened.records[1]?.prev).toBe(reopened.records[0]?.hash);
    expect(reopened.status.headHash).toBe(reopened.records[2]?.hash);
    const reviews = btgReviews(reopened.records);
    expect(reviews.get('a.jsonl:9:ef01')?.[0]).toMatchObject({ decision: 'sanction', reviewer: 'Dana Reviewer', note: 'no emergency' });
    expect(alertAcks(reopened.records).get('f00d')).toMatchObject({ action: 'acknowledge', by: 'Sam Officer' });
  });

  it('reports an edited record as tampered at its line, and refuses to append', () => {
    threeRecords();
    const edited = lines();
    edited[0] = (edited[0] ?? '').replace('"appropriate"', '"education"');
    writeFileSync(path, edited.join('\n') + '\n');
    const journal = EvidenceJournal.open(path);
    expect(journal.status).toMatchObject({ state: 'tampered', problem: { line: 1 } });
    expect(journal.status.problem?.detail).toContain('changed after it was written');
    const sizeBefore = statSync(path).size;
    expect(() => recordAlertAck(journal, { alertId: 'x', action: 'dismiss', by: 'Sam', note: '' })).toThrow(JournalTamperedError);
    expect(statSync(path).size).toBe(sizeBefore);
  });

  it('detects a removed, a reordered and a cut-off record', () => {
    threeRecords();
    const original = lines();
    writeFileSync(path, [original[0], original[2]].join('\n') + '\n');
    expect(verifyJournal(path).status).toMatchObject({ state: 'tampered', problem: { line: 2 } });
    writeFileSync(path, [original[1], original[0], original[2]].join('\n') + '\n');
    expect(verifyJournal(path).status).toMatchObject({ state: 'tampered', problem: { line: 1 } });
    writeFileSync(path, original.join('\n').slice(0, -5));
    const cut = verifyJournal(path).status;
    expect(cut).toMatchObject({ state: 'tampered', problem: { line: 3 } });
    expect(cut.problem?.detail).toContain('incomplete');
  });

  it('detects a record rewritten with a freshly computed hash (the next link breaks)', () => {
    threeRecords();
    const original = lines();
    const record = JSON.parse(original[0] ?? '') as Record<string, unknown>;
    (record.data as Record<string, unknown>).decision = 'education';
    // An attacker recomputing the record's own hash still breaks the link from record 2.
    record.hash = recordHash(record as never);
    writeFileSync(path, [JSON.stringify(record), original[1], original[2]].join('\n') + '\n');
    expect(verifyJournal(path).status).toMatchObject({ state: 'tampered', problem: { line: 2 } });
  });

  it('notices records cut from the end, which a chain alone cannot show, through the head file', () => {
    const journal = threeRecords();
    const original = lines();
    writeFileSync(path, original.slice(0, 2).join('\n') + '\n');
    expect(verifyJournal(path).status).toMatchObject({ state: 'tampered', records: 2 });
    expect(verifyJournal(path).status.problem?.detail).toContain('removed from its end');
    expect(() => recordAlertAck(journal, { alertId: 'y', action: 'dismiss', by: 'Sam', note: '' })).toThrow(/does not verify/);
    writeFileSync(path, '');
    expect(verifyJournal(path).status.state).toBe('tampered');
  });

  it('notices a change made behind its back before appending, and lets two writers take turns', () => {
    const journal = threeRecords();
    const other = EvidenceJournal.open(path);
    recordAlertAck(other, { alertId: 'y', action: 'dismiss', by: 'Sam', note: '' });
    // The first writer re-reads before appending, so it continues after the other's record.
    recordAlertAck(journal, { alertId: 'z', action: 'dismiss', by: 'Sam', note: '' });
    expect(EvidenceJournal.open(path).records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    writeFileSync(path, readFileSync(path, 'utf8').replace('Sam Officer', 'Sam Offcer'));
    expect(() => recordAlertAck(journal, { alertId: 'w', action: 'dismiss', by: 'Sam', note: '' })).toThrow(/does not verify/);
  });

  it('requires a decision maker and validates decisions', () => {
    const journal = EvidenceJournal.open(path);
    expect(() => recordBtgReview(journal, { eventKey: 'k', decision: 'appropriate', reviewer: '  ', note: '' })).toThrow(/name of the person/);
    expect(() => recordBtgReview(journal, { eventKey: 'k', decision: 'fine' as never, reviewer: 'A', note: '' })).toThrow();
    expect(verifyJournal(path).status.state).toBe('empty');
  });

  it('records legal holds with who, when and why, and releases them by appending', () => {
    const journal = EvidenceJournal.open(path);
    const hold = placeLegalHold(journal, { scope: { patient: 'P-1486' }, by: 'Counsel Office', reason: 'litigation 2026-17' });
    placeLegalHold(journal, { scope: { fromMs: 0, toMs: 10 }, by: 'Counsel Office', reason: 'audit' });
    expect(() => placeLegalHold(journal, { scope: {}, by: 'X', reason: 'y' })).toThrow(/needs a patient/);
    expect(activeLegalHolds(journal.records).map((h) => h.reason)).toEqual(['litigation 2026-17', 'audit']);
    expect(hold).toMatchObject({ placedBy: 'Counsel Office', scope: { patient: 'P-1486' } });
    expect(hold.placedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    releaseLegalHold(journal, { holdId: hold.id, by: 'Counsel Office', reason: 'case closed' });
    expect(activeLegalHolds(EvidenceJournal.open(path).records).map((h) => h.reason)).toEqual(['audit']);
    expect(() => releaseLegalHold(journal, { holdId: hold.id, by: 'X', reason: 'again' })).toThrow(/No active legal hold/);
    expect(EvidenceJournal.open(path).status.records).toBe(3);
  });
});
