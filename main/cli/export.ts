/** `custos export fhir PATHS -o OUT.ndjson`: tool calls as FHIR R4 AuditEvents (IHE BALP patterns). */
import type { Command } from 'commander';
import { isFormatId, type FormatId } from '../../shared/formats.js';
import { exportFhir, type FhirExportOptions } from '../core/fhir/export-fhir.js';
import { loadMapping } from '../core/formats/mapping.js';
import { collect, parseTime } from './analysis-input.js';
import { runCommand, UsageError } from './open-session.js';

interface ExportFhirOptions {
  output: string;
  bundle?: boolean;
  patient?: string[];
  user?: string[];
  from?: string;
  to?: string;
  format?: string;
  mapping?: string;
}

export function register(program: Command): void {
  const exporter = program.commands.find((command) => command.name() === 'export') ?? program.command('export').description('Export audit entries in other formats.');
  exporter
    .command('fhir')
    .description('Export tool calls as FHIR R4 AuditEvent resources (IHE BALP patient read/query/create/update/delete; break-the-glass as DCM 110113 with purpose BTG), NDJSON or a Bundle.')
    .argument('<paths...>', 'audit log files or folders')
    .requiredOption('-o, --output <file>', 'where to write (.ndjson, or .json with --bundle)')
    .option('--bundle', 'write one FHIR Bundle (type collection) instead of NDJSON')
    .option('--patient <id>', 'only calls about this patient (repeat for several)', collect)
    .option('--user <id>', 'only calls by this user (repeat for several)', collect)
    .option('--from <iso>', 'only calls at or after this time')
    .option('--to <iso>', 'only calls up to this time (a date alone: the whole day)')
    .option('--format <format>', 'read every file as this format')
    .option('--mapping <file>', 'mapping file for the generic format')
    .action(async (paths: string[], options: ExportFhirOptions) => {
      await runCommand('export fhir', async () => {
        if (options.format !== undefined && !isFormatId(options.format)) throw new UsageError(`unknown format "${options.format}".`);
        const exportOptions: FhirExportOptions = { shape: options.bundle ? 'bundle' : 'ndjson', filter: {} };
        if (options.patient) exportOptions.filter!.patients = options.patient;
        if (options.user) exportOptions.filter!.users = options.user;
        if (options.from) exportOptions.filter!.fromMs = parseTime('--from', options.from);
        if (options.to) exportOptions.filter!.toMs = parseTime('--to', options.to, true);
        if (options.format) exportOptions.format = options.format as FormatId;
        if (options.mapping) exportOptions.mapping = await loadMapping(options.mapping);
        const result = await exportFhir(paths, options.output, exportOptions);
        process.stdout.write(`Wrote ${result.exported.toLocaleString('en-US')} AuditEvent resource(s) to ${result.path}${options.bundle ? ' (Bundle)' : ' (NDJSON)'}.\n`);
        if (result.exported === 0) process.stdout.write('No tool call matched: the file holds no events.\n');
        if (result.undated > 0) {
          process.stdout.write(`Left out ${result.undated} call(s) without a usable time (an AuditEvent must have one), e.g. ${result.undatedExamples.map((ref) => `${ref.file}:${ref.line}`).slice(0, 3).join(', ')}.\n`);
        }
        const { integrity, completeness } = result.verification.verdict;
        process.stdout.write(`Source archive: integrity ${integrity}, completeness ${completeness}.\n`);
        return 0;
      });
    });
}
