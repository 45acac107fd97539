import { beforeAll, describe, expect, it, vi } from 'vitest';
import { API_GLOBAL, CHANNELS, IPC_EVENT_MESSAGE, type CustosApi } from '../../shared/contract.js';

const exposed: Record<string, unknown> = {};
const listeners: Array<(event: unknown, ...args: unknown[]) => void> = [];
const invoke = vi.fn(async (channel: string) => ({ ok: true, value: { channel } }));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
  ipcRenderer: {
    invoke,
    on: (_message: string, listener: (event: unknown, ...args: unknown[]) => void) => listeners.push(listener),
    removeListener: (_message: string, listener: (event: unknown, ...args: unknown[]) => void) => listeners.splice(listeners.indexOf(listener), 1),
  },
  webUtils: { getPathForFile: (file: { path?: string }) => file.path ?? '' },
}));

let api: CustosApi;
beforeAll(async () => {
  await import('../../main/preload/preload.js');
  api = exposed[API_GLOBAL] as CustosApi;
});

describe('preload', () => {
  it('exposes exactly the contract api under window.custos', () => {
    expect(Object.keys(exposed)).toEqual([API_GLOBAL]);
    expect(Object.keys(api).sort()).toEqual(['host', 'invoke', 'on', 'pathForDroppedFile']);
    expect(api.host).toBe('electron');
  });

  it('forwards contract channels and refuses anything else without touching IPC', async () => {
    for (const channel of CHANNELS) await api.invoke(channel, {} as never);
    expect(invoke.mock.calls.map(([channel]) => channel)).toEqual([...CHANNELS]);
    invoke.mockClear();
    const refused = await api.invoke('fs.readFile' as never, { path: '/etc/passwd' } as never);
    expect(refused).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    expect(invoke).not.toHaveBeenCalled();
  });

  it('delivers only the subscribed event, stops after unsubscribe, and refuses unknown events', () => {
    const received: unknown[] = [];
    const off = api.on('open.done', (payload) => received.push(payload));
    expect(listeners).toHaveLength(1);
    listeners[0]!({}, 'open.progress', { jobId: 'x' });
    listeners[0]!({}, 'open.done', { jobId: 'y' });
    expect(received).toEqual([{ jobId: 'y' }]);
    off();
    expect(listeners).toHaveLength(0);
    expect(() => api.on('shell.exec' as never, () => undefined)).toThrow(/not a Custos event/);
    expect(IPC_EVENT_MESSAGE).toBe('custos:event');
  });

  it('reveals a dropped file path only when Electron knows it', () => {
    expect(api.pathForDroppedFile?.({ path: '/evidence/a.jsonl' })).toBe('/evidence/a.jsonl');
    expect(api.pathForDroppedFile?.({})).toBeNull();
  });
});
