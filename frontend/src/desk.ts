import { createContext, useContext } from 'react';
import type { DraftStore } from './composer/drafts';
import type { ReadMarks } from './unread';

/** What the desk's screens share (issue 20): the server's settings and limits, read marks, drafts. */
export interface Desk {
  /** The workspace's first-response SLA (the countdown's amber), when known. */
  slaSeconds: number | null;
  limits: { messageMaxLength: number; noteMaxLength: number; cannedResponseMaxLength: number; searchMaxLength: number } | null;
  /** Conversations the viewer read here, at which version (unread.ts). */
  marks: ReadMarks;
  /** Tells the server the viewer read the conversation (markConversationRead) and marks it here. */
  markRead: (id: string) => void;
  drafts: DraftStore;
}

export const DeskContext = createContext<Desk | null>(null);

export function useDesk(): Desk {
  const desk = useContext(DeskContext);
  if (!desk) throw new Error('useDesk outside <DeskContext.Provider>');
  return desk;
}
