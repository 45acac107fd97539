/**
 * The `custos` entry loads only the named command's module: every command a user sees in the help
 * must still be reachable by its own name, with its own help.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../..');
const CLI = join(REPO, 'bin', 'custos.js');

function custos(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

it('reaches every command listed in the help by its name, and refuses an unknown one with usage', () => {
  const help = custos('--help');
  expect(help.status).toBe(0);
  const commands = [...help.stdout.split('Commands:')[1]!.matchAll(/^ {2}([a-z][a-z-]*)/gmu)].map((match) => match[1]!).filter((name) => name !== 'help');
  expect(commands).toEqual(expect.arrayContaining(['verify', 'seal', 'certify', 'query', 'stats', 'index', 'report', 'legal-hold', 'btg-review', 'alert-rules', 'retention-policy', 'tail']));
  for (const name of commands) {
    const own = custos(name, '--help');
    expect({ name, status: own.status }).toEqual({ name, status: 0 });
    expect(own.stdout).toContain(`Usage: custos ${name}`);
  }
  const unknown = custos('no-such-command');
  expect(unknown.status).toBe(2);
  expect(unknown.stderr).toContain("unknown command 'no-such-command'");
}, 120_000);
