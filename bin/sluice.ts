// `sluice export | status | cancel | history`: the REST API from a terminal or a script. Exits 0 on
// success, 1 when the server refuses or a waited-for job does not complete, 2 on a usage error.
import { parseArgs } from 'node:util';
import { CliError, createRequest, errorsOf, type Request } from './cli-client.ts';
import { renderHistory, renderOutcome, renderPlain } from './progress-view.ts';
import { followJob } from './follow-job.ts';

const USAGE = `Usage: sluice <command> [options]

Commands:
  export [--from <date>] [--force] [--wait]  start an export; --wait follows it to the end
  export --resume [--wait]                   carry the interrupted export on where it stopped
  status                                     the current or latest job
  cancel [--job <id>]                        cancel the running export
  history [--limit <n>] [--offset <n>]       past exports, newest first

Options:
  --url <url>      the server (default $SLUICE_URL or http://127.0.0.1:8090)
  --token <token>  an admin token (default $SLUICE_TOKEN)
  --json           print the API's JSON
  -h, --help       this help

--from is ISO 8601 with an offset, e.g. 2024-01-01T00:00Z (default: the last 365 days).
--resume carries on the latest export that was cancelled, failed or left by a crashed node, with its
--from and --force, keeping what it wrote.`;

const OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  from: { type: 'string' },
  force: { type: 'boolean' },
  resume: { type: 'boolean' },
  wait: { type: 'boolean' },
  job: { type: 'string' },
  limit: { type: 'string' },
  offset: { type: 'string' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

const print = (line: string) => process.stdout.write(`${line}\n`);

function query(params: Record<string, string | undefined>): string {
  const entries = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined);
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`;
}

async function runExport(request: Request, v: Values): Promise<number> {
  const params = { fromDate: v.from, forceExport: v.force ? 'true' : undefined, resume: v.resume ? 'true' : undefined };
  const { status, body } = await request('POST', `/export${query(params)}`);
  if (status === 409) throw new CliError(`Cannot start an export: job ${body.jobId} is ${body.status}, started ${body.startTime} on ${body.nodeId}`);
  if (status === 422) throw new CliError(`Cannot start an export: job ${body.jobId} failed before exporting: ${errorsOf(body)}`);
  // Nothing to resume is no usage error: the message says why.
  if (status === 400 && body?.errors?.[0]?.key === 'invalid.resume') throw new CliError(errorsOf(body));
  if (status !== 202) throw new CliError(`Cannot start an export (HTTP ${status}): ${errorsOf(body)}`, status === 400 ? 2 : 1);
  const what = body.config.resumedFrom ? `Resumed job ${body.config.resumedFrom} as job ${body.jobId}` : `Started job ${body.jobId}`;
  if (!v.wait) {
    print(v.json ? JSON.stringify(body, null, 2) : `${what} (exporting from ${body.config.exportFrom})`);
    return 0;
  }
  if (!v.json) print(`${what} (exporting from ${body.config.exportFrom})`);
  const final = await followJob(request, body.jobId, {
    tty: process.stdout.isTTY === true && !v.json,
    columns: process.stdout.columns,
    print,
    stream: process.stdout,
  });
  if (v.json) print(JSON.stringify(final, null, 2));
  else renderOutcome(final).forEach((line) => print(line));
  return final.status === 'COMPLETED' ? 0 : 1;
}

async function runStatus(request: Request, v: Values): Promise<number> {
  const { status, body } = await request('GET', '/export');
  if (status !== 200) throw new CliError(`Cannot read the export status (HTTP ${status}): ${errorsOf(body)}`);
  if (v.json) print(JSON.stringify(body, null, 2));
  else if (!body || body.jobId === undefined) print('No export has run yet');
  else if (body.status === 'STARTED' || body.status === 'CANCELLATION_REQUESTED') print(renderPlain(body, Date.now()));
  else renderOutcome(body).forEach((line) => print(line));
  return 0;
}

async function runCancel(request: Request, v: Values): Promise<number> {
  const { status, body } = await request('DELETE', `/export${query({ jobId: v.job })}`);
  if (v.json) print(JSON.stringify(body, null, 2));
  if (status === 200) {
    if (!v.json) print(body.message);
    return 0;
  }
  throw new CliError(status === 409 ? `Cannot cancel: ${body.message}` : `Cannot cancel (HTTP ${status}): ${errorsOf(body)}`, status === 400 ? 2 : 1);
}

async function runHistory(request: Request, v: Values): Promise<number> {
  const { status, body } = await request('GET', `/history${query({ limit: v.limit, offset: v.offset })}`);
  if (status !== 200) throw new CliError(`Cannot read the history (HTTP ${status}): ${errorsOf(body)}`, status === 400 ? 2 : 1);
  if (v.json) print(JSON.stringify(body, null, 2));
  else {
    renderHistory(body.values).forEach((line) => print(line));
    if (!body.lastPage) print(`(${body.size} jobs; more with --offset ${body.offset + body.limit})`);
  }
  return 0;
}

const COMMANDS: Record<string, (request: Request, v: Values) => Promise<number>> = {
  export: runExport,
  status: runStatus,
  cancel: runCancel,
  history: runHistory,
};

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    print(USAGE);
    return values.help ? 0 : 2;
  }
  const command = COMMANDS[positionals[0]];
  if (!command || positionals.length > 1) throw new CliError(`Cannot run ${JSON.stringify(positionals.join(' '))}: unknown command\n\n${USAGE}`, 2);
  const token = values.token ?? process.env.SLUICE_TOKEN;
  if (!token) throw new CliError('Cannot talk to the server without a token: set --token or SLUICE_TOKEN to an admin token', 2);
  const url = values.url ?? process.env.SLUICE_URL ?? 'http://127.0.0.1:8090';
  return command(createRequest(url, token), values);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`sluice: ${error instanceof CliError ? error.message : (error as Error).stack}\n`);
    process.exit(error instanceof CliError ? error.exitCode : 1);
  },
);
