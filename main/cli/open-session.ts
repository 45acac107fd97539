/** Opens archives in a database worker for the query, stats and index commands. */
import { relative } from 'node:path';
import type { Command } from 'commander';
import type { SessionSummary } from '../../shared/archive.js';
import { FORMAT_IDS, isFormatId } from '../../shared/formats.js';
import type { EntryFilter } from '../../shared/query.js';
import { DbClient } from '../worker/client.js';
import { WorkerError } from '../worker/protocol.js';

export class UsageError extends Error {}

export interface SourceOptions {
  format?: string;
  mapping?: string;
}

export interface FilterOptions {
  patient?: string[];
  user?: string[];
  tool?: string[];
  role?: string[];
  purpose?: string[];
  from?: string;
  to?: string;
  failures?: boolean;
  successes?: boolean;
  text?: string;
  conversation?: string;
  missingAttribution?: boolean;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function addSourceOptions(command: Command): Command {
  return command
    .option('--format <format>', `read every file as this format: ${FORMAT_IDS.join(', ')}`)
    .option('--mapping <file>', 'mapping file (JSON) for the generic format');
}

export function addFilterOptions(command: Command): Command {
  return command
    .option('--patient <id>', 'only this patient (repeat for several)', collect)
    .option('--user <id>', 'only this user (repeat for several)', collect)
    .option('--tool <name>', 'only this tool (repeat for several)', collect)
    .option('--role <role>', 'only this role (repeat for several)', collect)
    .option('--purpose <purpose>', 'only this purpose of access (repeat for several)', collect)
    .option('--from <iso>', 'entries at or after this time (ISO 8601; a date alone means 00:00 UTC)')
    .option('--to <iso>', 'entries before this time (ISO 8601, exclusive)')
    .option('--failures', 'failed calls only')
    .option('--successes', 'successful calls only')
    .option('--text <words>', 'free text in arguments and results (all words must occur)')
    .option('--conversation <id>', 'one conversation (or selectools run)')
    .option('--missing-attribution', 'entries without a user (or, for patient formats, without a patient)');
}

function parseTime(flag: string, value: string): number {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/u.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms)) throw new UsageError(`${flag} "${value}" is not an ISO 8601 time (e.g. 2026-07-14 or 2026-07-14T09:30:00Z).`);
  return ms;
}

export function filterFrom(options: FilterOptions): EntryFilter {
  const filter: EntryFilter = {};
  if (options.patient) filter.patients = options.patient;
  if (options.user) filter.users = options.user;
  if (options.tool) filter.tools = options.tool;
  if (options.role) filter.roles = options.role;
  if (options.purpose) filter.purposes = options.purpose;
  if (options.from !== undefined) filter.fromMs = parseTime('--from', options.from);
  if (options.to !== undefined) filter.toMs = parseTime('--to', options.to);
  if (options.failures && options.successes) throw new UsageError('--failures and --successes exclude each other.');
  if (options.failures) filter.success = false;
  if (options.successes) filter.success = true;
  if (options.text !== undefined) filter.text = options.text;
  if (options.conversation !== undefined) filter.conversationId = options.conversation;
  if (options.missingAttribution) filter.missingAttribution = true;
  return filter;
}

export function displayPath(path: string): string {
  const shown = relative(process.cwd(), path);
  return shown === '' || shown.startsWith('..') ? path : shown;
}

/** Opens the archives; problems with single files go to stderr, the rest stays open. */
export async function openSession(paths: string[], options: SourceOptions, command: string): Promise<{ client: DbClient; summary: SessionSummary }> {
  if (options.format !== undefined && !isFormatId(options.format)) {
    throw new UsageError(`unknown format "${options.format}"; use one of ${FORMAT_IDS.join(', ')}.`);
  }
  const client = new DbClient();
  try {
    const outcome = await client.call('open', {
      jobId: 'cli',
      paths,
      mode: 'replace',
      ...(options.format !== undefined && isFormatId(options.format) ? { format: options.format } : {}),
      ...(options.mapping !== undefined ? { mappingPath: options.mapping } : {}),
    });
    for (const failure of outcome.failed) process.stderr.write(`custos ${command}: ${displayPath(failure.path)}: ${failure.message}\n`);
    const summary = await client.call('summary', {});
    if (summary.files.length === 0) throw new UsageError('no archive could be opened.');
    return { client, summary };
  } catch (error) {
    await client.close();
    throw error;
  }
}

/** One line for stderr: what was opened and what the verifier concluded. */
export function sessionLine(summary: SessionSummary): string {
  const findings = summary.files.reduce((sum, file) => sum + file.findingCount, 0);
  return (
    `${summary.files.length} file${summary.files.length === 1 ? '' : 's'}, ${summary.totalEntries} entries, ${findings} finding${findings === 1 ? '' : 's'}` +
    ` · integrity ${summary.verdict.integrity} · completeness ${summary.verdict.completeness}`
  );
}

/** Runs a command body and turns errors into exit status 2 with a clear message. */
export async function runCommand(command: string, body: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await body();
  } catch (error) {
    const message = error instanceof WorkerError ? `${error.info.message}${error.info.hint ? ` (${error.info.hint})` : ''}` : (error as Error).message;
    process.stderr.write(`custos ${command}: ${message}\n`);
    process.exitCode = 2;
  }
}
