// What one chunk of issues needs from other tables: projects (with type and category), the issue's type,
// status, priority, resolution and security level, and its users. Each is one IN-list query per chunk.
import { decimalCell } from './cells.ts';
import { requireTable, text, type Cell, type Db, type DbRow } from '../source.ts';
import { indexBy, lookupIn, numericIds, resolveUsers, type ResolvedUser } from './jira-lookups.ts';

export interface ProjectInfo {
  key: Cell;
  name: Cell;
  type: Cell;
  category: Cell;
}

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
async function projectsById(db: Db, ids: Iterable<string | null>): Promise<Map<string, ProjectInfo>> {
  const found = await lookupIn(
    db,
    numericIds(ids),
    (marks) => `SELECT p.ID AS id, p.pkey AS pkey, p.pname AS pname,
      p.PROJECTTYPE AS project_type, c.ID AS category_id, c.cname AS category
    FROM ${requireTable(db, 'project')} p
    LEFT JOIN ${requireTable(db, 'nodeassociation')} na ON na.SOURCE_NODE_ID = p.ID
      AND na.SOURCE_NODE_ENTITY = 'Project' AND na.SINK_NODE_ENTITY = 'ProjectCategory'
      AND na.ASSOCIATION_TYPE = 'ProjectCategory'
    LEFT JOIN ${requireTable(db, 'projectcategory')} c ON c.ID = na.SINK_NODE_ID
    WHERE p.ID IN (${marks})`,
  );
  const chosen = new Map<string, DbRow>();
  for (const row of found) {
    // A project has one category; should a site hold several links, the lowest category id wins.
    const id = String(row.id);
    const current = chosen.get(id);
    if (!current || (row.category_id !== null && (current.category_id === null || BigInt(String(row.category_id)) < BigInt(String(current.category_id)))))
      chosen.set(id, row);
  }
  return new Map(
    [...chosen].map(([id, row]) => [
      id,
      {
        key: text(row.pkey),
        name: text(row.pname),
        type: projectTypeName(row.project_type),
        category: text(row.category),
      },
    ]),
  );
}

async function rowsById(db: Db, table: string, columns: string, ids: Iterable<string | null>): Promise<Map<string, DbRow>> {
  const found = await lookupIn(
    db,
    ids,
    (marks) => `SELECT t.ID AS id, ${columns} FROM ${requireTable(db, table)} t
    WHERE t.ID IN (${marks})`,
  );
  return indexBy(found, 'id');
}

export async function lookupIssueRefs(db: Db, issues: readonly DbRow[], withNames: boolean): Promise<IssueLookups> {
  const column = (name: string) => issues.map((issue) => text(issue[name]));
  const [projects, types, statuses, priorities, resolutions, securityLevels, users] = await Promise.all([
    projectsById(db, column('project')),
    rowsById(db, 'issuetype', 't.pname AS name', column('issuetype')),
    rowsById(db, 'issuestatus', 't.pname AS name, t.STATUSCATEGORY AS category', column('issuestatus')),
    rowsById(db, 'priority', 't.pname AS name, t.SEQUENCE AS sequence', column('priority')),
    rowsById(db, 'resolution', 't.pname AS name', column('resolution')),
    rowsById(db, 'schemeissuesecuritylevels', 't.NAME AS name', numericIds(column('security'))),
    resolveUsers(db, [...column('creator'), ...column('reporter'), ...column('assignee')], withNames),
  ]);
  return { projects, types, statuses, priorities, resolutions, securityLevels, users };
}
