/** `custos stats PATHS…`: per-tool statistics (calls, success rate, average and max duration, unique users). */
import type { Command } from 'commander';
import type { ToolStats } from '../../shared/query.js';
import { addFilterOptions, addSourceOptions, filterFrom, openSession, runCommand, sessionLine, type FilterOptions, type SourceOptions } from './open-session.js';

interface StatsOptions extends FilterOptions, SourceOptions {
  json?: boolean;
}

export function register(program: Command): void {
  const command = program
    .command('stats')
    .description('Per-tool statistics of audit archives: calls, success rate, average and max duration, unique users.')
    .argument('<paths...>', 'audit log files or folders');
  addSourceOptions(command);
  addFilterOptions(command);
  command
    .option('--json', 'print {tools} as JSON')
    .action(async (paths: string[], options: StatsOptions) => runCommand('stats', () => runStats(paths, options)));
}

export async function runStats(paths: string[], options: StatsOptions): Promise<number> {
  const filter = filterFrom(options);
  const { client, summary } = await openSession(paths, options, 'stats');
  try {
    const { tools } = await client.call('entries.toolStats', { filter });
    if (options.json) process.stdout.write(`${JSON.stringify({ tools }, null, 2)}\n`);
    else {
      process.stderr.write(`${sessionLine(summary)}\n`);
      process.stdout.write(renderStats(tools));
    }
    return 0;
  } finally {
    await client.close();
  }
}

const ms = (value: number | null): string => (value === null ? '-' : value.toFixed(1));

export function renderStats(tools: readonly ToolStats[]): string {
  const header = ['tool', 'calls', 'success rate', 'avg ms', 'max ms', 'unique users'];
  const cells = tools.map((tool) => [
    tool.tool,
    String(tool.calls),
    `${(tool.successRate * 100).toFixed(1)}%`,
    ms(tool.avgDurationMs),
    ms(tool.maxDurationMs),
    String(tool.uniqueUsers),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((cell) => cell[column]!.length)));
  const line = (values: string[]): string =>
    values.map((value, column) => (column === 0 ? value.padEnd(widths[column]!) : value.padStart(widths[column]!))).join('  ');
  return [line(header), ...cells.map(line)].join('\n') + '\n';
}
