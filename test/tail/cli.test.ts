/**
 * `custos tail` as a user runs it (the built CLI; npm test builds first): JSON lines for a SIEM,
 * Ctrl-C stops cleanly with exit status 0, and the next run prints only what is new.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWriter, tempDir } from './helpers.js';

const REPO = resolve(import.meta.dirname, '../..');
const CLI = join(REPO, 'bin', 'custos.js');
const built = existsSync(join(REPO, 'dist', 'main', 'cli', 'custos.js'));

interface Line {
  type: string;
  [key: string]: unknown;
}

/** Starts `custos tail`, collecting its JSON lines. */
function tailProcess(args: string[], dataDir: string): { child: ChildProcessWithoutNullStreams; lines: Line[]; until(p: (lines: Line[]) => boolean, what: string): Promise<void>; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, 'tail', ...args], { cwd: REPO, env: { ...process.env, CUSTOS_DATA_DIR: dataDir } });
  const lines: Line[] = [];
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(buffer.slice(0, nl)) as Line);
      buffer = buffer.slice(nl + 1);
    }
  });
  const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const until = async (p: (lines: Line[]) => boolean, what: string): Promise<void> => {
    const deadline = Date.now() + 60_000;
    while (!p(lines)) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; got ${JSON.stringify(lines).slice(0, 2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return { child, lines, until, exit };
}

const entriesIn = (lines: Line[]): number => lines.filter((l) => l.type === 'batch').reduce((n, l) => n + (l.count as number), 0);

describe.skipIf(!built)('custos tail', () => {
  it('writes JSON lines for batches, findings and alerts, stops on Ctrl-C, and resumes after the last line printed', async () => {
    const dir = tempDir('cli');
    const data = tempDir('cli-data');
    const first = tailProcess([dir, '--json'], data);
    await first.until((lines) => lines.some((l) => l.type === 'status' && l.state === 'watching'), 'watching');
    await runWriter(dir, [
      { append: { day: '2026-03-14', count: 10, user: 'dr_burst', patient: 'P-5', startMs: Date.parse('2026-03-16T10:00:00Z'), stepMs: 60_000 } },
    ]);
    await first.until((lines) => entriesIn(lines) === 10 && lines.some((l) => l.type === 'alert' && l.rule === 'burst'), '10 entries and the burst alert');
    const batch = first.lines.find((l) => l.type === 'batch') as Line & { entries: Array<{ source: { line: number }; patient: string }> };
    expect(batch.entries[0]).toMatchObject({ source: { line: 1 }, patient: 'P-5' });
    first.child.kill('SIGINT');
    expect(await first.exit).toBe(0);

    await runWriter(dir, [{ append: { day: '2026-03-14', count: 2, startMs: Date.parse('2026-03-16T12:00:00Z') } }]);
    const second = tailProcess([dir, '--json', '--no-analyses'], data);
    await second.until((lines) => entriesIn(lines) >= 2, 'the 2 new entries');
    second.child.kill('SIGINT');
    expect(await second.exit).toBe(0);
    const lines = second.lines.filter((l) => l.type === 'batch').flatMap((l) => (l.entries as Array<{ source: { line: number } }>).map((e) => e.source.line));
    expect(lines).toEqual([11, 12]);
    expect(second.lines.some((l) => l.type === 'status' && l.resumed === true)).toBe(true);
  });

  it('refuses a folder that does not exist with exit status 2', () => {
    const run = spawnSync(process.execPath, [CLI, 'tail', join(tempDir('cli-missing'), 'nope')], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('no such folder');
  });
});
