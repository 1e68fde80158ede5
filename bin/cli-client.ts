// The CLI's view of a running server: requests with the token and the XSRF header, and every failure
// turned into one clear line.
import { API_PATH } from '../core/http/endpoints.ts';

export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

export interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: the server's JSON, which each command reads field by field
  body: any;
}

export type Request = (method: string, path: string) => Promise<Reply>;

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (cause?.code === 'ENOTFOUND') return 'unknown host';
  return cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/** The API's base URL from a server URL (with or without the REST path). */
export function apiBaseOf(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(`Cannot use the server URL ${JSON.stringify(url)}: expected http(s)://host:port`, 2);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new CliError(`Cannot use the server URL ${JSON.stringify(url)}: expected http or https`, 2);
  const path = parsed.pathname.replace(/\/+$/, '');
  return `${parsed.origin}${/\/rest\/datapipeline\/[^/]+$/.test(path) ? path : `${path}${API_PATH}`}`;
}

export function createRequest(url: string, token: string, timeoutMs = 30_000): Request {
  const base = apiBaseOf(url);
  return async (method, path) => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'x-atlassian-token': 'no-check', accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new CliError(`Cannot reach ${url}: ${describeNetworkError(error)} (is the server running? set --url or SLUICE_URL)`);
    }
    const text = await response.text();
    let body: unknown = null;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      throw new CliError(`Cannot read the answer to ${method} ${path} (HTTP ${response.status}): not JSON; is ${url} a Sluice server?`);
    }
    if (response.status === 401) throw new CliError('The server refused the token (401): set --token or SLUICE_TOKEN to an admin token');
    return { status: response.status, body };
  };
}

/** The API's error items as one line. */
// biome-ignore lint/suspicious/noExplicitAny: any JSON the server answered, error body or not
export function errorsOf(body: any): string {
  if (Array.isArray(body?.errors) && body.errors.length > 0) return body.errors.map((e: { message: string }) => e.message).join('; ');
  return typeof body?.message === 'string' ? body.message : JSON.stringify(body);
}
