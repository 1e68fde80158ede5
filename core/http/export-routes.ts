// POST|GET|DELETE /export and GET /config/schema (SPEC section 2): the kernel's operations over HTTP.
import type { Hono } from 'hono';
import { SluiceError } from '../errors.ts';
import { parseExportParams, parseJobIdParam } from './export-params.ts';
import type { RouteDeps } from './route-deps.ts';

export function exportRoutes(api: Hono, { kernel, now }: Pick<RouteDeps, 'kernel' | 'now'>): void {
  api.post('/export', async (c) => {
    const params = parseExportParams(c.req.queries(), now());
    return c.json(await kernel.startExport(params), 202);
  });
  api.get('/export', async (c) => c.json((await kernel.getStatus()) ?? {}));
  api.delete('/export', async (c) => c.json(await kernel.cancelExport(parseJobIdParam(c.req.queries()))));
  api.all('/export', () => {
    throw new SluiceError('method.not.allowed', 'Cannot use this method on /export: use GET, POST or DELETE');
  });
  api.get('/config/schema', (c) => c.json(kernel.schemaVersions()));
}
