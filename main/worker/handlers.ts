/**
 * What the worker does for each method, over the one database it owns. Reads answer at once;
 * anything that changes which files are indexed (open, close, load) runs one at a time.
 */
import { readFile, writeFile, rename } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import type { Database } from 'sql.js';
import type { OpenProgress } from '../../shared/archive.js';
import {
  createDatabase,
  distinctValues,
  entryDetail,
  exportDatabase,
  fileMappings,
  findingContext,
  histogram,
  listFindings,
  loadDatabase,
  queryEntries,
  removeFiles,
  sessionSummary,
  toolStats,
  conversationEntries,
  conversationTimeline,
} from '../core/store/index.js';
import { RequestError } from './errors.js';
import type { ParamsOf, ResultOf, WorkerMethod } from './protocol.js';
import { openArchives } from '../core/store/open-pipeline.js';
import { OpenPool } from './open-pool.js';
import { describeEntryIn } from './open-archives.js';
import { TailIndex } from '../core/tail/store-append.js';

export interface CallContext {
  signal: AbortSignal;
  progress: (progress: OpenProgress) => void;
}

type Handler<M extends WorkerMethod> = (params: ParamsOf<M>, context: CallContext) => Promise<ResultOf<M>> | ResultOf<M>;

export class DatabaseHost {
  private exclusive: Promise<unknown> = Promise.resolve();
  private tailIndex: TailIndex | null = null;

  private constructor(private db: Database) {}

  static async create(): Promise<DatabaseHost> {
    return new DatabaseHost(await createDatabase());
  }

  /** Runs `task` after every earlier exclusive task has finished. */
  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.exclusive.then(task, task);
    this.exclusive = run.catch(() => undefined);
    return run;
  }

  readonly handlers: { [M in WorkerMethod]: Handler<M> } = {
    ping: () => ({ at: Date.now() }),
    'tail.append': (request) =>
      this.serialize(async () => {
        if (this.tailIndex === null || this.tailIndex.db !== this.db) this.tailIndex = new TailIndex(this.db);
        return this.tailIndex.append(request);
      }),
    open: (job, context) =>
      this.serialize(async () => {
        const pipeline = { ...context, parallel: (signal: AbortSignal) => new OpenPool({ signal }) };
        if (job.mode !== 'replace') return openArchives(this.db, job, pipeline);
        // Replace: index into a fresh database and switch to it only when something opened, so a
        // cancelled or failed replace leaves the open session as it was.
        const fresh = await createDatabase();
        let outcome;
        try {
          outcome = await openArchives(fresh, { ...job, mode: 'add' }, pipeline);
        } catch (error) {
          fresh.close();
          throw error;
        }
        if (outcome.cancelled || outcome.opened.length === 0) {
          fresh.close();
          return outcome;
        }
        this.db.close();
        this.db = fresh;
        return outcome;
      }),
    summary: () => sessionSummary(this.db),
    close: ({ fileIds }) =>
      this.serialize(async () => {
        removeFiles(this.db, fileIds);
        return sessionSummary(this.db);
      }),
    saveIndex: ({ path }) =>
      this.serialize(async () => {
        const bytes = exportDatabase(this.db);
        // Write beside the target and rename, so a failed save never leaves half a file.
        const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
        await writeFile(temporary, bytes);
        await rename(temporary, path);
        return { path, bytes: bytes.length };
      }),
    loadIndex: ({ path }) =>
      this.serialize(async () => {
        const bytes = await readFile(path);
        let loaded: Database;
        try {
          loaded = await loadDatabase(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        } catch (error) {
          throw new RequestError('parse', `${path}: ${(error as Error).message}`, { file: path });
        }
        this.db.close();
        this.db = loaded;
        return sessionSummary(this.db);
      }),
    fileMappings: () => fileMappings(this.db),
    'findings.list': (request) => listFindings(this.db, request),
    'findings.context': async ({ findingId, radius }) => {
      const context = await findingContext(this.db, findingId, radius);
      if (context === null) throw new RequestError('not-found', `There is no finding ${findingId} in the open archives.`);
      return context;
    },
    'entries.query': (query) => queryEntries(this.db, query),
    'entries.histogram': ({ filter, buckets }) => histogram(this.db, filter, buckets),
    'entries.distinct': ({ column, limit, prefix }) => ({ values: distinctValues(this.db, column, limit, prefix) }),
    'entries.detail': async ({ id }) => {
      const detail = await entryDetail(this.db, id);
      if (detail === null) throw new RequestError('not-found', `There is no entry ${id} in the open archives.`);
      return detail;
    },
    'entries.toolStats': ({ filter }) => ({ tools: toolStats(this.db, filter) }),
    'entries.conversation': async ({ conversationId, limit }) => {
      const rows = conversationEntries(this.db, conversationId, limit);
      const timeline = await conversationTimeline(this.db, conversationId, describeEntryIn(this.db));
      return { rows, timeline };
    },
  };
}
