// The routes SPEC section 2 calls "later": history, export path, schedule and opt-out, with bodies capped.
import type { Hono } from 'hono';
import { consoleRoutes, type ConsoleDeps } from './console/console-routes.tsx';
import { configRoutes } from './config-routes.ts';
import { historyRoutes } from './history-routes.ts';
import { limitBody } from './json-body.ts';
import type { RouteDeps } from './route-deps.ts';
import { scheduleRoutes } from './schedule-routes.ts';

export function mountApiRoutes(api: Hono, deps: RouteDeps): void {
  api.use('/config/*', limitBody);
  historyRoutes(api, deps);
  configRoutes(api, deps);
  scheduleRoutes(api, deps);
}

/** createApp's `extend` hook: the later REST routes on the API, the console beside it. */
export function adminExtension(deps: ConsoleDeps): (api: Hono, app: Hono) => void {
  return (api, app) => {
    mountApiRoutes(api, deps);
    consoleRoutes(app, deps);
  };
}
