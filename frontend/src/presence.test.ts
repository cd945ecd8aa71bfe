import { describe, expect, it } from 'vitest';
import { promptKey, showPresencePrompt, type PromptInput } from './presence';

describe('the go-online prompt (SPEC §12, R3)', () => {
  const offline: PromptInput = { atSignIn: 'OFFLINE', now: 'OFFLINE', receives: true, answered: false };

  it('asks an agent who signs in offline and could receive conversations', () => {
    expect(showPresencePrompt(offline)).toBe(true);
  });

  it('does not ask once answered, once online, when already online or away, or without a channel', () => {
    expect(showPresencePrompt({ ...offline, answered: true })).toBe(false);
    expect(showPresencePrompt({ ...offline, now: 'ONLINE' })).toBe(false);
    expect(showPresencePrompt({ ...offline, atSignIn: 'AWAY', now: 'AWAY' })).toBe(false);
    expect(showPresencePrompt({ ...offline, atSignIn: 'ONLINE', now: 'OFFLINE' })).toBe(false);
    expect(showPresencePrompt({ ...offline, receives: false })).toBe(false);
  });

  it('remembers "Not now" per agent', () => {
    expect(promptKey('7')).not.toBe(promptKey('8'));
  });
});
