// GET|PUT|DELETE /config/export-path and GET|POST|DELETE /config/optout, persisted as settings on the
// shared home so every node exports to the same place and leaves out the same spaces.
import type { Hono } from 'hono';
import { parseExportPathBody, parseOptOutBody, type OptOutType } from '../config-schemas.ts';
import { SluiceError, ValidationError } from '../errors.ts';
import { readJsonBody } from './json-body.ts';
import type { RouteDeps } from './route-deps.ts';

export const EXPORT_PATH_SETTING = 'export-path';
export const OPTOUT_SETTING = 'optout';

export function methodNotAllowed(path: string, allowed: string) {
  return (c: { req: { method: string } }): never => {
    throw new SluiceError('method.not.allowed', `Cannot use ${c.req.method} on ${path}: use ${allowed}`);
  };
}

/** Confluence sites opt out spaces, Jira sites projects. */
export function optOutType(deps: Pick<RouteDeps, 'kernel'>): OptOutType {
  return deps.kernel.product.product === 'jira' ? 'PROJECT' : 'SPACE';
}

export async function readOptOut(deps: RouteDeps): Promise<{ type: OptOutType; keys: string[] }> {
  const saved = await deps.store.readSetting<{ keys?: unknown }>(OPTOUT_SETTING);
  const keys = Array.isArray(saved?.keys) ? saved.keys.filter((k): k is string => typeof k === 'string') : [];
  return { type: optOutType(deps), keys };
}

export async function exportPathView(deps: RouteDeps): Promise<{ rootExportPath: string; customPathSet: boolean }> {
  const custom = await deps.store.readSetting<{ path: string }>(EXPORT_PATH_SETTING);
  return { rootExportPath: await deps.kernel.rootExportPath(), customPathSet: custom !== null };
}

export function configRoutes(api: Hono, deps: RouteDeps): void {
  api.get('/config/export-path', async (c) => c.json(await exportPathView(deps)));
  api.put('/config/export-path', async (c) => {
    const path = parseExportPathBody(await readJsonBody(c));
    const problem = await deps.files.checkExportRoot(path);
    if (problem !== null) throw new ValidationError([{ key: 'invalid.path', message: `Cannot use the export path ${JSON.stringify(path)}: ${problem}` }]);
    await deps.store.writeSetting(EXPORT_PATH_SETTING, { path });
    return c.json(await exportPathView(deps));
  });
  api.delete('/config/export-path', async (c) => {
    await deps.store.writeSetting(EXPORT_PATH_SETTING, null);
    return c.json(await exportPathView(deps));
  });
  api.all('/config/export-path', methodNotAllowed('/config/export-path', 'GET, PUT or DELETE'));

  api.get('/config/optout', async (c) => c.json(await readOptOut(deps)));
  // POST replaces the list: what an administrator sends is what is left out from the next export on.
  api.post('/config/optout', async (c) => {
    const optOut = parseOptOutBody(await readJsonBody(c), optOutType(deps));
    await deps.store.writeSetting(OPTOUT_SETTING, optOut.keys.length === 0 ? null : optOut);
    return c.json(await readOptOut(deps));
  });
  api.delete('/config/optout', async (c) => {
    await deps.store.writeSetting(OPTOUT_SETTING, null);
    return c.json(await readOptOut(deps));
  });
  api.all('/config/optout', methodNotAllowed('/config/optout', 'GET, POST or DELETE'));
}
