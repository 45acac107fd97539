/**
 * `custos alerts PATHS`: run the anomaly rules; `custos alert-ack ID`: acknowledge or dismiss an
 * alert with a note (appended to the evidence journal).
 */
import type { Command } from 'commander';
import { buildAlertsPdf } from '../core/pdf/alerts-pdf.js';
import { addOptionalPdfOptions, preparePdf, type OptionalPdfOptions } from './report-options.js';
import { ALERT_RULE_IDS, type AlertFilter, type AlertRuleId, type AlertsReport } from '../../shared/analyses.js';
import type { Severity } from '../../shared/findings.js';
import { filterAlerts, runRules } from '../core/analyses/alerts.js';
import { reviewBreakGlass } from '../core/analyses/btg.js';
import { rulesConfigSchema, rulesConfigStore } from '../core/analyses/rules-config.js';
import { alertAcks, btgReviews, recordAlertAck } from '../core/journal/decisions.js';
import { addSourceOptions, runCommand, type SourceOptions } from './open-session.js';
import { collect, iso, loadArchives, openJournal, parseTime, parseTimeZone, printJson, settingsFrom, UsageError, where } from './analysis-input.js';

interface AlertsOptions extends SourceOptions, OptionalPdfOptions {
  rules?: string;
  asOf?: string;
  timeZone?: string;
  rule?: string[];
  severity?: string[];
  user?: string[];
  patient?: string[];
  open?: boolean;
  json?: boolean;
}

const SEVERITIES: Severity[] = ['critical', 'warning', 'info'];

export function register(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('Run the anomaly rules (integrity, burst, many users, after hours, volume, failure burst, role not permitted, PII in clear, break-the-glass review overdue).')
    .argument('<paths...>', 'audit log files or folders')
    .option('--rules <file>', 'alert rules JSON (default: the rules in force in the data folder)')
    .option('--as-of <date>', 'judge overdue reviews as of this time (default: now)')
    .option('--time-zone <iana>', "organization time zone (overrides the rules' timeZone)")
    .option('--rule <id>', `only this rule (repeat): ${ALERT_RULE_IDS.join(', ')}`, collect)
    .option('--severity <level>', 'only this severity (repeat): critical, warning, info', collect)
    .option('--user <id>', 'only alerts about this user (repeat)', collect)
    .option('--patient <id>', 'only alerts about this patient (repeat)', collect)
    .option('--open', 'hide acknowledged and dismissed alerts')
    .option('--json', 'print as JSON (evidence as file and line)');
  addSourceOptions(alerts);
  addOptionalPdfOptions(alerts);
  alerts.addHelpText('after', '\nExit status: 0 no open alerts, 1 open alerts, 2 usage or I/O errors.\nAcknowledge with: custos alert-ack ID --by NAME --note TEXT [--dismiss]');
  alerts.action(async (paths: string[], options: AlertsOptions) => {
    await runCommand('alerts', () => runAlerts(paths, options));
  });

  program
    .command('alert-ack')
    .description('Acknowledge (or dismiss) an alert with a note; recorded in the hash-chained evidence journal.')
    .argument('<id>', 'alert id as `custos alerts` prints it')
    .requiredOption('--by <name>', 'who decides')
    .option('--note <text>', 'why', '')
    .option('--dismiss', 'dismiss instead of acknowledge (e.g. a known false positive)')
    .action(async (id: string, options: { by: string; note: string; dismiss?: boolean }) => {
      await runCommand('alert-ack', async () => {
        const ack = recordAlertAck(openJournal('alert-ack'), { alertId: id, action: options.dismiss ? 'dismiss' : 'acknowledge', by: options.by, note: options.note });
        process.stdout.write(`Recorded: alert ${ack.alertId} ${ack.action === 'dismiss' ? 'dismissed' : 'acknowledged'} by ${ack.by} at ${ack.at}.\n`);
        return 0;
      });
    });
}

async function runAlerts(paths: string[], options: AlertsOptions): Promise<number> {
  const configured = settingsFrom(rulesConfigSchema, options.rules, () => rulesConfigStore(), 'alerts');
  const rules = options.timeZone === undefined ? configured : { ...configured, timeZone: parseTimeZone(options.timeZone) };
  for (const r of options.rule ?? []) if (!(ALERT_RULE_IDS as readonly string[]).includes(r)) throw new UsageError(`--rule "${r}" is not one of ${ALERT_RULE_IDS.join(', ')}.`);
  for (const s of options.severity ?? []) if (!(SEVERITIES as string[]).includes(s)) throw new UsageError(`--severity "${s}" is not one of ${SEVERITIES.join(', ')}.`);
  const asOfMs = options.asOf === undefined ? Date.now() : parseTime('--as-of', options.asOf);
  const pdf = await preparePdf(options, 'Anomaly summary');
  const loaded = await loadArchives(paths, options, 'alerts');
  const journal = openJournal('alerts');
  const btg = reviewBreakGlass(loaded.data, { asOfMs, reviewWindowDays: rules.btgOverdue.reviewWindowDays, reviews: btgReviews(journal.records), journal: journal.status });
  const report = runRules(loaded.data, rules, { asOfMs, findings: loaded.verification.findings, btg, acks: alertAcks(journal.records), journal: journal.status });
  const filter: AlertFilter = {
    ...(options.rule ? { rules: options.rule as AlertRuleId[] } : {}),
    ...(options.severity ? { severities: options.severity as Severity[] } : {}),
    ...(options.user ? { users: options.user } : {}),
    ...(options.patient ? { patients: options.patient } : {}),
    ...(options.open ? { statuses: ['open' as const] } : {}),
  };
  const shown = { ...report, alerts: filterAlerts(report.alerts, filter) };
  if (options.json) printJson(shown);
  else process.stdout.write(renderAlerts(shown) + '\n');
  await pdf?.write((provenance, layout) => buildAlertsPdf(shown, provenance, layout), paths, loaded.verification);
  return shown.alerts.some((a) => a.status === 'open') ? 1 : 0;
}

export function renderAlerts(report: AlertsReport): string {
  const out: string[] = [];
  out.push(`Alerts: ${report.alerts.length} shown · critical ${report.counts.critical} · warning ${report.counts.warning} · info ${report.counts.info} (all rules, before filters) · time zone ${report.timeZone}`);
  if (report.journal.state === 'tampered') out.push(`⚠ The evidence journal is TAMPERED at line ${report.journal.problem?.line}: ${report.journal.problem?.detail}`);
  out.push(
    'Rules: ' +
      report.rules.map((r) => `${r.rule} ${r.enabled ? r.alerts : 'off'}`).join(', ') +
      (report.missingAttribution.calls ? ` · ${report.missingAttribution.calls} calls without a user (missing attribution)` : '') +
      (report.missingAttribution.withoutPatient ? ` · ${report.missingAttribution.withoutPatient} calls without a patient` : '') +
      (report.undatedCalls ? ` · ${report.undatedCalls} undated calls` : ''),
  );
  for (const r of report.rules) if (r.note) out.push(`  ${r.rule}: ${r.note}`);
  out.push('');
  for (const a of report.alerts) {
    const mark = a.severity === 'critical' ? '✗' : a.severity === 'warning' ? '!' : '·';
    out.push(`${mark} [${a.severity}] ${a.rule} ${a.id}${a.status === 'open' ? '' : ` — ${a.status} by ${a.acknowledgement?.by} (${a.acknowledgement?.note})`}`);
    out.push(`    ${a.explanation}`);
    out.push(`    ${a.fromMs === null ? '' : `${iso(a.fromMs)} → ${iso(a.toMs)} · `}evidence (${a.evidenceCount}): ${a.evidence.slice(0, 5).map(where).join(', ')}${a.evidence.length > 5 ? ', …' : ''}`);
  }
  if (report.alerts.length === 0) out.push('No alerts.');
  return out.join('\n');
}
