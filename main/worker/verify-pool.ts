/**
 * Worker threads that verify byte ranges of big files, and whole files, in parallel (one per core
 * by default). The main thread only splits files at line boundaries and merges the results.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { VerifiedSpan } from '../core/verify/file-verifier.js';
import type { BlockRequest, RangeRequest } from '../core/verify/range-verify.js';
import type { ParallelVerifier } from '../core/verify/scan.js';
import type { WholeFileRequest, ScannedFile } from '../core/verify/whole-file.js';
import type { RangeWorkerMessage, VerifyTaskMessage } from './verify-range-worker.js';

interface Task {
  message: VerifyTaskMessage;
  onProgress?: (bytesDone: number) => void;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * The compiled worker, or under vitest (TypeScript sources) the .ts entry through tsx: execArgv
 * `--import tsx` does not reach worker threads on Node 20, so a bootstrap registers tsx first.
 */
function startWorker(): Worker {
  if (import.meta.url.endsWith('.ts')) {
    const entry = new URL('./verify-range-worker.ts', import.meta.url).href;
    const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
    return new Worker(bootstrap, { eval: true });
  }
  return new Worker(new URL('./verify-range-worker.js', import.meta.url));
}

export class VerifyPool implements ParallelVerifier {
  readonly concurrency: number;
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: Task[] = [];
  private readonly running = new Map<Worker, Task>();
  private nextId = 1;
  private closed = false;

  constructor(concurrency = availableParallelism()) {
    this.concurrency = Math.max(1, concurrency);
  }

  verifyRange(request: RangeRequest, onProgress?: (bytesDone: number) => void): Promise<VerifiedSpan> {
    return this.submit((id) => ({ id, range: request }), onProgress) as Promise<VerifiedSpan>;
  }

  verifyFile(request: WholeFileRequest, onProgress?: (bytesRead: number) => void): Promise<ScannedFile> {
    return this.submit((id) => ({ id, file: request }), onProgress) as Promise<ScannedFile>;
  }

  /** The block's buffer is moved to the worker (transferred, not copied): the caller must not use it again. */
  verifyBlock(request: BlockRequest, bytes: Uint8Array): Promise<VerifiedSpan> {
    return this.submit((id) => ({ id, block: request, bytes })) as Promise<VerifiedSpan>;
  }

  private submit(message: (id: number) => VerifyTaskMessage, onProgress?: (bytes: number) => void): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('The verification pool is closed.'));
    return new Promise((resolve, reject) => {
      this.queue.push({ message: message(this.nextId++), onProgress, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops the workers; pending work is rejected. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error('The verification pool was closed.'));
    await Promise.all(this.all.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.all.length < this.concurrency ? this.spawn() : null);
      if (!worker) return;
      const task = this.queue.shift() as Task;
      this.running.set(worker, task);
      worker.postMessage(task.message, 'bytes' in task.message ? [task.message.bytes.buffer as ArrayBuffer] : []);
    }
  }

  private spawn(): Worker {
    const worker = startWorker();
    this.all.push(worker);
    worker.on('message', (message: RangeWorkerMessage) => {
      const task = this.running.get(worker);
      if (!task || task.message.id !== message.id) return;
      if (message.kind === 'progress') {
        task.onProgress?.(message.bytes);
        return;
      }
      this.running.delete(worker);
      if (message.kind === 'done') task.resolve(message.result);
      else task.reject(new Error(message.message));
      this.idle.push(worker);
      this.dispatch();
    });
    worker.on('error', (error) => {
      const task = this.running.get(worker);
      this.running.delete(worker);
      this.all.splice(this.all.indexOf(worker), 1);
      task?.reject(error);
      this.dispatch();
    });
    return worker;
  }
}
