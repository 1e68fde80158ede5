// The admin console at /admin/data-pipeline: a sign-in page, the console, and the fragments its script
// polls. The session is the admin token in an HttpOnly, SameSite=Strict cookie; the REST API accepts it,
// and the XSRF header rule applies to every change the console makes.
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { raw } from 'hono/html';
import type { TokenCheck } from '../auth.ts';
import { parseHistoryParams } from '../body-schemas.ts';
import { SluiceError, ValidationError } from '../../errors.ts';
import { readRuns } from '../../job/scheduled-run.ts';
import { exportPathView } from '../config-routes.ts';
import { readOptOut } from '../../settings/opt-out.ts';
import { limitBody, readJsonBody } from '../json-body.ts';
import type { RouteDeps } from '../route-deps.ts';
import { scheduleView } from '../schedule-routes.ts';
import { readSchedule } from '../../settings/schedule.ts';
import { HistoryPanel } from './history-panel.tsx';
import { JobPanel } from './job-panel.tsx';
import { ConsolePage, SignInPage } from './pages.tsx';
import { ExportPathPanel, OptOutPanel, SchedulePanel } from './settings-panels.tsx';

export const CONSOLE_PATH = '/admin/data-pipeline';
export const SESSION_COOKIE = 'sluice_token';
// A working day: long enough not to interrupt an administrator, short enough that a forgotten browser expires.
const SESSION_SECONDS = 12 * 3600;
const HISTORY_PAGE = 10;

export interface ConsoleDeps extends RouteDeps {
  checkToken: TokenCheck;
  siteUrl: string;
  nodeId: string;
}

function nonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

function secureHeaders(c: Context, scriptNonce: string | null): void {
  const script = scriptNonce ? `'nonce-${scriptNonce}'` : "'none'";
  c.header(
    'content-security-policy',
    `default-src 'none'; script-src ${script}; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  );
  c.header('x-frame-options', 'DENY');
  c.header('x-content-type-options', 'nosniff');
  c.header('referrer-policy', 'no-referrer');
  c.header('cache-control', 'no-store');
}

function requireNoCheck(c: Context): void {
  if (c.req.header('x-atlassian-token') !== 'no-check')
    throw new SluiceError('forbidden', 'Cannot accept the request without the header X-Atlassian-Token: no-check');
}

export function consoleRoutes(app: Hono, deps: ConsoleDeps): void {
  const signedIn = async (c: Context) => {
    const token = getCookie(c, SESSION_COOKIE);
    return token !== undefined && token.length <= 4096 && (await deps.checkToken(token));
  };
  const page = new Hono();

  page.get('/', async (c) => {
    const scriptNonce = nonce();
    secureHeaders(c, scriptNonce);
    if (!(await signedIn(c)))
      return c.html(
        <>
          {raw('<!DOCTYPE html>')}
          <SignInPage nonce={scriptNonce} />
        </>,
      );
    const [job, history, schedule, runs, exportPath, optOut] = await Promise.all([
      deps.kernel.getStatus(),
      deps.kernel.history(0, HISTORY_PAGE),
      readSchedule(deps.store),
      readRuns(deps.store),
      exportPathView(deps),
      readOptOut(deps.store, deps.kernel.product.product),
    ]);
    const now = deps.now();
    return c.html(
      <>
        {raw('<!DOCTYPE html>')}
        <ConsolePage
          nonce={scriptNonce}
          product={deps.kernel.product.product}
          siteUrl={deps.siteUrl}
          nodeId={deps.nodeId}
          nowMs={now}
          job={job}
          history={{ ...history, offset: 0, limit: HISTORY_PAGE }}
          schedule={scheduleView(schedule, deps.zone, now)}
          runs={runs}
          exportPath={exportPath}
          optOut={optOut}
        />
      </>,
    );
  });

  page.post('/session', limitBody, async (c) => {
    secureHeaders(c, null);
    requireNoCheck(c);
    const body = await readJsonBody(c);
    const token = typeof body === 'object' && body !== null ? (body as { token?: unknown }).token : undefined;
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
      throw new ValidationError([{ key: 'invalid.token', message: 'Cannot sign in: send {"token": "<admin token>"}' }]);
    }
    if (!(await deps.checkToken(token))) throw new SluiceError('unauthorized', 'Cannot sign in: that is not an admin token');
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      maxAge: SESSION_SECONDS,
      secure: new URL(c.req.url).protocol === 'https:',
    });
    return c.json({ status: 'OK' });
  });
  page.delete('/session', (c) => {
    secureHeaders(c, null);
    requireNoCheck(c);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.json({ status: 'OK' });
  });

  page.get('/fragments/:name', async (c) => {
    secureHeaders(c, null);
    if (!(await signedIn(c))) throw new SluiceError('unauthorized', 'Cannot show the console: sign in again');
    const now = deps.now();
    switch (c.req.param('name')) {
      case 'job':
        return c.html(<JobPanel job={await deps.kernel.getStatus()} nowMs={now} />);
      case 'history': {
        const { offset } = parseHistoryParams(c.req.queries());
        const page = await deps.kernel.history(offset, HISTORY_PAGE);
        return c.html(<HistoryPanel page={{ ...page, offset, limit: HISTORY_PAGE }} />);
      }
      case 'schedule-card':
        return c.html(<SchedulePanel view={scheduleView(await readSchedule(deps.store), deps.zone, now)} runs={await readRuns(deps.store)} />);
      case 'export-path-card':
        return c.html(<ExportPathPanel {...(await exportPathView(deps))} />);
      case 'optout-card':
        return c.html(<OptOutPanel {...(await readOptOut(deps.store, deps.kernel.product.product))} />);
      default:
        throw new SluiceError('not.found', `Cannot find the console fragment ${JSON.stringify(c.req.param('name').slice(0, 100))}`);
    }
  });
  app.route(CONSOLE_PATH, page);
}
