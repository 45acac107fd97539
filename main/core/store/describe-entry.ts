/** Re-derives an entry's argument and result text from its raw line (they are not kept in the index). */
import type { EntryRow } from '../../../shared/query.js';
import { createNormalizer } from '../formats/normalize/index.js';
import { parsePyJson } from '../json/parse.js';
import type { DescribeEntry } from './timeline.js';
import type { GenericMapping } from '../../../shared/formats.js';

export function describeEntryWith(mappingOf: (row: EntryRow) => GenericMapping | null): DescribeEntry {
  return (raw, row) => {
    const { value } = parsePyJson(raw);
    const mapping = mappingOf(row);
    const normalize = createNormalizer(row.format, mapping === null ? {} : { mapping });
    const { entry } = normalize(value, row.source, row.lineSha256);
    return { argsText: entry.argsText, resultText: entry.resultText };
  };
}
