/** The indexed store: schema, writing, and every query the views, reports and CLI ask. */
export { createDatabase, exportDatabase, loadDatabase } from './database.js';
export { createEntryIndexes, dropEntryIndexes, ENTRY_INDEXES, SCHEMA_VERSION } from './schema.js';
export {
  beginFile,
  clearIndex,
  EntryWriter,
  finishFile,
  insertFindings,
  insertScan,
  rebuildColumnValues,
  removeFiles,
  updateScanVerdict,
} from './writer.js';
export {
  chooseBucketMs,
  combineVerdicts,
  conversationEntries,
  countsPerBucket,
  distinctValues,
  entryRow,
  entryRowsByIds,
  fileMappings,
  findingById,
  histogram,
  listFiles,
  listFindings,
  queryEntries,
  selectRows,
  sessionSummary,
  storedFile,
  toolStats,
  type FindingListQuery,
  type StoredFile,
} from './queries.js';
export { filterCondition, ftsMatchExpression } from './filter.js';
export { checkFileUnchanged, entryDetail, findingContext, readRanges, rereadEntries } from './reread.js';
export { conversationTimeline, formatTimelineLine, type DescribeEntry, type TimelineLine } from './timeline.js';
