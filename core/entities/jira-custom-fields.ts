// Custom field values of a chunk of issues (SPEC section 10, issue_fields): one `customfieldvalue` row per
// value, resolved by the field's type: option ids to option values, user keys to user ids, sprint ids to
// sprint names, cascading selects to [parent, child], a labels field from `label`.
import { dateCellSeconds, decimalCell } from './cells.ts';
import { sortedJsonArray } from './labels.ts';
import { requireTable, text, type Cell, type Db, type DbRow } from '../source.ts';
import { indexBy, lookupIn, numericIds, userIdsByKey } from './jira-lookups.ts';

const SYSTEM_TYPE = 'com.atlassian.jira.plugin.system.customfieldtypes:';
const SPRINT_TYPE = 'com.pyxis.greenhopper.jira:gh-sprint';
const SPRINT_TABLE = 'AO_60DB71_SPRINT';

type Kind = 'option' | 'cascade' | 'user' | 'labels' | 'sprint' | 'plain';

const KINDS: Readonly<Record<string, Kind>> = {
  [`${SYSTEM_TYPE}select`]: 'option',
  [`${SYSTEM_TYPE}radiobuttons`]: 'option',
  [`${SYSTEM_TYPE}multiselect`]: 'option',
  [`${SYSTEM_TYPE}multicheckboxes`]: 'option',
  [`${SYSTEM_TYPE}cascadingselect`]: 'cascade',
  [`${SYSTEM_TYPE}userpicker`]: 'user',
  [`${SYSTEM_TYPE}multiuserpicker`]: 'user',
  [`${SYSTEM_TYPE}labels`]: 'labels',
  [SPRINT_TYPE]: 'sprint',
};

// Fields that hold a set of values: always a JSON array, even with one value. Other fields are an array
// only when a site holds several values for them.
const ALWAYS_ARRAY = new Set(
  ['multiselect', 'multicheckboxes', 'multiuserpicker', 'multigrouppicker', 'multiversion', 'labels'].map((t) => SYSTEM_TYPE + t).concat(SPRINT_TYPE),
);

export interface FieldDef {
  id: string;
  name: Cell;
  type: string | null;
}

export interface CustomFieldInput {
  /** `customfieldvalue` rows of the chunk's issues. */
  values: readonly DbRow[];
  /** `label` rows of the chunk's issues that belong to a custom field (FIELDID set). */
  labels: readonly DbRow[];
}

/** What the value rows point at, looked up once for the whole chunk. */
interface Resolved {
  fields: Map<string, FieldDef>;
  options: Map<string, DbRow>;
  sprints: Map<string, DbRow>;
  users: Map<string, string>;
}

const kindOf = (field: FieldDef): Kind => (field.type === null ? 'plain' : (KINDS[field.type] ?? 'plain'));
const referenced = (row: DbRow): string | null => text(row.stringvalue) ?? decimalCell(row.numbervalue);

async function resolve(db: Db, input: CustomFieldInput): Promise<Resolved> {
  const fieldIds = numericIds([...input.values.map((v) => text(v.customfield)), ...input.labels.map((l) => text(l.fieldid))]);
  const fieldRows = await lookupIn(
    db,
    fieldIds,
    (marks) => `SELECT f.ID AS id, f.cfname AS name,
    f.CUSTOMFIELDTYPEKEY AS type FROM ${requireTable(db, 'customfield')} f WHERE f.ID IN (${marks})`,
  );
  const fields = new Map(fieldRows.map((f): [string, FieldDef] => [String(f.id), { id: String(f.id), name: text(f.name), type: text(f.type) }]));
  const refsOf = (kinds: Kind[]) =>
    input.values
      .filter((v) => {
        const f = fields.get(String(v.customfield));
        return f !== undefined && kinds.includes(kindOf(f));
      })
      .map(referenced);
  const sprintTable = db.table(SPRINT_TABLE);
  const [options, sprints, users] = await Promise.all([
    lookupIn(
      db,
      numericIds(refsOf(['option', 'cascade'])),
      (marks) => `SELECT o.ID AS id, o.customvalue AS value
      FROM ${requireTable(db, 'customfieldoption')} o WHERE o.ID IN (${marks})`,
    ).then((rows) => indexBy(rows, 'id')),
    sprintTable === null
      ? new Map<string, DbRow>()
      : lookupIn(
          db,
          numericIds(refsOf(['sprint'])),
          (marks) => `SELECT s.${db.id('ID')} AS id, s.${db.id('NAME')} AS value FROM ${sprintTable} s WHERE s.${db.id('ID')} IN (${marks})`,
        ).then((rows) => indexBy(rows, 'id')),
    userIdsByKey(db, refsOf(['user'])),
  ]);
  return { fields, options, sprints, users };
}

function valueOf(row: DbRow, kind: Kind, resolved: Resolved, zone: string): Cell {
  const ref = referenced(row);
  switch (kind) {
    case 'option':
    case 'cascade':
      return ref === null ? null : text(resolved.options.get(ref)?.value);
    case 'sprint':
      return ref === null ? null : text(resolved.sprints.get(ref)?.value);
    case 'user':
      return ref === null ? null : (resolved.users.get(ref) ?? null);
    default:
      return plainValue(row, zone);
  }
}

/** A value of a field without references: the first column that holds one (the later ones read only if needed). */
function plainValue(row: DbRow, zone: string): Cell {
  const string = text(row.stringvalue);
  if (isValue(string)) return string;
  const number = decimalCell(row.numbervalue);
  if (isValue(number)) return number;
  const long = text(row.textvalue);
  if (isValue(long)) return long;
  const date = dateCellSeconds(row.datevalue, zone);
  return isValue(date) ? date : null;
}

/** `["parent","child"]`: the parent option's row has no PARENTKEY, the child's points at the parent. */
function cascadeCell(rows: readonly DbRow[], resolved: Resolved): Cell {
  const parent = rows.find((r) => r.parentkey === null);
  const child = rows.find((r) => r.parentkey !== null);
  const values = [parent, child].map((r) => (r ? valueOf(r, 'cascade', resolved, 'UTC') : null)).filter(isValue);
  return values.length === 0 ? null : JSON.stringify(values);
}

const isValue = (cell: Cell): cell is string => cell !== null && cell !== '';

/** Custom field cells per issue id (field id → value); fields without a value have no entry. */
export async function customFieldCells(db: Db, input: CustomFieldInput, zone: string): Promise<Map<string, { field: FieldDef; value: string }[]>> {
  const resolved = await resolve(db, input);
  const groups = new Map<string, { issue: string; field: FieldDef; rows: DbRow[] }>();
  const add = (issue: unknown, fieldId: unknown, row: DbRow, wantLabels: boolean) => {
    const field = resolved.fields.get(String(fieldId));
    // Values of a custom field that no longer exists are orphans Jira itself neither shows nor names.
    if (!field || (kindOf(field) === 'labels') !== wantLabels) return;
    const key = `${String(issue)}\u0000${field.id}`;
    if (!groups.has(key)) groups.set(key, { issue: String(issue), field, rows: [] });
    groups.get(key)!.rows.push(row);
  };
  for (const row of input.values) add(row.issue, row.customfield, row, false);
  for (const row of input.labels) add(row.issue, row.fieldid, row, true);
  const cells = new Map<string, { field: FieldDef; value: string }[]>();
  for (const { issue, field, rows } of groups.values()) {
    const value = fieldCell(field, rows, resolved, zone);
    if (value === null) continue;
    if (!cells.has(issue)) cells.set(issue, []);
    cells.get(issue)!.push({ field, value });
  }
  return cells;
}

function fieldCell(field: FieldDef, rows: DbRow[], resolved: Resolved, zone: string): Cell {
  const kind = kindOf(field);
  const ordered = rows.length === 1 ? rows : [...rows].sort((a, b) => (BigInt(String(a.id)) < BigInt(String(b.id)) ? -1 : 1));
  if (kind === 'cascade') return cascadeCell(ordered, resolved);
  const values =
    kind === 'labels' ? [...new Set(ordered.map((r) => text(r.label)).filter(isValue))] : ordered.map((r) => valueOf(r, kind, resolved, zone)).filter(isValue);
  if (values.length === 0) return null;
  return values.length === 1 && !ALWAYS_ARRAY.has(field.type ?? '') ? values[0] : sortedJsonArray(values);
}
