import { describe, expect, it, vi } from 'vitest';
import { CHANNELS } from '../../shared/contract.js';
import { registerIpcHandlers, type IpcBackend, type NativeDialogs } from '../../main/app/ipc.js';
import { APP_ORIGIN } from '../../main/app/security.js';
import { ok } from '../../shared/result.js';

type Handler = (event: unknown, request: unknown) => Promise<unknown>;

function setup() {
  const handlers = new Map<string, Handler>();
  const backend: IpcBackend = { invoke: vi.fn(async (channel: string) => ok({ answeredBy: channel })) };
  const dialogs: NativeDialogs = { openPaths: vi.fn(async () => ['/evidence/a.jsonl']), savePath: vi.fn(async () => '/tmp/x.sqlite') };
  registerIpcHandlers({ handle: (channel, listener) => handlers.set(channel, listener as Handler) }, backend, dialogs);
  const mainFrame = { url: `${APP_ORIGIN}/index.html` };
  const trusted = { sender: { mainFrame }, senderFrame: mainFrame };
  return { handlers, backend, dialogs, trusted };
}

describe('Electron IPC handlers', () => {
  it('registers exactly one handler per contract channel', () => {
    const { handlers } = setup();
    expect([...handlers.keys()].sort()).toEqual([...CHANNELS].sort());
  });

  it('refuses requests from a foreign page or a subframe without reaching the backend', async () => {
    const { handlers, backend } = setup();
    const foreignFrame = { url: 'https://evil.example/' };
    const fromForeign = await handlers.get('entries.query')!({ sender: { mainFrame: foreignFrame }, senderFrame: foreignFrame }, {});
    expect(fromForeign).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const mainFrame = { url: `${APP_ORIGIN}/index.html` };
    const subframe = { url: `${APP_ORIGIN}/index.html` };
    const fromSubframe = await handlers.get('entries.query')!({ sender: { mainFrame }, senderFrame: subframe }, {});
    expect(fromSubframe).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(backend.invoke).not.toHaveBeenCalled();
  });

  it('passes trusted requests to the backend and returns its Result', async () => {
    const { handlers, backend, trusted } = setup();
    const result = await handlers.get('archives.summary')!(trusted, {});
    expect(result).toEqual({ ok: true, value: { answeredBy: 'archives.summary' } });
    expect(backend.invoke).toHaveBeenCalledWith('archives.summary', {});
  });

  it('validates dialog requests and answers with native dialog paths', async () => {
    const { handlers, dialogs, trusted } = setup();
    expect(await handlers.get('dialog.openPaths')!(trusted, { kind: 'folder' })).toEqual({ ok: true, value: { paths: ['/evidence/a.jsonl'] } });
    expect(dialogs.openPaths).toHaveBeenCalledWith('folder');
    expect(await handlers.get('dialog.openPaths')!(trusted, { kind: 'everything' })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(await handlers.get('dialog.savePath')!(trusted, { defaultName: 'index.sqlite', extensions: ['sqlite'], extra: 1 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
  });

  it('turns a backend exception into an internal error Result', async () => {
    const { handlers, backend, trusted } = setup();
    vi.mocked(backend.invoke).mockRejectedValueOnce(new Error('worker died'));
    expect(await handlers.get('entries.detail')!(trusted, { id: 1 })).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringContaining('worker died') } });
  });
});

describe('Electron IPC validation', () => {
  it('rejects a malformed payload before it reaches the backend', async () => {
    const { handlers, backend, trusted } = setup();
    const result = await handlers.get('entries.query')!(trusted, { filter: {}, sort: { column: 'password', direction: 'up' }, offset: -1, limit: 1e9 });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-request', message: expect.stringContaining('entries.query') } });
    expect(await handlers.get('archives.open')!(trusted, { paths: [], mode: 'add', evil: true })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(backend.invoke).not.toHaveBeenCalled();
  });
});
