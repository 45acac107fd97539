/**
 * `custos retention PATHS`: retention-policy review per category and per evidence file, and
 * `custos legal-hold place|release|list`: legal holds recorded in the evidence journal.
 * A review only: Custos never deletes, moves or changes evidence.
 */
import type { Command } from 'commander';
import { buildRetentionPdf } from '../core/pdf/retention-pdf.js';
import { addOptionalPdfOptions, preparePdf, type OptionalPdfOptions } from './report-options.js';
import type { LegalHoldScope, RetentionReview } from '../../shared/analyses.js';
import { reviewRetention } from '../core/analyses/retention.js';
import { retentionPolicySchema, retentionPolicyStore } from '../core/analyses/retention-policy.js';
import { activeLegalHolds, placeLegalHold, releaseLegalHold } from '../core/journal/decisions.js';
import { addSourceOptions, runCommand, type SourceOptions } from './open-session.js';
import { day, displayPath, loadArchives, openJournal, parseTime, printJson, settingsFrom, table, UsageError } from './analysis-input.js';

interface RetentionOptions extends SourceOptions, OptionalPdfOptions {
  policy?: string;
  asOf?: string;
  json?: boolean;
}

export function register(program: Command): void {
  const retention = program
    .command('retention')
    .description('Retention review: per category and per file, what is under retention, expiring within 90 days and past retention, and which files could be disposed of. Never deletes anything.')
    .argument('<paths...>', 'audit log files or folders')
    .option('--policy <file>', 'retention policy JSON (default: the policy in force in the data folder, else the lesson defaults)')
    .option('--as-of <date>', 'review as of this date (default: now)')
    .option('--json', 'print the review as JSON');
  addSourceOptions(retention);
  addOptionalPdfOptions(retention);
  retention.addHelpText('after', '\nExit status: 0 review printed, 2 usage or I/O errors (an invalid policy names the bad field).');
  retention.action(async (paths: string[], options: RetentionOptions) => {
    await runCommand('retention', () => runRetention(paths, options));
  });

  const hold = program.command('legal-hold').description('Place, release or list legal holds (recorded in the evidence journal with who, when and why).');
  hold
    .command('place')
    .description('Place a legal hold on a patient, user, tool and/or date range: matching files are never disposal-eligible.')
    .requiredOption('--by <name>', 'who places the hold')
    .requiredOption('--reason <text>', 'why (case number, request)')
    .option('--patient <id>', 'hold every entry of this patient')
    .option('--user <id>', 'hold every entry of this user')
    .option('--tool <name>', 'hold every entry of this tool')
    .option('--from <iso>', 'hold entries at or after this time')
    .option('--to <iso>', 'hold entries up to this time (a date alone: the whole day)')
    .option('--json', 'print the hold as JSON')
    .action(async (options: { by: string; reason: string; patient?: string; user?: string; tool?: string; from?: string; to?: string; json?: boolean }) => {
      await runCommand('legal-hold place', async () => {
        const scope: LegalHoldScope = {};
        if (options.patient) scope.patient = options.patient;
        if (options.user) scope.user = options.user;
        if (options.tool) scope.tool = options.tool;
        if (options.from) scope.fromMs = parseTime('--from', options.from);
        if (options.to) scope.toMs = parseTime('--to', options.to, true);
        if (Object.keys(scope).length === 0) throw new UsageError('say what the hold covers: --patient, --user, --tool and/or --from/--to.');
        const journal = openJournal('legal-hold');
        const placed = placeLegalHold(journal, { scope, by: options.by, reason: options.reason });
        if (options.json) printJson(placed);
        else process.stdout.write(`Legal hold ${placed.id} placed by ${placed.placedBy} at ${placed.placedAt}: ${describeScope(placed.scope)} — ${placed.reason}\n`);
        return 0;
      });
    });
  hold
    .command('release')
    .description('Release a legal hold (the release is journaled; the hold record stays).')
    .argument('<id>', 'hold id')
    .requiredOption('--by <name>', 'who releases it')
    .requiredOption('--reason <text>', 'why')
    .action(async (id: string, options: { by: string; reason: string }) => {
      await runCommand('legal-hold release', async () => {
        releaseLegalHold(openJournal('legal-hold'), { holdId: id, by: options.by, reason: options.reason });
        process.stdout.write(`Legal hold ${id} released by ${options.by}.\n`);
        return 0;
      });
    });
  hold
    .command('list')
    .description('List active legal holds.')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      await runCommand('legal-hold list', async () => {
        const holds = activeLegalHolds(openJournal('legal-hold').records);
        if (options.json) printJson(holds);
        else if (holds.length === 0) process.stdout.write('No active legal holds.\n');
        else process.stdout.write(table(['Id', 'Covers', 'Placed by', 'At', 'Reason'], holds.map((h) => [h.id, describeScope(h.scope), h.placedBy, h.placedAt, h.reason]), 60) + '\n');
        return 0;
      });
    });
}

function describeScope(scope: LegalHoldScope): string {
  const parts: string[] = [];
  if (scope.patient) parts.push(`patient ${scope.patient}`);
  if (scope.user) parts.push(`user ${scope.user}`);
  if (scope.tool) parts.push(`tool ${scope.tool}`);
  if (scope.fromMs !== undefined || scope.toMs !== undefined) parts.push(`${scope.fromMs === undefined ? '…' : day(scope.fromMs)} to ${scope.toMs === undefined ? '…' : day(scope.toMs)}`);
  return parts.join(', ');
}

async function runRetention(paths: string[], options: RetentionOptions): Promise<number> {
  const policy = settingsFrom(retentionPolicySchema, options.policy, () => retentionPolicyStore(), 'retention');
  const asOfMs = options.asOf === undefined ? Date.now() : parseTime('--as-of', options.asOf);
  const pdf = await preparePdf(options, 'Retention review');
  const loaded = await loadArchives(paths, options, 'retention');
  const journal = openJournal('retention');
  const review = reviewRetention(loaded.data, policy, { asOfMs, legalHolds: activeLegalHolds(journal.records), files: loaded.verification.files });
  if (options.json) printJson(review);
  else process.stdout.write(renderRetention(review) + '\n');
  await pdf?.write((provenance, layout) => buildRetentionPdf(review, provenance, layout), paths, loaded.verification);
  return 0;
}

export function renderRetention(review: RetentionReview): string {
  const out: string[] = [];
  out.push(`Retention review as of ${day(review.asOfMs)} (policy revision ${review.policyRevision}). Nothing is deleted: this is a review.`);
  out.push('');
  out.push(
    table(
      ['Category', 'Days', 'Entries', 'Oldest', 'Newest', 'Under retention', `Expiring ≤${review.expiringWindowDays}d`, 'Past', 'Undated', 'Source'],
      review.categories.map((c) => [c.label, String(c.retentionDays), String(c.entries), day(c.oldestMs), day(c.newestMs), String(c.underRetention), String(c.expiringSoon), String(c.pastRetention), String(c.undated), c.source]),
      70,
    ),
  );
  out.push('');
  out.push(
    table(
      ['File', 'Entries', 'Oldest', 'Newest', 'Under', 'Expiring', 'Past', 'Disposal', 'Why'],
      review.files.map((f) => [displayPath(f.file), String(f.entries), day(f.oldestMs), day(f.newestMs), String(f.underRetention), String(f.expiringSoon), String(f.pastRetention), f.disposalEligible ? 'ELIGIBLE' : 'no', f.reason]),
      90,
    ),
  );
  if (review.unmatchedTools.length) {
    out.push('');
    out.push(`Tools no category lists (kept for the catch-all period): ${review.unmatchedTools.map((t) => `${t.tool} (${t.entries})`).join(', ')}`);
  }
  if (review.entriesWithoutTool) out.push(`Entries without a tool name (catch-all): ${review.entriesWithoutTool}`);
  if (review.activeLegalHolds.length) out.push(`Active legal holds: ${review.activeLegalHolds.map((h) => `${h.id} (${describeScope(h.scope)}; ${h.reason})`).join('; ')}`);
  out.push('');
  for (const note of review.notes) out.push(`Note: ${note}`);
  return out.join('\n');
}
