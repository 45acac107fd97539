/**
 * Break-the-glass (emergency access) signals. Each signal names the field and value that raised
 * it, so a reviewer can see why an entry was flagged and an auditor can check the rule.
 */
import { z } from 'zod';
import { DEFAULT_BREAK_GLASS_CONFIG, type BreakGlassConfig } from '../../../../shared/break-glass.js';
import type { BreakGlassSignal } from '../../../../shared/entry.js';
import type { PyValue } from '../../json/py-value.js';
import { pythonDumps } from '../../json/python-dumps.js';
import { getAtPath } from '../field-path.js';

export { DEFAULT_BREAK_GLASS_CONFIG, type BreakGlassConfig };

const TRUE_TEXT = new Set(['true', 'yes', 'y', '1', 'on']);

/** A flag counts when it is true, 1, or a string such as "true"/"yes". */
export function isTruthyFlag(value: PyValue | undefined): boolean {
  if (value === true) return true;
  if (typeof value === 'bigint') return value === 1n;
  if (typeof value === 'number') return value === 1;
  if (typeof value === 'string') return TRUE_TEXT.has(value.trim().toLowerCase());
  return false;
}

function matchesValue(value: PyValue | undefined, accepted: readonly string[]): value is string {
  if (typeof value !== 'string') return false;
  const wanted = value.trim().toLowerCase();
  return accepted.some((candidate) => candidate.toLowerCase() === wanted);
}

/** Collects signals without repeating a field. */
export class BreakGlassCollector {
  readonly signals: BreakGlassSignal[] = [];
  private readonly seen = new Set<string>();

  add(kind: BreakGlassSignal['kind'], field: string, value: PyValue): void {
    if (this.seen.has(field)) return;
    this.seen.add(field);
    // Strings as written; other values as they appear in the JSON line (true, 1).
    this.signals.push({ kind, field, value: typeof value === 'string' ? value : pythonDumps(value, { ensureAscii: false }) });
  }
}

interface CompiledBreakGlass {
  containers: Array<{ path: string; prefix: string }>;
  flagFields: Set<string>;
  purposeFields: Set<string>;
  urgencyFields: Set<string>;
  urgentFlagFields: Set<string>;
}

// Configs are long-lived objects: compile each once into sets for the per-line scan.
const compiled = new WeakMap<BreakGlassConfig, CompiledBreakGlass>();

function compile(config: BreakGlassConfig): CompiledBreakGlass {
  let result = compiled.get(config);
  if (!result) {
    result = {
      containers: config.containers.map((path) => ({ path, prefix: path === '' ? '' : `${path}.` })),
      flagFields: new Set(config.flagFields),
      purposeFields: new Set(config.purposeFields),
      urgencyFields: new Set(config.urgencyFields),
      urgentFlagFields: new Set(config.countUrgentFlags ? config.urgentFlagFields : []),
    };
    compiled.set(config, result);
  }
  return result;
}

/** Looks for flags, emergency purposes and elevated urgency in the configured containers. */
export function scanBreakGlass(root: PyValue, config: BreakGlassConfig, collector: BreakGlassCollector): void {
  const rules = compile(config);
  for (const { path, prefix } of rules.containers) {
    const obj = path === '' ? root : getAtPath(root, path);
    if (!(obj instanceof Map)) continue;
    for (const [key, value] of obj) {
      if (rules.flagFields.has(key)) {
        if (isTruthyFlag(value)) collector.add('flag', prefix + key, value);
      } else if (rules.purposeFields.has(key)) {
        if (matchesValue(value, config.purposeValues)) collector.add('purpose', prefix + key, value);
      } else if (rules.urgencyFields.has(key)) {
        if (matchesValue(value, config.urgencyValues)) collector.add('urgency', prefix + key, value);
      } else if (rules.urgentFlagFields.has(key) && isTruthyFlag(value)) {
        collector.add('urgency', prefix + key, value);
      }
    }
  }
}

/** A purpose read from a format-specific place (a mapping path) that names emergency access. */
export function checkPurposeValue(field: string, value: PyValue | undefined, config: BreakGlassConfig, collector: BreakGlassCollector): void {
  if (matchesValue(value, config.purposeValues)) collector.add('purpose', field, value);
}

const stringList = z.array(z.string());

/** Settings files may give any subset; the rest keeps its default. */
export const breakGlassConfigSchema = z.strictObject({
  containers: stringList.optional(),
  flagFields: stringList.optional(),
  purposeFields: stringList.optional(),
  purposeValues: stringList.optional(),
  urgencyFields: stringList.optional(),
  urgencyValues: stringList.optional(),
  urgentFlagFields: stringList.optional(),
  countUrgentFlags: z.boolean().optional(),
  fhirPurposeCodes: stringList.optional(),
});

/** Validates a partial config and fills the gaps from the defaults; throws naming the bad field. */
export function resolveBreakGlassConfig(data: unknown, source = 'break-the-glass settings'): BreakGlassConfig {
  const result = breakGlassConfigSchema.safeParse(data ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`);
    throw new Error(`${source}: invalid break-the-glass configuration: ${problems.join('; ')}`);
  }
  const given = Object.fromEntries(Object.entries(result.data).filter(([, value]) => value !== undefined));
  return { ...DEFAULT_BREAK_GLASS_CONFIG, ...given };
}
