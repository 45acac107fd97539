/**
 * `custos verify-report`: checks a signed report without trusting the software that made it —
 * the CMS signature over the signed byte ranges, that those ranges span the whole file (nothing
 * appended after signing), who signed, and the attached evidence, re-checked against the files.
 * The PDF reading here is deliberately narrow: it finds signature dictionaries and the evidence
 * attachment the way Custos (pdfkit, no object streams) writes them.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { inflateSync } from 'node:zlib';
import type { EvidenceFile, ReportEvidence, ReportVerification } from '../../../shared/report.js';
import { verifyDetached } from '../signing/cms.js';
import { EVIDENCE_ATTACHMENT_NAME } from './report-document.js';

export interface VerifyReportOptions {
  /** Extra files to match evidence files against by name, when they are not at their recorded path. */
  archiveFiles?: string[];
}

export async function verifyReportFile(path: string, options: VerifyReportOptions = {}): Promise<ReportVerification> {
  const pdf = readFileSync(path);
  const result: ReportVerification = {
    path,
    signed: false,
    signatureValid: false,
    coversWholeDocument: false,
    signer: null,
    signingTime: null,
    reason: null,
    location: null,
    subFilter: null,
    problems: [],
    evidence: null,
    files: [],
  };
  if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-') {
    result.problems.push('This is not a PDF file.');
    return result;
  }
  const text = pdf.toString('latin1');

  const signatures = findSignatures(text);
  if (signatures.length === 0) {
    result.problems.push('The report is not signed: nothing shows it is unchanged since it was made.');
  } else {
    if (signatures.length > 1) result.problems.push(`The report carries ${signatures.length} signatures; only the last is checked here.`);
    const signature = signatures[signatures.length - 1]!;
    result.signed = true;
    result.reason = signature.reason;
    result.location = signature.location;
    result.subFilter = signature.subFilter;
    result.signingTime = signature.signingTime;
    const [start1, length1, start2, length2] = signature.byteRange;
    const valid = start1 === 0 && length1 > 0 && start2 > length1 && start2 + length2 <= pdf.length && text[length1] === '<' && text[start2 - 1] === '>';
    if (!valid) {
      result.problems.push('The signature byte range is malformed.');
    } else {
      const cms = Buffer.from(text.slice(length1 + 1, start2 - 1), 'hex');
      const signedContent = Buffer.concat([pdf.subarray(start1, start1 + length1), pdf.subarray(start2, start2 + length2)]);
      const verification = verifyDetached(cms, signedContent);
      result.signer = verification.signer;
      result.signatureValid = verification.valid;
      if (!verification.valid) result.problems.push(`The signature does not verify: ${verification.problem ?? 'unknown reason'}`);
      result.coversWholeDocument = start2 + length2 === pdf.length;
      if (!result.coversWholeDocument) {
        result.problems.push(`The document was changed after signing: ${pdf.length - (start2 + length2)} bytes were added after the signed part.`);
      }
      if (verification.signer && result.signingTime) {
        const at = new Date(result.signingTime);
        if (at < new Date(verification.signer.validFrom) || at > new Date(verification.signer.validTo)) {
          result.problems.push(`The signer's certificate was not valid at the claimed signing time ${result.signingTime}.`);
        }
      }
    }
  }

  try {
    result.evidence = extractEvidence(text, pdf);
    if (!result.evidence) result.problems.push(`The report has no ${EVIDENCE_ATTACHMENT_NAME} attachment to re-check.`);
  } catch (error) {
    result.problems.push(`The attached evidence cannot be read: ${(error as Error).message}`);
  }
  if (result.evidence) {
    for (const file of result.evidence.files) {
      const check = await recheckFile(file, options.archiveFiles ?? []);
      result.files.push(check);
      if (check.status === 'changed') result.problems.push(`${check.path}: ${check.detail}`);
    }
  }
  return result;
}

interface SignatureDictionary {
  byteRange: [number, number, number, number];
  reason: string | null;
  location: string | null;
  subFilter: string | null;
  signingTime: string | null;
}

function findSignatures(text: string): SignatureDictionary[] {
  const found: SignatureDictionary[] = [];
  const pattern = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const objectStart = text.lastIndexOf(' obj', match.index);
    const objectEnd = text.indexOf('endobj', match.index);
    const dictionary = text.slice(objectStart, objectEnd === -1 ? undefined : objectEnd);
    const withoutContents = dictionary.replace(/\/Contents\s*<[0-9a-fA-F\s]*>/, '');
    const stringField = (name: string) => {
      const at = new RegExp(`/${name}\\s*\\(`).exec(withoutContents);
      return at ? decodePdfString(withoutContents, at.index + at[0].length) : null;
    };
    found.push({
      byteRange: [Number(match[1]), Number(match[2]), Number(match[3]), Number(match[4])],
      reason: stringField('Reason'),
      location: stringField('Location'),
      subFilter: /\/SubFilter\s*\/([^\s/<>[\]()]+)/.exec(withoutContents)?.[1] ?? null,
      signingTime: pdfDate(stringField('M')),
    });
  }
  return found;
}

/** A PDF literal string starting after its "(": escapes, balanced parentheses, UTF-16BE with BOM. */
function decodePdfString(text: string, start: number): string {
  const bytes: number[] = [];
  let depth = 0;
  for (let index = start; index < text.length; index++) {
    const char = text[index]!;
    if (char === '\\') {
      const next = text[++index] ?? '';
      const simple: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12, '(': 40, ')': 41, '\\': 92 };
      if (next in simple) bytes.push(simple[next]!);
      else if (/[0-7]/.test(next)) {
        let octal = next;
        while (octal.length < 3 && /[0-7]/.test(text[index + 1] ?? '')) octal += text[++index];
        bytes.push(parseInt(octal, 8) & 0xff);
      } else if (next === '\r' || next === '\n') {
        if (next === '\r' && text[index + 1] === '\n') index++;
      } else bytes.push(next.charCodeAt(0));
      continue;
    }
    if (char === '(') depth++;
    if (char === ')') {
      if (depth === 0) break;
      depth--;
    }
    bytes.push(char.charCodeAt(0));
  }
  const buffer = Buffer.from(bytes);
  if (buffer[0] === 0xfe && buffer[1] === 0xff) {
    const swapped = Buffer.from(buffer.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return buffer.toString('latin1');
}

/** "D:20261122124755Z" or "D:20261122124755+01'00'" → ISO 8601. */
function pdfDate(value: string | null): string | null {
  const match = value ? /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(Z|[+-]\d{2}'?\d{2}'?)?/.exec(value) : null;
  if (!match) return null;
  const [, year, month = '01', day = '01', hour = '00', minute = '00', second = '00', zone = 'Z'] = match;
  const offset = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.replace(/'/g, '').slice(3, 5)}`;
  const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}${offset}`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** Finds the file specification named custos-evidence.json and decodes its embedded stream. */
function extractEvidence(text: string, pdf: Buffer): ReportEvidence | null {
  const nameAt = text.indexOf(`/F (${EVIDENCE_ATTACHMENT_NAME})`);
  if (nameAt === -1) return null;
  const specEnd = text.indexOf('endobj', nameAt);
  const reference = /\/EF\s*<<\s*\/F\s+(\d+)\s+(\d+)\s+R/.exec(text.slice(nameAt, specEnd));
  if (!reference) throw new Error('the attachment has no embedded file stream');
  const objectHeader = new RegExp(`(^|[\\r\\n])${reference[1]}\\s+${reference[2]}\\s+obj\\b`).exec(text);
  if (!objectHeader) throw new Error(`embedded file object ${reference[1]} not found`);
  const streamKeyword = text.indexOf('stream', objectHeader.index);
  const dictionary = text.slice(objectHeader.index, streamKeyword);
  const length = /\/Length\s+(\d+)(?!\s+\d+\s+R)/.exec(dictionary);
  if (!length) throw new Error('the embedded file has no direct /Length');
  let dataStart = streamKeyword + 'stream'.length;
  if (text[dataStart] === '\r') dataStart++;
  if (text[dataStart] === '\n') dataStart++;
  const raw = pdf.subarray(dataStart, dataStart + Number(length[1]));
  const data = /\/Filter\s*\/FlateDecode/.test(dictionary) ? inflateSync(raw) : raw;
  const parsed = JSON.parse(data.toString('utf8')) as ReportEvidence;
  if (parsed.kind !== 'custos-report-evidence' || !Array.isArray(parsed.files) || !Array.isArray(parsed.rows)) {
    throw new Error('it is not Custos report evidence');
  }
  return parsed;
}

async function recheckFile(file: EvidenceFile, archiveFiles: string[]): Promise<ReportVerification['files'][number]> {
  const candidates = [file.absolutePath, ...archiveFiles.filter((candidate) => basename(candidate) === basename(file.absolutePath))];
  const path = candidates.find((candidate) => existsSync(candidate));
  if (!path) return { path: file.absolutePath, status: 'missing', detail: 'not found here: the report cannot be re-checked against it on this computer.' };
  const size = statSync(path).size;
  const whole = await sha256Prefix(path, size);
  if (whole === file.sha256 && size === file.size) return { path, status: 'unchanged', detail: `same ${file.size} bytes and SHA-256 as when the report was made.` };
  if (size > file.size && (await sha256Prefix(path, file.size)) === file.sha256) {
    return { path, status: 'appended', detail: `${size - file.size} bytes were appended since the report was made; the part the report covers is unchanged.` };
  }
  return { path, status: 'changed', detail: `differs from the file the report was made from (SHA-256 ${file.sha256}, ${file.size} bytes; now ${whole ?? 'unreadable'}, ${size} bytes).` };
}

async function sha256Prefix(path: string, length: number): Promise<string | null> {
  const hash = createHash('sha256');
  if (length === 0) return hash.digest('hex');
  try {
    for await (const chunk of createReadStream(path, { start: 0, end: length - 1 })) hash.update(chunk as Buffer);
    return hash.digest('hex');
  } catch {
    return null;
  }
}
