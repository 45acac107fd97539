/**
 * The user-supplied mapping file for the `generic` format: which fields of an arbitrary JSONL log
 * hold the timestamp, user, patient and so on, and optionally how its hash chain is built.
 * Validated strictly, so a typo ("feilds", "tiemstamp") is an error naming the field, not a
 * mapping that silently reads nothing.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import type { GenericMapping } from '../../../shared/formats.js';
import { fieldPathProblem } from './field-path.js';

export { getAtPath, splitFieldPath, fieldPathProblem } from './field-path.js';

const fieldPath = z.string().superRefine((path, ctx) => {
  const problem = fieldPathProblem(path);
  if (problem) ctx.addIssue({ code: 'custom', message: `field path ${problem}` });
});

const fieldsSchema = z.strictObject({
  timestamp: fieldPath,
  user: fieldPath.optional(),
  role: fieldPath.optional(),
  patient: fieldPath.optional(),
  tool: fieldPath.optional(),
  purpose: fieldPath.optional(),
  outcome: fieldPath.optional(),
  duration: fieldPath.optional(),
  conversation: fieldPath.optional(),
  model: fieldPath.optional(),
  eventType: fieldPath.optional(),
  callId: fieldPath.optional(),
  turn: fieldPath.optional(),
  trigger: fieldPath.optional(),
  clientIp: fieldPath.optional(),
  arguments: fieldPath.optional(),
  result: fieldPath.optional(),
});

const chainSchema = z.strictObject({
  hashField: z.string().min(1),
  previousHashField: z.string().min(1),
  genesis: z.string(),
  covered: z.union([z.literal('all-but-hash'), z.array(z.string().min(1)).min(1)], {
    error: 'must be "all-but-hash" or a non-empty list of field names',
  }),
  canonical: z.enum(['python-json', 'jcs']),
});

export const genericMappingSchema = z.strictObject({
  // Lets a mapping file point editors at a JSON schema without failing validation.
  $schema: z.string().optional(),
  fields: fieldsSchema,
  successValues: z
    .array(z.union([z.string(), z.boolean(), z.number()], { error: 'must be a string, true/false or a number' }))
    .min(1)
    .optional(),
  chain: chainSchema
    .superRefine((chain, ctx) => {
      if (chain.hashField === chain.previousHashField) {
        ctx.addIssue({ code: 'custom', path: ['previousHashField'], message: 'must differ from hashField' });
      }
      if (Array.isArray(chain.covered) && chain.covered.includes(chain.hashField)) {
        ctx.addIssue({ code: 'custom', path: ['covered'], message: 'a hash cannot cover its own field' });
      }
    })
    .optional(),
});

export const DEFAULT_SUCCESS_VALUES: ReadonlyArray<string | boolean | number> = [true, 'success', 'ok'];

export class MappingError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${basename(file)}: invalid mapping file (${file}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'MappingError';
  }
}

/** Validates an already-parsed mapping; `source` names it in errors. */
export function parseMapping(data: unknown, source: string): GenericMapping {
  const result = genericMappingSchema.safeParse(data);
  if (!result.success) {
    throw new MappingError(
      source,
      result.error.issues.flatMap((issue) => {
        if (issue.code === 'unrecognized_keys') {
          return issue.keys.map((key) => `${formatIssuePath([...issue.path, key])}: unknown field (check its spelling)`);
        }
        if (issue.code === 'invalid_type' && valueAt(data, issue.path) === undefined) {
          return [`${formatIssuePath(issue.path)}: is required`];
        }
        return [`${formatIssuePath(issue.path)}: ${issue.message}`];
      }),
    );
  }
  const { $schema: _schema, ...mapping } = result.data;
  return mapping;
}

/** Reads and validates a mapping file (JSON). The file is only read. */
export async function loadMapping(path: string): Promise<GenericMapping> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new MappingError(path, [`cannot read the file: ${(error as Error).message}`]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new MappingError(path, [`not valid JSON: ${(error as Error).message}`]);
  }
  return parseMapping(data, path);
}

function valueAt(data: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current: unknown = data;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** `fields.user`, `chain.covered[2]`, or `(top level)`. */
function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return '(top level)';
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text;
}
