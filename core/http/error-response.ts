// The one error→HTTP table: every error a route throws, and every request no route takes, becomes a
// status and a JSON body here (app.onError and app.notFound both answer with it).
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ExportRejectedError, ExportRunningError, SluiceError, ValidationError } from '../errors.ts';

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

export interface ErrorResponse {
  status: ContentfulStatusCode;
  body: unknown;
}

export function errorResponse(error: unknown): ErrorResponse {
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

/** What a request no route takes is answered with. */
export function routeNotFound(c: Context): SluiceError {
  return new SluiceError('not.found', `Cannot find ${c.req.method} ${new URL(c.req.url).pathname}`);
}

/** A route's handler for the methods it does not take. */
export function methodNotAllowed(path: string, allowed: string) {
  return (c: { req: { method: string } }): never => {
    throw new SluiceError('method.not.allowed', `Cannot use ${c.req.method} on ${path}: use ${allowed}`);
  };
}
