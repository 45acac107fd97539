import { writeFileAtomicallyWith } from '../output/atomic-write.js';
import type { PageLayout, ReportDocument } from './report-document.js';
import { renderReport, type RenderOptions, type SigningRequest } from './sign-pdf.js';

/**
 * Finishes, optionally signs, and writes a report. The PDF is written as it is made to a temporary
 * file beside the target, signed there (the signature covers the whole file), and only then renamed
 * into place, so a failure (wrong password, full disk, cancel) leaves nothing behind.
 */
export async function writeReport(
  path: string,
  build: (layout: PageLayout) => ReportDocument,
  signing: SigningRequest | null,
  options: RenderOptions = {},
): Promise<{ path: string; bytes: number; pages: number }> {
  const { bytes, pages } = await writeFileAtomicallyWith(path, async (fd) => {
    const rendered = await renderReport(fd, build, signing, options);
    options.onProgress?.({ phase: 'writing', done: 0, total: 1 });
    return rendered;
  });
  options.onProgress?.({ phase: 'writing', done: 1, total: 1 });
  return { path, bytes, pages };
}
