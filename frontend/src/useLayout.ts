import { useCallback, useState } from 'react';
import { readOpen, writeOpen, type LayoutPart } from './layout';

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** Whether a part of the layout is open, and a toggle that remembers it (layout.ts). */
export function useLayoutPart(part: LayoutPart): [boolean, () => void] {
  const [open, setOpen] = useState(() => readOpen(storage(), part));
  const toggle = useCallback(() => {
    setOpen((was) => {
      writeOpen(storage(), part, !was);
      return !was;
    });
  }, [part]);
  return [open, toggle];
}
