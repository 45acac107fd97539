/** Shared pieces of the live-tail tests: a writer child process and event-driven waits. */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NormalizedEntry } from '../../shared/entry.js';
import type { Finding } from '../../shared/findings.js';
import type { TailAlert, TailStatus } from '../../shared/tail.js';
import { LogTail, type LogTailOptions, type TailBatch } from '../../main/core/tail/index.js';

export const WRITER = fileURLToPath(new URL('./writer.mjs', import.meta.url));

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `custos-tail-${prefix}-`));
}

export type Step =
  | { append: { day: string; count: number; user?: string; patient?: string; startMs?: number; stepMs?: number; tool?: string; role?: string; breakGlass?: boolean } }
  | { partial: { day: string; count: 1; user?: string; patient?: string; startMs?: number; pauseMs?: number } }
  | { crash: { day: string; startMs?: number } }
  | { sleep: number };

/** Runs the writer as a separate process; resolves with how many lines it wrote. */
export function runWriter(dir: string, plan: Step[]): Promise<number> {
  const planPath = join(tempDir('plan'), 'plan.json');
  writeFileSync(planPath, JSON.stringify(plan));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, dir, planPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`writer exited with ${code}: ${err}`));
      const last = out.trim().split('\n').pop() ?? '{}';
      resolve((JSON.parse(last) as { written: number }).written);
    });
  });
}

/** Records everything a tail emits. */
export class Recorder {
  readonly batches: TailBatch[] = [];
  readonly entries: NormalizedEntry[] = [];
  readonly findings: Finding[] = [];
  readonly alerts: TailAlert[] = [];
  readonly statuses: TailStatus[] = [];
  private waiters: Array<() => void> = [];

  attach(tail: LogTail): void {
    tail.on('entries', (batch) => {
      this.batches.push(batch);
      if (!batch.replay) this.entries.push(...batch.entries);
      this.wake();
    });
    tail.on('finding', (finding) => {
      this.findings.push(finding);
      this.wake();
    });
    tail.on('alert', (alert) => {
      this.alerts.push(alert);
      this.wake();
    });
    tail.on('status', (status) => {
      this.statuses.push(status);
      this.wake();
    });
  }

  /** Resolves once `predicate` holds, checked on every event (and every 250 ms as a fallback). */
  async until(predicate: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

export async function startTail(options: LogTailOptions, recorder: Recorder): Promise<LogTail> {
  const tail = new LogTail({ verifyIntervalMs: 300, sweepIntervalMs: 300, partialLineWarnMs: 60_000, ...options });
  recorder.attach(tail);
  await tail.start();
  return tail;
}

/** "file:line" of every entry delivered as new, to count each line once. */
export function lineKeys(entries: readonly NormalizedEntry[]): string[] {
  return entries.map((e) => `${e.source.file}:${e.source.line}`);
}
