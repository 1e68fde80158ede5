// The site monitor's probe cadence, on a database whose lookups are slower after a pause, as the
// saturated benchmark site's were: stretched, the probes come in bursts at their usual gap, and the
// lookup that ends a pause is not counted, so a stretched monitor reads the site as the usual one does.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runMonitor } from '../../adapters/site-monitor.ts';
import { createFakeOpenDb } from '../helpers/fakes.ts';

const PROBE_SQL = 'SELECT CONTENTID FROM CONTENT WHERE CONTENTID = ?';
// The database's lookups: 1 ms on a connection used within the last 250 ms, 20 ms after a longer pause.
const WARM_MS = 1;
const COLD_MS = 20;
const COLD_AFTER_MS = 250;

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A database whose every query is a lookup taking WARM_MS, or COLD_MS after a pause; it logs when each started. */
async function pausingDb() {
  const started: number[] = [];
  let lastEndMs = Number.NEGATIVE_INFINITY;
  const open = createFakeOpenDb(['CONTENT'], async () => {
    const now = performance.now();
    started.push(now);
    await wait(now - lastEndMs > COLD_AFTER_MS ? COLD_MS : WARM_MS);
    lastEndMs = performance.now();
    return [];
  });
  return { db: await open(), started };
}

/** The probes counted over `ms` at `stretch`, and the start of every lookup over the same span. */
async function probesOver(stretch: number, ms: number) {
  const { db, started } = await pausingDb();
  const monitor = runMonitor(db, PROBE_SQL, ['1', '2', '3'], null, [], { cpu: null, dbMs: null });
  try {
    monitor.stretch(stretch);
    await wait(ms);
    return { probesMs: monitor.take().probesMs, started };
  } finally {
    await monitor.close();
  }
}

describe('the site monitor’s probes', () => {
  test('unstretched, come about seven a second, each on a connection kept in use', async () => {
    const { probesMs } = await probesOver(1, 3000);
    // One lookup wakes the connection at the start and is not counted; then one every 140 ms.
    assert.ok(probesMs.length >= 17 && probesMs.length <= 22, `${probesMs.length} probes in three seconds`);
    assert.ok(
      probesMs.every((ms) => ms < COLD_MS),
      `probes ${probesMs.map((ms) => ms.toFixed(1)).join(', ')} ms`,
    );
  });

  test('stretched, come in bursts at the usual gap, the bursts further apart, and the lookup after each pause is not counted', async () => {
    // Stretched twice: ten probes 140 ms apart, then a pause of 1.54 s; a burst every 2.94 s.
    const { probesMs, started } = await probesOver(2, 4000);
    assert.ok(probesMs.length >= 10 && probesMs.length <= 20, `${probesMs.length} probes in four seconds`);
    assert.ok(
      probesMs.every((ms) => ms < COLD_MS),
      `probes ${probesMs.map((ms) => ms.toFixed(1)).join(', ')} ms`,
    );
    const gaps = started.slice(1).map((at, i) => at - started[i]);
    assert.ok(
      gaps.some((gap) => gap > 1000),
      'a pause between bursts',
    );
    // Every counted probe followed a lookup within the usual gap (and a little for the timers).
    assert.equal(gaps.filter((gap) => gap <= 200).length, probesMs.length, `gaps ${gaps.map(Math.round).join(', ')} ms`);
  });
});
