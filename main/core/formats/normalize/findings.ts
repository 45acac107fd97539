/**
 * The findings one normalized line contributes: a bad-timestamp finding when its time could not
 * be read, and a field-problem finding per data-quality problem. The entry itself is always kept.
 */
import { FINDING_SEVERITY, type Finding } from '../../../../shared/findings.js';
import type { NormalizeResult } from './types.js';

export function normalizationFindings(result: NormalizeResult): Finding[] {
  const { file, line } = result.entry.source;
  const findings: Finding[] = [];
  if (result.timestampError !== null) {
    findings.push({
      kind: 'bad-timestamp',
      severity: FINDING_SEVERITY['bad-timestamp'],
      file,
      line,
      detail: `The entry's time cannot be read (${result.timestampError}); it is kept but cannot be placed in time.`,
      found: result.entry.timeRaw ?? undefined,
    });
  }
  for (const problem of result.problems) {
    findings.push({ kind: 'field-problem', severity: FINDING_SEVERITY['field-problem'], file, line, detail: problem });
  }
  return findings;
}
