/** The CSV tables of the report views: the same columns and rows each view shows. */
import type { FindingRow } from '../../shared/query';
import type { CsvTable } from '../store/exportSlice';

export function findingsCsv(findings: readonly FindingRow[]): CsvTable {
  return {
    columns: ['File', 'Line', 'Severity', 'Kind', 'Detail'],
    rows: findings.map((finding) => [finding.file, finding.line, finding.severity, finding.kind, finding.detail]),
  };
}
