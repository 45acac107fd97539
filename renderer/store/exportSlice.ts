import type { AnalysisPdfKind, CollectingSource, CsvCell, CsvExportDone, ExportPhase, PdfSigningRequest } from '../../shared/report';
import type { ErrorInfo, Result } from '../../shared/result';
import type { SliceCreator } from './types';

/** Which report an export belongs to: each report view has its own busy state and last export. */
export type ExportTarget = 'integrity-certificate' | AnalysisPdfKind;

/** The part of a report a view is showing: the PDF and FHIR exports cover the same scope. */
export interface ExportScope {
  patients?: string[];
  fromMs?: number;
  toMs?: number;
  includeTreatmentPaymentOperations?: boolean;
  /** Retention, break-the-glass, alerts: the review's as-of moment the view shows. */
  asOfMs?: number;
}

export interface CsvTable {
  columns: string[];
  rows: CsvCell[][];
}

/**
 * One export request. The signing password travels inside it to the backend once; the slice
 * never copies it into the store, so it is gone when the request is.
 */
export type ExportJob =
  | { format: 'pdf'; path: string; scope: ExportScope; generatedBy?: string; signing?: PdfSigningRequest; /** Integrity certificate: compare with this seal first. */ sealPath?: string }
  | { format: 'fhir'; path: string; scope: ExportScope; bundle: boolean }
  | { format: 'csv'; path: string; table: CsvTable };

export interface ExportProblem {
  message: string;
  /** What the user can do about it. */
  hint: string;
}

/** How far the running export is, from the backend's export.progress events (CSV: parts sent). */
export interface ExportStatusProgress {
  phase: ExportPhase;
  done: number;
  total: number | null;
  /** 0 to 1. */
  fraction: number;
  /** While collecting: whether the export reads the archive, waits for the shared load, or reuses it. */
  source?: CollectingSource;
}

export interface ExportStatus {
  busy: boolean;
  /** What is being written, e.g. "Writing the signed PDF…". */
  activity: string | null;
  /** Null until the backend reports the first step. */
  progress: ExportStatusProgress | null;
  /** Names the running export for cancel. */
  exportId: string | null;
  /** The user asked to stop the running export. */
  cancelling: boolean;
  /** A note about the last attempt that is not an error, e.g. that it was cancelled. */
  notice: string | null;
  error: ExportProblem | null;
  lastPath: string | null;
  /** One line about the last export: size, rows, signer. */
  lastSummary: string | null;
}

export interface ExportSlice {
  exports: Partial<Record<ExportTarget, ExportStatus>>;
  /** Runs an export; resolves true when the file was written. Busy always ends, with an error or a path. */
  runExport(target: ExportTarget, job: ExportJob): Promise<boolean>;
  /** Stops the target's running export; it ends without writing a file. */
  cancelExport(target: ExportTarget): Promise<void>;
  clearExportError(target: ExportTarget): void;
}

/** JSON characters per CSV part: well under the browser host's 1 MB message limit even when every character takes 3 bytes. */
const CSV_PART_CHARS = 300_000;

/** Splits the rows into parts that each fit in one message. */
export function csvParts(rows: CsvCell[][]): CsvCell[][][] {
  const parts: CsvCell[][][] = [];
  let current: CsvCell[][] = [];
  let size = 0;
  for (const row of rows) {
    const rowSize = JSON.stringify(row).length + 1;
    if (current.length > 0 && size + rowSize > CSV_PART_CHARS) {
      parts.push(current);
      current = [];
      size = 0;
    }
    current.push(row);
    size += rowSize;
  }
  parts.push(current);
  return parts;
}

const IDLE: ExportStatus = { busy: false, activity: null, progress: null, exportId: null, cancelling: false, notice: null, error: null, lastPath: null, lastSummary: null };

const newExportId = (): string => `export-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

const CANCELLED_NOTICE = 'Export cancelled: no file was written.';

export function exportStatus(state: ExportSlice, target: ExportTarget): ExportStatus {
  return state.exports[target] ?? IDLE;
}

/** Turns a backend error into what the person exporting can act on. */
export function explainExportError(error: ErrorInfo): ExportProblem {
  const message = error.message.replace(/^reports\.\w+ failed: |^fhir\.export failed: /u, '');
  if (/Wrong password/iu.test(message)) return { message, hint: 'Enter the password of the PKCS#12 file again (it is case-sensitive), or pick another identity.' };
  if (/expired|not valid yet|not a PKCS#12|no certificate matching|Cannot read the signing identity/iu.test(message))
    return { message, hint: 'Pick another signing identity, or create a self-signed one under Verify report → Signing.' };
  if (error.code === 'forbidden') return { message, hint: 'Choose another output file: evidence files are never overwritten.' };
  if (/Cannot write|permission denied|read-only|does not exist|disk is full|EACCES|ENOENT|EROFS/iu.test(message))
    return { message, hint: error.hint ?? 'Choose a folder you can write to, or another file name.' };
  if (error.hint) return { message, hint: error.hint };
  if (error.code === 'not-found') return { message, hint: 'Open an archive first, or check that the file still exists.' };
  return { message, hint: 'Try again. If it keeps failing, restart Custos and report what you were exporting.' };
}

const pluralize = (count: number, one: string, many: string) => `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;

export const createExportSlice: SliceCreator<ExportSlice> = (set, get, api) => {
  const update = (target: ExportTarget, patch: Partial<ExportStatus>) =>
    set({ exports: { ...get().exports, [target]: { ...exportStatus(get(), target), ...patch } } });

  const fail = (target: ExportTarget, problem: ExportProblem) => {
    update(target, { busy: false, activity: null, progress: null, exportId: null, cancelling: false, error: problem });
    return false;
  };

  /** A failed request: a cancel the user asked for is a notice, anything else an error. */
  const failWith = (target: ExportTarget, error: ErrorInfo) => {
    if (error.code === 'cancelled') {
      update(target, { busy: false, activity: null, progress: null, exportId: null, cancelling: false, notice: CANCELLED_NOTICE });
      return false;
    }
    return fail(target, explainExportError(error));
  };

  const succeed = (target: ExportTarget, lastPath: string, lastSummary: string) => {
    update(target, { busy: false, activity: null, progress: null, exportId: null, cancelling: false, lastPath, lastSummary });
    return true;
  };

  return {
    exports: {},
    clearExportError: (target) => update(target, { error: null }),
    async cancelExport(target) {
      const status = exportStatus(get(), target);
      if (!status.busy || status.cancelling) return;
      update(target, { cancelling: true, activity: 'Cancelling…' });
      // CSV parts stop at the next part; PDF and FHIR exports stop in the backend.
      if (status.exportId) await api.invoke('reports.cancel', { exportId: status.exportId });
    },
    async runExport(target, job) {
      if (exportStatus(get(), target).busy) return false;
      const path = job.path.trim();
      if (path.length === 0) return fail(target, { message: 'No file was chosen to write to.', hint: 'Type the path of the file to write, or use Choose….' });
      if (job.format === 'csv' && job.table.rows.length === 0)
        return fail(target, { message: 'The view shows no rows, so there is nothing to write as CSV.', hint: 'Widen the report (period, filters, patient) until it shows rows.' });
      const activity =
        job.format === 'pdf' ? (job.signing ? 'Writing and signing the PDF…' : 'Writing the PDF…') : job.format === 'fhir' ? 'Writing FHIR AuditEvents…' : 'Writing the CSV…';
      const exportId = newExportId();
      update(target, { busy: true, activity, progress: null, exportId: job.format === 'csv' ? null : exportId, cancelling: false, notice: null, error: null });
      const stopListening = api.on('export.progress', (progress) => {
        if (progress.exportId !== exportId || !exportStatus(get(), target).busy) return;
        update(target, { progress: { phase: progress.phase, done: progress.done, total: progress.total, fraction: progress.fraction, ...(progress.source === undefined ? {} : { source: progress.source }) } });
      });
      try {
        if (job.format === 'csv') {
          const parts = csvParts(job.table.rows);
          const upload = parts.length > 1 ? `csv-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}` : null;
          let result: Result<CsvExportDone> | null = null;
          let sent = 0;
          for (const [index, rows] of parts.entries()) {
            if (exportStatus(get(), target).cancelling) return failWith(target, { code: 'cancelled', message: CANCELLED_NOTICE });
            const final = index === parts.length - 1;
            if (parts.length > 1) update(target, { progress: { phase: 'writing', done: sent, total: job.table.rows.length, fraction: sent / job.table.rows.length } });
            result = await api.invoke('reports.csv', { path, columns: job.table.columns, rows, ...(upload ? { upload: { id: upload, final } } : {}) });
            if (!result.ok) return failWith(target, result.error);
            sent += rows.length;
          }
          if (!result?.ok) return fail(target, { message: 'The CSV was not written.', hint: 'Try again.' });
          return succeed(target, result.value.path, `CSV, ${pluralize(result.value.rows, 'row', 'rows')}`);
        }
        if (job.format === 'fhir') {
          const { patients, fromMs, toMs } = job.scope;
          const result = await api.invoke('fhir.export', {
            path,
            exportId,
            bundle: job.bundle,
            ...(patients && patients.length > 0 ? { patients } : {}),
            ...(fromMs !== undefined ? { fromMs } : {}),
            ...(toMs !== undefined ? { toMs } : {}),
          });
          if (!result.ok) return failWith(target, result.error);
          const { exported, undated } = result.value;
          const note = exported === 0 ? ' — nothing matched the report, the file holds no events' : '';
          const left = undated > 0 ? `; ${pluralize(undated, 'call', 'calls')} without a usable time left out` : '';
          return succeed(target, result.value.path, `FHIR ${job.bundle ? 'Bundle' : 'NDJSON'}, ${pluralize(exported, 'AuditEvent', 'AuditEvents')}${note}${left}`);
        }
        const signing = { exportId, ...(job.signing ? { signing: job.signing } : {}), ...(job.generatedBy ? { generatedBy: job.generatedBy } : {}) };
        const result =
          target === 'integrity-certificate'
            ? await api.invoke('reports.certify', { path, ...signing, ...(job.sealPath ? { sealPath: job.sealPath } : {}) })
            : await api.invoke('reports.analysisPdf', {
                kind: target,
                path,
                ...(job.scope.patients && job.scope.patients.length > 0 ? { patients: job.scope.patients } : {}),
                ...(job.scope.fromMs !== undefined ? { fromMs: job.scope.fromMs } : {}),
                ...(job.scope.toMs !== undefined ? { toMs: job.scope.toMs } : {}),
                ...(job.scope.includeTreatmentPaymentOperations !== undefined ? { includeTreatmentPaymentOperations: job.scope.includeTreatmentPaymentOperations } : {}),
                ...(job.scope.asOfMs !== undefined ? { asOfMs: job.scope.asOfMs } : {}),
                ...signing,
              });
        if (!result.ok) return failWith(target, result.error);
        const written = result.value;
        const signer = written.signer ? `, signed by ${written.signer.commonName}${written.signer.selfSigned ? ' (self-signed)' : ''}` : ', not signed';
        return succeed(target, written.path, `PDF, ${(written.bytes / 1024).toFixed(0)} KB${signer}`);
      } catch (error) {
        return fail(target, { message: `The export stopped unexpectedly: ${(error as Error).message}`, hint: 'Try again. If it keeps failing, restart Custos.' });
      } finally {
        stopListening();
      }
    },
  };
};
