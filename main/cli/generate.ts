/**
 * `custos generate DIR`: writes a deterministic fixture archive (and its manifest.json) for
 * tests, benchmarks and demos. Refuses to write into a directory it did not fill before, so it
 * can never overwrite real audit logs.
 */
import type { Command } from 'commander';
import {
  ALL_SCENARIOS,
  ARCHIVE_FORMATS,
  NO_SCENARIOS,
  PRIVACY_LEVELS,
  TAMPER_KINDS,
  writeArchive,
  writeBadInputs,
  type ArchiveFormat,
  type ArchiveOptions,
  type PrivacyLevel,
  type ScenarioFlags,
  type TamperKind,
} from '../core/fixtures/index.js';

interface GenerateOptions {
  format: string;
  entries: string;
  seed: string;
  start?: string;
  days: string;
  gzip?: boolean;
  singleFile?: boolean;
  privacy: string;
  scenario?: string;
  tamper?: string;
  badInputs?: boolean;
  json?: boolean;
}

class UsageError extends Error {}

function integer(name: string, text: string, min: number): number {
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isSafeInteger(value) || value < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${text}"`);
  return value;
}

function parseScenario(text: string | undefined): boolean | Partial<ScenarioFlags> | undefined {
  if (text === undefined) return undefined;
  if (text === 'all') return { ...ALL_SCENARIOS };
  if (text === 'none') return false;
  const flags: Partial<ScenarioFlags> = {};
  for (const name of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!(name in NO_SCENARIOS)) throw new UsageError(`unknown scenario "${name}" (use all, none, or a list of: ${Object.keys(NO_SCENARIOS).join(', ')})`);
    flags[name as keyof ScenarioFlags] = true;
  }
  return flags;
}

export function register(program: Command): void {
  program
    .command('generate')
    .description('Write a deterministic test archive (chained, hipaa or selectools) with planted scenarios and a manifest.json describing them.')
    .argument('<dir>', 'output directory (must be empty, new, or an earlier generate output)')
    .option('--format <format>', `${ARCHIVE_FORMATS.join(' | ')}`, 'chained')
    .option('--entries <n>', 'number of lines to write', '1000')
    .option('--seed <n>', 'same seed and options give byte-identical files', '1')
    .option('--start <iso>', 'first UTC day, e.g. 2026-07-13T00:00:00Z (default: Monday 2026-07-13)')
    .option('--days <n>', 'number of UTC days (one file per day)', '1')
    .option('--gzip', 'write .jsonl.gz files')
    .option('--single-file', 'one audit.jsonl instead of daily files')
    .option('--privacy <level>', `selectools argument privacy: ${PRIVACY_LEVELS.join(' | ')}`, 'FULL')
    .option('--scenario <list>', `"all", "none" or a comma list of: ${Object.keys(NO_SCENARIOS).join(', ')} (default: all but badTimestamp from 200 entries)`)
    .option('--tamper <kind>', `tamper after writing: ${TAMPER_KINDS.join(' | ')}`)
    .option('--bad-inputs', 'write the malformed-input fixtures instead of an archive')
    .option('--json', 'print the manifest summary as JSON')
    .action(async (dir: string, options: GenerateOptions) => {
      try {
        process.exitCode = await runGenerate(dir, options);
      } catch (error) {
        process.stderr.write(`custos generate: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 2;
      }
    });
}

async function runGenerate(dir: string, options: GenerateOptions): Promise<number> {
  const out = process.stdout;
  if (options.badInputs) {
    const manifest = await writeBadInputs(dir, integer('seed', options.seed, 0));
    if (options.json) out.write(JSON.stringify(manifest, null, 2) + '\n');
    else for (const file of manifest.files) out.write(`${file.file}: ${file.description}\n`);
    return 0;
  }
  if (!(ARCHIVE_FORMATS as readonly string[]).includes(options.format)) throw new UsageError(`unknown format "${options.format}" (use ${ARCHIVE_FORMATS.join(', ')})`);
  if (!(PRIVACY_LEVELS as readonly string[]).includes(options.privacy)) throw new UsageError(`unknown privacy level "${options.privacy}" (use ${PRIVACY_LEVELS.join(', ')})`);
  if (options.tamper !== undefined && !(TAMPER_KINDS as readonly string[]).includes(options.tamper)) {
    throw new UsageError(`unknown tamper kind "${options.tamper}" (use ${TAMPER_KINDS.join(', ')})`);
  }
  const archive: ArchiveOptions = {
    format: options.format as ArchiveFormat,
    seed: integer('seed', options.seed, 0),
    entries: integer('entries', options.entries, 1),
    days: integer('days', options.days, 1),
    gzip: options.gzip === true,
    rotation: options.singleFile ? 'single' : 'daily',
    privacy: options.privacy as PrivacyLevel,
  };
  if (options.start !== undefined) archive.startIso = options.start;
  const scenario = parseScenario(options.scenario);
  if (scenario !== undefined) archive.scenario = scenario;
  if (options.tamper !== undefined) archive.tamper = options.tamper as TamperKind;

  const started = process.hrtime.bigint();
  const manifest = await writeArchive(dir, archive);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (options.json) {
    const { afterHours, failures, ...rest } = manifest;
    out.write(JSON.stringify({ ...rest, afterHours: afterHours.length, failures: failures.length, seconds }, null, 2) + '\n');
    return 0;
  }
  out.write(`Wrote ${manifest.totalLines} ${manifest.format} lines in ${manifest.files.length} file${manifest.files.length === 1 ? '' : 's'} to ${dir} in ${seconds.toFixed(1)} s\n`);
  for (const file of manifest.files) out.write(`  ${file.file}  ${file.lines} lines${file.headHash ? `, head ${file.headHash.slice(0, 16)}…` : ''}\n`);
  if (manifest.headHash) out.write(`Head hash ${manifest.headHash}\n`);
  const kinds = new Map<string, number>();
  for (const plant of manifest.planted) kinds.set(plant.kind, (kinds.get(plant.kind) ?? 0) + 1);
  if (kinds.size > 0) out.write(`Planted: ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}\n`);
  out.write(`After-hours lines: ${manifest.afterHours.length}; failed calls: ${manifest.failures.length}\n`);
  if (manifest.tamper) {
    out.write(`Tampered (${manifest.tamper.kind}): ${manifest.tamper.description}\n`);
    const expected = manifest.tamper.expected.map((f) => `${f.kind} at ${f.file}${f.line === null ? '' : `:${f.line}`}`);
    out.write(`Expected findings: ${expected.length > 0 ? expected.join(', ') : 'none'}\n`);
  }
  out.write(`Manifest: ${dir}/manifest.json\n`);
  return 0;
}
