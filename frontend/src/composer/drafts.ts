// Drafts (issue 20): what an agent typed and did not send stays, per conversation and per mode
// (reply, internal note), when they look at another conversation and come back, and across a
// reload of the tab (sessionStorage: the tab's own, gone when it closes). Sending clears it.

export type ComposerMode = 'reply' | 'note';

/** The part of Storage used (sessionStorage in the browser; a Map in tests). */
export interface DraftStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export class DraftStore {
  private readonly memory = new Map<string, string>();

  /** owner: the signed-in agent, so that the next agent in the same tab never sees another's draft. */
  constructor(
    readonly owner: string,
    private readonly storage: DraftStorage | null,
  ) {}

  private key(conversationId: string, mode: ComposerMode): string {
    return `switchboard.draft.${this.owner}.${conversationId}.${mode}`;
  }

  get(conversationId: string, mode: ComposerMode): string {
    const key = this.key(conversationId, mode);
    const kept = this.memory.get(key);
    if (kept !== undefined) return kept;
    try {
      return this.storage?.getItem(key) ?? '';
    } catch {
      return '';
    }
  }

  /** Keeps text (an empty text forgets the draft). */
  set(conversationId: string, mode: ComposerMode, text: string): void {
    const key = this.key(conversationId, mode);
    if (!text) {
      this.clear(conversationId, mode);
      return;
    }
    this.memory.set(key, text);
    try {
      this.storage?.setItem(key, text);
    } catch {
      // storage full or refused: the draft stays in memory for this page
    }
  }

  clear(conversationId: string, mode: ComposerMode): void {
    const key = this.key(conversationId, mode);
    this.memory.set(key, '');
    try {
      this.storage?.removeItem(key);
    } catch {
      // nothing kept there
    }
  }
}

let shared: DraftStore | null = null;

/** The page's draft store for owner (one per signed-in agent). */
export function draftStore(owner: string): DraftStore {
  if (!shared || shared.owner !== owner) {
    shared = new DraftStore(owner, typeof sessionStorage === 'undefined' ? null : sessionStorage);
  }
  return shared;
}
