import type { FindingContext, FindingRow } from '../../shared/query';
import type { SliceCreator } from './types';

export const FINDINGS_PAGE = 500;
export const CONTEXT_RADIUS = 3;

export interface IntegritySlice {
  findings: FindingRow[];
  findingsTotal: number | null;
  findingsLoading: boolean;
  findingsError: string | null;
  selectedFindingId: number | null;
  context: FindingContext | null;
  contextLoading: boolean;
  contextError: string | null;
  loadFindings(): Promise<void>;
  loadMoreFindings(): Promise<void>;
  selectFinding(id: number | null): Promise<void>;
}

export const createIntegritySlice: SliceCreator<IntegritySlice> = (set, get, api) => {
  let generation = 0;
  const fetch = async (offset: number) => {
    const mine = ++generation;
    set({ findingsLoading: true });
    const result = await api.invoke('findings.list', { offset, limit: FINDINGS_PAGE });
    if (mine !== generation) return;
    if (!result.ok) {
      set({ findingsLoading: false, findingsError: result.error.message + (result.error.hint ? ` ${result.error.hint}` : '') });
      return;
    }
    const findings = offset === 0 ? result.value.rows : [...get().findings, ...result.value.rows];
    set({ findings, findingsTotal: result.value.total, findingsLoading: false, findingsError: null });
    const selected = get().selectedFindingId;
    if (selected !== null && !findings.some((finding) => finding.id === selected)) set({ selectedFindingId: null, context: null });
  };

  return {
    findings: [],
    findingsTotal: null,
    findingsLoading: false,
    findingsError: null,
    selectedFindingId: null,
    context: null,
    contextLoading: false,
    contextError: null,
    loadFindings: () => fetch(0),
    loadMoreFindings: () => fetch(get().findings.length),
    async selectFinding(id) {
      set({ selectedFindingId: id, context: null, contextError: null, contextLoading: id !== null });
      if (id === null) return;
      const result = await api.invoke('findings.context', { findingId: id, radius: CONTEXT_RADIUS });
      if (get().selectedFindingId !== id) return;
      if (result.ok) set({ context: result.value, contextLoading: false });
      else set({ contextLoading: false, contextError: result.error.message + (result.error.hint ? ` ${result.error.hint}` : '') });
    },
  };
};
