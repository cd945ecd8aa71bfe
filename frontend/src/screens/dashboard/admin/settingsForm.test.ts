import { describe, expect, it } from 'vitest';
import type { WorkspaceSettingsFragment } from '../../../gql/graphql';
import { SETTINGS, formFromSettings, settingsChanges, settingsProblems } from './settingsForm';

const ws: WorkspaceSettingsFragment = {
  id: '1',
  slug: 'demo',
  name: 'Acme Support',
  autoClaimOnReply: true,
  maxClaimsPerAgent: 20,
  bulkClaimCap: 50,
  selfAssignment: 'ALLOWED',
  pauseBotOnClaim: true,
  capacityCountsPending: false,
  capacityCountsOnHold: false,
  staleClaimAfterSeconds: 1800,
  autoReleaseEnabled: false,
  autoReleaseAfterSeconds: 7200,
  lockGracePeriodSeconds: 60,
  auditRetentionDays: 365,
  wrapUpEnabled: false,
  customerInactivitySeconds: 1800,
  slaFirstResponseSeconds: 300,
  awayAfterIdleSeconds: 600,
};

describe('workspace settings', () => {
  it('has a field for every setting UpdateWorkspaceInput takes', () => {
    expect(SETTINGS.map((s) => s.key).sort()).toEqual(Object.keys(ws).filter((k) => k !== 'id' && k !== 'slug').sort());
  });

  it('sends only what changed, numbers as numbers', () => {
    const form = formFromSettings(ws);
    expect(settingsChanges(ws, form)).toEqual({});
    form.maxClaimsPerAgent = ' 25 ';
    form.autoReleaseEnabled = true;
    form.selfAssignment = 'ROUTING_ONLY';
    form.name = ' Acme Support ';
    expect(settingsChanges(ws, form)).toEqual({ maxClaimsPerAgent: 25, autoReleaseEnabled: true, selfAssignment: 'ROUTING_ONLY' });
  });

  it("checks the server's bounds", () => {
    const form = formFromSettings(ws);
    expect(settingsProblems(form)).toEqual({});
    form.bulkClaimCap = '51';
    form.lockGracePeriodSeconds = '14';
    form.maxClaimsPerAgent = '2.5';
    form.name = '  ';
    expect(settingsProblems(form)).toEqual({
      bulkClaimCap: 'Enter a whole number from 1 to 50.',
      lockGracePeriodSeconds: 'Enter a whole number from 15 to 3600.',
      maxClaimsPerAgent: 'Enter a whole number from 1 to 1000.',
      name: 'Enter the name.',
    });
  });
});
