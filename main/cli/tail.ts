/**
 * `custos tail DIR`: follows a folder of audit logs as they are written, verifying each new line,
 * and prints batches, findings, alerts and file status changes — readable lines by default, one
 * JSON object per line with --json (for a SIEM). Ctrl-C stops cleanly after the batch in progress
 * and saves the position, so the next run resumes after the last line printed.
 */
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Finding } from '../../shared/findings.js';
import { FORMAT_IDS, isFormatId } from '../../shared/formats.js';
import type { TailAlert, TailFileStatus, TailStatus } from '../../shared/tail.js';
import { rulesConfigSchema, rulesConfigStore } from '../core/analyses/rules-config.js';
import { loadMapping } from '../core/formats/mapping.js';
import { LogTail, type TailBatch } from '../core/tail/index.js';
import { settingsFrom } from './analysis-input.js';
import { runCommand, UsageError } from './open-session.js';

interface TailOptions {
  json?: boolean;
  format?: string;
  mapping?: string;
  poll?: boolean;
  rules?: string;
  analyses?: boolean;
  resume?: boolean;
}

export function register(program: Command): void {
  program
    .command('tail')
    .description('Follow a folder of audit logs as they are written: verify every new line once, alert on tampering and anomalies.')
    .argument('<dir>', 'folder of audit logs (daily files such as audit-2026-07-14.jsonl)')
    .option('--json', 'one JSON object per line: batches (with their entries), findings, alerts, file status changes')
    .option('--format <format>', `read every file as this format: ${FORMAT_IDS.join(', ')}`)
    .option('--mapping <file>', 'mapping file (JSON) for the generic format')
    .option('--poll', 'poll the folder instead of using file-system events (network shares)')
    .option('--rules <file>', 'alert rules JSON (default: the rules in force in the data folder)')
    .option('--no-analyses', 'verify and report integrity only, without anomaly rules and break-the-glass detection')
    .option('--no-resume', 'read the folder from the beginning instead of resuming after the last line delivered')
    .addHelpText(
      'after',
      '\nThe position reached is saved in the Custos data folder when tailing stops (Ctrl-C); the next run re-checks the\n' +
        'verified bytes and resumes after them, so every line is printed once. Exit status: 0 after Ctrl-C, 2 on usage errors.',
    )
    .action(async (dir: string, options: TailOptions) => {
      await runCommand('tail', () => runTail(dir, options));
    });
}

async function runTail(dirArg: string, options: TailOptions): Promise<number> {
  const dir = resolve(dirArg);
  if (options.format !== undefined && !isFormatId(options.format)) throw new UsageError(`unknown format "${options.format}"; use one of ${FORMAT_IDS.join(', ')}.`);
  try {
    if (!(await stat(dir)).isDirectory()) throw new UsageError(`${dirArg} is not a folder; custos tail follows a folder of audit logs.`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${dirArg} cannot be opened: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : (error as Error).message}.`);
  }
  const mapping = options.mapping === undefined ? undefined : await loadMapping(options.mapping);
  const rules = options.analyses === false ? undefined : settingsFrom(rulesConfigSchema, options.rules, () => rulesConfigStore(), 'tail');
  const tail = new LogTail({
    dir,
    polling: options.poll === true,
    resume: options.resume !== false,
    analyses: options.analyses !== false,
    ...(rules === undefined ? {} : { rules }),
    ...(options.format !== undefined && isFormatId(options.format) ? { format: options.format } : {}),
    ...(mapping === undefined ? {} : { mapping }),
  });
  const printer = options.json ? new JsonPrinter() : new HumanPrinter();
  tail.on('entries', (batch) => printer.batch(batch));
  tail.on('finding', (finding) => printer.finding(finding));
  tail.on('alert', (alert) => printer.alert(alert));
  tail.on('status', (status) => printer.status(status));

  const stopped = new Promise<void>((done) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      void tail.stop().then(done, done);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // The reader of our output went away (e.g. `| head`): stop like Ctrl-C.
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') stop();
    });
  });
  await tail.start();
  await stopped;
  printer.end(tail.status());
  return 0;
}

interface Printer {
  batch(batch: TailBatch): void;
  finding(finding: Finding): void;
  alert(alert: TailAlert): void;
  status(status: TailStatus): void;
  end(status: TailStatus): void;
}

function write(line: string): void {
  if (!process.stdout.destroyed) process.stdout.write(line + '\n');
}

/** File states worth a line when they change. */
function fileStates(status: TailStatus): Map<string, TailFileStatus> {
  return new Map(status.files.map((f) => [f.path, f]));
}

class JsonPrinter implements Printer {
  private files = new Map<string, TailFileStatus>();
  private state = '';

  batch(batch: TailBatch): void {
    if (batch.entries.length === 0) return; // finding-only batches are printed as findings
    write(JSON.stringify({ type: 'batch', tailId: batch.tailId, file: batch.file, fromLine: batch.fromLine, toLine: batch.toLine, count: batch.entries.length, entries: batch.entries }));
  }

  finding(finding: Finding): void {
    write(JSON.stringify({ type: 'finding', ...finding }));
  }

  alert(alert: TailAlert): void {
    write(JSON.stringify({ type: 'alert', ...alert }));
  }

  status(status: TailStatus): void {
    const files = fileStates(status);
    for (const [path, file] of files) {
      const before = this.files.get(path);
      if (before?.state !== file.state) write(JSON.stringify({ type: 'file-status', tailId: status.tailId, ...file }));
    }
    if (status.state !== this.state) write(JSON.stringify({ type: 'status', tailId: status.tailId, dir: status.dir, state: status.state, message: status.message, resumed: status.resumed }));
    this.state = status.state;
    this.files = files;
  }

  end(status: TailStatus): void {
    this.status(status);
  }
}

const MARK: Record<Finding['severity'], string> = { critical: '✗', warning: '!', info: '·' };

function now(): string {
  return new Date().toISOString().slice(11, 19);
}

class HumanPrinter implements Printer {
  private files = new Map<string, TailFileStatus>();
  private message = '';

  batch(batch: TailBatch): void {
    if (batch.entries.length === 0) return;
    const range = batch.fromLine === batch.toLine ? `line ${batch.fromLine}` : `lines ${batch.fromLine}–${batch.toLine}`;
    const problems = batch.findings.filter((f) => f.severity !== 'info').length;
    write(`${now()} ${basename(batch.file)} ${range}: ${batch.entries.length} entr${batch.entries.length === 1 ? 'y' : 'ies'} verified${problems ? `, ${problems} finding${problems === 1 ? '' : 's'}` : ''}`);
  }

  finding(finding: Finding): void {
    if (finding.severity === 'info') return;
    write(`    ${MARK[finding.severity]} ${finding.kind} ${basename(finding.file)}${finding.line === null ? '' : `:${finding.line}`} — ${finding.detail}`);
  }

  alert(alert: TailAlert): void {
    write(`${now()} ⚠ ALERT [${alert.severity}] ${alert.title}: ${alert.explanation}`);
  }

  status(status: TailStatus): void {
    if (status.message !== this.message) write(`${now()} ${status.message}`);
    this.message = status.message;
    const files = fileStates(status);
    for (const [path, file] of files) {
      const before = this.files.get(path);
      if (before?.state === file.state) continue;
      if (file.state === 'following' && before === undefined) write(`${now()} following ${basename(path)}`);
      else if (file.message) write(`${now()} ${basename(path)}: ${file.message}`);
      else write(`${now()} ${basename(path)}: ${file.state}`);
    }
    this.files = files;
  }

  end(status: TailStatus): void {
    process.stderr.write(`Stopped: ${status.entries} new entries verified, ${status.findings} findings, ${status.alerts} alerts. The position is saved; the next run resumes after it.\n`);
  }
}
