// Jira's issues file (SPEC section 10): one row per issue updated at or after fromDate, in id order.
import { blockDateCellSeconds, decimalCell, writeCut } from './cells.ts';
import { recordsOf, type RecordOut } from '../csv.ts';
import { queryRows } from '../row-block.ts';
import { requireTable, text, type Cell, type DbRow, type RowBlock } from '../source.ts';
import { lastKeyIn, limitClause, type EntityDef, type ReadContext } from './entity.ts';
import { estimateCount } from './estimate.ts';
import { lookupIssueRefs, statusCategoryName, USER_ROLES, type IssueLookups } from './jira-issue-lookups.ts';
import { afterDecimalKey } from './jira-lookups.ts';
import { exportedIssueCondition, fromParam, notOptedOut } from './jira-selection.ts';

/** Atlassian cuts long text columns to this many characters (code points here). */
export const JIRA_TEXT_LIMIT = 2000;

export function issueColumns(schemaVersion: number): string[] {
  // Schema v1 follows each user id with that user's display name.
  const users = USER_ROLES.flatMap((role) => (schemaVersion === 1 ? [`${role}_id`, `${role}_name`] : [`${role}_id`]));
  return [
    'id',
    'instance_url',
    'url',
    'key',
    'project_key',
    'project_name',
    'project_type',
    'project_category',
    'issue_type',
    'summary',
    'description',
    ...users,
    'status',
    'status_category',
    'priority_sequence',
    'priority_name',
    'resolution',
    'watchers',
    'votes',
    'created_date',
    'resolution_date',
    'updated_date',
    'due_date',
    'original_estimate',
    'remaining_estimate',
    'time_spent',
    'security_level',
  ];
}

// The description is cut in the query too, so a multi-megabyte text never crosses the wire for 2000 characters.
const ISSUE_COLUMNS = `i.ID AS id, i.issuenum AS issuenum, i.PROJECT AS project, i.REPORTER AS reporter,
  i.ASSIGNEE AS assignee, i.CREATOR AS creator, i.issuetype AS issuetype, i.SUMMARY AS summary,
  LEFT(i.DESCRIPTION, ${JIRA_TEXT_LIMIT}) AS description, i.PRIORITY AS priority, i.RESOLUTION AS resolution,
  i.issuestatus AS issuestatus, i.CREATED AS created, i.UPDATED AS updated, i.DUEDATE AS duedate,
  i.RESOLUTIONDATE AS resolutiondate, i.VOTES AS votes, i.WATCHES AS watches,
  i.TIMEORIGINALESTIMATE AS original_estimate, i.TIMEESTIMATE AS remaining_estimate, i.TIMESPENT AS time_spent,
  i.SECURITY AS security`;

/** The issue key: the project's current key and the issue's number (`jiraissue.pkey` is stale or NULL). */
export function issueKey(projectKey: Cell, issuenum: unknown): Cell {
  const number = decimalCell(issuenum);
  return projectKey === null || number === null ? null : `${projectKey}-${number}`;
}

const COLUMN_NAMES = [
  'id',
  'issuenum',
  'project',
  'issuetype',
  'summary',
  'description',
  'priority',
  'resolution',
  'issuestatus',
  'created',
  'updated',
  'duedate',
  'resolutiondate',
  'votes',
  'watches',
  'original_estimate',
  'remaining_estimate',
  'time_spent',
  'security',
  ...USER_ROLES,
] as const;

type Columns = Record<(typeof COLUMN_NAMES)[number], number>;

/** One issue's record: what its row holds, written as sent where it goes to the file unchanged. */
function writeIssue(out: RecordOut, found: RowBlock, r: number, col: Columns, refs: IssueLookups, ctx: ReadContext, baseUrl: Uint8Array): void {
  const at = (column: number) => found.text(r, column);
  const ref = (map: Map<string, DbRow>, column: number, name: string) => {
    const id = at(column);
    const row = id === null ? undefined : map.get(id);
    return row ? row[name] : null;
  };
  const project = refs.projects.get(at(col.project) ?? '');
  const key = issueKey(project?.key ?? null, at(col.issuenum));
  const date = (column: number) => out.plain(blockDateCellSeconds(found, r, column, ctx.timezone));
  out.from(found, r, col.id);
  out.cell(baseUrl);
  out.cell(key === null ? null : `${ctx.baseUrl}/browse/${encodeURIComponent(key)}`);
  out.cell(key);
  for (const cell of [project?.key, project?.name, project?.type, project?.category]) out.cell(cell ?? null);
  out.cell(text(ref(refs.types, col.issuetype, 'name')));
  out.from(found, r, col.summary);
  writeCut(out, found, r, col.description, JIRA_TEXT_LIMIT);
  for (const role of USER_ROLES) {
    const id = at(col[role]);
    const user = id === null ? undefined : refs.users.get(id);
    out.cell(user?.id ?? null);
    if (ctx.schemaVersion === 1) out.cell(user?.name ?? null);
  }
  out.cell(text(ref(refs.statuses, col.issuestatus, 'name')));
  out.cell(statusCategoryName(ref(refs.statuses, col.issuestatus, 'category')));
  out.cell(decimalCell(ref(refs.priorities, col.priority, 'sequence')));
  out.cell(text(ref(refs.priorities, col.priority, 'name')));
  out.cell(text(ref(refs.resolutions, col.resolution, 'name')));
  out.cell(decimalCell(at(col.watches)));
  out.cell(decimalCell(at(col.votes)));
  date(col.created);
  date(col.resolutiondate);
  date(col.updated);
  date(col.duedate);
  for (const column of [col.original_estimate, col.remaining_estimate, col.time_spent]) out.cell(decimalCell(at(column)));
  out.cell(text(ref(refs.securityLevels, col.security, 'name')));
}

export const jiraIssues: EntityDef = {
  name: 'issues',
  columns: issueColumns,
  async read(db, ctx, after, limit) {
    const params: unknown[] = [];
    const where = exportedIssueCondition(db, ctx, 'i', params) + afterDecimalKey('i.ID', after, params);
    const found = await queryRows(
      db,
      `SELECT ${ISSUE_COLUMNS} FROM ${requireTable(db, 'jiraissue')} i
      WHERE ${where} ORDER BY i.ID${limitClause(limit)}`,
      params,
    );
    const col = Object.fromEntries(COLUMN_NAMES.map((name) => [name, found.column(name)])) as Columns;
    const texts = (name: string) => {
      const column = found.column(name);
      return Array.from({ length: found.length }, (_, r) => found.text(r, column));
    };
    const refs = await lookupIssueRefs(db, texts, ctx.schemaVersion === 1);
    const baseUrl = new TextEncoder().encode(ctx.baseUrl);
    const rows = recordsOf(found.length, (out, r) => writeIssue(out, found, r, col, refs, ctx, baseUrl));
    return { rows, lastKey: lastKeyIn(found, col.id), scanned: found.length };
  },
  estimate(db, ctx) {
    const params: unknown[] = [fromParam(db, ctx)];
    return estimateCount(db, 'jiraissue', `UPDATED >= ?${notOptedOut(db, ctx, 'PROJECT', params)}`, params);
  },
};
