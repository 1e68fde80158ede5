/**
 * What the five Jira CSV files must hold for a fixture, computed from SPEC section 10 in plain TypeScript
 * over the fixture's rows: no code from core/, workers/ or adapters/.
 */
import type { Cell, JiraFixture, Row } from '../fixtures/jira-fixture.ts';
import { byId, first2000, isoSeconds, plainDecimal, wallClockToEpochMs } from './expected-jira-cells.ts';
import { expectedFieldRows } from './expected-jira-fields.ts';

export type JiraEntity = 'issues' | 'issue_fields' | 'issue_history' | 'issue_links' | 'users';
export const JIRA_ENTITIES: JiraEntity[] = ['issues', 'issue_fields', 'issue_history', 'issue_links', 'users'];

export interface ExpectedJiraOptions {
  baseUrl: string;
  fromMs: number;
  /** IANA zone the datetime columns were written in (SOURCE_TIMEZONE). */
  timezone: string;
  schemaVersion: 1 | 2;
  optedOutProjectKeys?: string[];
  /** Replaces each line break inside a value; null keeps them. */
  lineBreakEscape?: string | null;
}

export function expectedIssueColumns(schemaVersion: number): string[] {
  const user = (role: string) => (schemaVersion === 1 ? [`${role}_id`, `${role}_name`] : [`${role}_id`]);
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
    ...user('creator'),
    ...user('reporter'),
    ...user('assignee'),
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

const HEADERS: Record<Exclude<JiraEntity, 'issues'>, string[]> = {
  issue_fields: ['issue_id', 'field_id', 'field_name', 'field_value'],
  issue_history: ['issue_id', 'changelog_id', 'author_id', 'author_key', 'created_date', 'field', 'field_type', 'from', 'from_string', 'to', 'to_string'],
  issue_links: ['link_id', 'link_type', 'source_issue_id', 'destination_issue_id', 'outward_description', 'inward_description'],
  users: ['instance_url', 'user_id', 'user_key', 'user_name', 'user_fullname', 'user_email'],
};

// ---------------------------------------------------------------------------------------------
// The site as the spec describes it.

export interface Site {
  fixture: JiraFixture;
  options: ExpectedJiraOptions;
  find(table: keyof JiraFixture, id: Cell): Row | undefined;
  projectOf(issue: Row): Row | undefined;
  isExported(issue: Row | undefined): boolean;
  isOptedOut(issue: Row | undefined): boolean;
  userId(key: Cell): string | null;
  account(key: Cell): Row | undefined;
  date(local: Cell): string | null;
}

function createSite(fixture: JiraFixture, options: ExpectedJiraOptions): Site {
  const find = (table: keyof JiraFixture, id: Cell) => (id === null ? undefined : fixture[table].find((r) => r.ID === String(id)));
  const projectOf = (issue: Row) => find('project', issue.PROJECT);
  const optedOut = new Set(options.optedOutProjectKeys ?? []);
  const isOptedOut = (issue: Row | undefined) => issue !== undefined && optedOut.has(String(projectOf(issue)?.pkey));
  const appUser = (key: Cell) => (key === null ? undefined : fixture.app_user.find((u) => u.user_key === key));
  const activeDirs = new Set(fixture.cwd_directory.filter((d) => d.active === '1').map((d) => String(d.ID)));
  return {
    fixture,
    options,
    find,
    projectOf,
    isOptedOut,
    isExported: (issue) =>
      issue !== undefined && issue.UPDATED !== null && !isOptedOut(issue) && wallClockToEpochMs(String(issue.UPDATED), options.timezone) >= options.fromMs,
    userId: (key) => (appUser(key)?.ID as string | undefined) ?? null,
    account(key) {
      const user = appUser(key);
      if (!user || user.lower_user_name === null) return undefined;
      return fixture.cwd_user
        .filter((c) => c.lower_user_name === user.lower_user_name && activeDirs.has(String(c.directory_id)))
        .sort((a, b) => byId(a, b, 'directory_id'))[0];
    },
    date: (local) => isoSeconds(local, options.timezone),
  };
}

// ---------------------------------------------------------------------------------------------
// The files.

const PROJECT_TYPES: Record<string, string> = { business: 'Business', software: 'Software', service_desk: 'Service Desk' };
const CATEGORIES: Record<string, string> = { '1': 'No Category', '2': 'To Do', '4': 'In Progress', '3': 'Done' };

function issueRows(site: Site): Cell[][] {
  const { fixture, options } = site;
  return fixture.jiraissue
    .filter((i) => site.isExported(i))
    .sort(byId)
    .map((issue) => {
      const project = site.projectOf(issue);
      const key = project && issue.issuenum !== null ? `${String(project.pkey)}-${String(issue.issuenum)}` : null;
      const categoryLink =
        project &&
        fixture.nodeassociation
          .filter(
            (n) =>
              n.SOURCE_NODE_ID === project.ID &&
              n.SOURCE_NODE_ENTITY === 'Project' &&
              n.SINK_NODE_ENTITY === 'ProjectCategory' &&
              n.ASSOCIATION_TYPE === 'ProjectCategory',
          )
          .sort((a, b) => byId(a, b, 'SINK_NODE_ID'))[0];
      const status = site.find('issuestatus', issue.issuestatus);
      const priority = site.find('priority', issue.PRIORITY);
      const user = (role: string) => {
        const id = site.userId(issue[role]);
        return options.schemaVersion === 1 ? [id, id === null ? null : (site.account(issue[role])?.display_name ?? null)] : [id];
      };
      const projectType = project?.PROJECTTYPE ?? null;
      return [
        issue.ID,
        options.baseUrl,
        key && `${options.baseUrl}/browse/${key}`,
        key,
        project?.pkey ?? null,
        project?.pname ?? null,
        projectType === null ? null : (PROJECT_TYPES[String(projectType)] ?? projectType),
        categoryLink ? (site.find('projectcategory', categoryLink.SINK_NODE_ID)?.cname ?? null) : null,
        site.find('issuetype', issue.issuetype)?.pname ?? null,
        issue.SUMMARY,
        first2000(issue.DESCRIPTION),
        ...user('CREATOR'),
        ...user('REPORTER'),
        ...user('ASSIGNEE'),
        status?.pname ?? null,
        status?.STATUSCATEGORY == null ? null : (CATEGORIES[String(status.STATUSCATEGORY)] ?? null),
        plainDecimal(priority?.SEQUENCE ?? null),
        priority?.pname ?? null,
        site.find('resolution', issue.RESOLUTION)?.pname ?? null,
        issue.WATCHES,
        issue.VOTES,
        site.date(issue.CREATED),
        site.date(issue.RESOLUTIONDATE),
        site.date(issue.UPDATED),
        site.date(issue.DUEDATE),
        issue.TIMEORIGINALESTIMATE,
        issue.TIMEESTIMATE,
        issue.TIMESPENT,
        site.find('schemeissuesecuritylevels', issue.SECURITY)?.NAME ?? null,
      ];
    });
}

function historyRows(site: Site): Cell[][] {
  const { fixture } = site;
  const fromMs = site.options.fromMs;
  return [...fixture.changeitem].sort(byId).flatMap((item) => {
    const group = site.find('changegroup', item.groupid);
    if (!group || group.CREATED === null || wallClockToEpochMs(String(group.CREATED), site.options.timezone) < fromMs) return [];
    if (site.isOptedOut(site.find('jiraissue', group.issueid))) return [];
    return [
      [
        group.issueid,
        group.ID,
        site.userId(group.AUTHOR),
        group.AUTHOR,
        site.date(group.CREATED),
        item.FIELD,
        item.FIELDTYPE,
        first2000(item.OLDVALUE),
        first2000(item.OLDSTRING),
        first2000(item.NEWVALUE),
        first2000(item.NEWSTRING),
      ],
    ];
  });
}

function linkRows(site: Site): Cell[][] {
  return [...site.fixture.issuelink].sort(byId).flatMap((link) => {
    const type = site.find('issuelinktype', link.LINKTYPE);
    if (type?.pstyle === 'jira_subtask') return [];
    const [source, destination] = [site.find('jiraissue', link.SOURCE), site.find('jiraissue', link.DESTINATION)];
    if (!site.isExported(source) && !site.isExported(destination)) return [];
    if (site.isOptedOut(source) || site.isOptedOut(destination)) return [];
    return [[link.ID, type?.LINKNAME ?? null, link.SOURCE, link.DESTINATION, type?.OUTWARD ?? null, type?.INWARD ?? null]];
  });
}

function userRows(site: Site): Cell[][] {
  return [...site.fixture.app_user].sort(byId).flatMap((user) => {
    const account = site.account(user.user_key);
    return account ? [[site.options.baseUrl, user.ID, user.user_key, account.user_name, account.display_name, account.email_address]] : [];
  });
}

/** Per file: the header row, then the data rows in file order, each cell as its exact CSV text. */
export function expectedJiraFiles(fixture: JiraFixture, options: ExpectedJiraOptions): Partial<Record<JiraEntity, string[][]>> {
  const site = createSite(fixture, options);
  const escape = options.lineBreakEscape === undefined ? '\\n' : options.lineBreakEscape;
  const finish = (rows: Cell[][]) =>
    rows.map((row) =>
      row.map((cell) => {
        const text = cell === null ? '' : String(cell);
        return escape === null ? text : text.replace(/\r\n|\r|\n/g, () => escape);
      }),
    );
  const files: Partial<Record<JiraEntity, string[][]>> = {
    issues: [expectedIssueColumns(options.schemaVersion), ...finish(issueRows(site))],
    issue_fields: [HEADERS.issue_fields, ...finish(expectedFieldRows(site))],
    issue_history: [HEADERS.issue_history, ...finish(historyRows(site))],
    issue_links: [HEADERS.issue_links, ...finish(linkRows(site))],
  };
  if (options.schemaVersion === 2) files.users = [HEADERS.users, ...finish(userRows(site))];
  return files;
}
