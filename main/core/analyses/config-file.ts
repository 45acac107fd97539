/**
 * Versioned JSON settings (retention policy, alert rules) kept in the data directory. A candidate
 * that does not validate is rejected with the path of the bad field and the current one stays in
 * force; a saved change bumps the revision and the replaced version is kept in a history folder.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { z } from 'zod';

export type ConfigParse<T> = { ok: true; value: T } | { ok: false; error: string; path: string };

/** Formats a zod path as `categories[1].retentionDays`. */
function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${String(part)}` : String(part);
  return out || '(root)';
}

export function parseConfigText<S extends z.ZodType>(schema: S, text: string, label: string): ConfigParse<z.output<S>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, path: '(root)', error: `${label} is not valid JSON: ${(error as Error).message}` };
  }
  return parseConfigValue(schema, json, label);
}

export function parseConfigValue<S extends z.ZodType>(schema: S, json: unknown, label: string): ConfigParse<z.output<S>> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const path = formatPath(issue?.path ?? []);
  return { ok: false, path, error: `${label}: field ${path}: ${issue?.message ?? 'invalid'}` };
}

export function readConfigFile<S extends z.ZodType>(schema: S, path: string): ConfigParse<z.output<S>> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { ok: false, path: '(file)', error: `${path} cannot be read: ${(error as Error).message}` };
  }
  return parseConfigText(schema, text, path);
}

interface Revisioned {
  revision: number;
  updatedAt: string;
}

/** One settings file with history. `current` is always a valid value (the defaults until one is saved). */
export class VersionedConfigStore<S extends z.ZodType<Revisioned & Record<string, unknown>>> {
  private value: z.output<S>;
  /** Why the file on disk is not in force, when it is not. */
  readonly loadProblem: string | null;

  constructor(
    private readonly schema: S,
    readonly path: string,
    defaults: () => z.output<S>,
  ) {
    if (existsSync(path)) {
      const parsed = readConfigFile(schema, path);
      this.value = parsed.ok ? parsed.value : defaults();
      this.loadProblem = parsed.ok ? null : `${parsed.error} — the built-in defaults are in force.`;
    } else {
      this.value = defaults();
      this.loadProblem = null;
    }
  }

  get current(): z.output<S> {
    return this.value;
  }

  /** Validates and saves a new version; on failure nothing changes and the error names the field. */
  save(candidate: unknown, now: Date = new Date()): ConfigParse<z.output<S>> {
    const parsed = parseConfigValue(this.schema, candidate, basename(this.path));
    if (!parsed.ok) return parsed;
    const next = { ...parsed.value, revision: this.value.revision + 1, updatedAt: now.toISOString() } as z.output<S>;
    mkdirSync(dirname(this.path), { recursive: true });
    if (existsSync(this.path)) {
      const historyDir = join(dirname(this.path), 'history');
      mkdirSync(historyDir, { recursive: true });
      const name = basename(this.path, '.json');
      writeFileSync(join(historyDir, `${name}.r${this.value.revision}.json`), readFileSync(this.path));
    }
    const tmp = `${this.path}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
    renameSync(tmp, this.path);
    this.value = next;
    return { ok: true, value: next };
  }
}
