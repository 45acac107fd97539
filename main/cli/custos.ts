/** `custos` command line: the same core as the workstation, headless. */
import { Command } from 'commander';
import { CUSTOS_VERSION } from '../core/version.js';

type CommandModule = { register: (program: Command) => void };

/**
 * Each top-level command and the module that adds it (in help order). Only the named command's
 * module is loaded: `custos verify` should not pay for the PDF and signing libraries at start-up.
 */
const COMMAND_MODULES: ReadonlyArray<readonly [string, () => Promise<CommandModule>]> = [
  ['identity', () => import('./identity.js')],
  ['verify', () => import('./verify.js')],
  ['seal', () => import('./seal.js')],
  ['certify', () => import('./certify.js')],
  ['verify-report', () => import('./verify-report.js')],
  ['export', () => import('./export.js')],
  ['query', () => import('./query.js')],
  ['stats', () => import('./stats.js')],
  ['index', () => import('./save-index.js')],
  ['generate', () => import('./generate.js')],
  ['report', () => import('./report-access.js')],
  ['retention', () => import('./retention.js')],
  ['legal-hold', () => import('./retention.js')],
  ['btg', () => import('./btg.js')],
  ['btg-review', () => import('./btg.js')],
  ['alerts', () => import('./alerts.js')],
  ['alert-ack', () => import('./alerts.js')],
  ['alert-rules', () => import('./analysis-settings.js')],
  ['retention-policy', () => import('./analysis-settings.js')],
  ['tail', () => import('./tail.js')],
];

const program = new Command()
  .name('custos')
  .description('Verify, index and report on tamper-evident audit logs.')
  .version(CUSTOS_VERSION)
  .showHelpAfterError()
  .exitOverride((error) => {
    // commander's own usage errors exit 2 like every other usage error of ours.
    process.exit(error.exitCode === 0 ? 0 : 2);
  });

// A known command name loads its module alone; help, options or a typo load them all.
const named = COMMAND_MODULES.filter(([name]) => name === process.argv[2]);
const loaders = named.length > 0 ? named : COMMAND_MODULES;
const modules = new Set<CommandModule>();
for (const [, load] of loaders) modules.add(await load());
for (const module of modules) module.register(program);

await program.parseAsync(process.argv);
