/** Small archives and identities for the seal and report tests. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PyValue } from '../../main/core/json/py-value.js';
import { chainEntry, chainedEntry, GENESIS } from '../../main/core/fixtures/lesson-formats.js';
import type { ToolCall } from '../../main/core/fixtures/medical-timeline.js';
import { loadIdentity, type SigningIdentity } from '../../main/core/signing/identity.js';
import { createSelfSignedIdentity, type SelfSignedRequest } from '../../main/core/signing/self-signed.js';
import { SELECTOOLS_SAMPLES } from '../support/samples.js';

export { SELECTOOLS_SAMPLES };

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `custos-${prefix}-`));
}

const USERS = ['dr.müller', 'nurse.σοφία', 'clerk.дмитрий', 'dr.josé'];

function call(index: number): ToolCall {
  return {
    micros: Date.UTC(2026, 2, 1, 8, 0, 0) * 1000 + index * 61_000_000,
    userId: USERS[index % USERS.length] ?? 'unknown',
    role: index % 2 === 0 ? 'physician' : 'nurse',
    clientIp: '10.0.0.7',
    userAgent: 'test',
    model: 'gpt-test',
    conversationId: `conv-${Math.floor(index / 3)}`,
    turn: index % 3,
    tool: 'access_patient_record',
    purpose: 'treatment',
    arguments: new Map<string, PyValue>([['patient_id', `P-${1000 + (index % 5)}`]]),
    result: new Map<string, PyValue>([['status', 'ok']]),
    durationMs: 12.5 + index,
  };
}

/** The lesson's ImmutableAuditLog lines for `count` calls; `tweak` edits an entry before it is hashed. */
export function chainedLines(count: number, tweak?: (index: number, entry: Map<string, PyValue>) => void): string[] {
  const lines: string[] = [];
  let previous = GENESIS;
  for (let index = 0; index < count; index++) {
    const entry = chainedEntry(call(index));
    tweak?.(index, entry);
    const { line, hash } = chainEntry(entry, previous);
    previous = hash;
    lines.push(line);
  }
  return lines;
}

export function writeLines(path: string, lines: string[]): void {
  writeFileSync(path, lines.map((line) => line + '\n').join(''));
}

/** A folder with a chained file and a copy of one real selectools daily file. */
export function makeArchive(): { dir: string; chained: string; selectools: string } {
  const dir = tempDir('archive');
  const chained = join(dir, 'assistant-audit.jsonl');
  writeLines(chained, chainedLines(30));
  const selectools = join(dir, 'audit-2026-07-13.jsonl');
  copyFileSync(join(SELECTOOLS_SAMPLES, 'audit-2026-07-13.jsonl'), selectools);
  return { dir, chained, selectools };
}

export function readLinesOf(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter((line) => line !== '');
}

export const PASSWORD = 'correct horse battery';

const cache = new Map<string, { p12: Buffer; identity: SigningIdentity }>();

/** A self-signed identity (2048-bit keys keep the tests quick). */
export function identityFor(name: string, extra: Partial<SelfSignedRequest> = {}): { p12: Buffer; identity: SigningIdentity } {
  const key = name + JSON.stringify(extra);
  const cached = cache.get(key);
  if (cached) return cached;
  const p12 = createSelfSignedIdentity({ name, organization: 'Klinik Nord', keyBits: 2048, ...extra }, PASSWORD);
  const made = { p12, identity: loadIdentity(p12, PASSWORD, `${name}.p12`) };
  cache.set(key, made);
  return made;
}

export const ROOT = join(import.meta.dirname, '..', '..');

/** Runs the CLI from source (no build needed), with its own data folder. */
export function custos(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'main/cli/custos.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, CUSTOS_DATA_DIR: tempDir('data'), ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
