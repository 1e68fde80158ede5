// `npm run bench`: seeds a scaled site into a fresh MariaDB database, measures Sluice at full speed
// next to the database's own dumps, then at the default budget against a foreground workload, checks
// that memory stays flat at four times the scale, and prints, writes and draws the results.
import { writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { parseOptions, type BenchOptions } from './options.ts';
import { CONFLUENCE_PEER_QUERIES, JIRA_PEER_QUERIES } from './peer-queries.ts';
import { mariadbBatch } from './peers.ts';
import { exportOnce, fullSpeedRounds, impactRounds, type Site } from './phases.ts';
import { printReport, type Summary } from './print-report.ts';
import { ATLASSIAN_ROWS_PER_SECOND, checkTargets, fmt, mb, medianRun, peerSummary } from './report.ts';
import { dropDatabase, seedConfluence, urlOf, type ServerAddress } from './seed.ts';
import { seedJira } from './seed-jira.ts';
import { median } from './stats.ts';
import { renderChart } from './svg-chart.ts';
import { startWorkload, type Workload } from './workload.ts';

// The workload runs this long before the first measurement: its throughput climbs for about 15 s while
// caches warm and the JIT settles.
const WARMUP_MS = 20_000;

const log = (line: string) => console.log(line);
const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

async function seeded(server: ServerAddress, options: BenchOptions, scale: number, name: string): Promise<Site> {
  const site = { server, database: name, url: urlOf(server, name), product: options.product };
  if (options.product === 'jira') {
    const { issues, seconds } = await seedJira(server, name, scale);
    log(`Seeded ${name} at scale ${scale} in ${fmt(seconds, 1)} s: ${fmt(issues)} issues with their fields, history and links (the shared Jira fixture)`);
    return { ...site, peerQueries: JIRA_PEER_QUERIES };
  }
  const { plan, seconds } = await seedConfluence(server, name, scale);
  log(
    `Seeded ${name} at scale ${scale} in ${fmt(seconds, 1)} s: ${fmt(plan.users)} users, ${fmt(plan.spaces)} spaces, ${fmt(plan.pages)} pages ` +
      `(with old versions), ${fmt(plan.comments)} comments, ${fmt(plan.attachments)} attachments, ${fmt(plan.events)} analytics events`,
  );
  return { ...site, peerQueries: CONFLUENCE_PEER_QUERIES };
}

/** Peak RSS of budget-1 exports at four times the scale, and mariadb --batch's time there. */
async function atFourTimes(server: ServerAddress, options: BenchOptions) {
  if (!options.memoryCheck) return null;
  const site = await seeded(server, options, options.scale * 4, `sluice_bench_${process.pid}_x4`);
  try {
    const runs = [];
    for (let i = 0; i < Math.min(2, options.rounds); i++) runs.push(await exportOnce(site, 1));
    const batch = await mariadbBatch(server, site.database, site.peerQueries);
    const seconds = median(runs.map((r) => r.totalSeconds));
    log(`  ${runs.map((r) => `Sluice ${fmt(r.totalSeconds, 2)} s, peak RSS ${mb(r.peakRssBytes)}`).join('; ')}; mariadb --batch ${fmt(batch.seconds, 2)} s`);
    return {
      peakRssBytes: median(runs.map((r) => r.peakRssBytes)),
      sluiceSeconds: seconds,
      mariadbBatchSeconds: batch.seconds,
      sluiceToMariadbBatch: seconds / batch.seconds,
    };
  } finally {
    if (!options.keep) await dropDatabase(server, site.database);
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const server: ServerAddress = { host: options.host, port: options.port, user: options.user, password: options.password };
  const startLoad = load();
  log(`Sluice benchmark: ${options.product}, scale ${options.scale}, ${options.rounds} rounds, ${availableParallelism()} cores, load average ${startLoad}`);
  const site = await seeded(server, options, options.scale, `sluice_bench_${process.pid}`);
  let workload: Workload | null = null;
  try {
    log("\nBudget 1 (as fast as possible) next to the database's own dumps of the same rows:");
    const full = await fullSpeedRounds(site, options.rounds, log);
    log(`\nBudget ${options.budget} against the foreground workload (${options.concurrency} connections):`);
    workload = await startWorkload(site.url, options.concurrency, options.product);
    workload.run();
    await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
    const rounds = await impactRounds(site, workload, options.budget, options.rounds, log);
    log('Budget 1 against the same workload (what a maintenance-window export costs a live site):');
    const maintenance = await impactRounds(site, workload, 1, 1, log);
    workload.pause();
    const foreground = workload.series();
    if (options.memoryCheck) log(`\nAt four times the scale (${options.scale * 4}):`);
    const x4 = await atFourTimes(server, options);
    const budgeted = medianRun(
      rounds.map((r) => r.sluice),
      rounds,
    );
    const fullSpeed = medianRun(
      full.map((r) => r.sluice),
      maintenance,
    );
    const peers = peerSummary(full);
    const difference = x4 === null ? null : x4.peakRssBytes / fullSpeed.peakRssBytes - 1;
    const summary: Summary = {
      scale: options.scale,
      product: options.product,
      machine: { cores: availableParallelism(), loadAverage: { start: startLoad, end: load() } },
      runs: [budgeted, fullSpeed],
      peers: { ...peers, atFourTimesScale: x4 },
      memory: { scale: options.scale, peakRssBytes: fullSpeed.peakRssBytes, scale4x: options.scale * 4, peakRssBytes4x: x4?.peakRssBytes ?? null, difference },
      workload: { concurrency: options.concurrency },
      atlassianRowsPerSecond: ATLASSIAN_ROWS_PER_SECOND[options.product],
      targets: checkTargets(options.product, budgeted, peers, difference, x4?.sluiceToMariadbBatch ?? null),
    };
    printReport(summary, options, log);
    if (options.json) await writeFile(options.json, JSON.stringify(summary, null, 2) + '\n');
    if (options.svg) {
      const exports = [...rounds, ...maintenance].map((r) => r.sluice);
      await writeFile(
        options.svg,
        renderChart({ title: `Sluice export vs foreground workload (${options.product}, scale ${options.scale})`, foreground, exports }),
      );
    }
  } finally {
    await workload?.stop();
    if (!options.keep) await dropDatabase(server, site.database);
  }
}

main().catch((error) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
