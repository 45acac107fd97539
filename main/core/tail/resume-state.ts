/**
 * Where a tail of a folder stopped, kept in Custos's data folder (never beside the evidence),
 * one JSON file per watched folder. Per file: the verified offset, line and entry counts, the
 * sha256 of the verified bytes and the chain's last hash. On restart the verified bytes are
 * re-read and must hash the same; delivery resumes exactly after them.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { FORMAT_IDS } from '../../../shared/formats.js';
import { TAIL_FILE_STATES } from '../../../shared/tail.js';

const fileStateSchema = z.object({
  name: z.string(),
  ino: z.number(),
  /** End of the last complete line delivered. */
  offset: z.number().int().nonnegative(),
  /** Physical lines up to `offset`. */
  lines: z.number().int().nonnegative(),
  entries: z.number().int().nonnegative(),
  /** sha256 hex of the bytes [0, offset). */
  prefixSha256: z.string(),
  format: z.enum(FORMAT_IDS).nullable(),
  /** Stored hash of the last entry, or null (no entries, unchained, or the last line unreadable). */
  lastHash: z.string().nullable(),
  state: z.enum(TAIL_FILE_STATES).default('following'),
  /** Set once the file is no longer followed (deleted, replaced, not an audit log): why. */
  retired: z.string().nullable().default(null),
});
export type FileResumeState = z.infer<typeof fileStateSchema>;

const tailStateSchema = z.object({
  version: z.literal(1),
  dir: z.string(),
  format: z.enum(FORMAT_IDS).nullable(),
  updatedAt: z.string(),
  files: z.array(fileStateSchema),
});
export type TailResumeState = z.infer<typeof tailStateSchema>;

export function resumeStatePath(stateDir: string, dir: string): string {
  const key = createHash('sha256').update(dir).digest('hex').slice(0, 20);
  return join(stateDir, `tail-${key}.json`);
}

export type LoadedResumeState = { state: TailResumeState | null; problem: string | null };

/** The saved state for `dir`, or null when there is none. A damaged file is reported, not trusted. */
export function loadResumeState(stateDir: string, dir: string): LoadedResumeState {
  const path = resumeStatePath(stateDir, dir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: null, problem: null };
    return { state: null, problem: `The saved tail position ${path} cannot be read (${(error as Error).message}); starting from the beginning.` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { state: null, problem: `The saved tail position ${path} is not valid JSON; starting from the beginning.` };
  }
  const parsed = tailStateSchema.safeParse(json);
  if (!parsed.success || parsed.data.dir !== dir) {
    return { state: null, problem: `The saved tail position ${path} is not a position for ${dir}; starting from the beginning.` };
  }
  return { state: parsed.data, problem: null };
}

/** Saves atomically (temporary file + rename): a crash leaves the old or the new state, never half of one. */
export function saveResumeState(stateDir: string, state: TailResumeState): void {
  mkdirSync(stateDir, { recursive: true });
  const path = resumeStatePath(stateDir, state.dir);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(state), { mode: 0o600 });
  renameSync(temporary, path);
}
