/**
 * Findings made while verifying a byte range count lines from the range's start; their `line` is
 * shifted when ranges are joined (merge-spans.ts), and so must every other line their detail names
 * ("does not link to the entry at line 148"). Such findings carry where those numbers sit in the
 * text, so the join renumbers them exactly, whatever else the detail quotes from the evidence.
 */
import type { Finding } from '../../../shared/findings.js';

/** [start, end) of each line number in a finding's detail. */
export type LineRefs = Array<[number, number]>;

/** A finding of a range, before the join; `lineRefs` never leaves core/verify. */
export interface RangeFinding extends Finding {
  lineRefs?: LineRefs;
}

export interface DetailText {
  text: string;
  lineRefs: LineRefs;
}

/** Tagged template: interpolated numbers are line numbers of the same file, strings are plain text. */
export function lineDetail(strings: TemplateStringsArray, ...values: Array<string | number>): DetailText {
  let text = strings[0] ?? '';
  const lineRefs: LineRefs = [];
  values.forEach((value, index) => {
    if (typeof value === 'number') {
      const start = text.length;
      text += String(value);
      lineRefs.push([start, text.length]);
    } else {
      text += value;
    }
    text += strings[index + 1] ?? '';
  });
  return { text, lineRefs };
}

/** The finding with its line and the lines its detail names moved by `base`, and no `lineRefs`. */
export function shiftRangeFinding(finding: RangeFinding, base: number): Finding {
  const { lineRefs, ...plain } = finding;
  if (finding.line !== null) plain.line = finding.line + base;
  if (lineRefs && lineRefs.length > 0) {
    let detail = '';
    let at = 0;
    for (const [start, end] of lineRefs) {
      detail += finding.detail.slice(at, start) + String(Number(finding.detail.slice(start, end)) + base);
      at = end;
    }
    plain.detail = detail + finding.detail.slice(at);
  }
  return plain;
}
