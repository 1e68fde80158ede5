// The one XSRF check, for the REST API and the console alike: a change must carry a header no
// cross-site form can send.
import type { MiddlewareHandler } from 'hono';
import { SluiceError } from '../errors.ts';
import { XSRF_HEADER, XSRF_VALUE } from './endpoints.ts';

export const requireXsrfHeader: MiddlewareHandler = async (c, next) => {
  const reads = c.req.method === 'GET' || c.req.method === 'HEAD';
  if (!reads && c.req.header(XSRF_HEADER) !== XSRF_VALUE) {
    throw new SluiceError('forbidden', `Cannot accept the request without the header ${XSRF_HEADER}: ${XSRF_VALUE}`);
  }
  await next();
};
