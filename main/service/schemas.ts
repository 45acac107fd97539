/**
 * One zod schema per channel: every request is validated here before it reaches the worker.
 * Each is checked against the contract's request type, so the two cannot drift.
 */
import { z } from 'zod';
import type { Channel, RequestOf } from '../../shared/contract.js';
import { FORMAT_IDS } from '../../shared/formats.js';
import { ANALYSIS_PDF_KINDS, EXPORT_ID_PATTERN } from '../../shared/report.js';
import { SORTABLE_COLUMNS } from '../../shared/query.js';
import { ALERT_RULE_IDS, BTG_DECISIONS, IDENTIFIER_KINDS } from '../../shared/analyses.js';

/** Upper bounds that keep one request from asking the worker for everything at once. */
export const MAX_PAGE = 10_000;
const MAX_LIST = 1_000;

const path = z.string().min(1).max(4096).refine((value) => !value.includes('\0'), 'must not contain NUL characters');
const id = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const timeMs = z.number().int().min(-8.64e15).max(8.64e15);
const names = z.array(z.string().max(1024)).max(MAX_LIST);
const empty = z.strictObject({});
/** A PKCS#12 password: used once by the backend, never stored or logged. */
const password = z.string().max(1024);
const label = z.string().min(1).max(500);
const exportId = z.string().regex(EXPORT_ID_PATTERN);

export const entryFilterSchema = z.strictObject({
  fromMs: timeMs.optional(),
  toMs: timeMs.optional(),
  users: names.optional(),
  roles: names.optional(),
  patients: names.optional(),
  tools: names.optional(),
  purposes: names.optional(),
  success: z.boolean().optional(),
  conversationId: z.string().max(1024).optional(),
  text: z.string().max(1024).optional(),
  fileIds: z.array(id).max(MAX_LIST).optional(),
  missingAttribution: z.boolean().optional(),
  callRecordsOnly: z.boolean().optional(),
});

/** An IANA time zone the runtime knows (the report's per-day timeline is cut in it). */
const timeZone = z
  .string()
  .min(1)
  .max(100)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'is not a known IANA time zone');
/** A person's name recorded in the evidence journal with their decision. */
const actor = z.string().trim().min(1).max(200);
const journalNote = z.string().max(4000);
const asOf = z.strictObject({ asOfMs: timeMs.optional() });

export const accessReportRequestSchema = z
  .strictObject({
    patients: z.array(z.string().min(1).max(1024)).max(MAX_LIST).optional(),
    /** Clear identifiers: hashed by the analysis core, never stored or logged. */
    identifiers: z.array(z.strictObject({ kind: z.enum(IDENTIFIER_KINDS), value: z.string().min(1).max(1024) })).max(20).optional(),
    fromMs: timeMs.optional(),
    toMs: timeMs.optional(),
    disclosures: z.strictObject({ excludeTreatmentPaymentOperations: z.boolean() }).optional(),
    timeZone: timeZone.optional(),
  })
  .refine((request) => (request.patients?.length ?? 0) + (request.identifiers?.length ?? 0) > 0, { message: 'name a patient id or an identifier', path: ['patients'] })
  .refine((request) => request.fromMs === undefined || request.toMs === undefined || request.fromMs <= request.toMs, { message: 'must not be after toMs', path: ['fromMs'] });

export const alertFilterSchema = z.strictObject({
  rules: z.array(z.enum(ALERT_RULE_IDS)).max(ALERT_RULE_IDS.length).optional(),
  severities: z.array(z.enum(['critical', 'warning', 'info'])).max(3).optional(),
  users: names.optional(),
  patients: names.optional(),
  statuses: z.array(z.enum(['open', 'acknowledged', 'dismissed'])).max(3).optional(),
});

const legalHoldScope = z
  .strictObject({
    patient: z.string().min(1).max(1024).optional(),
    user: z.string().min(1).max(1024).optional(),
    tool: z.string().min(1).max(1024).optional(),
    fromMs: timeMs.optional(),
    toMs: timeMs.optional(),
  })
  .refine((scope) => Object.values(scope).some((value) => value !== undefined), { message: 'a legal hold needs a patient, user, tool or date range' })
  .refine((scope) => scope.fromMs === undefined || scope.toMs === undefined || scope.fromMs <= scope.toMs, { message: 'must not be after toMs', path: ['fromMs'] });

export const requestSchemas = {
  'archives.open': z.strictObject({
    paths: z.array(path).min(1).max(MAX_LIST),
    mode: z.enum(['add', 'replace']),
    format: z.enum(FORMAT_IDS).optional(),
    mappingPath: path.optional(),
  }) satisfies z.ZodType<RequestOf<'archives.open'>>,
  'archives.cancel': z.strictObject({ jobId: z.string().min(1).max(100) }) satisfies z.ZodType<RequestOf<'archives.cancel'>>,
  'archives.close': z.strictObject({ fileIds: z.array(id).max(MAX_LIST) }) satisfies z.ZodType<RequestOf<'archives.close'>>,
  'archives.summary': empty satisfies z.ZodType<RequestOf<'archives.summary'>>,
  'archives.recent': empty satisfies z.ZodType<RequestOf<'archives.recent'>>,
  'archives.demo': empty satisfies z.ZodType<RequestOf<'archives.demo'>>,
  'archives.saveIndex': z.strictObject({ path }) satisfies z.ZodType<RequestOf<'archives.saveIndex'>>,
  'archives.loadIndex': z.strictObject({ path }) satisfies z.ZodType<RequestOf<'archives.loadIndex'>>,
  'findings.list': z.strictObject({
    offset: z.number().int().nonnegative(),
    limit: z.number().int().min(1).max(MAX_PAGE),
    fileIds: z.array(id).max(MAX_LIST).optional(),
  }) satisfies z.ZodType<RequestOf<'findings.list'>>,
  'findings.context': z.strictObject({ findingId: id, radius: z.number().int().min(0).max(200) }) satisfies z.ZodType<RequestOf<'findings.context'>>,
  'entries.query': z.strictObject({
    filter: entryFilterSchema,
    sort: z.strictObject({ column: z.enum(SORTABLE_COLUMNS), direction: z.enum(['asc', 'desc']) }),
    offset: z.number().int().nonnegative(),
    limit: z.number().int().min(1).max(MAX_PAGE),
  }) satisfies z.ZodType<RequestOf<'entries.query'>>,
  'entries.histogram': z.strictObject({ filter: entryFilterSchema, buckets: z.number().int().min(1).max(5000) }) satisfies z.ZodType<
    RequestOf<'entries.histogram'>
  >,
  'entries.distinct': z.strictObject({
    column: z.enum(['user', 'role', 'patient', 'tool', 'purpose', 'model', 'eventType']),
    limit: z.number().int().min(1).max(MAX_PAGE),
    prefix: z.string().max(1024).optional(),
  }) satisfies z.ZodType<RequestOf<'entries.distinct'>>,
  'entries.detail': z.strictObject({ id }) satisfies z.ZodType<RequestOf<'entries.detail'>>,
  'entries.toolStats': z.strictObject({ filter: entryFilterSchema }) satisfies z.ZodType<RequestOf<'entries.toolStats'>>,
  'entries.conversation': z.strictObject({ conversationId: z.string().min(1).max(1024) }) satisfies z.ZodType<RequestOf<'entries.conversation'>>,
  'dialog.openPaths': z.strictObject({ kind: z.enum(['files', 'folder']) }) satisfies z.ZodType<RequestOf<'dialog.openPaths'>>,
  'dialog.savePath': z.strictObject({
    defaultName: z.string().min(1).max(255),
    extensions: z.array(z.string().regex(/^[A-Za-z0-9]{1,10}$/u)).max(10),
  }) satisfies z.ZodType<RequestOf<'dialog.savePath'>>,
  'tail.start': z.strictObject({ dir: path, format: z.enum(FORMAT_IDS).optional(), polling: z.boolean().optional() }) satisfies z.ZodType<RequestOf<'tail.start'>>,
  'tail.stop': z.strictObject({ tailId: z.string().min(1).max(100) }) satisfies z.ZodType<RequestOf<'tail.stop'>>,
  'tail.status': empty satisfies z.ZodType<RequestOf<'tail.status'>>,
  'tail.notifications': z.strictObject({ enabled: z.boolean().optional() }) satisfies z.ZodType<RequestOf<'tail.notifications'>>,
  'signing.inspect': z.strictObject({ p12Path: path, password }) satisfies z.ZodType<RequestOf<'signing.inspect'>>,
  'signing.create': z.strictObject({ path, name: label, organization: label, email: z.string().max(320).optional(), password }) satisfies z.ZodType<RequestOf<'signing.create'>>,
  'seal.create': z.strictObject({ path, p12Path: path, password }) satisfies z.ZodType<RequestOf<'seal.create'>>,
  'seal.check': z.strictObject({ sealPath: path, trustedSigners: z.array(z.string().regex(/^[0-9A-Fa-f:]{64,95}$/u)).max(100).optional() }) satisfies z.ZodType<
    RequestOf<'seal.check'>
  >,
  'reports.certify': z.strictObject({
    path,
    exportId: exportId.optional(),
    sealPath: path.optional(),
    organization: label.optional(),
    generatedBy: label.optional(),
    signing: z.strictObject({ p12Path: path, password, reason: label, location: label }).optional(),
  }) satisfies z.ZodType<RequestOf<'reports.certify'>>,
  'reports.analysisPdf': z.strictObject({
    kind: z.enum(ANALYSIS_PDF_KINDS),
    path,
    exportId: exportId.optional(),
    patients: names.optional(),
    fromMs: timeMs.optional(),
    toMs: timeMs.optional(),
    includeTreatmentPaymentOperations: z.boolean().optional(),
    asOfMs: timeMs.optional(),
    organization: label.optional(),
    generatedBy: label.optional(),
    signing: z.strictObject({ p12Path: path, password, reason: label, location: label }).optional(),
  }) satisfies z.ZodType<RequestOf<'reports.analysisPdf'>>,
  'reports.verify': z.strictObject({ path }) satisfies z.ZodType<RequestOf<'reports.verify'>>,
  'fhir.export': z.strictObject({ path, exportId: exportId.optional(), bundle: z.boolean(), patients: names.optional(), fromMs: timeMs.optional(), toMs: timeMs.optional() }) satisfies z.ZodType<
    RequestOf<'fhir.export'>
  >,
  'reports.csv': z.strictObject({
    path,
    columns: z.array(z.string().max(200)).min(1).max(200),
    rows: z.array(z.array(z.union([z.string().max(100_000), z.number(), z.boolean(), z.null()])).max(200)).max(1_000_000),
    upload: z.strictObject({ id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/u), final: z.boolean() }).optional(),
  }) satisfies z.ZodType<RequestOf<'reports.csv'>>,
  'reports.cancel': z.strictObject({ exportId }) satisfies z.ZodType<RequestOf<'reports.cancel'>>,
  'analyses.accessReport': accessReportRequestSchema satisfies z.ZodType<RequestOf<'analyses.accessReport'>>,
  'analyses.alerts': z.strictObject({ filter: alertFilterSchema, asOfMs: timeMs.optional() }) satisfies z.ZodType<RequestOf<'analyses.alerts'>>,
  'analyses.alertAck': z.strictObject({
    alertId: z.string().min(1).max(500),
    action: z.enum(['acknowledge', 'dismiss']),
    by: actor,
    note: journalNote,
  }) satisfies z.ZodType<RequestOf<'analyses.alertAck'>>,
  'analyses.btg': asOf satisfies z.ZodType<RequestOf<'analyses.btg'>>,
  'analyses.btgReview': z.strictObject({
    eventKey: z.string().min(1).max(1000),
    decision: z.enum(BTG_DECISIONS),
    reviewer: actor,
    note: journalNote,
  }) satisfies z.ZodType<RequestOf<'analyses.btgReview'>>,
  'analyses.retention': asOf satisfies z.ZodType<RequestOf<'analyses.retention'>>,
  'analyses.legalHolds': empty satisfies z.ZodType<RequestOf<'analyses.legalHolds'>>,
  'analyses.legalHoldPlace': z.strictObject({ scope: legalHoldScope, by: actor, reason: z.string().trim().min(1).max(4000) }) satisfies z.ZodType<
    RequestOf<'analyses.legalHoldPlace'>
  >,
  'analyses.legalHoldRelease': z.strictObject({ holdId: z.string().min(1).max(200), by: actor, reason: z.string().trim().min(1).max(4000) }) satisfies z.ZodType<
    RequestOf<'analyses.legalHoldRelease'>
  >,
  'analyses.journal': empty satisfies z.ZodType<RequestOf<'analyses.journal'>>,
  'analyses.locateEntry': z.strictObject({ file: path, line: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }) satisfies z.ZodType<RequestOf<'analyses.locateEntry'>>,
  'settings.retentionPolicy': empty satisfies z.ZodType<RequestOf<'settings.retentionPolicy'>>,
  /** The policy's own schema (main/core/analyses) checks it and names the bad field. */
  'settings.saveRetentionPolicy': z.strictObject({ policy: z.unknown() }) satisfies z.ZodType<RequestOf<'settings.saveRetentionPolicy'>>,
  'settings.alertRules': empty satisfies z.ZodType<RequestOf<'settings.alertRules'>>,
  'settings.saveAlertRules': z.strictObject({ rules: z.unknown() }) satisfies z.ZodType<RequestOf<'settings.saveAlertRules'>>,
} satisfies { [C in Channel]: z.ZodType<RequestOf<C>> };
