import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { EntryRow, SortColumn } from '../../shared/query';
import { baseName, formatDuration, formatTime } from '../format';
import { PAGE_SIZE } from '../store/explorer';
import { useCustos } from '../store/store';

export const ROW_HEIGHT = 26;
/**
 * Rows are keyed by slot (index modulo this), not by index: a row leaving the viewport hands its DOM
 * nodes to the row entering it, so scrolling and jumps update text instead of rebuilding elements.
 * Larger than any viewport plus overscan, so the slots on screen are always distinct.
 */
const ROW_SLOTS = 512;

const COLUMNS: Array<{ id: SortColumn; label: string }> = [
  { id: 'time', label: 'Time (UTC)' },
  { id: 'user', label: 'User' },
  { id: 'role', label: 'Role' },
  { id: 'patient', label: 'Patient' },
  { id: 'tool', label: 'Tool' },
  { id: 'purpose', label: 'Purpose' },
  { id: 'success', label: 'Outcome' },
  { id: 'duration', label: 'Duration' },
  { id: 'file', label: 'File' },
];

/**
 * The entries of the current filter as a virtualized table: only the visible rows exist in the
 * DOM, and their pages are fetched from the backend (and cached) as the user scrolls.
 */
export function EntryTable() {
  const total = useCustos((state) => state.total) ?? 0;
  const pages = useCustos((state) => state.pages);
  const stalePages = useCustos((state) => state.stalePages);
  const sort = useCustos((state) => state.sort);
  const setSort = useCustos((state) => state.setSort);
  const ensureRows = useCustos((state) => state.ensureRows);
  const openDetail = useCustos((state) => state.openDetail);
  const detailId = useCustos((state) => state.detail?.id ?? null);
  const generation = useCustos((state) => state.queryGeneration);
  const viewGeneration = useCustos((state) => state.viewGeneration);
  const files = useCustos((state) => state.summary?.files);
  const fileNames = useMemo(() => new Map((files ?? []).map((file) => [file.id, baseName(file.path)])), [files]);
  const scroller = useRef<HTMLDivElement>(null);
  const [cursor, setCursor] = useState(0);

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    // The store fetches these rows first, then prefetches around them in the scroll direction.
    ensureRows(first, last);
  }, [first, last, generation, total, ensureRows]);

  // When the detail drawer closes, keyboard focus returns to the table it was opened from.
  const drawerWasOpen = useRef(false);
  useEffect(() => {
    if (drawerWasOpen.current && detailId === null) scroller.current?.focus({ preventScroll: true });
    drawerWasOpen.current = detailId !== null;
  }, [detailId]);

  // A new filter or sort starts at the top; a reload over changed archives keeps the position.
  useEffect(() => {
    setCursor(0);
    if (scroller.current) scroller.current.scrollTop = 0;
  }, [viewGeneration]);

  const rowAt = (index: number): EntryRow | undefined => {
    const page = Math.floor(index / PAGE_SIZE);
    return (pages[page] ?? stalePages[page])?.[index % PAGE_SIZE];
  };

  const onKeyDown = (event: React.KeyboardEvent) => {
    if (total === 0) return;
    const visible = Math.max(1, items.length - 2);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: visible, PageUp: -visible, Home: -total, End: total };
    const move = moves[event.key];
    if (move !== undefined) {
      event.preventDefault();
      const next = Math.max(0, Math.min(total - 1, cursor + move));
      setCursor(next);
      virtualizer.scrollToIndex(next, { align: 'auto' });
      return;
    }
    if (event.key === 'Enter') {
      const row = rowAt(cursor);
      if (row) void openDetail(row.id);
    }
  };

  return (
    <div className="entry-table" role="grid" aria-label="Audit entries" aria-rowcount={total + 1}>
      <div className="entry-row entry-row--header" role="row" aria-rowindex={1}>
        {COLUMNS.map((column) => {
          const sorted = sort.column === column.id;
          return (
            <div key={column.id} role="columnheader" aria-sort={sorted ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}>
              <button className="sort-button" onClick={() => setSort(column.id)} aria-label={`Sort by ${column.label}`}>
                {column.label}
                <span className="sort-indicator" aria-hidden="true">
                  {sorted ? (sort.direction === 'asc' ? '▲' : '▼') : ''}
                </span>
              </button>
            </div>
          );
        })}
      </div>
      <div
        ref={scroller}
        className="entry-scroller"
        tabIndex={0}
        onKeyDown={onKeyDown}
        aria-label="Entries: arrow keys move, Enter opens the detail"
        data-testid="entry-scroller"
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = rowAt(item.index);
            const classes = ['entry-row'];
            if (item.index % 2) classes.push('entry-row--odd');
            if (item.index === cursor) classes.push('entry-row--cursor');
            if (row && row.id === detailId) classes.push('entry-row--open');
            if (row?.success === false) classes.push('entry-row--failure');
            return (
              <div
                key={items.length <= ROW_SLOTS ? item.index % ROW_SLOTS : item.index}
                role="row"
                aria-rowindex={item.index + 2}
                className={classes.join(' ')}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                data-loading={row ? undefined : 'true'}
                data-testid={row ? 'entry-row' : 'entry-row-loading'}
                onClick={() => {
                  setCursor(item.index);
                  if (row) void openDetail(row.id);
                }}
              >
                {row ? (
                  <RowCells row={row} fileName={fileNames.get(row.fileId) ?? String(row.fileId)} />
                ) : (
                  <div role="gridcell" className="loading-cell" aria-label="Loading">
                    <span className="skeleton-bar" />
                  </div>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

/** Memoized: while scrolling, only rows that come into view render; the others keep their cells. */
const RowCells = memo(function RowCells({ row, fileName }: { row: EntryRow; fileName: string }) {
  const cell = (value: string | null) => (value === null ? <span className="muted">—</span> : value);
  return (
    <>
      <div role="gridcell" className="mono">
        {row.timeMs !== null ? formatTime(row.timeMs) : <span className="warning-text">{row.timeRaw ?? 'no time'}</span>}
      </div>
      <div role="gridcell">{cell(row.user)}</div>
      <div role="gridcell">{cell(row.role)}</div>
      <div role="gridcell">{cell(row.patient)}</div>
      <div role="gridcell">{cell(row.tool)}</div>
      <div role="gridcell">
        {cell(row.purpose)}
        {row.breakGlass.length > 0 && (
          <span className="badge badge--broken badge--inline" title="Break-the-glass access">
            BTG
          </span>
        )}
      </div>
      <div role="gridcell">{row.success === null ? <span className="muted">—</span> : row.success ? 'success' : <span className="failure-text">failure</span>}</div>
      <div role="gridcell" className="num">
        {formatDuration(row.durationMs)}
      </div>
      <div role="gridcell" title={`${row.source.file}:${row.source.line}`}>
        {fileName}:{row.source.line}
      </div>
    </>
  );
});
