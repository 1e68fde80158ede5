// The console's requests: the REST API with the session cookie and the XSRF header, and the
// server-rendered fragments the page swaps in. A 401 means the session is gone: the page reloads into
// the sign-in form.
import { API_PATH, CONSOLE_PATH, XSRF_HEADER, XSRF_VALUE } from '../../endpoints.ts';

/** What the API answers with, as far as the console reads it. */
export interface ApiBody {
  jobId?: number;
  /** A job status's: the job a resumed one carries on. */
  config?: { resumedFrom?: number };
  message?: string;
  errors?: { key: string; message: string }[];
}

export interface ApiResult {
  status: number;
  ok: boolean;
  body: ApiBody;
}

function reloadWhenSignedOut(status: number): boolean {
  if (status !== 401) return false;
  location.reload();
  return true;
}

/** Anything that is not JSON (a proxy's error page) becomes an error the console can show. */
function parseBody(text: string): ApiBody {
  try {
    return JSON.parse(text) as ApiBody;
  } catch {
    return { errors: [{ key: 'response', message: text.slice(0, 200) }] };
  }
}

export async function callApi(method: string, path: string, body?: unknown): Promise<ApiResult> {
  const headers: Record<string, string> = { [XSRF_HEADER]: XSRF_VALUE };
  const init: RequestInit = { method, credentials: 'same-origin', headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(API_PATH + path, init);
  reloadWhenSignedOut(response.status);
  return { status: response.status, ok: response.ok, body: parseBody(await response.text()) };
}

/** The API's error messages, one line. */
export function messagesOf(body: ApiBody): string {
  if (body?.errors?.length) return body.errors.map((e) => e.message).join('; ');
  return body?.message || 'The request failed';
}

/** A fragment's HTML (`job`, `history`, or a settings card's id). */
export async function fetchFragment(name: string, query = ''): Promise<string> {
  const response = await fetch(`${CONSOLE_PATH}/fragments/${name}${query}`, { credentials: 'same-origin' });
  if (reloadWhenSignedOut(response.status) || !response.ok) throw new Error(`HTTP ${response.status}`);
  return response.text();
}

export async function signOut(): Promise<void> {
  await fetch(`${CONSOLE_PATH}/session`, { method: 'DELETE', credentials: 'same-origin', headers: { [XSRF_HEADER]: XSRF_VALUE } });
  location.reload();
}
