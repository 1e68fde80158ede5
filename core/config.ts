// Configuration from an environment record (SPEC section 1). Each setting is validated with valibot;
// the first bad one stops start-up with a ConfigError that names it.
import * as v from 'valibot';
import { ConfigError } from './errors.ts';
import { isValidTimeZone } from './dates.ts';

export type Product = 'confluence' | 'jira';

export interface Config {
  databaseUrl: string | null;
  pipelineHome: string;
  baseUrl: string;
  port: number;
  host: string;
  nodeId: string;
  tokens: string[];
  tokensFile: string | null;
  impactBudget: number;
  /** SLUICE_FIXED_SHARE: pace at this share of the machine's cores instead of measuring; null to measure. */
  fixedShare: number | null;
  /** SLUICE_AUTO_RESUME: resume the latest export when a shutdown or a crash interrupted it (SPEC section 4). */
  autoResume: boolean;
  lineBreak: { preserve: boolean; escape: string };
  minFreeDiskBytes: number;
  sourceTimezone: string;
  sourceProduct: Product | null;
  indexJournalFile: string | null;
}

const SIZE_UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

const nonEmpty = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'));
const bool = v.pipe(
  v.picklist(['true', 'false'], 'must be true or false'),
  v.transform((s) => s === 'true'),
);
const port = v.pipe(v.string(), v.regex(/^\d{1,5}$/, 'must be a port number'), v.transform(Number), v.maxValue(65535, 'must be at most 65535'));
const databaseUrl = v.pipe(
  v.string(),
  v.regex(/^(mysql|mariadb|postgres|postgresql):\/\/[^/]+\/[^/?]+/, 'must be mysql://user:pass@host:port/db or postgres://user@host:port/db'),
);
const baseUrl = v.pipe(
  v.string(),
  v.regex(/^https?:\/\/[^\s/]+(\/[^\s?#]*)?$/, 'must be an http(s) URL such as https://wiki.example.com/confluence'),
  v.transform((s) => s.replace(/\/+$/, '')),
);
const budget = v.pipe(
  v.string(),
  v.regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'must be a number above 0 and at most 1'),
  v.transform(Number),
  v.minValue(0.001, 'must be at least 0.001'),
);
const size = v.pipe(
  v.string(),
  v.regex(/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB)?$/i, 'must be a size such as 5GB, 500MB or 0'),
  v.transform((s) => {
    const m = /^([\d.]+)\s*([a-z]*)$/i.exec(s)!;
    return Math.round(Number(m[1]) * SIZE_UNITS[(m[2] || 'B').toUpperCase()]);
  }),
);
const zone = v.pipe(v.string(), v.check(isValidTimeZone, 'must be an IANA time zone such as UTC or Europe/Berlin'));
const product = v.picklist(['confluence', 'jira'], 'must be confluence or jira');

function read<T>(env: Record<string, string | undefined>, name: string, schema: v.GenericSchema<string, T>, fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const result = v.safeParse(schema, raw);
  // A mistyped DATABASE_URL still carries its password: the line goes to logs, the password must not.
  const shown = raw.slice(0, 200).replace(/:[^@]*@/, ':***@');
  if (!result.success) throw new ConfigError(name, `"${shown}" ${result.issues[0].message}`);
  return result.output;
}

export function parseTokens(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((t) => t.trim())
    .filter((t) => t !== '' && !t.startsWith('#'));
}

/** Turns an environment record into a Config; `defaults` supplies what only the runtime knows. */
export function parseConfig(env: Record<string, string | undefined>, defaults: { nodeId: string }): Config {
  const preserve = read(env, 'SLUICE_LINE_BREAK_PRESERVE', bool, false);
  const escape = env.SLUICE_LINE_BREAK_ESCAPE ?? '\\n';
  if (/[\r\n]/.test(escape)) throw new ConfigError('SLUICE_LINE_BREAK_ESCAPE', 'must not itself contain a line break');
  return {
    databaseUrl: read(env, 'DATABASE_URL', databaseUrl, null as string | null),
    pipelineHome: read(env, 'PIPELINE_HOME', nonEmpty, './sluice-home'),
    baseUrl: read(env, 'BASE_URL', baseUrl, 'http://localhost:8090'),
    port: read(env, 'PORT', port, 8090),
    host: read(env, 'HOST', nonEmpty, '127.0.0.1'),
    nodeId: read(env, 'NODE_ID', nonEmpty, defaults.nodeId),
    tokens: parseTokens(env.SLUICE_TOKENS ?? ''),
    tokensFile: read(env, 'SLUICE_TOKENS_FILE', nonEmpty, null as string | null),
    impactBudget: read(env, 'SLUICE_IMPACT_BUDGET', budget, 0.05),
    fixedShare: read(env, 'SLUICE_FIXED_SHARE', budget, null as number | null),
    autoResume: read(env, 'SLUICE_AUTO_RESUME', bool, false),
    lineBreak: { preserve, escape },
    minFreeDiskBytes: read(env, 'SLUICE_MIN_FREE_DISK', size, 5 * 1024 ** 3),
    sourceTimezone: read(env, 'SOURCE_TIMEZONE', zone, 'UTC'),
    sourceProduct: read(env, 'SOURCE_PRODUCT', product, null as Product | null),
    indexJournalFile: read(env, 'INDEX_JOURNAL_FILE', nonEmpty, null as string | null),
  };
}
