/**
 * Reads, verifies and normalizes archives straight into AnalysisData, without an index: the path
 * the CLI takes (the workstation feeds the same AnalysisCollector from its open pipeline).
 */
import type { Finding } from '../../../shared/findings.js';
import { FINDING_SEVERITY } from '../../../shared/findings.js';
import type { FormatId, GenericMapping } from '../../../shared/formats.js';
import type { VerifyReport } from '../../../shared/verification.js';
import { createNormalizer, type Normalizer } from '../formats/normalize/index.js';
import { scanArchive, type ScanProgress } from '../verify/scan.js';
import { AnalysisCollector, type AnalysisData } from './analysis-data.js';

export interface LoadOptions {
  format?: FormatId;
  mapping?: GenericMapping;
  /** A mapping per file instead (files opened with different mappings, or none): see scanArchive. */
  mappingFor?: (path: string) => GenericMapping | undefined;
  signal?: AbortSignal;
  onProgress?: (progress: ScanProgress) => void;
}

export interface LoadedArchive {
  data: AnalysisData;
  verification: VerifyReport;
  /** Paths that could not be opened at all. */
  unopened: string[];
}

export async function loadForAnalysis(paths: string[], options: LoadOptions = {}): Promise<LoadedArchive> {
  const collector = new AnalysisCollector();
  const normalizers = new Map<string, Normalizer>();
  const timestampFindings: Finding[] = [];
  const result = await scanArchive(paths, {
    ...(options.format === undefined ? {} : { format: options.format }),
    ...(options.mapping === undefined ? {} : { mapping: options.mapping }),
    ...(options.mappingFor === undefined ? {} : { mappingFor: options.mappingFor }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    onRecord: (record) => {
      const mapping = options.mappingFor?.(record.location.file) ?? options.mapping;
      // One normalizer per format and mapping; files without one share theirs.
      const key = mapping === undefined ? record.format : `${record.format}\u0000${JSON.stringify(mapping)}`;
      let normalize = normalizers.get(key);
      if (!normalize) {
        normalize = createNormalizer(record.format, mapping === undefined ? {} : { mapping });
        normalizers.set(key, normalize);
      }
      const { entry, timestampError } = normalize(record.value, record.location, record.lineSha256);
      if (entry.timeMs === null) {
        timestampFindings.push({
          kind: 'bad-timestamp',
          severity: FINDING_SEVERITY['bad-timestamp'],
          file: record.location.file,
          line: record.location.line,
          detail: `The entry's timestamp ${entry.timeRaw === null ? 'is missing' : `"${entry.timeRaw}" cannot be read`}${timestampError ? `: ${timestampError}` : ''}. The entry is kept.`,
        });
      }
      collector.add(entry);
    },
  });
  return {
    data: collector.finish(),
    verification: { files: result.files, findings: [...result.findings, ...timestampFindings], verdict: result.verdict },
    unopened: result.unopened,
  };
}
