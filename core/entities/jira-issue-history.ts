// Jira's issue_history file (SPEC section 10): one row per change item whose change group was created at
// or after fromDate, in change item id order. The issue's own update date plays no part.
import { cutCodePoints, dateCellSeconds } from './cells.ts';
import { requireTable, text, type Cell, type Db, type DbRow } from '../source.ts';
import { lastKeyOf, limitClause, type EntityDef, type ReadContext } from './entity.ts';
import { estimateCount } from './estimate.ts';
import { JIRA_TEXT_LIMIT } from './jira-issues.ts';
import { afterDecimalKey, indexBy, lookupIn, numericIds, userIdsByKey } from './jira-lookups.ts';
import { fromParam, optedOutIssueIds } from './jira-selection.ts';

// Values are cut in the query as well, so a multi-megabyte change never crosses the wire for 2000 characters.
const cut = (column: string, alias: string) => `LEFT(ci.${column}, ${JIRA_TEXT_LIMIT}) AS ${alias}`;

const ITEM_COLUMNS = `ci.ID AS id, ci.FIELDTYPE AS field_type, ci.FIELD AS field, ${cut('OLDVALUE', 'old_value')},
  ${cut('OLDSTRING', 'old_string')}, ${cut('NEWVALUE', 'new_value')}, ${cut('NEWSTRING', 'new_string')}`;

/**
 * One chunk: a page of change item ids, then the page's change groups created at or after fromDate, then
 * the values of the items that qualify. Joining on the page alone keeps a chunk's work bounded by its size
 * whatever fromDate selects; a join over the whole table lets the optimizer sort every group per chunk.
 */
async function readChunk(db: Db, ctx: ReadContext, after: string | null, limit: number) {
  const params: unknown[] = [];
  const page = await db.query(
    `SELECT ci.ID AS id, ci.groupid AS group_id FROM ${requireTable(db, 'changeitem')} ci
    WHERE 1=1${afterDecimalKey('ci.ID', after, params)} ORDER BY ci.ID${limitClause(limit)}`,
    params,
  );
  const groups = indexBy(
    await lookupIn(
      db,
      numericIds(page.map((item) => text(item.group_id))),
      (marks) =>
        `SELECT cg.ID AS id, cg.issueid AS issue_id, cg.AUTHOR AS author, cg.CREATED AS created
    FROM ${requireTable(db, 'changegroup')} cg WHERE cg.CREATED >= ? AND cg.ID IN (${marks})`,
      [fromParam(db, ctx)],
    ),
    'id',
  );
  const optedOut = await optedOutIssueIds(
    db,
    ctx,
    [...groups.values()].map((group) => text(group.issue_id)),
  );
  const wanted = page.filter((item) => {
    const group = groups.get(String(item.group_id));
    return group !== undefined && !optedOut.has(String(group.issue_id));
  });
  const items = await lookupIn(
    db,
    wanted.map((item) => String(item.id)),
    (marks) => `SELECT ${ITEM_COLUMNS} FROM ${requireTable(db, 'changeitem')} ci WHERE ci.ID IN (${marks})`,
  );
  const values = indexBy(items, 'id');
  const rows = wanted.map((item): DbRow => {
    const group = groups.get(String(item.group_id))!;
    return { ...values.get(String(item.id)), group_id: item.group_id, issue_id: group.issue_id, author: group.author, created: group.created };
  });
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
