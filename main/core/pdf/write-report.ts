import { writeFileAtomically } from '../output/atomic-write.js';
import type { PageLayout, ReportDocument } from './report-document.js';
import { renderReport, type SigningRequest } from './sign-pdf.js';

/**
 * Finishes, optionally signs, and writes a report. The PDF is assembled in memory and written to
 * a temporary file renamed into place, so a failure (wrong password, full disk) leaves nothing behind.
 */
export async function writeReport(
  path: string,
  build: (layout: PageLayout) => ReportDocument,
  signing: SigningRequest | null,
): Promise<{ path: string; bytes: number }> {
  const pdf = await renderReport(build, signing);
  writeFileAtomically(path, pdf);
  return { path, bytes: pdf.length };
}
