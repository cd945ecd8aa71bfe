import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useClient, type CombinedError } from 'urql';
import { SearchConversationsQuery } from '../../api/operations';
import { describeError, errorCode } from '../../api/errors';
import type { ConversationWhereInput, QueueConversationFragment } from '../../gql/graphql';
import { searchWhere } from '../../search';
import { useSearchText } from '../../useSearchText';
import type { InboxFilter } from './filters';

/** Results per page. */
export const SEARCH_PAGE = 50;

export interface ConversationSearch {
  /** A search is asked for (the box holds text): the list shows its results, not the tab's. */
  active: boolean;
  /** The text searched for (after the pause in typing). */
  text: string;
  results: QueueConversationFragment[];
  total: number;
  loading: boolean;
  /** Why nothing was searched or the server refused (BAD_USER_INPUT), in words; '' otherwise. */
  problem: string;
  error: string;
  more: boolean;
  loadMore: () => void;
}

/**
 * searchConversations for the box's text, typed (debounced SEARCH_DEBOUNCE_MS), with the inbox's
 * channel and status filters; newer copies of the same conversations from the live queues replace
 * the results' (by version), so that a result's lock, owner and unread stay current.
 */
export function useConversationSearch(
  input: string,
  filter: InboxFilter,
  maxLength: number | undefined,
  live: readonly QueueConversationFragment[],
): ConversationSearch {
  const client = useClient();
  const { text, check } = useSearchText(input, maxLength, input);
  const query = check.ok ? check.text : '';
  const where = useMemo(() => searchWhere(filter) as ConversationWhereInput, [filter]);
  const [pages, setPages] = useState<{ key: string; items: QueueConversationFragment[]; total: number; cursor: string | null; more: boolean } | null>(null);
  const [loading, setLoading] = useState(false);
  const [failure, setFailure] = useState<CombinedError | undefined>();
  const key = query ? JSON.stringify([query, where]) : '';
  const current = useRef(key);
  current.current = key;

  const fetchPage = useCallback(
    (after: string | null) => {
      if (!query) return;
      const asked = key;
      setLoading(true);
      void client
        .query(SearchConversationsQuery, { text: query, first: SEARCH_PAGE, after, where }, { requestPolicy: 'network-only' })
        .toPromise()
        .then((result) => {
          if (current.current !== asked) return; // the text changed meanwhile
          setLoading(false);
          setFailure(result.error);
          const conn = result.data?.searchConversations;
          if (!conn) return;
          const items = (conn.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
          setPages((prev) => ({
            key: asked,
            items: after && prev?.key === asked ? [...prev.items, ...items.filter((i) => !prev.items.some((p) => p.id === i.id))] : items,
            total: conn.totalCount,
            cursor: conn.pageInfo.endCursor ?? null,
            more: conn.pageInfo.hasNextPage,
          }));
        });
    },
    [client, query, where, key],
  );

  useEffect(() => {
    setFailure(undefined);
    if (!query) {
      setLoading(false);
      return;
    }
    fetchPage(null);
  }, [query, fetchPage]);

  const newest = useMemo(() => new Map(live.map((c) => [c.id, c])), [live]);
  const shown = pages && pages.key === key ? pages : null;
  const results = useMemo(
    () =>
      (shown?.items ?? []).map((c) => {
        const fresher = newest.get(c.id);
        return fresher && fresher.version >= c.version ? fresher : c;
      }),
    [shown, newest],
  );

  const refused = errorCode(failure) === 'BAD_USER_INPUT';
  const problem = !check.ok ? check.problem : refused ? `Search for 1 to ${maxLength ?? 200} characters, with a letter or a number.` : '';
  return {
    active: input.trim() !== '',
    text: query || text.trim(),
    results,
    total: shown?.total ?? 0,
    loading: Boolean(query) && (loading || !shown),
    problem,
    error: failure && !refused ? describeError(failure) : '',
    more: shown?.more ?? false,
    loadMore: () => {
      if (shown?.cursor) fetchPage(shown.cursor);
    },
  };
}
