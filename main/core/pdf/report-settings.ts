/**
 * Report settings from `settings.json` in Custos's data folder, e.g.
 *   { "organization": "Klinik Nord", "reportLocation": "Hamburg", "reportAuthor": "Privacy Office" }
 * Command-line options and the workstation override them per report.
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { dataDir } from '../data-dir.js';

const settingsSchema = z.object({
  organization: z.string().min(1).optional(),
  reportLocation: z.string().min(1).optional(),
  reportAuthor: z.string().min(1).optional(),
});

export interface ReportSettings {
  organization: string;
  location: string | null;
  author: string;
}

export const SETTINGS_FILE = 'settings.json';

export function readReportSettings(directory: string = dataDir()): ReportSettings {
  const path = join(directory, SETTINGS_FILE);
  let stored: z.infer<typeof settingsSchema> = {};
  try {
    const parsed = settingsSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (parsed.success) stored = parsed.data;
    else throw new Error(`${path}: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`Cannot read the settings ${path}: ${(error as Error).message}`, { cause: error });
  }
  return {
    organization: stored.organization ?? 'Organisation not set (settings.json "organization")',
    location: stored.reportLocation ?? null,
    author: stored.reportAuthor ?? currentUser(),
  };
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown user';
  }
}
