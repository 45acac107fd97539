import type { Finding } from './findings.js';
import type { SignerSummary } from './signing.js';
import type { ChainStatus, Verdict } from './verification.js';

export const REPORT_KINDS = ['integrity-certificate', 'patient-access', 'disclosures', 'retention', 'break-the-glass', 'alerts'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** A file a report's claims rest on, with what it looked like when the report was made. */
export interface EvidenceFile {
  path: string;
  absolutePath: string;
  size: number;
  sha256: string;
  format: string | null;
  entries: number;
  lines: number;
  chain: { status: ChainStatus; headHash: string | null };
}

/** One row of a report, pointing back to the line it came from. */
export interface EvidenceRow {
  file: string;
  line: number | null;
  /** sha256 of the raw line bytes, when the row is an entry: lets a re-check find a changed line. */
  lineSha256?: string;
  /** The row's values as the report shows them. */
  values: Record<string, string | number | boolean | null>;
}

/**
 * The machine-readable evidence attached to every PDF report as `custos-evidence.json`:
 * enough to re-check the report's claims against the archive without trusting Custos.
 */
export interface ReportEvidence {
  kind: 'custos-report-evidence';
  version: 1;
  report: {
    type: ReportKind;
    title: string;
    organization: string;
    generatedAt: string;
    generatedBy: string;
    custosVersion: string;
    /** The question the report answers, e.g. "patient = P-1042" or "all entries". */
    query: string;
    /** ISO 8601 interval of the covered entries, or null when no entry has a time. */
    period: { from: string | null; to: string | null };
  };
  files: EvidenceFile[];
  rows: EvidenceRow[];
  findings: Finding[];
  verdict: Verdict | null;
  seal: { path: string; createdAt: string | null; signatureValid: boolean; signer: string | null } | null;
}

/** What `custos verify-report` and the workstation's report check find. */
export interface ReportVerification {
  path: string;
  signed: boolean;
  signatureValid: boolean;
  /** The signature's byte range spans the whole file: nothing was added after signing. */
  coversWholeDocument: boolean;
  signer: SignerSummary | null;
  signingTime: string | null;
  reason: string | null;
  location: string | null;
  subFilter: string | null;
  /** Plain-language problems; empty when everything checks out. */
  problems: string[];
  evidence: ReportEvidence | null;
  /** Re-check of each evidence file against the disk, when it is reachable. */
  files: Array<{ path: string; status: 'unchanged' | 'appended' | 'changed' | 'missing'; detail: string }>;
}

/** Signing a PDF from the workstation: the password travels once to the backend and is never stored. */
export interface PdfSigningRequest {
  p12Path: string;
  password: string;
  reason: string;
  location: string;
}

export interface CertifyRequest {
  /** Where to write the PDF. */
  path: string;
  /** Names the export in its `export.progress` events and for `reports.cancel`. */
  exportId?: string;
  /** Compare the open archive with this seal first. */
  sealPath?: string;
  /** Override the settings' organisation / author for this report. */
  organization?: string;
  generatedBy?: string;
  signing?: PdfSigningRequest;
}

export interface ReportWritten {
  path: string;
  bytes: number;
  signed: boolean;
  signer: SignerSummary | null;
}

export interface FhirExportRequest {
  path: string;
  /** Names the export in its `export.progress` events and for `reports.cancel`. */
  exportId?: string;
  bundle: boolean;
  patients?: string[];
  fromMs?: number;
  toMs?: number;
}

export interface FhirExportDone {
  path: string;
  exported: number;
  /** Calls left out for want of a usable time. */
  undated: number;
}

export const ANALYSIS_PDF_KINDS = ['patient-access', 'disclosures', 'retention', 'break-the-glass', 'alerts'] as const;
export type AnalysisPdfKind = (typeof ANALYSIS_PDF_KINDS)[number];

/** A compliance report of the open archive as PDF, with the same analysis the CLI runs. */
export interface AnalysisPdfRequest {
  kind: AnalysisPdfKind;
  path: string;
  /** Names the export in its `export.progress` events and for `reports.cancel`. */
  exportId?: string;
  /** patient-access and disclosures: the patient id(s). */
  patients?: string[];
  fromMs?: number;
  toMs?: number;
  /** disclosures: keep treatment, payment and operations purposes. */
  includeTreatmentPaymentOperations?: boolean;
  /**
   * retention, break-the-glass and alerts: the moment the review is made as of (what the view
   * showed), e.g. a retention review as of a chosen date; the time of writing when left out.
   */
  asOfMs?: number;
  organization?: string;
  generatedBy?: string;
  signing?: PdfSigningRequest;
}

/** A cell of a CSV export: what the view shows in that column. */
export type CsvCell = string | number | boolean | null;

/** The rows a report view shows, written as CSV (RFC 4180) where the user chose. */
export interface CsvExportRequest {
  path: string;
  columns: string[];
  rows: CsvCell[][];
  /**
   * Large tables arrive in parts (the browser host limits one message to 1 MB): every part carries
   * the same id; the backend keeps the rows until the part marked final, then writes the file once.
   */
  upload?: { id: string; final: boolean };
}

/**
 * Where a long export is, pushed as `export.progress` while it runs: collecting (reading the
 * archive), layout (counting the PDF's pages), rendering (drawing its rows), signing, writing.
 */
export const EXPORT_PHASES = ['collecting', 'layout', 'rendering', 'signing', 'writing'] as const;
export type ExportPhase = (typeof EXPORT_PHASES)[number];

export interface ExportProgress {
  /** The request's exportId. */
  exportId: string;
  phase: ExportPhase;
  /** Rows (layout, rendering), archive bytes (collecting) or steps (signing, writing) done in this phase. */
  done: number;
  /** Of how many; null while unknown. */
  total: number | null;
  /** The whole export's share done, 0 to 1, never going back; 1 when the file is written. */
  fraction: number;
  /**
   * In the collecting phase, where the data comes from: `reading` — this export reads the archive
   * itself (integrity certificate, FHIR); `shared-load` — it waits for the analysis data of the open
   * files being read once for the views and exports alike (done/total are that read's bytes);
   * `reused` — that data was already loaded and nothing is read (done equals total).
   */
  source?: CollectingSource;
}

export type CollectingSource = 'reading' | 'shared-load' | 'reused';

/** Export ids: short, safe to log and to use as a map key. */
export const EXPORT_ID_PATTERN = /^[A-Za-z0-9-]{1,64}$/u;

export interface CsvExportDone {
  path: string;
  rows: number;
  bytes: number;
}
