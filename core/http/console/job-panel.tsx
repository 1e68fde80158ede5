// The current job: status, totals, one progress bar per entity with its rate, ETA and governor state.
// Re-rendered every second while a job runs; its root carries the figures the rate chart samples.
import type { FC } from 'hono/jsx';
import type { ResumeOffer } from '../../job/resume.ts';
import type { JobStatus } from '../../job/status.ts';
import {
  ENTITY_LABELS,
  formatCount,
  formatDuration,
  formatPercent,
  formatWallTime,
  pacingSummary,
  STATUS_LABELS,
  summarize,
  type EntityRow,
} from './view-model.ts';

export const StatusBadge: FC<{ status: JobStatus['status'] | 'NOT_STARTED' }> = ({ status }) => (
  <span class={`badge s-${status}`}>{STATUS_LABELS[status]}</span>
);

const Governor: FC<{ row: EntityRow }> = ({ row }) => {
  const g = row.governor;
  if (row.state === 'done') return <span class="gov">done</span>;
  if (row.state === 'stopped') return <span class="gov">stopped</span>;
  if (row.state === 'pending') return <span class="gov">waiting</span>;
  if (!g) return <span class="gov">starting</span>;
  if (g.paused)
    return (
      <span class="gov paused" title={g.reason ?? ''}>
        paused{g.reason ? `: ${g.reason}` : ''}
      </span>
    );
  const duty = typeof g.dutyCycle === 'number' ? ` · works ${formatPercent(g.dutyCycle)} of the time` : '';
  return (
    <span class="gov" title={g.reason ?? 'Rows per chunk, and the share of the time this entity works (its duty cycle)'}>
      chunk {formatCount(g.chunkRows)}
      {duty}
    </span>
  );
};

/** What the impact governor measures and why it slows the export. */
const PacingLine: FC<{ job: JobStatus }> = ({ job }) => {
  const summary = pacingSummary(job);
  if (!summary) return null;
  return (
    <div class={`pacing${summary.slowing ? ' slowing' : ''}`} title={summary.detail ?? ''}>
      <b>Impact governor</b> {summary.text}
      {summary.detail ? <span class="muted"> · {summary.detail}</span> : null}
    </div>
  );
};

const EntityLine: FC<{ row: EntityRow }> = ({ row }) => {
  const cls =
    row.state === 'done'
      ? 'bar done'
      : row.state === 'stopped'
        ? 'bar stopped'
        : row.state === 'pending'
          ? 'bar pending'
          : row.percent === null
            ? 'bar unknown'
            : 'bar';
  return (
    <tr data-entity={row.name}>
      <td>{row.label}</td>
      <td style="width:38%">
        <div class={cls}>
          <i style={`width:${row.percent ?? 0}%`} />
        </div>
      </td>
      <td class="pct">{row.percent === null ? '' : `${row.percent}%`}</td>
      <td class="num">
        {formatCount(row.rows)}
        <span class="muted"> / {row.estimatedRows === null ? '?' : formatCount(row.estimatedRows)}</span>
      </td>
      <td class="num">{row.rowsPerSecond === null ? '–' : formatCount(row.rowsPerSecond)}</td>
      <td class="num">{row.etaSeconds === null ? '–' : row.state === 'done' ? '' : formatDuration(row.etaSeconds * 1000)}</td>
      <td>
        <Governor row={row} />
      </td>
    </tr>
  );
};

const Notes: FC<{ job: JobStatus }> = ({ job }) => (
  <>
    {job.errors?.length ? (
      <div class="note bad">
        <ul>
          {job.errors.map((e) => (
            <li title={e.key}>{e.message}</li>
          ))}
        </ul>
      </div>
    ) : null}
    {job.warnings?.length ? (
      <div class="note warn">
        <ul>
          {job.warnings.map((e) => (
            <li title={e.key}>{e.message}</li>
          ))}
        </ul>
      </div>
    ) : null}
    {job.heartbeat?.stale ? (
      <div class="note warn">
        The node {job.nodeId} has not reported since {formatWallTime(job.heartbeat.time)}: it may have stopped. Cancel releases the job; Resume carries it on.
      </div>
    ) : null}
  </>
);

/** What POST /export?resume=true would carry on and keep, with the button that sends it. */
export const ResumeBox: FC<{ offer: ResumeOffer }> = ({ offer }) => {
  const what = offer.crashed
    ? `Job ${offer.jobId} was left running by a node that stopped`
    : `Job ${offer.jobId} was ${STATUS_LABELS[offer.status].toLowerCase()}`;
  const detail = offer.entities.map((e) => `${ENTITY_LABELS[e.name] ?? e.name}: ${e.done ? 'done, ' : ''}${formatCount(e.rows)} rows`).join('\n');
  return (
    <div id="resume" class="note resume" data-job-id={String(offer.jobId)} data-entities-done={String(offer.entitiesDone)} data-rows={String(offer.rowsKept)}>
      <span title={detail}>
        {what}. A resume keeps{' '}
        <b>
          {offer.entitiesDone} of {offer.entities.length}
        </b>{' '}
        entities done and <b>{formatCount(offer.rowsKept)}</b> rows written, and carries the others on where each stopped.
      </span>
      <button id="resume-button" class="primary" type="button">
        Resume job {offer.jobId}
      </button>
    </div>
  );
};

export const JobPanel: FC<{ job: JobStatus | null; nowMs: number; offer?: ResumeOffer | null }> = ({ job, nowMs, offer = null }) => {
  if (!job) {
    return (
      <div id="job" data-status="NOT_STARTED" data-running="false">
        <div class="jobline">
          <StatusBadge status="NOT_STARTED" />
          <span class="muted">No export has run on this site yet.</span>
        </div>
      </div>
    );
  }
  const s = summarize(job, nowMs);
  return (
    <div
      id="job"
      data-job-id={String(job.jobId)}
      data-status={job.status}
      data-running={String(s.running)}
      data-rows={String(s.totalRows)}
      data-start={String(Date.parse(job.startTime))}
      data-now={String(nowMs)}
    >
      <div class="jobline">
        <StatusBadge status={job.status} />
        <span class="id">Job {job.jobId}</span>
        <span class="kv">
          started <b>{formatWallTime(job.startTime)}</b>
        </span>
        <span class="kv">
          on <b>{job.nodeId}</b>
        </span>
        <span class="kv">
          from <b>{formatWallTime(job.config.exportFrom)}</b>
        </span>
        {job.config.forcedExport ? <span class="tag">forced</span> : null}
      </div>
      <div class="stats">
        <div class="stat">
          <div class="k">Rows</div>
          <div class="v">
            {formatCount(s.totalRows)} <small>{s.totalEstimated === null || !s.running ? '' : `of ~${formatCount(s.totalEstimated)}`}</small>
          </div>
        </div>
        <div class="stat">
          <div class="k">Rate</div>
          <div class="v">
            {s.rowsPerSecond === null ? '–' : formatCount(s.rowsPerSecond)} <small>rows/s</small>
          </div>
        </div>
        <div class="stat">
          <div class="k">{s.running ? 'ETA' : 'Finished'}</div>
          <div class="v">{s.running ? formatDuration(s.etaSeconds === null ? null : s.etaSeconds * 1000) : formatWallTime(job.completedTime).slice(11)}</div>
        </div>
        <div class="stat">
          <div class="k">Elapsed</div>
          <div class="v">{formatDuration(s.elapsedMs)}</div>
        </div>
      </div>
      {s.running ? <PacingLine job={job} /> : null}
      {s.entities.length > 0 ? (
        <table class="entities">
          <thead>
            <tr>
              <th>Entity</th>
              <th>Progress</th>
              <th />
              <th class="num">Rows / estimate</th>
              <th class="num">Rows/s</th>
              <th class="num">ETA</th>
              <th>Governor</th>
            </tr>
          </thead>
          <tbody>
            {s.entities.map((row) => (
              <EntityLine row={row} />
            ))}
          </tbody>
        </table>
      ) : (
        <div class="empty">Preparing: estimating rows…</div>
      )}
      <Notes job={job} />
      {offer ? <ResumeBox offer={offer} /> : null}
    </div>
  );
};
