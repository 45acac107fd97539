/** Worker-thread entry for VerifyPool: verifies the byte ranges it is sent, one at a time. */
import { parentPort } from 'node:worker_threads';
import { verifyRange, type RangeRequest } from '../core/verify/range-verify.js';

export type RangeWorkerMessage = { id: number; kind: 'progress'; bytes: number } | { id: number; kind: 'done'; span: unknown } | { id: number; kind: 'error'; message: string };

const port = parentPort;
if (!port) throw new Error('verify-range-worker must run in a worker thread');
port.on('message', (message: { id: number; request: RangeRequest }) => {
  const { id, request } = message;
  try {
    const span = verifyRange(request, (bytes) => port.postMessage({ id, kind: 'progress', bytes } satisfies RangeWorkerMessage));
    port.postMessage({ id, kind: 'done', span } satisfies RangeWorkerMessage);
  } catch (error) {
    port.postMessage({ id, kind: 'error', message: (error as Error).message } satisfies RangeWorkerMessage);
  }
});
