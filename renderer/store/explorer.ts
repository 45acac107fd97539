import type { DistinctColumn, EntryDetail, EntryFilter, EntryRow, SortColumn, TimeBucket } from '../../shared/query';
import type { SliceCreator } from './types';

/** Rows per backend page; pages are cached and fetched as the table scrolls. */
export const PAGE_SIZE = 500;
/** Pages kept in memory; the ones farthest from the viewport are dropped first. */
export const MAX_CACHED_PAGES = 40;
/**
 * Page requests outstanding at once. The worker answers one at a time: a bounded queue means that
 * after a long jump the rows now on screen are fetched next, not the pages scrolled past.
 */
export const MAX_PAGES_IN_FLIGHT = 2;
/** Pages fetched beyond the viewport: more ahead in the scroll direction than behind. */
const PREFETCH_AHEAD = 2;
const PREFETCH_BEHIND = 1;
/** Faster scrolling looks further ahead: enough pages to cover this much time at the current speed. */
const PREFETCH_SECONDS = 2;
const MAX_PREFETCH_AHEAD = 6;
export const HISTOGRAM_BUCKETS = 120;
export const FILTER_COLUMNS = ['user', 'role', 'patient', 'tool', 'purpose'] as const satisfies readonly DistinctColumn[];
export type FilterColumn = (typeof FILTER_COLUMNS)[number];

export interface ExplorerSort {
  column: SortColumn;
  direction: 'asc' | 'desc';
}

export interface DetailState {
  id: number;
  loading: boolean;
  value: EntryDetail | null;
  error: string | null;
}

export interface ExplorerSlice {
  filter: EntryFilter;
  sort: ExplorerSort;
  /** Rows matching the filter, or null before the first answer. */
  total: number | null;
  /** Cached pages by page index, for the current filter and sort only. */
  pages: Record<number, EntryRow[]>;
  /**
   * After the open archives change (a reload, not a new filter or sort), the pages shown before:
   * the table keeps showing them where no fresh page has arrived yet instead of blanking.
   */
  stalePages: Record<number, EntryRow[]>;
  /** Bumped whenever the query restarts (filter, sort, reload), so late answers for old queries are dropped. */
  queryGeneration: number;
  /** Bumped only when filter or sort change: the table then returns to the top. */
  viewGeneration: number;
  queryError: string | null;
  histogram: { bucketMs: number; buckets: TimeBucket[] } | null;
  histogramError: string | null;
  distinct: Partial<Record<FilterColumn, string[]>>;
  detail: DetailState | null;
  setFilter(patch: Partial<EntryFilter>): void;
  clearFilter(): void;
  setSort(column: SortColumn): void;
  /** The table shows rows [first, last]: load those pages first, then the ones around them. */
  ensureRows(first: number, last: number): void;
  loadDistinct(): Promise<void>;
  openDetail(id: number): Promise<void>;
  closeDetail(): void;
  /** Re-runs the current query (after archives open or close), keeping the position and the rows on show until fresh ones arrive. */
  reloadExplorer(): void;
}

/** Removes empty values so the backend sees only filters the user actually set. */
export function cleanFilter(filter: EntryFilter): EntryFilter {
  const cleaned: EntryFilter = {};
  for (const [key, value] of Object.entries(filter) as Array<[keyof EntryFilter, unknown]>) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value) && value.length === 0) continue;
    (cleaned as Record<string, unknown>)[key] = value;
  }
  return cleaned;
}

export const createExplorerSlice: SliceCreator<ExplorerSlice> = (set, get, api) => {
  const inFlight = new Set<number>();
  let viewport = { first: 0, last: PAGE_SIZE - 1 };
  let direction: 1 | -1 = 1;
  /** Rows per second the viewport moved recently (smoothed), for how far ahead to prefetch. */
  let speed = 0;
  let lastMove = 0;

  /** Requests the most useful missing pages, up to the in-flight limit. */
  const pump = () => {
    const { pages, total } = get();
    if (total === 0) return;
    const lastRow = total === null ? viewport.last : Math.min(viewport.last, total - 1);
    const firstPage = Math.floor(Math.max(0, viewport.first) / PAGE_SIZE);
    const lastPage = Math.floor(Math.max(0, lastRow) / PAGE_SIZE);
    const maxPage = total === null ? lastPage : Math.floor((total - 1) / PAGE_SIZE);
    const wanted: number[] = [];
    for (let page = firstPage; page <= lastPage; page++) wanted.push(page);
    const ahead = Math.min(MAX_PREFETCH_AHEAD, Math.max(PREFETCH_AHEAD, Math.ceil((speed * PREFETCH_SECONDS) / PAGE_SIZE)));
    for (let step = 1; step <= ahead; step++) wanted.push(direction > 0 ? lastPage + step : firstPage - step);
    for (let step = 1; step <= PREFETCH_BEHIND; step++) wanted.push(direction > 0 ? firstPage - step : lastPage + step);
    for (const page of wanted) {
      if (inFlight.size >= MAX_PAGES_IN_FLIGHT) break;
      if (page < 0 || page > maxPage || pages[page] || inFlight.has(page)) continue;
      void fetchPage(page);
    }
  };

  /** Drops the pages farthest from the viewport beyond the cache's bound. */
  const keepNearest = (pages: Record<number, EntryRow[]>): Record<number, EntryRow[]> => {
    const keys = Object.keys(pages).map(Number);
    if (keys.length <= MAX_CACHED_PAGES) return pages;
    const centre = Math.floor((viewport.first + viewport.last) / 2 / PAGE_SIZE);
    keys.sort((a, b) => Math.abs(b - centre) - Math.abs(a - centre));
    for (const key of keys.slice(0, keys.length - MAX_CACHED_PAGES)) delete pages[key];
    return pages;
  };

  const fetchPage = async (pageIndex: number) => {
    const generation = get().queryGeneration;
    inFlight.add(pageIndex);
    const { filter, sort } = get();
    const result = await api.invoke('entries.query', { filter: cleanFilter(filter), sort, offset: pageIndex * PAGE_SIZE, limit: PAGE_SIZE });
    if (generation !== get().queryGeneration) return;
    inFlight.delete(pageIndex);
    if (!result.ok) {
      set({ queryError: result.error.message + (result.error.hint ? ` ${result.error.hint}` : ''), total: get().total ?? 0 });
      return;
    }
    const pages = keepNearest({ ...get().pages, [pageIndex]: result.value.rows });
    const { stalePages } = get();
    const update: Partial<ExplorerSlice> = { pages, total: result.value.total, queryError: null };
    if (stalePages[pageIndex]) {
      const { [pageIndex]: _replaced, ...rest } = stalePages;
      update.stalePages = rest;
    }
    set(update);
    pump();
  };

  const fetchHistogram = async () => {
    const generation = get().queryGeneration;
    const result = await api.invoke('entries.histogram', { filter: cleanFilter(get().filter), buckets: HISTOGRAM_BUCKETS });
    if (generation !== get().queryGeneration) return;
    if (result.ok) set({ histogram: result.value, histogramError: null });
    else set({ histogram: null, histogramError: result.error.message });
  };

  /** A new filter or sort: start from the top with nothing cached. */
  const restart = () => {
    inFlight.clear();
    set({ queryGeneration: get().queryGeneration + 1, viewGeneration: get().viewGeneration + 1, pages: {}, stalePages: {}, total: null, queryError: null });
    viewport = { first: 0, last: PAGE_SIZE - 1 };
    direction = 1;
    speed = 0;
    void fetchPage(0);
    void fetchHistogram();
  };

  /** The same query over changed archives: keep the position and show the old rows until fresh ones arrive. */
  const refresh = () => {
    inFlight.clear();
    const { pages, stalePages } = get();
    set({ queryGeneration: get().queryGeneration + 1, pages: {}, stalePages: keepNearest({ ...stalePages, ...pages }), queryError: null });
    pump();
    if (inFlight.size === 0) void fetchPage(0);
    void fetchHistogram();
  };

  return {
    filter: {},
    sort: { column: 'time', direction: 'asc' },
    total: null,
    pages: {},
    stalePages: {},
    queryGeneration: 0,
    viewGeneration: 0,
    queryError: null,
    histogram: null,
    histogramError: null,
    distinct: {},
    detail: null,

    setFilter(patch) {
      set({ filter: { ...get().filter, ...patch } });
      restart();
    },
    clearFilter() {
      set({ filter: {} });
      restart();
    },
    setSort(column) {
      const { sort } = get();
      set({ sort: sort.column === column ? { column, direction: sort.direction === 'asc' ? 'desc' : 'asc' } : { column, direction: 'asc' } });
      restart();
    },
    ensureRows(first, last) {
      if (first !== viewport.first) {
        direction = first > viewport.first ? 1 : -1;
        const now = Date.now();
        const elapsed = (now - lastMove) / 1000;
        // A jump (or the first move after a pause) says nothing about scrolling speed.
        const rowsPerSecond = elapsed > 0 && elapsed < 0.5 ? Math.abs(first - viewport.first) / elapsed : 0;
        speed = rowsPerSecond > 20 * PAGE_SIZE ? 0 : 0.7 * speed + 0.3 * rowsPerSecond;
        lastMove = now;
      }
      viewport = { first, last };
      pump();
    },
    async loadDistinct() {
      const answers = await Promise.all(FILTER_COLUMNS.map((column) => api.invoke('entries.distinct', { column, limit: 1000 })));
      const distinct: Partial<Record<FilterColumn, string[]>> = {};
      FILTER_COLUMNS.forEach((column, index) => {
        const answer = answers[index];
        if (answer?.ok) distinct[column] = answer.value.values;
      });
      set({ distinct });
    },
    async openDetail(id) {
      set({ detail: { id, loading: true, value: null, error: null } });
      const result = await api.invoke('entries.detail', { id });
      if (get().detail?.id !== id) return;
      set({
        detail: result.ok
          ? { id, loading: false, value: result.value, error: null }
          : { id, loading: false, value: null, error: result.error.message + (result.error.hint ? ` ${result.error.hint}` : '') },
      });
    },
    closeDetail: () => set({ detail: null }),
    reloadExplorer() {
      if (get().queryGeneration === 0) restart();
      else refresh();
      void get().loadDistinct();
    },
  };
};
