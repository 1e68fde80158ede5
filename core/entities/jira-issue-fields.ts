// Jira's issue_fields file (SPEC section 10): for each exported issue, one row per field that has a value,
// issues in id order and each issue's fields by field id. A chunk is a page of issues, so the keyset key
// is the issue id and every field of a chunk's issues is written with it.
import { compareCodePoints, sortedJsonArray } from './labels.ts';
import { requireTable, text, type Cell, type Db, type DbRow } from '../source.ts';
import { lastKeyOf, limitClause, type EntityDef, type ReadContext } from './entity.ts';
import { estimateCount } from './estimate.ts';
import { customFieldCells } from './jira-custom-fields.ts';
import { afterDecimalKey } from './jira-lookups.ts';
import { chunkIssues, exportedIssueCondition, fromParam, notOptedOut } from './jira-selection.ts';

interface FieldCell {
  id: string;
  name: Cell;
  value: string;
}

// Components and versions reach an issue through nodeassociation; the type and entity columns are both
// matched because scheme associations reuse the same ids.
const ASSOCIATIONS = [
  { type: 'IssueComponent', sink: 'Component', table: 'component', name: 'cname', field: { id: 'components', name: 'Component/s' } },
  { type: 'IssueFixVersion', sink: 'Version', table: 'projectversion', name: 'vname', field: { id: 'fixVersions', name: 'Fix Version/s' } },
  { type: 'IssueVersion', sink: 'Version', table: 'projectversion', name: 'vname', field: { id: 'versions', name: 'Affects Version/s' } },
] as const;

/** Component and version names of the chunk's issues, the three associations in one statement. */
function associatedNames(db: Db, ctx: ReadContext, ids: readonly string[]): Promise<DbRow[]> {
  const params: unknown[] = [];
  const selects = ASSOCIATIONS.map(
    (a) => `SELECT na.SOURCE_NODE_ID AS issue, t.${a.name} AS name, '${a.field.id}' AS field
    FROM ${requireTable(db, 'nodeassociation')} na JOIN ${requireTable(db, a.table)} t ON t.ID = na.SINK_NODE_ID
    WHERE na.SOURCE_NODE_ENTITY = 'Issue' AND na.SINK_NODE_ENTITY = '${a.sink}' AND na.ASSOCIATION_TYPE = '${a.type}'
      AND na.SOURCE_NODE_ID IN (SELECT i.ID${chunkIssues(db, ctx, ids, params)})`,
  );
  return db.query(selects.join(' UNION ALL '), params);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** labels, components, fixVersions and versions per issue; environment comes with the issue itself. */
function systemFieldCells(labels: readonly DbRow[], associated: readonly DbRow[]): Map<string, FieldCell[]> {
  const values = new Map<string, Map<string, string[]>>();
  const add = (issue: unknown, field: string, value: Cell) => {
    if (value === null || value === '') return;
    const key = String(issue);
    if (!values.has(key)) values.set(key, new Map());
    push(values.get(key)!, field, value);
  };
  for (const row of labels) add(row.issue, 'labels', text(row.label));
  for (const row of associated) add(row.issue, String(row.field), text(row.name));
  const names = new Map<string, string>([['labels', 'Labels'], ...ASSOCIATIONS.map((a): [string, string] => [a.field.id, a.field.name])]);
  const cells = new Map<string, FieldCell[]>();
  for (const [issue, fields] of values) {
    // An issue carries a label once; duplicate rows are an artefact, not a second value.
    cells.set(
      issue,
      [...fields].map(([id, list]) => ({ id, name: names.get(id)!, value: sortedJsonArray(id === 'labels' ? new Set(list) : list)! })),
    );
  }
  return cells;
}

async function fieldsOf(db: Db, ctx: ReadContext, issues: readonly DbRow[]): Promise<Map<string, FieldCell[]>> {
  const ids = issues.map((issue) => String(issue.id));
  if (ids.length === 0) return new Map();
  const valueParams: unknown[] = [];
  const labelParams: unknown[] = [];
  const [values, labels, associated] = await Promise.all([
    db.query(
      `SELECT v.ID AS id, v.ISSUE AS issue, v.CUSTOMFIELD AS customfield, v.PARENTKEY AS parentkey,
        v.STRINGVALUE AS stringvalue, v.NUMBERVALUE AS numbervalue, v.TEXTVALUE AS textvalue, v.DATEVALUE AS datevalue
      FROM ${requireTable(db, 'customfieldvalue')} v WHERE v.ISSUE IN (SELECT i.ID${chunkIssues(db, ctx, ids, valueParams)})`,
      valueParams,
    ),
    db.query(
      `SELECT l.ID AS id, l.ISSUE AS issue, l.FIELDID AS fieldid, l.LABEL AS label
      FROM ${requireTable(db, 'label')} l WHERE l.ISSUE IN (SELECT i.ID${chunkIssues(db, ctx, ids, labelParams)})`,
      labelParams,
    ),
    associatedNames(db, ctx, ids),
  ]);
  const zone = ctx.timezone;
  const custom = await customFieldCells(db, { values, labels: labels.filter((l) => l.fieldid !== null) }, zone);
  const system = systemFieldCells(
    labels.filter((l) => l.fieldid === null),
    associated,
  );
  const fields = new Map<string, FieldCell[]>();
  for (const issue of issues) {
    const id = String(issue.id);
    const list = [...(system.get(id) ?? []), ...(custom.get(id) ?? []).map(({ field, value }) => ({ id: `customfield_${field.id}`, name: field.name, value }))];
    const environment = text(issue.environment);
    if (environment !== null && environment !== '') list.push({ id: 'environment', name: 'Environment', value: environment });
    fields.set(
      id,
      list.sort((a, b) => compareCodePoints(a.id, b.id)),
    );
  }
  return fields;
}

export const jiraIssueFields: EntityDef = {
  name: 'issue_fields',
  columns: () => ['issue_id', 'field_id', 'field_name', 'field_value'],
  async read(db, ctx, after, limit) {
    const params: unknown[] = [];
    const where = exportedIssueCondition(db, ctx, 'i', params) + afterDecimalKey('i.ID', after, params);
    const issues = await db.query(
      `SELECT i.ID AS id, i.ENVIRONMENT AS environment FROM ${requireTable(db, 'jiraissue')} i
      WHERE ${where} ORDER BY i.ID${limitClause(limit)}`,
      params,
    );
    const fields = await fieldsOf(db, ctx, issues);
    const rows = issues.flatMap((issue) => (fields.get(String(issue.id)) ?? []).map((field): Cell[] => [String(issue.id), field.id, field.name, field.value]));
    return { rows, lastKey: lastKeyOf(issues, 'id'), scanned: issues.length };
  },
  // About one row per custom field value and label of the exported issues: a rough figure for progress only.
  async estimate(db, ctx) {
    const params: unknown[] = [fromParam(db, ctx)];
    const [issues, all, values, labels] = await Promise.all([
      estimateCount(db, 'jiraissue', `UPDATED >= ?${notOptedOut(db, ctx, 'PROJECT', params)}`, params),
      estimateCount(db, 'jiraissue', ''),
      estimateCount(db, 'customfieldvalue', ''),
      estimateCount(db, 'label', ''),
    ]);
    if (issues === null || all === null || all === 0) return issues;
    return Math.round(issues * (((values ?? 0) + (labels ?? 0)) / all));
  },
};
