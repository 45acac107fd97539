import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeArchive } from '../../main/core/fixtures/index.js';

/** Runs the CLI from source, as a user would run bin/custos.js. */
function custos(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'main/cli/custos.ts', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

interface Line {
  where: string;
  raw: string;
  value: Record<string, unknown>;
}

/** The archive read independently of Custos: every JSON line with its file:line. */
function readArchive(dir: string): Line[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .sort()
    .flatMap((name) =>
      readFileSync(join(dir, name), 'utf8')
        .split('\n')
        .map((text, index) => ({ text, line: index + 1 }))
        .filter(({ text }) => text.trim() !== '')
        .map(({ text, line }) => ({ where: `${name}:${line}`, raw: text, value: JSON.parse(text) as Record<string, unknown> })),
    );
}

const whereOf = (rows: Array<{ source: { file: string; line: number } }>): string[] => rows.map((row) => `${basename(row.source.file)}:${row.source.line}`);

let hipaa: string;
let chained: string;
let lines: Line[];

beforeAll(async () => {
  hipaa = mkdtempSync(join(tmpdir(), 'custos-cli-hipaa-'));
  chained = mkdtempSync(join(tmpdir(), 'custos-cli-chained-'));
  await writeArchive(hipaa, { format: 'hipaa', seed: 21, entries: 300, days: 2 });
  await writeArchive(chained, { format: 'chained', seed: 22, entries: 60, rotation: 'single' });
  lines = readArchive(hipaa);
});

describe('custos query', () => {
  it('lists exactly the entries of one patient in a time range, as JSON with file:line', () => {
    const patient = String(lines[10]!.value.patient_id);
    const from = '2026-07-13T12:00:00Z';
    const run = custos('query', hipaa, '--patient', patient, '--from', from, '--json', '--limit', '0');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as { total: number; rows: Array<{ source: { file: string; line: number }; patient: string }> };
    const expected = lines
      .filter((line) => line.value.patient_id === patient && Date.parse(String(line.value.timestamp)) >= Date.parse(from))
      .map((line) => line.where);
    expect(whereOf(result.rows)).toEqual(expected);
    expect(result.total).toBe(expected.length);
  });

  it('lists failures and a user since a time, in a readable table', () => {
    const failures = custos('query', hipaa, '--failures', '--json', '--limit', '0');
    const rows = (JSON.parse(failures.stdout) as { rows: Array<{ source: { file: string; line: number } }> }).rows;
    expect(whereOf(rows)).toEqual(lines.filter((line) => line.value.success === false).map((line) => line.where));

    const user = String(lines[5]!.value.user_id);
    const table = custos('query', hipaa, '--user', user, '--from', '2026-07-13');
    expect(table.status).toBe(0);
    const expected = lines.filter((line) => line.value.user_id === user);
    const body = table.stdout.trim().split('\n');
    expect(body[0]).toMatch(/^time\s+user\s+role\s+patient\s+tool\s+outcome\s+purpose\s+where$/);
    expect(body.slice(1).map((row) => basename(row.split(/\s+/).at(-1)!))).toEqual(expected.map((line) => line.where));
    expect(table.stderr).toMatch(/2 files, 300 entries, \d+ findings? · integrity intact/);
  });

  it("prints the lesson's conversation timeline", () => {
    const chainedLines = readArchive(chained);
    const conversation = String(chainedLines[0]!.value.conversation_id);
    const run = custos('query', chained, '--conversation', conversation, '--timeline');
    expect(run.status).toBe(0);
    const expected = chainedLines.filter((line) => line.value.conversation_id === conversation);
    const printed = run.stdout.trim().split('\n');
    expect(printed).toHaveLength(expected.length);
    // The lesson's own conversation_timeline, run by Python on the same lines, is the oracle.
    const oracle = execFileSync('python3', [
      '-c',
      [
        'import json, sys',
        'for raw in sys.stdin:',
        '    e = json.loads(raw)',
        '    status = "✅" if e["success"] else "❌"',
        '    print(f"[Turn {e[\'turn_number\']}] {status} {e[\'tool_name\']}({json.dumps(e[\'arguments\'])}) → {json.dumps(e[\'result_summary\'])} [{e[\'duration_ms\']}ms]")',
      ].join('\n'),
    ], { input: expected.map((line) => line.raw).join('\n') + '\n', env: { ...process.env, PYTHONIOENCODING: 'utf-8' } }).toString();
    expect(printed).toEqual(oracle.trim().split('\n'));
  });

  it('refuses bad usage with exit status 2 and says why', () => {
    const badTime = custos('query', hipaa, '--from', 'last tuesday');
    expect(badTime.status).toBe(2);
    expect(badTime.stderr).toMatch(/--from "last tuesday" is not an ISO 8601 time/);
    const missing = custos('query', join(hipaa, 'nope.jsonl'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/nope\.jsonl/);
  });
});

describe('custos stats', () => {
  it('prints per-tool statistics matching the archive', () => {
    const run = custos('stats', hipaa, '--json');
    expect(run.status).toBe(0);
    const { tools } = JSON.parse(run.stdout) as { tools: Array<{ tool: string; calls: number; successRate: number; uniqueUsers: number }> };
    const byTool = new Map<string, Line[]>();
    for (const line of lines) byTool.set(String(line.value.tool_name), [...(byTool.get(String(line.value.tool_name)) ?? []), line]);
    expect(new Set(tools.map((tool) => tool.tool))).toEqual(new Set(byTool.keys()));
    for (const tool of tools) {
      const calls = byTool.get(tool.tool)!;
      expect(tool.calls).toBe(calls.length);
      expect(tool.successRate).toBeCloseTo(calls.filter((line) => line.value.success === true).length / calls.length, 10);
      // Writers' placeholders ("unknown", "") mean nobody was attributed: not a user.
      const attributed = calls.map((line) => line.value.user_id).filter((user) => typeof user === 'string' && !['', 'unknown'].includes(user));
      expect(tool.uniqueUsers).toBe(new Set(attributed).size);
    }
  });
});

describe('custos index', () => {
  it('writes a SQLite file that sqlite3 reads', () => {
    const output = join(hipaa, 'index.sqlite');
    const run = custos('index', hipaa, '-o', output);
    expect(run.status).toBe(0);
    const count = execFileSync('python3', ['-c', 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from entry_view").fetchone()[0])', output]);
    expect(Number(count.toString())).toBe(300);
  });
});
