// Picks the source adapter for a DATABASE_URL.
import type { Db } from '../../core/source.ts';
import { SourceUnavailableError, errorMessage } from '../../core/errors.ts';

export type OpenedDb = Db & { close(): Promise<void> };

// Each driver is loaded on first use: an export thread loads only the one its site needs.
const loadMysql = () => import('./mysql.ts');
const loadPostgres = () => import('./postgres.ts');
const openMysql = async (url: string) => (await loadMysql()).openMysql(url);
const openPostgres = async (url: string) => (await loadPostgres()).openPostgres(url);

const drivers: Record<string, () => Promise<unknown>> = { mysql: loadMysql, mariadb: loadMysql, postgres: loadPostgres, postgresql: loadPostgres };

/** Loads the driver a URL needs without connecting (a warming thread's); nothing for a scheme without one. */
export async function loadDriver(url: string): Promise<void> {
  await drivers[url.slice(0, url.indexOf(':'))]?.();
}

const openers: Record<string, (url: string) => Promise<OpenedDb>> = {
  mysql: openMysql,
  mariadb: openMysql,
  postgres: openPostgres,
  postgresql: openPostgres,
};

export function registerSource(scheme: string, opener: (url: string) => Promise<OpenedDb>): void {
  openers[scheme] = opener;
}

export async function openSource(url: string): Promise<OpenedDb> {
  const scheme = url.slice(0, url.indexOf(':'));
  const opener = openers[scheme];
  if (!opener) throw new SourceUnavailableError(`Cannot open ${scheme}:// databases`);
  try {
    return await opener(url);
  } catch (error) {
    throw new SourceUnavailableError(`Cannot connect to the site's database at ${redact(url)}: ${errorMessage(error)}`, { cause: error });
  }
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
