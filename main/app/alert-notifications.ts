/**
 * OS notifications for new live-tail alerts, when the user has not turned them off (a setting in
 * the data folder, toggled in the Watch folder panel). A fast burst of alerts becomes one
 * notification naming how many arrived, at most one every few seconds; clicking one brings the
 * window forward, where the toasts list each alert.
 */
import type { Events } from '../../shared/contract.js';
import type { TailAlert } from '../../shared/tail.js';

export interface NotificationLike {
  show(): void;
  on(event: 'click', listener: () => void): unknown;
}

export interface AlertNotifierOptions {
  on(event: 'tail.alert', listener: (alert: Events['tail.alert']) => void): () => void;
  enabled(): boolean;
  /** Electron's `new Notification(options)`; null where the platform has no notifications. */
  create: ((options: { title: string; body: string }) => NotificationLike) | null;
  onClick(): void;
  /** Least time between two notifications (default 5000 ms). */
  intervalMs?: number;
}

/** Starts notifying; returns a function that stops. */
export function notifyTailAlerts(options: AlertNotifierOptions): () => void {
  const interval = options.intervalMs ?? 5000;
  let pending: TailAlert[] = [];
  let lastShown = 0;
  let timer: NodeJS.Timeout | null = null;

  const flush = (): void => {
    timer = null;
    const alerts = pending;
    pending = [];
    if (alerts.length === 0 || !options.create || !options.enabled()) return;
    lastShown = Date.now();
    const first = alerts[0] as TailAlert;
    const critical = alerts.filter((a) => a.severity === 'critical').length;
    const notification =
      alerts.length === 1
        ? options.create({ title: `Custos: ${first.title}`, body: first.explanation })
        : options.create({
            title: `Custos: ${alerts.length} new alerts${critical > 0 ? ` (${critical} critical)` : ''}`,
            body: `${first.title}: ${first.explanation}${alerts.length > 1 ? ` — and ${alerts.length - 1} more.` : ''}`,
          });
    notification.on('click', options.onClick);
    notification.show();
  };

  const off = options.on('tail.alert', (alert) => {
    if (!options.create || !options.enabled()) return;
    pending.push(alert);
    if (timer) return;
    timer = setTimeout(flush, Math.max(0, interval - (Date.now() - lastShown)));
  });
  return () => {
    off();
    if (timer) clearTimeout(timer);
  };
}
