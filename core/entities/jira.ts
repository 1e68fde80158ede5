// Jira's five files (SPEC section 10). Schema v2 is the default; v1 adds user names to issues and has no users file.
import type { ProductDef } from './entity.ts';
import { jiraIssueFields } from './jira-issue-fields.ts';
import { jiraIssueHistory } from './jira-issue-history.ts';
import { jiraIssueLinks } from './jira-issue-links.ts';
import { jiraIssues } from './jira-issues.ts';
import { jiraUsers } from './jira-users.ts';

export const jira: ProductDef = {
  product: 'jira',
  schemaVersions: [
    { version: 2, status: 'ACTIVE' },
    { version: 1, status: 'DEPRECATED' },
  ],
  entities: [jiraIssues, jiraIssueFields, jiraIssueHistory, jiraIssueLinks, jiraUsers],
  // An issue view reads its jiraissue row first.
  probe: { table: 'jiraissue', key: 'ID', columns: ['ID', 'issuenum', 'SUMMARY', 'UPDATED'] },
};
