import { createContext, useContext } from 'react';
import type { CustosApi } from '../../shared/contract';

/** The backend api for components that need host capabilities (dialogs, dropped-file paths). */
export const ApiContext = createContext<CustosApi | null>(null);

export function useApi(): CustosApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi must be used inside <ApiContext.Provider>.');
  return api;
}
