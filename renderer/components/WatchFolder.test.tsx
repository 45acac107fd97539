// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CustosApi } from '../../shared/contract';
import { ok } from '../../shared/result';
import type { TailAlert, TailStatus } from '../../shared/tail';
import { createCustosStore, StoreContext } from '../store/store';
import { ApiContext } from './ApiContext';
import { App } from './App';
import { fakeApi, type Answers } from '../test-support/fake-api';

vi.hoisted(() => {
  window.matchMedia ??= ((query: string) => ({ matches: false, media: query, addEventListener() {}, removeEventListener() {}, addListener() {}, removeListener() {} })) as unknown as typeof window.matchMedia;
});


const status = (overrides: Partial<TailStatus> = {}): TailStatus => ({
  tailId: 't1',
  dir: '/var/log/agent',
  state: 'watching',
  message: 'Watching /var/log/agent.',
  polling: false,
  files: [
    { path: '/var/log/agent/audit-2026-03-01.jsonl', state: 'following', format: 'chained', verifiedBytes: 9000, lines: 20, entries: 20, criticalFindings: 0, pendingBytes: 0, message: null },
  ],
  entries: 20,
  findings: 0,
  alerts: 0,
  startedAt: '2026-03-01T00:00:00Z',
  resumed: false,
  ...overrides,
});

const alert = (id: string, title: string, severity: TailAlert['severity'] = 'critical'): TailAlert => ({
  id,
  tailId: 't1',
  kind: 'integrity',
  severity,
  rule: 'tampering',
  title,
  explanation: `${title}: audit-2026-03-01.jsonl line 3 changed.`,
  file: '/var/log/agent/audit-2026-03-01.jsonl',
  evidence: [{ file: '/var/log/agent/audit-2026-03-01.jsonl', line: 3 }],
  raisedAt: '2026-03-01T00:00:01Z',
});

function renderApp(api: CustosApi) {
  const store = createCustosStore(api);
  render(
    <ApiContext.Provider value={api}>
      <StoreContext.Provider value={store}>
        <App />
      </StoreContext.Provider>
    </ApiContext.Provider>,
  );
  return store;
}

const base: Answers = {
  'archives.summary': () => ok({ files: [], totalEntries: 0, verdict: { integrity: 'unchained', completeness: 'unconfirmed', reasons: [] } }),
  'archives.recent': () => ok({ paths: [] }),
  'findings.list': () => ok({ rows: [], total: 0, offset: 0 }),
  'tail.notifications': () => ok({ enabled: true }),
};

afterEach(cleanup);

describe('Watch folder', () => {
  it('starts watching a typed folder, shows each file and what happened to it, and stops', async () => {
    let tails: TailStatus[] = [];
    const { api, invoke, emit } = fakeApi({
      ...base,
      'tail.start': () => {
        tails = [status()];
        return ok({ tailId: 't1' });
      },
      'tail.status': () => ok({ tails }),
      'tail.stop': () => ok({ stopped: true }),
    });
    renderApp(api);
    const panel = await screen.findByRole('region', { name: 'Watch folder' });
    fireEvent.change(within(panel).getByLabelText(/Folder the audit logs are being written to/), { target: { value: '/var/log/agent' } });
    fireEvent.click(within(panel).getByLabelText(/Poll/));
    fireEvent.click(within(panel).getByRole('button', { name: 'Watch' }));
    expect(await within(panel).findByText('/var/log/agent')).toBeTruthy();
    expect(invoke).toHaveBeenCalledWith('tail.start', { dir: '/var/log/agent', polling: true });
    expect(within(panel).getByText('Following')).toBeTruthy();

    // A status event: the file was cut short.
    emit(
      'tail.status',
      status({
        files: [
          {
            path: '/var/log/agent/audit-2026-03-01.jsonl',
            state: 'truncated',
            format: 'chained',
            verifiedBytes: 4000,
            lines: 10,
            entries: 20,
            criticalFindings: 10,
            pendingBytes: 0,
            message: 'audit-2026-03-01.jsonl shrank below the verified bytes: lines 11–20 are gone.',
          },
        ],
      }),
    );
    expect(within(panel).getByText('Cut short')).toBeTruthy();
    expect(within(panel).getByText(/lines 11–20 are gone/)).toBeTruthy();

    fireEvent.click(within(panel).getByRole('button', { name: 'Stop' }));
    await vi.waitFor(() => expect(within(panel).queryByText('/var/log/agent')).toBeNull());
    expect(invoke).toHaveBeenCalledWith('tail.stop', { tailId: 't1' });
  });

  it('shows a toast for each new live alert until it is dismissed', async () => {
    const { api, emit } = fakeApi({ ...base, 'tail.status': () => ok({ tails: [status()] }) });
    renderApp(api);
    await screen.findByRole('region', { name: 'Watch folder' });
    emit('tail.alert', alert('a1', 'Verified lines changed'));
    emit('tail.alert', alert('a1', 'Verified lines changed')); // the same alert again is not a new toast
    emit('tail.alert', alert('a2', 'Burst of accesses to one patient', 'warning'));
    const toasts = screen.getByLabelText('New alerts');
    expect(within(toasts).getAllByRole('alert')).toHaveLength(2);
    expect(within(toasts).getAllByText('audit-2026-03-01.jsonl:3')).toHaveLength(2);
    fireEvent.click(within(toasts).getByRole('button', { name: 'Dismiss alert: Verified lines changed' }));
    expect(within(toasts).getAllByRole('alert')).toHaveLength(1);
    expect(within(toasts).getByText(/Burst of accesses to one patient/, { selector: 'strong' })).toBeTruthy();
  });
});
