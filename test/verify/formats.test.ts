/**
 * Format detection and the formats without (or with a user-defined) chain: selectools as its real
 * logger writes it, FHIR AuditEvent NDJSON, unknown JSONL, and generic JSONL with a mapping file.
 */
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { GenericMapping } from '../../shared/formats.js';
import { jcsCanonicalize } from '../../main/core/json/jcs.js';
import { pythonDumps } from '../../main/core/json/python-dumps.js';
import { pyObject, type PyObject } from '../../main/core/json/py-value.js';
import { sha256Hex } from '../../main/core/formats/chain-spec.js';
import { scanArchive } from '../../main/core/verify/scan.js';
import { SELECTOOLS_SAMPLES } from '../support/samples.js';

const root = await mkdtemp(join(tmpdir(), 'custos-formats-'));
afterAll(() => rm(root, { recursive: true, force: true }));
// Real selectools output shipped beside the repository (not in a clean clone: the test is skipped there).
const SAMPLES = SELECTOOLS_SAMPLES;

describe('selectools', () => {
  it('real AuditLogger output is read as unchained, never as verified', async () => {
    const dir = join(root, 'selectools');
    await mkdir(dir);
    for (const name of ['audit-2026-07-13.jsonl', 'audit-2026-07-14.jsonl', 'audit-2026-07-15.jsonl']) await copyFile(join(SAMPLES, name), join(dir, name));
    const result = await scanArchive([dir]);
    expect(result.files.map((f) => [f.format, f.chain.status, f.chain.headHash])).toEqual([
      ['selectools', 'unchained', null],
      ['selectools', 'unchained', null],
      ['selectools', 'unchained', null],
    ]);
    expect(result.files.every((f) => f.entries > 50 && f.entries === f.lines)).toBe(true);
    expect(result.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(result.verdict.integrity).toBe('unchained');
    expect(result.verdict.reasons.join(' ')).toMatch(/without a hash chain/);
    expect(result.files[0]?.chain.uncoveredFields).toEqual(expect.arrayContaining(['event', 'run_id', 'ts']));
  });

  it('a missing day in a daily series is a file-gap naming the missing file', async () => {
    const dir = join(root, 'gap');
    await mkdir(dir);
    const line = (ts: string): string => `${JSON.stringify({ event: 'run_start', run_id: 'r1', message_count: 1, ts })}\n`;
    await writeFile(join(dir, 'audit-2026-03-01.jsonl'), line('2026-03-01T10:00:00+00:00'));
    await writeFile(join(dir, 'audit-2026-03-03.jsonl'), line('2026-03-03T10:00:00+00:00'));
    const result = await scanArchive([dir]);
    expect(result.findings.map((f) => [f.kind, basename(f.file), f.line])).toEqual([['file-gap', 'audit-2026-03-02.jsonl', null]]);
  });
});

describe('fhir and unknown formats', () => {
  it('FHIR AuditEvent NDJSON is recognised and unchained', async () => {
    const file = join(root, 'events.ndjson');
    const event = { resourceType: 'AuditEvent', recorded: '2026-03-01T10:00:00Z', action: 'R', agent: [{ who: { display: 'dr' }, requestor: true }] };
    await writeFile(file, `${JSON.stringify(event)}\n${JSON.stringify({ ...event, recorded: '2026-03-01T10:05:00Z' })}\n`);
    const result = await scanArchive([file]);
    expect(result.files[0]).toMatchObject({ format: 'fhir', entries: 2, chain: { status: 'unchained' } });
    expect(result.findings).toEqual([]);
  });

  it('unknown JSONL is an unknown-format finding with the reason', async () => {
    const file = join(root, 'other.jsonl');
    await writeFile(file, '{"when": "x", "who": "y"}\n');
    const result = await scanArchive([file]);
    expect(result.files[0]?.format).toBeNull();
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({ kind: 'unknown-format', line: 1 });
    expect(result.findings[0]?.detail).toMatch(/when, who.*--mapping/);
  });
});

describe('generic JSONL with a mapping', () => {
  const mapping: GenericMapping = {
    fields: { timestamp: 'meta.at', user: 'actor' },
    chain: { hashField: 'digest', previousHashField: 'prior', genesis: '0'.repeat(64), covered: 'all-but-hash', canonical: 'jcs' },
  };
  function chainLines(count: number): { lines: string[]; entries: PyObject[] } {
    let prior = '0'.repeat(64);
    const lines: string[] = [];
    const entries: PyObject[] = [];
    for (let i = 0; i < count; i++) {
      const entry = pyObject([
        ['actor', `user-${i % 3}`],
        ['meta', pyObject([['at', `2026-03-01T10:${String(i).padStart(2, '0')}:00Z`], ['note', 'Zoë 🩺']])],
        ['n', BigInt(i)],
        ['prior', prior],
      ]);
      const digest = sha256Hex(Buffer.from(jcsCanonicalize(entry), 'utf8'));
      entry.set('digest', digest);
      prior = digest;
      entries.push(entry);
      lines.push(jcsCanonicalize(entry));
    }
    return { lines, entries };
  }

  it.each([
    ['clean', (l: string[]) => l, [] as string[]],
    ['modify', (l: string[]) => l.map((x, i) => (i === 4 ? x.replace('user-1', 'user-9') : x)), ['hash-mismatch:5']],
    ['delete', (l: string[]) => l.filter((_, i) => i !== 4), ['link-break:5']],
    ['swap', (l: string[]) => l.map((x, i, a) => (i === 4 ? (a[5] as string) : i === 5 ? (a[4] as string) : x)), ['link-break:5', 'link-break:6', 'link-break:7']],
    ['cut', (l: string[]) => [...l.slice(0, -1), (l.at(-1) as string).slice(0, 30)], ['parse-error:10']],
  ])('%s is reported at the exact line (JCS chain)', async (name, tamper, expected) => {
    const { lines } = chainLines(10);
    const file = join(root, `generic-${name}.jsonl`);
    const tampered = (tamper as (l: string[]) => string[])(lines);
    await writeFile(file, tampered.join('\n') + (name === 'cut' ? '' : '\n'));
    const result = await scanArchive([file], { mapping, format: 'generic' });
    expect(result.files[0]?.format).toBe('generic');
    expect(result.findings.filter((f) => f.severity !== 'info').map((f) => `${f.kind}:${f.line}`)).toEqual(expected);
  });

  it('a covered-fields list reports the uncovered fields', async () => {
    const file = join(root, 'generic-list.jsonl');
    const entry = pyObject([['actor', 'a'], ['meta', pyObject([['at', '2026-03-01T10:00:00Z']])], ['prior', 'g'], ['extra', true]]);
    const covered = pyObject([['actor', 'a'], ['prior', 'g']]);
    entry.set('digest', sha256Hex(Buffer.from(jcsCanonicalize(covered), 'utf8')));
    await writeFile(file, `${jcsCanonicalize(entry)}\n`);
    const result = await scanArchive([file], { mapping: { ...mapping, chain: { hashField: 'digest', previousHashField: 'prior', genesis: 'g', covered: ['actor', 'prior'], canonical: 'jcs' } } });
    expect(result.findings).toEqual([]);
    expect(result.files[0]?.chain).toMatchObject({ status: 'intact', coveredFields: ['actor', 'prior'], uncoveredFields: ['extra', 'meta'] });
  });
});

describe('generic python-json chain read on the fast path', () => {
  it('finds the time under a top-level key with a literal dot, and reports a regression and a change at their lines', async () => {
    const file = join(root, 'generic-python-json.jsonl');
    const mapping: GenericMapping = {
      fields: { timestamp: 'event\\.time', user: 'who' },
      chain: { hashField: 'h', previousHashField: 'p', genesis: 'start', covered: 'all-but-hash', canonical: 'python-json' },
    };
    const times = ['2026-03-01T10:00:00Z', '2026-03-01T10:05:00Z', '2026-03-01T10:01:00Z', '2026-03-01T10:06:00Z'];
    let previous = 'start';
    const lines = times.map((time, i) => {
      const entry = pyObject([['who', `u${i}`], ['event.time', time], ['p', previous]]);
      const h = sha256Hex(Buffer.from(pythonDumps(entry, { sortKeys: true }), 'utf8'));
      previous = h;
      entry.set('h', h);
      return pythonDumps(entry);
    });
    lines[3] = (lines[3] as string).replace('"u3"', '"u9"');
    await writeFile(file, lines.join('\n') + '\n');
    const result = await scanArchive([file], { mapping, format: 'generic' });
    expect(result.findings.map((f) => `${f.kind}:${f.line}`)).toEqual(['timestamp-regression:3', 'hash-mismatch:4']);
    expect(result.files[0]).toMatchObject({ firstTime: '2026-03-01T10:00:00.000Z', lastTime: '2026-03-01T10:06:00.000Z' });
  });
});

describe('re-serialized lines (written by CPython)', () => {
  it('verify whatever key order, separators and escaping Python used', async () => {
    const file = join(root, 'python-variants.jsonl');
    const script = String.raw`
import json, hashlib, sys
prev = "genesis"
styles = [dict(), dict(sort_keys=True), dict(separators=(",", ":")), dict(ensure_ascii=False), dict(indent=None, sort_keys=True, ensure_ascii=False, separators=(",", ":"))]
out = []
for i in range(25):
    e = {"timestamp": "2026-03-01T10:%02d:00+00:00" % i, "user_id": "Zoë\u2028\U0001fa7a" if i % 2 else "u", "turn_number": 2**70 + i, "duration_ms": [145.0, 1e-07, 1e16, -0.0, 0.1][i % 5],
         "arguments": {"z": 1, "a": [True, None, "\u00e9"], "__proto__": {"": "x"}}, "_previous_hash": prev}
    e["_hash"] = hashlib.sha256(json.dumps(e, sort_keys=True, default=str).encode()).hexdigest()
    prev = e["_hash"]
    out.append(json.dumps(e, **styles[i % len(styles)]))
open(sys.argv[1], "w", encoding="utf-8").write("\n".join(out) + "\n")
`;
    execFileSync('python3', ['-c', script, file]);
    expect((await readFile(file, 'utf8')).split('\n').length).toBe(26);
    const result = await scanArchive([file]);
    expect(result.findings).toEqual([]);
    expect(result.files[0]).toMatchObject({ format: 'chained', entries: 25, chain: { status: 'intact' } });
  });
});
