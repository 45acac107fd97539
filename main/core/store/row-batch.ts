/**
 * Entries packed for the index writer: typed arrays and a few strings instead of one object per
 * entry. Range workers pack on their thread and transfer the arrays to the database thread without
 * copying; the writer then only binds numbers. Repeated strings (users, patients, tools…) travel
 * once: each producer numbers its labels itself and sends a label's text with the first batch that
 * uses it, so the database thread interns each distinct value once per producer.
 */
import type { NormalizedEntry } from '../../../shared/entry.js';
import { compactTime } from './compact-time.js';
import { LABEL_COLUMNS, type LabelColumn } from './schema.js';

const LABEL_FIELD: Record<LabelColumn, keyof NormalizedEntry> = {
  event_type: 'eventType',
  user: 'user',
  role: 'role',
  patient: 'patient',
  tool: 'tool',
  purpose: 'purpose',
  conversation: 'conversationId',
  model: 'model',
  trigger: 'trigger',
  client_ip: 'clientIp',
  error: 'error',
  decision: 'decision',
};

/** The entry fields behind the label columns, in LABEL_COLUMNS order. */
const LABEL_FIELDS: ReadonlyArray<keyof NormalizedEntry> = LABEL_COLUMNS.map((column) => LABEL_FIELD[column]);
export const LABELS_PER_ROW = LABEL_COLUMNS.length;

/** Numeric columns of a packed row, in this order; NaN stands for SQL NULL. */
export const NUMBER = {
  fileId: 0,
  line: 1,
  byteOffset: 2,
  byteLength: 3,
  timeMs: 4,
  timeExtra: 5,
  success: 6,
  durationMs: 7,
  turn: 8,
  callRecord: 9,
  timeAssumedUtc: 10,
  breakGlass: 11,
} as const;
export const NUMBERS_PER_ROW = 12;

/** Text columns of a packed row (mostly null), in this order. */
export const STRING = { format: 0, timeRaw: 1, callId: 2, privacy: 3, breakGlassSignals: 4 } as const;
export const STRINGS_PER_ROW = 5;

export const SHA256_BYTES = 32;

export interface RowBatch {
  count: number;
  /** NUMBERS_PER_ROW per row. */
  numbers: Float64Array;
  /** LABELS_PER_ROW producer label ids per row; -1 for null. */
  labels: Int32Array;
  /** Texts of the producer's labels first used in this batch: they take ids `labelBase`, `labelBase + 1`, … */
  newLabels: string[];
  labelBase: number;
  /** (producer label id × 16 + column index) of label uses first seen in this batch (the filter pickers' column_values). */
  newColumnUses: number[];
  /** STRINGS_PER_ROW per row. */
  strings: Array<string | null>;
  /** SHA256_BYTES per row: sha256 of the line's bytes. */
  sha256: Uint8Array;
  /** Searchable arguments then result text of every row, UTF-8, back to back. */
  text: Uint8Array;
  /** Two byte lengths per row (arguments, result); -1 for a row with no searchable text. */
  textLengths: Int32Array;
}

/** The buffers to transfer when posting a batch to another thread. */
export function transferablesOf(batch: RowBatch): ArrayBuffer[] {
  return [batch.numbers.buffer, batch.labels.buffer, batch.sha256.buffer, batch.text.buffer, batch.textLengths.buffer] as ArrayBuffer[];
}

/** A JSON object key: `"name":`. */
const JSON_KEY = /"[^"\\]*(?:\\.[^"\\]*)*"\s*:/gu;

/**
 * What free text searches: the values of arguments and results, without their JSON keys. Keys
 * repeat in every entry (a third of the full-text index) and are not what people search for.
 */
export function searchableText(text: string | null): string {
  return text === null ? '' : text.replace(JSON_KEY, ' ');
}

/** Packs entries into RowBatches. One packer per producer: it remembers which labels it has sent. */
export class RowBatchPacker {
  private readonly labelIds = new Map<string, number>();
  /** Per label id, a bit per label column it has been sent as used in. */
  private readonly columnUses: number[] = [];
  private rows = 0;
  private numbers: Float64Array;
  private labels: Int32Array;
  private strings: Array<string | null>;
  private sha256: Uint8Array;
  private text: Buffer;
  private textUsed = 0;
  private textLengths: Int32Array;
  private newLabels: string[] = [];
  private labelBase = 0;
  private newColumnUses: number[] = [];

  constructor(readonly capacity = 5000) {
    this.numbers = new Float64Array(capacity * NUMBERS_PER_ROW);
    this.labels = new Int32Array(capacity * LABELS_PER_ROW);
    this.strings = new Array<string | null>(capacity * STRINGS_PER_ROW).fill(null);
    this.sha256 = new Uint8Array(capacity * SHA256_BYTES);
    this.text = Buffer.allocUnsafe(capacity * 256);
    this.textLengths = new Int32Array(capacity * 2);
  }

  get size(): number {
    return this.rows;
  }

  get full(): boolean {
    return this.rows >= this.capacity;
  }

  /**
   * Packs one entry; `fileId` may be 0 when the receiver places the batch in its file. `lineSha256`
   * (the line's digest) spares decoding `entry.lineSha256` from hex.
   */
  add(fileId: number, entry: NormalizedEntry, lineSha256?: Uint8Array): void {
    const row = this.rows++;
    const n = row * NUMBERS_PER_ROW;
    const numbers = this.numbers;
    const time = compactTime(entry.timeMs, entry.timeRaw);
    numbers[n + NUMBER.fileId] = fileId;
    numbers[n + NUMBER.line] = entry.source.line;
    numbers[n + NUMBER.byteOffset] = entry.source.byteOffset;
    numbers[n + NUMBER.byteLength] = entry.source.byteLength;
    numbers[n + NUMBER.timeMs] = entry.timeMs ?? Number.NaN;
    numbers[n + NUMBER.timeExtra] = time.extra ?? Number.NaN;
    numbers[n + NUMBER.success] = entry.success === null ? Number.NaN : entry.success ? 1 : 0;
    numbers[n + NUMBER.durationMs] = entry.durationMs ?? Number.NaN;
    numbers[n + NUMBER.turn] = entry.turn ?? Number.NaN;
    numbers[n + NUMBER.callRecord] = entry.callRecord === false ? 0 : 1;
    numbers[n + NUMBER.timeAssumedUtc] = entry.timeAssumedUtc === true ? 1 : 0;
    numbers[n + NUMBER.breakGlass] = entry.breakGlass.length > 0 ? 1 : 0;

    const l = row * LABELS_PER_ROW;
    for (let column = 0; column < LABELS_PER_ROW; column++) {
      const value = entry[LABEL_FIELDS[column]!] as string | null | undefined;
      this.labels[l + column] = value === null || value === undefined ? -1 : this.labelId(value, column);
    }

    const s = row * STRINGS_PER_ROW;
    this.strings[s + STRING.format] = entry.format;
    this.strings[s + STRING.timeRaw] = time.raw;
    this.strings[s + STRING.callId] = entry.callId;
    this.strings[s + STRING.privacy] = entry.privacy ?? null;
    this.strings[s + STRING.breakGlassSignals] = entry.breakGlass.length > 0 ? JSON.stringify(entry.breakGlass) : null;

    if (lineSha256 === undefined) this.sha256.set(Buffer.from(entry.lineSha256, 'hex'), row * SHA256_BYTES);
    else this.sha256.set(lineSha256, row * SHA256_BYTES);

    if (entry.argsText || entry.resultText) {
      this.textLengths[row * 2] = this.writeText(searchableText(entry.argsText));
      this.textLengths[row * 2 + 1] = this.writeText(searchableText(entry.resultText));
    } else {
      this.textLengths[row * 2] = -1;
      this.textLengths[row * 2 + 1] = -1;
    }
  }

  /** The packed rows so far (trimmed copies), and a fresh start for the next batch. */
  take(): RowBatch {
    const count = this.rows;
    const batch: RowBatch = {
      count,
      numbers: this.numbers.slice(0, count * NUMBERS_PER_ROW),
      labels: this.labels.slice(0, count * LABELS_PER_ROW),
      newLabels: this.newLabels,
      labelBase: this.labelBase,
      newColumnUses: this.newColumnUses,
      strings: this.strings.slice(0, count * STRINGS_PER_ROW),
      sha256: this.sha256.slice(0, count * SHA256_BYTES),
      text: new Uint8Array(this.text.subarray(0, this.textUsed)),
      textLengths: this.textLengths.slice(0, count * 2),
    };
    this.rows = 0;
    this.textUsed = 0;
    this.labelBase += this.newLabels.length;
    this.newLabels = [];
    this.newColumnUses = [];
    return batch;
  }

  private labelId(value: string, column: number): number {
    let id = this.labelIds.get(value);
    if (id === undefined) {
      id = this.labelIds.size;
      this.labelIds.set(value, id);
      this.newLabels.push(value);
      this.columnUses.push(0);
    }
    const uses = this.columnUses[id]!;
    if ((uses & (1 << column)) === 0) {
      this.columnUses[id] = uses | (1 << column);
      this.newColumnUses.push(id * 16 + column);
    }
    return id;
  }

  /** Appends `text` as UTF-8; returns its byte length. */
  private writeText(text: string): number {
    if (text.length === 0) return 0;
    const worst = text.length * 3;
    if (this.textUsed + worst > this.text.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.text.length * 2, this.textUsed + worst));
      this.text.copy(grown, 0, 0, this.textUsed);
      this.text = grown;
    }
    const written = this.text.write(text, this.textUsed, 'utf8');
    this.textUsed += written;
    return written;
  }
}
