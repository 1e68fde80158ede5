// The one wiring module both entry points share: configuration in, a ready fetch handler and kernel out.
import type { Hono } from 'hono';
import { createApp } from '../core/app.ts';
import { createTokenCheck, isValidTokenEntry } from '../core/auth.ts';
import { parseConfig, parseTokens, type Config, type Product } from '../core/config.ts';
import { productDef } from '../core/entities/index.ts';
import { ConfigError, errorMessage } from '../core/errors.ts';
import { createKernel, type Kernel } from '../core/kernel.ts';
import type { EntityRunner, Host, OpenDb } from '../core/ports.ts';
import type { Db } from '../core/source.ts';
import { adminExtension } from '../core/routes/api-routes.ts';
import { serverZone } from '../core/schedule.ts';
import { createExportFiles } from './export-files.ts';
import { createFileJournal } from './file-journal.ts';
import { startScheduler } from './scheduler.ts';
import { openSource, redact } from './sources/open-source.ts';

export interface Service {
  config: Config;
  app: Hono;
  kernel: Kernel;
  /** Lines worth printing at start-up (where the API is, the demo's token). */
  banner: string[];
  close(): Promise<void>;
}

export interface Runtime {
  env: Record<string, string | undefined>;
  defaultNodeId: string;
  createHost(nodeId: string): Host;
  createRunner(config: Config): EntityRunner;
  readTextFile(path: string): Promise<string>;
  log(line: string): void;
}

async function loadTokens(config: Config, runtime: Runtime): Promise<string[]> {
  const tokens = [...config.tokens];
  if (config.tokensFile) {
    const text = await runtime.readTextFile(config.tokensFile).catch((error) => {
      throw new ConfigError('SLUICE_TOKENS_FILE', `Cannot read "${config.tokensFile}": ${errorMessage(error)}`);
    });
    tokens.push(...parseTokens(text));
  }
  const bad = tokens.find((t) => !isValidTokenEntry(t));
  if (bad !== undefined) throw new ConfigError(config.tokensFile ? 'SLUICE_TOKENS_FILE' : 'SLUICE_TOKENS', 'a sha256: entry must be sha256: followed by 64 hex digits');
  if (tokens.length === 0) throw new ConfigError('SLUICE_TOKENS', 'set SLUICE_TOKENS or SLUICE_TOKENS_FILE to at least one admin token');
  return tokens;
}

/** The product: SOURCE_PRODUCT, or what the catalog shows (`jiraissue` vs `CONTENT`). */
export function detectProduct(db: Db, configured: Product | null): Product {
  if (configured) return configured;
  if (db.table('jiraissue') !== null) return 'jira';
  if (db.table('CONTENT') !== null) return 'confluence';
  throw new ConfigError('DATABASE_URL', 'the database holds neither a Confluence (CONTENT) nor a Jira (jiraissue) schema');
}

export async function createService(runtime: Runtime): Promise<Service> {
  const config = parseConfig(runtime.env, { nodeId: runtime.defaultNodeId });
  if (!config.databaseUrl) throw new ConfigError('DATABASE_URL', 'the embedded demo site is not available in this build; set DATABASE_URL');
  const databaseUrl = config.databaseUrl;
  const tokens = await loadTokens(config, runtime);
  const openDb: OpenDb = () => openSource(databaseUrl);
  const probe = await openDb();
  const product = await Promise.resolve(detectProduct(probe, config.sourceProduct)).finally(() => probe.close());
  const store = await createFileJournal(config.pipelineHome);
  await store.verify();
  const host = runtime.createHost(config.nodeId);
  const kernel = createKernel({ config, store, runner: runtime.createRunner(config), openDb, host, product: productDef(product) });
  const checkToken = await createTokenCheck(tokens);
  const zone = serverZone();
  const now = () => host.now().getTime();
  const extend = adminExtension({ kernel, store, files: createExportFiles(), zone, now, checkToken, siteUrl: config.baseUrl, nodeId: config.nodeId });
  const app = createApp({ kernel, checkToken, log: runtime.log, extend });
  const scheduler = startScheduler({ kernel, store, zone, nodeId: config.nodeId, now, log: runtime.log });
  const banner = [
    `Sluice exporting the ${product} site at ${redact(databaseUrl)}`,
    `REST API: http://${config.host}:${config.port}/rest/datapipeline/latest/export`,
    `Admin console: http://${config.host}:${config.port}/admin/data-pipeline`,
    `Journal: ${store.dir}`,
  ];
  const close = async () => {
    await scheduler.stop();
    await kernel.close();
  };
  return { config, app, kernel, banner, close };
}
