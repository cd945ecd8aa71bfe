// Where the signed-in workspace is, kept in the address's hash so that a reload (or a link) comes
// back to it: the desk with an open conversation (#conversation=<id>), one a supervisor monitors
// (#monitor=<id>: watched without taking its lock), or the supervisor dashboard (#dashboard,
// #dashboard/admin).

export type DashboardTab = 'monitor' | 'admin';

/** monitor: the conversation is open to watch it (monitorConversation), not to reply (openConversation). */
export type Route = { view: 'desk'; conversation: string | null; monitor?: true } | { view: 'dashboard'; tab: DashboardTab };

const CONVERSATION = '#conversation=';
const MONITOR = '#monitor=';
const DASHBOARD = '#dashboard';

export const DESK: Route = { view: 'desk', conversation: null };

/**
 * The route a hash names: '' is the desk; null for a hash that is no route (an in-page link such
 * as the skip link's #main), which leaves the route as it is.
 */
export function parseRoute(hash: string): Route | null {
  for (const prefix of [CONVERSATION, MONITOR]) {
    if (!hash.startsWith(prefix)) continue;
    let id = '';
    try {
      id = decodeURIComponent(hash.slice(prefix.length));
    } catch {
      // a mangled id opens nothing
    }
    if (!id) return DESK;
    return prefix === MONITOR ? { view: 'desk', conversation: id, monitor: true } : { view: 'desk', conversation: id };
  }
  if (hash === DASHBOARD || hash === `${DASHBOARD}/`) return { view: 'dashboard', tab: 'monitor' };
  if (hash === `${DASHBOARD}/admin`) return { view: 'dashboard', tab: 'admin' };
  return hash === '' || hash === '#' ? DESK : null;
}

/** The hash of a route ('' for the desk with nothing open). */
export function formatRoute(route: Route): string {
  if (route.view === 'dashboard') return route.tab === 'admin' ? `${DASHBOARD}/admin` : DASHBOARD;
  if (!route.conversation) return '';
  return `${route.monitor ? MONITOR : CONVERSATION}${encodeURIComponent(route.conversation)}`;
}

/** The route the viewer may see: the dashboard is for supervisors (admin tab for admins). */
export function allowedRoute(route: Route, access: { supervise: boolean; administer: boolean }): Route {
  if (route.view !== 'dashboard') return route;
  if (!access.supervise) return DESK;
  if (route.tab === 'admin' && !access.administer) return { view: 'dashboard', tab: 'monitor' };
  return route;
}

/**
 * Why the route asked for is not the one shown, in words, or null when it is: a supervisor sent
 * to Monitoring from #dashboard/admin, an agent sent to the conversations from #dashboard. The
 * workspace shows it, so that nobody lands somewhere else without being told.
 */
export function refusedRoute(route: Route, access: { supervise: boolean; administer: boolean }): string | null {
  if (route.view !== 'dashboard') return null;
  if (!access.supervise) return 'The dashboard is for supervisors and admins: here are your conversations.';
  if (route.tab === 'admin' && !access.administer) return 'Administration is for admins: here is Monitoring.';
  return null;
}
