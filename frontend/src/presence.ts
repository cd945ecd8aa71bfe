// The viewer's presence after sign-in (SPEC §12: nobody is assigned while OFFLINE). An agent who
// signs in OFFLINE gets nothing from routing (R3), so the workspace asks them, once, to go online.

export type PresenceValue = 'ONLINE' | 'AWAY' | 'OFFLINE';

export interface PromptInput {
  /** Presence as the sign-in read it (the me query). */
  atSignIn: string;
  /** Presence now, as the header shows it. */
  now: string;
  /** Whether the viewer is permitted on any channel: without one, routing gives them nothing anyway (R1). */
  receives: boolean;
  /** The viewer changed presence themselves, or said "Not now". */
  answered: boolean;
}

/** Whether to show "Go online to receive conversations". */
export function showPresencePrompt(p: PromptInput): boolean {
  return p.receives && p.atSignIn === 'OFFLINE' && p.now === 'OFFLINE' && !p.answered;
}

/** Where "Not now" is remembered for the rest of the browser session, per agent. */
export function promptKey(agentId: string): string {
  return `switchboard.presencePrompt.${agentId}`;
}
