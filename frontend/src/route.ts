// Where the signed-in workspace is, kept in the address's hash so that a reload (or a link) comes
// back to it: the desk with an open conversation (#conversation=<id>), or the supervisor dashboard
// (#dashboard, #dashboard/admin).

export type DashboardTab = 'monitor' | 'admin';

export type Route = { view: 'desk'; conversation: string | null } | { view: 'dashboard'; tab: DashboardTab };

const CONVERSATION = '#conversation=';
const DASHBOARD = '#dashboard';

export const DESK: Route = { view: 'desk', conversation: null };

/**
 * The route a hash names: '' is the desk; null for a hash that is no route (an in-page link such
 * as the skip link's #main), which leaves the route as it is.
 */
export function parseRoute(hash: string): Route | null {
  if (hash.startsWith(CONVERSATION)) {
    let id = '';
    try {
      id = decodeURIComponent(hash.slice(CONVERSATION.length));
    } catch {
      // a mangled id opens nothing
    }
    return { view: 'desk', conversation: id || null };
  }
  if (hash === DASHBOARD || hash === `${DASHBOARD}/`) return { view: 'dashboard', tab: 'monitor' };
  if (hash === `${DASHBOARD}/admin`) return { view: 'dashboard', tab: 'admin' };
  return hash === '' || hash === '#' ? DESK : null;
}

/** The hash of a route ('' for the desk with nothing open). */
export function formatRoute(route: Route): string {
  if (route.view === 'dashboard') return route.tab === 'admin' ? `${DASHBOARD}/admin` : DASHBOARD;
  return route.conversation ? `${CONVERSATION}${encodeURIComponent(route.conversation)}` : '';
}

/** The route the viewer may see: the dashboard is for supervisors (admin tab for admins). */
export function allowedRoute(route: Route, access: { supervise: boolean; administer: boolean }): Route {
  if (route.view !== 'dashboard') return route;
  if (!access.supervise) return DESK;
  if (route.tab === 'admin' && !access.administer) return { view: 'dashboard', tab: 'monitor' };
  return route;
}
