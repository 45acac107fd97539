/**
 * The messages between the main thread and the database worker. Every request carries a seq
 * number; the worker answers each with exactly one response of the same seq (a value or a
 * serialized error), possibly preceded by progress events. `cancel` aborts a running request.
 */
import type { OpenOutcome, OpenProgress, OpenRequest, SessionSummary } from '../../shared/archive.js';
import type { RequestOf, ResponseOf } from '../../shared/contract.js';
import type { ErrorInfo } from '../../shared/result.js';
import type { GenericMapping } from '../../shared/formats.js';
import type { TailAppendRequest, TailAppendResult } from '../core/tail/store-append.js';

export interface OpenJob extends OpenRequest {
  jobId: string;
}

/** What the worker can do, by method name: the params it takes and the value it answers. */
export interface WorkerMethods {
  open: { params: OpenJob; result: OpenOutcome };
  summary: { params: Record<string, never>; result: SessionSummary };
  close: { params: RequestOf<'archives.close'>; result: SessionSummary };
  saveIndex: { params: RequestOf<'archives.saveIndex'>; result: ResponseOf<'archives.saveIndex'> };
  loadIndex: { params: RequestOf<'archives.loadIndex'>; result: SessionSummary };
  /** The mapping each generic file of the index was read with (a loaded index brings its own). */
  fileMappings: { params: Record<string, never>; result: Array<{ path: string; mapping: GenericMapping }> };
  'findings.list': { params: RequestOf<'findings.list'>; result: ResponseOf<'findings.list'> };
  'findings.context': { params: RequestOf<'findings.context'>; result: ResponseOf<'findings.context'> };
  'entries.query': { params: RequestOf<'entries.query'>; result: ResponseOf<'entries.query'> };
  'entries.histogram': { params: RequestOf<'entries.histogram'>; result: ResponseOf<'entries.histogram'> };
  'entries.distinct': { params: RequestOf<'entries.distinct'>; result: ResponseOf<'entries.distinct'> };
  'entries.detail': { params: RequestOf<'entries.detail'>; result: ResponseOf<'entries.detail'> };
  'entries.toolStats': { params: RequestOf<'entries.toolStats'>; result: ResponseOf<'entries.toolStats'> };
  'entries.conversation': { params: RequestOf<'entries.conversation'> & { limit?: number }; result: ResponseOf<'entries.conversation'> };
  /** Appends one live-tail batch of verified, normalized entries (and its findings) to the index. */
  'tail.append': { params: TailAppendRequest; result: TailAppendResult };
  /** Answers at once: lets tests and the UI check the worker is responsive. */
  ping: { params: Record<string, never>; result: { at: number } };
}
export type WorkerMethod = keyof WorkerMethods;
export type ParamsOf<M extends WorkerMethod> = WorkerMethods[M]['params'];
export type ResultOf<M extends WorkerMethod> = WorkerMethods[M]['result'];

export type ToWorker =
  | { kind: 'request'; seq: number; method: WorkerMethod; params: unknown }
  | { kind: 'cancel'; seq: number };

export type FromWorker =
  | { kind: 'response'; seq: number; ok: true; value: unknown }
  | { kind: 'response'; seq: number; ok: false; error: ErrorInfo }
  | { kind: 'progress'; seq: number; progress: OpenProgress };

/** An error the worker answered with, rethrown on the main side with its details intact. */
export class WorkerError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message);
    this.name = 'WorkerError';
  }
}
