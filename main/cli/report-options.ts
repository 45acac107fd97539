/** Options every PDF-writing command shares: where the PDF goes, who it is for, and how it is signed. */
import type { Command } from 'commander';
import { readReportSettings } from '../core/pdf/report-settings.js';
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
