// `npm run bench`: seeds a scaled Confluence site into a fresh MariaDB database, measures Sluice at full
// speed next to the database's own dumps, then at the default budget against a foreground workload,
// checks that memory stays flat at four times the scale, and prints, writes and draws the results.
import { writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { parseOptions, type BenchOptions } from './options.ts';
import { exportOnce, fullSpeedRounds, impactRounds, type Site } from './phases.ts';
import { checkTargets, duration, fmt, impactLine, mark, markdownTable, mb, medianRun, pct, peerSummary } from './report.ts';
import { dropDatabase, seedConfluence, urlOf, type ServerAddress } from './seed.ts';
import { median } from './stats.ts';
import { renderChart } from './svg-chart.ts';
import { startWorkload, type Workload } from './workload.ts';

const CONFLUENCE_ENTITIES = ['users', 'spaces', 'pages', 'comments', 'analytics_events'];
// The workload runs this long before the first measurement: caches warm, the JIT settles.
const WARMUP_MS = 5000;

const log = (line: string) => console.log(line);
const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');

async function seeded(server: ServerAddress, scale: number, name: string): Promise<Site> {
  const { plan, seconds } = await seedConfluence(server, name, scale);
  log(`Seeded ${name} at scale ${scale} in ${fmt(seconds, 1)} s: ${fmt(plan.users)} users, ${fmt(plan.spaces)} spaces, ${fmt(plan.pages)} pages `
    + `(with old versions), ${fmt(plan.comments)} comments, ${fmt(plan.attachments)} attachments, ${fmt(plan.events)} analytics events`);
  return { server, database: name, url: urlOf(server, name), entities: CONFLUENCE_ENTITIES };
}

async function memoryAt(server: ServerAddress, options: BenchOptions): Promise<number | null> {
  if (!options.memoryCheck) return null;
  const site = await seeded(server, options.scale * 4, `sluice_bench_${process.pid}_x4`);
  try {
    const runs = [];
    for (let i = 0; i < Math.min(2, options.rounds); i++) runs.push(await exportOnce(site, 1));
    log(`  at scale ${options.scale * 4}: ${runs.map((r) => `${fmt(r.totalSeconds, 1)} s, peak RSS ${mb(r.peakRssBytes)}`).join('; ')}`);
    return median(runs.map((r) => r.peakRssBytes));
  } finally {
    if (!options.keep) await dropDatabase(server, site.database);
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.product === 'jira') throw new Error('Cannot benchmark --product jira yet: the Jira seeder is not wired');
  const server: ServerAddress = { host: options.host, port: options.port, user: options.user, password: options.password };
  const startLoad = load();
  log(`Sluice benchmark: Confluence, scale ${options.scale}, ${options.rounds} rounds, ${availableParallelism()} cores, load average ${startLoad}`);
  const site = await seeded(server, options.scale, `sluice_bench_${process.pid}`);
  let workload: Workload | null = null;
  try {
    log('\nBudget 1 (as fast as possible) next to the database\'s own dumps of the same rows:');
    const full = await fullSpeedRounds(site, options.rounds, log);
    log(`\nBudget ${options.budget} against the foreground workload (${options.concurrency} connections):`);
    workload = await startWorkload(site.url, options.concurrency);
    workload.run();
    await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
    const rounds = await impactRounds(site, workload, options.budget, options.rounds, log);
    log('Budget 1 against the same workload (what a maintenance-window export costs a live site):');
    const maintenance = await impactRounds(site, workload, 1, 1, log);
    workload.pause();
    const foreground = workload.series();
    log('\nMemory at four times the scale:');
    const rss4x = await memoryAt(server, options);
    const budgeted = medianRun(rounds.map((r) => r.sluice), rounds);
    const fullSpeed = { ...medianRun(full.map((r) => r.sluice), maintenance), foregroundRounds: 1 };
    const peers = peerSummary(full);
    const difference = rss4x === null ? null : rss4x / fullSpeed.peakRssBytes - 1;
    const targets = checkTargets(budgeted, peers, difference);
    const summary = {
      scale: options.scale, product: options.product,
      machine: { cores: availableParallelism(), loadAverage: { start: startLoad, end: load() } },
      runs: [budgeted, fullSpeed], peers,
      memory: { scale: options.scale, peakRssBytes: fullSpeed.peakRssBytes, scale4x: options.scale * 4, peakRssBytes4x: rss4x, difference },
      workload: { concurrency: options.concurrency }, targets,
    };
    printReport(summary, options);
    if (options.json) await writeFile(options.json, JSON.stringify(summary, null, 2) + '\n');
    if (options.svg) {
      const exports = [...rounds, ...maintenance].map((r) => r.sluice);
      await writeFile(options.svg, renderChart({ title: `Sluice export vs foreground workload (Confluence, scale ${options.scale})`, foreground, exports }));
    }
  } finally {
    await workload?.stop();
    if (!options.keep) await dropDatabase(server, site.database);
  }
}

function printReport(s: { runs: ReturnType<typeof medianRun>[]; peers: ReturnType<typeof peerSummary>; memory: { peakRssBytes: number; peakRssBytes4x: number | null; difference: number | null; scale4x: number }; targets: ReturnType<typeof checkTargets>; machine: { loadAverage: { start: string; end: string } } }, options: BenchOptions): void {
  const [budgeted, full] = s.runs;
  log(`\n## Budget ${options.budget} (default), medians of ${budgeted.rounds} runs\n\n${markdownTable(budgeted, true)}\n`);
  log(impactLine(budgeted, options.concurrency));
  log(`Peak RSS of the Sluice process: ${mb(budgeted.peakRssBytes)}`);
  log(`\n## Budget 1 (maintenance window), medians of ${full.rounds} runs\n\n${markdownTable(full, false)}\n`);
  log(`Database's own dumps of the same rows, medians of ${full.rounds} runs: mariadb --batch ${duration(s.peers.mariadbBatchSeconds)} `
    + `(Sluice ${fmt(s.peers.sluiceToMariadbBatch, 2)}×), SELECT … INTO OUTFILE ${duration(s.peers.intoOutfileSeconds)} (Sluice ${fmt(s.peers.sluiceToIntoOutfile, 2)}×)`);
  log(impactLine(full, options.concurrency).replace(/medians of \d+ paired rounds/, 'one paired round'));
  log(`Peak RSS of the Sluice process: ${mb(full.peakRssBytes)} at scale ${options.scale}`
    + (s.memory.peakRssBytes4x === null ? '' : `, ${mb(s.memory.peakRssBytes4x)} at scale ${s.memory.scale4x} (${pct(s.memory.difference!)})`));
  log(`\nTargets: impact ≤ 5% on throughput and p95 at budget ${options.budget}: ${mark(s.targets.impact)}; every entity above Atlassian's rows/s: `
    + `${mark(s.targets.atlassianRates)}; budget 1 within 1.5× of mariadb --batch: ${mark(s.targets.mariadbBatchRatio)}; `
    + `peak RSS at 4× the scale within 25%: ${mark(s.targets.flatMemory)}`);
  log(`Load average at start ${s.machine.loadAverage.start}, at end ${s.machine.loadAverage.end}`);
}

main().catch((error) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
