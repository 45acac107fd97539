/**
 * Reads, verifies and normalizes archives straight into AnalysisData, without an index: the path
 * the CLI takes (the workstation feeds the same AnalysisCollector from its open pipeline).
 */
import type { Finding } from '../../../shared/findings.js';
import type { FormatId, GenericMapping } from '../../../shared/formats.js';
import type { VerifyReport } from '../../../shared/verification.js';
import { NormalizerSet } from '../formats/normalize/normalizer-set.js';
import { badTimestampFinding } from '../store/timestamp-finding.js';
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
  const normalizers = new NormalizerSet();
  const timestampFindings: Finding[] = [];
  const result = await scanArchive(paths, {
    ...(options.format === undefined ? {} : { format: options.format }),
    ...(options.mapping === undefined ? {} : { mapping: options.mapping }),
    ...(options.mappingFor === undefined ? {} : { mappingFor: options.mappingFor }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    onRecord: (record) => {
      const normalize = normalizers.get(record.format, options.mappingFor?.(record.location.file) ?? options.mapping);
      const { entry, timestampError } = normalize(record.value, record.location, record.lineSha256);
      if (entry.timeMs === null) timestampFindings.push(badTimestampFinding(entry, timestampError));
      collector.add(entry);
    },
  });
  return {
    data: collector.finish(),
    verification: { files: result.files, findings: [...result.findings, ...timestampFindings], verdict: result.verdict },
    unopened: result.unopened,
  };
}
