// Jira's issue_history file (SPEC section 10): one row per change item whose change group was created at
// or after fromDate, in change item id order. The issue's own update date plays no part.
import { cutCodePoints, dateCellSeconds } from './cells.ts';
import { placeholders, requireTable, text, type Cell, type Db, type DbRow } from '../source.ts';
import { lastKeyOf, limitClause, type EntityDef, type ReadContext } from './entity.ts';
import { estimateCount } from './estimate.ts';
import { JIRA_TEXT_LIMIT } from './jira-issues.ts';
import { afterDecimalKey, userIdsByKey } from './jira-lookups.ts';
import { fromParam } from './jira-selection.ts';

// Whether an item's change group was created at or after fromDate. It is a column, not part of the join:
// with it in the join PostgreSQL may scan every group per chunk to find the few a recent fromDate keeps.
const KEPT = 'cg.CREATED >= ?';

// Values are cut in the query as well, so a multi-megabyte change never crosses the wire for 2000 characters;
// an item that is left out sends none.
const cut = (column: string, alias: string) => `CASE WHEN ${KEPT} THEN LEFT(ci.${column}, ${JIRA_TEXT_LIMIT}) END AS ${alias}`;

const ITEM_COLUMNS = `ci.ID AS id, ci.groupid AS group_id, CASE WHEN ${KEPT} THEN 1 END AS kept, cg.issueid AS issue_id,
  cg.AUTHOR AS author, cg.CREATED AS created, ci.FIELDTYPE AS field_type, ci.FIELD AS field, ${cut('OLDVALUE', 'old_value')},
  ${cut('OLDSTRING', 'old_string')}, ${cut('NEWVALUE', 'new_value')}, ${cut('NEWSTRING', 'new_string')}`;
const KEPT_PARAMS = 5;

/** ` LEFT JOIN …` to the project of a change group's issue, and the column that flags an opted-out one. */
function optedOutColumn(db: Db, ctx: ReadContext, params: unknown[]): { joins: string; column: string } {
  if (ctx.optedOut.length === 0) return { joins: '', column: 'NULL AS opted_out' };
  params.push(...ctx.optedOut);
  return {
    joins: ` LEFT JOIN ${requireTable(db, 'jiraissue')} oi ON oi.ID = cg.issueid LEFT JOIN ${requireTable(db, 'project')} op ON op.ID = oi.PROJECT`,
    column: `CASE WHEN op.pkey IN (${placeholders(ctx.optedOut.length)}) THEN 1 END AS opted_out`,
  };
}

/**
 * One chunk: a page of change items, each with its change group (a LEFT JOIN on the group's id, so the
 * items drive the query and a chunk's work stays bounded by its size whatever fromDate selects; an inner
 * join lets the optimizer start from the groups and sort all of them per chunk).
 */
async function readChunk(db: Db, ctx: ReadContext, after: string | null, limit: number) {
  const params: unknown[] = new Array(KEPT_PARAMS).fill(fromParam(db, ctx));
  const optedOut = optedOutColumn(db, ctx, params);
  const page = await db.query(
    `SELECT ${ITEM_COLUMNS}, ${optedOut.column} FROM ${requireTable(db, 'changeitem')} ci
    LEFT JOIN ${requireTable(db, 'changegroup')} cg ON cg.ID = ci.groupid${optedOut.joins}
    WHERE 1=1${afterDecimalKey('ci.ID', after, params)} ORDER BY ci.ID${limitClause(limit)}`,
    params,
  );
  const rows = page.filter((item) => item.kept !== null && item.opted_out === null);
  return { page, rows };
}

function historyRow(item: DbRow, users: Map<string, string>, ctx: ReadContext): Cell[] {
  const author = text(item.author);
  const value = (column: string) => cutCodePoints(text(item[column]), JIRA_TEXT_LIMIT);
  return [
    text(item.issue_id),
    text(item.group_id),
    author === null ? null : (users.get(author) ?? null),
    author,
    dateCellSeconds(item.created, ctx.timezone),
    text(item.field),
    text(item.field_type),
    value('old_value'),
    value('old_string'),
    value('new_value'),
    value('new_string'),
  ];
}

export const jiraIssueHistory: EntityDef = {
  name: 'issue_history',
  columns: () => ['issue_id', 'changelog_id', 'author_id', 'author_key', 'created_date', 'field', 'field_type', 'from', 'from_string', 'to', 'to_string'],
  async read(db, ctx, after, limit) {
    const { page, rows } = await readChunk(db, ctx, after, limit);
    const users = await userIdsByKey(
      db,
      rows.map((item) => text(item.author)),
    );
    return { rows: rows.map((item) => historyRow(item, users, ctx)), lastKey: lastKeyOf(page, 'id'), scanned: page.length };
  },
  estimate(db, ctx) {
    return estimateCount(db, 'changeitem', `groupid IN (SELECT cg.ID FROM ${requireTable(db, 'changegroup')} cg WHERE cg.CREATED >= ?)`, [fromParam(db, ctx)]);
  },
};
