/**
 * What the analysis commands (report access, retention, btg, alerts, legal-hold, btg-review,
 * alert-ack) share: loading archives straight into analysis data, the settings files, the
 * evidence journal, times, and plain-text tables.
 */
import { resolve } from 'node:path';
import type { z } from 'zod';
import { FORMAT_IDS, isFormatId, type FormatId, type GenericMapping } from '../../shared/formats.js';
import type { EvidenceRef } from '../../shared/analyses.js';
import { loadMapping } from '../core/formats/mapping.js';
import { loadForAnalysis, type LoadedArchive } from '../core/analyses/load-archive.js';
import { readConfigFile } from '../core/analyses/config-file.js';
import { isTimeZone } from '../core/analyses/local-time.js';
import { EvidenceJournal } from '../core/journal/journal.js';
import { displayPath, UsageError, type SourceOptions } from './open-session.js';

export { UsageError, displayPath };

export async function loadArchives(paths: string[], options: SourceOptions, command: string): Promise<LoadedArchive> {
  let format: FormatId | undefined;
  if (options.format !== undefined) {
    if (!isFormatId(options.format)) throw new UsageError(`unknown format "${options.format}"; use one of ${FORMAT_IDS.join(', ')}.`);
    format = options.format;
  }
  let mapping: GenericMapping | undefined;
  if (options.mapping !== undefined) mapping = await loadMapping(options.mapping);
  if (format === 'generic' && !mapping) throw new UsageError('--format generic needs --mapping FILE.');
  const showProgress = process.stderr.isTTY;
  let last = 0;
  const loaded = await loadForAnalysis(
    paths.map((p) => resolve(p)),
    {
      ...(format === undefined ? (mapping ? { format: 'generic' as const } : {}) : { format }),
      ...(mapping === undefined ? {} : { mapping }),
      ...(showProgress
        ? {
            onProgress: (p) => {
              const now = Date.now();
              if (now - last < 200) return;
              last = now;
              process.stderr.write(`\rreading ${displayPath(p.file).slice(-60)} … ${Math.floor((100 * p.archiveBytesRead) / Math.max(1, p.archiveBytesTotal))}%`.padEnd(90));
            },
          }
        : {}),
    },
  );
  if (showProgress && last > 0) process.stderr.write(`\r${' '.repeat(90)}\r`);
  for (const path of loaded.unopened) process.stderr.write(`custos ${command}: ${displayPath(path)} could not be opened.\n`);
  if (loaded.verification.files.length === 0) throw new UsageError('no archive could be opened.');
  return loaded;
}

/** A settings file given on the command line, or the one in force in the data directory. */
export function settingsFrom<S extends z.ZodType>(
  schema: S,
  file: string | undefined,
  store: () => { current: z.output<S>; loadProblem: string | null },
  command: string,
): z.output<S> {
  if (file !== undefined) {
    const parsed = readConfigFile(schema, file);
    if (!parsed.ok) throw new UsageError(`${parsed.error} (nothing was changed; fix that field and run again).`);
    return parsed.value;
  }
  const current = store();
  if (current.loadProblem) process.stderr.write(`custos ${command}: ${current.loadProblem}\n`);
  return current.current;
}

export function openJournal(command: string): EvidenceJournal {
  const journal = EvidenceJournal.open();
  if (journal.status.state === 'tampered') {
    process.stderr.write(
      `custos ${command}: WARNING: the evidence journal ${journal.status.path} is TAMPERED (line ${journal.status.problem?.line}: ${journal.status.problem?.detail}). Only the records before that line are shown; nothing was repaired.\n`,
    );
  }
  return journal;
}

/** ISO 8601 time or date; a date alone is 00:00 UTC, or the end of that day when `endOfDay`. */
export function parseTime(flag: string, value: string, endOfDay = false): number {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/u.test(value);
  const ms = Date.parse(dateOnly ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms)) throw new UsageError(`${flag} "${value}" is not an ISO 8601 time (e.g. 2026-07-14 or 2026-07-14T09:30:00Z).`);
  return dateOnly && endOfDay ? ms + 86_400_000 - 1 : ms;
}

export function parseTimeZone(value: string): string {
  if (!isTimeZone(value)) throw new UsageError(`--time-zone "${value}" is not an IANA time zone (e.g. America/New_York, Europe/Berlin, UTC).`);
  return value;
}

export function parsePositive(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number, not "${value}".`);
  return n;
}

export const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function iso(ms: number | null): string {
  return ms === null ? '—' : new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

export function day(ms: number | null): string {
  return ms === null ? '—' : new Date(ms).toISOString().slice(0, 10);
}

export function where(ref: EvidenceRef): string {
  return `${displayPath(ref.file)}:${ref.line}`;
}

/** A plain-text table; cells longer than `max` are cut with an ellipsis, except in the last column (evidence, keys, reasons). */
export function table(headers: string[], rows: string[][], max = 48): string {
  const cut = (s: string, i: number, all: string[]) => (i < all.length - 1 && s.length > max ? `${s.slice(0, max - 1)}…` : s);
  const cells = rows.map((r) => r.map(cut));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '─'.repeat(w))), ...cells.map(line)].join('\n');
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
