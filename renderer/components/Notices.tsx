import { useCustos } from '../store/store';

/** Errors and notes from backend calls: what failed, why, and what to do. Never a silent spinner. */
export function Notices() {
  const notices = useCustos((state) => state.notices);
  const dismiss = useCustos((state) => state.dismissNotice);
  if (notices.length === 0) return null;
  return (
    <div className="notices" aria-live="polite">
      {notices.map((notice) => (
        <div key={notice.id} className={`notice notice--${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'}>
          <div className="notice-body">
            <strong>{notice.title}{notice.tone === 'error' ? ' failed' : ''}</strong>
            <span>{notice.message}</span>
            {notice.hint && <span className="notice-hint">{notice.hint}</span>}
          </div>
          <button className="icon-button" aria-label={`Dismiss: ${notice.title}`} onClick={() => dismiss(notice.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
