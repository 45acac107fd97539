/** The retention policy: its schema, its defaults (with where each number comes from), and tool matching. */
import { join } from 'node:path';
import { z } from 'zod';
import type { RetentionPolicy } from '../../../shared/analyses.js';
import { dataDir } from '../data-dir.js';
import { VersionedConfigStore } from './config-file.js';

const categoryId = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lower-case letters, digits, - and _');

export const retentionPolicySchema = z
  .strictObject({
    schemaVersion: z.literal(1),
    revision: z.number().int().min(0).default(0),
    updatedAt: z.string().default(''),
    categories: z.array(
      z.strictObject({
        id: categoryId,
        label: z.string().min(1),
        retentionDays: z.number().int().positive().max(36500),
        tools: z.array(z.string().min(1)).min(1),
        source: z.string().default('organization policy'),
      }),
    ),
    catchAll: z.strictObject({
      id: categoryId,
      label: z.string().min(1),
      retentionDays: z.number().int().positive().max(36500),
      source: z.string().default('organization policy'),
    }),
    notes: z.array(z.string()).default([]),
  })
  .superRefine((policy, ctx) => {
    const ids = new Set<string>([policy.catchAll.id]);
    policy.categories.forEach((c, i) => {
      if (ids.has(c.id)) ctx.addIssue({ code: 'custom', path: ['categories', i, 'id'], message: `category id "${c.id}" is used twice` });
      ids.add(c.id);
      if (c.tools.includes('*')) ctx.addIssue({ code: 'custom', path: ['categories', i, 'tools'], message: 'use catchAll for "every other tool" instead of "*"' });
    });
  });

const LESSON = 'Audit Logging lesson, RETENTION_POLICIES';
export const ASTM_E2147_NOTE =
  'ASTM E2147 (audit and disclosure logs for health information systems) asks that audit data for medical records be kept at least as long as the medical record itself, which is often longer than the 6 years used here; lengthen the healthcare category where that applies.';

export function defaultRetentionPolicy(): RetentionPolicy {
  return {
    schemaVersion: 1,
    revision: 0,
    updatedAt: '',
    categories: [
      {
        id: 'financial',
        label: 'Financial',
        retentionDays: 2555,
        tools: ['charge_payment', 'issue_refund', 'apply_credit'],
        source: `${LESSON} "financial": 2555 days (7 years, regulated finance record keeping)`,
      },
      {
        id: 'healthcare',
        label: 'Healthcare',
        retentionDays: 2190,
        tools: ['access_patient_record', 'update_treatment'],
        source: `${LESSON} "healthcare": 2190 days (6 years, HIPAA documentation retention, 45 CFR §164.316(b)(2))`,
      },
    ],
    catchAll: { id: 'general', label: 'General', retentionDays: 365, source: `${LESSON} "general": 365 days (1 year) for all other tools` },
    notes: [ASTM_E2147_NOTE],
  };
}

export function retentionPolicyStore(path: string = join(dataDir(), 'retention-policy.json')): VersionedConfigStore<typeof retentionPolicySchema> {
  return new VersionedConfigStore(retentionPolicySchema, path, defaultRetentionPolicy);
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

/** Returns a function giving each tool's category index (the first category listing it), or -1 for the catch-all. */
export function toolCategoryMatcher(policy: RetentionPolicy): (tool: string | null) => number {
  const matchers = policy.categories.map((category) => category.tools.map((tool) => (tool.includes('*') ? globToRegExp(tool) : tool)));
  const cache = new Map<string, number>();
  return (tool) => {
    if (tool === null) return -1;
    let index = cache.get(tool);
    if (index === undefined) {
      index = matchers.findIndex((list) => list.some((m) => (typeof m === 'string' ? m === tool : m.test(tool))));
      cache.set(tool, index);
    }
    return index;
  };
}
