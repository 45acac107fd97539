/**
 * The frame every Custos PDF report shares: a first-page header naming the organisation, title,
 * scope and provenance; a running header and "page X of Y" footer on every page; tables whose
 * header row repeats on each page and whose cells wrap; the evidence JSON as a file attachment;
 * and a signature block on the last page. Reports add their own sections in between.
 */
import PDFDocument from 'pdfkit';
import type { SignerSummary } from '../../../shared/signing.js';
import { compressEvidence, type EvidenceSource } from './evidence-stream.js';
import { fontPath } from './fonts.js';

export const EVIDENCE_ATTACHMENT_NAME = 'custos-evidence.json';

export interface ReportHeader {
  organization: string;
  title: string;
  /** One sentence under the title saying what the report is about. */
  subtitle: string;
  /** The question the report answers. */
  query: string;
  /** Human-readable period, e.g. "2026-03-01 to 2026-03-31 (UTC)". */
  period: string;
  generatedAt: Date;
  generatedBy: string;
  custosVersion: string;
  /** PDF metadata subject. */
  subject: string;
  keywords?: string;
}

export interface TableColumn<Row> {
  header: string;
  /** Relative width; columns share the page width in proportion. */
  weight: number;
  align?: 'left' | 'right' | 'center';
  mono?: boolean;
  /** Shrink the text instead of wrapping it (file:line references, identifiers). */
  fit?: boolean;
  value: (row: Row) => string;
  /** Optional text colour for a cell, e.g. red for a failure. */
  color?: (row: Row) => string | undefined;
}

export type Tone = 'ok' | 'warning' | 'critical' | 'neutral';

export interface SignatureAppearance {
  signer: SignerSummary;
  reason: string;
  location: string;
  signedAt: Date;
}

const COLORS = {
  text: '#1f2933',
  muted: '#52606d',
  faint: '#9aa5b1',
  rule: '#cbd2d9',
  headerFill: '#e4e9f0',
  zebra: '#f5f7fa',
  accent: '#1f4e79',
  ok: '#1e7b34',
  warning: '#a15c07',
  critical: '#b42318',
  neutral: '#52606d',
} as const;

const MARGIN = { top: 64, bottom: 58, left: 50, right: 50 };
const CELL_PADDING = { x: 4, y: 3 };

/**
 * How many pages the finished report has. Reports are laid out twice: a first pass (totalPages
 * null, output discarded) counts the pages, the second writes "page X of Y" on each page as it
 * is made. Pages are then flushed as they fill, so memory does not grow with the row count.
 */
export interface PageLayout {
  totalPages: number | null;
  /** Where the final pass's bytes go (the layout pass's are thrown away). */
  output?: (chunk: Uint8Array) => void;
}

/** What a table row count progress report says: rows drawn so far, of how many (null when unknown). */
export type RowProgress = (done: number, total: number | null) => void;

export interface RenderHooks {
  onRows?: RowProgress;
  /** Checked between batches of rows: an abort stops the report with the signal's reason. */
  signal?: AbortSignal;
}

/** Rows drawn between progress reports and event-loop yields (so a long report never blocks the backend). */
const ROWS_PER_TICK = 250;
/** Distinct cell texts whose measurements are kept; a table of unique texts (times, file:line) must not grow them for ever. */
const MEASURE_CACHE_LIMIT = 4096;
/** Share of a cell's width a line may fill and still be measured without pdfkit's line wrapper. */
const FITS_WITHOUT_WRAPPING = 0.97;

type Operation = (context: RenderContext) => void | Promise<void>;

interface RenderContext {
  hooks: RenderHooks;
  rowsDone: number;
  rowsTotal: number | null;
  tick(): Promise<void>;
}

type PdfkitInternals = PDFKit.PDFDocument & {
  _font: unknown;
  _fontSize: number;
  _fillColor: [PDFKit.Mixins.ColorValue, number] | undefined;
  _fontFamilies: Record<string, { layoutCache?: Record<string, unknown> }>;
};

/**
 * A report is described first (the builders call heading, table, … in order) and drawn by
 * render(), which streams table rows from their iterables, reports progress and yields between
 * batches. Only the first page's header is drawn at construction.
 */
export class ReportDocument {
  readonly doc: PDFKit.PDFDocument;
  private readonly header: ReportHeader;
  private readonly totalPages: number | null;
  private pageCount = 1;
  private readonly operations: Operation[] = [];
  /** Rows the tables will draw, when every table's rows are counted (arrays, or sources with a count). */
  private declaredRows: number | null = 0;
  private rendered = false;

  constructor(header: ReportHeader, layout: PageLayout = { totalPages: null }) {
    this.header = header;
    this.totalPages = layout.totalPages;
    this.doc = new PDFDocument({
      // The layout pass's output is thrown away: don't spend time compressing it.
      compress: layout.totalPages !== null,
      size: 'A4',
      margins: MARGIN,
      bufferPages: false,
      autoFirstPage: true,
      pdfVersion: '1.7',
      lang: 'en',
      displayTitle: true,
      info: {
        Title: header.title,
        Author: `${header.generatedBy}, ${header.organization}`,
        Subject: header.subject,
        Keywords: header.keywords ?? 'audit log, integrity, Custos',
        Creator: `Custos ${header.custosVersion}`,
        Producer: `Custos ${header.custosVersion} (pdfkit)`,
        CreationDate: header.generatedAt,
        ModDate: header.generatedAt,
      },
    });
    this.doc.registerFont('Sans', fontPath('regular'));
    this.doc.registerFont('Sans-Bold', fontPath('bold'));
    this.doc.registerFont('Mono', fontPath('mono'));
    this.doc.registerFont('Table', fontPath('condensed'));
    this.doc.registerFont('Table-Bold', fontPath('condensedBold'));
    // The layout pass keeps no output; the final pass hands it on as it is made.
    const output = layout.output;
    this.doc.on('data', (chunk: Buffer) => {
      if (this.totalPages !== null) output?.(chunk);
    });
    this.doc.on('pageAdded', () => {
      this.pageCount++;
      this.decorateCurrentPage();
    });
    this.decorateCurrentPage();
    this.doc.font('Sans').fontSize(9.5).fillColor(COLORS.text);
    this.firstPageHeader();
  }

  /** Pages made so far (all of them once the content is rendered). */
  get pages(): number {
    return this.pageCount;
  }

  /** True for the first pass, which only counts pages. */
  get layoutOnly(): boolean {
    return this.totalPages === null;
  }

  /** Draws everything described so far, streaming table rows. Call once, before signatureBlock and finish. */
  async render(hooks: RenderHooks = {}): Promise<void> {
    if (this.rendered) throw new Error('The report was already rendered.');
    this.rendered = true;
    const context: RenderContext = {
      hooks,
      rowsDone: 0,
      rowsTotal: this.declaredRows,
      tick: async () => {
        hooks.onRows?.(context.rowsDone, context.rowsTotal);
        hooks.signal?.throwIfAborted();
        await new Promise<void>((resolve) => setImmediate(resolve));
        hooks.signal?.throwIfAborted();
      },
    };
    for (const operation of this.operations.splice(0)) {
      hooks.signal?.throwIfAborted();
      await operation(context);
    }
    hooks.onRows?.(context.rowsDone, context.rowsTotal ?? context.rowsDone);
  }

  private later(operation: Operation): void {
    if (this.rendered) throw new Error('The report was already rendered: describe all content before render().');
    this.operations.push(operation);
  }

  private get contentWidth(): number {
    return this.doc.page.width - MARGIN.left - MARGIN.right;
  }

  private get pageBottom(): number {
    return this.doc.page.height - MARGIN.bottom;
  }

  private firstPageHeader(): void {
    const { doc, header } = this;
    const top = 40;
    doc.font('Sans-Bold').fontSize(9).fillColor(COLORS.accent).text(header.organization.toUpperCase(), MARGIN.left, top, { width: this.contentWidth * 0.7, characterSpacing: 0.4 });
    doc.font('Sans').fontSize(8).fillColor(COLORS.muted).text(`Custos ${header.custosVersion}`, MARGIN.left, top, { width: this.contentWidth, align: 'right' });
    doc.moveTo(MARGIN.left, top + 16).lineTo(MARGIN.left + this.contentWidth, top + 16).lineWidth(1.2).strokeColor(COLORS.accent).stroke();

    doc.font('Sans-Bold').fontSize(20).fillColor(COLORS.text).text(header.title, MARGIN.left, top + 28, { width: this.contentWidth });
    doc.moveDown(0.2);
    doc.font('Sans').fontSize(10.5).fillColor(COLORS.muted).text(header.subtitle, { width: this.contentWidth });
    doc.moveDown(0.8);
    this.drawKeyValues([
      ['Scope', header.query],
      ['Period', header.period],
      ['Generated', `${formatUtc(header.generatedAt)} by ${header.generatedBy}`],
      ['Software', `Custos ${header.custosVersion}`],
      ['Evidence', `Attached to this PDF as ${EVIDENCE_ATTACHMENT_NAME} (open the attachments panel of your PDF reader)`],
    ]);
    this.drawRule();
  }

  /** Horizontal rule across the content width, with a little space around it. */
  rule(): void {
    this.later(() => this.drawRule());
  }

  private drawRule(): void {
    const { doc } = this;
    doc.moveDown(0.5);
    doc.moveTo(MARGIN.left, doc.y).lineTo(MARGIN.left + this.contentWidth, doc.y).lineWidth(0.5).strokeColor(COLORS.rule).stroke();
    doc.moveDown(0.7);
  }

  /** Starts a new page if fewer than `height` points are left. */
  ensureSpace(height: number): void {
    this.later(() => this.ensureSpaceNow(height));
  }

  private ensureSpaceNow(height: number): void {
    if (this.doc.y + height > this.pageBottom) this.doc.addPage();
  }

  heading(text: string): void {
    this.later(() => this.drawHeading(text));
  }

  private drawHeading(text: string): void {
    this.ensureSpaceNow(60);
    const { doc } = this;
    doc.moveDown(0.6);
    doc.font('Sans-Bold').fontSize(12.5).fillColor(COLORS.accent).text(text, MARGIN.left, doc.y, { width: this.contentWidth });
    doc.moveDown(0.35);
    doc.font('Sans').fontSize(9.5).fillColor(COLORS.text);
  }

  paragraph(text: string, options: { color?: string; size?: number; bold?: boolean } = {}): void {
    this.later(() => this.drawParagraph(text, options));
  }

  private drawParagraph(text: string, options: { color?: string; size?: number; bold?: boolean } = {}): void {
    const { doc } = this;
    doc
      .font(options.bold ? 'Sans-Bold' : 'Sans')
      .fontSize(options.size ?? 9.5)
      .fillColor(options.color ?? COLORS.text)
      .text(text, MARGIN.left, doc.y, { width: this.contentWidth, lineGap: 1.5 });
    doc.moveDown(0.4);
    doc.font('Sans').fontSize(9.5).fillColor(COLORS.text);
  }

  /** Label/value pairs in two aligned columns. */
  keyValues(pairs: Array<[string, string]>, options: { monoValues?: boolean } = {}): void {
    this.later(() => this.drawKeyValues(pairs, options));
  }

  private drawKeyValues(pairs: Array<[string, string]>, options: { monoValues?: boolean } = {}): void {
    const { doc } = this;
    const labelWidth = 92;
    const valueWidth = this.contentWidth - labelWidth;
    for (const [label, value] of pairs) {
      doc.font(options.monoValues ? 'Mono' : 'Sans').fontSize(9);
      const valueHeight = doc.heightOfString(value, { width: valueWidth });
      doc.font('Sans-Bold').fontSize(9);
      const height = Math.max(valueHeight, doc.heightOfString(label, { width: labelWidth - 8 }), 11);
      this.ensureSpaceNow(height + 3);
      const y = doc.y;
      doc.font('Sans-Bold').fontSize(9).fillColor(COLORS.muted).text(label, MARGIN.left, y, { width: labelWidth - 8 });
      doc
        .font(options.monoValues ? 'Mono' : 'Sans')
        .fontSize(9)
        .fillColor(COLORS.text)
        .text(value, MARGIN.left + labelWidth, y, { width: valueWidth });
      doc.y = y + height + 3;
    }
    doc.x = MARGIN.left;
    doc.font('Sans').fontSize(9.5).fillColor(COLORS.text);
  }

  /** A bordered box with a coloured bar: the report's conclusion at a glance. */
  verdictBox(tone: Tone, title: string, lines: string[]): void {
    this.later(() => this.drawVerdictBox(tone, title, lines));
  }

  private drawVerdictBox(tone: Tone, title: string, lines: string[]): void {
    const { doc } = this;
    const color = COLORS[tone];
    const innerWidth = this.contentWidth - 24;
    doc.font('Sans-Bold').fontSize(11);
    let height = doc.heightOfString(title, { width: innerWidth }) + 8;
    doc.font('Sans').fontSize(9.5);
    for (const line of lines) height += doc.heightOfString(line, { width: innerWidth, lineGap: 1.5 }) + 3;
    height += 10;
    this.ensureSpaceNow(height + 8);
    const top = doc.y;
    doc.save();
    doc.rect(MARGIN.left, top, this.contentWidth, height).fillColor(COLORS.zebra).fill();
    doc.rect(MARGIN.left, top, 5, height).fillColor(color).fill();
    doc.restore();
    doc.font('Sans-Bold').fontSize(11).fillColor(color).text(title, MARGIN.left + 16, top + 9, { width: innerWidth });
    doc.moveDown(0.25);
    doc.font('Sans').fontSize(9.5).fillColor(COLORS.text);
    for (const line of lines) {
      doc.text(line, MARGIN.left + 16, doc.y, { width: innerWidth, lineGap: 1.5 });
      doc.moveDown(0.2);
    }
    doc.x = MARGIN.left;
    doc.y = top + height + 10;
  }

  /**
   * A table that repeats its header row on every page and wraps long cells. A row is never split
   * across pages. Rows are read from the iterable as they are drawn (an array, or a generator
   * paging through a store) and not kept; `count` tells progress how many to expect when `rows`
   * is not an array.
   */
  table<Row>(columns: Array<TableColumn<Row>>, rows: Iterable<Row>, options: { emptyMessage: string; fontSize?: number; count?: number }): void {
    const count = Array.isArray(rows) ? rows.length : options.count;
    this.declaredRows = this.declaredRows === null || count === undefined ? null : this.declaredRows + count;
    this.later((context) => this.drawTable(columns, rows, options, context));
  }

  private async drawTable<Row>(columns: Array<TableColumn<Row>>, rows: Iterable<Row>, options: { emptyMessage: string; fontSize?: number }, context: RenderContext): Promise<void> {
    const { doc } = this;
    const fontSize = options.fontSize ?? 8.5;
    const totalWeight = columns.reduce((sum, column) => sum + column.weight, 0);
    const widths = columns.map((column) => (column.weight / totalWeight) * this.contentWidth);
    const lefts = widths.map((_, index) => MARGIN.left + widths.slice(0, index).reduce((sum, width) => sum + width, 0));

    const MIN_FIT_SIZE = 5.5;
    // Text layout is the expensive part; cells repeat a lot (users, tools, purposes), so measure each once.
    const sizes = new Map<string, number>();
    const heights = new Map<string, number>();
    const sizeFor = (text: string, column: number, bold: boolean, mono: boolean): number => {
      if (bold || !columns[column]?.fit) return fontSize;
      const key = `${column}\u0000${text}`;
      const cached = sizes.get(key);
      if (cached !== undefined) return cached;
      if (sizes.size >= MEASURE_CACHE_LIMIT) sizes.clear();
      doc.font(mono ? 'Mono' : 'Table').fontSize(fontSize);
      const widest = Math.max(...text.split('\n').map((line) => doc.widthOfString(line)));
      const room = (widths[column] ?? 0) - 2 * CELL_PADDING.x - 0.5;
      const size = widest <= room ? fontSize : Math.max(MIN_FIT_SIZE, Math.floor(((fontSize * room) / widest) * 10) / 10);
      sizes.set(key, size);
      return size;
    };
    const measure = (texts: string[], bold: boolean, monoFlags: boolean[]): number =>
      Math.max(
        ...texts.map((text, index) => {
          const key = `${index}\u0000${bold ? 1 : 0}\u0000${text}`;
          const cached = heights.get(key);
          if (cached !== undefined) return cached;
          if (heights.size >= MEASURE_CACHE_LIMIT) heights.clear();
          doc.font(bold ? 'Table-Bold' : monoFlags[index] ? 'Mono' : 'Table').fontSize(sizeFor(text, index, bold, monoFlags[index] === true));
          const width = (widths[index] ?? 0) - 2 * CELL_PADDING.x;
          // Lines that clearly fit take one line height each (what heightOfString would find, without
          // running pdfkit's line wrapper); anything close to the width is wrapped by pdfkit to be sure.
          const lines = text === '' ? [' '] : text.split('\n');
          const height = lines.every((line) => doc.widthOfString(line) <= width * FITS_WITHOUT_WRAPPING)
            ? lines.length * doc.currentLineHeight(true)
            : doc.heightOfString(text === '' ? ' ' : text, { width });
          heights.set(key, height);
          return height;
        }),
      ) +
      2 * CELL_PADDING.y;

    const drawRow = (texts: string[], kind: 'header' | 'body', index: number, colors: Array<string | undefined>): void => {
      const monoFlags = columns.map((column) => kind === 'body' && column.mono === true);
      const height = measure(texts, kind === 'header', monoFlags);
      const top = doc.y;
      if (this.layoutOnly) {
        // Counting pages needs only the row's height: drawing it is the final pass's work.
        doc.x = MARGIN.left;
        doc.y = top + height;
        return;
      }
      doc.save();
      if (kind === 'header') doc.rect(MARGIN.left, top, this.contentWidth, height).fillColor(COLORS.headerFill).fill();
      else if (index % 2 === 1) doc.rect(MARGIN.left, top, this.contentWidth, height).fillColor(COLORS.zebra).fill();
      doc.restore();
      texts.forEach((text, column) => {
        doc
          .font(kind === 'header' ? 'Table-Bold' : monoFlags[column] ? 'Mono' : 'Table')
          .fontSize(sizeFor(text, column, kind === 'header', monoFlags[column] === true))
          .fillColor(kind === 'header' ? COLORS.text : (colors[column] ?? COLORS.text))
          .text(text, (lefts[column] ?? 0) + CELL_PADDING.x, top + CELL_PADDING.y, {
            width: (widths[column] ?? 0) - 2 * CELL_PADDING.x,
            align: columns[column]?.align ?? 'left',
          });
      });
      doc
        .moveTo(MARGIN.left, top + height)
        .lineTo(MARGIN.left + this.contentWidth, top + height)
        .lineWidth(kind === 'header' ? 0.8 : 0.3)
        .strokeColor(COLORS.rule)
        .stroke();
      doc.x = MARGIN.left;
      doc.y = top + height;
    };

    const headerTexts = columns.map((column) => column.header);
    const headerHeight = measure(headerTexts, true, []);
    let written = 0;
    let onPage = 0;
    for (const row of rows) {
      const texts = columns.map((column) => column.value(row));
      const colors = columns.map((column) => column.color?.(row));
      const height = measure(
        texts,
        false,
        columns.map((column) => column.mono === true),
      );
      const needsHeader = onPage === 0;
      if (doc.y + height + (needsHeader ? headerHeight : 0) > this.pageBottom) {
        doc.addPage();
        onPage = 0;
      }
      if (onPage === 0) drawRow(headerTexts, 'header', 0, []);
      drawRow(texts, 'body', written, colors);
      written++;
      onPage++;
      context.rowsDone++;
      if (context.rowsDone % ROWS_PER_TICK === 0) await context.tick();
    }
    if (written === 0) {
      this.ensureSpaceNow(headerHeight + 30);
      drawRow(headerTexts, 'header', 0, []);
      doc.moveDown(0.5);
      this.drawParagraph(options.emptyMessage, { color: COLORS.muted });
    }
    doc.moveDown(0.6);
    doc.font('Sans').fontSize(9.5).fillColor(COLORS.text);
  }

  /**
   * Attaches the evidence as custos-evidence.json. Its rows are read when the final pass renders
   * (the layout pass skips them) and compressed as they are serialized.
   */
  attachEvidence(evidence: EvidenceSource): void {
    this.later(() => {
      if (this.layoutOnly) return;
      const { deflated, size, md5Hex } = compressEvidence(evidence);
      // What pdfkit's doc.file() writes, with the stream already deflated (pdfkit leaves a stream with a Filter alone).
      const embedded = this.doc.ref({
        Type: 'EmbeddedFile',
        Subtype: 'application#2Fjson',
        Filter: 'FlateDecode',
        Params: { CreationDate: this.header.generatedAt, ModDate: this.header.generatedAt, CheckSum: new String(md5Hex), Size: size },
      });
      embedded.end(deflated);
      const filespec = this.doc.ref({
        Type: 'Filespec',
        AFRelationship: 'Unspecified',
        F: new String(EVIDENCE_ATTACHMENT_NAME),
        EF: { F: embedded },
        UF: new String(EVIDENCE_ATTACHMENT_NAME),
        Desc: new String('Machine-readable evidence for this report: query, file hashes, chain heads and the file:line of every row.'),
      });
      // A dictionary-only object: pdfkit's end() takes no chunk then (its typings insist on one).
      (filespec as unknown as { end(): void }).end();
      this.doc.addNamedEmbeddedFile(EVIDENCE_ATTACHMENT_NAME, filespec);
      const root = (this.doc as PDFKit.PDFDocument & { _root: { data: { AF?: unknown[] } } })._root;
      (root.data.AF ??= []).push(filespec);
    });
  }

  /**
   * Draws the signature block at the end of the content and returns its rectangle in PDF user
   * space ([x1, y1, x2, y2], origin bottom-left) for the signature widget, or null when unsigned.
   */
  signatureBlock(signature: SignatureAppearance | null): number[] | null {
    if (!this.rendered || this.operations.length > 0) throw new Error('Render the report before its signature block.');
    const { doc } = this;
    const width = this.contentWidth;
    const labelWidth = 84;
    const valueWidth = width - 24 - labelWidth;
    const rows: Array<[string, string, boolean]> = signature
      ? [
          ['Signed by', `${signature.signer.commonName}${signature.signer.organization ? `, ${signature.signer.organization}` : ''}`, false],
          ['Reason', signature.reason, false],
          ['Location', signature.location, false],
          ['Signed at', formatUtc(signature.signedAt), false],
          ['Certificate', signature.signer.selfSigned ? 'Self-signed (issued by the signer)' : signature.signer.issuer, false],
          ['SHA-256', signature.signer.fingerprintSha256, true],
        ]
      : [];
    const note = signature
      ? signature.signer.selfSigned
        ? 'The signature proves this document is unchanged since signing. The certificate is self-signed: confirm its SHA-256 fingerprint with the signer to know who signed.'
        : 'The signature proves this document is unchanged since signing and identifies the signer through the issuing certificate authority.'
      : 'This report is not digitally signed: nothing but the attached evidence shows it is unchanged. Export it again with a signing identity for a tamper-evident copy.';
    const heightOf = (text: string, mono: boolean, w: number) => {
      doc.font(mono ? 'Mono' : 'Sans').fontSize(8.5);
      return doc.heightOfString(text, { width: w });
    };
    const rowsHeight = rows.reduce((sum, [, value, mono]) => sum + heightOf(value, mono, valueWidth) + 2, 0);
    const height = 30 + rowsHeight + heightOf(note, false, width - 24) + 16;
    this.ensureSpaceNow(height + 20);
    doc.moveDown(0.8);
    const top = doc.y;
    const tone = signature ? COLORS.accent : COLORS.warning;
    doc.rect(MARGIN.left, top, width, height).lineWidth(1).strokeColor(tone).stroke();
    doc
      .font('Sans-Bold')
      .fontSize(10)
      .fillColor(tone)
      .text(signature ? 'Digital signature (PAdES)' : 'Not signed', MARGIN.left + 12, top + 10, { width: width - 24 });
    let y = top + 28;
    for (const [label, value, mono] of rows) {
      doc.font('Sans-Bold').fontSize(8.5).fillColor(COLORS.muted).text(label, MARGIN.left + 12, y, { width: labelWidth - 6 });
      doc.font(mono ? 'Mono' : 'Sans').fontSize(8.5).fillColor(COLORS.text).text(value, MARGIN.left + 12 + labelWidth, y, { width: valueWidth });
      y += heightOf(value, mono, valueWidth) + 2;
    }
    doc.font('Sans').fontSize(8.5).fillColor(COLORS.muted).text(note, MARGIN.left + 12, y + 6, { width: width - 24 });
    doc.x = MARGIN.left;
    doc.y = top + height + 6;
    if (!signature) return null;
    const pageHeight = doc.page.height;
    return [MARGIN.left, pageHeight - (top + height), MARGIN.left + width, pageHeight - top];
  }

  /** The running header (after page 1) and the footer of the page just made; the content's font, colour and position are kept. */
  private decorateCurrentPage(): void {
    const doc = this.doc as PdfkitInternals;
    // pdfkit caches the glyph layout of every distinct word for good, and rows are full of unique
    // words (times, file:line references): start each page with empty caches so memory stays flat.
    for (const font of Object.values(doc._fontFamilies)) if (font.layoutCache) font.layoutCache = Object.create(null) as Record<string, unknown>;
    const { header } = this;
    const index = this.pageCount - 1;
    const saved = { font: doc._font, size: doc._fontSize, fill: doc._fillColor, x: doc.x, y: doc.y, margins: { ...doc.page.margins } };
    // Writing in the margins must not trigger pdfkit's automatic page break.
    doc.page.margins = { top: 0, bottom: 0, left: 0, right: 0 };
    doc.save();
    const width = doc.page.width - MARGIN.left - MARGIN.right;
    if (index > 0) {
      doc.font('Sans').fontSize(8).fillColor(COLORS.muted);
      doc.text(header.organization, MARGIN.left, 32, { width: width / 2, lineBreak: false, ellipsis: true });
      doc.text(header.title, MARGIN.left + width / 2, 32, { width: width / 2, align: 'right', lineBreak: false, ellipsis: true });
      doc.moveTo(MARGIN.left, 46).lineTo(MARGIN.left + width, 46).lineWidth(0.5).strokeColor(COLORS.rule).stroke();
    }
    const footerY = doc.page.height - 38;
    doc.moveTo(MARGIN.left, footerY - 6).lineTo(MARGIN.left + width, footerY - 6).lineWidth(0.5).strokeColor(COLORS.rule).stroke();
    doc.font('Sans').fontSize(7.5).fillColor(COLORS.muted);
    doc.text(`${header.title} · generated ${formatUtc(header.generatedAt)} · Custos ${header.custosVersion}`, MARGIN.left, footerY, {
      width: width * 0.75,
      lineBreak: false,
      ellipsis: true,
    });
    doc.text(`Page ${index + 1} of ${this.totalPages ?? '?'}`, MARGIN.left + width * 0.75, footerY, { width: width * 0.25, align: 'right', lineBreak: false });
    doc.restore();
    doc.page.margins = saved.margins;
    doc._font = saved.font;
    doc._fontSize = saved.size;
    if (saved.fill) doc.fillColor(saved.fill[0], saved.fill[1]);
    doc.x = saved.x;
    doc.y = saved.y;
  }

  /** Ends the document: its last bytes have gone to the layout's output when this resolves. */
  async finish(): Promise<void> {
    const done = new Promise<void>((resolve, reject) => {
      this.doc.on('end', resolve);
      this.doc.on('error', reject);
    });
    this.doc.end();
    return done;
  }
}

export function formatUtc(date: Date): string {
  return date.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
}

export const TONE_COLORS = COLORS;
