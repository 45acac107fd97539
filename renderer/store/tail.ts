import type { TailAlert, TailStatus } from '../../shared/tail';
import type { SliceCreator } from './types';

/** Alerts kept for the toast stack and the watch panel; older ones are in the findings and the CLI/alerts views. */
const MAX_ALERTS = 50;

export interface TailSlice {
  /** Folders being watched, with each file's state. */
  tails: TailStatus[];
  /** Live alerts, newest first. */
  tailAlerts: TailAlert[];
  /** Ids of alerts still shown as toasts. */
  toastIds: string[];
  /** Whether new alerts raise an OS notification (desktop app); null until known. */
  tailNotifications: boolean | null;
  tailStarting: boolean;
  startTail(dir: string, polling: boolean): Promise<boolean>;
  stopTail(tailId: string): Promise<void>;
  refreshTails(): Promise<void>;
  setTailNotifications(enabled: boolean): Promise<void>;
  dismissToast(id: string): void;
  applyTailStatus(status: TailStatus): void;
  applyTailAlert(alert: TailAlert): void;
}

export const createTailSlice: SliceCreator<TailSlice> = (set, get, api) => ({
  tails: [],
  tailAlerts: [],
  toastIds: [],
  tailNotifications: null,
  tailStarting: false,

  async startTail(dir, polling) {
    set({ tailStarting: true });
    const result = await api.invoke('tail.start', { dir, polling });
    set({ tailStarting: false });
    if (!result.ok) {
      get().reportError('Watching the folder', result.error);
      return false;
    }
    await get().refreshTails();
    return true;
  },

  async stopTail(tailId) {
    const result = await api.invoke('tail.stop', { tailId });
    if (!result.ok) get().reportError('Stopping the watch', result.error);
    set({ tails: get().tails.filter((tail) => tail.tailId !== tailId) });
  },

  async refreshTails() {
    const [status, notifications] = await Promise.all([api.invoke('tail.status', {}), api.invoke('tail.notifications', {})]);
    if (status.ok) set({ tails: status.value.tails });
    if (notifications.ok) set({ tailNotifications: notifications.value.enabled });
  },

  async setTailNotifications(enabled) {
    const result = await api.invoke('tail.notifications', { enabled });
    if (result.ok) set({ tailNotifications: result.value.enabled });
    else get().reportError('Changing notifications', result.error);
  },

  dismissToast(id) {
    set({ toastIds: get().toastIds.filter((toast) => toast !== id) });
  },

  applyTailStatus(status) {
    const tails = get().tails;
    const index = tails.findIndex((tail) => tail.tailId === status.tailId);
    if (status.state === 'stopped') {
      if (index >= 0) set({ tails: tails.filter((tail) => tail.tailId !== status.tailId) });
      return;
    }
    set({ tails: index >= 0 ? tails.map((tail, i) => (i === index ? status : tail)) : [...tails, status] });
  },

  applyTailAlert(alert) {
    if (get().tailAlerts.some((known) => known.id === alert.id)) return;
    set({ tailAlerts: [alert, ...get().tailAlerts].slice(0, MAX_ALERTS), toastIds: [alert.id, ...get().toastIds].slice(0, MAX_ALERTS) });
  },
});
