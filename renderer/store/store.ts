import { createContext, useContext } from 'react';
import { createStore, useStore } from 'zustand';
import type { CustosApi } from '../../shared/contract';
import { createAnalysesSlice } from './analyses';
import { createArchivesSlice } from './archives';
import { createExplorerSlice } from './explorer';
import { createExportSlice } from './exportSlice';
import { createIntegritySlice } from './integrity';
import { createTailSlice } from './tail';
import { createUiSlice } from './ui';
import type { CustosState, CustosStore } from './types';

export type { CustosState, CustosStore } from './types';

/** Builds the app's store over a backend, and subscribes it to the backend's events. */
export function createCustosStore(api: CustosApi): CustosStore {
  const store = createStore<CustosState>()((set, get) => ({
    ...createUiSlice(set, get, api),
    ...createArchivesSlice(set, get, api),
    ...createExplorerSlice(set, get, api),
    ...createIntegritySlice(set, get, api),
    ...createTailSlice(set, get, api),
    ...createAnalysesSlice(set, get, api),
    ...createExportSlice(set, get, api),
    sessionChanged() {
      get().reloadExplorer();
      void get().loadFindings();
      get().analysesSessionChanged();
    },
  }));
  api.on('open.progress', (progress) => store.getState().applyProgress(progress));
  api.on('open.done', (outcome) => store.getState().applyOutcome(outcome));
  api.on('session.changed', (summary) => store.getState().applySummary(summary));
  api.on('tail.status', (status) => store.getState().applyTailStatus(status));
  api.on('tail.alert', (alert) => store.getState().applyTailAlert(alert));
  api.on('session.lost', (error) => store.getState().reportError('Indexing', error));
  return store;
}

export const StoreContext = createContext<CustosStore | null>(null);

export function useCustos<T>(selector: (state: CustosState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useCustos must be used inside <StoreContext.Provider>.');
  return useStore(store, selector);
}

export function useCustosStore(): CustosStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useCustosStore must be used inside <StoreContext.Provider>.');
  return store;
}
