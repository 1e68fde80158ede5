// Jira's issues file (SPEC section 10): one row per issue updated at or after fromDate, in id order.
import { cutCodePoints, dateCellSeconds, decimalCell } from './cells.ts';
import { requireTable, text, type Cell, type DbRow } from '../source.ts';
import { limitClause, lastKeyOf, type EntityDef, type ReadContext } from './entity.ts';
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

function issueRow(issue: DbRow, refs: IssueLookups, ctx: ReadContext): Cell[] {
  const project = refs.projects.get(String(issue.project));
  const key = issueKey(project?.key ?? null, issue.issuenum);
  const ref = (map: Map<string, DbRow>, id: unknown, column: string) => {
    const row = id === null ? undefined : map.get(String(id));
    return row ? row[column] : null;
  };
  const users = USER_ROLES.flatMap((role) => {
    const user = issue[role] === null ? undefined : refs.users.get(String(issue[role]));
    return ctx.schemaVersion === 1 ? [user?.id ?? null, user?.name ?? null] : [user?.id ?? null];
  });
  const date = (value: unknown) => dateCellSeconds(value, ctx.timezone);
  return [
    text(issue.id),
    ctx.baseUrl,
    key === null ? null : `${ctx.baseUrl}/browse/${encodeURIComponent(key)}`,
    key,
    project?.key ?? null,
    project?.name ?? null,
    project?.type ?? null,
    project?.category ?? null,
    text(ref(refs.types, issue.issuetype, 'name')),
    text(issue.summary),
    cutCodePoints(text(issue.description), JIRA_TEXT_LIMIT),
    ...users,
    text(ref(refs.statuses, issue.issuestatus, 'name')),
    statusCategoryName(ref(refs.statuses, issue.issuestatus, 'category')),
    decimalCell(ref(refs.priorities, issue.priority, 'sequence')),
    text(ref(refs.priorities, issue.priority, 'name')),
    text(ref(refs.resolutions, issue.resolution, 'name')),
    decimalCell(issue.watches),
    decimalCell(issue.votes),
    date(issue.created),
    date(issue.resolutiondate),
    date(issue.updated),
    date(issue.duedate),
    decimalCell(issue.original_estimate),
    decimalCell(issue.remaining_estimate),
    decimalCell(issue.time_spent),
    text(ref(refs.securityLevels, issue.security, 'name')),
  ];
}

export const jiraIssues: EntityDef = {
  name: 'issues',
  columns: issueColumns,
  async read(db, ctx, after, limit) {
    const params: unknown[] = [];
    const where = exportedIssueCondition(db, ctx, 'i', params) + afterDecimalKey('i.ID', after, params);
    const found = await db.query(
      `SELECT ${ISSUE_COLUMNS} FROM ${requireTable(db, 'jiraissue')} i
      WHERE ${where} ORDER BY i.ID${limitClause(limit)}`,
      params,
    );
    const refs = await lookupIssueRefs(db, found, ctx.schemaVersion === 1);
    return { rows: found.map((issue) => issueRow(issue, refs, ctx)), lastKey: lastKeyOf(found, 'id'), scanned: found.length };
  },
  estimate(db, ctx) {
    const params: unknown[] = [fromParam(db, ctx)];
    return estimateCount(db, 'jiraissue', `UPDATED >= ?${notOptedOut(db, ctx, 'PROJECT', params)}`, params);
  },
};
