/**
 * `custos btg PATHS`: break-the-glass events and their review state; `custos btg-review KEY`:
 * record a reviewer's decision in the evidence journal.
 */
import type { Command } from 'commander';
import { buildBtgPdf } from '../core/pdf/btg-pdf.js';
import { addOptionalPdfOptions, preparePdf, type OptionalPdfOptions } from './report-options.js';
import { BTG_DECISIONS, type BtgDecision, type BtgOverview } from '../../shared/analyses.js';
import { reviewBreakGlass } from '../core/analyses/btg.js';
import { rulesConfigSchema, rulesConfigStore } from '../core/analyses/rules-config.js';
import { btgReviews, recordBtgReview } from '../core/journal/decisions.js';
import { addSourceOptions, runCommand, type SourceOptions } from './open-session.js';
import { iso, loadArchives, openJournal, parsePositive, parseTime, printJson, settingsFrom, table, UsageError, where } from './analysis-input.js';

interface BtgOptions extends SourceOptions, OptionalPdfOptions {
  asOf?: string;
  window?: string;
  rules?: string;
  pending?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  const btg = program
    .command('btg')
    .description('Break-the-glass (emergency) accesses with their review state: pending, overdue, or the reviewer’s decision.')
    .argument('<paths...>', 'audit log files or folders')
    .option('--as-of <date>', 'judge overdue reviews as of this time (default: now)')
    .option('--window <days>', 'review window in days (default: the alert rules’ btgOverdue.reviewWindowDays, 7)')
    .option('--rules <file>', 'alert rules JSON for the review window')
    .option('--pending', 'only events not yet reviewed')
    .option('--json', 'print as JSON');
  addSourceOptions(btg);
  addOptionalPdfOptions(btg);
  btg.addHelpText('after', '\nExit status: 0 none overdue, 1 some reviews are overdue, 2 usage or I/O errors.\nRecord a decision with: custos btg-review KEY --decision appropriate --by NAME --note TEXT');
  btg.action(async (paths: string[], options: BtgOptions) => {
    await runCommand('btg', () => runBtg(paths, options));
  });

  program
    .command('btg-review')
    .description('Record a review decision for a break-the-glass event (appended to the hash-chained evidence journal).')
    .argument('<key>', 'event key as `custos btg` prints it')
    .requiredOption('--decision <decision>', BTG_DECISIONS.join(' | '))
    .requiredOption('--by <name>', 'the reviewer')
    .option('--note <text>', 'what was found', '')
    .action(async (key: string, options: { decision: string; by: string; note: string }) => {
      await runCommand('btg-review', async () => {
        if (!(BTG_DECISIONS as readonly string[]).includes(options.decision)) throw new UsageError(`--decision must be one of ${BTG_DECISIONS.join(', ')}.`);
        const review = recordBtgReview(openJournal('btg-review'), { eventKey: key, decision: options.decision as BtgDecision, reviewer: options.by, note: options.note });
        process.stdout.write(`Recorded: ${review.eventKey} → ${review.decision} by ${review.reviewer} at ${review.reviewedAt}.\n`);
        return 0;
      });
    });
}

async function runBtg(paths: string[], options: BtgOptions): Promise<number> {
  const rules = settingsFrom(rulesConfigSchema, options.rules, () => rulesConfigStore(), 'btg');
  const asOfMs = options.asOf === undefined ? Date.now() : parseTime('--as-of', options.asOf);
  const windowDays = options.window === undefined ? rules.btgOverdue.reviewWindowDays : parsePositive('--window', options.window);
  const pdf = await preparePdf(options, 'Break-the-glass review log');
  const loaded = await loadArchives(paths, options, 'btg');
  const journal = openJournal('btg');
  const overview = reviewBreakGlass(loaded.data, { asOfMs, reviewWindowDays: windowDays, reviews: btgReviews(journal.records), journal: journal.status });
  const shown = options.pending ? { ...overview, events: overview.events.filter((e) => e.status === 'pending') } : overview;
  if (options.json) printJson(shown);
  else process.stdout.write(renderBtg(shown) + '\n');
  await pdf?.write((provenance, layout) => buildBtgPdf(shown, provenance, layout), paths, loaded.verification);
  return overview.overdue > 0 ? 1 : 0;
}

export function renderBtg(overview: BtgOverview): string {
  const out: string[] = [];
  out.push(
    `Break-the-glass: ${overview.events.length} events · ${overview.pending} pending (${overview.overdue} overdue after ${overview.reviewWindowDays} days) · ${overview.reviewed} reviewed · as of ${iso(overview.asOfMs)}`,
  );
  if (overview.journal.state === 'tampered') out.push(`⚠ The review journal is TAMPERED at line ${overview.journal.problem?.line}: ${overview.journal.problem?.detail}`);
  out.push('');
  out.push(
    table(
      ['Time (UTC)', 'User', 'Patient', 'Tool', 'Signals', 'Status', 'Decision', 'Evidence', 'Key'],
      overview.events.map((e) => [
        iso(e.timeMs),
        e.user ?? '(missing)',
        e.patient ?? '(none)',
        e.tool ?? '',
        e.signals.map((s) => `${s.kind}:${s.field}=${s.value}`).join(' '),
        e.status === 'reviewed' ? 'reviewed' : e.overdue ? 'OVERDUE' : 'pending',
        e.review ? `${e.review.decision} (${e.review.reviewer}, ${e.review.reviewedAt.slice(0, 10)})` : '',
        where(e.source),
        e.key,
      ]),
      60,
    ),
  );
  return out.join('\n');
}
