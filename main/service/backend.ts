/**
 * The backend: implements every channel of shared/contract.ts over the database worker, validating
 * each request first. Electron's IPC handlers and the loopback host both mount it; it knows
 * nothing of either (native dialogs answer `unsupported` here: main/app provides them).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { OpenOutcome } from '../../shared/archive.js';
import { isChannel, type Channel, type EventName, type Events, type RequestOf, type ResponseOf } from '../../shared/contract.js';
import { fail, ok, type Result } from '../../shared/result.js';
import { DbClient } from '../worker/client.js';
import { WorkerError } from '../worker/protocol.js';
import { RecentArchives } from './recent-archives.js';
import { requestSchemas } from './schemas.js';
import { createReportService } from './report-service.js';
import { createTailService } from './tail-service.js';
import { createAnalysisService } from './analysis-service.js';

export interface BackendOptions {
  /** Where Custos keeps its own records (recent archives); see main/core/data-dir.ts. */
  dataDir: string;
  /** Folder of the bundled demo archive; defaults to assets/demo of this installation. */
  demoDir?: string;
  /** Starts the database worker (default: the one next to the worker client). */
  startWorker?: () => Worker;
}

export interface Backend {
  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>>;
  invoke(channel: string, request: unknown): Promise<Result<unknown>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
  /** Whether live-tail alerts should raise an OS notification (a user setting). */
  notificationsEnabled(): boolean;
  /** Stops the worker; cancels running opens. */
  close(): Promise<void>;
}

type Implementations = { [C in Channel]: (request: RequestOf<C>) => Promise<ResponseOf<C>> };

/** assets/demo, from the TypeScript source (main/service) or the build (dist/main/service). */
function defaultDemoDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '..', '..', 'assets', 'demo'), resolve(here, '..', '..', '..', 'assets', 'demo')];
  return candidates.find((candidate) => existsSync(candidate)) ?? candidates[0]!;
}

/** The demo's log files and its sub-folders (one per sample archive; the reader walks folders). */
function demoPaths(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => (entry.isFile() && /\.(jsonl|ndjson|log)(\.gz)?$/iu.test(entry.name)) || (entry.isDirectory() && !entry.name.startsWith('.')))
    .map((entry) => join(dir, entry.name))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

export async function createBackend(options: BackendOptions): Promise<Backend> {
  const client = new DbClient(options.startWorker ? { start: options.startWorker } : {});
  const recent = new RecentArchives(options.dataDir);
  const demoDir = options.demoDir ?? defaultDemoDir();
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const jobs = new Map<string, AbortController>();

  const emit = <E extends EventName>(event: E, payload: Events[E]): void => {
    for (const listener of listeners.get(event) ?? []) {
      try {
        (listener as (payload: Events[E]) => void)(payload);
      } catch {
        // One broken listener must not stop the others or the backend.
      }
    }
  };

  const announceSession = async (): Promise<void> => {
    try {
      emit('session.changed', await client.call('summary', {}));
    } catch {
      // The worker is gone; the next request reports that.
    }
  };

  const runOpen = async (jobId: string, request: RequestOf<'archives.open'>, controller: AbortController): Promise<void> => {
    let outcome: OpenOutcome;
    try {
      outcome = await client.call('open', { ...request, jobId }, { signal: controller.signal, onProgress: (progress) => emit('open.progress', progress) });
    } catch (error) {
      const info = error instanceof WorkerError ? error.info : { code: 'internal', message: (error as Error).message };
      outcome =
        info.code === 'cancelled'
          ? { jobId, cancelled: true, opened: [], failed: [] }
          : { jobId, cancelled: false, opened: [], failed: request.paths.map((path) => ({ path, message: info.message })) };
    } finally {
      jobs.delete(jobId);
    }
    // The analyses read each file as it was indexed: with the mapping it was opened with, if any.
    analysisService.noteOpened(outcome.opened.map((file) => file.path), request.mappingPath);
    if (outcome.opened.length > 0) await recent.remember(request.paths).catch(() => undefined);
    emit('open.done', outcome);
    await announceSession();
  };

  const tailService = createTailService({ client, dataDir: options.dataDir, emit, announceSession });
  // The worker died and its index with it: say so, stop the tails (their entries were in that index),
  // and show the empty session the next worker starts with.
  client.onCrash((error) => {
    emit('session.lost', error.info);
    void tailService.stopAll().finally(announceSession);
  });
  const analysisService = createAnalysisService({ client, dataDir: options.dataDir });
  const reportService = createReportService({ client, dataDir: options.dataDir, emit, analyses: analysisService });

  const openPathsInSession = async (): Promise<Set<string>> => new Set((await client.call('summary', {})).files.map((file) => file.path));

  const implementations: Implementations = {
    'archives.open': async (request) => {
      const jobId = randomUUID();
      const controller = new AbortController();
      jobs.set(jobId, controller);
      const absolute = { ...request, paths: request.paths.map((path) => resolve(path)) };
      if (request.mappingPath !== undefined) absolute.mappingPath = resolve(request.mappingPath);
      void runOpen(jobId, absolute, controller);
      return { jobId };
    },
    'archives.cancel': async ({ jobId }) => {
      const job = jobs.get(jobId);
      if (job === undefined) return { cancelled: false };
      job.abort();
      return { cancelled: true };
    },
    'archives.close': async (request) => {
      const summary = await client.call('close', request);
      emit('session.changed', summary);
      return summary;
    },
    'archives.summary': () => client.call('summary', {}),
    'archives.recent': async () => ({ paths: await recent.list() }),
    'archives.demo': async () => ({ paths: demoPaths(demoDir) }),
    'archives.saveIndex': async ({ path }) => {
      const target = resolve(path);
      if ((await openPathsInSession()).has(target)) {
        throw new WorkerError({ code: 'forbidden', message: `${target} is an open evidence file: Custos never overwrites evidence.`, file: target });
      }
      return client.call('saveIndex', { path: target });
    },
    'archives.loadIndex': async ({ path }) => {
      const summary = await client.call('loadIndex', { path: resolve(path) });
      // Its generic files are analysed, certified and exported with the mappings the index recorded.
      analysisService.noteLoadedIndex(resolve(path), await client.call('fileMappings', {}));
      emit('session.changed', summary);
      return summary;
    },
    'findings.list': (request) => client.call('findings.list', request),
    'findings.context': (request) => client.call('findings.context', request),
    'entries.query': (request) => client.call('entries.query', request),
    'entries.histogram': (request) => client.call('entries.histogram', request),
    'entries.distinct': (request) => client.call('entries.distinct', request),
    'entries.detail': (request) => client.call('entries.detail', request),
    'entries.toolStats': (request) => client.call('entries.toolStats', request),
    'entries.conversation': (request) => client.call('entries.conversation', request),
    'dialog.openPaths': () => {
      throw new WorkerError({ code: 'unsupported', message: 'Native dialogs exist only in the desktop app.', hint: 'Type or paste the path instead.' });
    },
    'dialog.savePath': () => {
      throw new WorkerError({ code: 'unsupported', message: 'Native dialogs exist only in the desktop app.', hint: 'Type or paste the path instead.' });
    },
    ...tailService.implementations,
    ...reportService.implementations,
    ...analysisService.implementations,
  };

  async function invoke(channel: string, request: unknown): Promise<Result<unknown>> {
    if (!isChannel(channel)) return fail('unknown-channel', `There is no channel "${String(channel).slice(0, 100)}".`);
    const parsed = requestSchemas[channel].safeParse(request);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`).join('; ');
      return fail('invalid-request', `Invalid request for ${channel}: ${problems}`);
    }
    try {
      const implementation = implementations[channel] as (request: unknown) => Promise<unknown>;
      return ok(await implementation(parsed.data));
    } catch (error) {
      if (error instanceof WorkerError) return { ok: false, error: error.info };
      return fail('internal', `${channel} failed: ${(error as Error).message}`);
    }
  }

  return {
    invoke: invoke as Backend['invoke'],
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: never) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: never) => void);
    },
    notificationsEnabled: () => tailService.notificationsEnabled(),
    async close() {
      for (const job of jobs.values()) job.abort();
      await tailService.stopAll();
      await client.close();
    },
  };
}
