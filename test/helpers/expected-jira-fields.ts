/**
 * Expected issue_fields rows (SPEC section 10), from the fixture's rows alone: one row per exported issue
 * and field with a value, issues by id and fields by field id.
 */
import type { Cell, Row } from '../fixtures/jira-fixture.ts';
import { byCodePoints, byId, plainDecimal } from './expected-jira-cells.ts';
import type { Site } from './expected-jira.ts';

const SYS = 'com.atlassian.jira.plugin.system.customfieldtypes:';
const OPTION_TYPES = ['select', 'radiobuttons', 'multiselect', 'multicheckboxes', 'cascadingselect'].map((t) => SYS + t);
const USER_TYPES = [`${SYS}userpicker`, `${SYS}multiuserpicker`];
const SPRINT = 'com.pyxis.greenhopper.jira:gh-sprint';
const ARRAY_TYPES = ['multiselect', 'multicheckboxes', 'multiuserpicker', 'multigrouppicker', 'multiversion', 'labels'].map((t) => SYS + t).concat(SPRINT);

interface Field {
  id: string;
  name: Cell;
  value: string;
}

const hasText = (v: Cell | undefined): v is string => v !== null && v !== undefined && v !== '';

function resolveValue(site: Site, type: Cell, row: Row): Cell {
  const { fixture } = site;
  if (OPTION_TYPES.includes(String(type))) return fixture.customfieldoption.find((o) => o.ID === row.STRINGVALUE)?.customvalue ?? null;
  if (USER_TYPES.includes(String(type))) return site.userId(row.STRINGVALUE);
  if (type === SPRINT) return fixture.AO_60DB71_SPRINT.find((s) => String(s.ID) === row.STRINGVALUE)?.NAME ?? null;
  const candidates = [row.STRINGVALUE, plainDecimal(row.NUMBERVALUE), row.TEXTVALUE, site.date(row.DATEVALUE)];
  return candidates.find(hasText) ?? null;
}

function customFields(site: Site, issue: Row): Field[] {
  const { fixture } = site;
  const fields: Field[] = [];
  for (const field of fixture.customfield) {
    const type = field.CUSTOMFIELDTYPEKEY;
    let values: string[];
    if (type === `${SYS}labels`) {
      values = [
        ...new Set(
          fixture.label
            .filter((l) => l.ISSUE === issue.ID && l.FIELDID === field.ID)
            .map((l) => l.LABEL)
            .filter(hasText),
        ),
      ];
    } else {
      const rows = fixture.customfieldvalue.filter((v) => v.ISSUE === issue.ID && v.CUSTOMFIELD === field.ID).sort(byId);
      if (type === `${SYS}cascadingselect`) {
        const parent = rows.find((r) => r.PARENTKEY === null);
        const child = rows.find((r) => r.PARENTKEY !== null);
        const pair = [parent, child].map((r) => (r ? resolveValue(site, type, r) : null)).filter(hasText);
        if (pair.length > 0) fields.push({ id: `customfield_${String(field.ID)}`, name: field.cfname, value: JSON.stringify(pair) });
        continue;
      }
      values = rows.map((r) => resolveValue(site, type, r)).filter(hasText);
    }
    if (values.length === 0) continue;
    const value = values.length === 1 && !ARRAY_TYPES.includes(String(type)) ? values[0] : JSON.stringify(byCodePoints(values));
    fields.push({ id: `customfield_${String(field.ID)}`, name: field.cfname, value });
  }
  return fields;
}

function systemFields(site: Site, issue: Row): Field[] {
  const { fixture } = site;
  const fields: Field[] = [];
  const add = (id: string, name: string, values: string[]) => {
    if (values.length > 0) fields.push({ id, name, value: JSON.stringify(byCodePoints(values)) });
  };
  add('labels', 'Labels', [
    ...new Set(
      fixture.label
        .filter((l) => l.ISSUE === issue.ID && l.FIELDID === null)
        .map((l) => l.LABEL)
        .filter(hasText),
    ),
  ]);
  const associated = (type: string, sink: string, table: 'component' | 'projectversion', column: string) =>
    fixture.nodeassociation
      .filter((n) => n.SOURCE_NODE_ID === issue.ID && n.SOURCE_NODE_ENTITY === 'Issue' && n.SINK_NODE_ENTITY === sink && n.ASSOCIATION_TYPE === type)
      .map((n) => site.find(table, n.SINK_NODE_ID)?.[column] ?? null)
      .filter(hasText);
  add('components', 'Component/s', associated('IssueComponent', 'Component', 'component', 'cname'));
  add('fixVersions', 'Fix Version/s', associated('IssueFixVersion', 'Version', 'projectversion', 'vname'));
  add('versions', 'Affects Version/s', associated('IssueVersion', 'Version', 'projectversion', 'vname'));
  if (hasText(issue.ENVIRONMENT)) fields.push({ id: 'environment', name: 'Environment', value: issue.ENVIRONMENT });
  return fields;
}

export function expectedFieldRows(site: Site): Cell[][] {
  return site.fixture.jiraissue
    .filter((i) => site.isExported(i))
    .sort(byId)
    .flatMap((issue) => {
      const fields = [...systemFields(site, issue), ...customFields(site, issue)];
      const order = byCodePoints(fields.map((f) => f.id));
      return fields.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id)).map((f) => [issue.ID, f.id, f.name, f.value]);
    });
}
