/**
 * A small client for Sluice's REST API as the end-to-end tests use it, and bounded polling.
 */

export const API_BASE = '/rest/datapipeline/latest';

export interface ApiResponse {
  status: number;
  /** The parsed JSON body, or the raw text when it is not JSON; `any` because tests read it field by field. */
  body: any;
}

export type Api = (path: string, init?: RequestInit) => Promise<ApiResponse>;

/**
 * Requests `path` (under the latest base path unless it starts with /rest) with the admin token and the
 * XSRF header; `init.headers` can override or remove either (a header set to '' is not sent).
 */
export function createApi(url: string, token: string): Api {
  return async (path, init = {}) => {
    const headers = new Headers({ authorization: `Bearer ${token}`, 'x-atlassian-token': 'no-check' });
    for (const [name, value] of new Headers(init.headers).entries()) {
      if (value === '') headers.delete(name);
      else headers.set(name, value);
    }
    const response = await fetch(`${url}${path.startsWith('/rest') ? '' : API_BASE}${path}`, { ...init, headers });
    return readResponse(response);
  };
}

/** The status and the body, parsed as JSON where it is JSON; otherwise the test sees the text. */
export async function readResponse(response: Response): Promise<ApiResponse> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: the text it is.
  }
  return { status: response.status, body };
}

export interface WaitOptions {
  /** Generous: the machine running the tests may be busy with other suites. */
  timeoutMs?: number;
  intervalMs?: number;
  /** What is awaited, for the failure message. */
  what: string;
}

/** Calls `probe` until it returns something other than undefined; fails with the last value seen. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`Gave up waiting for ${options.what} after ${options.timeoutMs ?? 60_000} ms (last: ${detail})`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 200));
  }
}

const TERMINAL = new Set(['COMPLETED', 'CANCELLED', 'FAILED']);

/** Polls GET /export until job `jobId` has ended, and returns its final status. */
export async function waitForJobEnd(api: Api, jobId: number, timeoutMs = 120_000): Promise<any> {
  let seen: unknown;
  return waitFor(
    async () => {
      const { status, body } = await api('/export');
      seen = body;
      if (status !== 200) throw new Error(`GET /export answered ${status}: ${JSON.stringify(body)}`);
      return body?.jobId === jobId && TERMINAL.has(body.status) ? body : undefined;
    },
    { what: `job ${jobId} to end`, timeoutMs },
  ).catch((error: Error) => {
    throw new Error(`${error.message}; last status: ${JSON.stringify(seen)}`);
  });
}
