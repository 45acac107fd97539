/**
 * A thread that verifies, normalizes and packs byte ranges of big files for an open (see
 * open-pool.ts). Its packer lives as long as the thread, so each label's text crosses once.
 */
import { parentPort } from 'node:worker_threads';
import type { RangeRequest } from '../core/verify/index.js';
import { indexRange, type IndexedRange } from '../core/store/index-range.js';
import { RowBatchPacker, transferablesOf, type RowBatch } from '../core/store/row-batch.js';

export type OpenRangeRequest = { id: number; request: RangeRequest; batchSize: number };
export type OpenRangeMessage =
  | { id: number; kind: 'batch'; batch: RowBatch }
  | { id: number; kind: 'progress'; bytes: number }
  | { id: number; kind: 'done'; result: IndexedRange }
  | { id: number; kind: 'error'; message: string };

const port = parentPort;
if (!port) throw new Error('open-range-worker must run in a worker thread');
let packer: RowBatchPacker | null = null;
port.on('message', ({ id, request, batchSize }: OpenRangeRequest) => {
  try {
    packer ??= new RowBatchPacker(batchSize);
    const result = indexRange(request, packer, {
      onBatch: (batch) => port.postMessage({ id, kind: 'batch', batch } satisfies OpenRangeMessage, transferablesOf(batch)),
      onProgress: (bytes) => port.postMessage({ id, kind: 'progress', bytes } satisfies OpenRangeMessage),
    });
    port.postMessage({ id, kind: 'done', result } satisfies OpenRangeMessage);
  } catch (error) {
    port.postMessage({ id, kind: 'error', message: (error as Error).message } satisfies OpenRangeMessage);
  }
});
