import { describe, expect, it } from 'vitest';
import {
  Readings,
  applyViewerEvent,
  isMonitoring,
  isViewerEvent,
  nameList,
  otherViewers,
  viewersSentence,
  type ConversationViewer,
} from './viewers';

const at = '2026-12-05T06:00:00Z';
const looking = (id: string, name: string): ConversationViewer => ({ agent: { id, name }, openedAt: at, monitoring: false });
const watching = (id: string, name: string): ConversationViewer => ({ agent: { id, name }, openedAt: at, monitoring: true });

const me = looking('1', 'Ana Alvarez');
const ben = looking('2', 'Ben Brooks');
const cleo = looking('3', 'Cleo Chen');
const dev = looking('4', 'Dev Das');
const sam = watching('5', 'Sam Supervisor');
const tia = watching('6', 'Tia Torres');

describe('nameList', () => {
  it.each([
    [[], ''],
    [['Ana'], 'Ana'],
    [['Ana', 'Ben'], 'Ana and Ben'],
    [['Ana', 'Ben', 'Cleo'], 'Ana, Ben and Cleo'],
    [['Ana', 'Ben', 'Cleo', 'Dev'], 'Ana, Ben and 2 others'],
  ])('%j reads "%s"', (names, text) => {
    expect(nameList(names)).toBe(text);
  });
});

describe('viewersSentence (SPEC §12)', () => {
  it.each<[string, ConversationViewer[], string]>([
    ['nobody', [], ''],
    ['only the viewer', [me], ''],
    ['one other', [me, ben], 'Ben Brooks is also looking'],
    ['one other, the viewer later', [ben, me], 'Ben Brooks is also looking'],
    ['two others', [me, ben, cleo], 'Ben Brooks and Cleo Chen are also looking'],
    ['four others', [ben, cleo, dev, looking('7', 'Eve Ito'), me], 'Ben Brooks, Cleo Chen and 2 others are also looking'],
    ['a supervisor monitoring', [me, sam], 'Sam Supervisor is monitoring'],
    ['two monitoring', [sam, tia], 'Sam Supervisor and Tia Torres are monitoring'],
    ['looking and monitoring', [sam, me, ben], 'Ben Brooks is also looking, and Sam Supervisor is monitoring'],
    ['the same person twice', [ben, { ...ben, openedAt: '2026-12-05T06:01:00Z' }], 'Ben Brooks is also looking'],
  ])('%s', (_, viewers, text) => {
    expect(viewersSentence(viewers, me.agent.id)).toBe(text);
  });

  it('never names the viewer, even when they monitor', () => {
    expect(viewersSentence([watching('1', 'Ana Alvarez')], '1')).toBe('');
    expect(otherViewers([me, ben, me], '1')).toEqual([ben]);
  });
});

describe('isMonitoring', () => {
  it("reads the viewer's own entry", () => {
    expect(isMonitoring([ben, sam], '5')).toBe(true);
    expect(isMonitoring([ben, sam], '2')).toBe(false);
    expect(isMonitoring([sam], '2')).toBe(false);
  });
});

describe('applyViewerEvent', () => {
  const event = (type: string, who: { id: string; name: string } | null, after: Record<string, unknown> | null = null) => ({
    type,
    createdAt: '2026-12-05T06:05:00Z',
    subject: who,
    actor: who,
    after,
  });

  it('knows the viewer events', () => {
    expect(isViewerEvent('viewer.joined')).toBe(true);
    expect(isViewerEvent('viewer.left')).toBe(true);
    expect(isViewerEvent('lock.acquired')).toBe(false);
  });

  it('adds who joined, last, looking or monitoring as the event says', () => {
    const joined = applyViewerEvent([me], event('viewer.joined', ben.agent, { viewer: '2', monitoring: false }));
    expect(joined).toEqual([me, { ...ben, openedAt: '2026-12-05T06:05:00Z' }]);
    const monitoring = applyViewerEvent(joined, event('viewer.joined', sam.agent, { viewer: '5', monitoring: true }));
    expect(viewersSentence(monitoring, '1')).toBe('Ben Brooks is also looking, and Sam Supervisor is monitoring');
  });

  it('moves someone who joins again (a change of mode) to the end, once', () => {
    const next = applyViewerEvent([ben, me], event('viewer.joined', ben.agent, { monitoring: true }));
    expect(next.map((v) => [v.agent.id, v.monitoring])).toEqual([
      ['1', false],
      ['2', true],
    ]);
  });

  it('takes out who left, whoever made them leave (the subject, not the actor)', () => {
    expect(applyViewerEvent([me, ben, sam], event('viewer.left', ben.agent, { viewer: null, reason: 'closed the view' }))).toEqual([me, sam]);
    const lost = { type: 'viewer.left', createdAt: at, subject: sam.agent, actor: null, after: { reason: 'connection lost' } };
    expect(applyViewerEvent([me, sam], lost)).toEqual([me]);
    expect(applyViewerEvent([me], event('viewer.left', ben.agent))).toEqual([me]);
  });

  it('ignores other events and events without a subject', () => {
    expect(applyViewerEvent([me, ben], event('lock.acquired', ben.agent))).toEqual([me, ben]);
    expect(applyViewerEvent([me, ben], event('viewer.left', null))).toEqual([me, ben]);
  });
});

describe('Readings', () => {
  it('keeps answers in the order their reads were sent', () => {
    const r = new Readings();
    const first = r.ticket();
    const second = r.ticket();
    expect(r.keep(second)).toBe(true);
    expect(r.keep(first)).toBe(false); // older than what is shown
    const third = r.ticket();
    expect(r.keep(third)).toBe(true);
  });

  it('lets an event applied on arrival win over a read sent before it', () => {
    const r = new Readings();
    const read = r.ticket();
    const applied = r.ticket();
    expect(r.keep(applied)).toBe(true);
    expect(r.keep(read)).toBe(false);
    const again = r.ticket(); // the read the event asked for
    expect(r.keep(again)).toBe(true);
  });
});
