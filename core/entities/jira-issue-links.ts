// Jira's issue_links file (SPEC section 10): links between issues, sub-task links left out, in link id order.
// A link is written when its source or its destination issue is exported, and never when either issue
// lies in an opted-out project: opting a project out leaves no trace of its issues.
import { placeholders, requireTable, text, type Cell, type Db, type DbRow } from '../source.ts';
import { lastKeyOf, limitClause, type EntityDef, type ReadContext } from './entity.ts';
import { estimateCount } from './estimate.ts';
import { afterDecimalKey } from './jira-lookups.ts';
import { exportedIssueCondition } from './jira-selection.ts';

const SUBTASK_STYLE = 'jira_subtask';

/**
 * The chunk's links with their type and, for each end, whether the export includes that issue and whether
 * it lies in an opted-out project: one query, every join by a primary key, so the links drive it.
 */
function linksQuery(db: Db, ctx: ReadContext, after: string | null, limit: number): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const ends = (['s', 'd'] as const).map((end) => `CASE WHEN ${exportedIssueCondition(db, ctx, end, params)} THEN 1 END AS ${end}_exported`);
  const opted = ctx.optedOut.length === 0 ? [] : (['s', 'd'] as const);
  const flags = opted.map((end) => {
    params.push(...ctx.optedOut);
    return `CASE WHEN ${end}p.pkey IN (${placeholders(ctx.optedOut.length)}) THEN 1 END AS ${end}_opted`;
  });
  const projects = opted.map((end) => ` LEFT JOIN ${requireTable(db, 'project')} ${end}p ON ${end}p.ID = ${end}.PROJECT`).join('');
  const sql = `SELECT l.ID AS id, l.SOURCE AS source, l.DESTINATION AS destination, t.LINKNAME AS name, t.INWARD AS inward,
    t.OUTWARD AS outward, t.pstyle AS pstyle, ${[...ends, ...flags].join(', ')}
    FROM ${requireTable(db, 'issuelink')} l LEFT JOIN ${requireTable(db, 'issuelinktype')} t ON t.ID = l.LINKTYPE
    LEFT JOIN ${requireTable(db, 'jiraissue')} s ON s.ID = l.SOURCE LEFT JOIN ${requireTable(db, 'jiraissue')} d ON d.ID = l.DESTINATION${projects}
    WHERE 1=1${afterDecimalKey('l.ID', after, params)} ORDER BY l.ID${limitClause(limit)}`;
  return { sql, params };
}

const isSet = (value: unknown) => value !== null && value !== undefined;

/** Written when its type is not a sub-task's, either end is exported and neither end is opted out. */
function written(link: DbRow): boolean {
  return text(link.pstyle) !== SUBTASK_STYLE && (isSet(link.s_exported) || isSet(link.d_exported)) && !isSet(link.s_opted) && !isSet(link.d_opted);
}

const linkRow = (link: DbRow): Cell[] => [text(link.id), text(link.name), text(link.source), text(link.destination), text(link.outward), text(link.inward)];

export const jiraIssueLinks: EntityDef = {
  name: 'issue_links',
  columns: () => ['link_id', 'link_type', 'source_issue_id', 'destination_issue_id', 'outward_description', 'inward_description'],
  async read(db, ctx, after, limit) {
    const { sql, params } = linksQuery(db, ctx, after, limit);
    const found = await db.query(sql, params);
    return { rows: found.filter(written).map(linkRow), lastKey: lastKeyOf(found, 'id'), scanned: found.length };
  },
  estimate: (db) => estimateCount(db, 'issuelink', ''),
};
