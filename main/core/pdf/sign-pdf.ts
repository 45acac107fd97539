/**
 * PAdES baseline B-B signing of a finished report: an ETSI.CAdES.detached signature field on the
 * last page (its widget covering the visible signature block), signed over the whole file.
 */
import { pdfkitAddPlaceholder } from '@signpdf/placeholder-pdfkit';
import { SignPdf, Signer } from '@signpdf/signpdf';
import { signDetached } from '../signing/cms.js';
import type { SigningIdentity } from '../signing/identity.js';
import type { PageLayout, ReportDocument } from './report-document.js';

export const PADES_SUBFILTER = 'ETSI.CAdES.detached';

export interface SigningRequest {
  identity: SigningIdentity;
  reason: string;
  location: string;
  contactInfo?: string;
  signedAt: Date;
}

class CadesSigner extends Signer {
  constructor(private readonly identity: SigningIdentity) {
    super();
  }

  override async sign(content: Buffer): Promise<Buffer> {
    return signDetached(content, this.identity);
  }
}

/**
 * Lays the report out twice (see PageLayout): once to count its pages, then for real, with the
 * signature block on the last page; returns the bytes, signed when a signing request is given.
 */
export async function renderReport(build: (layout: PageLayout) => ReportDocument, signing: SigningRequest | null): Promise<Buffer> {
  const appearance = signing ? { signer: signing.identity.summary, reason: signing.reason, location: signing.location, signedAt: signing.signedAt } : null;
  const measuring = build({ totalPages: null });
  measuring.signatureBlock(appearance);
  const totalPages = measuring.pages;
  await measuring.toBuffer();

  const report = build({ totalPages });
  const widgetRect = report.signatureBlock(appearance);
  if (report.pages !== totalPages) throw new Error(`The report's layout changed between passes (${totalPages} then ${report.pages} pages).`);
  if (!signing || !widgetRect) return report.toBuffer();

  const certificateBytes = [signing.identity.certificate, ...signing.identity.chain].reduce((sum, der) => sum + der.length, 0);
  pdfkitAddPlaceholder({
    pdf: report.doc,
    pdfBuffer: Buffer.alloc(0),
    reason: signing.reason,
    contactInfo: signing.contactInfo ?? '',
    name: signing.identity.summary.commonName,
    location: signing.location,
    signingTime: signing.signedAt,
    // Room for the CMS: the certificates plus signature, attributes and structure.
    signatureLength: certificateBytes + 4096,
    subFilter: PADES_SUBFILTER,
    widgetRect,
    // Serialized as a PDF name: no spaces allowed.
    appName: 'Custos',
  });
  const unsigned = await report.toBuffer();
  return new SignPdf().sign(unsigned, new CadesSigner(signing.identity));
}
