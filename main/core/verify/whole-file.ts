/**
 * Verifies one whole file, streaming, on the calling thread: how scanArchive reads a file it does not
 * split into ranges (gzip, unchained formats, small files), and the unit of work a pool thread takes
 * when files are verified ahead of their turn. Files are opened read-only.
 */
import type { Finding } from '../../../shared/findings.js';
import type { FormatId, GenericMapping } from '../../../shared/formats.js';
import type { ArchiveFile } from '../reader/archive-files.js';
import type { RawLine } from '../reader/line-splitter.js';
import { readLines } from '../reader/read-lines.js';
import { FileVerifier, makeFinding, type LineOutcome, type VerifiedSpan } from './file-verifier.js';

export interface WholeFileRequest {
  file: ArchiveFile;
  /** Read every line as this format instead of detecting it. */
  format?: FormatId;
  mapping?: GenericMapping;
}

/** A verified file: its span (lines, entries, findings, chain ends) and the sha256 of its bytes. */
export interface ScannedFile {
  span: VerifiedSpan;
  /** sha256 of the file's bytes on disk, or null when it could not be read to its end. */
  sha256: string | null;
}

export interface WholeFileOptions {
  /** Keep each entry's parsed value for onLine (the store needs it; verification alone does not). */
  needValues?: boolean;
  signal?: AbortSignal;
  /** Bytes read from disk so far. */
  onBytes?: (bytesRead: number) => void;
  /** Each non-blank line as it is verified, with the format known so far. */
  onLine?: (line: RawLine, outcome: LineOutcome, format: FormatId | null) => void | Promise<void>;
  /** Findings about the file as a whole, found once it was read (it stopped early, it was empty). */
  onEndFindings?: (findings: readonly Finding[]) => void;
}

export async function verifyWholeFile(request: WholeFileRequest, options: WholeFileOptions = {}): Promise<ScannedFile> {
  const { file } = request;
  const verifier = new FileVerifier({ file: file.path, format: request.format, mapping: request.mapping, needValues: options.needValues === true });
  const reader = readLines(file, { signal: options.signal, onBytes: options.onBytes });
  let step = await reader.next();
  while (!step.done) {
    for (const line of step.value) {
      const outcome = verifier.acceptLine(line);
      await options.onLine?.(line, outcome, verifier.detectedFormat);
    }
    step = await reader.next();
  }
  const summary = step.value;
  verifier.setPhysicalLines(summary.physicalLines);
  const span = verifier.finish();
  const endFindings = endOfFileFindings(file, span, summary.error, summary.errorLine);
  span.findings.push(...endFindings);
  if (endFindings.length > 0) options.onEndFindings?.(endFindings);
  return { span, sha256: summary.sha256 };
}

/**
 * What a file's read says about it once it ended: it stopped early (`error`, at line `errorLine`),
 * or it held no lines at all.
 */
export function endOfFileFindings(file: ArchiveFile, span: VerifiedSpan, error: string | null, errorLine: number | null): Finding[] {
  if (error !== null) {
    const where = errorLine !== null ? `at line ${errorLine}` : 'before the first line';
    return [makeFinding('unreadable', file.path, null, `The file could not be read completely: ${error}. Reading stopped ${where}; the lines before it were checked.`)];
  }
  if (span.lines === 0) {
    return [makeFinding('parse-error', file.path, null, file.size === 0 ? 'The file is empty: it holds no audit entries.' : 'The file holds only blank lines: no audit entries.', { severity: 'warning' })];
  }
  return [];
}
