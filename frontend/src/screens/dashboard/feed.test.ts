import { describe, expect, it } from 'vitest';
import { RECENT_LIMIT, addRecent, describeWorkspaceEvent, type WorkspaceEventLike } from './feed';

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
    for (let i = 1; i <= RECENT_LIMIT + 3; i++) list = addRecent(list, event('conversation.claimed', String(i)));
    list = addRecent(list, event('conversation.claimed', String(RECENT_LIMIT + 3))); // replayed
    expect(list).toHaveLength(RECENT_LIMIT);
    expect(list[0].cursor).toBe(String(RECENT_LIMIT + 3));
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
