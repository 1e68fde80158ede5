// Past jobs, newest first: status, timing, statistics and links to each finished job's files.
import type { FC } from 'hono/jsx';
import type { JobStatus } from '../../job/status.ts';
import { API_PATH } from '../endpoints.ts';
import { StatusBadge } from './job-panel.tsx';
import { ENTITY_LABELS, formatBytes, formatCount, formatDuration, formatWallTime } from './view-model.ts';

export function fileUrl(jobId: number, file: string): string {
  return `${API_PATH}/history/${jobId}/files/${encodeURIComponent(file)}`;
}

const Files: FC<{ job: JobStatus }> = ({ job }) => {
  const entities = Object.entries(job.statistics?.entities ?? {});
  if (job.status !== 'COMPLETED' || entities.length === 0) return <span class="muted">–</span>;
  return (
    <div class="files">
      {entities.map(([name, e]) => (
        <a
          href={fileUrl(job.jobId, e.file)}
          download={e.file}
          title={`${e.file}: ${formatCount(e.rows)} rows, ${formatBytes(e.bytes)} in ${formatDuration(e.durationMs)}`}
        >
          {ENTITY_LABELS[name] ?? name}
        </a>
      ))}
    </div>
  );
};

function durationOf(job: JobStatus): number | null {
  return job.completedTime ? Date.parse(job.completedTime) - Date.parse(job.startTime) : null;
}

const JobRow: FC<{ job: JobStatus }> = ({ job }) => {
  const bytes = Object.values(job.statistics?.entities ?? {}).reduce((sum, e) => sum + e.bytes, 0);
  const problems = [...(job.errors ?? [])].map((e) => e.message).join('; ');
  return (
    <>
      <tr data-job={String(job.jobId)}>
        <td class="num">{job.jobId}</td>
        <td>
          <StatusBadge status={job.status} />
        </td>
        <td class="mono">{formatWallTime(job.startTime)}</td>
        <td class="num">{formatDuration(durationOf(job))}</td>
        <td class="num">{job.statistics ? formatCount(job.statistics.writtenRows) : '–'}</td>
        <td class="num">{job.statistics ? formatBytes(bytes) : '–'}</td>
        <td>
          <Files job={job} />
        </td>
      </tr>
      {problems ? (
        <tr>
          <td />
          <td colspan={6} class="msg">
            {problems}
          </td>
        </tr>
      ) : null}
    </>
  );
};

export interface HistoryPage {
  values: JobStatus[];
  offset: number;
  limit: number;
  size: number;
}

export const HistoryPanel: FC<{ page: HistoryPage }> = ({ page }) => {
  if (page.size === 0)
    return (
      <div id="history-body" class="empty">
        No exports yet.
      </div>
    );
  const last = Math.min(page.offset + page.values.length, page.size);
  return (
    <div id="history-body">
      <table class="history">
        <thead>
          <tr>
            <th class="num">Job</th>
            <th>Status</th>
            <th>Started</th>
            <th class="num">Duration</th>
            <th class="num">Rows</th>
            <th class="num">Size</th>
            <th>Files</th>
          </tr>
        </thead>
        <tbody>
          {page.values.map((job) => (
            <JobRow job={job} />
          ))}
        </tbody>
      </table>
      <div class="pager">
        <button class="link" type="button" data-history-offset={String(Math.max(0, page.offset - page.limit))} disabled={page.offset === 0}>
          ← Newer
        </button>
        <span>
          {page.offset + 1}–{last} of {page.size} jobs
        </span>
        <button class="link" type="button" data-history-offset={String(page.offset + page.limit)} disabled={last >= page.size}>
          Older →
        </button>
      </div>
    </div>
  );
};
