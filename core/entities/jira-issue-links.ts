// Jira's issue_links file (SPEC section 10): links between issues, sub-task links left out, in link id order.
// A link is written when its source or its destination issue is exported, and never when either issue
// lies in an opted-out project: opting a project out leaves no trace of its issues.
import { requireTable, text, type Cell, type DbRow } from '../source.ts';
import { lastKeyOf, limitClause, type EntityDef } from './entity.ts';
import { estimateCount } from './estimate.ts';
import { afterDecimalKey, indexBy, lookupIn } from './jira-lookups.ts';
import { exportedIssueIds, optedOutIssueIds } from './jira-selection.ts';

const SUBTASK_STYLE = 'jira_subtask';

function linkRow(link: DbRow, types: Map<string, DbRow>): Cell[] {
  const type = link.linktype === null ? undefined : types.get(String(link.linktype));
  return [text(link.id), text(type?.name), text(link.source), text(link.destination), text(type?.outward), text(type?.inward)];
}

export const jiraIssueLinks: EntityDef = {
  name: 'issue_links',
  columns: () => ['link_id', 'link_type', 'source_issue_id', 'destination_issue_id', 'outward_description', 'inward_description'],
  async read(db, ctx, after, limit) {
    const params: unknown[] = [];
    // A plain range of the link table: which links qualify depends on their issues, looked up per chunk.
    const found = await db.query(
      `SELECT l.ID AS id, l.LINKTYPE AS linktype, l.SOURCE AS source, l.DESTINATION AS destination
      FROM ${requireTable(db, 'issuelink')} l WHERE 1=1${afterDecimalKey('l.ID', after, params)}
      ORDER BY l.ID${limitClause(limit)}`,
      params,
    );
    const ends = found.flatMap((link) => [text(link.source), text(link.destination)]);
    const [types, exported, optedOut] = await Promise.all([
      lookupIn(
        db,
        found.map((link) => text(link.linktype)),
        (marks) => `SELECT t.ID AS id, t.LINKNAME AS name,
        t.INWARD AS inward, t.OUTWARD AS outward, t.pstyle AS pstyle
        FROM ${requireTable(db, 'issuelinktype')} t WHERE t.ID IN (${marks})`,
      ).then((rows) => indexBy(rows, 'id')),
      exportedIssueIds(db, ctx, ends),
      optedOutIssueIds(db, ctx, ends),
    ]);
    const rows = found
      .filter((link) => {
        const type = link.linktype === null ? undefined : types.get(String(link.linktype));
        const [source, destination] = [String(link.source), String(link.destination)];
        return (
          text(type?.pstyle) !== SUBTASK_STYLE && (exported.has(source) || exported.has(destination)) && !optedOut.has(source) && !optedOut.has(destination)
        );
      })
      .map((link) => linkRow(link, types));
    return { rows, lastKey: lastKeyOf(found, 'id'), scanned: found.length };
  },
  estimate: (db) => estimateCount(db, 'issuelink', ''),
};
