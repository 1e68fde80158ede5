// Jira's users file (schema v2 only, SPEC section 10): every `app_user`, with name, display name and e-mail
// from its `cwd_user` row in the active directory with the lowest id. No date filter applies.
import { requireTable, text, type Cell } from '../source.ts';
import { lastKeyOf, limitClause, type EntityDef } from './entity.ts';
import { estimateCount } from './estimate.ts';
import { afterDecimalKey, directoryUsers } from './jira-lookups.ts';

export const jiraUsers: EntityDef = {
  name: 'users',
  versions: [2],
  columns: () => ['instance_url', 'user_id', 'user_key', 'user_name', 'user_fullname', 'user_email'],
  async read(db, ctx, after, limit) {
    const params: unknown[] = [];
    const found = await db.query(
      `SELECT u.ID AS id, u.user_key AS user_key, u.lower_user_name AS lower_user_name
      FROM ${requireTable(db, 'app_user')} u WHERE 1=1${afterDecimalKey('u.ID', after, params)}
      ORDER BY u.ID${limitClause(limit)}`,
      params,
    );
    const directory = await directoryUsers(
      db,
      found.map((user) => text(user.lower_user_name)),
    );
    const rows: Cell[][] = [];
    for (const user of found) {
      // A key with no account in an active directory (a deleted user) is left out.
      const account = user.lower_user_name === null ? undefined : directory.get(String(user.lower_user_name));
      if (!account) continue;
      rows.push([ctx.baseUrl, text(user.id), text(user.user_key), text(account.user_name), text(account.display_name), text(account.email_address)]);
    }
    return { rows, lastKey: lastKeyOf(found, 'id'), scanned: found.length };
  },
  estimate: (db) => estimateCount(db, 'app_user', ''),
};
