/** Debian poppler-utils and qpdf, as independent judges of the PDFs Custos writes. */
import { spawnSync } from 'node:child_process';

export function run(command: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

function available(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

export const PDF_TOOLS_MISSING = ['pdfsig', 'pdftotext', 'pdftoppm', 'pdfdetach', 'qpdf'].filter((tool) => !available(tool));

// CI installs poppler-utils and qpdf (.ci/run): there a missing tool fails the run instead of skipping the PDF checks.
if (PDF_TOOLS_MISSING.length > 0 && process.env.CI) throw new Error(`PDF checks cannot run in CI: missing ${PDF_TOOLS_MISSING.join(', ')}`);
