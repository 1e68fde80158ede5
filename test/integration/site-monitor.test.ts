// The site monitor on real MariaDB and PostgreSQL: probes time a real row's lookup, and the site's
// activity counts the site's running queries and leaves the export's own out.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { openSiteMonitor } from '../../adapters/site-monitor.ts';
import { openSource, type OpenedDb } from '../../adapters/sources/open-source.ts';
import { confluence } from '../../core/entities/confluence.ts';
import type { SiteMonitor } from '../../core/pacing/site-monitor.ts';
import { createPostgresTestDatabase, type PostgresTestDatabase } from '../helpers/test-db-postgres.ts';
import { createMysqlTestDatabase, type MysqlTestDatabase } from '../helpers/test-db.ts';

const MYSQL_SCHEMA = fileURLToPath(new URL('../fixtures/confluence-mysql.sql', import.meta.url));
const POSTGRES_SCHEMA = fileURLToPath(new URL('../../adapters/demo/confluence-schema.sql', import.meta.url));
const SLEEP_S = 1.5;

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The monitor's mean activity while `sleeper` runs a query that sleeps. */
async function activityDuring(monitor: SiteMonitor, sleeper: () => Promise<unknown>): Promise<number> {
  const sleeping = sleeper();
  await wait(300);
  monitor.take();
  await wait(800);
  const { activity } = monitor.take();
  await sleeping;
  assert.notEqual(activity, null);
  return activity!;
}

interface Site {
  url: string;
  /** A query on a connection of the site's own (not Sluice's). */
  siteSleep(): Promise<unknown>;
  insertContent(ids: number[]): Promise<void>;
  close(): Promise<void>;
}

const sites: [string, () => Promise<Site>][] = [
  [
    'MariaDB',
    async () => {
      const db: MysqlTestDatabase = await createMysqlTestDatabase(MYSQL_SCHEMA);
      const site = await mysql.createConnection({ uri: db.url });
      return {
        url: db.url,
        siteSleep: () => site.query(`SELECT SLEEP(${SLEEP_S})`),
        insertContent: async (ids) => {
          for (const id of ids) await db.pool.query(`INSERT INTO CONTENT (CONTENTID, CONTENTTYPE, TITLE, VERSION) VALUES (?, 'PAGE', 't', 1)`, [id]);
        },
        close: async () => {
          await site.end();
          await db.drop();
        },
      };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const db: PostgresTestDatabase = await createPostgresTestDatabase(POSTGRES_SCHEMA);
      const site = new pg.Client({ connectionString: db.url, application_name: 'confluence' });
      await site.connect();
      return {
        url: db.url,
        siteSleep: () => site.query(`SELECT pg_sleep(${SLEEP_S})`),
        insertContent: async (ids) => {
          for (const id of ids) await db.client.query(`INSERT INTO content (contentid, contenttype, title, version) VALUES ($1, 'PAGE', 't', 1)`, [id]);
        },
        close: async () => {
          await site.end();
          await db.drop();
        },
      };
    },
  ],
];

for (const [name, open] of sites) {
  describe(`the site monitor on ${name}`, () => {
    let site: Site;
    let monitor: SiteMonitor;
    let sluice: OpenedDb;
    before(async () => {
      site = await open();
      await site.insertContent([10, 20, 30, 40, 50]);
      monitor = await openSiteMonitor(site.url, confluence.probe);
      sluice = await openSource(site.url);
    });
    after(async () => {
      await monitor?.close();
      await sluice?.close();
      await site?.close();
    });

    test('times primary-key lookups of real rows several times a second, and no more: the monitor is part of the export’s cost', async () => {
      monitor.take();
      await wait(2000);
      const { probesMs } = monitor.take();
      assert.ok(probesMs.length >= 8 && probesMs.length <= 24, `${probesMs.length} probes in two seconds`);
      assert.ok(probesMs.every((ms) => ms > 0 && ms < 5000));
    });

    test('probes further apart when stretched, and at once again when the stretch is lifted', async () => {
      monitor.stretch(4);
      monitor.take();
      await wait(2000);
      const stretched = monitor.take().probesMs.length;
      // Twenty times the gaps on a busy site: 27 s between bursts of probes and 8 s between activity
      // samples, so only a stretch lifted at once brings a probe within 300 ms.
      monitor.stretch(20);
      const sleeping = site.siteSleep();
      await wait(600);
      monitor.take();
      monitor.stretch(1);
      await wait(300);
      const lifted = monitor.take().probesMs.length;
      await sleeping;
      // Stretched four times, a burst of ten every 5.7 s: two seconds hold at most one (unstretched, 14).
      assert.ok(stretched <= 10, `${stretched} probes in two seconds, stretched four times`);
      assert.ok(lifted >= 1, `${lifted} probes within 300 ms of lifting the stretch`);
    });

    test("counts the site's running queries and leaves the export's own out", async () => {
      const siteBusy = await activityDuring(monitor, site.siteSleep);
      const sluiceBusy = await activityDuring(monitor, () => sluice.query(name === 'MariaDB' ? `SELECT SLEEP(${SLEEP_S})` : `SELECT pg_sleep(${SLEEP_S})`));
      assert.ok(siteBusy >= 0.5, `activity ${siteBusy} while a site query runs`);
      assert.ok(sluiceBusy <= siteBusy - 0.5, `activity ${sluiceBusy} while only Sluice's query runs, ${siteBusy} for the site's`);
    });

    test('has the machine’s cores over its own opening in its first reading: the first decision weighs them', async () => {
      const fresh = await openSiteMonitor(site.url, confluence.probe);
      try {
        const first = fresh.take();
        assert.ok(first.busyCores !== null && first.busyCores !== undefined && first.busyCores >= 0, `busy cores ${first.busyCores}`);
        assert.ok(first.sluiceCores !== null && first.sluiceCores !== undefined, `Sluice's cores ${first.sluiceCores}`);
      } finally {
        await fresh.close();
      }
    });

    test('reads this machine’s idle cores where the database runs on it', async () => {
      await wait(100);
      const { idleCores } = monitor.take();
      assert.ok(idleCores !== null && idleCores >= 0, `idle cores ${idleCores}`);
    });
  });
}
