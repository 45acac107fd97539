import type {
  AccessReport,
  AccessReportRequest,
  AlertAckRequest,
  AlertFilter,
  AlertsReport,
  BtgOverview,
  BtgReviewRequest,
  EvidenceRef,
  LegalHold,
  LegalHoldScope,
  RetentionPolicy,
  RetentionReview,
  SettingsSave,
  SettingsView,
} from '../../shared/analyses';
import type { ErrorInfo } from '../../shared/result';
import type { SliceCreator } from './types';

/** One analysis answer as a view shows it: the value, whether it is on its way, and why it failed. */
export interface Loadable<T> {
  value: T | null;
  loading: boolean;
  error: string | null;
}

/** Least time between navigation-count refreshes caused by session changes. */
const SESSION_COUNT_INTERVAL_MS = 5000;

const idle = <T>(): Loadable<T> => ({ value: null, loading: false, error: null });
const explain = (error: ErrorInfo): string => error.message + (error.hint ? ` ${error.hint}` : '');

export interface AnalysesSlice {
  /** The last patient access report. The clear identifier it was asked with is never kept. */
  accessReport: Loadable<AccessReport>;
  alertsReport: Loadable<AlertsReport>;
  alertFilter: AlertFilter;
  /** Open alerts, for the navigation badge; null until known. */
  openAlertCount: number | null;
  btgOverview: Loadable<BtgOverview>;
  retentionReview: Loadable<RetentionReview>;
  /** As-of date of the retention review (null: now). */
  retentionAsOfMs: number | null;
  retentionPolicy: Loadable<SettingsView<RetentionPolicy>>;
  alertRules: Loadable<SettingsView<Record<string, unknown>>>;
  legalHolds: LegalHold[];
  /** The name last entered as reviewer or decider, offered again in the next dialog. */
  reviewerName: string;
  runAccessReport(request: AccessReportRequest): Promise<void>;
  clearAccessReport(): void;
  loadAlerts(): Promise<void>;
  setAlertFilter(filter: AlertFilter): void;
  refreshAlertCount(): Promise<void>;
  ackAlert(request: AlertAckRequest): Promise<boolean>;
  loadBtg(): Promise<void>;
  reviewBtg(request: BtgReviewRequest): Promise<boolean>;
  loadRetention(asOfMs?: number | null): Promise<void>;
  loadRetentionPolicy(): Promise<void>;
  /** Saves a candidate policy; a rejected one keeps the previous policy in force and says which field is wrong. */
  saveRetentionPolicy(candidate: unknown): Promise<SettingsSave<RetentionPolicy> | null>;
  loadAlertRules(): Promise<void>;
  /** Saves candidate rule settings; a rejected one keeps the previous rules in force and says which field is wrong. */
  saveAlertRules(candidate: unknown): Promise<SettingsSave<Record<string, unknown>> | null>;
  placeLegalHold(request: { scope: LegalHoldScope; by: string; reason: string }): Promise<boolean>;
  releaseLegalHold(request: { holdId: string; by: string; reason: string }): Promise<boolean>;
  /** Opens the entry detail drawer on the entry at an evidence file's line. */
  openEvidence(ref: EvidenceRef): Promise<void>;
  /** The open files changed: every analysis answer is out of date. */
  analysesSessionChanged(): void;
}

export const createAnalysesSlice: SliceCreator<AnalysesSlice> = (set, get, api) => {
  // Late answers for a superseded request are dropped (one counter per kind of answer).
  const generations = { access: 0, alerts: 0, btg: 0, retention: 0 };
  let countInFlight: Promise<void> | null = null;
  let countQueued = false;
  // Session changes from a live tail come every second; each count may re-read the open files.
  let countTimer: ReturnType<typeof setTimeout> | null = null;
  let lastCountAt = 0;
  const countSoon = () => {
    if (countTimer) return;
    countTimer = setTimeout(() => {
      countTimer = null;
      lastCountAt = Date.now();
      void get().refreshAlertCount();
    }, Math.max(0, lastCountAt + SESSION_COUNT_INTERVAL_MS - Date.now()));
  };

  return {
    accessReport: idle(),
    alertsReport: idle(),
    alertFilter: { statuses: ['open'] },
    openAlertCount: null,
    btgOverview: idle(),
    retentionReview: idle(),
    retentionAsOfMs: null,
    retentionPolicy: idle(),
    alertRules: idle(),
    legalHolds: [],
    reviewerName: '',

    async runAccessReport(request) {
      const mine = ++generations.access;
      set({ accessReport: { value: get().accessReport.value, loading: true, error: null } });
      const result = await api.invoke('analyses.accessReport', request);
      if (mine !== generations.access) return;
      set({ accessReport: result.ok ? { value: result.value, loading: false, error: null } : { value: null, loading: false, error: explain(result.error) } });
    },

    clearAccessReport() {
      generations.access++;
      set({ accessReport: idle() });
    },

    async loadAlerts() {
      const mine = ++generations.alerts;
      set({ alertsReport: { ...get().alertsReport, loading: true, error: null } });
      const result = await api.invoke('analyses.alerts', { filter: get().alertFilter });
      if (mine !== generations.alerts) return;
      set({ alertsReport: result.ok ? { value: result.value, loading: false, error: null } : { value: null, loading: false, error: explain(result.error) } });
    },

    setAlertFilter(filter) {
      set({ alertFilter: filter });
      void get().loadAlerts();
    },

    async refreshAlertCount() {
      if ((get().summary?.files.length ?? 0) === 0) {
        set({ openAlertCount: null });
        return;
      }
      // A live tail changes the session every second: one count in flight, one more queued at most.
      if (countInFlight) {
        countQueued = true;
        return countInFlight;
      }
      countInFlight = (async () => {
        do {
          countQueued = false;
          const result = await api.invoke('analyses.alerts', { filter: { statuses: ['open'] } });
          if (result.ok) set({ openAlertCount: result.value.alerts.length });
        } while (countQueued);
      })().finally(() => {
        countInFlight = null;
      });
      return countInFlight;
    },

    async ackAlert(request) {
      const result = await api.invoke('analyses.alertAck', request);
      if (!result.ok) {
        get().reportError(request.action === 'dismiss' ? 'Dismissing the alert' : 'Acknowledging the alert', result.error);
        return false;
      }
      set({ reviewerName: request.by });
      await Promise.all([get().loadAlerts(), get().refreshAlertCount()]);
      return true;
    },

    async loadBtg() {
      const mine = ++generations.btg;
      set({ btgOverview: { ...get().btgOverview, loading: true, error: null } });
      const result = await api.invoke('analyses.btg', {});
      if (mine !== generations.btg) return;
      set({ btgOverview: result.ok ? { value: result.value, loading: false, error: null } : { value: null, loading: false, error: explain(result.error) } });
    },

    async reviewBtg(request) {
      const result = await api.invoke('analyses.btgReview', request);
      if (!result.ok) {
        get().reportError('Recording the break-the-glass review', result.error);
        return false;
      }
      set({ reviewerName: request.reviewer });
      // A review can close a "review overdue" alert.
      await Promise.all([get().loadBtg(), get().refreshAlertCount()]);
      return true;
    },

    async loadRetention(asOfMs) {
      const asOf = asOfMs === undefined ? get().retentionAsOfMs : asOfMs;
      const mine = ++generations.retention;
      set({ retentionAsOfMs: asOf, retentionReview: { ...get().retentionReview, loading: true, error: null } });
      const [review, holds] = await Promise.all([api.invoke('analyses.retention', asOf === null ? {} : { asOfMs: asOf }), api.invoke('analyses.legalHolds', {})]);
      if (mine !== generations.retention) return;
      set({ retentionReview: review.ok ? { value: review.value, loading: false, error: null } : { value: null, loading: false, error: explain(review.error) } });
      if (holds.ok) set({ legalHolds: holds.value.holds });
    },

    async loadRetentionPolicy() {
      set({ retentionPolicy: { ...get().retentionPolicy, loading: true, error: null } });
      const result = await api.invoke('settings.retentionPolicy', {});
      set({ retentionPolicy: result.ok ? { value: result.value, loading: false, error: null } : { value: null, loading: false, error: explain(result.error) } });
    },

    async saveRetentionPolicy(candidate) {
      const result = await api.invoke('settings.saveRetentionPolicy', { policy: candidate });
      if (!result.ok) {
        get().reportError('Saving the retention policy', result.error);
        return null;
      }
      if (result.value.ok) await Promise.all([get().loadRetentionPolicy(), get().loadRetention()]);
      return result.value;
    },

    async loadAlertRules() {
      set({ alertRules: { ...get().alertRules, loading: true, error: null } });
      const result = await api.invoke('settings.alertRules', {});
      set({ alertRules: result.ok ? { value: result.value, loading: false, error: null } : { value: null, loading: false, error: explain(result.error) } });
    },

    async saveAlertRules(candidate) {
      const result = await api.invoke('settings.saveAlertRules', { rules: candidate });
      if (!result.ok) {
        get().reportError('Saving the alert rules', result.error);
        return null;
      }
      if (result.value.ok) await Promise.all([get().loadAlertRules(), get().loadAlerts(), get().refreshAlertCount()]);
      return result.value;
    },

    async placeLegalHold(request) {
      const result = await api.invoke('analyses.legalHoldPlace', request);
      if (!result.ok) {
        get().reportError('Placing the legal hold', result.error);
        return false;
      }
      set({ reviewerName: request.by });
      await get().loadRetention();
      return true;
    },

    async releaseLegalHold(request) {
      const result = await api.invoke('analyses.legalHoldRelease', request);
      if (!result.ok) {
        get().reportError('Releasing the legal hold', result.error);
        return false;
      }
      set({ reviewerName: request.by });
      await get().loadRetention();
      return true;
    },

    async openEvidence(ref) {
      const result = await api.invoke('analyses.locateEntry', ref);
      if (!result.ok) {
        get().reportError(`Opening ${ref.file}:${ref.line}`, result.error);
        return;
      }
      await get().openDetail(result.value.id);
    },

    analysesSessionChanged() {
      const loaded = get();
      set({ accessReport: idle(), alertsReport: idle(), btgOverview: idle(), retentionReview: idle() });
      generations.access++;
      // The view on screen reloads at once; the others when they are next shown.
      if (loaded.view === 'alerts') void get().loadAlerts();
      if (loaded.view === 'btg') void get().loadBtg();
      if (loaded.view === 'retention') void get().loadRetention();
      countSoon();
    },
  };
};
