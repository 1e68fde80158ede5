// Jira's issue_history file (SPEC section 10): one row per change item whose change group was created at
// or after fromDate, in change item id order. The issue's own update date plays no part.
import { cutCodePoints, dateCellSeconds } from '../cells.ts';
import { requireTable, text, type Cell, type DbRow } from '../source.ts';
import { lastKeyOf, limitClause, type EntityDef, type ReadContext } from './entity.ts';
import { estimateCount } from './estimate.ts';
import { JIRA_TEXT_LIMIT } from './jira-issues.ts';
import { afterDecimalKey, userIdsByKey } from './jira-lookups.ts';
import { fromParam, optedOutIssueIds } from './jira-selection.ts';

// Values are cut in the query as well, so a multi-megabyte change never crosses the wire for 2000 characters.
const cut = (column: string, alias: string) => `LEFT(ci.${column}, ${JIRA_TEXT_LIMIT}) AS ${alias}`;

const HISTORY_COLUMNS = `ci.ID AS id, ci.FIELDTYPE AS field_type, ci.FIELD AS field, ${cut('OLDVALUE', 'old_value')},
  ${cut('OLDSTRING', 'old_string')}, ${cut('NEWVALUE', 'new_value')}, ${cut('NEWSTRING', 'new_string')},
  cg.ID AS group_id, cg.issueid AS issue_id, cg.AUTHOR AS author, cg.CREATED AS created`;

function historyRow(item: DbRow, users: Map<string, string>, ctx: ReadContext): Cell[] {
  const author = text(item.author);
  const value = (column: string) => cutCodePoints(text(item[column]), JIRA_TEXT_LIMIT);
  return [text(item.issue_id), text(item.group_id), author === null ? null : users.get(author) ?? null, author,
    dateCellSeconds(item.created, ctx.timezone), text(item.field), text(item.field_type),
    value('old_value'), value('old_string'), value('new_value'), value('new_string')];
}

export const jiraIssueHistory: EntityDef = {
  name: 'issue_history',
  columns: () => ['issue_id', 'changelog_id', 'author_id', 'author_key', 'created_date', 'field', 'field_type',
    'from', 'from_string', 'to', 'to_string'],
  async read(db, ctx, after, limit) {
    const params: unknown[] = [fromParam(db, ctx)];
    const keyset = afterDecimalKey('ci.ID', after, params);
    const found = await db.query(`SELECT ${HISTORY_COLUMNS} FROM ${requireTable(db, 'changeitem')} ci
      JOIN ${requireTable(db, 'changegroup')} cg ON cg.ID = ci.groupid
      WHERE cg.CREATED >= ?${keyset} ORDER BY ci.ID${limitClause(limit)}`, params);
    const [users, optedOut] = await Promise.all([
      userIdsByKey(db, found.map((item) => text(item.author))),
      optedOutIssueIds(db, ctx, found.map((item) => text(item.issue_id))),
    ]);
    const rows = found.filter((item) => !optedOut.has(String(item.issue_id))).map((item) => historyRow(item, users, ctx));
    return { rows, lastKey: lastKeyOf(found, 'id'), scanned: found.length };
  },
  estimate(db, ctx) {
    return estimateCount(db, 'changeitem',
      `groupid IN (SELECT cg.ID FROM ${requireTable(db, 'changegroup')} cg WHERE cg.CREATED >= ?)`, [fromParam(db, ctx)]);
  },
};
