// valibot schemas for the API's parameters; failures become the API's {errors:[{key,message}]}.
import * as v from 'valibot';
import { ValidationError, type ErrorItem } from '../errors.ts';
import type { ExportParams } from '../job/kernel.ts';
import { parseIsoWithOffset } from '../dates.ts';

function quoteValue(raw: string): string {
  return JSON.stringify(raw.length > 100 ? `${raw.slice(0, 100)}…` : raw);
}

function fromDateSchema(now: number) {
  return v.pipe(
    v.string(),
    // An unencoded `+` in a query string arrives as a space; read it as the `+` the client meant.
    v.transform((s) => s.replace(/ (\d{2}:\d{2})$/, '+$1')),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const ms = parseIsoWithOffset(dataset.value);
      if (ms === null) {
        addIssue({ message: `Cannot parse fromDate ${quoteValue(dataset.value)}: expected ISO 8601 with an offset, such as 2020-12-30T23:01Z` });
        return NEVER;
      }
      if (ms > now) {
        addIssue({ message: `Cannot export from ${quoteValue(dataset.value)}: fromDate is in the future` });
        return NEVER;
      }
      return ms;
    }),
  );
}

const boolFlag = (name: string) =>
  v.pipe(
    v.string(),
    v.check(
      (s) => s === 'true' || s === 'false',
      (i) => `Cannot read ${name} ${quoteValue(String(i.input))}: expected true or false`,
    ),
    v.transform((s) => s === 'true'),
  );

const positiveInt = (name: string) =>
  v.pipe(
    v.string(),
    v.check(
      (s) => /^[1-9]\d{0,15}$/.test(s),
      (i) => `Cannot read ${name} ${quoteValue(String(i.input))}: expected a positive integer`,
    ),
    v.transform(Number),
  );

type Query = Record<string, string[] | undefined>;

function single(query: Query, name: string, errors: ErrorItem[]): string | undefined {
  const values = query[name];
  if (!values || values.length === 0) return undefined;
  if (values.length > 1) errors.push({ key: `invalid.${name}`, message: `Cannot accept ${name} more than once` });
  return values[0];
}

function parseOne<T>(schema: v.GenericSchema<string, T>, raw: string | undefined, key: string, errors: ErrorItem[]): T | undefined {
  if (raw === undefined) return undefined;
  const result = v.safeParse(schema, raw);
  if (result.success) return result.output;
  errors.push({ key, message: result.issues[0].message });
  return undefined;
}

function rejectUnknown(query: Query, known: string[], errors: ErrorItem[]): void {
  for (const name of Object.keys(query)) {
    if (!known.includes(name)) errors.push({ key: 'invalid.parameter', message: `Cannot accept unknown parameter ${quoteValue(name)}` });
  }
}

/** Parses POST /export's query; throws ValidationError listing every bad parameter. */
export function parseExportParams(query: Query, now: number): ExportParams {
  const errors: ErrorItem[] = [];
  rejectUnknown(query, ['fromDate', 'forceExport', 'schemaVersion', 'resume'], errors);
  const fromDateMs = parseOne(fromDateSchema(now), single(query, 'fromDate', errors), 'invalid.fromDate', errors);
  const forceExport = parseOne(boolFlag('forceExport'), single(query, 'forceExport', errors), 'invalid.forceExport', errors);
  const schemaVersion = parseOne(positiveInt('schemaVersion'), single(query, 'schemaVersion', errors), 'invalid.schemaVersion', errors);
  const resume = parseOne(boolFlag('resume'), single(query, 'resume', errors), 'invalid.resume', errors);
  if (errors.length > 0) throw new ValidationError(errors);
  // Left out, forceExport is false; a resume takes the interrupted job's, and tells "left out" from "false".
  return { fromDateMs: fromDateMs ?? null, forceExport: forceExport ?? (resume ? null : false), schemaVersion: schemaVersion ?? null, resume: resume ?? false };
}

/** Parses DELETE /export's optional jobId. */
export function parseJobIdParam(query: Query): number | null {
  const errors: ErrorItem[] = [];
  rejectUnknown(query, ['jobId'], errors);
  const jobId = parseOne(positiveInt('jobId'), single(query, 'jobId', errors), 'invalid.jobId', errors);
  if (errors.length > 0) throw new ValidationError(errors);
  return jobId ?? null;
}
