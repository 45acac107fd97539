/** `custos query PATHS…`: the entries matching filters, as a table or JSON; with --conversation, the lesson's timeline. */
import type { Command } from 'commander';
import { SORTABLE_COLUMNS, type EntryRow, type SortColumn } from '../../shared/query.js';
import {
  addFilterOptions,
  addSourceOptions,
  displayPath,
  filterFrom,
  openSession,
  runCommand,
  sessionLine,
  UsageError,
  type FilterOptions,
  type SourceOptions,
} from './open-session.js';

interface QueryOptions extends FilterOptions, SourceOptions {
  json?: boolean;
  limit: string;
  offset: string;
  sort: string;
  desc?: boolean;
  timeline?: boolean;
}

export function register(program: Command): void {
  const command = program
    .command('query')
    .description('Index audit archives and list the entries matching the filters (who accessed what, when, with which outcome).')
    .argument('<paths...>', 'audit log files or folders');
  addSourceOptions(command);
  addFilterOptions(command);
  command
    .option('--sort <column>', `sort by ${SORTABLE_COLUMNS.join(', ')}`, 'time')
    .option('--desc', 'newest (largest) first')
    .option('--limit <n>', 'at most this many entries (0: all)', '100')
    .option('--offset <n>', 'skip this many entries first', '0')
    .option('--timeline', "with --conversation: print the lesson's conversation timeline, [Turn n] ✅ tool(args) → result [ms]")
    .option('--json', 'print {total, rows} as JSON')
    .addHelpText('after', '\nExit status: 0 when the query ran (even with no matches), 2 on usage or I/O errors.')
    .action(async (paths: string[], options: QueryOptions) => runCommand('query', () => runQuery(paths, options)));
}

function count(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a whole number ≥ 0, not "${value}".`);
  return n;
}

const PAGE = 5000;

export async function runQuery(paths: string[], options: QueryOptions): Promise<number> {
  const filter = filterFrom(options);
  if (!(SORTABLE_COLUMNS as readonly string[]).includes(options.sort)) {
    throw new UsageError(`--sort must be one of ${SORTABLE_COLUMNS.join(', ')}.`);
  }
  if (options.timeline && options.conversation === undefined) throw new UsageError('--timeline needs --conversation ID.');
  const limit = count('--limit', options.limit);
  const offset = count('--offset', options.offset);
  const { client, summary } = await openSession(paths, options, 'query');
  try {
    if (!options.json) process.stderr.write(`${sessionLine(summary)}\n`);
    if (options.timeline && options.conversation !== undefined) {
      const view = await client.call('entries.conversation', { conversationId: options.conversation });
      if (options.json) process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
      else {
        for (const line of view.timeline) process.stdout.write(`${line.text}${line.problem ? `   (${line.problem})` : ''}\n`);
        if (view.timeline.length === 0) process.stderr.write(`No entries in conversation ${options.conversation}.\n`);
      }
      return 0;
    }
    const rows: EntryRow[] = [];
    let total = 0;
    const wanted = limit === 0 ? Number.POSITIVE_INFINITY : limit;
    for (let position = offset; rows.length < wanted; ) {
      const page = await client.call('entries.query', {
        filter,
        sort: { column: options.sort as SortColumn, direction: options.desc ? 'desc' : 'asc' },
        offset: position,
        limit: Math.min(PAGE, wanted - rows.length),
      });
      total = page.total;
      rows.push(...page.rows);
      position += page.rows.length;
      if (page.rows.length === 0 || position >= total) break;
    }
    if (options.json) process.stdout.write(`${JSON.stringify({ total, offset, rows }, null, 2)}\n`);
    else {
      if (rows.length > 0) process.stdout.write(renderTable(rows));
      process.stderr.write(`${rows.length === total ? `${total}` : `${rows.length} of ${total}`} matching entr${total === 1 ? 'y' : 'ies'}${rows.length < total ? ' (use --limit 0 for all)' : ''}.\n`);
    }
    return 0;
  } finally {
    await client.close();
  }
}

const OUTCOME = (success: boolean | null): string => (success === true ? 'ok' : success === false ? 'FAILED' : '-');

export function renderTable(rows: readonly EntryRow[]): string {
  const header = ['time', 'user', 'role', 'patient', 'tool', 'outcome', 'purpose', 'where'];
  const cells = rows.map((row) => [
    row.timeMs === null ? `${row.timeRaw ?? '(no time)'} (unreadable)` : new Date(row.timeMs).toISOString(),
    row.user ?? '(none)',
    row.role ?? '-',
    row.patient ?? '-',
    row.tool ?? row.eventType,
    OUTCOME(row.success),
    row.purpose ?? '-',
    `${displayPath(row.source.file)}:${row.source.line}`,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((cell) => cell[column]!.length)));
  const line = (values: string[]): string => values.map((value, column) => (column === values.length - 1 ? value : value.padEnd(widths[column]!))).join('  ');
  return [line(header), ...cells.map(line)].join('\n') + '\n';
}
