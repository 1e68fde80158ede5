// The whole HTTP side as one pure fetch handler: the REST API (SPEC section 2) on both base paths and
// the admin console beside it. Every error and every request no route takes is answered from one table.
import { type Context, Hono } from 'hono';
import { authenticate } from './authenticate.ts';
import { configRoutes } from './config-routes.ts';
import { type ConsoleDeps, consoleRoutes } from './console/console-routes.tsx';
import { API_BASE_PATHS, CONSOLE_PATH } from './endpoints.ts';
import { errorResponse, routeNotFound } from './error-response.ts';
import { exportRoutes } from './export-routes.ts';
import { historyRoutes } from './history-routes.ts';
import { limitBody } from './json-body.ts';
import { requireXsrfHeader } from './require-xsrf-header.ts';
import { scheduleRoutes } from './schedule-routes.ts';

export interface AppDeps extends ConsoleDeps {
  /** Where a request that failed on the server's side (a 5xx) is written down. */
  log?: (line: string) => void;
}

function apiRoutes(deps: AppDeps): Hono {
  const api = new Hono();
  api.use('*', authenticate(deps.checkToken), requireXsrfHeader);
  exportRoutes(api, deps);
  // Registered after GET /config/schema, which takes no body and so is not held to the cap.
  api.use('/config/*', limitBody);
  historyRoutes(api, deps);
  configRoutes(api, deps);
  scheduleRoutes(api, deps);
  return api;
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const api = apiRoutes(deps);
  for (const base of API_BASE_PATHS) app.route(base, api);
  app.route(CONSOLE_PATH, consoleRoutes(deps));
  const respond = (c: Context, error: unknown) => {
    const { status, body } = errorResponse(error);
    if (status >= 500 && deps.log && error instanceof Error) {
      deps.log(`Request ${c.req.method} ${new URL(c.req.url).pathname} failed: ${error.stack ?? error.message}`);
    }
    return c.json(body, status);
  };
  app.notFound((c) => respond(c, routeNotFound(c)));
  app.onError((error, c) => respond(c, error));
  return app;
}
