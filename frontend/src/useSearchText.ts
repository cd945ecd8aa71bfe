import { useEffect, useState } from 'react';
import { SEARCH_DEBOUNCE_MS, checkSearch, type SearchCheck } from './search';

/**
 * A search box's text once typing pauses (SEARCH_DEBOUNCE_MS; at once when it is emptied), and
 * whether it may be searched for (checkSearch). initial is the text before any pause.
 */
export function useSearchText(input: string, maxLength: number | undefined, initial: string): { text: string; check: SearchCheck } {
  const [text, setText] = useState(initial);
  useEffect(() => {
    if (!input.trim()) {
      setText('');
      return;
    }
    const timer = window.setTimeout(() => setText(input), SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [input]);
  return { text, check: checkSearch(text, maxLength) };
}
