/**
 * PAdES baseline B-B signing of a finished report: an ETSI.CAdES.detached signature field on the
 * last page (its widget covering the visible signature block), signed over the whole file.
 */
import { pdfkitAddPlaceholder } from '@signpdf/placeholder-pdfkit';
import { createHash, type Hash } from 'node:crypto';
import { ftruncateSync, readSync, writeSync } from 'node:fs';
import { findByteRange } from '@signpdf/utils';
import { signDetachedDigest } from '../signing/cms.js';
import { BlockWriter } from './block-writer.js';
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

/** Bytes read at a time while searching and hashing the written report. */
const READ_BYTES = 1024 * 1024;
/** Room read after the ByteRange placeholder to find the /Contents placeholder (certificates + CMS, hex). */
const SIGNATURE_WINDOW_BYTES = 1024 * 1024;

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  let read = 0;
  while (read < length) {
    const n = readSync(fd, buffer, read, length - read, position + read);
    if (n === 0) break;
    read += n;
  }
  return buffer.subarray(0, read);
}

/** Where `needle` first occurs in the file's first `length` bytes, or -1 (read in blocks, overlapping). */
function findInFile(fd: number, length: number, needle: string): number {
  const overlap = needle.length - 1;
  for (let position = 0; position < length; position += READ_BYTES - overlap) {
    const block = readAt(fd, position, Math.min(READ_BYTES, length - position));
    const at = block.indexOf(needle, 0, 'latin1');
    if (at >= 0) return position + at;
    if (position + block.length >= length) break;
  }
  return -1;
}

/** SHA-256 of the file's bytes in [start, end), read in blocks. */
function hashRange(fd: number, start: number, end: number, hash: Hash): void {
  for (let position = start; position < end; position += READ_BYTES) hash.update(readAt(fd, position, Math.min(READ_BYTES, end - position)));
}

/**
 * What @signpdf's SignPdf.sign does — fill in the ByteRange, sign everything but the /Contents
 * placeholder, write the signature into it — done on the written file: the report is never held
 * in memory, so memory does not grow with its size. `length` is the file's size; returns the
 * signed file's size (a trailing newline after %%EOF is cut, as SignPdf does).
 */
export function signFileInPlace(fd: number, length: number, identity: SigningIdentity): number {
  const tail = readAt(fd, Math.max(0, length - 8), Math.min(8, length)).toString('latin1');
  const trimmed = tail.replace(/\n$/u, '').replace(/\r$/u, '');
  if (!/[\r\n]%%EOF$/u.test(trimmed)) throw new Error('The report does not end with an EOF line: it cannot be signed.');
  const end = length - (tail.length - trimmed.length);
  if (end !== length) ftruncateSync(fd, end);

  const rangeAt = findInFile(fd, end, '/ByteRange [0 /');
  if (rangeAt < 0) throw new Error('The report has no signature placeholder to sign.');
  const window = readAt(fd, rangeAt, Math.min(SIGNATURE_WINDOW_BYTES, end - rangeAt));
  const { byteRangePlaceholder, byteRangePlaceholderPosition } = findByteRange(window);
  if (byteRangePlaceholder === undefined || byteRangePlaceholderPosition !== 0) throw new Error('The report\'s signature placeholder is malformed.');
  const contentsTag = window.indexOf('/Contents ', byteRangePlaceholder.length);
  const start = contentsTag < 0 ? -1 : window.indexOf('<', contentsTag);
  const close = start < 0 ? -1 : window.indexOf('>', start);
  if (contentsTag < 0 || start < 0 || close < 0) throw new Error('The report\'s signature placeholder is malformed.');
  const placeholderStart = rangeAt + start;
  const placeholderEnd = rangeAt + close;
  const hexLength = placeholderEnd - placeholderStart - 1;

  const byteRange = [0, placeholderStart, placeholderEnd + 1, end - (placeholderEnd + 1)];
  const byteRangeText = `/ByteRange [${byteRange.join(' ')}]`;
  if (byteRangeText.length > byteRangePlaceholder.length) throw new Error('The report is too large for its ByteRange placeholder.');
  writeSync(fd, Buffer.from(byteRangeText.padEnd(byteRangePlaceholder.length, ' '), 'latin1'), 0, byteRangePlaceholder.length, rangeAt);
  const hash = createHash('sha256');
  hashRange(fd, 0, placeholderStart, hash);
  hashRange(fd, placeholderEnd + 1, end, hash);
  const cms = signDetachedDigest(hash.digest(), identity);
  if (cms.length * 2 > hexLength) throw new Error(`The signature (${cms.length} bytes) does not fit its placeholder (${hexLength / 2} bytes).`);
  writeSync(fd, Buffer.from(cms.toString('hex').padEnd(hexLength, '0'), 'latin1'), 0, hexLength, placeholderStart + 1);
  return end;
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
  await measuring.finish();
  return measuring.pages;
}

/**
 * Lays the report out twice (see PageLayout): once to count its pages, then for real, with the
 * signature block on the last page, written to `fd` as it is made and signed there when a signing
 * request is given. Returns the file's size and page count.
 */
export async function renderReport(
  fd: number,
  build: (layout: PageLayout) => ReportDocument,
  signing: SigningRequest | null,
  options: RenderOptions = {},
): Promise<{ bytes: number; pages: number }> {
  const { onProgress, signal } = options;
  const appearance = signing ? { signer: signing.identity.summary, reason: signing.reason, location: signing.location, signedAt: signing.signedAt } : null;
  const totalPages = await countPages(build, appearance, options);

  const writer = new BlockWriter(fd);
  const report = build({ totalPages, output: (chunk) => writer.append(chunk) });
  await report.render({ onRows: (done, total) => onProgress?.({ phase: 'rendering', done, total }), ...(signal ? { signal } : {}) });
  const widgetRect = report.signatureBlock(appearance);
  if (report.pages !== totalPages) throw new Error(`The report's layout changed between passes (${totalPages} then ${report.pages} pages).`);
  if (signing && widgetRect) {
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
  }
  await report.finish();
  writer.flush();
  if (!signing || !widgetRect) return { bytes: writer.length, pages: totalPages };
  signal?.throwIfAborted();
  onProgress?.({ phase: 'signing', done: 0, total: 1 });
  const bytes = signFileInPlace(fd, writer.length, signing.identity);
  onProgress?.({ phase: 'signing', done: 1, total: 1 });
  return { bytes, pages: totalPages };
}
