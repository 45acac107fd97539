/**
 * The threads that verify, normalize and pack byte ranges of big files while an archive opens, so
 * the database thread only inserts. scanArchive asks for a file's ranges all at once; they are
 * handed out in file order to at most `window` ranges ahead of the oldest one not yet delivered, and
 * their rows reach the sink strictly in file order (rows of later ranges wait in memory, bounded by
 * the window). A range's verifyRange promise resolves only once its rows are in, so when
 * scanArchive merges a file every entry of it is indexed.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Finding } from '../../shared/findings.js';
import type { IndexedRange } from '../core/store/index-range.js';
import type { ParallelIndexer, RangeRowsSink } from '../core/store/parallel-indexer.js';
import type { RowBatch } from '../core/store/row-batch.js';
import type { ArchiveFile, RangeRequest, VerifiedSpan } from '../core/verify/index.js';
import type { OpenRangeMessage, OpenRangeRequest } from './open-range-worker.js';
import { shiftRangeFinding } from '../core/verify/line-refs.js';

interface RangeTask {
  id: number;
  file: FileRanges;
  request: RangeRequest;
  onProgress: ((bytesDone: number) => void) | undefined;
  resolve: (span: VerifiedSpan) => void;
  reject: (error: Error) => void;
  state: 'queued' | 'running' | 'done';
  /** Batches that arrived before the ranges ahead of this one were delivered. */
  waiting: Array<{ batch: RowBatch; producer: number }>;
  result: IndexedRange | null;
}

interface FileRanges {
  path: string;
  size: number;
  sink: RangeRowsSink;
  tasks: RangeTask[];
  /** Index of the first task not yet delivered. */
  cursor: number;
  /** Physical lines of the delivered ranges: the next range's line 0. */
  lineBase: number;
}

export interface OpenPoolOptions {
  threads?: number;
  /** Bytes of a file per range (smaller ranges bound the rows waiting in memory). */
  rangeBytes?: number;
  /** Ranges handed out ahead of the oldest undelivered one. */
  window?: number;
  batchSize?: number;
  minFileBytes?: number;
  signal?: AbortSignal;
}

/**
 * A range thread's garbage is short-lived (parsed lines, entries): a small young generation keeps
 * each thread's memory low at the cost of more, cheaper scavenges; nothing long-lived but its label
 * numbering stays.
 */
const RANGE_WORKER_LIMITS = { maxYoungGenerationSizeMb: 12, maxOldGenerationSizeMb: 256 };

function startWorker(): Worker {
  if (import.meta.url.endsWith('.ts')) {
    const entry = new URL('./open-range-worker.ts', import.meta.url).href;
    const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
    return new Worker(bootstrap, { eval: true, resourceLimits: RANGE_WORKER_LIMITS });
  }
  return new Worker(new URL('./open-range-worker.js', import.meta.url), { resourceLimits: RANGE_WORKER_LIMITS });
}

function abortError(): Error {
  const error = new Error('Opening was cancelled.');
  error.name = 'AbortError';
  return error;
}

export class OpenPool implements ParallelIndexer {
  readonly minFileBytes: number;
  readonly failedFiles = new Set<string>();
  readonly splitFiles = new Set<string>();
  private readonly threads: number;
  private readonly rangeBytes: number;
  private readonly window: number;
  private readonly batchSize: number;
  private readonly workers: Worker[] = [];
  /** Ranges posted to each thread, oldest first: a thread holds its next range while working on one. */
  private readonly assigned: RangeTask[][] = [];
  private readonly dead = new Set<number>();
  private current: FileRanges | null = null;
  private nextId = 1;
  private closed = false;
  private readonly onAbort = (): void => this.stop(abortError());

  constructor(private readonly options: OpenPoolOptions = {}) {
    // The database thread inserts all along: it keeps a core, the range threads share the others.
    this.threads = Math.max(1, options.threads ?? availableParallelism() - 1);
    this.rangeBytes = options.rangeBytes ?? 8 << 20;
    this.window = Math.max(1, options.window ?? this.threads * 2 + 1);
    this.batchSize = options.batchSize ?? 5000;
    this.minFileBytes = options.minFileBytes ?? 8 << 20;
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** How many ranges scanArchive splits the current file into. */
  get concurrency(): number {
    const size = this.current?.size ?? 0;
    return Math.min(4096, Math.max(this.threads, Math.ceil(size / this.rangeBytes)));
  }

  beginFile(file: ArchiveFile, sink: RangeRowsSink): void {
    this.current = { path: file.path, size: file.size, sink, tasks: [], cursor: 0, lineBase: 0 };
  }

  verifyRange(request: RangeRequest, onProgress?: (bytesDone: number) => void): Promise<VerifiedSpan> {
    if (this.closed) return Promise.reject(this.options.signal?.aborted ? abortError() : new Error('The open pool is closed.'));
    const file = this.current;
    if (file === null || file.path !== request.path) return Promise.reject(new Error(`Ranges of ${request.path} were asked for before the file was announced.`));
    if (this.failedFiles.size > 0) return Promise.reject(new Error('An earlier range could not be indexed.'));
    this.splitFiles.add(file.path);
    return new Promise<VerifiedSpan>((resolve, reject) => {
      const task: RangeTask = { id: this.nextId++, file, request, onProgress, resolve, reject, state: 'queued', waiting: [], result: null };
      file.tasks.push(task);
      // scanArchive asks in file order; keep the tasks in that order whatever happens.
      const previous = file.tasks[file.tasks.length - 2];
      if (previous !== undefined && previous.request.start > request.start) file.tasks.sort((a, b) => a.request.start - b.request.start);
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.stop(new Error('The open pool was closed.'));
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private stop(reason: Error): void {
    if (this.closed) return;
    this.closed = true;
    const file = this.current;
    // Rejecting an already settled range does nothing.
    if (file) for (const task of file.tasks.slice(file.cursor)) task.reject(reason);
    for (const tasks of this.assigned) tasks.length = 0;
    for (const worker of this.workers) void worker.terminate();
  }

  private dispatch(): void {
    const file = this.current;
    if (file === null || this.closed) return;
    for (;;) {
      const task = file.tasks.find((t, index) => t.state === 'queued' && index < file.cursor + this.window);
      if (!task) return;
      const worker = this.pickWorker();
      if (worker === null) return;
      task.state = 'running';
      this.assigned[worker]!.push(task);
      this.workers[worker]!.postMessage({ id: task.id, request: task.request, batchSize: this.batchSize } satisfies OpenRangeRequest);
    }
  }

  /** A thread with fewer than two ranges posted (the least loaded), or a new one; null when all are full. */
  private pickWorker(): number | null {
    let best: number | null = null;
    for (let index = 0; index < this.workers.length; index++) {
      const load = this.assigned[index]!.length;
      if (!this.dead.has(index) && load < 2 && (best === null || load < this.assigned[best]!.length)) best = index;
    }
    if ((best === null || this.assigned[best]!.length > 0) && this.workers.length < this.threads) return this.spawn();
    return best;
  }

  private spawn(): number {
    const index = this.workers.length;
    const worker = startWorker();
    this.workers.push(worker);
    this.assigned.push([]);
    worker.on('message', (message: OpenRangeMessage) => this.receive(index, message));
    worker.on('error', (error) => {
      this.dead.add(index);
      for (const task of this.assigned[index]!.splice(0)) this.fail(task.file, error);
    });
    return index;
  }

  private receive(worker: number, message: OpenRangeMessage): void {
    const tasks = this.assigned[worker]!;
    const task = tasks.find((t) => t.id === message.id);
    if (!task || this.closed) return;
    const file = task.file;
    switch (message.kind) {
      case 'progress':
        task.onProgress?.(message.bytes);
        return;
      case 'batch':
        if (this.failedFiles.has(file.path)) return;
        if (file.tasks[file.cursor] === task) this.deliver(file, message.batch, worker);
        else task.waiting.push({ batch: message.batch, producer: worker });
        return;
      case 'error':
        tasks.splice(tasks.indexOf(task), 1);
        this.fail(file, new Error(message.message));
        return;
      case 'done':
        tasks.splice(tasks.indexOf(task), 1);
        task.state = 'done';
        task.result = message.result;
        this.advance(file);
        this.dispatch();
    }
  }

  private deliver(file: FileRanges, batch: RowBatch, producer: number): void {
    try {
      file.sink.rows(batch, producer, file.lineBase);
    } catch (error) {
      this.fail(file, error as Error);
    }
  }

  /** Delivers ranges whose turn has come, in file order, and settles them. */
  private advance(file: FileRanges): void {
    for (;;) {
      const task = file.tasks[file.cursor];
      if (!task || this.failedFiles.has(file.path)) return;
      for (const waiting of task.waiting.splice(0)) this.deliver(file, waiting.batch, waiting.producer);
      if (task.state !== 'done' || task.result === null || this.failedFiles.has(file.path)) return;
      const { span, findings } = task.result;
      task.result = null;
      if (findings.length > 0) file.sink.findings(findings.map((f: Finding) => shiftRangeFinding(f, file.lineBase)));
      file.lineBase += span.physicalLines;
      file.cursor++;
      task.resolve(span);
    }
  }

  /**
   * A range could not be indexed: the file's other ranges are abandoned and scanArchive reads the
   * file again on its own; the pipeline sees `failedFiles` and indexes the archive on one thread.
   */
  private fail(file: FileRanges, error: Error): void {
    if (this.failedFiles.has(file.path)) return;
    this.failedFiles.add(file.path);
    for (const task of file.tasks.slice(file.cursor)) {
      task.waiting.length = 0;
      if (task.state === 'queued') task.state = 'done';
      task.reject(error);
    }
    this.dispatch();
  }
}
