/**
 * Loopback browser host: serves the built renderer and the backend contract over HTTP + WebSocket
 * on 127.0.0.1 only. A random one-time token in the printed URL is exchanged on first visit for an
 * HttpOnly, SameSite=Strict session cookie; every other request (pages, assets, the WebSocket)
 * needs that cookie, a loopback Host header (DNS rebinding) and, for the WebSocket, our own Origin.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { EVENT_NAMES } from '../../shared/contract.js';
import { dispatchMessage, MAX_MESSAGE_BYTES, type HostBackend, type WireEvent } from './wire.js';
import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy.js';

export interface HostOptions {
  backend: HostBackend;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Must be a loopback address; anything else is refused. */
  bindAddress?: string;
}

export interface RunningHost {
  /** The URL to open once, with the one-time token. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1']);
const COOKIE_NAME = 'custos_session';
export const WS_PATH = '/ws';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** Throws unless the address is loopback: the host must never be reachable from the network. */
export function assertLoopback(address: string): void {
  if (!LOOPBACK_ADDRESSES.has(address)) {
    throw new Error(`Refusing to listen on ${address}: the Custos host binds to loopback (127.0.0.1) only.`);
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(request: IncomingMessage, name: string): string | null {
  const header = request.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const bindAddress = options.bindAddress ?? '127.0.0.1';
  assertLoopback(bindAddress);
  const rendererDir = resolve(options.rendererDir);
  const oneTimeToken = randomBytes(32).toString('base64url');
  let tokenUsed = false;
  const sessionSecret = randomBytes(32).toString('base64url');
  let port = 0;

  const hostAllowed = (request: IncomingMessage) => {
    const host = request.headers.host ?? '';
    return host === `127.0.0.1:${port}` || host === `localhost:${port}` || host === `[::1]:${port}`;
  };
  const hasSession = (request: IncomingMessage) => {
    const cookie = cookieValue(request, COOKIE_NAME);
    return cookie !== null && sameSecret(cookie, sessionSecret);
  };

  const securityHeaders = {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
  };

  const refuse = (response: ServerResponse, status: number, message: string) => {
    response.writeHead(status, { ...securityHeaders, 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(message + '\n');
  };

  const serveFile = async (response: ServerResponse, urlPath: string) => {
    const relative = urlPath === '/' ? 'index.html' : decodeURIComponent(urlPath).replace(/^\/+/, '');
    const filePath = normalize(join(rendererDir, relative));
    if (filePath !== rendererDir && !filePath.startsWith(rendererDir + sep)) return refuse(response, 404, 'Not found.');
    try {
      const info = await stat(filePath);
      if (!info.isFile()) return refuse(response, 404, 'Not found.');
      const body = await readFile(filePath);
      response.writeHead(200, {
        ...securityHeaders,
        'Content-Type': CONTENT_TYPES[extname(filePath)] ?? 'application/octet-stream',
        'Content-Length': body.length,
      });
      response.end(body);
    } catch {
      if (relative === 'index.html') {
        return refuse(response, 500, `The renderer is not built (${rendererDir} is missing). Run \`npm run build\` first.`);
      }
      refuse(response, 404, 'Not found.');
    }
  };

  const server = createServer((request, response) => {
    if (!hostAllowed(request)) return refuse(response, 403, 'Forbidden: unexpected Host header.');
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(response, 405, 'Method not allowed.');
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    const token = url.searchParams.get('token');
    if (token !== null) {
      if (!tokenUsed && sameSecret(token, oneTimeToken)) {
        tokenUsed = true;
        response.writeHead(302, {
          ...securityHeaders,
          'Set-Cookie': `${COOKIE_NAME}=${sessionSecret}; HttpOnly; SameSite=Strict; Path=/`,
          Location: '/',
        });
        return response.end();
      }
      if (hasSession(request)) {
        response.writeHead(302, { ...securityHeaders, Location: '/' });
        return response.end();
      }
      return refuse(response, 403, 'This link is not valid or was already used. Restart `npm run serve` for a new one.');
    }
    if (!hasSession(request)) {
      return refuse(response, 401, 'Open the URL printed by `npm run serve` (it carries a one-time token).');
    }
    void serveFile(response, url.pathname);
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const rejectUpgrade = (socket: Duplex, status: string) => {
    socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  };
  server.on('upgrade', (request, socket, head) => {
    const origin = request.headers.origin ?? '';
    const originAllowed = origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}` || origin === `http://[::1]:${port}`;
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path !== WS_PATH) return rejectUpgrade(socket, '404 Not Found');
    if (!hostAllowed(request) || !originAllowed) return rejectUpgrade(socket, '403 Forbidden');
    if (!hasSession(request)) return rejectUpgrade(socket, '401 Unauthorized');
    sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws, request));
  });

  sockets.on('connection', (ws: WebSocket) => {
    const unsubscribers = EVENT_NAMES.map((event) =>
      options.backend.on(event, (payload) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload } satisfies WireEvent));
      }),
    );
    ws.on('message', (data, isBinary) => {
      const raw = isBinary ? '' : data.toString();
      void dispatchMessage(options.backend, raw).then((reply) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
      });
    });
    ws.on('close', () => unsubscribers.forEach((off) => off()));
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, bindAddress, () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  const urlHost = bindAddress === '::1' ? '[::1]' : bindAddress;

  return {
    url: `http://${urlHost}:${port}/?token=${oneTimeToken}`,
    port,
    close: () =>
      new Promise<void>((resolveClose) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}
