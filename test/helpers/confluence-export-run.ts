// Exporting the five Confluence files of a fixture through the real worker loop and source, shared by
// the MariaDB and PostgreSQL suites so both run the same variants the same way.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openSource } from '../../adapters/sources/open-source.ts';
import { utcMsToLocal } from '../../core/dates.ts';
import { FLAT_OUT, type EntityTask } from '../../core/job/task.ts';
import { runEntityExport } from '../../workers/run-entity-export.ts';
import { createTaskControl } from '../../workers/task-control.ts';
import type { ConfluenceFixture } from '../fixtures/confluence-fixture.ts';
import { localDateTimeToEpochMs, type ConfluenceEntity } from './expected-confluence.ts';

export const ENTITIES: ConfluenceEntity[] = ['users', 'spaces', 'pages', 'comments', 'analytics_events'];
export const BASE_URL = 'https://wiki.example.com/confluence';

export interface Variant {
  name: string;
  timezone: string;
  lineBreak: { preserve: boolean; escape: string };
  optedOut: string[];
}

export const VARIANTS: Variant[] = [
  { name: 'UTC, line breaks escaped', timezone: 'UTC', lineBreak: { preserve: false, escape: '\\n' }, optedOut: [] },
  { name: 'Europe/Berlin, line breaks preserved', timezone: 'Europe/Berlin', lineBreak: { preserve: true, escape: '\\n' }, optedOut: [] },
  { name: 'UTC, custom escape, opted-out space', timezone: 'UTC', lineBreak: { preserve: false, escape: '⏎' }, optedOut: ['OPT'] },
];

/** Exports every entity from the fixture's boundary into `dir` as `<entity>.csv`; fails the test on any failed entity. */
export async function exportConfluenceFiles(url: string, fixture: ConfluenceFixture, variant: Variant, dir: string) {
  const fromMs = localDateTimeToEpochMs(fixture.boundaryLocal, variant.timezone);
  const files = {} as Record<ConfluenceEntity, string>;
  for (const entity of ENTITIES) {
    const task: EntityTask = {
      product: 'confluence',
      entity,
      databaseUrl: url,
      dir,
      fileName: `${entity}.csv`,
      pacing: FLAT_OUT,
      lineBreak: variant.lineBreak,
      ctx: {
        baseUrl: BASE_URL,
        fromMs,
        fromLocal: utcMsToLocal(fromMs, variant.timezone),
        timezone: variant.timezone,
        optedOut: variant.optedOut,
        schemaVersion: 1,
      },
    };
    const outcome = await runEntityExport(
      task,
      () => openSource(url),
      createTaskControl(task.pacing),
      () => undefined,
    );
    assert.ok(outcome.ok, `exporting ${entity} failed: ${JSON.stringify(outcome)}`);
    files[entity] = join(dir, `${entity}.csv`);
  }
  return { files, fromMs };
}
