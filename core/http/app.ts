// The HTTP API (SPEC section 2) as a pure fetch handler. Routes delegate to the kernel; app.onError is
// the one place that maps errors to statuses and bodies.
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { TokenCheck } from './auth.ts';
import { ExportRejectedError, ExportRunningError, SluiceError, ValidationError, type ErrorItem } from '../errors.ts';
import type { Kernel } from '../job/kernel.ts';
import { parseExportParams, parseJobIdParam } from './export-params.ts';

export const BASE_PATHS = ['/rest/datapipeline/latest', '/rest/datapipeline/1.0'] as const;

const STATUS_BY_CODE: Record<SluiceError['code'], ContentfulStatusCode> = {
  'bad.request': 400,
  unauthorized: 401,
  forbidden: 403,
  'not.found': 404,
  'method.not.allowed': 405,
  'export.running': 409,
  'nothing.to.cancel': 409,
  'export.rejected': 422,
  'config.invalid': 500,
  'journal.corrupt': 500,
  'source.unavailable': 503,
  'service.unavailable': 503,
  internal: 500,
};

export interface AppDeps {
  kernel: Kernel;
  checkToken: TokenCheck;
  now?: () => number;
  /** Extra routes (admin console, config) mounted by later modules. */
  extend?: (api: Hono, app: Hono) => void;
  log?: (line: string) => void;
}

function errorBody(error: unknown): { status: ContentfulStatusCode; body: unknown } {
  if (error instanceof ValidationError) return { status: 400, body: { errors: error.errors } };
  if (error instanceof ExportRunningError) return { status: 409, body: error.job };
  if (error instanceof ExportRejectedError) return { status: 422, body: error.job };
  if (error instanceof SluiceError && error.code === 'nothing.to.cancel') {
    return { status: 409, body: { status: 'WARNING', message: error.message } };
  }
  if (error instanceof SluiceError) {
    return { status: STATUS_BY_CODE[error.code], body: { errors: [{ key: error.code, message: error.message }] } };
  }
  return { status: 500, body: { errors: [{ key: 'internal', message: 'Cannot complete the request: an internal error occurred' }] } };
}

export function fail(key: SluiceError['code'], message: string): never {
  throw new SluiceError(key, message);
}

const NO_CHECK = 'no-check';

async function authenticate(c: Context, checkToken: TokenCheck): Promise<void> {
  const header = c.req.header('authorization') ?? '';
  const m = /^Bearer\s+(\S{1,4096})\s*$/i.exec(header);
  const token = m?.[1] ?? cookieToken(c);
  if (!token || !(await checkToken(token))) fail('unauthorized', 'Cannot authorize the request: send Authorization: Bearer <token> with a valid admin token');
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && c.req.header('x-atlassian-token') !== NO_CHECK) {
    fail('forbidden', 'Cannot accept the request without the header X-Atlassian-Token: no-check');
  }
}

/** The admin console's session cookie carries a token too; the XSRF header rule applies all the same. */
function cookieToken(c: Context): string | undefined {
  const cookie = c.req.header('cookie') ?? '';
  const m = /(?:^|;\s*)sluice_token=([^;]+)/.exec(cookie);
  return m ? decodeURIComponent(m[1]) : undefined;
}

export function createApp(deps: AppDeps): Hono {
  const { kernel } = deps;
  const now = deps.now ?? Date.now;
  const api = new Hono();
  api.use('*', async (c, next) => {
    await authenticate(c, deps.checkToken);
    await next();
  });
  api.post('/export', async (c) => {
    const params = parseExportParams(c.req.queries(), now());
    return c.json(await kernel.startExport(params), 202);
  });
  api.get('/export', async (c) => c.json((await kernel.getStatus()) ?? {}));
  api.delete('/export', async (c) => c.json(await kernel.cancelExport(parseJobIdParam(c.req.queries()))));
  api.all('/export', () => fail('method.not.allowed', 'Cannot use this method on /export: use GET, POST or DELETE'));
  api.get('/config/schema', (c) => c.json(kernel.schemaVersions()));

  const app = new Hono();
  deps.extend?.(api, app);
  api.all('*', (c) => fail('not.found', `Cannot find ${c.req.method} ${new URL(c.req.url).pathname}`));
  for (const base of BASE_PATHS) app.route(base, api);
  app.notFound((c) => c.json({ errors: [{ key: 'not.found', message: `Cannot find ${c.req.method} ${new URL(c.req.url).pathname}` }] as ErrorItem[] }, 404));
  app.onError((error, c) => {
    const { status, body } = errorBody(error);
    if (status >= 500 && deps.log) deps.log(`Request ${c.req.method} ${new URL(c.req.url).pathname} failed: ${error.stack ?? error.message}`);
    return c.json(body, status);
  });
  return app;
}
