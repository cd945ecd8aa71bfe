import { describe, expect, it } from 'vitest';
import { RECENT_BUFFER, addAllRecent, addRecent, agentEvents, describeWorkspaceEvent, eventTime, replayFrom, type WorkspaceEventLike } from './feed';

const ana = { id: '7', name: 'Ana Alvarez' };
const sam = { id: '3', name: 'Sam Supervisor' };
const event = (type: string, cursor = '1', more: Partial<WorkspaceEventLike> = {}): WorkspaceEventLike => ({
  type,
  cursor,
  createdAt: '2026-11-23T10:00:00Z',
  actor: ana,
  ...more,
});

describe('addRecent', () => {
  it('keeps the newest first, each once, at most the limit', () => {
    let list: readonly WorkspaceEventLike[] = [];
    for (let i = 1; i <= RECENT_BUFFER + 3; i++) list = addRecent(list, event('conversation.claimed', String(i)));
    list = addRecent(list, event('conversation.claimed', String(RECENT_BUFFER + 3))); // replayed
    expect(list).toHaveLength(RECENT_BUFFER);
    expect(list[0].cursor).toBe(String(RECENT_BUFFER + 3));
    expect(addRecent([], event('x', '1'), 1)).toHaveLength(1);
  });

  it('adds a replay in arrival order: the newest ends first', () => {
    const list = addAllRecent([], [event('a', '5'), event('b', '6'), event('c', '7')]);
    expect(list.map((e) => e.cursor)).toEqual(['7', '6', '5']);
  });
});

describe('Recent activity on load', () => {
  it('replays the latest events from the head less their number, never below 0', () => {
    expect(replayFrom('1000', 300)).toBe('700');
    expect(replayFrom('12', 300)).toBe('0');
    expect(replayFrom('92233720368547758070', 300)).toBe('92233720368547757770');
    expect(replayFrom('not-a-number')).toBeNull();
    expect(replayFrom(null)).toBeNull();
  });

  it('finds an agent’s own events, as actor or subject', () => {
    const list = [
      event('conversation.claimed', '3', { actor: ana }),
      event('conversation.force_released', '2', { actor: sam, subject: ana }),
      event('agent.presence_changed', '1', { actor: sam }),
    ];
    expect(agentEvents(list, ana.id).map((e) => e.cursor)).toEqual(['3', '2']);
  });

  it('dates events of other days', () => {
    const now = new Date(2026, 11, 5, 15, 0);
    expect(eventTime(new Date(2026, 11, 5, 9, 5, 7).toISOString(), now, 'en-GB')).toBe('09:05:07');
    expect(eventTime(new Date(2026, 11, 4, 9, 5).toISOString(), now, 'en-GB')).toBe('Yesterday, 09:05');
    expect(eventTime(new Date(2026, 10, 20, 9, 5).toISOString(), now, 'en-GB')).toBe('20 Nov, 09:05');
  });
});

describe('describeWorkspaceEvent', () => {
  it('says who did what to whom', () => {
    expect(describeWorkspaceEvent(event('conversation.claimed'))).toBe('Ana Alvarez claimed it');
    expect(describeWorkspaceEvent(event('agent.presence_changed', '1', { after: { presence: 'ONLINE' } }))).toBe('Ana Alvarez is now online');
    expect(describeWorkspaceEvent(event('conversation.force_released', '1', { actor: sam, subject: ana }))).toBe(
      'Sam Supervisor force-released it from Ana Alvarez',
    );
    expect(describeWorkspaceEvent(event('claim.stale', '1', { actor: null, subject: ana }))).toBe("Ana Alvarez's claim went stale");
    expect(describeWorkspaceEvent(event('agent.updated', '1', { actor: sam, subject: ana }))).toBe('Sam Supervisor changed Ana Alvarez');
    expect(describeWorkspaceEvent(event('team.created', '1', { after: { name: 'Returns' } }))).toBe('Ana Alvarez created the team Returns');
    expect(describeWorkspaceEvent(event('sla.breached', '1', { actor: null }))).toBe('The first-response SLA ran out');
  });
});
