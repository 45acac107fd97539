/**
 * The main-thread side of the database worker: one promise per seq, progress callbacks, cancel.
 * The main thread only posts messages; all data work happens in the worker.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { OpenProgress } from '../../shared/archive.js';
import { WorkerError, type FromWorker, type ParamsOf, type ResultOf, type ToWorker, type WorkerMethod } from './protocol.js';

export interface CallOptions {
  onProgress?: (progress: OpenProgress) => void;
  /** Aborting sends `cancel` for this call; the worker then answers with a `cancelled` error or a cancelled outcome. */
  signal?: AbortSignal;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onProgress?: (progress: OpenProgress) => void;
}

/**
 * The database lives in WebAssembly memory, outside the JS heap; the worker's JS heap only holds
 * transient parse garbage and label caches. Capping it makes V8 collect that garbage instead of
 * letting the heap (and the process's memory) grow by hundreds of megabytes on a big open.
 */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 16 };

/**
 * Starts the worker: the compiled JS next to this file, or — when running from TypeScript source
 * (tests) — the .ts entry through tsx. `execArgv: ['--import', 'tsx']` does not reach worker
 * threads on Node 20, so the source entry is loaded by a tiny bootstrap that registers tsx first.
 */
export function startDbWorker(): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const entry = new URL('./db-worker.ts', here).href;
    const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
    return new Worker(bootstrap, { eval: true, resourceLimits: WORKER_LIMITS });
  }
  const compiled = new URL('./db-worker.js', here);
  if (!existsSync(fileURLToPath(compiled))) throw new Error(`The database worker is missing at ${fileURLToPath(compiled)}: run npm run build:main.`);
  return new Worker(compiled, { resourceLimits: WORKER_LIMITS });
}

export interface DbClientOptions {
  /** Starts a worker (default: the database worker next to this module); a crashed one is replaced through it. */
  start?: () => Worker;
}

/**
 * Calls into the database worker. If the worker dies (out of memory, a crash in the WebAssembly
 * database), the calls under way fail, `onCrash` listeners hear why, and the next call starts a
 * fresh worker with an empty index: the session is lost, but the app goes on working.
 */
export class DbClient {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private readonly crashListeners = new Set<(error: WorkerError) => void>();
  private readonly start: () => Worker;
  private nextSeq = 1;
  private closed: WorkerError | null = null;

  constructor(options: DbClientOptions = {}) {
    this.start = options.start ?? startDbWorker;
    this.running();
  }

  /** Calls a worker method. Rejects with a WorkerError carrying the worker's ErrorInfo. */
  call<M extends WorkerMethod>(method: M, params: ParamsOf<M>, options: CallOptions = {}): Promise<ResultOf<M>> {
    if (this.closed !== null) return Promise.reject(this.closed);
    let worker: Worker;
    try {
      worker = this.running();
    } catch (error) {
      return Promise.reject(error as Error); // e.g. the worker's file is missing from the installation
    }
    const seq = this.nextSeq++;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      const entry: Pending = { resolve: resolve as (value: unknown) => void, reject };
      if (options.onProgress !== undefined) entry.onProgress = options.onProgress;
      this.pending.set(seq, entry);
      if (options.signal !== undefined) {
        // Only to the worker that got the request: a replacement never heard of this seq.
        const cancel = (): void => {
          if (this.worker === worker) worker.postMessage({ kind: 'cancel', seq } satisfies ToWorker);
        };
        if (options.signal.aborted) queueMicrotask(cancel);
        else options.signal.addEventListener('abort', cancel, { once: true });
      }
      worker.postMessage({ kind: 'request', seq, method, params } satisfies ToWorker);
    });
  }

  /** Hears when the worker died; returns the unsubscribe function. */
  onCrash(listener: (error: WorkerError) => void): () => void {
    this.crashListeners.add(listener);
    return () => this.crashListeners.delete(listener);
  }

  /** Stops the worker; pending calls fail. */
  async close(): Promise<void> {
    if (this.closed !== null) return;
    this.closed = new WorkerError({ code: 'cancelled', message: 'The database worker was closed.' });
    const worker = this.worker;
    this.worker = null;
    this.failPending(this.closed);
    await worker?.terminate();
  }

  /** The live worker, started now if the last one died. */
  private running(): Worker {
    if (this.worker !== null) return this.worker;
    const worker = this.start();
    this.worker = worker;
    worker.on('message', (message: FromWorker) => this.receive(message));
    worker.on('error', (error) => this.died(worker, `The database worker failed: ${error.message}`));
    worker.on('exit', (code) => this.died(worker, `The database worker stopped (exit code ${code}).`));
    return worker;
  }

  private receive(message: FromWorker): void {
    const entry = this.pending.get(message.seq);
    if (entry === undefined) return;
    if (message.kind === 'progress') {
      entry.onProgress?.(message.progress);
      return;
    }
    this.pending.delete(message.seq);
    if (message.ok) entry.resolve(message.value);
    else entry.reject(new WorkerError(message.error));
  }

  private died(worker: Worker, reason: string): void {
    // 'error' is followed by 'exit': only the first report of this worker counts, and none after close().
    if (this.worker !== worker || this.closed !== null) return;
    this.worker = null;
    const error = new WorkerError({
      code: 'internal',
      message: `${reason} The open archives were closed with it.`,
      hint: 'Open them again. If it happens again with the same archives, open fewer at a time: the index of a very large archive may not fit in memory.',
    });
    this.failPending(error);
    for (const listener of this.crashListeners) listener(error);
  }

  private failPending(error: Error): void {
    for (const entry of this.pending.values()) entry.reject(error);
    this.pending.clear();
  }
}
