import type { TailAlert } from '../../shared/tail';
import { baseName } from '../format';
import { useCustos } from '../store/store';
import '../tail.css';

/** How many toasts show at once; the rest wait behind a count. */
const VISIBLE = 3;

/** New live-tail alerts, newest on top, until dismissed. */
export function TailToasts() {
  const alerts = useCustos((state) => state.tailAlerts);
  const toastIds = useCustos((state) => state.toastIds);
  const dismiss = useCustos((state) => state.dismissToast);
  if (toastIds.length === 0) return null;
  const byId = new Map(alerts.map((alert) => [alert.id, alert]));
  const shown = toastIds.map((id) => byId.get(id)).filter((alert): alert is TailAlert => alert !== undefined);
  const hidden = shown.length - VISIBLE;
  return (
    <div className="toasts" aria-live="assertive" aria-label="New alerts">
      {shown.slice(0, VISIBLE).map((alert) => (
        <div key={alert.id} className={`toast toast--${alert.severity}`} role="alert">
          <div className="toast-body">
            <strong>
              {alert.severity === 'critical' ? '✗ ' : '⚠ '}
              {alert.title}
            </strong>
            <span>{alert.explanation}</span>
            {alert.evidence[0] && (
              <span className="toast-where">
                {baseName(alert.evidence[0].file)}
                {alert.evidence[0].line > 0 ? `:${alert.evidence[0].line}` : ''}
                {alert.evidence.length > 1 ? ` and ${alert.evidence.length - 1} more` : ''}
              </span>
            )}
          </div>
          <button className="icon-button" aria-label={`Dismiss alert: ${alert.title}`} onClick={() => dismiss(alert.id)}>
            ×
          </button>
        </div>
      ))}
      {hidden > 0 && (
        <button className="button toast-more" onClick={() => shown.slice(VISIBLE).forEach((alert) => dismiss(alert.id))}>
          {hidden} more alert{hidden === 1 ? '' : 's'} — dismiss them
        </button>
      )}
    </div>
  );
}
