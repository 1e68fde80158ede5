// Command-line options of `npm run bench`.
import { parseArgs } from 'node:util';

export interface BenchOptions {
  scale: number;
  rounds: number;
  json: string | null;
  svg: string | null;
  product: 'confluence' | 'jira';
  /** Foreground connections, each running operations back to back. */
  concurrency: number;
  /** The budget measured against the workload (SLUICE_IMPACT_BUDGET's default). */
  budget: number;
  /** Skip seeding and exporting at 4× the scale (the flat-memory check). */
  memoryCheck: boolean;
  /** Keep the seeded databases (for looking at them afterwards). */
  keep: boolean;
  host: string;
  port: number;
  user: string;
  password: string;
}

export const USAGE = `npm run bench -- [--scale N] [--rounds N] [--json FILE] [--svg FILE] [--product confluence|jira]
  [--concurrency N] [--budget B] [--no-memory-check] [--keep] [--host H] [--port P] [--user U] [--password P]`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      scale: { type: 'string', default: '0.5' },
      rounds: { type: 'string', default: '5' },
      json: { type: 'string' },
      svg: { type: 'string' },
      product: { type: 'string', default: 'confluence' },
      concurrency: { type: 'string', default: '4' },
      budget: { type: 'string', default: '0.05' },
      'no-memory-check': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '3306' },
      user: { type: 'string', default: 'root' },
      password: { type: 'string', default: '' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const positive = (name: string, text: string, max = Number.POSITIVE_INFINITY) => {
    const n = Number(text);
    if (!(n > 0 && n <= max))
      throw new Error(`Cannot run the benchmark with --${name} "${text}": expected a number above 0${max < Infinity ? ` and at most ${max}` : ''}`);
    return n;
  };
  if (values.product !== 'confluence' && values.product !== 'jira')
    throw new Error(`Cannot benchmark --product "${values.product}": expected confluence or jira`);
  return {
    scale: positive('scale', values.scale),
    rounds: Math.round(positive('rounds', values.rounds)),
    json: values.json ?? null,
    svg: values.svg ?? null,
    product: values.product,
    concurrency: Math.round(positive('concurrency', values.concurrency)),
    budget: positive('budget', values.budget, 1),
    memoryCheck: !values['no-memory-check'],
    keep: values.keep,
    host: values.host,
    port: Number(values.port),
    user: values.user,
    password: values.password,
  };
}
