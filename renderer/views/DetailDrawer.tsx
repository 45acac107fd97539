import { useEffect, useRef } from 'react';
import { formatDuration, formatTime } from '../format';
import { useCustos } from '../store/store';

/** The full entry, re-read from disk by the backend and checked against the index. */
export function DetailDrawer() {
  const detail = useCustos((state) => state.detail);
  const close = useCustos((state) => state.closeDetail);
  const openDetail = useCustos((state) => state.openDetail);
  const closeButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!detail) return;
    closeButton.current?.focus({ preventScroll: true });
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') close();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [detail?.id, close]); // eslint-disable-line react-hooks/exhaustive-deps

  if (!detail) return null;
  const value = detail.value;
  const row = value?.row;
  return (
    <aside className="drawer" role="dialog" aria-modal="false" aria-label="Entry detail" data-testid="detail-drawer">
      <div className="drawer-header">
        <h2>{row ? `Line ${row.source.line} of ${row.source.file.split(/[\\/]/).pop()}` : 'Entry'}</h2>
        <button ref={closeButton} className="icon-button" aria-label="Close entry detail" onClick={close}>
          ×
        </button>
      </div>
      {detail.loading && <p className="muted">Re-reading the entry from disk…</p>}
      {detail.error && (
        <div className="panel panel--error" role="alert">
          <strong>Could not read this entry.</strong> {detail.error}{' '}
          <button className="button button--small" onClick={() => void openDetail(detail.id)}>
            Retry
          </button>
        </div>
      )}
      {value && row && (
        <div className="drawer-body">
          {!value.unchanged && (
            <div className="panel panel--error" role="alert">
              <strong>The file changed since it was indexed.</strong> {value.problem ?? 'The line below may not be the one that was verified.'}
            </div>
          )}
          <dl className="facts">
            <dt>Time (UTC)</dt>
            <dd>{row.timeMs !== null ? formatTime(row.timeMs) : '—'}{row.timeRaw ? <span className="muted"> (written as {row.timeRaw})</span> : null}</dd>
            <dt>Event</dt>
            <dd>{row.eventType}</dd>
            <dt>User</dt>
            <dd>{row.user ?? '—'}</dd>
            <dt>Role</dt>
            <dd>{row.role ?? '—'}</dd>
            <dt>Patient</dt>
            <dd data-testid="detail-patient">{row.patient ?? '—'}</dd>
            <dt>Tool</dt>
            <dd>{row.tool ?? '—'}</dd>
            <dt>Purpose</dt>
            <dd>{row.purpose ?? '—'}</dd>
            <dt>Outcome</dt>
            <dd>{row.success === null ? '—' : row.success ? 'success' : 'failure'}</dd>
            <dt>Duration</dt>
            <dd>{formatDuration(row.durationMs)}</dd>
            {row.conversationId && (
              <>
                <dt>Conversation</dt>
                <dd>
                  <code>{row.conversationId}</code>
                </dd>
              </>
            )}
            {row.model && (
              <>
                <dt>Model</dt>
                <dd>{row.model}</dd>
              </>
            )}
            {row.breakGlass.length > 0 && (
              <>
                <dt>Break the glass</dt>
                <dd>{row.breakGlass.map((signal) => `${signal.field} = ${signal.value}`).join('; ')}</dd>
              </>
            )}
            <dt>Source</dt>
            <dd>
              <code>
                {row.source.file}:{row.source.line}
              </code>
            </dd>
            <dt>Line SHA-256</dt>
            <dd>
              <code className="hash-full">{row.lineSha256}</code>
            </dd>
          </dl>
          <h3>Entry as stored</h3>
          <pre className="code-block" data-testid="detail-json">{value.parsed === undefined ? value.raw : JSON.stringify(value.parsed, null, 2)}</pre>
          <h3>Raw line</h3>
          <pre className="code-block code-block--raw">{value.raw}</pre>
        </div>
      )}
    </aside>
  );
}
