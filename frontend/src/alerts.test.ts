import { describe, expect, it } from 'vitest';
import { alertFor, alertsEnabled } from './alerts';

describe('alertFor', () => {
  const on = { enabled: true, permission: 'granted' as const, visible: false };
  it('is silent unless the agent turned alerts on', () => {
    expect(alertFor('ASSIGNED_TO_YOU', { ...on, enabled: false })).toEqual({ sound: false, desktop: false });
    expect(alertsEnabled(null)).toBe(false);
    expect(alertsEnabled('on')).toBe(true);
  });

  it('rings for assignments, steals and customer replies; desktop only while the page is out of view', () => {
    for (const kind of ['ASSIGNED_TO_YOU', 'REASSIGNED_TO_YOU', 'TRANSFERRED_TO_YOU', 'LOCK_STOLEN', 'CUSTOMER_REPLIED']) {
      expect(alertFor(kind, on)).toEqual({ sound: true, desktop: true });
      expect(alertFor(kind, { ...on, visible: true })).toEqual({ sound: true, desktop: false });
    }
    expect(alertFor('SOMETHING_ELSE', on)).toEqual({ sound: false, desktop: false });
  });

  it('shows no desktop notification without permission', () => {
    expect(alertFor('LOCK_STOLEN', { ...on, permission: 'denied' })).toEqual({ sound: true, desktop: false });
    expect(alertFor('LOCK_STOLEN', { ...on, permission: 'unsupported' })).toEqual({ sound: true, desktop: false });
  });
});
