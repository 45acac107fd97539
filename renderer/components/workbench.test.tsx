// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ArchiveFile, SessionSummary } from '../../shared/archive';
import type { CustosApi } from '../../shared/contract';
import type { EntryRow, FindingRow } from '../../shared/query';
import { fail, ok } from '../../shared/result';
import { createCustosStore, StoreContext } from '../store/store';
import { ApiContext } from './ApiContext';
import { App } from './App';
import { fakeApi } from '../test-support/fake-api';

// uPlot asks matchMedia for the pixel ratio when it loads; jsdom has none.
vi.hoisted(() => {
  window.matchMedia ??= ((query: string) => ({ matches: false, media: query, addEventListener() {}, removeEventListener() {}, addListener() {}, removeListener() {} })) as unknown as typeof window.matchMedia;
});


const file = (overrides: Partial<ArchiveFile> = {}): ArchiveFile => ({
  id: 1,
  path: '/evidence/clinic-2026-03-01.jsonl',
  format: 'chained',
  entries: 1200,
  lines: 1200,
  size: 480_000,
  sha256: 'ab'.repeat(32),
  chain: { status: 'intact', headHash: '9f2c'.repeat(16), coveredFields: ['*'], uncoveredFields: [] },
  firstTime: '2026-03-01T08:00:00.000Z',
  lastTime: '2026-03-01T17:00:00.000Z',
  indexedAt: '2026-03-02T00:00:00Z',
  mtimeMs: 0,
  findingCount: 0,
  ...overrides,
});

const session = (files: ArchiveFile[], integrity: SessionSummary['verdict']['integrity'] = 'intact'): SessionSummary => ({
  files,
  totalEntries: files.reduce((sum, f) => sum + f.entries, 0),
  verdict: { integrity, completeness: 'unconfirmed', reasons: integrity === 'broken' ? ['Line 42 of clinic.jsonl was changed.'] : [] },
});

const row = (id: number, patient: string): EntryRow => ({
  id,
  fileId: 1,
  source: { file: '/evidence/clinic-2026-03-01.jsonl', line: id, byteOffset: 0, byteLength: 10 },
  format: 'chained',
  timeMs: Date.UTC(2026, 2, 1, 8, 0, id),
  timeRaw: null,
  eventType: 'tool_call',
  user: `dr.user${id}`,
  role: 'physician',
  patient,
  tool: 'read_chart',
  purpose: 'treatment',
  success: id % 2 === 0,
  durationMs: 120,
  conversationId: null,
  turn: null,
  callId: null,
  model: null,
  trigger: null,
  clientIp: null,
  breakGlass: [],
  lineSha256: 'cd'.repeat(32),
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

beforeAll(() => {
  // jsdom has no layout: give the Explorer's scroller a size so the virtualizer renders rows.
  vi.spyOn(Element.prototype, 'clientHeight', 'get').mockReturnValue(600);
  vi.spyOn(Element.prototype, 'clientWidth', 'get').mockReturnValue(1000);
  Element.prototype.scrollIntoView ??= () => {};
  Element.prototype.scrollTo ??= () => {};
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
});
afterEach(cleanup);

describe('Archives view', () => {
  it('lists open files with format, entries, chain status and head hash, and the verdict in the status bar', async () => {
    const { api } = fakeApi({
      'archives.summary': () => ok(session([file(), file({ id: 2, path: '/evidence/tampered.jsonl', chain: { status: 'broken', headHash: null, coveredFields: [], uncoveredFields: [] }, findingCount: 2 })], 'broken')),
      'archives.recent': () => ok({ paths: ['/evidence/clinic-2026-03-01.jsonl'] }),
      'findings.list': () => ok({ rows: [], total: 2, offset: 0 }),
      'entries.query': () => ok({ rows: [], total: 0, offset: 0 }),
      'entries.histogram': () => ok({ bucketMs: 1, buckets: [] }),
      'entries.distinct': () => ok({ values: [] }),
    });
    renderApp(api);
    const rows = await screen.findAllByTestId('archive-row');
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).getByText('chained')).toBeTruthy();
    expect(within(rows[0]!).getByText('1,200')).toBeTruthy();
    expect(within(rows[0]!).getByText('Intact')).toBeTruthy();
    expect(within(rows[0]!).getByText('9f2c9f2c…9f2c9f2c')).toBeTruthy();
    expect(within(rows[1]!).getByText('Broken')).toBeTruthy();
    expect(screen.getByTestId('status-integrity').textContent).toBe('Integrity: Broken');
    expect(screen.getByText('2 files open · 2,400 entries')).toBeTruthy();
  });

  it('says the chained files are intact when unchained selectools files are open beside them', async () => {
    const unchained = { status: 'unchained' as const, headHash: null, coveredFields: [], uncoveredFields: [] };
    const { api } = fakeApi({
      'archives.summary': () =>
        ok(session([file(), file({ id: 2, path: '/evidence/2026-03-02.jsonl' }), file({ id: 3, path: '/evidence/selectools-run.jsonl', format: 'selectools', chain: unchained })], 'unchained')),
      'archives.recent': () => ok({ paths: [] }),
      'findings.list': () => ok({ rows: [], total: 0, offset: 0 }),
    });
    renderApp(api);
    await vi.waitFor(() => expect(screen.getByTestId('status-integrity').textContent).toBe('Integrity: Intact (chained files) · 1 unchained'));
  });

  it('shows per-file progress with rate and time left, and cancels', async () => {
    const { api, invoke, emit } = fakeApi({
      'archives.summary': () => ok(session([file()])),
      'archives.recent': () => ok({ paths: ['/x'] }),
      'archives.open': () => ok({ jobId: 'job-7' }),
      'archives.cancel': () => ok({ cancelled: true }),
      'findings.list': () => ok({ rows: [], total: 0, offset: 0 }),
      'entries.query': () => ok({ rows: [], total: 0, offset: 0 }),
      'entries.histogram': () => ok({ bucketMs: 1, buckets: [] }),
      'entries.distinct': () => ok({ values: [] }),
    });
    renderApp(api);
    await screen.findAllByTestId('archive-row');
    fireEvent.change(screen.getByLabelText(/Path to an audit log file/), { target: { value: '/evidence/big.jsonl' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Open' })));
    expect(invoke).toHaveBeenCalledWith('archives.open', { paths: ['/evidence/big.jsonl'], mode: 'add' });
    emit('open.progress', { jobId: 'job-7', file: '/evidence/big.jsonl', bytesRead: 250, bytesTotal: 1000, entries: 25_000, findings: 0, entriesPerSecond: 50_000, etaSeconds: 12, done: false });
    const bar = screen.getByRole('progressbar', { name: 'Reading big.jsonl' });
    expect(bar.getAttribute('aria-valuenow')).toBe('25');
    expect(screen.getByText(/25% · 25,000 entries · 50 k\/s · 12 s left/)).toBeTruthy();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Cancel' })));
    expect(invoke).toHaveBeenCalledWith('archives.cancel', { jobId: 'job-7' });
  });

  it('explains a dropped file in the browser, and a file that could not be opened, leaving the others listed', async () => {
    const { api, emit } = fakeApi({
      'archives.summary': () => ok(session([file()])),
      'archives.recent': () => ok({ paths: ['/x'] }),
      'findings.list': () => ok({ rows: [], total: 0, offset: 0 }),
    });
    renderApp(api);
    await screen.findAllByTestId('archive-row');
    const drop = new Event('drop', { bubbles: true, cancelable: true });
    Object.defineProperty(drop, 'dataTransfer', { value: { files: [new File(['x'], 'a.jsonl')], types: ['Files'] } });
    act(() => {
      window.dispatchEvent(drop);
    });
    expect(screen.getByRole('alert').textContent).toMatch(/does not reveal where dropped files are stored/);
    emit('open.done', { jobId: 'j', cancelled: false, opened: [], failed: [{ path: '/evidence/empty-folder', message: 'The folder contains no audit logs (.jsonl or .jsonl.gz).' }] });
    expect(await screen.findByText(/The folder contains no audit logs/)).toBeTruthy();
    expect(screen.getAllByTestId('archive-row')).toHaveLength(1);
  });
});

describe('Integrity view', () => {
  it('shows each finding with its explanation, expected and found hash, and the raw lines around it', async () => {
    const finding: FindingRow = {
      id: 9,
      fileId: 2,
      kind: 'hash-mismatch',
      severity: 'critical',
      file: '/evidence/tampered.jsonl',
      line: 42,
      detail: 'The hash of line 42 does not match its content.',
      expected: 'aa'.repeat(32),
      found: 'bb'.repeat(32),
    };
    const { api } = fakeApi({
      'archives.summary': () => ok(session([file({ id: 2, path: '/evidence/tampered.jsonl', findingCount: 1 })], 'broken')),
      'archives.recent': () => ok({ paths: ['/x'] }),
      'findings.list': () => ok({ rows: [finding], total: 1, offset: 0 }),
      'findings.context': () => ok({ finding, lines: [41, 42, 43].map((line) => ({ line, raw: `{"line":${line}}` })) }),
    });
    const store = renderApp(api);
    await screen.findAllByTestId('archive-row');
    act(() => store.getState().setView('integrity'));
    expect(screen.getByLabelText('Integrity verdict').textContent).toMatch(/broken/);
    expect(screen.getByLabelText('Completeness verdict').textContent).toMatch(/unconfirmed/);
    await act(async () => fireEvent.click(await screen.findByText('tampered.jsonl:42')));
    const detail = screen.getByTestId('finding-detail');
    expect(within(detail).getByText(/its content was changed afterwards/)).toBeTruthy();
    expect(within(detail).getByText('aa'.repeat(32))).toBeTruthy();
    expect(within(detail).getByText('bb'.repeat(32))).toBeTruthy();
    const highlighted = detail.querySelector('.context-line--finding');
    expect(highlighted?.textContent).toBe('42{"line":42}');
    expect(within(detail).getByText('{"line":41}')).toBeTruthy();
  });
});

describe('Explorer view', () => {
  it('filters by patient, sorts, and opens the detail drawer with the entry re-read from disk', async () => {
    const { api, invoke } = fakeApi({
      'archives.summary': () => ok(session([file()])),
      'archives.recent': () => ok({ paths: ['/x'] }),
      'findings.list': () => ok({ rows: [], total: 0, offset: 0 }),
      'entries.query': (request) => {
        const patient = request.filter.patients?.[0];
        const rows = patient ? [row(5, patient)] : [row(1, 'P-0001'), row(2, 'P-0002'), row(3, 'P-0003')];
        return ok({ rows: rows.slice(request.offset), total: rows.length, offset: request.offset });
      },
      'entries.histogram': () => ok({ bucketMs: 3_600_000, buckets: [] }),
      'entries.distinct': (request) => ok({ values: request.column === 'patient' ? ['P-0001', 'P-0002', 'P-0042'] : [] }),
      'entries.detail': (request) => ok({ row: row(request.id, 'P-0042'), raw: '{"patient_id":"P-0042"}', parsed: { patient_id: 'P-0042' }, unchanged: true }),
    });
    const store = renderApp(api);
    await screen.findAllByTestId('archive-row');
    act(() => store.getState().setView('explorer'));
    expect(await screen.findByText('3 matching entries')).toBeTruthy();
    expect(await screen.findAllByTestId('entry-row')).toHaveLength(3);

    const patientField = screen.getByLabelText('Patient');
    fireEvent.change(patientField, { target: { value: 'P-0042' } });
    await act(async () => fireEvent.keyDown(patientField, { key: 'Enter' }));
    expect(await screen.findByText('1 matching entries')).toBeTruthy();
    expect(invoke).toHaveBeenCalledWith('entries.query', expect.objectContaining({ filter: { patients: ['P-0042'] }, offset: 0 }));

    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Sort by Patient' })));
    expect(invoke).toHaveBeenCalledWith('entries.query', expect.objectContaining({ sort: { column: 'patient', direction: 'asc' } }));
    expect(screen.getByRole('columnheader', { name: /Patient/ }).getAttribute('aria-sort')).toBe('ascending');

    const [first] = await screen.findAllByTestId('entry-row');
    await act(async () => fireEvent.click(first!));
    const drawer = await screen.findByTestId('detail-drawer');
    expect(within(drawer).getByTestId('detail-patient').textContent).toBe('P-0042');
    expect(within(drawer).getByTestId('detail-json').textContent).toContain('"patient_id": "P-0042"');
    act(() => {
      fireEvent.keyDown(window, { key: 'Escape' });
    });
    expect(screen.queryByTestId('detail-drawer')).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId('entry-scroller'));
  });

  it('shows a failed query with a retry instead of a spinner', async () => {
    let broken = true;
    const { api } = fakeApi({
      'archives.summary': () => ok(session([file()])),
      'archives.recent': () => ok({ paths: ['/x'] }),
      'findings.list': () => ok({ rows: [], total: 0, offset: 0 }),
      'entries.query': (request) => (broken ? fail('internal', 'The database worker stopped.') : ok({ rows: [row(1, 'P-1')], total: 1, offset: request.offset })),
      'entries.histogram': () => ok({ bucketMs: 1, buckets: [] }),
      'entries.distinct': () => ok({ values: [] }),
    });
    const store = renderApp(api);
    await screen.findAllByTestId('archive-row');
    act(() => store.getState().setView('explorer'));
    expect((await screen.findByRole('alert')).textContent).toMatch(/The query failed.*The database worker stopped/);
    broken = false;
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Retry' })));
    expect(await screen.findByText('1 matching entries')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('keyboard navigation', () => {
  it('moves between views with the arrow keys and Ctrl+number', async () => {
    const { api } = fakeApi({
      'archives.summary': () => ok(session([])),
      'archives.recent': () => ok({ paths: ['/x'] }),
      'findings.list': () => ok({ rows: [], total: 0, offset: 0 }),
      'entries.query': () => ok({ rows: [], total: 0, offset: 0 }),
      'entries.histogram': () => ok({ bucketMs: 1, buckets: [] }),
      'entries.distinct': () => ok({ values: [] }),
    });
    renderApp(api);
    const archives = screen.getByRole('tab', { name: /Archives/ });
    expect(archives.getAttribute('aria-selected')).toBe('true');
    await act(async () => fireEvent.keyDown(archives, { key: 'ArrowDown' }));
    expect(screen.getByRole('tab', { name: /Explorer/ }).getAttribute('aria-selected')).toBe('true');
    await act(async () => fireEvent.keyDown(window, { key: '3', ctrlKey: true }));
    expect(screen.getByRole('tab', { name: /Integrity/ }).getAttribute('aria-selected')).toBe('true');
    expect(screen.getByRole('heading', { name: 'Integrity' })).toBeTruthy();
  });
});
