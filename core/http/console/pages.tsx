// The two whole pages: sign-in and the console. Styles and scripts are inline (no network); the script
// is the page's browser code bundled at start-up, and carries the response's CSP nonce.
import type { FC, PropsWithChildren } from 'hono/jsx';
import type { OptOutType } from '../../settings/opt-out.ts';
import type { JobStatus } from '../../job/status.ts';
import type { ResumeOffer } from '../../job/resume.ts';
import type { ScheduledRun } from '../../job/scheduled-run.ts';
import type { ScheduleView } from '../schedule-routes.ts';
import { HistoryPanel, type HistoryPage } from './history-panel.tsx';
import { JobPanel } from './job-panel.tsx';
import { ExportPathPanel, OptOutPanel, SchedulePanel } from './settings-panels.tsx';
import { CONSOLE_CSS } from './styles.ts';

const Layout: FC<PropsWithChildren<{ title: string; nonce: string; script: string }>> = ({ title, nonce, script, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="referrer" content="no-referrer" />
      <title>{title}</title>
      <link rel="icon" href="data:," />
      <style dangerouslySetInnerHTML={{ __html: CONSOLE_CSS }} />
    </head>
    <body>
      {children}
      <script nonce={nonce} dangerouslySetInnerHTML={{ __html: script }} />
    </body>
  </html>
);

/** `script` is the page's browser code, bundled (adapters/console-bundle.ts); `nonce` lets it run. */
export const SignInPage: FC<{ nonce: string; script: string }> = ({ nonce, script }) => (
  <Layout title="Sign in · Sluice data pipeline" nonce={nonce} script={script}>
    <form id="signin" class="card signin" autocomplete="off">
      <h1>Sluice data pipeline</h1>
      <p>
        Sign in with an admin token (one of <code>SLUICE_TOKENS</code>).
      </p>
      <label for="token">Admin token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required autofocus />
      <button class="primary" type="submit">
        Sign in
      </button>
      <p class="errors" role="alert" />
    </form>
  </Layout>
);

export interface ConsoleProps {
  nonce: string;
  script: string;
  product: string;
  siteUrl: string;
  nodeId: string;
  nowMs: number;
  job: JobStatus | null;
  /** What a resume would keep, when there is an interrupted export to resume. */
  offer: ResumeOffer | null;
  history: HistoryPage;
  schedule: ScheduleView;
  runs: ScheduledRun[];
  exportPath: { rootExportPath: string; customPathSet: boolean };
  optOut: { type: OptOutType; keys: string[] };
}

const ExportActions: FC = () => (
  <form id="export-form" class="actions">
    <div>
      <label for="export-from">
        Export data from <span class="muted">(empty: the last 365 days)</span>
      </label>
      <input id="export-from" type="datetime-local" name="fromDate" />
    </div>
    <label class="check" title="Pre-validation problems become warnings instead of failing the export">
      <input type="checkbox" name="force" /> Force
    </label>
    <button id="export-button" class="primary" type="submit">
      Export
    </button>
    <button id="cancel-button" class="danger" type="button" disabled>
      Cancel
    </button>
    <p class="errors" role="alert" style="flex-basis:100%" />
  </form>
);

export const ConsolePage: FC<ConsoleProps> = (p) => (
  <Layout title="Data pipeline · Sluice" nonce={p.nonce} script={p.script}>
    <header class="top">
      <div class="brand">
        Sluice<span>Data pipeline</span>
      </div>
      <div class="meta">
        {p.product === 'jira' ? 'Jira' : 'Confluence'} · {p.siteUrl} · node {p.nodeId}
      </div>
      <button id="sign-out" type="button">
        Sign out
      </button>
    </header>
    <main class="grid">
      <div class="col">
        <section class="card" id="job-card">
          <div class="card-head">
            <h2>Current export</h2>
          </div>
          <ExportActions />
          <JobPanel job={p.job} nowMs={p.nowMs} offer={p.offer} />
          <div class="chart" id="rate-chart">
            <div class="chart-head">
              <span>Export rate</span>
              <span id="rate-caption" />
            </div>
            <svg viewBox="0 0 600 110" preserveAspectRatio="none" role="img" aria-label="Export rate over the current job" />
          </div>
        </section>
        <section class="card">
          <div class="card-head">
            <h2>History</h2>
          </div>
          <HistoryPanel page={p.history} />
        </section>
      </div>
      <div class="col">
        <SchedulePanel view={p.schedule} runs={p.runs} />
        <ExportPathPanel {...p.exportPath} />
        <OptOutPanel {...p.optOut} />
      </div>
    </main>
    <div id="toast" class="toast" role="status" aria-live="polite" />
  </Layout>
);
