/** Options every PDF-writing command shares: where the PDF goes, who it is for, and how it is signed. */
import type { Command } from 'commander';
import type { VerifyReport } from '../../shared/verification.js';
import type { PageLayout, ReportDocument } from '../core/pdf/report-document.js';
import type { ReportProvenance } from '../core/pdf/report-parts.js';
import { readReportSettings } from '../core/pdf/report-settings.js';
import { writeReport } from '../core/pdf/write-report.js';
import { refuseEvidencePath } from '../core/output/atomic-write.js';
import type { SigningRequest } from '../core/pdf/sign-pdf.js';
import { loadIdentityFile } from '../core/signing/identity.js';
import { readPassword } from './password-prompt.js';

export interface PdfCliOptions {
  pdf: string;
  p12?: string;
  org?: string;
  by?: string;
  reason?: string;
  location?: string;
}

export function addPdfOptions(command: Command, defaultReason: string): Command {
  return command
    .requiredOption('--pdf <file.pdf>', 'write the report as PDF to this file')
    .option('--p12 <file>', 'sign the PDF with this PKCS#12 identity (password from a prompt or CUSTOS_P12_PASSWORD)')
    .option('--org <name>', 'organisation named in the header (default: "organization" in settings.json)')
    .option('--by <name>', 'who generated the report (default: "reportAuthor" in settings.json, else the user name)')
    .option('--reason <text>', 'signature reason', defaultReason)
    .option('--location <place>', 'signature location (default: "reportLocation" in settings.json)');
}

export interface ReportContext {
  organization: string;
  generatedBy: string;
  generatedAt: Date;
  signing: SigningRequest | null;
}

/** Resolves settings and, when signing, loads the identity first so a wrong password fails before any work. */
export async function reportContext(options: PdfCliOptions): Promise<ReportContext> {
  const settings = readReportSettings();
  const generatedAt = new Date();
  let signing: SigningRequest | null = null;
  if (options.p12) {
    const identity = loadIdentityFile(options.p12, await readPassword(`Password for ${options.p12}: `));
    signing = {
      identity,
      reason: options.reason ?? 'Audit report',
      location: options.location ?? settings.location ?? 'not stated',
      signedAt: generatedAt,
    };
  }
  return { organization: options.org ?? settings.organization, generatedBy: options.by ?? settings.author, generatedAt, signing };
}

export function describeSigning(signing: SigningRequest | null): string {
  if (!signing) return 'Not signed (add --p12 FILE to sign).';
  const signer = signing.identity.summary;
  return `Signed by ${signer.subject}${signer.selfSigned ? ' (self-signed)' : ''}, SHA-256 ${signer.fingerprintSha256}.`;
}

/** The same options, optional: analysis commands print their report and can also write it as PDF. */
export type OptionalPdfOptions = Partial<PdfCliOptions>;

export function addOptionalPdfOptions(command: Command): Command {
  return command
    .option('--pdf <file.pdf>', 'also write the report as PDF to this file')
    .option('--p12 <file>', 'sign the PDF with this PKCS#12 identity (password from a prompt or CUSTOS_P12_PASSWORD)')
    .option('--org <name>', 'organisation named in the PDF header (default: "organization" in settings.json)')
    .option('--by <name>', 'who generated the PDF (default: "reportAuthor" in settings.json, else the user name)')
    .option('--reason <text>', 'signature reason')
    .option('--location <place>', 'signature location (default: "reportLocation" in settings.json)');
}

export interface PdfExport {
  /** Builds the PDF from the finished analysis and writes it (temporary file, then rename). */
  write(build: (provenance: ReportProvenance, layout: PageLayout) => { document: ReportDocument }, scope: string[], verification: VerifyReport): Promise<void>;
}

/** Call before the analysis: a wrong password or unreadable identity fails before any work is done. */
export async function preparePdf(options: OptionalPdfOptions, defaultReason: string): Promise<PdfExport | null> {
  if (!options.pdf) {
    if (options.p12) throw new Error('--p12 signs a PDF: add --pdf FILE.');
    return null;
  }
  const path = options.pdf;
  const context = await reportContext({ ...options, pdf: path, reason: options.reason ?? defaultReason });
  return {
    async write(build, scope, verification) {
      refuseEvidencePath(path, verification.files.map((file) => file.path));
      const provenance: ReportProvenance = { organization: context.organization, generatedBy: context.generatedBy, generatedAt: context.generatedAt, scope, verification };
      const written = await writeReport(path, (layout) => build(provenance, layout).document, context.signing);
      // stderr: stdout carries the report itself (or its JSON).
      process.stderr.write(`Wrote ${written.path} (${written.bytes.toLocaleString('en-US')} bytes). ${describeSigning(context.signing)}\n`);
    },
  };
}
