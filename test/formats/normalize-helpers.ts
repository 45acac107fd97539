import { createHash } from 'node:crypto';
import type { Finding } from '../../shared/findings.js';
import type { FormatId } from '../../shared/formats.js';
import { parsePyJson } from '../../main/core/json/parse.js';
import { createNormalizer, type NormalizeResult, type NormalizerOptions } from '../../main/core/formats/normalize/index.js';

/** Normalizes JSONL text line by line, as the open pipeline does, with real locations and line hashes. */
export function normalizeText(format: FormatId, text: string, file = 'audit.jsonl', options?: NormalizerOptions): NormalizeResult[] {
  return normalizeFiles(format, [{ file, text }], options);
}

/** Several files through ONE normalizer, in order (an archive of daily files). */
export function normalizeFiles(format: FormatId, files: Array<{ file: string; text: string }>, options?: NormalizerOptions): NormalizeResult[] {
  return normalizeArchive(format, files, options).results;
}

/** As normalizeFiles, plus the findings the normalizer reports once the archive has ended. */
export function normalizeArchive(
  format: FormatId,
  files: Array<{ file: string; text: string }>,
  options?: NormalizerOptions,
): { results: NormalizeResult[]; endFindings: Finding[] } {
  const normalize = createNormalizer(format, options);
  const results: NormalizeResult[] = [];
  for (const { file, text } of files) {
    let offset = 0;
    text.split('\n').forEach((line, index) => {
      const byteLength = Buffer.byteLength(line, 'utf8');
      if (line.trim() !== '') {
        const sha = createHash('sha256').update(line, 'utf8').digest('hex');
        results.push(normalize(parsePyJson(line).value, { file, line: index + 1, byteOffset: offset, byteLength }, sha));
      }
      offset += byteLength + 1;
    });
  }
  return { results, endFindings: normalize.finish() };
}

/** JSON lines from plain objects. */
export function jsonl(...objects: unknown[]): string {
  return objects.map((o) => JSON.stringify(o)).join('\n') + '\n';
}
