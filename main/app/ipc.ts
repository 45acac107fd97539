/**
 * One ipcMain handler per contract channel, generated from CHANNELS. Each handler refuses senders
 * that are not the app's own page, validates the payload with the backend's schemas, and always answers with a Result: the
 * renderer never sees an exception and nothing unvalidated reaches the backend.
 */
import type { IpcMainInvokeEvent } from 'electron';
import type { ZodType } from 'zod';
import { CHANNELS, type Channel, type RequestOf } from '../../shared/contract.js';
import { fail, ok, type Result } from '../../shared/result.js';
import { requestSchemas } from '../service/schemas.js';
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

/** The sender must be the app's own top-level page, not a frame or a page navigated elsewhere. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame' | 'sender'>): boolean {
  const frame = event.senderFrame;
  if (!frame) return false;
  if (frame !== event.sender.mainFrame) return false;
  return isAppUrl(frame.url);
}

/** Validates a request against the backend's schema for its channel (main/service/schemas.ts). */
export function validateRequest<C extends Channel>(channel: C, request: unknown): Result<RequestOf<C>> {
  // A channel without a schema (one being added to the contract) is refused, never passed through.
  const schema = (requestSchemas as Partial<Record<Channel, ZodType>>)[channel];
  if (!schema) return fail('unknown-channel', `"${channel}" has no request schema, so it is refused.`);
  const parsed = schema.safeParse(request);
  if (parsed.success) return ok(parsed.data as RequestOf<C>);
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`).join('; ');
  return fail('invalid-request', `Invalid request for ${channel}: ${problems}`);
}

export function registerIpcHandlers(ipc: IpcRegistrar, backend: IpcBackend, dialogs: NativeDialogs): void {
  for (const channel of CHANNELS) {
    ipc.handle(channel, async (event, request) => {
      if (!isTrustedSender(event)) return fail('forbidden', `Refused "${channel}": the request did not come from the Custos window.`);
      const valid = validateRequest(channel, request);
      if (!valid.ok) return valid;
      try {
        if (channel === 'dialog.openPaths') {
          const { kind } = valid.value as RequestOf<'dialog.openPaths'>;
          return ok({ paths: await dialogs.openPaths(kind) });
        }
        if (channel === 'dialog.savePath') {
          const { defaultName, extensions } = valid.value as RequestOf<'dialog.savePath'>;
          return ok({ path: await dialogs.savePath(defaultName, extensions) });
        }
        return await backend.invoke(channel, valid.value);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return fail('internal', `The backend failed on "${channel}": ${message}`);
      }
    });
  }
}
