// What one chunk of issues needs from other tables: projects (with type and category), the issue's type,
// status, priority, resolution and security level, and its users. Each is an IN list of the chunk's
// distinct ids, all sent in one statement.
import { decimalCell } from './cells.ts';
import { requireTable, text, type Cell, type Db, type DbRow } from '../source.ts';
import { appUsersOf, indexBy, lookupAll, numericIds, withDisplayNames, type LookupBranch, type ResolvedUser } from './jira-lookups.ts';

export interface ProjectInfo {
  key: Cell;
  name: Cell;
  type: Cell;
  category: Cell;
}

export const USER_ROLES = ['creator', 'reporter', 'assignee'] as const;

export interface IssueLookups {
  projects: Map<string, ProjectInfo>;
  types: Map<string, DbRow>;
  statuses: Map<string, DbRow>;
  priorities: Map<string, DbRow>;
  resolutions: Map<string, DbRow>;
  securityLevels: Map<string, DbRow>;
  users: Map<string, ResolvedUser>;
}

const PROJECT_TYPES: Readonly<Record<string, string>> = {
  business: 'Business',
  software: 'Software',
  service_desk: 'Service Desk',
};

// Jira's fixed status categories (issuestatus.STATUSCATEGORY); any other value has no name.
const STATUS_CATEGORIES: Readonly<Record<string, string>> = {
  '1': 'No Category',
  '2': 'To Do',
  '4': 'In Progress',
  '3': 'Done',
};

/** `business` → `Business`; a type Jira may add later is written as stored rather than dropped. */
export function projectTypeName(value: unknown): Cell {
  const raw = text(value);
  return raw === null ? null : (PROJECT_TYPES[raw] ?? raw);
}

export function statusCategoryName(value: unknown): Cell {
  const id = decimalCell(value);
  return id === null ? null : (STATUS_CATEGORIES[id] ?? null);
}

/** Projects with their category, found through `nodeassociation` (entity and type both matched). */
function projectsOf(found: readonly DbRow[]): Map<string, ProjectInfo> {
  const chosen = new Map<string, DbRow>();
  for (const row of found) {
    // A project has one category; should a site hold several links, the lowest category id wins.
    const id = String(row.id);
    const current = chosen.get(id);
    if (!current || (row.c4 !== null && (current.c4 === null || BigInt(String(row.c4)) < BigInt(String(current.c4))))) chosen.set(id, row);
  }
  return new Map([...chosen].map(([id, row]) => [id, { key: text(row.c1), name: text(row.c2), type: projectTypeName(row.c3), category: text(row.c5) }]));
}

/** A lookup of one small table by its `ID`, its values named in the order the lookup selects them. */
function byId(rows: readonly DbRow[], names: readonly string[]): Map<string, DbRow> {
  return indexBy(
    rows.map((row) => Object.fromEntries([['id', row.id], ...names.map((name, n) => [name, row[`c${n + 1}`]])])),
    'id',
  );
}

/** A column of the chunk's issues as text, in their order. */
export type IssueColumn = (name: string) => readonly Cell[];

function branches(db: Db, issues: IssueColumn): LookupBranch[] {
  const column = (name: string) => issues(name).filter((v): v is string => v !== null);
  const small = (kind: string, table: string, ids: string[], columns: string[]): LookupBranch => ({
    kind,
    ids,
    id: 't.ID',
    columns,
    from: (marks) => ` FROM ${requireTable(db, table)} t WHERE t.ID IN (${marks})`,
  });
  return [
    {
      kind: 'project',
      ids: numericIds(column('project')),
      id: 'p.ID',
      columns: ['p.pkey', 'p.pname', 'p.PROJECTTYPE', 'c.ID', 'c.cname'],
      from: (marks) => ` FROM ${requireTable(db, 'project')} p
        LEFT JOIN ${requireTable(db, 'nodeassociation')} na ON na.SOURCE_NODE_ID = p.ID AND na.SOURCE_NODE_ENTITY = 'Project'
          AND na.SINK_NODE_ENTITY = 'ProjectCategory' AND na.ASSOCIATION_TYPE = 'ProjectCategory'
        LEFT JOIN ${requireTable(db, 'projectcategory')} c ON c.ID = na.SINK_NODE_ID WHERE p.ID IN (${marks})`,
    },
    small('type', 'issuetype', column('issuetype'), ['t.pname']),
    small('status', 'issuestatus', column('issuestatus'), ['t.pname', 't.STATUSCATEGORY']),
    small('priority', 'priority', column('priority'), ['t.pname', 't.SEQUENCE']),
    small('resolution', 'resolution', column('resolution'), ['t.pname']),
    small('security', 'schemeissuesecuritylevels', numericIds(column('security')), ['t.NAME']),
    {
      kind: 'user',
      ids: USER_ROLES.flatMap(column),
      id: 'u.ID',
      columns: ['u.user_key', 'u.lower_user_name'],
      from: (marks) => ` FROM ${requireTable(db, 'app_user')} u WHERE u.user_key IN (${marks})`,
    },
  ];
}

/** Everything a chunk of issues refers to, in one round trip (a second for schema v1's display names). */
export async function lookupIssueRefs(db: Db, issues: IssueColumn, withNames: boolean): Promise<IssueLookups> {
  const found = await lookupAll(db, branches(db, issues));
  const rows = (kind: string) => found.get(kind) ?? [];
  const keys = USER_ROLES.flatMap((role) => issues(role));
  const userRows = rows('user').map((row) => ({ id: row.id, user_key: row.c1, lower_user_name: row.c2 }));
  return {
    projects: projectsOf(rows('project')),
    types: byId(rows('type'), ['name']),
    statuses: byId(rows('status'), ['name', 'category']),
    priorities: byId(rows('priority'), ['name', 'sequence']),
    resolutions: byId(rows('resolution'), ['name']),
    securityLevels: byId(rows('security'), ['name']),
    users: await withDisplayNames(db, appUsersOf(userRows, keys), withNames),
  };
}
