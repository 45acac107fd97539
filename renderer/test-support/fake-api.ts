/** A scripted backend standing in for main/service in component tests only; the app talks to the real one. */
import { act } from '@testing-library/react';
import { vi } from 'vitest';
import type { Channel, CustosApi, EventName, Events, RequestOf, ResponseOf } from '../../shared/contract';
import { fail, type Result } from '../../shared/result';

export type Answers = { [C in Channel]?: (request: RequestOf<C>) => Result<ResponseOf<C>> | Promise<Result<ResponseOf<C>>> };

export function fakeApi(answers: Answers, host: CustosApi['host'] = 'browser') {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const invoke = vi.fn(async (channel: Channel, request: unknown) => {
    const answer = answers[channel] as ((request: unknown) => Result<unknown> | Promise<Result<unknown>>) | undefined;
    return answer ? answer(request) : fail('internal', `no answer scripted for ${channel}`);
  });
  const api = {
    host,
    invoke,
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  } as unknown as CustosApi;
  const emit = <E extends EventName>(event: E, payload: Events[E]) => act(() => listeners.get(event)?.forEach((listener) => listener(payload)));
  return { api, invoke, emit };
}
