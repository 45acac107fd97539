/**
 * The renderer's one door to the backend. In Electron the preload exposes the contract as
 * `window.custos`; in a browser the same CustosApi is implemented over the loopback host's
 * WebSocket. Every call resolves to a Result — a lost connection is an error value, not a hang.
 */
import { API_GLOBAL, EVENT_NAMES, type Channel, type CustosApi, type EventName, type Events, type RequestOf, type ResponseOf } from '../shared/contract';
import { fail, type Result } from '../shared/result';

/** How long a request may wait for an answer before the UI is told it failed. */
const REQUEST_TIMEOUT_MS = 120_000;

type Pending = { resolve: (result: Result<unknown>) => void; timer: ReturnType<typeof setTimeout> };

/** A CustosApi over the browser host's WebSocket (`ws://host/ws`, authorised by the session cookie). */
export function createSocketApi(url: string, WebSocketImpl: typeof WebSocket = WebSocket): CustosApi {
  let socket: WebSocket | null = null;
  let ready: Promise<WebSocket | null> | null = null;
  let nextSeq = 1;
  const pending = new Map<number, Pending>();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();

  const lost = () =>
    fail('internal', 'Lost the connection to the Custos host.', { hint: 'Check that `npm run serve` is still running, then reload this page.' });

  const connect = (): Promise<WebSocket | null> => {
    if (ready && socket && socket.readyState <= 1) return ready;
    ready = new Promise((resolve) => {
      const ws = new WebSocketImpl(url);
      socket = ws;
      ws.onopen = () => resolve(ws);
      ws.onerror = () => resolve(null);
      ws.onclose = () => {
        resolve(null);
        for (const [seq, entry] of pending) {
          clearTimeout(entry.timer);
          entry.resolve(lost());
          pending.delete(seq);
        }
        if (socket === ws) {
          socket = null;
          ready = null;
        }
      };
      ws.onmessage = (message) => {
        let data: { seq?: unknown; result?: Result<unknown>; event?: unknown; payload?: unknown };
        try {
          data = JSON.parse(String(message.data));
        } catch {
          return;
        }
        if (typeof data.event === 'string' && (EVENT_NAMES as readonly string[]).includes(data.event)) {
          listeners.get(data.event as EventName)?.forEach((listener) => listener(data.payload));
          return;
        }
        if (typeof data.seq === 'number' && data.result) {
          const entry = pending.get(data.seq);
          if (!entry) return;
          pending.delete(data.seq);
          clearTimeout(entry.timer);
          entry.resolve(data.result);
        }
      };
    });
    return ready;
  };

  return {
    host: 'browser',
    async invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>> {
      const ws = await connect();
      if (!ws || ws.readyState !== 1) return lost() as Result<ResponseOf<C>>;
      const seq = nextSeq++;
      return new Promise<Result<ResponseOf<C>>>((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(seq);
          resolve(fail('internal', `The backend did not answer "${channel}" in time.`, { hint: 'Try again; if it keeps happening restart Custos.' }));
        }, REQUEST_TIMEOUT_MS);
        pending.set(seq, { resolve: resolve as (result: Result<unknown>) => void, timer });
        ws.send(JSON.stringify({ seq, channel, request }));
      });
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void) {
      const set = listeners.get(event) ?? new Set();
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      listeners.set(event, set);
      void connect();
      return () => {
        set.delete(wrapped);
      };
    },
  };
}

/** The backend for this page: the Electron preload when present, else the loopback host. */
export function connectApi(): CustosApi {
  const exposed = (window as unknown as Record<string, CustosApi | undefined>)[API_GLOBAL];
  if (exposed) return exposed;
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return createSocketApi(`${scheme}://${window.location.host}/ws`);
}
