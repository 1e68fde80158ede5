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

interface AppUser {
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
  const wanted = new Set(keys);
  const users = new Map<string, AppUser>();
  for (const row of found) {
    const key = text(row.user_key);
    if (key !== null && wanted.has(key)) users.set(key, { id: String(row.id), lowerName: text(row.lower_user_name) });
  }
  return users;
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
  const users = await appUsersByKey(db, keys);
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
