/** Alert rule thresholds: a versioned, zod-validated JSON file. */
import { join } from 'node:path';
import { z } from 'zod';
import { dataDir } from '../data-dir.js';
import { VersionedConfigStore } from './config-file.js';
import { isTimeZone } from './local-time.js';
import { PII_KINDS } from './pii.js';

const severity = z.enum(['critical', 'warning', 'info']);
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM (24-hour)');

export const rulesConfigSchema = z.strictObject({
  schemaVersion: z.literal(1),
  revision: z.number().int().min(0).default(0),
  updatedAt: z.string().default(''),
  /** The organization's IANA time zone for business hours and per-day counts. */
  timeZone: z.string().refine(isTimeZone, 'not an IANA time zone (e.g. "America/New_York")').default('UTC'),
  burst: z
    .strictObject({
      enabled: z.boolean().default(true),
      minAccesses: z.number().int().min(2).default(10),
      windowMinutes: z.number().positive().default(60),
      severity: severity.default('warning'),
    })
    .prefault({}),
  manyUsers: z
    .strictObject({
      enabled: z.boolean().default(true),
      minDistinctUsers: z.number().int().min(2).default(10),
      /** The threshold rises to this multiple of the median distinct users per patient per day. */
      populationMultiplier: z.number().min(0).default(4),
      windowHours: z.number().positive().default(24),
      severity: severity.default('warning'),
    })
    .prefault({}),
  afterHours: z
    .strictObject({
      enabled: z.boolean().default(true),
      start: clock.default('08:00'),
      end: clock.default('18:00'),
      /** 0 = Sunday … 6 = Saturday. */
      workdays: z.array(z.number().int().min(0).max(6)).default([1, 2, 3, 4, 5]),
      severity: severity.default('info'),
    })
    .prefault({}),
  volume: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Distinct patients per user per day above which an alert is raised regardless of baseline. */
      maxPatientsPerDay: z.number().int().positive().default(100),
      /** A day is unusual when it exceeds this multiple of the user's median day. */
      baselineMultiplier: z.number().min(1).default(3),
      minBaselineDays: z.number().int().min(1).default(5),
      /** Days with fewer distinct patients never alert against the baseline. */
      minPatientsForBaseline: z.number().int().min(1).default(10),
      severity: severity.default('warning'),
    })
    .prefault({}),
  failureBurst: z
    .strictObject({
      enabled: z.boolean().default(true),
      minFailures: z.number().int().min(2).default(5),
      windowMinutes: z.number().positive().default(10),
      severity: severity.default('warning'),
    })
    .prefault({}),
  rolePermissions: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** role → tools it may use (`*` wildcards allowed). Roles compare case-insensitively. */
      roles: z.record(z.string(), z.array(z.string().min(1))).default({}),
      /** What to do with a role the map does not list. */
      unknownRoles: z.enum(['ignore', 'alert']).default('ignore'),
      severity: severity.default('warning'),
    })
    .prefault({}),
  piiInClear: z
    .strictObject({
      enabled: z.boolean().default(true),
      kinds: z.array(z.enum(PII_KINDS)).default([...PII_KINDS]),
      severity: severity.default('warning'),
    })
    .prefault({}),
  btgOverdue: z
    .strictObject({
      enabled: z.boolean().default(true),
      reviewWindowDays: z.number().positive().default(7),
      severity: severity.default('warning'),
    })
    .prefault({}),
  integrity: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Also raise alerts for warning-level findings (file gaps, bad timestamps…). */
      includeWarnings: z.boolean().default(true),
    })
    .prefault({}),
});

export type RulesConfig = z.output<typeof rulesConfigSchema>;

export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * The permission map of the lesson's medical-records assistant (roles and the tools each needs).
 * It is a starting point the organization edits; roles it does not list are not checked.
 */
export const EXAMPLE_ROLE_PERMISSIONS: Record<string, string[]> = {
  physician: ['access_patient_record', 'update_treatment', 'lookup_patient', 'schedule_appointment', 'send_message'],
  nurse: ['access_patient_record', 'lookup_patient', 'schedule_appointment', 'send_message'],
  billing_clerk: ['lookup_patient', 'charge_payment', 'issue_refund', 'apply_credit', 'send_message'],
  receptionist: ['lookup_patient', 'schedule_appointment', 'send_message'],
  researcher: ['access_patient_record', 'lookup_patient'],
  admin: ['lookup_patient', 'schedule_appointment', 'issue_refund', 'send_message'],
};

export function defaultRulesConfig(timeZone: string = systemTimeZone()): RulesConfig {
  return rulesConfigSchema.parse({ schemaVersion: 1, timeZone, rolePermissions: { roles: EXAMPLE_ROLE_PERMISSIONS } });
}

export function rulesConfigStore(path: string = join(dataDir(), 'alert-rules.json')): VersionedConfigStore<typeof rulesConfigSchema> {
  return new VersionedConfigStore(rulesConfigSchema, path, () => defaultRulesConfig());
}
