import { describe, expect, it, vi } from 'vitest';
import type { SessionSummary } from '../../shared/archive';
import type { Channel, CustosApi, EventName, Events, RequestOf, ResponseOf } from '../../shared/contract';
import { fail, ok, type Result } from '../../shared/result';
import type { EntryRow } from '../../shared/query';
import { createCustosStore } from './store';
import { PAGE_SIZE } from './explorer';

type Answers = { [C in Channel]?: (request: RequestOf<C>) => Result<ResponseOf<C>> };

/** A scripted backend for store tests: answers by channel and lets the test push events. */
function fakeApi(answers: Answers) {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const calls: Array<{ channel: Channel; request: unknown }> = [];
  const api: CustosApi = {
    host: 'browser',
    async invoke<C extends Channel>(channel: C, request: RequestOf<C>) {
      calls.push({ channel, request });
      const answer = answers[channel] as ((request: RequestOf<C>) => Result<ResponseOf<C>>) | undefined;
      return answer ? answer(request) : fail('internal', `no answer scripted for ${channel}`);
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
  const emit = <E extends EventName>(event: E, payload: Events[E]) => listeners.get(event)?.forEach((listener) => listener(payload));
  return { api, calls, emit };
}

const emptySession: SessionSummary = { files: [], totalEntries: 0, verdict: { integrity: 'unchained', completeness: 'unconfirmed', reasons: [] } };
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('archives slice', () => {
  it('opens the bundled demo on the very first start', async () => {
    const { api, calls } = fakeApi({
      'archives.summary': () => ok(emptySession),
      'archives.recent': () => ok({ paths: [] }),
      'archives.demo': () => ok({ paths: ['/app/assets/demo/clinic.jsonl'] }),
      'archives.open': () => ok({ jobId: 'job-1' }),
    });
    const store = createCustosStore(api);
    await store.getState().initArchives();
    expect(calls.find((call) => call.channel === 'archives.open')?.request).toEqual({ paths: ['/app/assets/demo/clinic.jsonl'], mode: 'add' });
    expect(store.getState().jobs.map((job) => job.jobId)).toEqual(['job-1']);
  });

  it('does not reopen the demo once the user has recent archives', async () => {
    const { api, calls } = fakeApi({
      'archives.summary': () => ok(emptySession),
      'archives.recent': () => ok({ paths: ['/evidence/a.jsonl'] }),
    });
    const store = createCustosStore(api);
    await store.getState().initArchives();
    expect(calls.map((call) => call.channel)).not.toContain('archives.demo');
    expect(store.getState().recent).toEqual(['/evidence/a.jsonl']);
  });

  it('tracks per-file progress and keeps failures next to the files that did open', async () => {
    const { api, emit } = fakeApi({
      'archives.open': () => ok({ jobId: 'j' }),
      'archives.summary': () => ok(emptySession),
      'archives.recent': () => ok({ paths: [] }),
    });
    const store = createCustosStore(api);
    await store.getState().openPaths(['/evidence/day1.jsonl', '/evidence/notes.txt']);
    emit('open.progress', { jobId: 'j', file: '/evidence/day1.jsonl', bytesRead: 50, bytesTotal: 100, entries: 500, findings: 0, entriesPerSecond: 1000, etaSeconds: 0.5, done: false });
    expect(store.getState().jobs[0]?.files['/evidence/day1.jsonl']?.entries).toBe(500);
    emit('open.done', { jobId: 'j', cancelled: false, opened: [], failed: [{ path: '/evidence/notes.txt', message: 'No known audit log format matched (line 1).' }] });
    await settle();
    expect(store.getState().jobs[0]?.outcome).not.toBeNull();
    expect(store.getState().openFailures).toEqual([{ path: '/evidence/notes.txt', message: 'No known audit log format matched (line 1).' }]);
  });

  it('says the session was lost when the database worker died, and shows the empty session that follows', async () => {
    const { api, emit } = fakeApi({ 'archives.summary': () => ok(emptySession) });
    const store = createCustosStore(api);
    emit('session.lost', { code: 'internal', message: 'The database worker stopped (exit code 1). The open archives were closed with it.', hint: 'Open them again.' });
    emit('session.changed', emptySession);
    await settle();
    const notice = store.getState().notices[0];
    expect([notice?.tone, notice?.title, notice?.message, notice?.hint]).toEqual(['error', 'Indexing', 'The database worker stopped (exit code 1). The open archives were closed with it.', 'Open them again.']);
    expect(store.getState().summary).toEqual(emptySession);
  });

  it('reports a backend error with what failed and what to do, and leaves nothing loading', async () => {
    const { api } = fakeApi({
      'archives.open': () => fail('not-found', 'No such file or folder', { file: '/gone/audit.jsonl' }),
      'archives.summary': () => fail('internal', 'worker stopped'),
      'archives.recent': () => ok({ paths: [] }),
    });
    const store = createCustosStore(api);
    expect(await store.getState().openPaths(['/gone/audit.jsonl'])).toBe(false);
    const notice = store.getState().notices[0];
    expect(notice?.title).toBe('Opening /gone/audit.jsonl');
    expect(notice?.message).toContain('No such file or folder (/gone/audit.jsonl)');
    expect(notice?.hint).toMatch(/moved or deleted/);
    await store.getState().initArchives();
    expect(store.getState().summaryLoading).toBe(false);
    expect(store.getState().notices.at(-1)?.message).toBe('worker stopped');
  });
});

describe('explorer slice', () => {
  it('keeps at most two page requests in flight and fetches the rows on screen first after a jump', async () => {
    const pending: Array<{ offset: number; resolve: () => void }> = [];
    const listeners = new Map<string, Set<(payload: unknown) => void>>();
    const api: CustosApi = {
      host: 'browser',
      invoke: ((channel: Channel, request: { offset: number; limit: number }) => {
        if (channel === 'entries.histogram') return Promise.resolve(ok({ bucketMs: 1, buckets: [] }));
        if (channel !== 'entries.query') return Promise.resolve(ok({ values: [] }));
        return new Promise((resolve) => pending.push({ offset: request.offset, resolve: () => resolve(ok({ rows: [], total: 1_000_000, offset: request.offset })) }));
      }) as CustosApi['invoke'],
      on: (event, listener) => {
        const set = listeners.get(event) ?? new Set();
        set.add(listener as (payload: unknown) => void);
        listeners.set(event, set);
        return () => set.delete(listener as (payload: unknown) => void);
      },
    };
    const store = createCustosStore(api);
    store.getState().reloadExplorer();
    pending.shift()!.resolve();
    await settle();
    // Page 0 answered; scrolling far down while two prefetches are pending queues nothing more.
    expect(pending.map((p) => p.offset)).toEqual([PAGE_SIZE, 2 * PAGE_SIZE]);
    store.getState().ensureRows(600_000, 600_040);
    expect(pending).toHaveLength(2);
    pending.shift()!.resolve();
    await settle();
    // The first free slot goes to the page now on screen.
    expect(pending.map((p) => p.offset).at(-1)).toBe(Math.floor(600_000 / PAGE_SIZE) * PAGE_SIZE);
  });

  it('pages rows from the backend on demand, caches them, and drops stale answers after a filter change', async () => {
    const queries: Array<{ offset: number; patients?: string[] }> = [];
    const { api } = fakeApi({
      'entries.query': (request) => {
        queries.push({ offset: request.offset, patients: request.filter.patients });
        return ok({ rows: [], total: 1_000_000, offset: request.offset });
      },
      'entries.histogram': () => ok({ bucketMs: 3_600_000, buckets: [] }),
      'entries.distinct': () => ok({ values: [] }),
    });
    const store = createCustosStore(api);
    store.getState().reloadExplorer();
    await settle();
    expect(store.getState().total).toBe(1_000_000);
    store.getState().ensureRows(PAGE_SIZE * 10, PAGE_SIZE * 11 - 1);
    store.getState().ensureRows(PAGE_SIZE * 10, PAGE_SIZE * 11 - 1);
    await settle();
    expect(queries.filter((query) => query.offset === PAGE_SIZE * 10)).toHaveLength(1);
    const before = queries.length;
    store.getState().setFilter({ patients: ['P-0042'], users: [] });
    await settle();
    // The new query starts at the top, and every request since carries the new filter.
    expect(queries[before]).toEqual({ offset: 0, patients: ['P-0042'] });
    expect(queries.slice(before).every((query) => query.patients?.[0] === 'P-0042')).toBe(true);
    expect(store.getState().pages[10]).toBeUndefined();
  });

  it('after the archives change, keeps the position and the rows on show until fresh pages replace them', async () => {
    let version = 'old';
    const queries: number[] = [];
    const row = (offset: number, index: number) => ({ id: offset + index, version }) as unknown as EntryRow;
    const { api } = fakeApi({
      'entries.query': (request) => {
        queries.push(request.offset);
        return ok({ rows: Array.from({ length: request.limit }, (_, index) => row(request.offset, index)), total: 1_000_000, offset: request.offset });
      },
      'entries.histogram': () => ok({ bucketMs: 1, buckets: [] }),
      'entries.distinct': () => ok({ values: [] }),
    });
    const store = createCustosStore(api);
    store.getState().reloadExplorer();
    await settle();
    store.getState().ensureRows(PAGE_SIZE * 20, PAGE_SIZE * 20 + 40);
    await settle();
    const viewGeneration = store.getState().viewGeneration;
    expect(store.getState().pages[20]?.[0]).toMatchObject({ version: 'old' });

    version = 'new';
    let answer: (() => void) | undefined;
    const held = new Promise<void>((resolve) => (answer = resolve));
    const invoke = api.invoke;
    // Hold the first refreshed page back: meanwhile the old rows stay on show.
    api.invoke = (async (channel: Channel, request: never) => {
      if (channel === 'entries.query') await held;
      return invoke(channel, request);
    }) as CustosApi['invoke'];
    queries.length = 0;
    store.getState().reloadExplorer();
    expect(store.getState().pages).toEqual({});
    expect(store.getState().stalePages[20]?.[0]).toMatchObject({ version: 'old' });
    expect(store.getState().viewGeneration).toBe(viewGeneration);
    answer!();
    await settle();
    // The rows on screen are fetched again first, at the same position, and the fresh page replaces the old.
    expect(queries[0]).toBe(PAGE_SIZE * 20);
    expect(store.getState().pages[20]?.[0]).toMatchObject({ version: 'new' });
    expect(store.getState().stalePages[20]).toBeUndefined();

    // A new filter is a new view: back to the top with nothing stale.
    store.getState().setFilter({ users: ['dr_smith'] });
    expect(store.getState().viewGeneration).toBe(viewGeneration + 1);
    expect(store.getState().stalePages).toEqual({});
  });

  it('prefetches further ahead the faster the table scrolls', async () => {
    const queries: number[] = [];
    const { api } = fakeApi({
      'entries.query': (request) => {
        queries.push(request.offset / PAGE_SIZE);
        return ok({ rows: [], total: 1_000_000, offset: request.offset });
      },
      'entries.histogram': () => ok({ bucketMs: 1, buckets: [] }),
      'entries.distinct': () => ok({ values: [] }),
    });
    const now = vi.spyOn(Date, 'now');
    try {
      const store = createCustosStore(api);
      store.getState().reloadExplorer();
      await settle();
      // Slow scrolling (about 250 rows a second) around page 100 looks two pages ahead.
      let time = 1_000_000;
      const scrollTo = async (first: number) => {
        now.mockReturnValue(time);
        store.getState().ensureRows(first, first + 35);
        await settle();
      };
      for (let step = 0; step < 10; step++, time += 100) await scrollTo(100 * PAGE_SIZE + step * 25);
      const slowest = Math.max(...queries.filter((page) => page >= 100));
      expect(slowest).toBe(102);
      // Fast scrolling (about 2,500 rows a second) around page 1000 looks further.
      for (let step = 0; step < 10; step++, time += 100) await scrollTo(1000 * PAGE_SIZE + step * 250);
      const fastest = Math.max(...queries.filter((page) => page >= 1000));
      expect(fastest - 1000 - Math.floor((9 * 250) / PAGE_SIZE)).toBeGreaterThanOrEqual(4);
    } finally {
      now.mockRestore();
    }
  });

  it('toggles sort direction on the same column', () => {
    const { api } = fakeApi({ 'entries.query': (r) => ok({ rows: [], total: 0, offset: r.offset }), 'entries.histogram': () => ok({ bucketMs: 1, buckets: [] }) });
    const store = createCustosStore(api);
    store.getState().setSort('patient');
    expect(store.getState().sort).toEqual({ column: 'patient', direction: 'asc' });
    store.getState().setSort('patient');
    expect(store.getState().sort).toEqual({ column: 'patient', direction: 'desc' });
  });

  it('shows a detail error instead of loading forever', async () => {
    const { api } = fakeApi({ 'entries.detail': () => fail('io', 'The file is gone', { hint: 'Reopen the archive.' }) });
    const store = createCustosStore(api);
    await store.getState().openDetail(7);
    expect(store.getState().detail).toEqual({ id: 7, loading: false, value: null, error: 'The file is gone Reopen the archive.' });
  });
});

describe('integrity slice', () => {
  it('loads findings and the raw lines around the selected one', async () => {
    const finding = { id: 3, fileId: 1, kind: 'hash-mismatch' as const, severity: 'critical' as const, file: '/e/a.jsonl', line: 42, detail: 'changed' };
    const context = vi.fn(() => ok({ finding, lines: [{ line: 41, raw: '{}' }, { line: 42, raw: '{"x":1}' }] }));
    const { api } = fakeApi({ 'findings.list': (r) => ok({ rows: [finding], total: 1, offset: r.offset }), 'findings.context': context });
    const store = createCustosStore(api);
    await store.getState().loadFindings();
    await store.getState().selectFinding(3);
    expect(context).toHaveBeenCalledWith({ findingId: 3, radius: 3 });
    expect(store.getState().context?.lines.map((line) => line.line)).toEqual([41, 42]);
  });
});
