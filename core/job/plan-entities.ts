// Planning a job: its directory, the users who opted out, which entities it writes (a missing optional
// table is a warning instead), and the size estimates counted afterwards on the planning connection.
import type { Config } from '../config.ts';
import { utcMsToLocal } from '../dates.ts';
import type { EntityDef, ProductDef, ReadContext } from '../entities/entity.ts';
import { activeSchemaVersion, inSchemaVersion } from '../entities/index.ts';
import { SourceUnavailableError, type ErrorItem } from '../errors.ts';
import { readOptOut } from '../settings/opt-out.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import type { OpenDb } from '../source.ts';
import type { Host } from './ports.ts';
import type { JobRecord } from './status.ts';

export interface PlanDeps {
  config: Pick<Config, 'baseUrl' | 'sourceTimezone'>;
  store: SettingsStore;
  host: Pick<Host, 'makePrivateDir'>;
  openDb: OpenDb;
  product: ProductDef;
}

export interface Plan {
  entities: EntityDef[];
  warnings: ErrorItem[];
  optedOut: readonly string[];
  /** Estimates each entity's rows on the planning connection, resting as `rest` says after each count, then closes it. */
  estimate(found: (entity: string, rows: number | null) => void, rest: (costMs: number) => Promise<void>): Promise<void>;
  /** Closes the planning connection, unless the estimates have it. */
  close(): Promise<void>;
}

export async function planEntities(record: JobRecord, deps: PlanDeps): Promise<Plan> {
  await deps.host.makePrivateDir(record.exportDir);
  const optedOut = (await readOptOut(deps.store, deps.product.product)).keys;
  const db = await openAgain(deps.openDb);
  const warnings: ErrorItem[] = [];
  const entities: EntityDef[] = [];
  for (const entity of deps.product.entities) {
    if (!inSchemaVersion(entity, record.config.schemaVersion)) continue;
    if (entity.optional?.tables.some((t) => db.table(t) === null)) warnings.push(entity.optional.warning);
    else entities.push(entity);
  }
  let estimating = false;
  let closed: Promise<void> | null = null;
  const closeDb = () => (closed ??= db.close().catch(() => undefined));
  const estimate: Plan['estimate'] = async (found, rest) => {
    if (closed) return;
    estimating = true;
    try {
      const ctx = contextOf(record, deps.config, []);
      for (const entity of entities) {
        await rest(0);
        const start = Date.now();
        found(entity.name, await entity.estimate(db, ctx).catch(() => null));
        await rest(Date.now() - start);
      }
    } finally {
      await closeDb();
    }
  };
  // A count still running closes the connection itself when it is done.
  return { entities, warnings, optedOut, estimate, close: () => (estimating ? Promise.resolve() : closeDb()) };
}

type ContextConfig = Pick<Config, 'baseUrl' | 'sourceTimezone'>;

/** How a warming thread reads its entity when the server starts: every row from the first, as the active schema version has them. */
export function warmingContext(product: ProductDef, config: ContextConfig): ReadContext {
  return readContext(config, 0, activeSchemaVersion(product), []);
}

export function contextOf(record: JobRecord, config: ContextConfig, optedOut: readonly string[]): ReadContext {
  return readContext(config, record.fromMs, record.config.schemaVersion, optedOut);
}

function readContext(config: ContextConfig, fromMs: number, schemaVersion: number, optedOut: readonly string[]): ReadContext {
  const zone = config.sourceTimezone;
  return { baseUrl: config.baseUrl, fromMs, fromLocal: utcMsToLocal(fromMs, zone), timezone: zone, optedOut, schemaVersion };
}

// A connection lost while it is set up (killed, the server restarting) is opened again, with growing
// waits: the job has read nothing yet. A database that stays away still fails the job within seconds.
const PLAN_OPEN_WAITS_MS = [250, 500, 1000, 2000];

async function openAgain(openDb: OpenDb): ReturnType<OpenDb> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await openDb();
    } catch (error) {
      if (!(error instanceof SourceUnavailableError) || attempt >= PLAN_OPEN_WAITS_MS.length) throw error;
      await new Promise((resolve) => setTimeout(resolve, PLAN_OPEN_WAITS_MS[attempt]));
    }
  }
}
