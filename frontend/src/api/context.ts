import { createContext, useContext } from 'react';
import type { ApiClient } from './client';

/** The session's ApiClient (urql's Provider carries only its urql client). */
export const ApiContext = createContext<ApiClient | null>(null);

export function useApi(): ApiClient {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside <ApiContext.Provider>');
  return api;
}
