/**
 * The real app with the administrator's routes and console, on a kernel over in-memory ports, for
 * app.request() tests; and a job run to COMPLETED on those fakes.
 */
import assert from 'node:assert/strict';
import { createApp } from '../../core/http/app.ts';
import type { Hono } from 'hono';
import { createTokenCheck, type TokenCheck } from '../../core/http/token-check.ts';
import { bundleConsole } from '../../adapters/console-bundle.ts';
import { createExportFiles } from '../../adapters/export-files.ts';
import type { ConsoleScripts } from '../../core/http/console/console-routes.tsx';
import { createFakeHost, createKernelOnFakes, eventually, type KernelOnFakes } from './fakes.ts';

export const ADMIN_TOKEN = 'routes-admin-token';
export const API = '/rest/datapipeline/latest';
// Tuesday 2024-03-05T14:07:09.917Z.
export const NOW = Date.UTC(2024, 2, 5, 14, 7, 9, 917);

export interface Call {
  status: number;
  body: any;
  headers: Headers;
}

export interface AdminApp extends KernelOnFakes {
  app: ReturnType<typeof createApp>;
  /** A JSON request under the latest base path (or any path starting with /), with the token and the XSRF header. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Call>;
}

let scripts: Promise<ConsoleScripts> | null = null;

/** The whole app (every route and the console) on a kernel over fakes, as createService wires it. */
export async function createAppOnFakes(fakes: KernelOnFakes, options: { checkToken: TokenCheck; now: () => number; zone?: string }): Promise<Hono> {
  // Bundled once per test file, as the server does once per start.
  scripts ??= bundleConsole();
  return createApp({
    kernel: fakes.kernel,
    store: fakes.store,
    files: createExportFiles(),
    zone: options.zone ?? 'UTC',
    now: options.now,
    checkToken: options.checkToken,
    siteUrl: 'https://wiki.example.com',
    nodeId: 'node1',
    scripts: await scripts,
  });
}

/** `product: 'jira'` shows the routes a Jira kernel (only the product differs; the fakes stay Confluence's). */
export async function createAdminApp(options: { zone?: string; env?: Record<string, string>; product?: 'jira' } = {}): Promise<AdminApp> {
  const base = createKernelOnFakes({ env: { SLUICE_MIN_FREE_DISK: '0', ...options.env }, host: createFakeHost({ nowMs: NOW }) });
  const fakes = options.product ? { ...base, kernel: { ...base.kernel, product: { ...base.kernel.product, product: options.product } } } : base;
  const now = () => fakes.host.now().getTime();
  const app = await createAppOnFakes(fakes, { checkToken: await createTokenCheck([ADMIN_TOKEN]), now, zone: options.zone });
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Call> => {
    const all: Record<string, string> = { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-atlassian-token': 'no-check', ...headers };
    for (const [name, value] of Object.entries(all)) if (value === '') delete all[name];
    const init: RequestInit = { method, headers: all };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const response = await app.request(path.startsWith('/rest') || path.startsWith('/admin') ? path : `${API}${path}`, init);
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // HTML or CSV: the test sees the text.
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };
  return { ...fakes, app, call };
}

/** Runs the next export on the fakes to COMPLETED, each entity writing `rows` rows. */
export async function runJobToCompletion(fakes: KernelOnFakes, jobId: number, rows = jobId): Promise<void> {
  await fakes.kernel.startExport({ fromDateMs: null, forceExport: false, schemaVersion: null });
  const tasks = await eventually(() => {
    const mine = fakes.runner.tasks.filter((t) => t.task.fileName.includes(`_job${jobId}_`));
    assert.equal(mine.length, 5);
    return mine;
  });
  for (const task of tasks) task.succeed({ rows, scanned: rows, bytes: 10 });
  await eventually(() => assert.equal(fakes.store.jobs.get(jobId)?.status, 'COMPLETED'));
}
