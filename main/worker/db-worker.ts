/**
 * The database worker's entry point: owns the sql.js index and answers seq-numbered requests from
 * the main thread (see protocol.ts). Errors are answered as values; cancel aborts a request.
 */
import { parentPort } from 'node:worker_threads';
import { serializeError } from './errors.js';
import { DatabaseHost } from './handlers.js';
import type { FromWorker, ToWorker, WorkerMethod } from './protocol.js';

const port = parentPort;
if (port === null) throw new Error('db-worker must run as a worker thread.');

const host = DatabaseHost.create();
const running = new Map<number, AbortController>();

function send(message: FromWorker): void {
  port?.postMessage(message);
}

async function answer(seq: number, method: WorkerMethod, params: unknown): Promise<void> {
  const controller = new AbortController();
  running.set(seq, controller);
  try {
    const handlers = (await host).handlers as Record<WorkerMethod, (params: unknown, context: unknown) => unknown>;
    const handler = handlers[method];
    if (handler === undefined) throw new Error(`The database worker has no method "${String(method)}".`);
    const value = await handler(params, {
      signal: controller.signal,
      progress: (progress: unknown) => send({ kind: 'progress', seq, progress } as FromWorker),
    });
    send({ kind: 'response', seq, ok: true, value });
  } catch (error) {
    send({ kind: 'response', seq, ok: false, error: serializeError(error) });
  } finally {
    running.delete(seq);
  }
}

port.on('message', (message: ToWorker) => {
  if (message.kind === 'cancel') running.get(message.seq)?.abort();
  else void answer(message.seq, message.method, message.params);
});
