// valibot schemas for the configuration routes' JSON bodies and the history query. Every failure
// becomes the API's {errors:[{key,message}]} with a key naming the field.
import * as v from 'valibot';
import { ValidationError, type ErrorItem } from '../errors.ts';
import type { OptOutType } from '../settings/opt-out.ts';
import { WEEKDAYS, type Weekday } from '../settings/schedule.ts';
import { parseIsoWithOffset } from '../dates.ts';

// Space and project keys are short; this bounds a list an administrator could mean.
const MAX_OPTOUT_KEYS = 5000;
// Linux PATH_MAX.
const MAX_PATH = 4096;

/** A value as a message shows it: strings quoted, anything else as JSON, both cut to 100 characters. */
function quote(raw: unknown): string {
  const text = typeof raw === 'string' ? JSON.stringify(raw) : stringifyOrDescribe(raw);
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

/** JSON of a value, or what it is when it cannot be written back (nested too deep for the stack). */
function stringifyOrDescribe(raw: unknown): string {
  try {
    return JSON.stringify(raw) ?? String(raw);
  } catch {
    return Array.isArray(raw) ? 'an array nested too deep to show' : 'a value nested too deep to show';
  }
}

/** Parses a request body as JSON; anything else (empty, truncated, not JSON) is a 400. */
export function parseJsonText(text: string): unknown {
  if (text.trim() === '') throw new ValidationError([{ key: 'invalid.body', message: 'Cannot read the request body: expected a JSON object, got nothing' }]);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError([{ key: 'invalid.body', message: `Cannot parse the request body as JSON: ${(error as Error).message}` }]);
  }
}

function parseWith<T>(schema: v.GenericSchema<unknown, T>, body: unknown, what: string): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError([{ key: 'invalid.body', message: `Cannot read ${what}: expected a JSON object, got ${quote(body)}` }]);
  }
  const result = v.safeParse(schema, body, { abortPipeEarly: true });
  if (result.success) return result.output;
  const errors: ErrorItem[] = result.issues.map((issue) => {
    const field = issue.path?.[0]?.key;
    return { key: `invalid.${typeof field === 'string' ? field : 'body'}`, message: issue.message };
  });
  throw new ValidationError(errors);
}

const object = <T extends v.ObjectEntries>(entries: T, what: string) =>
  v.strictObject(entries, (issue) =>
    issue.expected === 'never'
      ? `Cannot accept the field ${quote(issue.path?.[0]?.key)} in ${what}`
      : `Cannot read ${what}: the field ${quote(issue.path?.[0]?.key)} is missing`,
  );

const exportPathBody = object(
  {
    path: v.pipe(
      v.string((i) => `Cannot use the export path ${quote(i.input)}: expected a string`),
      v.check(
        (p) => p.length > 0 && p.length <= MAX_PATH,
        (i) => `Cannot use the export path ${quote(i.input)}: expected 1 to ${MAX_PATH} characters`,
      ),
      v.check(
        (p) => !/[\0-\x1f]/.test(p),
        (i) => `Cannot use the export path ${quote(i.input)}: it contains a control character`,
      ),
      v.check(
        (p) => p.startsWith('/'),
        (i) => `Cannot use the export path ${quote(i.input)}: it must be absolute`,
      ),
      v.check(
        (p) => !p.split('/').includes('..'),
        (i) => `Cannot use the export path ${quote(i.input)}: it must not contain ..`,
      ),
    ),
  },
  'the export path body',
);

/** `{ "path": "/abs/dir" }` → the path with trailing slashes removed (the root `/` stays). */
export function parseExportPathBody(body: unknown): string {
  const { path } = parseWith(exportPathBody, body, 'the export path body');
  return path.replace(/\/+$/, '') || '/';
}

export interface ScheduleInput {
  days: Weekday[];
  repeatIntervalInWeeks: number;
  time: string;
  fromDate: string | null;
  schemaVersion: number | null;
}

function scheduleBody(now: number, versions: readonly number[]) {
  return object(
    {
      days: v.pipe(
        v.array(
          v.picklist(WEEKDAYS, (i) => `Cannot read the day ${quote(i.input)}: expected one of ${WEEKDAYS.join(', ')}`),
          (i) => `Cannot read days ${quote(i.input)}: expected an array such as ["MONDAY","THURSDAY"]`,
        ),
        v.minLength(1, 'Cannot schedule exports on no days: list at least one day'),
        v.transform((days) => WEEKDAYS.filter((d) => days.includes(d))),
      ),
      repeatIntervalInWeeks: v.pipe(
        v.number((i) => `Cannot read repeatIntervalInWeeks ${quote(i.input)}: expected a whole number of weeks`),
        v.check(
          (n) => Number.isInteger(n) && n >= 1 && n <= 52,
          (i) => `Cannot repeat every ${quote(i.input)} weeks: expected 1 to 52`,
        ),
      ),
      time: v.pipe(
        v.string((i) => `Cannot read time ${quote(i.input)}: expected HH:mm`),
        v.regex(/^([01]\d|2[0-3]):[0-5]\d$/, (i) => `Cannot read time ${quote(i.input)}: expected HH:mm in 24-hour time, such as 02:00`),
      ),
      fromDate: v.optional(
        v.nullable(
          v.pipe(
            v.string((i) => `Cannot read fromDate ${quote(i.input)}: expected ISO 8601 with an offset`),
            v.check(
              (s) => parseIsoWithOffset(s) !== null,
              (i) => `Cannot parse fromDate ${quote(i.input)}: expected ISO 8601 with an offset, such as 2020-12-30T23:01Z`,
            ),
            v.check(
              (s) => (parseIsoWithOffset(s) ?? 0) <= now,
              (i) => `Cannot export from ${quote(i.input)}: fromDate is in the future`,
            ),
          ),
        ),
        null,
      ),
      schemaVersion: v.optional(
        v.nullable(
          v.pipe(
            v.number((i) => `Cannot read schemaVersion ${quote(i.input)}: expected a number`),
            v.check(
              (n) => versions.includes(n),
              (i) => `Cannot export schema version ${quote(i.input)}: this site offers ${versions.join(', ')}`,
            ),
          ),
        ),
        null,
      ),
    },
    'the schedule',
  );
}

export function parseScheduleBody(body: unknown, now: number, versions: readonly number[]): ScheduleInput {
  const out = parseWith(scheduleBody(now, versions), body, 'the schedule');
  return { ...out, fromDate: out.fromDate ?? null, schemaVersion: out.schemaVersion ?? null };
}

function optOutBody(type: OptOutType) {
  return object(
    {
      type: v.pipe(
        v.string((i) => `Cannot read type ${quote(i.input)}: expected ${type}`),
        v.check(
          (t) => t === type,
          (i) => `Cannot opt out entities of type ${quote(i.input)}: this site opts out ${type}`,
        ),
      ),
      keys: v.pipe(
        v.array(
          v.pipe(
            v.string((i) => `Cannot read the key ${quote(i.input)}: expected a string`),
            v.trim(),
            v.check(
              (k) => k.length >= 1 && k.length <= 255 && !/[\0-\x1f]/.test(k),
              (i) => `Cannot opt out the key ${quote(i.input)}: expected 1 to 255 printable characters`,
            ),
          ),
          (i) => `Cannot read keys ${quote(i.input)}: expected an array of ${type === 'SPACE' ? 'space' : 'project'} keys`,
        ),
        v.maxLength(MAX_OPTOUT_KEYS, `Cannot opt out more than ${MAX_OPTOUT_KEYS} keys at once`),
        v.transform((keys) => [...new Set(keys)]),
      ),
    },
    'the opt-out body',
  );
}

export function parseOptOutBody(body: unknown, type: OptOutType): { type: OptOutType; keys: string[] } {
  const { keys } = parseWith(optOutBody(type), body, 'the opt-out body');
  return { type, keys };
}

// One page of history is at most this many jobs: each status is small, but a page should stay cheap.
const MAX_LIMIT = 100;

/** `offset` (default 0) and `limit` (default 10, at most 100) of GET /history. */
export function parseHistoryParams(query: Record<string, string[] | undefined>): { offset: number; limit: number } {
  const errors: ErrorItem[] = [];
  const read = (name: string, fallback: number, min: number, max: number): number => {
    const values = query[name];
    if (!values || values.length === 0) return fallback;
    const raw = values[0];
    if (values.length > 1) errors.push({ key: `invalid.${name}`, message: `Cannot accept ${name} more than once` });
    else if (!/^\d{1,9}$/.test(raw) || +raw < min || +raw > max) {
      errors.push({ key: `invalid.${name}`, message: `Cannot read ${name} ${quote(raw)}: expected a whole number from ${min} to ${max}` });
    }
    return Number(raw);
  };
  for (const name of Object.keys(query)) {
    if (name !== 'offset' && name !== 'limit') errors.push({ key: 'invalid.parameter', message: `Cannot accept unknown parameter ${quote(name)}` });
  }
  const offset = read('offset', 0, 0, 999_999_999);
  const limit = read('limit', 10, 1, MAX_LIMIT);
  if (errors.length > 0) throw new ValidationError(errors);
  return { offset, limit };
}
