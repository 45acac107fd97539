/**
 * Re-derives an entry's argument and result text from its raw line (they are not kept in the index).
 * For the lesson's own formats the text is exactly what the lesson's conversation_timeline prints:
 * Python's json.dumps of the arguments and result summary and the duration as Python writes it.
 */
import type { GenericMapping } from '../../../shared/formats.js';
import type { EntryRow } from '../../../shared/query.js';
import { createNormalizer } from '../formats/normalize/index.js';
import { parsePyJson } from '../json/parse.js';
import { pythonDumps } from '../json/python-dumps.js';
import type { PyValue } from '../json/py-value.js';
import type { DescribeEntry } from './timeline.js';

/** Where the lesson formats keep the arguments the timeline shows. */
const LESSON_ARGUMENT_FIELDS: Partial<Record<EntryRow['format'], string>> = { chained: 'arguments', hipaa: 'arguments_sanitized' };

export function describeEntryWith(mappingOf: (row: EntryRow) => GenericMapping | null): DescribeEntry {
  return (raw, row) => {
    const { value } = parsePyJson(raw);
    const argumentField = LESSON_ARGUMENT_FIELDS[row.format];
    if (argumentField !== undefined && value instanceof Map) {
      const field = (name: string): PyValue | undefined => value.get(name);
      const dumps = (name: string): string | null => {
        const found = field(name);
        return found === undefined ? null : pythonDumps(found);
      };
      const duration = field('duration_ms');
      return {
        argsText: dumps(argumentField),
        resultText: dumps('result_summary'),
        durationText: duration === undefined || duration === null ? null : pythonDumps(duration),
      };
    }
    const mapping = mappingOf(row);
    const normalize = createNormalizer(row.format, mapping === null ? {} : { mapping });
    const { entry } = normalize(value, row.source, row.lineSha256);
    return { argsText: entry.argsText, resultText: entry.resultText };
  };
}
