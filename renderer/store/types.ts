import type { StoreApi } from 'zustand';
import type { CustosApi } from '../../shared/contract';
import type { AnalysesSlice } from './analyses';
import type { ArchivesSlice } from './archives';
import type { ExplorerSlice } from './explorer';
import type { ExportSlice } from './exportSlice';
import type { IntegritySlice } from './integrity';
import type { TailSlice } from './tail';
import type { UiSlice } from './ui';

export interface SessionSlice {
  /** The set of open files changed: views that show their contents reload. */
  sessionChanged(): void;
}

export type CustosState = ArchivesSlice & ExplorerSlice & IntegritySlice & UiSlice & SessionSlice & TailSlice & AnalysesSlice & ExportSlice;
export type CustosStore = StoreApi<CustosState>;

/** zustand's slices pattern: each slice sees the whole store and the backend api. */
export type SliceCreator<T> = (set: CustosStore['setState'], get: () => CustosState, api: CustosApi) => T;
