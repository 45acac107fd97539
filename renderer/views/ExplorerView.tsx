import { useEffect } from 'react';
import { formatCount } from '../format';
import { useCustos } from '../store/store';
import { DetailDrawer } from './DetailDrawer';
import { EntryTable } from './EntryTable';
import { FilterBar } from './FilterBar';
import { Histogram } from './Histogram';

export function ExplorerView() {
  const total = useCustos((state) => state.total);
  const queryError = useCustos((state) => state.queryError);
  const generation = useCustos((state) => state.queryGeneration);
  const reload = useCustos((state) => state.reloadExplorer);
  const hasFiles = useCustos((state) => (state.summary?.files.length ?? 0) > 0);
  const detailOpen = useCustos((state) => state.detail !== null);

  // The first visit runs the query; later visits keep the cached pages and scroll position.
  useEffect(() => {
    if (generation === 0) reload();
  }, [generation, reload]);

  return (
    <section className={`view view--explorer${detailOpen ? ' view--with-drawer' : ''}`} aria-labelledby="explorer-title">
      <div className="view-header">
        <h1 id="explorer-title">Explorer</h1>
        <span className="muted" aria-live="polite" data-testid="explorer-total">
          {total === null ? 'Querying…' : `${formatCount(total)} matching entries`}
        </span>
      </div>
      <FilterBar />
      <Histogram />
      {queryError && (
        <div className="panel panel--error" role="alert">
          <strong>The query failed.</strong> {queryError}{' '}
          <button className="button button--small" onClick={reload}>
            Retry
          </button>
        </div>
      )}
      {!hasFiles && total === 0 ? (
        <div className="empty">
          <p>No archives are open. Open one in the Archives view to explore its entries.</p>
        </div>
      ) : (
        <EntryTable />
      )}
      <DetailDrawer />
    </section>
  );
}
