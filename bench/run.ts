// `npm run bench`: seeds a scaled site into a fresh MariaDB database, measures Sluice at full speed
// next to the database's own dumps, then at the default budget under each foreground load (idle,
// saturated, half, step, saturated-other), checks that memory stays flat at four times the scale, and
// prints, writes and draws the results.
import { writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { renderBenchChart } from './bench-chart.ts';
import { cpuPerRowOf, type Results, saturatedRowsPerSecond, summarizeLoads } from './summary.ts';
import { fmt, mb } from './format.ts';
import { halfLoad } from './loads/half.ts';
import { idleLoad } from './loads/idle.ts';
import { saturatedLoad } from './loads/saturated.ts';
import { saturatedLevel, stepLoad } from './loads/step.ts';
import { parseOptions, type BenchOptions } from './options.ts';
import { seedOtherTables } from './other-tables.ts';
import { CONFLUENCE_PEER_QUERIES, CONFLUENCE_POSTGRES_PEER_QUERIES, JIRA_PEER_QUERIES, JIRA_POSTGRES_PEER_QUERIES } from './peer-queries.ts';
import { MARIADB_PEERS, POSTGRES_PEERS } from './peers.ts';
import { exportOnce, fullSpeedRounds, type Site } from './phases.ts';
import { printReport, type Summary } from './print-report.ts';
import { ATLASSIAN_ROWS_PER_SECOND, medianRun, peerSummary } from './report.ts';
import { dropDatabase, seedConfluence, urlOf, type ServerAddress } from './seed.ts';
import { seedJira } from './seed-jira.ts';
import { copyToPostgres, dropPostgresDatabase } from './seed-postgres.ts';
import { median } from './stats.ts';
import { checkTargets } from './targets.ts';

const log = (line: string) => console.log(line);
const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

async function seeded(server: ServerAddress, options: BenchOptions, scale: number, name: string): Promise<Site> {
  const sluiceServer = options.remote ? { ...server, host: options.remote } : server;
  const site = {
    server,
    database: name,
    url: urlOf(server, name),
    sluiceUrl: urlOf(sluiceServer, name),
    product: options.product,
    priorExports: options.priorExports,
  };
  const jira = options.product === 'jira';
  if (jira) {
    const { issues, seconds } = await seedJira(server, name, scale);
    log(`Seeded ${name} at scale ${scale} in ${fmt(seconds, 1)} s: ${fmt(issues)} issues with their fields, history and links (the shared Jira fixture)`);
  } else {
    const { plan, seconds } = await seedConfluence(server, name, scale);
    log(
      `Seeded ${name} at scale ${scale} in ${fmt(seconds, 1)} s: ${fmt(plan.users)} users, ${fmt(plan.spaces)} spaces, ${fmt(plan.pages)} pages ` +
        `(with old versions), ${fmt(plan.comments)} comments, ${fmt(plan.attachments)} attachments, ${fmt(plan.events)} analytics events`,
    );
  }
  if (options.database === 'mariadb')
    return { ...site, engine: 'mariadb', peerQueries: jira ? JIRA_PEER_QUERIES : CONFLUENCE_PEER_QUERIES, peers: MARIADB_PEERS };
  const copy = await copyToPostgres(server, name, options.product);
  log(`Copied ${name} to PostgreSQL in ${fmt(copy.seconds, 1)} s: Sluice exports from there`);
  return {
    ...site,
    sluiceUrl: copy.url,
    engine: 'postgres',
    peerQueries: jira ? JIRA_POSTGRES_PEER_QUERIES : CONFLUENCE_POSTGRES_PEER_QUERIES,
    peers: POSTGRES_PEERS,
  };
}

async function dropSite(server: ServerAddress, site: Site): Promise<void> {
  await dropDatabase(server, site.database);
  if (site.engine === 'postgres') await dropPostgresDatabase(site.database);
}

/** Peak RSS of budget-1 exports at four times the scale, and mariadb --batch's time there. */
async function atFourTimes(server: ServerAddress, options: BenchOptions) {
  if (!options.memoryCheck) return null;
  log(`\nAt four times the scale (${options.scale * 4}):`);
  const site = await seeded(server, options, options.scale * 4, `sluice_bench_${process.pid}_x4`);
  try {
    const runs = [];
    for (let i = 0; i < Math.min(2, options.rounds); i++) runs.push(await exportOnce(site, { budget: 1 }));
    const [peer] = site.peers;
    const dump = await peer.dump(server, site.database, site.peerQueries);
    const seconds = median(runs.map((r) => r.totalSeconds));
    log(`  ${runs.map((r) => `Sluice ${fmt(r.totalSeconds, 2)} s, peak RSS ${mb(r.peakRssBytes)}`).join('; ')}; ${peer.label} ${fmt(dump.seconds, 2)} s`);
    return {
      peakRssBytes: median(runs.map((r) => r.peakRssBytes)),
      sluiceSeconds: seconds,
      label: peer.label,
      peerSeconds: dump.seconds,
      sluiceToPeer: seconds / dump.seconds,
    };
  } finally {
    if (!options.keep) await dropSite(server, site);
  }
}

/** Each chosen load against the same site, in LOADS order (half and step read what saturated measured). */
async function runLoads(site: Site, options: BenchOptions, full: Results['fullSpeed']): Promise<Omit<Results, 'product' | 'fullSpeed'>> {
  const has = (name: BenchOptions['loads'][number]) => options.loads.includes(name);
  const heading = (text: string) => log(`\n${text}${options.remote ? ` (Sluice given the database as ${options.remote})` : ''}:`);
  const budget = `budget ${options.budget}`;
  if (has('idle')) heading(`Idle: ${budget} with no workload`);
  const idle = has('idle') ? await idleLoad(site, options, log) : null;
  if (has('saturated')) heading(`Saturated: ${budget} against the closed-loop workload (${options.concurrency} connections)`);
  const saturated = has('saturated') ? await saturatedLoad(site, options, log) : null;
  const saturatedOps = saturated ? median(saturated.rounds.map((r) => r.baseline.throughput)) : null;
  if (has('half')) heading(`Half: ${budget}, then fixed shares, against an open-loop workload at half the saturated throughput`);
  const half = has('half') ? await halfLoad(site, options, saturatedOps, log) : null;
  let step: Results['step'] = null;
  if (has('step')) {
    heading(`Step: ${budget}, idle until a third of the rows are written, then the closed-loop workload`);
    let level: number;
    let levelSource: string;
    if (saturated) {
      level = saturatedRowsPerSecond(saturated);
      levelSource = "the saturated load's exports";
    } else {
      log('  no saturated load ran: first, the export against the closed loop for a minute, for its saturated pace');
      level = await saturatedLevel(site, options, full[0].sluice, log);
      levelSource = 'the first minute of an export against the closed loop';
    }
    const result = await stepLoad(site, options, full[0].sluice, log);
    step = { ...result, saturatedRowsPerSecond: level, levelSource };
  }
  let other: Results['other'] = null;
  if (has('saturated-other')) {
    heading(`Saturated-other: ${budget} against oltp_read_only on tables the export does not read`);
    const tables = await seedOtherTables(site.server, site.database, options.otherMb * 1e6);
    log(
      `  seeded ${tables.tables} × ${fmt(tables.rowsPerTable)} rows in ${fmt(tables.seconds, 1)} s: ${mb(tables.bytes)}, the site ${mb(tables.siteBytes)}, ` +
        `buffer pool ${mb(tables.bufferPoolBytes)}${tables.bytes + tables.siteBytes <= tables.bufferPoolBytes ? ' (WARNING: they fit the pool together)' : ''}`,
    );
    other = await saturatedLoad(site, options, log, tables);
  }
  return { idle, saturated, half, step, other };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const server: ServerAddress = { host: options.host, port: options.port, user: options.user, password: options.password };
  const startLoad = load();
  log(
    `Sluice benchmark: ${options.product} on ${options.database}, scale ${options.scale}, ${options.rounds} rounds, loads ${options.loads.join(', ') || 'none'}, ` +
      `${availableParallelism()} cores, load average ${startLoad}` +
      `${options.priorExports > 0 ? `; each measured export follows ${options.priorExports} unmeasured one(s) on the same server` : ''}${options.remote ? `; Sluice reaches the database as ${options.remote}` : ''}`,
  );
  const site = await seeded(server, options, options.scale, `sluice_bench_${process.pid}`);
  try {
    log("\nBudget 1 (as fast as possible) next to the database's own dumps of the same rows:");
    const fullSpeed = await fullSpeedRounds(site, options.rounds, log);
    const results: Results = { product: options.product, fullSpeed, ...(await runLoads(site, options, fullSpeed)) };
    const x4 = await atFourTimes(server, options);
    const loads = summarizeLoads(results);
    // Budget 1's run carries the impact of the one budget-1 export against the saturated workload, as the JSON always has.
    const full = medianRun(
      fullSpeed.map((r) => r.sluice),
      results.saturated?.maintenance ?? null,
    );
    const maintenance = results.saturated?.maintenance
      ? medianRun(
          results.saturated.maintenance.map((r) => r.sluice),
          results.saturated.maintenance,
        )
      : null;
    const peers = peerSummary(fullSpeed, site.peers);
    const difference = x4 === null ? null : x4.peakRssBytes / full.peakRssBytes - 1;
    const cpuPerRow = cpuPerRowOf(results);
    const atlassian = ATLASSIAN_ROWS_PER_SECOND[options.product];
    const summary: Summary = {
      scale: options.scale,
      product: options.product,
      remote: options.remote,
      machine: { cores: availableParallelism(), loadAverage: { start: startLoad, end: load() } },
      runs: loads.saturated ? [loads.saturated, full] : [full],
      maintenance,
      loads,
      peers: { ...peers, atFourTimesScale: x4 },
      memory: { scale: options.scale, peakRssBytes: full.peakRssBytes, scale4x: options.scale * 4, peakRssBytes4x: x4?.peakRssBytes ?? null, difference },
      workload: { concurrency: options.concurrency },
      atlassianRowsPerSecond: atlassian,
      cpuPerRow,
      targets: checkTargets(loads, cpuPerRow, atlassian, {
        dumps: peers.dumps,
        ratioAt4x: x4?.sluiceToPeer ?? null,
        scale: options.scale,
        memoryDifference: difference,
      }),
    };
    printReport(summary, options, log);
    if (options.json) await writeFile(options.json, JSON.stringify(summary, null, 2) + '\n');
    if (options.svg) await writeFile(options.svg, renderBenchChart(results, loads, options));
  } finally {
    if (!options.keep) await dropSite(server, site);
  }
}

main().catch((error) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
