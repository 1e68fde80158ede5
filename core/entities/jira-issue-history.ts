// Jira's issue_history file (SPEC section 10): one row per change item whose change group was created at
// or after fromDate, in change item id order. The issue's own update date plays no part.
import { blockDateCellSeconds, writeCut } from './cells.ts';
import { recordsOf } from '../csv.ts';
import { queryRows } from '../row-block.ts';
import { placeholders, requireTable, type Db, type RowBlock } from '../source.ts';
import { lastKeyIn, limitClause, type EntityDef, type ReadContext } from './entity.ts';
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
function readPage(db: Db, ctx: ReadContext, after: string | null, limit: number): Promise<RowBlock> {
  const params: unknown[] = new Array(KEPT_PARAMS).fill(fromParam(db, ctx));
  const optedOut = optedOutColumn(db, ctx, params);
  return queryRows(
    db,
    `SELECT ${ITEM_COLUMNS}, ${optedOut.column} FROM ${requireTable(db, 'changeitem')} ci
    LEFT JOIN ${requireTable(db, 'changegroup')} cg ON cg.ID = ci.groupid${optedOut.joins}
    WHERE 1=1${afterDecimalKey('ci.ID', after, params)} ORDER BY ci.ID${limitClause(limit)}`,
    params,
  );
}

const COLUMN_NAMES = [
  'id',
  'group_id',
  'kept',
  'issue_id',
  'author',
  'created',
  'field_type',
  'field',
  'old_value',
  'old_string',
  'new_value',
  'new_string',
  'opted_out',
] as const;

export const jiraIssueHistory: EntityDef = {
  name: 'issue_history',
  columns: () => ['issue_id', 'changelog_id', 'author_id', 'author_key', 'created_date', 'field', 'field_type', 'from', 'from_string', 'to', 'to_string'],
  async read(db, ctx, after, limit) {
    const page = await readPage(db, ctx, after, limit);
    const col = Object.fromEntries(COLUMN_NAMES.map((name) => [name, page.column(name)])) as Record<(typeof COLUMN_NAMES)[number], number>;
    // Written: items whose change group is kept and whose issue is not opted out.
    const kept: number[] = [];
    for (let r = 0; r < page.length; r++) if (!page.isNull(r, col.kept) && page.isNull(r, col.opted_out)) kept.push(r);
    const authors = kept.map((r) => page.text(r, col.author));
    const users = await userIdsByKey(db, authors);
    const rows = recordsOf(kept.length, (out, i) => {
      const r = kept[i];
      const author = authors[i];
      out.from(page, r, col.issue_id);
      out.from(page, r, col.group_id);
      out.cell(author === null ? null : (users.get(author) ?? null));
      out.from(page, r, col.author);
      out.plain(blockDateCellSeconds(page, r, col.created, ctx.timezone));
      out.from(page, r, col.field);
      out.from(page, r, col.field_type);
      for (const value of [col.old_value, col.old_string, col.new_value, col.new_string]) writeCut(out, page, r, value, JIRA_TEXT_LIMIT);
    });
    return { rows, lastKey: lastKeyIn(page, col.id), scanned: page.length };
  },
  estimate(db, ctx) {
    return estimateCount(db, 'changeitem', `groupid IN (SELECT cg.ID FROM ${requireTable(db, 'changegroup')} cg WHERE cg.CREATED >= ?)`, [fromParam(db, ctx)]);
  },
};
