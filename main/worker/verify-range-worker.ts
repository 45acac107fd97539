/** Worker-thread entry for VerifyPool: verifies the byte ranges, inflated blocks and whole files it is sent, one at a time. */
import { parentPort } from 'node:worker_threads';
import { verifyBlock, verifyRange, type BlockRequest, type RangeRequest } from '../core/verify/range-verify.js';
import { verifyWholeFile, type WholeFileRequest } from '../core/verify/whole-file.js';

export type VerifyTaskMessage = { id: number; range: RangeRequest } | { id: number; block: BlockRequest; bytes: Uint8Array } | { id: number; file: WholeFileRequest };
export type RangeWorkerMessage = { id: number; kind: 'progress'; bytes: number } | { id: number; kind: 'done'; result: unknown } | { id: number; kind: 'error'; message: string };

const port = parentPort;
if (!port) throw new Error('verify-range-worker must run in a worker thread');

async function run(message: VerifyTaskMessage, onProgress: (bytes: number) => void): Promise<unknown> {
  if ('range' in message) return verifyRange(message.range, onProgress);
  if ('block' in message) return verifyBlock(message.block, message.bytes);
  return verifyWholeFile(message.file, { onBytes: onProgress });
}

// One task at a time: the pool sends the next only after this one's answer.
port.on('message', (message: VerifyTaskMessage) => {
  const { id } = message;
  run(message, (bytes) => port.postMessage({ id, kind: 'progress', bytes } satisfies RangeWorkerMessage)).then(
    (result) => port.postMessage({ id, kind: 'done', result } satisfies RangeWorkerMessage),
    (error: unknown) => port.postMessage({ id, kind: 'error', message: (error as Error).message } satisfies RangeWorkerMessage),
  );
});
