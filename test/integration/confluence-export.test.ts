// The five Confluence files exported from a real MariaDB holding the planted fixture, parsed back and
// compared cell by cell with expectations computed from the fixture alone; plus byte-level format checks.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { openSource } from '../../adapters/sources/open-source.ts';
import { FLAT_OUT, type EntityTask } from '../../core/job/task.ts';
import { runEntityExport } from '../../workers/run-entity-export.ts';
import { createTaskControl } from '../../workers/task-control.ts';
import { BASE_URL, ENTITIES, exportConfluenceFiles, VARIANTS } from '../helpers/confluence-export-run.ts';
import { generateConfluenceFixture, type ConfluenceFixture } from '../fixtures/confluence-fixture.ts';
import { expectedConfluenceRows } from '../helpers/expected-confluence.ts';
import { createMysqlTestDatabase, loadFixtureMysql, type MysqlTestDatabase } from '../helpers/test-db.ts';

const SCHEMA = new URL('../fixtures/confluence-mysql.sql', import.meta.url).pathname;

describe('Confluence export on MariaDB', () => {
  let db: MysqlTestDatabase;
  let fixture: ConfluenceFixture;
  let work: string;

  before(async () => {
    db = await createMysqlTestDatabase(SCHEMA);
    fixture = generateConfluenceFixture({ seed: 7 });
    await loadFixtureMysql(db.pool, fixture);
    work = await mkdtemp(join(tmpdir(), 'sluice-confluence-'));
  });
  after(async () => {
    await db?.drop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  for (const variant of VARIANTS) {
    test(`every file matches the database cell by cell (${variant.name})`, async () => {
      const dir = await mkdtemp(join(work, 'v-'));
      const { files, fromMs } = await exportConfluenceFiles(db.url, fixture, variant, dir);
      const expected = expectedConfluenceRows(fixture, {
        baseUrl: BASE_URL,
        fromDate: new Date(fromMs),
        timezone: variant.timezone,
        lineBreak: variant.lineBreak,
        optedOutSpaceKeys: variant.optedOut,
      });
      for (const entity of ENTITIES) {
        const text = await readFile(files[entity], 'utf8');
        const parsed: string[][] = parse(text, { relax_column_count: false, bom: false });
        assert.equal(parsed.length, expected[entity].length, `${entity}: row count`);
        for (let i = 0; i < parsed.length; i++) assert.deepEqual(parsed[i], expected[entity][i], `${entity}: row ${i}`);
        assert.ok(parsed.length > 3, `${entity}: the fixture should yield data rows`);
      }
      assert.deepEqual((await readdir(dir)).sort(), ENTITIES.map((e) => `${e}.csv`).sort(), 'only finished files are left');
    });
  }

  test('files are RFC 4180 with CRLF after every record, quotes only where needed, and mode 0600', async () => {
    const dir = await mkdtemp(join(work, 'bytes-'));
    const { files } = await exportConfluenceFiles(db.url, fixture, VARIANTS[0], dir);
    for (const entity of ENTITIES) {
      const bytes = await readFile(files[entity]);
      assert.notDeepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], `${entity}: no BOM`);
      const text = bytes.toString('utf8');
      assert.ok(text.endsWith('\r\n'), `${entity}: ends with CRLF`);
      // With line breaks escaped, the only CR or LF characters are the record terminators.
      assert.equal(text.replace(/\r\n/g, '').search(/[\r\n]/), -1, `${entity}: no bare CR or LF`);
      for (const line of text.split('\r\n').slice(0, -1)) {
        for (const field of splitFields(line)) {
          const quoted = field.startsWith('"');
          const inner = quoted ? field.slice(1, -1).replace(/""/g, '"') : field;
          assert.equal(quoted, /[",\r\n]/.test(inner), `${entity}: field ${JSON.stringify(field.slice(0, 60))} quoted only when needed`);
        }
      }
      assert.equal(
        text.split('\r\n')[0],
        expectedConfluenceRows(fixture, { baseUrl: BASE_URL, fromDate: new Date(0), timezone: 'UTC', lineBreak: VARIANTS[0].lineBreak })[entity][0].join(','),
      );
      assert.equal((await stat(files[entity])).mode & 0o777, 0o600, `${entity}: mode 0600`);
    }
  });

  test('a file with no matching rows still has its header and nothing else', async () => {
    const dir = await mkdtemp(join(work, 'empty-'));
    const task: EntityTask = {
      product: 'confluence',
      entity: 'pages',
      databaseUrl: db.url,
      dir,
      fileName: 'pages.csv',
      pacing: FLAT_OUT,
      lineBreak: { preserve: false, escape: '\\n' },
      ctx: { baseUrl: BASE_URL, fromMs: Date.UTC(2999, 0, 1), fromLocal: '2999-01-01 00:00:00.000', timezone: 'UTC', optedOut: [], schemaVersion: 1 },
    };
    const outcome = await runEntityExport(
      task,
      () => openSource(db.url),
      createTaskControl(task.pacing),
      () => undefined,
    );
    assert.ok(outcome.ok && outcome.rows === 0);
    assert.equal(
      await readFile(join(dir, 'pages.csv'), 'utf8'),
      'page_id,instance_url,space_key,page_url,page_type,page_title,page_status,page_content,page_parent_id,labels,page_version,creator_id,last_modifier_id,created_date,updated_date,last_update_description\r\n',
    );
  });

  test('an existing file is never overwritten: the entity fails, its .partial file left for a resume', async () => {
    const dir = await mkdtemp(join(work, 'exists-'));
    const first = await exportConfluenceFiles(db.url, fixture, VARIANTS[0], dir);
    const before = await readFile(first.files.spaces, 'utf8');
    const task: EntityTask = {
      product: 'confluence',
      entity: 'spaces',
      databaseUrl: db.url,
      dir,
      fileName: 'spaces.csv',
      pacing: FLAT_OUT,
      lineBreak: { preserve: false, escape: 'X' },
      ctx: { baseUrl: 'http://other', fromMs: 0, fromLocal: '1970-01-01 00:00:00.000', timezone: 'UTC', optedOut: [], schemaVersion: 1 },
    };
    const outcome = await runEntityExport(
      task,
      () => openSource(db.url),
      createTaskControl(task.pacing),
      () => undefined,
    );
    assert.equal(outcome.ok, false);
    assert.equal((outcome as { code: string }).code, 'file');
    assert.equal(await readFile(first.files.spaces, 'utf8'), before);
    assert.deepEqual(
      (await readdir(dir)).filter((n) => n.endsWith('.partial')),
      ['spaces.csv.partial'],
    );
  });
});

/** Splits one CSV record (no embedded line breaks) into raw fields, quotes kept. */
function splitFields(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let j = i + 1;
      while (j < line.length && !(line[j] === '"' && line[j + 1] !== '"')) j += line[j] === '"' ? 2 : 1;
      fields.push(line.slice(i, j + 1));
      i = j + 2;
    } else {
      const j = line.indexOf(',', i);
      const end = j === -1 ? line.length : j;
      fields.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return fields;
}
