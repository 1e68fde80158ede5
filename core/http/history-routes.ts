// GET /history (newest first, paged) and a finished job's files, for the console's download links.
import type { Hono } from 'hono';
import { parseHistoryParams } from './body-schemas.ts';
import { SluiceError, ValidationError } from '../errors.ts';
import { methodNotAllowed } from './error-response.ts';
import type { RouteDeps } from './route-deps.ts';

function notFound(message: string): never {
  throw new SluiceError('not.found', message);
}

export function historyRoutes(api: Hono, deps: RouteDeps): void {
  api.get('/history', async (c) => {
    const { offset, limit } = parseHistoryParams(c.req.queries());
    const page = await deps.kernel.history(offset, limit);
    return c.json({ values: page.values, offset, limit, size: page.size, lastPage: offset + limit >= page.size });
  });

  api.get('/history/:jobId/files/:name', async (c) => {
    const rawId = c.req.param('jobId');
    if (!/^[1-9]\d{0,15}$/.test(rawId)) {
      throw new ValidationError([{ key: 'invalid.jobId', message: `Cannot read jobId ${JSON.stringify(rawId.slice(0, 100))}: expected a positive integer` }]);
    }
    const name = c.req.param('name');
    const job = await deps.store.get(Number(rawId));
    if (!job) notFound(`Cannot find job ${rawId}`);
    // Only the files the job recorded as written, never a name a client makes up.
    const listed = Object.values(job.statistics?.entities ?? {}).some((e) => e.file === name);
    if (job.status !== 'COMPLETED' || !listed) notFound(`Cannot find the file ${JSON.stringify(name.slice(0, 200))} of job ${rawId}`);
    const file = await deps.files.openJobFile(job.exportDir, name);
    if (!file) notFound(`Cannot find the file ${JSON.stringify(name)} of job ${rawId}: it is no longer on disk`);
    return c.body(file.body, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-length': String(file.size),
      'content-disposition': `attachment; filename="${name}"`,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
  });
  api.all('/history', methodNotAllowed('/history', 'GET'));
}
