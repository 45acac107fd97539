/**
 * One ipcMain handler per contract channel, generated from CHANNELS. Each handler refuses senders
 * that are not the app's own page, validates the payload, and always answers with a Result: the
 * renderer never sees an exception and nothing unvalidated reaches the backend.
 */
import type { IpcMainInvokeEvent } from 'electron';
import { z } from 'zod';
import { CHANNELS, type Channel } from '../../shared/contract.js';
import { fail, ok, type Result } from '../../shared/result.js';
import { isAppUrl } from './security.js';

export interface IpcBackend {
  /** Validates the request against the channel's schema and answers it (main/service). */
  invoke(channel: Channel, request: unknown): Promise<Result<unknown>>;
}

export interface NativeDialogs {
  openPaths(kind: 'files' | 'folder'): Promise<string[]>;
  savePath(defaultName: string, extensions: string[]): Promise<string | null>;
}

/** The subset of ipcMain used here, so the handlers are testable without Electron. */
export interface IpcRegistrar {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
}

const openPathsRequest = z.strictObject({ kind: z.enum(['files', 'folder']) });
const savePathRequest = z.strictObject({
  defaultName: z.string().min(1).max(255),
  extensions: z.array(z.string().regex(/^[A-Za-z0-9]{1,10}$/)).max(10),
});

/** The sender must be the app's own top-level page, not a frame or a page navigated elsewhere. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame' | 'sender'>): boolean {
  const frame = event.senderFrame;
  if (!frame) return false;
  if (frame !== event.sender.mainFrame) return false;
  return isAppUrl(frame.url);
}

export async function answerDialog(channel: 'dialog.openPaths' | 'dialog.savePath', request: unknown, dialogs: NativeDialogs): Promise<Result<unknown>> {
  if (channel === 'dialog.openPaths') {
    const parsed = openPathsRequest.safeParse(request);
    if (!parsed.success) return fail('invalid-request', `Invalid request for ${channel}: ${z.prettifyError(parsed.error)}`);
    return ok({ paths: await dialogs.openPaths(parsed.data.kind) });
  }
  const parsed = savePathRequest.safeParse(request);
  if (!parsed.success) return fail('invalid-request', `Invalid request for ${channel}: ${z.prettifyError(parsed.error)}`);
  return ok({ path: await dialogs.savePath(parsed.data.defaultName, parsed.data.extensions) });
}

export function registerIpcHandlers(ipc: IpcRegistrar, backend: IpcBackend, dialogs: NativeDialogs): void {
  for (const channel of CHANNELS) {
    ipc.handle(channel, async (event, request) => {
      if (!isTrustedSender(event)) return fail('forbidden', `Refused "${channel}": the request did not come from the Custos window.`);
      try {
        if (channel === 'dialog.openPaths' || channel === 'dialog.savePath') return await answerDialog(channel, request, dialogs);
        return await backend.invoke(channel, request);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return fail('internal', `The backend failed on "${channel}": ${message}`);
      }
    });
  }
}
