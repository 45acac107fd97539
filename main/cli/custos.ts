/** `custos` command line: the same core as the workstation, headless. */
import { Command } from 'commander';
import { CUSTOS_VERSION } from '../core/version.js';
import { register as registerIdentity } from './identity.js';
import { register as registerVerify } from './verify.js';
import { register as registerSeal } from './seal.js';
import { register as registerCertify } from './certify.js';
import { register as registerVerifyReport } from './verify-report.js';
import { register as registerExport } from './export.js';
import { register as registerQuery } from './query.js';
import { register as registerStats } from './stats.js';
import { register as registerIndex } from './save-index.js';
import { register as registerGenerate } from './generate.js';
import { register as registerReportAccess } from './report-access.js';
import { register as registerRetention } from './retention.js';
import { register as registerBtg } from './btg.js';
import { register as registerAlerts } from './alerts.js';
import { register as registerAnalysisSettings } from './analysis-settings.js';
import { register as registerTail } from './tail.js';

const program = new Command()
  .name('custos')
  .description('Verify, index and report on tamper-evident audit logs.')
  .version(CUSTOS_VERSION)
  .showHelpAfterError()
  .exitOverride((error) => {
    // commander's own usage errors exit 2 like every other usage error of ours.
    process.exit(error.exitCode === 0 ? 0 : 2);
  });

// Each command module adds itself here.
const commands: Array<(program: Command) => void> = [registerIdentity, registerVerify, registerSeal, registerCertify, registerVerifyReport, registerExport, registerQuery, registerStats, registerIndex, registerGenerate, registerReportAccess, registerRetention, registerBtg, registerAlerts, registerAnalysisSettings, registerTail];
for (const register of commands) register(program);

await program.parseAsync(process.argv);
