/**
 * `custos alert-rules show|set` and `custos retention-policy show|set`: the settings files in force
 * (versioned, in the data folder). `set` validates the file first: an invalid one is rejected with the
 * path of the bad field and the version in force stays; a valid one becomes the next revision.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ConfigParse } from '../core/analyses/config-file.js';
import { retentionPolicyStore } from '../core/analyses/retention-policy.js';
import { rulesConfigStore } from '../core/analyses/rules-config.js';
import { runCommand } from './open-session.js';
import { UsageError } from './analysis-input.js';

interface Store {
  path: string;
  current: unknown;
  loadProblem: string | null;
  save(candidate: unknown): ConfigParse<{ revision: number }>;
}

function registerSettings(program: Command, name: string, what: string, store: () => Store): void {
  const command = program.command(name).description(`Show or replace the ${what} in force (kept with its history in the data folder).`);
  command
    .command('show')
    .description(`Print the ${what} in force as JSON (a starting point for your own file).`)
    .action(async () => {
      await runCommand(`${name} show`, async () => {
        const current = store();
        if (current.loadProblem) process.stderr.write(`custos ${name}: ${current.loadProblem}\n`);
        process.stdout.write(JSON.stringify(current.current, null, 2) + '\n');
        return 0;
      });
    });
  command
    .command('set')
    .description(`Validate a JSON file and make it the ${what} in force (the previous version is kept in history/).`)
    .argument('<file>', 'JSON file')
    .action(async (file: string) => {
      await runCommand(`${name} set`, async () => {
        let candidate: unknown;
        try {
          candidate = JSON.parse(readFileSync(file, 'utf8'));
        } catch (error) {
          throw new UsageError(`${file} is not readable JSON: ${(error as Error).message}`);
        }
        const target = store();
        const saved = target.save(candidate);
        if (!saved.ok) throw new UsageError(`${file}: field ${saved.path}: ${saved.error.replace(/^[^:]*: field [^:]*: /, '')} — nothing changed; revision in force: ${String((target.current as { revision?: number }).revision ?? 0)}.`);
        process.stdout.write(`${what[0]?.toUpperCase()}${what.slice(1)} revision ${saved.value.revision} is now in force (${target.path}).\n`);
        return 0;
      });
    });
}

export function register(program: Command): void {
  registerSettings(program, 'alert-rules', 'alert rules', () => rulesConfigStore());
  registerSettings(program, 'retention-policy', 'retention policy', () => retentionPolicyStore());
}
