import { useEffect, useState } from 'react';
import { useApi } from '../api/context';

/** Whether the WebSocket is connected (live updates flow): null before it first connects. */
export function useLive(): boolean | null {
  const api = useApi();
  const [live, setLive] = useState<boolean | null>(() => (api.connection.connected() ? true : null));
  useEffect(() => api.connection.subscribe(setLive), [api]);
  return live;
}
