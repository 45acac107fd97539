/**
 * The one table of backend channels. The Electron preload, the browser host and the renderer's
 * api.ts all derive from it; payloads are validated at the boundary (main/service) against
 * schemas that are type-checked against these types.
 */
import type { ErrorInfo, Result } from './result.js';
import type { AnalysisChannels } from './analyses.js';
import type { OpenOutcome, OpenProgress, OpenRequest, SessionSummary } from './archive.js';
import type {
  ConversationView,
  DistinctColumn,
  EntryDetail,
  EntryFilter,
  EntryQuery,
  EntryRow,
  FindingContext,
  FindingRow,
  Page,
  TimeBucket,
  ToolStats,
} from './query.js';
import type { TailAlert, TailBatchSummary, TailStartRequest, TailStatus } from './tail.js';
import type { Finding } from './findings.js';
import type { AnalysisPdfRequest, CertifyRequest, CsvExportDone, CsvExportRequest, ExportProgress, FhirExportDone, FhirExportRequest, ReportVerification, ReportWritten } from './report.js';
import type { CreateIdentityRequest, SealCheckSummary, SealCreated, SignerSummary } from './signing.js';
import type { Verdict } from './verification.js';

/** The analysis channels (patient report, retention, break-the-glass, alerts, their settings) are in shared/analyses.ts. */
export interface Channels extends AnalysisChannels {
  'archives.open': { request: OpenRequest; response: { jobId: string } };
  'archives.cancel': { request: { jobId: string }; response: { cancelled: boolean } };
  'archives.close': { request: { fileIds: number[] }; response: SessionSummary };
  'archives.summary': { request: Record<string, never>; response: SessionSummary };
  'archives.recent': { request: Record<string, never>; response: { paths: string[] } };
  'archives.demo': { request: Record<string, never>; response: { paths: string[] } };
  'archives.saveIndex': { request: { path: string }; response: { path: string; bytes: number } };
  /** Replaces the session with a saved index (a SQLite file written by saveIndex or `custos index`). */
  'archives.loadIndex': { request: { path: string }; response: SessionSummary };
  'findings.list': { request: { offset: number; limit: number; fileIds?: number[] }; response: Page<FindingRow> };
  'findings.context': { request: { findingId: number; radius: number }; response: FindingContext };
  'entries.query': { request: EntryQuery; response: Page<EntryRow> };
  'entries.histogram': { request: { filter: EntryFilter; buckets: number }; response: { bucketMs: number; buckets: TimeBucket[] } };
  /** Values for a filter picker, sorted; `prefix` narrows them as the user types. */
  'entries.distinct': { request: { column: DistinctColumn; limit: number; prefix?: string }; response: { values: string[] } };
  'entries.detail': { request: { id: number }; response: EntryDetail };
  'entries.toolStats': { request: { filter: EntryFilter }; response: { tools: ToolStats[] } };
  /** A conversation's (or selectools run's) entries and the lesson's timeline, re-read from disk. */
  'entries.conversation': { request: { conversationId: string }; response: ConversationView };
  /** Native dialogs exist only in Electron; the browser host answers `unsupported` and the UI offers a path field. */
  'dialog.openPaths': { request: { kind: 'files' | 'folder' }; response: { paths: string[] } };
  'dialog.savePath': { request: { defaultName: string; extensions: string[] }; response: { path: string | null } };
  /** Follows a folder as it is written (live tail); its entries are indexed into the session as they are verified. */
  'tail.start': { request: TailStartRequest; response: { tailId: string } };
  'tail.stop': { request: { tailId: string }; response: { stopped: boolean } };
  'tail.status': { request: Record<string, never>; response: { tails: TailStatus[] } };
  /** Reads (no `enabled`) or sets whether new live alerts raise an OS notification (desktop app). */
  'tail.notifications': { request: { enabled?: boolean }; response: { enabled: boolean } };
  /** Checks a PKCS#12 identity (password, validity, key usage) and shows its certificate. */
  'signing.inspect': { request: { p12Path: string; password: string }; response: SignerSummary };
  /** Creates a self-signed signing identity (never overwrites a file). */
  'signing.create': { request: CreateIdentityRequest; response: SignerSummary };
  /** Seals the open archive files (refused when verification found critical problems). */
  'seal.create': { request: { path: string; p12Path: string; password: string }; response: SealCreated };
  /** Compares the open archive files with a seal; the verdict is recomputed with it. */
  'seal.check': { request: { sealPath: string; trustedSigners?: string[] }; response: { seal: SealCheckSummary; findings: Finding[]; verdict: Verdict } };
  /** Writes the integrity certificate PDF of the open archive, optionally signed. */
  'reports.certify': { request: CertifyRequest; response: ReportWritten };
  /** Writes a patient access, disclosures, retention, break-the-glass or alerts report of the open archive as PDF. */
  'reports.analysisPdf': { request: AnalysisPdfRequest; response: ReportWritten };
  /** Checks a signed report and re-checks its evidence against the open archive files. */
  'reports.verify': { request: { path: string }; response: ReportVerification };
  /** Exports the open archive's tool calls as FHIR R4 AuditEvents. */
  'fhir.export': { request: FhirExportRequest; response: FhirExportDone };
  /** Writes the rows a report view shows as a CSV file. */
  'reports.csv': { request: CsvExportRequest; response: CsvExportDone };
  /** Stops a running PDF or FHIR export (by its exportId); it then fails as cancelled and writes nothing. */
  'reports.cancel': { request: { exportId: string }; response: { cancelled: boolean } };
}

export type Channel = keyof Channels;
export type RequestOf<C extends Channel> = Channels[C]['request'];
export type ResponseOf<C extends Channel> = Channels[C]['response'];

/** Runtime list of channels, checked against the interface so neither can drift. */
export const CHANNELS = [
  'archives.open',
  'archives.cancel',
  'archives.close',
  'archives.summary',
  'archives.recent',
  'archives.demo',
  'archives.saveIndex',
  'archives.loadIndex',
  'findings.list',
  'findings.context',
  'entries.query',
  'entries.histogram',
  'entries.distinct',
  'entries.detail',
  'entries.toolStats',
  'entries.conversation',
  'dialog.openPaths',
  'dialog.savePath',
  'tail.start',
  'tail.stop',
  'tail.status',
  'tail.notifications',
  'signing.inspect',
  'signing.create',
  'seal.create',
  'seal.check',
  'reports.certify',
  'reports.analysisPdf',
  'reports.verify',
  'fhir.export',
  'reports.csv',
  'reports.cancel',
  'analyses.accessReport',
  'analyses.alerts',
  'analyses.alertAck',
  'analyses.btg',
  'analyses.btgReview',
  'analyses.retention',
  'analyses.legalHolds',
  'analyses.legalHoldPlace',
  'analyses.legalHoldRelease',
  'analyses.journal',
  'analyses.locateEntry',
  'settings.retentionPolicy',
  'settings.saveRetentionPolicy',
  'settings.alertRules',
  'settings.saveAlertRules',
] as const satisfies readonly Channel[];

type MissingChannels = Exclude<Channel, (typeof CHANNELS)[number]>;
// Compile-time check: every channel of the interface is listed above.
const allChannelsListed: MissingChannels extends never ? true : MissingChannels = true;
void allChannelsListed;

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

/** Events pushed from the backend to the renderer. */
export interface Events {
  'open.progress': OpenProgress;
  'open.done': OpenOutcome;
  'session.changed': SessionSummary;
  /** A verified batch of a live tail (its entries are in the index by now). */
  'tail.batch': TailBatchSummary;
  'tail.alert': TailAlert;
  'tail.status': TailStatus;
  /** A PDF or FHIR export's progress (requests that carry an exportId). */
  'export.progress': ExportProgress;
  /**
   * The database worker died (out of memory, a crash): its index and the open session went with it.
   * The backend has started a fresh one and stopped live tails; a `session.changed` follows.
   */
  'session.lost': ErrorInfo;
}
export type EventName = keyof Events;
export const EVENT_NAMES = ['open.progress', 'open.done', 'session.changed', 'tail.batch', 'tail.alert', 'tail.status', 'export.progress', 'session.lost'] as const satisfies readonly EventName[];
/** Electron IPC message that carries every backend event: (eventName, payload). */
export const IPC_EVENT_MESSAGE = 'custos:event';

/** What the renderer sees, whether the backend is the Electron preload or the browser host. */
export interface CustosApi {
  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
  /** 'electron' or 'browser': the UI adapts (native dialogs, drag-and-drop paths). */
  readonly host: 'electron' | 'browser';
  /**
   * Electron only: the filesystem path of a File dropped onto the window (webUtils.getPathForFile),
   * or null when it has none. Browsers never reveal paths, so the browser host leaves this out.
   */
  readonly pathForDroppedFile?: (file: unknown) => string | null;
}

/** The name under which the preload exposes the api on `window`. */
export const API_GLOBAL = 'custos';
