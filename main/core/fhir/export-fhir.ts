/**
 * `custos export fhir`: the tool calls of an archive as FHIR R4 AuditEvents, NDJSON (one resource
 * per line) or one collection Bundle. Streams: entries are written as they are read, to a temporary
 * file renamed into place at the end, so memory does not grow with the archive and a failure leaves
 * nothing behind.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { EvidenceRef } from '../../../shared/analyses.js';
import type { NormalizedEntry } from '../../../shared/entry.js';
import type { FormatId, GenericMapping } from '../../../shared/formats.js';
import type { VerifyReport } from '../../../shared/verification.js';
import { NormalizerSet } from '../formats/normalize/normalizer-set.js';
import { refuseEvidencePath } from '../output/atomic-write.js';
import { scanArchive, type ScanProgress } from '../verify/scan.js';
import { isExportable, toAuditEvent, uuidFor } from './audit-event.js';

export interface FhirExportFilter {
  patients?: string[];
  users?: string[];
  fromMs?: number;
  toMs?: number;
}

export interface FhirExportOptions {
  shape: 'ndjson' | 'bundle';
  filter?: FhirExportFilter;
  format?: FormatId;
  mapping?: GenericMapping;
  /** A mapping per file instead (as scanArchive's `mappingFor`). */
  mappingFor?: (path: string) => GenericMapping | undefined;
  now?: Date;
  /** Stops the export; the temporary file is removed and nothing is written. */
  signal?: AbortSignal;
  onProgress?: (progress: ScanProgress) => void;
}

export interface FhirExportResult {
  path: string;
  exported: number;
  /** Calls left out because they have no usable time (an AuditEvent must have one). */
  undated: number;
  undatedExamples: EvidenceRef[];
  verification: VerifyReport;
}

function matches(entry: NormalizedEntry, filter: FhirExportFilter): boolean {
  if (filter.patients && filter.patients.length > 0 && (entry.patient === null || !filter.patients.includes(entry.patient))) return false;
  if (filter.users && filter.users.length > 0 && (entry.user === null || !filter.users.includes(entry.user))) return false;
  if (filter.fromMs !== undefined && (entry.timeMs === null || entry.timeMs < filter.fromMs)) return false;
  if (filter.toMs !== undefined && (entry.timeMs === null || entry.timeMs > filter.toMs)) return false;
  return true;
}

export async function exportFhir(paths: string[], outPath: string, options: FhirExportOptions): Promise<FhirExportResult> {
  const temporary = join(dirname(outPath), `.${basename(outPath)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = openSync(temporary, 'wx', 0o644);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`Cannot write ${outPath}: ${code === 'ENOENT' ? 'the folder does not exist' : code === 'EACCES' ? 'permission denied' : (code ?? String(error))}.`, { cause: error });
  }
  const filter = options.filter ?? {};
  const normalizers = new NormalizerSet();
  let exported = 0;
  let undated = 0;
  const undatedExamples: EvidenceRef[] = [];
  try {
    if (options.shape === 'bundle') {
      writeSync(fd, `{"resourceType":"Bundle","type":"collection","timestamp":${JSON.stringify((options.now ?? new Date()).toISOString())},"entry":[`);
    }
    const result = await scanArchive(paths, {
      ...(options.format ? { format: options.format } : {}),
      ...(options.mapping ? { mapping: options.mapping } : {}),
      ...(options.mappingFor ? { mappingFor: options.mappingFor } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      onRecord: (record) => {
        const normalize = normalizers.get(record.format, options.mappingFor?.(record.location.file) ?? options.mapping);
        const { entry } = normalize(record.value, record.location, record.lineSha256);
        if (!matches(entry, filter)) return;
        if (!isExportable(entry)) {
          const isCall = entry.callRecord ?? entry.format !== 'selectools';
          if (isCall && entry.timeMs === null) {
            undated++;
            if (undatedExamples.length < 20) undatedExamples.push({ file: entry.source.file, line: entry.source.line });
          }
          return;
        }
        const event = toAuditEvent(entry);
        const text =
          options.shape === 'ndjson'
            ? `${JSON.stringify(event)}\n`
            : `${exported === 0 ? '' : ','}\n{"fullUrl":"urn:uuid:${uuidFor(String(event.id))}","resource":${JSON.stringify(event)}}`;
        writeSync(fd, text);
        exported++;
      },
    });
    if (options.shape === 'bundle') writeSync(fd, `${exported === 0 ? '' : '\n'}]}\n`);
    fsyncSync(fd);
    closeSync(fd);
    refuseEvidencePath(outPath, result.files.map((file) => file.path));
    renameSync(temporary, outPath);
    return { path: outPath, exported, undated, undatedExamples, verification: { files: result.files, findings: result.findings, verdict: result.verdict } };
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    unlinkSync(temporary);
    throw error;
  }
}
