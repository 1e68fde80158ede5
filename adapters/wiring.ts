// The one wiring module both entry points share: configuration in, a ready fetch handler and kernel out.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Hono } from 'hono';
import { createApp } from '../core/http/app.ts';
import { createTokenCheck, isValidTokenEntry } from '../core/http/token-check.ts';
import { API_PATH, CONSOLE_PATH } from '../core/http/endpoints.ts';
import { createPacingPlan, isLocalDatabase } from '../core/pacing/plan.ts';
import type { OpenSiteMonitor } from '../core/pacing/site-monitor.ts';
import { parseConfig, parseTokens, type Config, type Product } from '../core/config.ts';
import { productDef } from '../core/entities/index.ts';
import { ConfigError, errorMessage } from '../core/errors.ts';
import { createKernel, type Kernel } from '../core/job/kernel.ts';
import type { EntityRunner, Host } from '../core/job/ports.ts';
import { warmingContext } from '../core/job/plan-entities.ts';
import type { WarmTask } from '../core/job/task.ts';
import type { Db, OpenDb } from '../core/source.ts';
import type { ProductDef } from '../core/entities/entity.ts';
import { serverZone } from '../core/settings/schedule.ts';
import { bundleConsole } from './console-bundle.ts';
import { demoBanner } from './demo/demo-banner.ts';
import { openDemoSite, type DemoSite } from './demo/demo-site.ts';
import { createExportFiles } from './export-files.ts';
import { createFileJournal } from './file-journal.ts';
import { createInlineRunner } from './inline-runner.ts';
import { openSiteMonitor } from './site-monitor.ts';
import { startScheduler } from './scheduler.ts';
import { startAutoResume } from './auto-resume.ts';
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
  /** The export threads, made (and warmed) for the product's entities as the server starts. */
  createRunner(config: Config, warm: readonly WarmTask[]): EntityRunner;
  readTextFile(path: string): Promise<string>;
  log(line: string): void;
}

/** The configured tokens; on the demo site without any, its own generated token. */
async function loadTokens(config: Config, runtime: Runtime, demoToken: string | null): Promise<string[]> {
  const tokens = [...config.tokens];
  if (config.tokensFile) {
    const text = await runtime.readTextFile(config.tokensFile).catch((error) => {
      throw new ConfigError('SLUICE_TOKENS_FILE', `Cannot read "${config.tokensFile}": ${errorMessage(error)}`);
    });
    tokens.push(...parseTokens(text));
  }
  const bad = tokens.find((t) => !isValidTokenEntry(t));
  if (bad !== undefined)
    throw new ConfigError(config.tokensFile ? 'SLUICE_TOKENS_FILE' : 'SLUICE_TOKENS', 'a sha256: entry must be sha256: followed by 64 hex digits');
  if (tokens.length === 0 && demoToken !== null) return [demoToken];
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

/** The demo's embedded database has no users besides the export: its site is idle by construction. */
const idleSite: OpenSiteMonitor = async () => ({
  take: () => ({ probesMs: [], activity: 0, idleCores: null }),
  stretch: () => undefined,
  close: async () => undefined,
});

export async function createService(runtime: Runtime): Promise<Service> {
  const relative = parseConfig(runtime.env, { nodeId: runtime.defaultNodeId });
  // Job status reports rootExportPath to other programs, which need it absolute.
  const parsed = { ...relative, pipelineHome: resolve(relative.pipelineHome) };
  // No one else uses the demo's database: unless told otherwise, its exports run at full speed.
  const config = parsed.databaseUrl || runtime.env.SLUICE_IMPACT_BUDGET ? parsed : { ...parsed, impactBudget: 1 };
  const databaseUrl = config.databaseUrl;
  const demo: DemoSite | null = databaseUrl ? null : await openDemoSite(config.pipelineHome, runtime.log);
  const tokens = await loadTokens(config, runtime, demo?.token ?? null);
  const openDb: OpenDb = demo ? demo.openDb : () => openSource(databaseUrl!);
  const probe = await openDb();
  const product = await Promise.resolve(detectProduct(probe, config.sourceProduct)).finally(() => probe.close());
  const store = await createFileJournal(config.pipelineHome);
  await store.verify();
  const host = runtime.createHost(config.nodeId);
  // The demo's engine lives in this process's memory, out of reach of worker threads.
  const def = productDef(product);
  const runner = demo ? createInlineRunner(demo.openDb) : runtime.createRunner(config, warmTasks(def, config, databaseUrl!));
  const pacing = {
    plan: createPacingPlan({
      budget: config.impactBudget,
      fixedShare: config.fixedShare,
      cores: availableParallelism(),
      databaseLocal: databaseUrl !== null && isLocalDatabase(databaseUrl),
    }),
    openMonitor: demo ? idleSite : () => openSiteMonitor(databaseUrl!, def.probe),
  };
  const kernel = createKernel({ config, store, runner, openDb, host, product: def, pacing });
  const checkToken = await createTokenCheck(tokens);
  const zone = serverZone();
  const now = () => host.now().getTime();
  const scripts = await bundleConsole();
  const files = createExportFiles();
  const app = createApp({ kernel, store, files, zone, now, checkToken, siteUrl: config.baseUrl, nodeId: config.nodeId, scripts, log: runtime.log });
  const scheduler = startScheduler({ kernel, store, zone, nodeId: config.nodeId, now, log: runtime.log });
  const autoResume = config.autoResume ? startAutoResume({ kernel, log: runtime.log }) : null;
  const origin = `http://${config.host}:${config.port}`;
  const banner = demo
    ? [...demoBanner(demo, origin, tokens[0] === demo.token ? demo.token : null), `Journal: ${store.dir}`]
    : [
        `Sluice exporting the ${product} site at ${redact(databaseUrl!)}`,
        `REST API: ${origin}${API_PATH}/export`,
        `Admin console: ${origin}${CONSOLE_PATH}`,
        `Journal: ${store.dir}`,
      ];
  const close = async () => {
    await autoResume?.stop();
    await scheduler.stop();
    await kernel.close();
    await demo?.close();
  };
  return { config, app, kernel, banner, close };
}

/** Each entity's warm-up, read from the site's first rows as an export would read them. */
function warmTasks(def: ProductDef, config: Config, databaseUrl: string): WarmTask[] {
  const ctx = warmingContext(def, config);
  return def.entities.map((entity) => ({ product: def.product, entity: entity.name, ctx, lineBreak: config.lineBreak, databaseUrl }));
}
