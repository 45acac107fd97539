/**
 * The preload exposes the shared contract as `window.custos` and nothing else: invoke() for the
 * listed channels, on() for the listed events, and the path of a dropped file. Anything outside
 * the contract is refused here, before it reaches the main process (which checks again).
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { API_GLOBAL, IPC_EVENT_MESSAGE, isChannel, EVENT_NAMES, type Channel, type CustosApi, type EventName, type Events, type RequestOf } from '../../shared/contract.js';
import { fail } from '../../shared/result.js';

function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && (EVENT_NAMES as readonly string[]).includes(value);
}

const api: CustosApi = {
  host: 'electron',
  invoke(channel: Channel, request: RequestOf<Channel>) {
    if (!isChannel(channel)) {
      return Promise.resolve(fail('unknown-channel', `"${String(channel)}" is not a Custos channel.`));
    }
    return ipcRenderer.invoke(channel, request);
  },
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void) {
    if (!isEventName(event)) throw new Error(`"${String(event)}" is not a Custos event.`);
    const handler = (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
      if (name === event) listener(payload as Events[E]);
    };
    ipcRenderer.on(IPC_EVENT_MESSAGE, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_MESSAGE, handler);
    };
  },
  pathForDroppedFile(file: unknown) {
    try {
      const path = webUtils.getPathForFile(file as Parameters<typeof webUtils.getPathForFile>[0]);
      return path.length > 0 ? path : null;
    } catch {
      return null;
    }
  },
} as CustosApi;

contextBridge.exposeInMainWorld(API_GLOBAL, api);
