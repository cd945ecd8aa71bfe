import { createContext, useContext, useEffect, useRef } from 'react';
import { isField, shortcutFor, type ShortcutAction } from './shortcuts';

/** Where screens register what a shortcut does while they are on screen. */
export type ShortcutRegistry = Map<ShortcutAction, () => boolean | void>;

export const ShortcutContext = createContext<ShortcutRegistry | null>(null);

/**
 * Makes action run handler while the calling component is mounted (and enabled). A handler that
 * returns false did nothing, and the key keeps its usual meaning.
 */
export function useShortcut(action: ShortcutAction, handler: () => boolean | void, enabled = true) {
  const registry = useContext(ShortcutContext);
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    if (!registry || !enabled) return;
    const run = () => latest.current();
    registry.set(action, run);
    return () => {
      if (registry.get(action) === run) registry.delete(action);
    };
  }, [registry, action, enabled]);
}

/** Listens for shortcuts on the document and runs the registered handlers. */
export function useShortcutListener(registry: ShortcutRegistry) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      const target = document.activeElement;
      if (target?.closest('dialog[open]')) return; // dialogs keep their keys (Escape closes them)
      const onControl = target instanceof HTMLButtonElement || target instanceof HTMLAnchorElement;
      const action = shortcutFor(event, isField(target), onControl);
      if (!action) return;
      if (action === 'leaveField') {
        (target as HTMLElement).blur();
        event.preventDefault();
        return;
      }
      const handler = registry.get(action);
      if (handler && handler() !== false) event.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [registry]);
}
