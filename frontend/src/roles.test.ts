import { describe, expect, it } from 'vitest';
import { atLeast, canAdminister, canEditAgent, canSupervise, grantableRoles } from './roles';

describe('roles', () => {
  it('shows the dashboard to supervisors and above only', () => {
    expect(['AGENT', 'CLIENT_USER', 'SUPERVISOR', 'ADMIN', 'SUPER_ADMIN', 'UNKNOWN'].filter(canSupervise)).toEqual([
      'SUPERVISOR',
      'ADMIN',
      'SUPER_ADMIN',
    ]);
  });

  it('offers administration to admins and above only', () => {
    expect(['AGENT', 'SUPERVISOR', 'ADMIN', 'SUPER_ADMIN'].filter(canAdminister)).toEqual(['ADMIN', 'SUPER_ADMIN']);
  });

  it('ranks like the server (CLIENT_USER lowest)', () => {
    expect(atLeast('AGENT', 'CLIENT_USER')).toBe(true);
    expect(atLeast('CLIENT_USER', 'AGENT')).toBe(false);
    expect(atLeast('nobody', 'CLIENT_USER')).toBe(false);
  });

  it('grants no role above the viewer’s own', () => {
    expect(grantableRoles('ADMIN')).toEqual(['CLIENT_USER', 'AGENT', 'SUPERVISOR', 'ADMIN']);
    expect(grantableRoles('SUPER_ADMIN')).toContain('SUPER_ADMIN');
  });

  it('lets an admin edit agents up to its own role', () => {
    expect(canEditAgent('ADMIN', 'AGENT')).toBe(true);
    expect(canEditAgent('ADMIN', 'ADMIN')).toBe(true);
    expect(canEditAgent('ADMIN', 'SUPER_ADMIN')).toBe(false);
    expect(canEditAgent('SUPER_ADMIN', 'SUPER_ADMIN')).toBe(true);
    expect(canEditAgent('SUPERVISOR', 'AGENT')).toBe(false);
  });
});
