// The workspace settings form (updateWorkspaceSettings): the fields in groups, with the server's
// bounds (ent/schema/workspace.go), what is wrong with the values typed, and the input (only
// what changed).

import type { UpdateWorkspaceInput, WorkspaceSettingsFragment } from '../../../gql/graphql';

type Settings = Omit<WorkspaceSettingsFragment, '__typename' | 'id' | 'slug'>;
export type SettingKey = keyof Settings & keyof UpdateWorkspaceInput;

export type Setting =
  | { key: SettingKey; type: 'text'; label: string; hint?: string; maxLength: number }
  | { key: SettingKey; type: 'number'; label: string; hint?: string; min: number; max: number; unit: 'seconds' | 'days' | 'conversations' }
  | { key: SettingKey; type: 'boolean'; label: string; hint?: string }
  | { key: SettingKey; type: 'choice'; label: string; hint?: string; options: ReadonlyArray<{ value: string; label: string }> };

export const SETTING_GROUPS: ReadonlyArray<{ title: string; settings: readonly Setting[] }> = [
  {
    title: 'Workspace',
    settings: [{ key: 'name', type: 'text', label: 'Name', maxLength: 200 }],
  },
  {
    title: 'Claiming and assignment',
    settings: [
      {
        key: 'selfAssignment',
        type: 'choice',
        label: 'Who assigns conversations',
        hint: 'Routing only: agents cannot claim; routing, supervisors and admins assign (C10).',
        options: [
          { value: 'ALLOWED', label: 'Agents may claim' },
          { value: 'ROUTING_ONLY', label: 'Routing only' },
        ],
      },
      { key: 'autoClaimOnReply', type: 'boolean', label: 'Replying to an unclaimed conversation claims it (C3)' },
      { key: 'maxClaimsPerAgent', type: 'number', label: 'Open conversations per agent at most', min: 1, max: 1000, unit: 'conversations' },
      { key: 'bulkClaimCap', type: 'number', label: 'Conversations per bulk claim at most', min: 1, max: 50, unit: 'conversations' },
      { key: 'pauseBotOnClaim', type: 'boolean', label: 'Pause the bot when a human claims (I5)' },
    ],
  },
  {
    title: 'Capacity',
    settings: [
      { key: 'capacityCountsPending', type: 'boolean', label: 'Pending conversations count against capacity (R2)' },
      { key: 'capacityCountsOnHold', type: 'boolean', label: 'Conversations on hold count against capacity' },
    ],
  },
  {
    title: 'Stale claims and locks',
    settings: [
      { key: 'staleClaimAfterSeconds', type: 'number', label: 'A claim is stale after', min: 60, max: 7 * 24 * 3600, unit: 'seconds' },
      { key: 'autoReleaseEnabled', type: 'boolean', label: 'Release stale claims automatically (C8)' },
      { key: 'autoReleaseAfterSeconds', type: 'number', label: 'Release automatically after', min: 60, max: 30 * 24 * 3600, unit: 'seconds' },
      {
        key: 'lockGracePeriodSeconds',
        type: 'number',
        label: 'Keep a lock after the connection drops for',
        min: 15,
        max: 3600,
        unit: 'seconds',
      },
    ],
  },
  {
    title: 'Lifecycle and SLA',
    settings: [
      { key: 'wrapUpEnabled', type: 'boolean', label: 'Wrap-up after the customer leaves' },
      { key: 'customerInactivitySeconds', type: 'number', label: 'A customer is inactive after', min: 60, max: 30 * 24 * 3600, unit: 'seconds' },
      { key: 'slaFirstResponseSeconds', type: 'number', label: 'First response due within (SLA)', min: 10, max: 7 * 24 * 3600, unit: 'seconds' },
      { key: 'auditRetentionDays', type: 'number', label: 'Keep the audit log for', min: 1, max: 3650, unit: 'days' },
    ],
  },
  {
    title: 'Agents',
    settings: [
      {
        key: 'awayAfterIdleSeconds',
        type: 'number',
        label: 'Set an online agent away after idle',
        hint: 'No keyboard or mouse activity in the workspace for this long sets an online agent Away, and tells them. 0: never.',
        min: 0,
        max: 24 * 3600,
        unit: 'seconds',
      },
    ],
  },
];

export const SETTINGS: readonly Setting[] = SETTING_GROUPS.flatMap((g) => g.settings);

/** The form's values: numbers and text as typed, switches as booleans. */
export type SettingsForm = Record<SettingKey, string | boolean>;

export function formFromSettings(ws: Settings): SettingsForm {
  const form = {} as SettingsForm;
  for (const s of SETTINGS) {
    const v = ws[s.key];
    form[s.key] = typeof v === 'boolean' ? v : String(v);
  }
  return form;
}

/** What is wrong with each value, in words. */
export function settingsProblems(form: SettingsForm): Partial<Record<SettingKey, string>> {
  const problems: Partial<Record<SettingKey, string>> = {};
  for (const s of SETTINGS) {
    const v = form[s.key];
    if (s.type === 'text') {
      const text = String(v).trim();
      if (!text) problems[s.key] = `Enter the ${s.label.toLowerCase()}.`;
      else if ([...text].length > s.maxLength) problems[s.key] = `Keep it to ${s.maxLength} characters.`;
    } else if (s.type === 'number') {
      const text = String(v).trim();
      const n = Number(text);
      if (!/^\d+$/.test(text) || n < s.min || n > s.max) problems[s.key] = `Enter a whole number from ${s.min} to ${s.max}.`;
    }
  }
  return problems;
}

/** updateWorkspaceSettings' input: only what differs from the settings as loaded. */
export function settingsChanges(ws: Settings, form: SettingsForm): UpdateWorkspaceInput {
  const input: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const v = form[s.key];
    const value = s.type === 'number' ? Number(String(v).trim()) : s.type === 'text' ? String(v).trim() : v;
    if (value !== ws[s.key]) input[s.key] = value;
  }
  return input as UpdateWorkspaceInput;
}
