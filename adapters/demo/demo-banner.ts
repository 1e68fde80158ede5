// What the server prints when it starts on the demo site: that it is the demo, where the API and the
// admin console are, the admin token and commands to paste.
import { API_PATH } from '../../core/http/endpoints.ts';
import type { DemoSite } from './demo-site.ts';

export function demoBanner(demo: DemoSite, origin: string, printedToken: string | null): string[] {
  const { spaces, pages, comments, users, events } = demo.summary;
  const api = `${origin}${API_PATH}/export`;
  const token = printedToken ?? '<one of your SLUICE_TOKENS>';
  const auth = `-H 'Authorization: Bearer ${token}'`;
  return [
    `Sluice is running on the embedded DEMO site, a generated Confluence site in PGlite (${demo.dir}):`,
    `  ${spaces} spaces, ${pages} pages and blog posts, ${comments} comments, ${users} users, ${events} analytics events.`,
    '  Set DATABASE_URL=mysql://… or postgres://… to export your own Confluence or Jira site instead.',
    '  Nothing else uses this database, so exports run at full speed unless SLUICE_IMPACT_BUDGET is set.',
    `REST API: ${api}`,
    `Admin console: ${origin}/admin/data-pipeline`,
    ...(printedToken ? [`Admin token (stored in ${demo.dir}/admin-token): ${printedToken}`] : []),
    'Start an export:',
    `  curl -X POST ${auth} -H 'X-Atlassian-Token: no-check' ${api}`,
    'Follow it:',
    `  curl ${auth} ${api}`,
  ];
}
