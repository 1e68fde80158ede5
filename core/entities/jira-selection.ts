// Which Jira issues an export includes (SPEC section 10): updated at or after fromDate, outside opted-out
// projects. Issues, their fields and their links all ask the same question, so it is written once.
import { requireTable, type Db } from '../source.ts';
import type { ReadContext } from './entity.ts';

/** fromDate for Jira's date columns: wall-clock text for MySQL `datetime`, an instant for PostgreSQL `timestamptz`. */
export function fromParam(db: Db, ctx: ReadContext): string {
  return db.dialect === 'postgres' ? new Date(ctx.fromMs).toISOString() : ctx.fromLocal;
}

/** ` AND …` keeping rows whose project column is not an opted-out project (an unknown project is kept). */
export function notOptedOut(db: Db, ctx: ReadContext, projectColumn: string, params: unknown[]): string {
  if (ctx.optedOut.length === 0) return '';
  params.push(...ctx.optedOut);
  const marks = ctx.optedOut.map(() => '?').join(',');
  return ` AND (${projectColumn} IS NULL OR ${projectColumn} NOT IN` + ` (SELECT op.ID FROM ${requireTable(db, 'project')} op WHERE op.pkey IN (${marks})))`;
}

/** The condition on a `jiraissue` alias that makes an issue part of the export. */
export function exportedIssueCondition(db: Db, ctx: ReadContext, alias: string, params: unknown[]): string {
  params.push(fromParam(db, ctx));
  return `${alias}.UPDATED >= ?${notOptedOut(db, ctx, `${alias}.PROJECT`, params)}`;
}

/**
 * ` FROM jiraissue i WHERE …`: the exported issues from a chunk's first issue id to its last, which are the
 * chunk's issues. A chunk's lookups join these instead of binding thousands of ids in an IN list, whose
 * escaping, parsing and index dives cost more than the rows they find.
 */
export function chunkIssues(db: Db, ctx: ReadContext, ids: readonly string[], params: unknown[]): string {
  const condition = exportedIssueCondition(db, ctx, 'i', params);
  params.push(ids[0], ids[ids.length - 1]);
  return ` FROM ${requireTable(db, 'jiraissue')} i WHERE ${condition} AND i.ID >= CAST(? AS DECIMAL(18,0)) AND i.ID <= CAST(? AS DECIMAL(18,0))`;
}
