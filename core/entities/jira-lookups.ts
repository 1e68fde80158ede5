// Lookups a Jira chunk makes once for all its rows: IN lists over the chunk's distinct ids, never a query per row.
import { placeholders, requireTable, text, type Db, type DbRow } from '../source.ts';

// Keeps each statement far below PostgreSQL's 65,535 parameters and MySQL's packet limit at the largest chunk.
const IN_BATCH = 5000;

/** Rows of `sql(marks)` for every value, the values bound last in batches; duplicates and NULLs dropped. */
export async function lookupIn(db: Db, values: Iterable<string | null>, sql: (marks: string) => string, fixed: readonly unknown[] = []): Promise<DbRow[]> {
  const distinct = [...new Set([...values].filter((v): v is string => v !== null))];
  const rows: DbRow[] = [];
  for (let start = 0; start < distinct.length; start += IN_BATCH) {
    const batch = distinct.slice(start, start + IN_BATCH);
    rows.push(...(await db.query(sql(placeholders(batch.length)), [...fixed, ...batch])));
  }
  return rows;
}

/** One IN-list lookup among several sent together: its rows carry the id and up to LOOKUP_COLUMNS values. */
export interface LookupBranch {
  kind: string;
  ids: readonly string[];
  id: string;
  columns: readonly string[];
  /** ` FROM … WHERE …` with the IN list's placeholders. */
  from: (marks: string) => string;
}

const LOOKUP_COLUMNS = 5;

/**
 * Several lookups in one round trip (UNION ALL), each row tagged with its branch's kind and its values in
 * c1…c5 as text. Small lookups cost the database little; the round trips between them cost the most, and
 * under load each one waits to be scheduled. Too many ids for one statement: each branch on its own.
 */
export async function lookupAll(db: Db, branches: readonly LookupBranch[]): Promise<Map<string, DbRow[]>> {
  // One type and, on MySQL, one collation for every branch's column: a UNION of columns whose collations
  // differ (an app's tables next to Jira's own) is an error there.
  const asText = (sql: string) => (db.dialect === 'postgres' ? `CAST(${sql} AS TEXT)` : `CAST(${sql} AS CHAR)`);
  const wanted = branches.map((b) => ({ ...b, ids: [...new Set(b.ids)] })).filter((b) => b.ids.length > 0);
  const select = (b: LookupBranch, marks: string) => {
    const values = Array.from({ length: LOOKUP_COLUMNS }, (_, n) => `${asText(b.columns[n] ?? 'NULL')} AS c${n + 1}`);
    return `SELECT '${b.kind}' AS kind, ${asText(b.id)} AS id, ${values.join(', ')}${b.from(marks)}`;
  };
  const rows: DbRow[] = [];
  if (wanted.reduce((sum, b) => sum + b.ids.length, 0) <= IN_BATCH) {
    if (wanted.length > 0)
      rows.push(
        ...(await db.query(
          wanted.map((b) => select(b, placeholders(b.ids.length))).join(' UNION ALL '),
          wanted.flatMap((b) => b.ids),
        )),
      );
  } else {
    for (const b of wanted) rows.push(...(await lookupIn(db, b.ids, (marks) => select(b, marks))));
  }
  const byKind = new Map<string, DbRow[]>(branches.map((b) => [b.kind, []]));
  for (const row of rows) byKind.get(String(row.kind))?.push(row);
  return byKind;
}

/** Rows keyed by the text of one column (later rows do not replace earlier ones). */
export function indexBy(rows: readonly DbRow[], column: string): Map<string, DbRow> {
  const map = new Map<string, DbRow>();
  for (const row of rows) {
    const key = text(row[column]);
    if (key !== null && !map.has(key)) map.set(key, row);
  }
  return map;
}

/** Only texts that are whole numbers may meet a numeric id column (PostgreSQL rejects anything else). */
export function numericIds(values: Iterable<string | null>): string[] {
  return [...values].filter((v): v is string => v !== null && /^\d{1,18}$/.test(v));
}

/** Keyset condition on a decimal(18,0) key, compared as a decimal so ids above 2^53 stay exact. */
export function afterDecimalKey(column: string, after: string | null, params: unknown[]): string {
  if (after === null) return '';
  params.push(after);
  return ` AND ${column} > CAST(? AS DECIMAL(18,0))`;
}

export interface AppUser {
  id: string;
  lowerName: string | null;
}

/** `app_user` rows by exact user key (compared here, so a case-insensitive collation cannot blur keys). */
async function appUsersByKey(db: Db, keyList: Iterable<string | null>): Promise<Map<string, AppUser>> {
  const keys = [...keyList];
  const found = await lookupIn(
    db,
    keys,
    (marks) => `SELECT u.ID AS id, u.user_key AS user_key,
    u.lower_user_name AS lower_user_name FROM ${requireTable(db, 'app_user')} u WHERE u.user_key IN (${marks})`,
  );
  return appUsersOf(found, keys);
}

/** The `cwd_user` row of each lower-case name in an active directory, the lowest directory id winning. */
export async function directoryUsers(db: Db, nameList: Iterable<string | null>): Promise<Map<string, DbRow>> {
  const lowerNames = [...nameList];
  const found = await lookupIn(
    db,
    lowerNames,
    (marks) => `SELECT cu.lower_user_name AS lower_user_name,
      cu.user_name AS user_name, cu.display_name AS display_name, cu.email_address AS email_address,
      cu.directory_id AS directory_id
    FROM ${requireTable(db, 'cwd_user')} cu JOIN ${requireTable(db, 'cwd_directory')} d ON d.ID = cu.directory_id
    WHERE d.active = 1 AND cu.lower_user_name IN (${marks})`,
  );
  const wanted = new Set(lowerNames);
  const chosen = new Map<string, DbRow>();
  for (const row of found) {
    const name = text(row.lower_user_name);
    if (name === null || !wanted.has(name)) continue;
    const current = chosen.get(name);
    if (!current || BigInt(String(row.directory_id)) < BigInt(String(current.directory_id))) chosen.set(name, row);
  }
  return chosen;
}

export interface ResolvedUser {
  id: string;
  /** The display name, only when asked for (schema v1's name columns); null when the user has none. */
  name: string | null;
}

/** User key → its `app_user.ID` and, when wanted, display name; NULL and unknown keys are absent. */
export async function resolveUsers(db: Db, keys: Iterable<string | null>, withNames: boolean): Promise<Map<string, ResolvedUser>> {
  return withDisplayNames(db, await appUsersByKey(db, keys), withNames);
}

/** `app_user` rows (`id`, `user_key`, `lower_user_name`) of these exact keys, as a lookup found them. */
export function appUsersOf(rows: readonly DbRow[], keys: Iterable<string | null>): Map<string, AppUser> {
  const wanted = new Set(keys);
  const users = new Map<string, AppUser>();
  for (const row of rows) {
    const key = text(row.user_key);
    if (key !== null && wanted.has(key)) users.set(key, { id: String(row.id), lowerName: text(row.lower_user_name) });
  }
  return users;
}

/** The users with their display names from the active directory with the lowest id, when wanted. */
export async function withDisplayNames(db: Db, users: Map<string, AppUser>, withNames: boolean): Promise<Map<string, ResolvedUser>> {
  const directory = withNames
    ? await directoryUsers(
        db,
        [...users.values()].map((u) => u.lowerName),
      )
    : new Map<string, DbRow>();
  const resolved = new Map<string, ResolvedUser>();
  for (const [key, user] of users) {
    const row = user.lowerName === null ? undefined : directory.get(user.lowerName);
    resolved.set(key, { id: user.id, name: row ? text(row.display_name) : null });
  }
  return resolved;
}

/** User key → `app_user.ID`; NULL and unknown keys are absent. */
export async function userIdsByKey(db: Db, keys: Iterable<string | null>): Promise<Map<string, string>> {
  const users = await appUsersByKey(db, keys);
  return new Map([...users].map(([key, user]) => [key, user.id]));
}
