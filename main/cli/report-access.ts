/**
 * `custos report access PATHS --patient P`: who accessed this patient's records, when, why, and was
 * it allowed — with the verdicts of every file the report draws on. Clear identifiers (name, SSN,
 * date of birth, phone, address) are hashed locally and never printed, stored or logged.
 */
import type { Command } from 'commander';
import { buildAccessReportPdf } from '../core/pdf/access-report-pdf.js';
import { addOptionalPdfOptions, preparePdf, type OptionalPdfOptions } from './report-options.js';
import { IDENTIFIER_KINDS, type AccessReport, type IdentifierKind } from '../../shared/analyses.js';
import { buildAccessReport } from '../core/analyses/access-report.js';
import { runRules } from '../core/analyses/alerts.js';
import { reviewBreakGlass } from '../core/analyses/btg.js';
import { rulesConfigSchema, rulesConfigStore } from '../core/analyses/rules-config.js';
import { alertAcks, btgReviews } from '../core/journal/decisions.js';
import { addSourceOptions, runCommand, type SourceOptions } from './open-session.js';
import { collect, displayPath, iso, loadArchives, openJournal, parseTime, parseTimeZone, printJson, settingsFrom, table, UsageError, where } from './analysis-input.js';
import { readHiddenLine } from './hidden-input.js';

interface ReportOptions extends SourceOptions, OptionalPdfOptions {
  patient?: string[];
  identifier?: string[];
  from?: string;
  to?: string;
  timeZone?: string;
  disclosures?: boolean;
  includeTpo?: boolean;
  rules?: string;
  json?: boolean;
}

export function register(program: Command): void {
  // Another module may already have created `custos report` (e.g. PDF reports): add to it.
  const report =
    program.commands.find((c) => c.name() === 'report') ?? program.command('report').description('Compliance reports on audit archives.');
  const access = report
    .command('access')
    .description("Patient access report: every access to a patient's records with who, when, why, outcome and evidence file:line.")
    .argument('<paths...>', 'audit log files or folders')
    .option('--patient <id>', 'internal patient id (repeat for several)', collect)
    .option(
      '--identifier <kind[=value]>',
      `find the patient by a clear identifier hashed the way the logs sanitize it; kind: ${IDENTIFIER_KINDS.filter((k) => k !== 'patient-id').join(', ')}. ` +
        'Without =value the value is asked for without echo (or read from stdin), so it stays out of shell history.',
      collect,
    )
    .option('--from <iso>', 'accesses at or after this time (a date alone: 00:00 UTC)')
    .option('--to <iso>', 'accesses up to this time (a date alone: the whole day, UTC)')
    .option('--time-zone <iana>', 'time zone of the per-day timeline (default: the alert rules’ zone)')
    .option('--disclosures', 'accounting of disclosures (HIPAA §164.528): the six years before --to, without treatment, payment and operations')
    .option('--include-tpo', 'with --disclosures: keep treatment, payment and operations purposes')
    .option('--rules <file>', 'alert rules JSON used to mark rows with alerts (default: the rules in force)')
    .option('--json', 'print the report as JSON (rows carry file and line)');
  addSourceOptions(access);
  addOptionalPdfOptions(access);
  access.addHelpText('after', '\nExit status: 0 report printed (check the banner for integrity), 2 usage or I/O errors.');
  access.action(async (paths: string[], options: ReportOptions) => {
    await runCommand('report access', () => runReport(paths, options));
  });
}

async function identifiersFrom(specs: string[]): Promise<Array<{ kind: IdentifierKind; value: string }>> {
  const out: Array<{ kind: IdentifierKind; value: string }> = [];
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const kind = (eq < 0 ? spec : spec.slice(0, eq)).trim();
    if (!(IDENTIFIER_KINDS as readonly string[]).includes(kind) || kind === 'patient-id') {
      throw new UsageError(`--identifier kind "${kind}" is not one of ${IDENTIFIER_KINDS.filter((k) => k !== 'patient-id').join(', ')}.`);
    }
    const value = eq < 0 ? await readHiddenLine(`${kind}: `) : spec.slice(eq + 1);
    if (value.trim().length === 0) throw new UsageError(`--identifier ${kind} has no value.`);
    out.push({ kind: kind as IdentifierKind, value });
  }
  return out;
}

async function runReport(paths: string[], options: ReportOptions): Promise<number> {
  const identifiers = await identifiersFrom(options.identifier ?? []);
  if ((options.patient ?? []).length === 0 && identifiers.length === 0) throw new UsageError('name a patient with --patient ID or --identifier KIND.');
  const rules = settingsFrom(rulesConfigSchema, options.rules, () => rulesConfigStore(), 'report access');
  const timeZone = options.timeZone === undefined ? rules.timeZone : parseTimeZone(options.timeZone);
  const fromMs = options.from === undefined ? undefined : parseTime('--from', options.from);
  const toMs = options.to === undefined ? undefined : parseTime('--to', options.to, true);
  if (options.includeTpo && !options.disclosures) throw new UsageError('--include-tpo only applies with --disclosures.');

  const pdf = await preparePdf(options, options.disclosures ? 'Accounting of disclosures' : 'Patient access report');
  const loaded = await loadArchives(paths, options, 'report access');
  const journal = openJournal('report access');
  const asOfMs = Date.now();
  const btg = reviewBreakGlass(loaded.data, { asOfMs, reviewWindowDays: rules.btgOverdue.reviewWindowDays, reviews: btgReviews(journal.records), journal: journal.status });
  const alerts = runRules(loaded.data, rules, { asOfMs, findings: loaded.verification.findings, btg, acks: alertAcks(journal.records), journal: journal.status });
  const report = buildAccessReport(
    loaded.data,
    {
      ...(options.patient ? { patients: options.patient } : {}),
      identifiers,
      ...(fromMs === undefined ? {} : { fromMs }),
      ...(toMs === undefined ? {} : { toMs }),
      timeZone,
      ...(options.disclosures ? { disclosures: { excludeTreatmentPaymentOperations: !options.includeTpo } } : {}),
    },
    { verification: loaded.verification, alerts: alerts.alerts },
  );
  if (options.json) printJson(report);
  else process.stdout.write(renderAccessReport(report) + '\n');
  await pdf?.write((provenance, layout) => buildAccessReportPdf(report, provenance, layout), paths, loaded.verification);
  return 0;
}

export function renderAccessReport(report: AccessReport): string {
  const out: string[] = [];
  const s = report.summary;
  const title = report.query.mode === 'disclosures' ? 'Accounting of disclosures' : 'Patient access report';
  out.push(`${title}: ${report.patients.length ? report.patients.join(', ') : '(no patient found)'}`);
  out.push(`Period: ${iso(report.query.fromMs)} → ${iso(report.query.toMs)}   generated ${report.generatedAt}`);
  out.push(`Integrity: ${report.integrity.toUpperCase()}   Completeness: ${report.completeness.toUpperCase()}`);
  for (const line of report.banner) out.push(`  ⚠ ${line}`);
  for (const m of report.identifierMatches) {
    out.push(
      m.matchedHashes.length === 0
        ? `  ${m.kind}: no hashed form of the given value occurs in the archive.`
        : `  ${m.kind}: matched ${m.matchedHashes.join(', ')} in ${m.entries} entries${m.patients.length ? ` → patient ${m.patients.join(', ')}` : ''}.`,
    );
  }
  out.push('');
  out.push(
    `Accesses: ${s.totalAccesses}   unique users: ${s.uniqueUsers}   failures: ${s.failures}   break-the-glass: ${s.breakGlass}   missing attribution: ${s.missingAttribution}   undated: ${s.undated}` +
      (report.query.mode === 'disclosures' ? `   left out as treatment/payment/operations: ${s.excludedAsTreatmentPaymentOperations}` : ''),
  );
  if (s.purposes.length) out.push(`Purposes: ${s.purposes.map((p) => `${p.purpose} ${p.accesses}`).join(', ')}`);
  if (s.users.length) out.push(`Users: ${s.users.map((u) => `${u.user} ${u.accesses}`).join(', ')}`);
  out.push('');
  out.push(
    table(
      ['Time (UTC)', 'User', 'Role', 'Patient', 'Tool', 'Purpose', 'Outcome', 'BTG', 'Alerts', 'Evidence'],
      report.rows.map((r) => [
        iso(r.timeMs),
        r.user ?? '(missing)',
        r.role ?? '',
        r.patient ?? '(none)',
        r.tool ?? '',
        r.purpose ?? '',
        r.outcome,
        r.breakGlass.length ? 'BTG' : '',
        r.alerts.join(','),
        where(r.source),
      ]),
      60,
    ),
  );
  out.push('');
  out.push(`Timeline (${report.query.timeZone}): ${report.timeline.map((d) => `${d.day} ${d.accesses}`).join(' · ') || '—'}`);
  out.push('');
  out.push('Files this report draws on:');
  out.push(
    table(
      ['File', 'Format', 'Chain', 'Critical', 'Warnings', 'Rows'],
      report.files.map((f) => [displayPath(f.file), f.format ?? '?', f.chain, String(f.criticalFindings), String(f.warningFindings), String(f.rows)]),
      80,
    ),
  );
  return out.join('\n');
}
