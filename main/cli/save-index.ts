/** `custos index PATHS… -o FILE.sqlite`: verify and index archives into a SQLite file any SQLite tool opens. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { addSourceOptions, displayPath, openSession, runCommand, sessionLine, UsageError, type SourceOptions } from './open-session.js';

interface IndexOptions extends SourceOptions {
  output: string;
}

export function register(program: Command): void {
  const command = program
    .command('index')
    .description('Verify and index audit archives into a SQLite file (tables files, entries, findings, labels; view entry_view).')
    .argument('<paths...>', 'audit log files or folders')
    .requiredOption('-o, --output <file>', 'the SQLite file to write (replaced if it exists)');
  addSourceOptions(command);
  command.action(async (paths: string[], options: IndexOptions) => runCommand('index', () => runIndex(paths, options)));
}

export async function runIndex(paths: string[], options: IndexOptions): Promise<number> {
  const output = resolve(options.output);
  const { client, summary } = await openSession(paths, options, 'index');
  try {
    if (summary.files.some((file) => file.path === output)) {
      throw new UsageError(`${displayPath(output)} is one of the evidence files: Custos never overwrites evidence.`);
    }
    const saved = await client.call('saveIndex', { path: output });
    process.stderr.write(`${sessionLine(summary)}\n`);
    process.stdout.write(`Wrote ${displayPath(saved.path)} (${saved.bytes} bytes). Open it with any SQLite tool, e.g. sqlite3 ${displayPath(saved.path)} "SELECT * FROM entry_view LIMIT 10".\n`);
    return 0;
  } finally {
    await client.close();
  }
}
