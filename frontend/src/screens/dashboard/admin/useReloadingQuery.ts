import { useCallback, useEffect, useRef, useState } from 'react';
import type { AnyVariables, CombinedError, TypedDocumentNode } from 'urql';
import { useApi } from '../../../api/context';

/**
 * A query read from the network on mount, whenever key changes, on reload(), and every
 * intervalMs when given; a newer read wins over an older one that answers late.
 */
export function useReloadingQuery<Data, Variables extends AnyVariables>(
  document: TypedDocumentNode<Data, Variables>,
  variables: Variables,
  { key = 0, intervalMs }: { key?: number; intervalMs?: number } = {},
) {
  const api = useApi();
  const [data, setData] = useState<Data | null>(null);
  const [error, setError] = useState<CombinedError | undefined>();
  const generation = useRef(0);
  const vars = useRef(variables);
  vars.current = variables;

  const reload = useCallback(() => {
    const mine = ++generation.current;
    void api.client
      .query(document, vars.current, { requestPolicy: 'network-only' })
      .toPromise()
      .then((result) => {
        if (mine !== generation.current) return;
        setError(result.error);
        if (result.data) setData(result.data);
      });
  }, [api, document]);

  useEffect(() => {
    reload();
  }, [reload, key]);

  useEffect(() => {
    if (!intervalMs) return;
    const timer = window.setInterval(reload, intervalMs);
    return () => window.clearInterval(timer);
  }, [reload, intervalMs]);

  return { data, error, reload };
}
