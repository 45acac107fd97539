import type { ErrorInfo } from '../../shared/result';
import type { SliceCreator } from './types';

export const VIEWS = ['archives', 'explorer', 'integrity', 'patients', 'alerts', 'btg', 'retention', 'verify'] as const;
export type ViewId = (typeof VIEWS)[number];

export interface Notice {
  id: number;
  tone: 'error' | 'info';
  /** What was being done, e.g. "Opening archives". */
  title: string;
  message: string;
  hint?: string;
}

export interface UiSlice {
  view: ViewId;
  notices: Notice[];
  setView(view: ViewId): void;
  notify(notice: Omit<Notice, 'id'>): void;
  /** Reports a failed backend call: what failed, why, and what to do. */
  reportError(title: string, error: ErrorInfo): void;
  dismissNotice(id: number): void;
}

let nextNoticeId = 1;
const MAX_NOTICES = 5;

export const createUiSlice: SliceCreator<UiSlice> = (set, get) => ({
  view: 'archives',
  notices: [],
  setView: (view) => set({ view }),
  notify: (notice) => set({ notices: [...get().notices, { ...notice, id: nextNoticeId++ }].slice(-MAX_NOTICES) }),
  reportError: (title, error) => {
    const where = error.file ? ` (${error.file}${error.line ? `, line ${error.line}` : ''})` : '';
    get().notify({ tone: 'error', title, message: error.message + where, hint: error.hint ?? defaultHint(error.code) });
  },
  dismissNotice: (id) => set({ notices: get().notices.filter((notice) => notice.id !== id) }),
});

function defaultHint(code: ErrorInfo['code']): string {
  switch (code) {
    case 'not-found':
      return 'Check the path: the file or folder may have been moved or deleted.';
    case 'io':
      return 'Check that the file is readable and the disk is available, then try again.';
    case 'invalid-request':
      return 'This is a bug in Custos; please report it with what you were doing.';
    case 'unsupported':
      return 'Use the path field instead.';
    case 'cancelled':
      return 'Nothing was changed.';
    default:
      return 'Try again. If it keeps failing, restart Custos.';
  }
}
