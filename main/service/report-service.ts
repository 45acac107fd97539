/**
 * The signing, seal, PDF and FHIR channels of the backend. They work on the archive files open in
 * the session and write only where the user chose, never over an open evidence file. Passwords
 * arrive with the request, are used once and never stored or logged.
 *
 * Analysis PDFs take the analysis service's loaded snapshot (the data the views show), so an export
 * reads no archive again. The integrity certificate and seals verify the files afresh (that is what
 * they certify), and FHIR streams full entries from disk (the analysis data keeps only the compact
 * facts of each call); both read generic files with the mapping they were opened with.
 */
import { join, resolve } from 'node:path';
import type { EventName, Events, RequestOf, ResponseOf } from '../../shared/contract.js';
import type { CollectingSource, CsvCell, PdfSigningRequest } from '../../shared/report.js';
import { buildAccessReport } from '../core/analyses/access-report.js';
import { runRules } from '../core/analyses/alerts.js';
import { reviewBreakGlass } from '../core/analyses/btg.js';
import { retentionPolicyStore } from '../core/analyses/retention-policy.js';
import { reviewRetention } from '../core/analyses/retention.js';
import { rulesConfigStore } from '../core/analyses/rules-config.js';
import { exportFhir } from '../core/fhir/export-fhir.js';
import { activeLegalHolds, alertAcks, btgReviews } from '../core/journal/decisions.js';
import { EvidenceJournal } from '../core/journal/journal.js';
import { buildAccessReportPdf } from '../core/pdf/access-report-pdf.js';
import { buildAlertsPdf } from '../core/pdf/alerts-pdf.js';
import { buildBtgPdf } from '../core/pdf/btg-pdf.js';
import type { PageLayout, ReportDocument } from '../core/pdf/report-document.js';
import type { ReportProvenance } from '../core/pdf/report-parts.js';
import { buildRetentionPdf } from '../core/pdf/retention-pdf.js';
import { buildIntegrityCertificate } from '../core/pdf/integrity-certificate.js';
import { readReportSettings } from '../core/pdf/report-settings.js';
import type { SigningRequest } from '../core/pdf/sign-pdf.js';
import { verifyReportFile } from '../core/pdf/verify-report.js';
import { writeReport } from '../core/pdf/write-report.js';
import { writeFileAtomically, writeNewFile } from '../core/output/atomic-write.js';
import { toCsv } from '../core/output/csv.js';
import { applySeal } from '../core/seal/apply-seal.js';
import { createSeal, writeSealFile } from '../core/seal/create-seal.js';
import { loadIdentity, loadIdentityFile, SigningIdentityError } from '../core/signing/identity.js';
import { createSelfSignedIdentity } from '../core/signing/self-signed.js';
import { scanArchive } from '../core/verify/scan.js';
import type { DbClient } from '../worker/client.js';
import { WorkerError } from '../worker/protocol.js';
import type { AnalysisService } from './analysis-service.js';
import { ExportTracker, FHIR_SPANS, PDF_SPANS, type PhaseSpans } from './export-progress.js';

/** An unfinished CSV upload is dropped after this long without a part. */
const CSV_UPLOAD_IDLE_MS = 10 * 60_000;
const CSV_MAX_UPLOADS = 8;
const CSV_MAX_ROWS = 2_000_000;

type ReportChannel =
  | 'signing.inspect'
  | 'signing.create'
  | 'seal.create'
  | 'seal.check'
  | 'reports.certify'
  | 'reports.analysisPdf'
  | 'reports.verify'
  | 'fhir.export'
  | 'reports.csv'
  | 'reports.cancel';

export interface ReportService {
  implementations: { [C in ReportChannel]: (request: RequestOf<C>) => Promise<ResponseOf<C>> };
}

export interface ReportServiceOptions {
  client: DbClient;
  dataDir: string;
  /** Pushes `export.progress` to the renderer; exports without it (or without an exportId) run silently. */
  emit?: <E extends EventName>(event: E, payload: Events[E]) => void;
  /** The loaded analysis data of the open files, and the mapping each was opened with. */
  analyses: Pick<AnalysisService, 'loaded' | 'readOptions'>;
}

export function createReportService(options: ReportServiceOptions): ReportService {
  const { client } = options;
  /** Running exports that can be cancelled, by exportId. */
  const running = new Map<string, AbortController>();

  /**
   * Runs one PDF or FHIR export with progress events and cancel when the request names it. A
   * cancelled export fails as `cancelled`; the writers leave no file behind.
   */
  const tracked = async <T>(
    exportId: string | undefined,
    spans: PhaseSpans,
    work: (tracker: ExportTracker | null, signal: AbortSignal, collecting: (done: number, total: number, source: CollectingSource) => void) => Promise<T>,
  ): Promise<T> => {
    const controller = new AbortController();
    if (exportId !== undefined) {
      if (running.has(exportId)) throw new WorkerError({ code: 'invalid-request', message: `An export named ${exportId} is already running.` });
      running.set(exportId, controller);
    }
    const emit = options.emit;
    let source: CollectingSource = 'reading';
    const tracker =
      exportId !== undefined && emit
        ? new ExportTracker(exportId, spans, (progress) => emit('export.progress', progress.phase === 'collecting' ? { ...progress, source } : progress))
        : null;
    const collecting = (done: number, total: number, from: CollectingSource): void => {
      source = from;
      tracker?.report('collecting', done, total);
    };
    try {
      const result = await work(tracker, controller.signal, collecting);
      tracker?.finish();
      return result;
    } catch (error) {
      if (controller.signal.aborted) throw new WorkerError({ code: 'cancelled', message: 'The export was cancelled; no file was written.' });
      throw error;
    } finally {
      if (exportId !== undefined) running.delete(exportId);
    }
  };

  const sessionPaths = async (): Promise<string[]> => {
    const files = (await client.call('summary', {})).files.map((file) => file.path);
    if (files.length === 0) throw new WorkerError({ code: 'not-found', message: 'No archive is open.', hint: 'Open an archive first.' });
    return files;
  };

  /** Outputs go anywhere the user chooses except over an open evidence file. */
  const outputPath = async (path: string): Promise<string> => {
    const target = resolve(path);
    const open = new Set((await client.call('summary', {})).files.map((file) => file.path));
    if (open.has(target)) throw new WorkerError({ code: 'forbidden', message: `${target} is an open evidence file: Custos never overwrites evidence.`, file: target });
    return target;
  };

  /** Identity problems are the user's to fix (wrong password, expired certificate): say so plainly. */
  const identityFrom = (p12Path: string, password: string) => {
    try {
      return loadIdentityFile(resolve(p12Path), password);
    } catch (error) {
      if (error instanceof SigningIdentityError) throw new WorkerError({ code: 'invalid-request', message: error.message, file: resolve(p12Path) });
      throw error;
    }
  };

  const signingFrom = (request: PdfSigningRequest | undefined, signedAt: Date): SigningRequest | null =>
    request ? { identity: identityFrom(request.p12Path, request.password), reason: request.reason, location: request.location, signedAt } : null;

  /** CSV exports arriving in parts, by upload id: rows wait here until the final part. */
  const csvUploads = new Map<string, { path: string; columns: string[]; rows: CsvCell[][]; touchedMs: number }>();

  return {
    implementations: {
      'signing.inspect': async ({ p12Path, password }) => identityFrom(p12Path, password).summary,

      'signing.create': async (request) => {
        const target = await outputPath(request.path);
        const p12 = createSelfSignedIdentity({ name: request.name, organization: request.organization, ...(request.email ? { email: request.email } : {}) }, request.password);
        writeNewFile(target, p12, 0o600);
        return loadIdentity(p12, request.password, target).summary;
      },

      'seal.create': async ({ path, p12Path, password }) => {
        const identity = identityFrom(p12Path, password);
        const target = await outputPath(path);
        const paths = await sessionPaths();
        const report = await scanArchive(paths, await options.analyses.readOptions(paths));
        const critical = report.findings.filter((finding) => finding.severity === 'critical');
        if (critical.length > 0) {
          throw new WorkerError({
            code: 'invalid-request',
            message: `Not sealed: verification found ${critical.length} critical finding(s); a seal would certify a damaged archive.`,
            hint: 'Investigate the findings first, or seal from the command line with --accept-findings.',
          });
        }
        const seal = createSeal(report, identity, paths);
        writeSealFile(target, seal);
        return { path: target, files: seal.body.files.length, signer: identity.summary };
      },

      'seal.check': async ({ sealPath, trustedSigners }) => {
        const paths = await sessionPaths();
        const result = await scanArchive(paths, await options.analyses.readOptions(paths));
        const sealed = await applySeal({ files: result.files, findings: result.findings, verdict: result.verdict, anchored: result.anchored }, resolve(sealPath), trustedSigners ? { trustedSigners } : {});
        return { seal: sealed.seal, findings: sealed.findings, verdict: sealed.verdict };
      },

      'reports.certify': async (request) => {
        let signing: SigningRequest | null = null;
        const generatedAt = new Date();
        if (request.signing) {
          const identity = identityFrom(request.signing.p12Path, request.signing.password);
          signing = { identity, reason: request.signing.reason, location: request.signing.location, signedAt: generatedAt };
        }
        const target = await outputPath(request.path);
        const paths = await sessionPaths();
        const readOptions = await options.analyses.readOptions(paths);
        return tracked(request.exportId, PDF_SPANS, async (tracker, signal, collecting) => {
          const result = await scanArchive(paths, { ...readOptions, signal, onProgress: (progress) => collecting(progress.archiveBytesRead, progress.archiveBytesTotal, 'reading') });
          let report = { files: result.files, findings: result.findings, verdict: result.verdict };
          let seal = null;
          if (request.sealPath) {
            const sealed = await applySeal({ ...report, anchored: result.anchored }, resolve(request.sealPath));
            report = sealed;
            seal = sealed.seal;
          }
          const settings = readReportSettings(options.dataDir);
          const input = {
            report,
            seal,
            scope: paths,
            organization: request.organization ?? settings.organization,
            generatedBy: request.generatedBy ?? settings.author,
            generatedAt,
          };
          const written = await writeReport(target, (layout) => buildIntegrityCertificate(input, layout).document, signing, {
            signal,
            onProgress: (progress) => tracker?.report(progress.phase, progress.done, progress.total),
        });
        return { path: written.path, bytes: written.bytes, signed: signing !== null, signer: signing?.identity.summary ?? null };
        });
      },

      'reports.analysisPdf': async (request) => {
        const generatedAt = new Date();
        const signing = signingFrom(request.signing, generatedAt);
        const target = await outputPath(request.path);
        await sessionPaths();
        const needsPatient = request.kind === 'patient-access' || request.kind === 'disclosures';
        if (needsPatient && (request.patients ?? []).length === 0) throw new WorkerError({ code: 'invalid-request', message: 'Name the patient the report is about.' });
        return tracked(request.exportId, PDF_SPANS, async (tracker, signal, collecting) => {
          // The views' snapshot: reused when loaded, else the load under way (or started) is awaited.
          const loaded = await options.analyses.loaded({ signal, onProgress: collecting });
          const rules = rulesConfigStore(join(options.dataDir, 'alert-rules.json')).current;
          const journal = EvidenceJournal.open(join(options.dataDir, 'journal', 'evidence-journal.jsonl'));
          const asOfMs = request.asOfMs ?? generatedAt.getTime();
          const btg = reviewBreakGlass(loaded.data, { asOfMs, reviewWindowDays: rules.btgOverdue.reviewWindowDays, reviews: btgReviews(journal.records), journal: journal.status });
          const settings = readReportSettings(options.dataDir);
          const provenance: ReportProvenance = {
            organization: request.organization ?? settings.organization,
            generatedBy: request.generatedBy ?? settings.author,
            generatedAt,
            scope: loaded.paths,
            verification: loaded.verification,
          };
          let build: (layout: PageLayout) => ReportDocument;
          if (request.kind === 'break-the-glass') build = (layout) => buildBtgPdf(btg, provenance, layout).document;
          else if (request.kind === 'retention') {
            const policy = retentionPolicyStore(join(options.dataDir, 'retention-policy.json')).current;
            const review = reviewRetention(loaded.data, policy, { asOfMs, legalHolds: activeLegalHolds(journal.records), files: loaded.verification.files });
            build = (layout) => buildRetentionPdf(review, provenance, layout).document;
          } else {
            const alerts = runRules(loaded.data, rules, { asOfMs, findings: loaded.verification.findings, btg, acks: alertAcks(journal.records), journal: journal.status });
            if (request.kind === 'alerts') build = (layout) => buildAlertsPdf(alerts, provenance, layout).document;
            else {
              const report = buildAccessReport(
                loaded.data,
                {
                  patients: request.patients ?? [],
                  ...(request.fromMs === undefined ? {} : { fromMs: request.fromMs }),
                  ...(request.toMs === undefined ? {} : { toMs: request.toMs }),
                  timeZone: rules.timeZone,
                  ...(request.kind === 'disclosures' ? { disclosures: { excludeTreatmentPaymentOperations: !request.includeTreatmentPaymentOperations } } : {}),
                },
                { verification: loaded.verification, alerts: alerts.alerts, now: generatedAt },
              );
              build = (layout) => buildAccessReportPdf(report, provenance, layout).document;
            }
          }
          const written = await writeReport(target, build, signing, { signal, onProgress: (progress) => tracker?.report(progress.phase, progress.done, progress.total) });
          return { path: written.path, bytes: written.bytes, signed: signing !== null, signer: signing?.identity.summary ?? null };
        });
      },

      'reports.verify': async ({ path }) => {
        let archiveFiles: string[] = [];
        try {
          archiveFiles = (await client.call('summary', {})).files.map((file) => file.path);
        } catch {
          archiveFiles = [];
        }
        return verifyReportFile(resolve(path), { archiveFiles });
      },

      'fhir.export': async (request) => {
        const target = await outputPath(request.path);
        const filter = {
          ...(request.patients ? { patients: request.patients } : {}),
          ...(request.fromMs !== undefined ? { fromMs: request.fromMs } : {}),
          ...(request.toMs !== undefined ? { toMs: request.toMs } : {}),
        };
        const paths = await sessionPaths();
        const readOptions = await options.analyses.readOptions(paths);
        return tracked(request.exportId, FHIR_SPANS, async (_tracker, signal, collecting) => {
          const result = await exportFhir(paths, target, {
            ...readOptions,
            shape: request.bundle ? 'bundle' : 'ndjson',
            filter,
            signal,
            onProgress: (progress) => collecting(progress.archiveBytesRead, progress.archiveBytesTotal, 'reading'),
          });
          return { path: result.path, exported: result.exported, undated: result.undated };
        });
      },

      'reports.cancel': async ({ exportId }) => {
        const export_ = running.get(exportId);
        if (!export_) return { cancelled: false };
        export_.abort();
        return { cancelled: true };
      },

      'reports.csv': async ({ path, columns, rows: part, upload }) => {
        let rows = part;
        if (upload) {
          const now = Date.now();
          for (const [id, pending] of csvUploads) if (now - pending.touchedMs > CSV_UPLOAD_IDLE_MS) csvUploads.delete(id);
          const pending = csvUploads.get(upload.id) ?? { path, columns, rows: [], touchedMs: now };
          if (pending.path !== path || pending.columns.join('\u0000') !== columns.join('\u0000')) {
            csvUploads.delete(upload.id);
            throw new WorkerError({ code: 'invalid-request', message: 'The parts of a CSV export do not belong together.', hint: 'Export again.' });
          }
          if (pending.rows.length + part.length > CSV_MAX_ROWS) {
            csvUploads.delete(upload.id);
            throw new WorkerError({ code: 'invalid-request', message: `A CSV export holds at most ${CSV_MAX_ROWS} rows.`, hint: 'Narrow the report (period, patient) and export again.' });
          }
          for (const row of part) pending.rows.push(row);
          pending.touchedMs = now;
          if (!upload.final) {
            if (!csvUploads.has(upload.id) && csvUploads.size >= CSV_MAX_UPLOADS) throw new WorkerError({ code: 'invalid-request', message: 'Too many CSV exports are in progress.', hint: 'Wait for the others to finish.' });
            csvUploads.set(upload.id, pending);
            return { path: resolve(path), rows: pending.rows.length, bytes: 0 };
          }
          csvUploads.delete(upload.id);
          rows = pending.rows;
        }
        if (rows.length === 0) throw new WorkerError({ code: 'invalid-request', message: 'There are no rows to export.', hint: 'Widen the report (period, filters, patient) until it shows rows, then export again.' });
        const target = await outputPath(path);
        const text = toCsv(columns, rows);
        try {
          writeFileAtomically(target, text);
        } catch (error) {
          throw new WorkerError({ code: 'io', message: (error as Error).message, file: target, hint: 'Choose a folder you can write to, or another file name.' });
        }
        return { path: target, rows: rows.length, bytes: Buffer.byteLength(text, 'utf8') };
      },
    },
  };
}
