/**
 * PAdES baseline B-B signing of a finished report: an ETSI.CAdES.detached signature field on the
 * last page (its widget covering the visible signature block), signed over the whole file.
 */
import { pdfkitAddPlaceholder } from '@signpdf/placeholder-pdfkit';
import { findByteRange, removeTrailingNewLine } from '@signpdf/utils';
import { signDetached } from '../signing/cms.js';
import type { SigningIdentity } from '../signing/identity.js';
import type { PageLayout, ReportDocument, SignatureAppearance } from './report-document.js';

export const PADES_SUBFILTER = 'ETSI.CAdES.detached';

export interface SigningRequest {
  identity: SigningIdentity;
  reason: string;
  location: string;
  contactInfo?: string;
  signedAt: Date;
}

/**
 * What @signpdf's SignPdf.sign does — fill in the ByteRange, sign everything but the /Contents
 * placeholder, write the signature into it — done in place: SignPdf makes three whole-file copies
 * on the way, which for a large report cost more memory than the report itself.
 */
export function signInPlace(unsigned: Buffer, identity: SigningIdentity): Buffer {
  const pdf = removeTrailingNewLine(unsigned);
  const { byteRangePlaceholder, byteRangePlaceholderPosition } = findByteRange(pdf);
  if (byteRangePlaceholder === undefined || byteRangePlaceholderPosition === undefined) throw new Error('The report has no signature placeholder to sign.');
  const contentsTag = pdf.indexOf('/Contents ', byteRangePlaceholderPosition + byteRangePlaceholder.length);
  const placeholderStart = pdf.indexOf('<', contentsTag);
  const placeholderEnd = pdf.indexOf('>', placeholderStart);
  if (contentsTag < 0 || placeholderStart < 0 || placeholderEnd < 0) throw new Error('The report\'s signature placeholder is malformed.');
  const hexLength = placeholderEnd - placeholderStart - 1;
  const byteRange = [0, placeholderStart, placeholderEnd + 1, pdf.length - (placeholderEnd + 1)];
  const byteRangeText = `/ByteRange [${byteRange.join(' ')}]`;
  if (byteRangeText.length > byteRangePlaceholder.length) throw new Error('The report is too large for its ByteRange placeholder.');
  pdf.write(byteRangeText.padEnd(byteRangePlaceholder.length, ' '), byteRangePlaceholderPosition, 'latin1');
  const cms = signDetached([pdf.subarray(0, placeholderStart), pdf.subarray(placeholderEnd + 1)], identity);
  if (cms.length * 2 > hexLength) throw new Error(`The signature (${cms.length} bytes) does not fit its placeholder (${hexLength / 2} bytes).`);
  pdf.write(cms.toString('hex').padEnd(hexLength, '0'), placeholderStart + 1, 'latin1');
  return pdf;
}

/** Where a report being written is: laying out (counting pages), rendering, signing, writing the file. */
export type RenderPhase = 'layout' | 'rendering' | 'signing' | 'writing';

export interface RenderProgress {
  phase: RenderPhase;
  /** Table rows drawn in this phase (layout, rendering), or steps done (signing, writing). */
  done: number;
  /** Null while the number of rows is not known yet. */
  total: number | null;
}

export interface RenderOptions {
  onProgress?: (progress: RenderProgress) => void;
  /** Stops the report between batches of rows; nothing is written. */
  signal?: AbortSignal;
}

/** The layout pass: the report drawn without keeping its output (nor the document, once counted). */
async function countPages(build: (layout: PageLayout) => ReportDocument, appearance: SignatureAppearance | null, { onProgress, signal }: RenderOptions): Promise<number> {
  const measuring = build({ totalPages: null });
  await measuring.render({ onRows: (done, total) => onProgress?.({ phase: 'layout', done, total }), ...(signal ? { signal } : {}) });
  measuring.signatureBlock(appearance);
  await measuring.toBuffer();
  return measuring.pages;
}

/**
 * Lays the report out twice (see PageLayout): once to count its pages, then for real, with the
 * signature block on the last page; returns the bytes, signed when a signing request is given.
 */
export async function renderReport(build: (layout: PageLayout) => ReportDocument, signing: SigningRequest | null, options: RenderOptions = {}): Promise<{ bytes: Buffer; pages: number }> {
  const { onProgress, signal } = options;
  const appearance = signing ? { signer: signing.identity.summary, reason: signing.reason, location: signing.location, signedAt: signing.signedAt } : null;
  const totalPages = await countPages(build, appearance, options);

  const report = build({ totalPages });
  await report.render({ onRows: (done, total) => onProgress?.({ phase: 'rendering', done, total }), ...(signal ? { signal } : {}) });
  const widgetRect = report.signatureBlock(appearance);
  if (report.pages !== totalPages) throw new Error(`The report's layout changed between passes (${totalPages} then ${report.pages} pages).`);
  if (!signing || !widgetRect) return { bytes: await report.toBuffer(), pages: totalPages };

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
  signal?.throwIfAborted();
  onProgress?.({ phase: 'signing', done: 0, total: 1 });
  const signed = signInPlace(unsigned, signing.identity);
  onProgress?.({ phase: 'signing', done: 1, total: 1 });
  return { bytes: signed, pages: totalPages };
}
