// Picks the source adapter for a DATABASE_URL.
import type { Db } from '../../core/source.ts';
import { SourceUnavailableError, errorMessage } from '../../core/errors.ts';
import { openMysql } from './mysql.ts';
import { openPostgres } from './postgres.ts';

export type OpenedDb = Db & { close(): Promise<void> };

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
