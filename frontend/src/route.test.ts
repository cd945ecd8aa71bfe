import { describe, expect, it } from 'vitest';
import { DESK, allowedRoute, formatRoute, parseRoute, refusedRoute, type Route } from './route';

describe('routes in the hash', () => {
  it('reads and writes every route the same way', () => {
    const routes: Route[] = [
      DESK,
      { view: 'desk', conversation: '21474836482' },
      { view: 'desk', conversation: 'a/b c' },
      { view: 'desk', conversation: '21474836482', monitor: true },
      { view: 'dashboard', tab: 'monitor' },
      { view: 'dashboard', tab: 'admin' },
    ];
    for (const route of routes) expect(parseRoute(formatRoute(route))).toEqual(route);
  });

  it('keeps the old conversation links and ignores anything else', () => {
    expect(parseRoute('#conversation=42')).toEqual({ view: 'desk', conversation: '42' });
    expect(parseRoute('#conversation=')).toEqual(DESK);
    expect(parseRoute('#conversation=%E0%A4%A')).toEqual(DESK);
    expect(parseRoute('#main')).toBeNull(); // the skip link: not a route
    expect(parseRoute('#')).toEqual(DESK);
    expect(parseRoute('')).toEqual(DESK);
    expect(formatRoute(DESK)).toBe('');
  });

  it('names a monitored conversation apart, so that a reload watches it again without the lock', () => {
    expect(formatRoute({ view: 'desk', conversation: '42', monitor: true })).toBe('#monitor=42');
    expect(parseRoute('#monitor=42')).toEqual({ view: 'desk', conversation: '42', monitor: true });
    expect(parseRoute('#monitor=')).toEqual(DESK);
  });

  it('sends agents to the desk and supervisors away from the admin tab', () => {
    const admin: Route = { view: 'dashboard', tab: 'admin' };
    expect(allowedRoute(admin, { supervise: false, administer: false })).toEqual(DESK);
    expect(allowedRoute(admin, { supervise: true, administer: false })).toEqual({ view: 'dashboard', tab: 'monitor' });
    expect(allowedRoute(admin, { supervise: true, administer: true })).toEqual(admin);
    expect(allowedRoute({ view: 'desk', conversation: '1' }, { supervise: false, administer: false })).toEqual({ view: 'desk', conversation: '1' });
  });

  it('says why the route shown is not the one asked for', () => {
    const admin: Route = { view: 'dashboard', tab: 'admin' };
    expect(refusedRoute(admin, { supervise: true, administer: false })).toBe('Administration is for admins: here is Monitoring.');
    expect(refusedRoute(admin, { supervise: false, administer: false })).toMatch(/^The dashboard is for supervisors/);
    expect(refusedRoute(admin, { supervise: true, administer: true })).toBeNull();
    expect(refusedRoute({ view: 'dashboard', tab: 'monitor' }, { supervise: true, administer: false })).toBeNull();
    expect(refusedRoute(DESK, { supervise: false, administer: false })).toBeNull();
  });
});
