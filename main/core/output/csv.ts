/**
 * CSV (RFC 4180) of the rows a report view shows. Text cells that a spreadsheet would run as a
 * formula (starting with = + - @, tab or carriage return) get a leading apostrophe, so opening an
 * export of attacker-influenced log values in Excel or LibreOffice never executes anything.
 */
import type { CsvCell } from '../../../shared/report.js';

const FORMULA_START = /^[=+\-@\t\r]/u;
const NEEDS_QUOTES = /[",\r\n]/u;

export function csvCell(value: CsvCell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The whole file: a header line, then one line per row, CRLF line ends, UTF-8 with a BOM so Excel reads names such as "José Müller" correctly. */
export function toCsv(columns: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const lines = [columns.map(csvCell).join(',')];
  for (const row of rows) lines.push(columns.map((_, index) => csvCell(row[index] ?? null)).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
