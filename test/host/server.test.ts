import { mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { assertLoopback, startHost, type RunningHost } from '../../main/host/server.js';
import type { HostBackend } from '../../main/host/wire.js';
import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy.js';
import { ok } from '../../shared/result.js';

/** A backend that echoes, so these tests exercise the host's own rules only. */
function echoBackend() {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const backend: HostBackend & { emit(event: string, payload: unknown): void; calls: Array<[string, unknown]> } = {
    calls: [],
    async invoke(channel, request) {
      backend.calls.push([channel, request]);
      return ok({ channel, request });
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
    emit(event, payload) {
      listeners.get(event)?.forEach((listener) => listener(payload));
    },
  };
  return backend;
}

function rendererDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'custos-renderer-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Custos</title>');
  return dir;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

let host: RunningHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

async function login(running: RunningHost): Promise<string> {
  const url = new URL(running.url);
  const answer = await get(running.port, url.pathname + url.search);
  expect(answer.status).toBe(302);
  const cookie = String(answer.headers['set-cookie']).split(';')[0]!;
  expect(answer.headers['set-cookie']?.toString()).toMatch(/HttpOnly; SameSite=Strict/);
  return cookie;
}

function openSocket(running: RunningHost, cookie: string | null, origin = `http://127.0.0.1:${running.port}`): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${running.port}/ws`, { headers: { ...(cookie ? { Cookie: cookie } : {}), Origin: origin } });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))));
}

describe('loopback browser host', () => {
  it('binds to 127.0.0.1 only and refuses any other address', async () => {
    expect(() => assertLoopback('0.0.0.0')).toThrow(/loopback/);
    expect(() => assertLoopback('192.168.1.10')).toThrow(/loopback/);
    await expect(startHost({ backend: echoBackend(), rendererDir: rendererDir(), bindAddress: '0.0.0.0' })).rejects.toThrow(/loopback/);
    host = await startHost({ backend: echoBackend(), rendererDir: rendererDir() });
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{40,}$/);
  });

  it('refuses pages without the token, a wrong token, and a token used twice', async () => {
    host = await startHost({ backend: echoBackend(), rendererDir: rendererDir() });
    expect((await get(host.port, '/')).status).toBe(401);
    expect((await get(host.port, '/?token=guess')).status).toBe(403);
    const cookie = await login(host);
    const url = new URL(host.url);
    expect((await get(host.port, url.pathname + url.search)).status).toBe(403);
    const page = await get(host.port, '/', { Cookie: cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Custos</title>');
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect((await get(host.port, '/', { Cookie: 'custos_session=forged' })).status).toBe(401);
  });

  it('refuses a foreign Host header (DNS rebinding) and path traversal', async () => {
    host = await startHost({ backend: echoBackend(), rendererDir: rendererDir() });
    const cookie = await login(host);
    expect((await get(host.port, '/', { Cookie: cookie, Host: 'evil.example' })).status).toBe(403);
    expect((await get(host.port, '/../../etc/passwd', { Cookie: cookie })).status).toBe(404);
    expect((await get(host.port, '/%2e%2e/%2e%2e/etc/passwd', { Cookie: cookie })).status).toBe(404);
  });

  it('refuses a WebSocket without the session cookie or from another origin', async () => {
    host = await startHost({ backend: echoBackend(), rendererDir: rendererDir() });
    await expect(openSocket(host, null)).rejects.toThrow(/401/);
    const cookie = await login(host);
    await expect(openSocket(host, cookie, 'http://evil.example')).rejects.toThrow(/403/);
  });

  it('answers contract requests, pushes events, and turns bad messages into error Results', async () => {
    const backend = echoBackend();
    host = await startHost({ backend, rendererDir: rendererDir() });
    const ws = await openSocket(host, await login(host));

    ws.send(JSON.stringify({ seq: 1, channel: 'entries.detail', request: { id: 7 } }));
    expect(await nextMessage(ws)).toEqual({ seq: 1, result: { ok: true, value: { channel: 'entries.detail', request: { id: 7 } } } });

    ws.send(JSON.stringify({ seq: 2, channel: 'fs.readFile', request: { path: '/etc/passwd' } }));
    expect(await nextMessage(ws)).toMatchObject({ seq: 2, result: { ok: false, error: { code: 'unknown-channel' } } });

    ws.send('{"seq": 3, "channel": ');
    expect(await nextMessage(ws)).toMatchObject({ seq: null, result: { ok: false, error: { code: 'invalid-request' } } });

    ws.send(JSON.stringify({ seq: 4, channel: 'entries.query', request: 'DROP TABLE entries' }));
    expect(await nextMessage(ws)).toMatchObject({ seq: 4, result: { ok: false, error: { code: 'invalid-request' } } });

    ws.send(JSON.stringify({ seq: 5, channel: 'dialog.openPaths', request: { kind: 'files' } }));
    expect(await nextMessage(ws)).toMatchObject({ seq: 5, result: { ok: false, error: { code: 'unsupported' } } });
    expect(backend.calls.map(([channel]) => channel)).toEqual(['entries.detail']);

    const event = nextMessage(ws);
    backend.emit('session.changed', { files: [], totalEntries: 0 });
    expect(await event).toEqual({ event: 'session.changed', payload: { files: [], totalEntries: 0 } });
    ws.close();
  });
});
