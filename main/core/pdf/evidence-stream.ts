/**
 * The evidence attachment (custos-evidence.json) serialized and compressed row by row, so a report
 * of many rows never holds its evidence as objects or as one JSON text: only the compressed bytes,
 * which are part of the PDF anyway. The JSON is the same as JSON.stringify(evidence, null, 2).
 */
import { createHash } from 'node:crypto';
import { Zlib } from 'fflate';
import type { EvidenceRow, ReportEvidence } from '../../../shared/report.js';

/** Evidence whose rows are produced on demand (an array works too); iterated once, when the PDF is written. */
export type EvidenceSource = Omit<ReportEvidence, 'rows'> & { rows: Iterable<EvidenceRow> };

export interface CompressedEvidence {
  /** zlib (FlateDecode) bytes of the JSON text. */
  deflated: Buffer;
  /** Size and MD5 of the JSON text, for the embedded file's parameters. */
  size: number;
  md5Hex: string;
  rows: number;
}

/** Uncompressed bytes gathered before they are handed to the compressor. */
const BATCH_BYTES = 64 * 1024;
const ROWS_MARKER = '\u0000custos-evidence-rows\u0000';

export function compressEvidence(evidence: EvidenceSource, onRow?: () => void): CompressedEvidence {
  const compressed: Uint8Array[] = [];
  const zlib = new Zlib({ level: 6 }, (chunk) => compressed.push(chunk));
  const md5 = createHash('md5');
  let size = 0;
  let pending: string[] = [];
  let pendingBytes = 0;
  const flush = (final: boolean): void => {
    const bytes = Buffer.from(pending.join(''), 'utf8');
    pending = [];
    pendingBytes = 0;
    md5.update(bytes);
    size += bytes.length;
    zlib.push(bytes, final);
  };
  const write = (text: string): void => {
    pending.push(text);
    pendingBytes += text.length;
    if (pendingBytes >= BATCH_BYTES) flush(false);
  };

  // Everything but the rows, with a marker where the rows array goes.
  const frame = JSON.stringify({ ...evidence, rows: ROWS_MARKER }, null, 2);
  const marker = JSON.stringify(ROWS_MARKER);
  const at = frame.indexOf(marker);
  if (at < 0) throw new Error('The evidence frame lost its rows marker.');
  write(frame.slice(0, at));
  let rows = 0;
  for (const row of evidence.rows) {
    // Rows sit two levels deep: indent their own pretty-printing by four spaces.
    write(`${rows === 0 ? '[' : ','}\n    ${JSON.stringify(row, null, 2).replaceAll('\n', '\n    ')}`);
    rows++;
    onRow?.();
  }
  write(rows === 0 ? '[]' : '\n  ]');
  write(frame.slice(at + marker.length));
  write('\n');
  flush(true);
  return { deflated: Buffer.concat(compressed), size, md5Hex: md5.digest('hex'), rows };
}

/** A lazily mapped, re-iterable view of rows: nothing is copied until it is iterated. */
export function mapRows<In, Out>(rows: Iterable<In>, map: (row: In) => Out): Iterable<Out> {
  return {
    *[Symbol.iterator]() {
      for (const row of rows) yield map(row);
    },
  };
}
