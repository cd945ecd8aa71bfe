/// <reference types="node" />
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeWorkspaceEvent } from '../screens/dashboard/feed';
import { describeActivity, hasSentence } from './activity';

// The event types the server writes, read from its Go source: the constants of internal/events
// and internal/webhooks, and any literal `Type: "…"` elsewhere under internal/. A type added there
// without a sentence in activity.ts fails here instead of showing its raw name on screen.
const internal = fileURLToPath(new URL('../../../internal', import.meta.url));

function goFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return goFiles(path);
    return entry.name.endsWith('.go') && !entry.name.endsWith('_test.go') ? [path] : [];
  });
}

const DOTTED = String.raw`"([a-z]+(?:\.[a-z_]+)+)"`;
const CONSTANT = new RegExp(String.raw`^\s*(?:const\s+)?[A-Z]\w*\s*=\s*${DOTTED}`, 'gm');
const LITERAL = new RegExp(String.raw`\bType:\s*${DOTTED}`, 'g');

function serverEventTypes(): string[] {
  const types = new Set<string>();
  for (const file of goFiles(internal)) {
    const source = readFileSync(file, 'utf8');
    const declaresTypes = /[/\\]internal[/\\](events|webhooks)[/\\]/.test(file);
    if (declaresTypes) for (const m of source.matchAll(CONSTANT)) types.add(m[1]);
    for (const m of source.matchAll(LITERAL)) types.add(m[1]);
  }
  return [...types].sort();
}

const types = serverEventTypes();
const ana = { id: '7', name: 'Ana Alvarez' };
const ben = { id: '8', name: 'Ben Brooks' };

describe('every event type the server writes reads as a sentence', () => {
  it('finds the server’s event types', () => {
    // A sanity check on the scan itself: these exist since the first chapters.
    for (const t of ['conversation.claimed', 'lock.stolen', 'conversation.state_changed', 'sla.breached', 'webhook.created']) {
      expect(types).toContain(t);
    }
    expect(types.length).toBeGreaterThan(40);
  });

  it.each(types)('%s has a sentence of its own', (type) => {
    expect(hasSentence(type), `add a sentence for ${type} to src/live/activity.ts`).toBe(true);
    for (const event of [
      { type, actor: ana, subject: ben, after: { state: 'ON_HOLD', presence: 'ONLINE', name: 'Returns' } },
      { type, actor: null, subject: null, after: null },
    ]) {
      for (const sentence of [describeActivity(event), describeWorkspaceEvent({ ...event, cursor: '1', createdAt: '2026-12-05T10:00:00Z' })]) {
        expect(sentence).not.toContain(type);
        expect(sentence).not.toMatch(/\b[a-z]+\.[a-z_]+\b/); // no dotted name
        expect(sentence).not.toMatch(/undefined|null|\[object/);
        expect(sentence.length).toBeGreaterThan(3);
      }
    }
  });
});

describe('describeActivity', () => {
  it('says what happened in words', () => {
    expect(describeActivity({ type: 'lock.stolen', actor: { id: '1', name: 'Ben Brooks' } })).toBe('Ben Brooks took the reply lock');
    expect(describeActivity({ type: 'message.received', actor: null })).toBe('The customer wrote');
    expect(describeActivity({ type: 'conversation.state_changed', after: { state: 'ON_HOLD' } })).toBe('State changed to On hold');
    expect(describeActivity({ type: 'viewer.joined', actor: ana, subject: ana })).toBe('Ana Alvarez opened it');
  });

  it('reads a type it does not know yet as words, never as its dotted name', () => {
    expect(describeActivity({ type: 'canned.response_created' })).toBe('Canned response created');
  });
});
