import type { OpenOutcome, OpenProgress, SessionSummary } from '../../shared/archive';
import type { SliceCreator } from './types';

/** One "open" request as the Archives view shows it: a progress row per file. */
export interface OpenJob {
  jobId: string;
  paths: string[];
  files: Record<string, OpenProgress>;
  /** Set once the backend reports the job finished. */
  outcome: OpenOutcome | null;
  cancelling: boolean;
}

export interface ArchivesSlice {
  summary: SessionSummary | null;
  summaryLoading: boolean;
  recent: string[];
  jobs: OpenJob[];
  /** Files of the last finished job(s) that could not be opened, with why. */
  openFailures: Array<{ path: string; message: string }>;
  /** Loads the session and recent list; on the very first start opens the bundled demo. */
  initArchives(): Promise<void>;
  refreshSummary(): Promise<void>;
  openPaths(paths: string[], mode?: 'add' | 'replace'): Promise<boolean>;
  openDemo(): Promise<void>;
  /** Native open dialog (desktop app), then open what was picked. 'unsupported' in a browser. */
  pickAndOpen(kind: 'files' | 'folder', mode?: 'add' | 'replace'): Promise<'opened' | 'cancelled' | 'unsupported' | 'failed'>;
  cancelJob(jobId: string): Promise<void>;
  closeFiles(fileIds: number[]): Promise<void>;
  applyProgress(progress: OpenProgress): void;
  applyOutcome(outcome: OpenOutcome): void;
  applySummary(summary: SessionSummary): void;
  dismissFailures(): void;
}

const MAX_FINISHED_JOBS = 3;

export const createArchivesSlice: SliceCreator<ArchivesSlice> = (set, get, api) => {
  const upsertJob = (jobId: string, update: (job: OpenJob) => OpenJob) => {
    const jobs = get().jobs;
    const existing = jobs.find((job) => job.jobId === jobId) ?? { jobId, paths: [], files: {}, outcome: null, cancelling: false };
    const next = update(existing);
    set({ jobs: jobs.some((job) => job.jobId === jobId) ? jobs.map((job) => (job.jobId === jobId ? next : job)) : [...jobs, next] });
  };

  const refreshRecent = async () => {
    const result = await api.invoke('archives.recent', {});
    if (result.ok) set({ recent: result.value.paths });
  };

  return {
    summary: null,
    summaryLoading: false,
    recent: [],
    jobs: [],
    openFailures: [],

    async initArchives() {
      set({ summaryLoading: true });
      const [summary, recent] = await Promise.all([api.invoke('archives.summary', {}), api.invoke('archives.recent', {})]);
      set({ summaryLoading: false });
      if (!summary.ok) {
        get().reportError('Loading the open archives', summary.error);
        return;
      }
      get().applySummary(summary.value);
      if (recent.ok) set({ recent: recent.value.paths });
      const firstStart = summary.value.files.length === 0 && recent.ok && recent.value.paths.length === 0;
      if (firstStart) await get().openDemo();
    },

    async refreshSummary() {
      const summary = await api.invoke('archives.summary', {});
      if (summary.ok) get().applySummary(summary.value);
      else get().reportError('Loading the open archives', summary.error);
    },

    async openPaths(paths, mode = 'add') {
      const cleaned = paths.map((path) => path.trim()).filter((path) => path.length > 0);
      if (cleaned.length === 0) return false;
      const result = await api.invoke('archives.open', { paths: cleaned, mode });
      if (!result.ok) {
        get().reportError(`Opening ${cleaned.length === 1 ? cleaned[0] : `${cleaned.length} paths`}`, result.error);
        return false;
      }
      upsertJob(result.value.jobId, (job) => ({ ...job, paths: cleaned }));
      return true;
    },

    async openDemo() {
      const demo = await api.invoke('archives.demo', {});
      if (!demo.ok) {
        get().reportError('Opening the demo archive', demo.error);
        return;
      }
      if (demo.value.paths.length === 0) {
        get().notify({
          tone: 'error',
          title: 'Opening the demo archive',
          message: 'No bundled demo archive files were found (assets/demo).',
          hint: 'Open your own archive with a path, or reinstall Custos to restore the demo.',
        });
        return;
      }
      await get().openPaths(demo.value.paths, 'add');
    },

    async pickAndOpen(kind, mode = 'add') {
      if (api.host !== 'electron') return 'unsupported';
      const picked = await api.invoke('dialog.openPaths', { kind });
      if (!picked.ok) {
        if (picked.error.code === 'unsupported') return 'unsupported';
        get().reportError('Showing the open dialog', picked.error);
        return 'failed';
      }
      if (picked.value.paths.length === 0) return 'cancelled';
      return (await get().openPaths(picked.value.paths, mode)) ? 'opened' : 'failed';
    },

    async cancelJob(jobId) {
      upsertJob(jobId, (job) => ({ ...job, cancelling: true }));
      const result = await api.invoke('archives.cancel', { jobId });
      if (!result.ok) {
        upsertJob(jobId, (job) => ({ ...job, cancelling: false }));
        get().reportError('Cancelling the open', result.error);
      }
    },

    async closeFiles(fileIds) {
      const result = await api.invoke('archives.close', { fileIds });
      if (result.ok) get().applySummary(result.value);
      else get().reportError('Closing archives', result.error);
    },

    applyProgress(progress) {
      upsertJob(progress.jobId, (job) => ({ ...job, files: { ...job.files, [progress.file]: progress } }));
    },

    applyOutcome(outcome) {
      upsertJob(outcome.jobId, (job) => ({ ...job, outcome, cancelling: false }));
      const running = get().jobs.filter((job) => !job.outcome);
      const finished = get().jobs.filter((job) => job.outcome).slice(-MAX_FINISHED_JOBS);
      set({ jobs: [...running, ...finished], openFailures: [...outcome.failed, ...get().openFailures].slice(0, 50) });
      if (outcome.cancelled) get().notify({ tone: 'info', title: 'Opening cancelled', message: 'Files opened before the cancel stay open; nothing else changed.' });
      void refreshRecent();
      void get().refreshSummary();
    },

    applySummary(summary) {
      const before = get().summary;
      set({ summary });
      // Other views depend on what is open: refresh them when the set of files changes.
      const key = (s: SessionSummary | null) => (s ? s.files.map((file) => `${file.id}:${file.entries}:${file.findingCount}`).join(',') : '');
      if (key(before) !== key(summary)) get().sessionChanged();
    },

    dismissFailures: () => set({ openFailures: [] }),
  };
};
