// The schedule, export path and opt-out cards. Each is a form the page's script sends as JSON to the
// REST API, then re-renders from the server.
import type { FC } from 'hono/jsx';
import type { OptOutType } from '../../settings/opt-out.ts';
import type { ScheduledRun } from '../../job/scheduled-run.ts';
import { WEEKDAYS } from '../../settings/schedule.ts';
import type { ScheduleView } from '../schedule-routes.ts';

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** `Mon 2024-03-04 02:00` from an ISO time with an offset, read on the server's wall clock. */
export function describeRunTime(iso: string): string {
  const day = new Date(Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10))).getUTCDay();
  return `${DAY_NAMES[day]} ${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

const Errors: FC = () => <p class="errors" role="alert" />;

const Runs: FC<{ runs: ScheduledRun[] }> = ({ runs }) =>
  runs.length === 0 ? null : (
    <ul class="runs" aria-label="Recent scheduled runs">
      {runs.slice(0, 5).map((run) => (
        <li title={run.message ?? ''}>
          <span class="when">{describeRunTime(run.scheduledFor)}</span>
          <span>
            {run.outcome === 'STARTED' ? 'started' : run.outcome === 'FAILED' ? 'failed' : 'skipped: an export was running'}
            {run.jobId !== null ? ` · job ${run.jobId}` : ''}
          </span>
        </li>
      ))}
    </ul>
  );

export const SchedulePanel: FC<{ view: ScheduleView; runs: ScheduledRun[] }> = ({ view, runs }) => {
  const days = new Set(view.days ?? []);
  return (
    <section class="card" id="schedule-card">
      <div class="card-head">
        <h2>Schedule</h2>
        <span class="tag" title="Scheduled exports run on the server's clock">
          {view.zoneId}
        </span>
      </div>
      <p class="small" id="next-run">
        {view.nextRunTime ? (
          <>
            Next export <b>{describeRunTime(view.nextRunTime)}</b>
          </>
        ) : (
          <span class="muted">No scheduled exports.</span>
        )}
      </p>
      <form data-form="schedule" data-method="PUT" data-path="/config/schedule" data-card="schedule-card">
        <fieldset class="field">
          <legend>Days</legend>
          <div class="days">
            {WEEKDAYS.map((d) => (
              <label title={d}>
                <input type="checkbox" name="days" value={d} checked={days.has(d)} />
                <span>{d.slice(0, 1) + d.slice(1, 3).toLowerCase()}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <div class="row field">
          <div>
            <label for="sched-weeks">Every (weeks)</label>
            <input id="sched-weeks" type="number" name="repeatIntervalInWeeks" min="1" max="52" value={String(view.repeatIntervalInWeeks ?? 1)} />
          </div>
          <div>
            <label for="sched-time">At</label>
            <input id="sched-time" type="time" name="time" value={view.time ?? '02:00'} />
          </div>
        </div>
        <div class="field">
          <label for="sched-from">
            Export data from <span class="muted">(empty: the last 365 days)</span>
          </label>
          <input id="sched-from" type="datetime-local" name="fromDate" data-iso={view.fromDate ?? ''} />
        </div>
        <div class="row">
          <button class="primary" type="submit">
            Save schedule
          </button>
          <button
            type="button"
            class="danger fixed"
            data-api="DELETE /config/schedule"
            data-card="schedule-card"
            data-confirm="Remove the schedule?"
            disabled={!view.days}
          >
            Remove
          </button>
        </div>
        <Errors />
      </form>
      <Runs runs={runs} />
    </section>
  );
};

export const ExportPathPanel: FC<{ rootExportPath: string; customPathSet: boolean }> = ({ rootExportPath, customPathSet }) => (
  <section class="card" id="export-path-card">
    <div class="card-head">
      <h2>Export path</h2>
      <span class="tag">{customPathSet ? 'custom' : 'default'}</span>
    </div>
    <div class="path mono" id="export-root">
      {rootExportPath}
    </div>
    <form data-form="export-path" data-method="PUT" data-path="/config/export-path" data-card="export-path-card">
      <label for="export-path-input">Custom directory (absolute, existing, writable)</label>
      <div class="row">
        <input id="export-path-input" type="text" name="path" placeholder="/var/atlassian/shared/exports" autocomplete="off" spellcheck={false} />
        <button class="primary fixed" type="submit">
          Save
        </button>
      </div>
      <div style="margin-top:8px">
        <button type="button" data-api="DELETE /config/export-path" data-card="export-path-card" disabled={!customPathSet}>
          Use the default
        </button>
      </div>
      <Errors />
    </form>
  </section>
);

export const OptOutPanel: FC<{ type: OptOutType; keys: string[] }> = ({ type, keys }) => {
  const noun = type === 'SPACE' ? 'spaces' : 'projects';
  return (
    <section class="card" id="optout-card">
      <div class="card-head">
        <h2>Opted-out {noun}</h2>
        <span class="tag">{keys.length}</span>
      </div>
      {keys.length === 0 ? (
        <p class="small muted">None: every {type === 'SPACE' ? 'space' : 'project'} is exported.</p>
      ) : (
        <div class="chips">
          {keys.map((k) => (
            <span class="chip">{k}</span>
          ))}
        </div>
      )}
      <form data-form="optout" data-method="POST" data-path="/config/optout" data-card="optout-card">
        <input type="hidden" name="type" value={type} />
        <label for="optout-keys">{type === 'SPACE' ? 'Space' : 'Project'} keys, one per line or comma-separated</label>
        <textarea id="optout-keys" name="keys" rows={3} spellcheck={false}>
          {keys.join('\n')}
        </textarea>
        <p class="small muted" style="margin:4px 0 8px">
          Their {type === 'SPACE' ? 'pages, comments and events' : 'issues'} are left out from the next export on.
        </p>
        <div class="row">
          <button class="primary" type="submit">
            Save
          </button>
          <button
            type="button"
            class="fixed"
            data-api="DELETE /config/optout"
            data-card="optout-card"
            data-confirm={`Export every ${type === 'SPACE' ? 'space' : 'project'} again?`}
            disabled={keys.length === 0}
          >
            Clear
          </button>
        </div>
        <Errors />
      </form>
    </section>
  );
};
