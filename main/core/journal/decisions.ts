/**
 * Typed views over the evidence journal: break-the-glass reviews, alert acknowledgements and legal
 * holds. Writing goes through these helpers so every record is validated before it is chained.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AlertAckRecord, BtgDecision, BtgReviewRecord, LegalHold, LegalHoldScope } from '../../../shared/analyses.js';
import { BTG_DECISIONS } from '../../../shared/analyses.js';
import type { EvidenceJournal, JournalRecord } from './journal.js';

const btgReviewData = z.strictObject({
  eventKey: z.string().min(1),
  decision: z.enum(BTG_DECISIONS),
  note: z.string(),
  /** When the reviewer says the review took place (defaults to the record time). */
  reviewedAt: z.string().optional(),
});

const alertAckData = z.strictObject({
  alertId: z.string().min(1),
  action: z.enum(['acknowledge', 'dismiss']),
  note: z.string(),
});

const scopeSchema = z
  .strictObject({
    patient: z.string().min(1).optional(),
    user: z.string().min(1).optional(),
    tool: z.string().min(1).optional(),
    fromMs: z.number().finite().optional(),
    toMs: z.number().finite().optional(),
  })
  .refine((s) => Object.values(s).some((v) => v !== undefined), { message: 'a legal hold needs a patient, user, tool or date range' })
  .refine((s) => s.fromMs === undefined || s.toMs === undefined || s.fromMs <= s.toMs, { message: 'the hold range ends before it starts' });

const legalHoldData = z.strictObject({ holdId: z.string().min(1), scope: scopeSchema, reason: z.string().min(1) });
const legalHoldReleaseData = z.strictObject({ holdId: z.string().min(1), reason: z.string().min(1) });

export function recordBtgReview(
  journal: EvidenceJournal,
  review: { eventKey: string; decision: BtgDecision; reviewer: string; note: string; reviewedAt?: string },
): BtgReviewRecord {
  const data = btgReviewData.parse({ eventKey: review.eventKey, decision: review.decision, note: review.note, reviewedAt: review.reviewedAt });
  const record = journal.append('btg-review', review.reviewer, data);
  return toBtgReview(record, data);
}

export function recordAlertAck(journal: EvidenceJournal, ack: { alertId: string; action: 'acknowledge' | 'dismiss'; by: string; note: string }): AlertAckRecord {
  const data = alertAckData.parse({ alertId: ack.alertId, action: ack.action, note: ack.note });
  const record = journal.append('alert-ack', ack.by, data);
  return { alertId: data.alertId, action: data.action, note: data.note, by: record.actor, at: record.at };
}

export function placeLegalHold(journal: EvidenceJournal, hold: { scope: LegalHoldScope; by: string; reason: string }): LegalHold {
  const data = legalHoldData.parse({ holdId: randomUUID(), scope: hold.scope, reason: hold.reason });
  const record = journal.append('legal-hold', hold.by, data);
  return { id: data.holdId, scope: data.scope, placedBy: record.actor, placedAt: record.at, reason: data.reason };
}

export function releaseLegalHold(journal: EvidenceJournal, release: { holdId: string; by: string; reason: string }): void {
  const active = activeLegalHolds(journal.records);
  if (!active.some((h) => h.id === release.holdId)) throw new Error(`No active legal hold has the id ${release.holdId}.`);
  journal.append('legal-hold-release', release.by, legalHoldReleaseData.parse({ holdId: release.holdId, reason: release.reason }));
}

function toBtgReview(record: JournalRecord, data: z.infer<typeof btgReviewData>): BtgReviewRecord {
  return { eventKey: data.eventKey, decision: data.decision, note: data.note, reviewer: record.actor, reviewedAt: data.reviewedAt ?? record.at };
}

/** Every review per event, oldest first. */
export function btgReviews(records: readonly JournalRecord[]): Map<string, BtgReviewRecord[]> {
  const byEvent = new Map<string, BtgReviewRecord[]>();
  for (const record of records) {
    if (record.kind !== 'btg-review') continue;
    const parsed = btgReviewData.safeParse(record.data);
    if (!parsed.success) continue;
    const list = byEvent.get(parsed.data.eventKey) ?? [];
    list.push(toBtgReview(record, parsed.data));
    byEvent.set(parsed.data.eventKey, list);
  }
  return byEvent;
}

/** The latest acknowledgement per alert. */
export function alertAcks(records: readonly JournalRecord[]): Map<string, AlertAckRecord> {
  const byAlert = new Map<string, AlertAckRecord>();
  for (const record of records) {
    if (record.kind !== 'alert-ack') continue;
    const parsed = alertAckData.safeParse(record.data);
    if (!parsed.success) continue;
    byAlert.set(parsed.data.alertId, { ...parsed.data, by: record.actor, at: record.at });
  }
  return byAlert;
}

/** Holds placed and not yet released, in the order they were placed. */
export function activeLegalHolds(records: readonly JournalRecord[]): LegalHold[] {
  const holds = new Map<string, LegalHold>();
  for (const record of records) {
    if (record.kind === 'legal-hold') {
      const parsed = legalHoldData.safeParse(record.data);
      if (parsed.success) holds.set(parsed.data.holdId, { id: parsed.data.holdId, scope: parsed.data.scope, placedBy: record.actor, placedAt: record.at, reason: parsed.data.reason });
    } else if (record.kind === 'legal-hold-release') {
      const parsed = legalHoldReleaseData.safeParse(record.data);
      if (parsed.success) holds.delete(parsed.data.holdId);
    }
  }
  return [...holds.values()];
}
