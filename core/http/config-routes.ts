// GET|PUT|DELETE /config/export-path and GET|POST|DELETE /config/optout, persisted as settings on the
// shared home so every node exports to the same place and leaves out the same spaces.
import type { Hono } from 'hono';
import { parseExportPathBody, parseOptOutBody } from './body-schemas.ts';
import { writeExportPath, readExportPath } from '../settings/export-path.ts';
import { optOutTypeOf, readOptOut, writeOptOut } from '../settings/opt-out.ts';
import { ValidationError } from '../errors.ts';
import { methodNotAllowed } from './error-response.ts';
import { readJsonBody } from './json-body.ts';
import type { RouteDeps } from './route-deps.ts';

export async function exportPathView(deps: RouteDeps): Promise<{ rootExportPath: string; customPathSet: boolean }> {
  const custom = await readExportPath(deps.store);
  return { rootExportPath: await deps.kernel.rootExportPath(), customPathSet: custom !== null };
}

export function configRoutes(api: Hono, deps: RouteDeps): void {
  api.get('/config/export-path', async (c) => c.json(await exportPathView(deps)));
  api.put('/config/export-path', async (c) => {
    const path = parseExportPathBody(await readJsonBody(c));
    const problem = await deps.files.checkExportRoot(path);
    if (problem !== null) throw new ValidationError([{ key: 'invalid.path', message: `Cannot use the export path ${JSON.stringify(path)}: ${problem}` }]);
    await writeExportPath(deps.store, path);
    return c.json(await exportPathView(deps));
  });
  api.delete('/config/export-path', async (c) => {
    await writeExportPath(deps.store, null);
    return c.json(await exportPathView(deps));
  });
  api.all('/config/export-path', methodNotAllowed('/config/export-path', 'GET, PUT or DELETE'));

  api.get('/config/optout', async (c) => c.json(await readOptOut(deps.store, deps.kernel.product.product)));
  // POST replaces the list: what an administrator sends is what is left out from the next export on.
  api.post('/config/optout', async (c) => {
    const optOut = parseOptOutBody(await readJsonBody(c), optOutTypeOf(deps.kernel.product.product));
    await writeOptOut(deps.store, optOut);
    return c.json(await readOptOut(deps.store, deps.kernel.product.product));
  });
  api.delete('/config/optout', async (c) => {
    await writeOptOut(deps.store, null);
    return c.json(await readOptOut(deps.store, deps.kernel.product.product));
  });
  api.all('/config/optout', methodNotAllowed('/config/optout', 'GET, POST or DELETE'));
}
