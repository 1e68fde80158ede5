// Who may use the API and the console: an admin token, sent as a Bearer header or carried by the
// console's session cookie (read through hono/cookie, as it is written).
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { SluiceError } from '../errors.ts';
import type { TokenCheck } from './token-check.ts';

export const SESSION_COOKIE = 'sluice_token';
// No admin token is this long; a longer one is not even hashed.
export const MAX_TOKEN_LENGTH = 4096;

const BEARER = new RegExp(`^Bearer\\s+(\\S{1,${MAX_TOKEN_LENGTH}})\\s*$`, 'i');

/** The API's rule: a valid admin token as `Authorization: Bearer`, or else in the session cookie. */
export function authenticate(checkToken: TokenCheck): MiddlewareHandler {
  return async (c, next) => {
    const token = BEARER.exec(c.req.header('authorization') ?? '')?.[1] ?? getCookie(c, SESSION_COOKIE);
    if (!token || !(await checkToken(token))) {
      throw new SluiceError('unauthorized', 'Cannot authorize the request: send Authorization: Bearer <token> with a valid admin token');
    }
    await next();
  };
}

/** The console's rule: its session cookie holds a valid admin token. */
export async function isSignedIn(c: Context, checkToken: TokenCheck): Promise<boolean> {
  const token = getCookie(c, SESSION_COOKIE);
  return token !== undefined && token.length <= MAX_TOKEN_LENGTH && (await checkToken(token));
}
