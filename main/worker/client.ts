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
function startWorker(): Worker {
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

export class DbClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextSeq = 1;
  private exited: Error | null = null;

  constructor() {
    this.worker = startWorker();
    this.worker.on('message', (message: FromWorker) => this.receive(message));
    this.worker.on('error', (error) => this.failAll(new WorkerError({ code: 'internal', message: `The database worker failed: ${error.message}` })));
    this.worker.on('exit', (code) => this.failAll(new WorkerError({ code: 'internal', message: `The database worker stopped (exit code ${code}).` })));
  }

  /** Calls a worker method. Rejects with a WorkerError carrying the worker's ErrorInfo. */
  call<M extends WorkerMethod>(method: M, params: ParamsOf<M>, options: CallOptions = {}): Promise<ResultOf<M>> {
    if (this.exited !== null) return Promise.reject(this.exited);
    const seq = this.nextSeq++;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      const entry: Pending = { resolve: resolve as (value: unknown) => void, reject };
      if (options.onProgress !== undefined) entry.onProgress = options.onProgress;
      this.pending.set(seq, entry);
      if (options.signal !== undefined) {
        const cancel = (): void => this.post({ kind: 'cancel', seq });
        if (options.signal.aborted) queueMicrotask(cancel);
        else options.signal.addEventListener('abort', cancel, { once: true });
      }
      this.post({ kind: 'request', seq, method, params });
    });
  }

  /** Stops the worker; pending calls fail. */
  async close(): Promise<void> {
    if (this.exited !== null) return;
    this.exited = new WorkerError({ code: 'cancelled', message: 'The database worker was closed.' });
    await this.worker.terminate();
  }

  private post(message: ToWorker): void {
    this.worker.postMessage(message);
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

  private failAll(error: Error): void {
    this.exited ??= error;
    for (const entry of this.pending.values()) entry.reject(this.exited);
    this.pending.clear();
  }
}
