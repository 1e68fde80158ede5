// The admin console under CONSOLE_PATH: a sign-in page, the console, and the fragments its script polls.
// The session is the admin token in an HttpOnly, SameSite=Strict cookie; the REST API accepts it, and
// the XSRF header rule applies to every change the console makes.
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { TokenCheck } from '../token-check.ts';
import { isSignedIn, MAX_TOKEN_LENGTH, SESSION_COOKIE } from '../authenticate.ts';
import { parseHistoryParams } from '../body-schemas.ts';
import { SluiceError, ValidationError } from '../../errors.ts';
import { readRuns } from '../../job/scheduled-run.ts';
import { exportPathView } from '../config-routes.ts';
import { readOptOut } from '../../settings/opt-out.ts';
import { limitBody, readJsonBody } from '../json-body.ts';
import { requireXsrfHeader } from '../require-xsrf-header.ts';
import type { RouteDeps } from '../route-deps.ts';
import { scheduleView } from '../schedule-routes.ts';
import { readSchedule } from '../../settings/schedule.ts';
import { HistoryPanel } from './history-panel.tsx';
import { JobPanel } from './job-panel.tsx';
import { ConsolePage, SignInPage } from './pages.tsx';
import { ExportPathPanel, OptOutPanel, SchedulePanel } from './settings-panels.tsx';

// A working day: long enough not to interrupt an administrator, short enough that a forgotten browser expires.
const SESSION_SECONDS = 12 * 3600;
const HISTORY_PAGE = 10;

/** The pages' browser code as JavaScript text, bundled from ./browser/ when the server starts. */
export interface ConsoleScripts {
  console: string;
  signIn: string;
}

export interface ConsoleDeps extends RouteDeps {
  checkToken: TokenCheck;
  siteUrl: string;
  nodeId: string;
  scripts: ConsoleScripts;
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

/** The headers of every response that runs no script: the session's JSON and the fragments. */
const scriptless: MiddlewareHandler = async (c, next) => {
  secureHeaders(c, null);
  await next();
};

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const htmlPage = (c: Context, page: Html) =>
  c.html(
    <>
      {raw('<!DOCTYPE html>')}
      {page}
    </>,
  );

async function showConsole(c: Context, deps: ConsoleDeps) {
  const scriptNonce = nonce();
  secureHeaders(c, scriptNonce);
  if (!(await isSignedIn(c, deps.checkToken))) return htmlPage(c, <SignInPage nonce={scriptNonce} script={deps.scripts.signIn} />);
  const [job, offer, history, schedule, runs, exportPath, optOut] = await Promise.all([
    deps.kernel.getStatus(),
    deps.kernel.resumeOffer(),
    deps.kernel.history(0, HISTORY_PAGE),
    readSchedule(deps.store),
    readRuns(deps.store),
    exportPathView(deps),
    readOptOut(deps.store, deps.kernel.product.product),
  ]);
  const now = deps.now();
  return htmlPage(
    c,
    <ConsolePage
      nonce={scriptNonce}
      script={deps.scripts.console}
      product={deps.kernel.product.product}
      siteUrl={deps.siteUrl}
      nodeId={deps.nodeId}
      nowMs={now}
      job={job}
      offer={offer}
      history={{ ...history, offset: 0, limit: HISTORY_PAGE }}
      schedule={scheduleView(schedule, deps.zone, now)}
      runs={runs}
      exportPath={exportPath}
      optOut={optOut}
    />,
  );
}

async function signIn(c: Context, checkToken: TokenCheck) {
  const body = await readJsonBody(c);
  const token = typeof body === 'object' && body !== null ? (body as { token?: unknown }).token : undefined;
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
    throw new ValidationError([{ key: 'invalid.token', message: 'Cannot sign in: send {"token": "<admin token>"}' }]);
  }
  if (!(await checkToken(token))) throw new SluiceError('unauthorized', 'Cannot sign in: that is not an admin token');
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Strict',
    path: '/',
    maxAge: SESSION_SECONDS,
    secure: new URL(c.req.url).protocol === 'https:',
  });
  return c.json({ status: 'OK' });
}

async function renderFragment(c: Context, deps: ConsoleDeps): Promise<Html> {
  const now = deps.now();
  const name = c.req.param('name') ?? '';
  switch (name) {
    case 'job': {
      const [job, offer] = await Promise.all([deps.kernel.getStatus(), deps.kernel.resumeOffer()]);
      return <JobPanel job={job} nowMs={now} offer={offer} />;
    }
    case 'history': {
      const { offset } = parseHistoryParams(c.req.queries());
      const page = await deps.kernel.history(offset, HISTORY_PAGE);
      return <HistoryPanel page={{ ...page, offset, limit: HISTORY_PAGE }} />;
    }
    case 'schedule-card':
      return <SchedulePanel view={scheduleView(await readSchedule(deps.store), deps.zone, now)} runs={await readRuns(deps.store)} />;
    case 'export-path-card':
      return <ExportPathPanel {...(await exportPathView(deps))} />;
    case 'optout-card':
      return <OptOutPanel {...(await readOptOut(deps.store, deps.kernel.product.product))} />;
    default:
      throw new SluiceError('not.found', `Cannot find the console fragment ${JSON.stringify(name.slice(0, 100))}`);
  }
}

/** The console's routes, for createApp to mount at CONSOLE_PATH. */
export function consoleRoutes(deps: ConsoleDeps): Hono {
  const page = new Hono();
  page.get('/', (c) => showConsole(c, deps));
  page.post('/session', limitBody, scriptless, requireXsrfHeader, (c) => signIn(c, deps.checkToken));
  page.delete('/session', scriptless, requireXsrfHeader, (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.json({ status: 'OK' });
  });
  page.get('/fragments/:name', scriptless, async (c) => {
    if (!(await isSignedIn(c, deps.checkToken))) throw new SluiceError('unauthorized', 'Cannot show the console: sign in again');
    return c.html(await renderFragment(c, deps));
  });
  return page;
}
