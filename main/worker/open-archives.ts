/** The worker's view of the describe step: timelines need the mapping each file was opened with. */
import type { Database } from 'sql.js';
import { describeEntryWith } from '../core/store/describe-entry.js';
import { storedFile } from '../core/store/queries.js';
import type { DescribeEntry } from '../core/store/timeline.js';

export function describeEntryIn(db: Database): DescribeEntry {
  return describeEntryWith((row) => storedFile(db, row.fileId)?.mapping ?? null);
}
