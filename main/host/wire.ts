/**
 * The browser host's WebSocket messages, and how one request is dispatched to the backend.
 * Client → host: {seq, channel, request}. Host → client: {seq, result} or {event, payload}.
 * Everything a client sends is untrusted: it is shape-checked here and validated again by the backend.
 */
import { isChannel, type Channel, type EventName } from '../../shared/contract.js';
import { fail, type Result } from '../../shared/result.js';

/** What the host needs from the backend (main/service createBackend satisfies it). */
export interface HostBackend {
  invoke(channel: Channel, request: unknown): Promise<Result<unknown>>;
  on(event: EventName, listener: (payload: unknown) => void): () => void;
}

export interface WireReply {
  seq: number | null;
  result: Result<unknown>;
}

export interface WireEvent {
  event: EventName;
  payload: unknown;
}

/** Largest message a client may send: requests are small; anything bigger is refused by ws. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/** Answers one raw client message. Never throws: every failure becomes an error Result. */
export async function dispatchMessage(backend: HostBackend, raw: string): Promise<WireReply> {
  let message: unknown;
  try {
    message = JSON.parse(raw);
  } catch {
    return { seq: null, result: fail('invalid-request', 'The message is not valid JSON.') };
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return { seq: null, result: fail('invalid-request', 'A message must be an object {seq, channel, request}.') };
  }
  const { seq, channel, request } = message as Record<string, unknown>;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq)) {
    return { seq: null, result: fail('invalid-request', 'A message needs an integer "seq".') };
  }
  if (!isChannel(channel)) {
    return { seq, result: fail('unknown-channel', `"${String(channel)}" is not a Custos channel.`) };
  }
  if (channel === 'dialog.openPaths' || channel === 'dialog.savePath') {
    return {
      seq,
      result: fail('unsupported', 'Native file dialogs exist only in the desktop app.', {
        hint: 'Type or paste the path instead.',
      }),
    };
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return { seq, result: fail('invalid-request', `The request for "${channel}" must be an object.`) };
  }
  try {
    return { seq, result: await backend.invoke(channel, request) };
  } catch (error) {
    // The backend returns Results; a throw is a bug, reported without leaking a stack to the page.
    const message = error instanceof Error ? error.message : String(error);
    return { seq, result: fail('internal', `The backend failed on "${channel}": ${message}`) };
  }
}
