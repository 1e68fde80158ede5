/**
 * SPEC section 5, checked on a finished job's directory without knowing the site's rows: names, modes, the
 * exact headers, RFC 4180 with CRLF and quotes only where needed, ISO dates, and statistics that match the
 * files. Answers the parsed records per entity for further checks.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

// SPEC section 6, written out here rather than taken from the code under test.
export const CONFLUENCE_HEADERS: Record<string, string> = {
  users: 'instance_url,user_id,user_name,user_fullname,user_email',
  spaces: 'space_key,instance_url,space_url,homepage_url,space_name,space_type,space_status,creator_id,last_modifier_id,created_date,updated_date',
  pages:
    'page_id,instance_url,space_key,page_url,page_type,page_title,page_status,page_content,page_parent_id,labels,page_version,creator_id,last_modifier_id,created_date,updated_date,last_update_description',
  comments: 'comment_id,instance_url,comment_url,page_id,parent_comment_id,comment_content,creator_id,last_modifier_id,created_date,updated_date',
  analytics_events: 'instance_url,event_id,event_name,created_date,event_author_id,event_space_key,event_container_id,event_content_id',
};

const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** `yyyy_MM_ddTHH_mm_ssZ`: the job's start in UTC, cut to the second. */
export function fileStamp(startTime: string): string {
  return new Date(startTime).toISOString().slice(0, 19).replace(/[-:]/g, '_') + 'Z';
}

export async function assertSpecFiles(exportRoot: string, job: any): Promise<Record<string, string[][]>> {
  assert.equal(job.status, 'COMPLETED', JSON.stringify(job));
  const dir = join(exportRoot, String(job.jobId));
  const entities = Object.keys(CONFLUENCE_HEADERS);
  const names = entities.map((entity) => `${entity}_job${job.jobId}_${fileStamp(job.startTime)}.csv`);
  assert.deepEqual((await readdir(dir)).sort(), [...names].sort(), 'the job directory holds exactly its five files');
  assert.equal((await stat(dir)).mode & 0o777, 0o700, 'the job directory is private');
  const records: Record<string, string[][]> = {};
  for (const [i, entity] of entities.entries()) {
    const path = join(dir, names[i]);
    assert.equal((await stat(path)).mode & 0o777, 0o600, `${names[i]} is private`);
    assert.equal(job.statistics.entities[entity].file, names[i]);
    const bytes = await readFile(path);
    assert.equal(bytes.length, job.statistics.entities[entity].bytes, `${entity}: bytes in the statistics`);
    records[entity] = checkCsv(entity, bytes);
    assert.equal(records[entity].length - 1, job.statistics.entities[entity].rows, `${entity}: rows in the statistics`);
  }
  return records;
}

function checkCsv(entity: string, bytes: Buffer): string[][] {
  assert.ok(!(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf), `${entity}: no byte order mark`);
  const text = bytes.toString('utf8');
  assert.ok(text.startsWith(`${CONFLUENCE_HEADERS[entity]}\r\n`), `${entity}: header ${JSON.stringify(text.slice(0, 120))}`);
  assert.ok(text.endsWith('\r\n'), `${entity}: CRLF after the last record`);
  // Line breaks inside values are escaped by default, so every CR or LF left ends a record.
  assert.equal(text.replace(/\r\n/g, '').search(/[\r\n]/), -1, `${entity}: no bare CR or LF`);
  const rows: string[][] = parse(text, { bom: false, relax_column_count: false, record_delimiter: '\r\n' });
  const header = rows[0];
  for (const row of rows.slice(1)) {
    row.forEach((cell, i) => {
      if (/_date$/.test(header[i]) && cell !== '') assert.match(cell, DATE, `${entity}.${header[i]}`);
    });
  }
  for (const line of text.split('\r\n').slice(1, -1)) assertMinimalQuoting(entity, line);
  return rows;
}

/** A field is quoted only when it holds a comma, a quote, CR or LF, with quotes doubled. */
function assertMinimalQuoting(entity: string, line: string): void {
  for (let i = 0; i <= line.length; ) {
    if (line[i] === '"') {
      let j = i + 1;
      while (j < line.length && !(line[j] === '"' && line[j + 1] !== '"')) j += line[j] === '"' ? 2 : 1;
      const inner = line.slice(i + 1, j).replace(/""/g, '"');
      assert.ok(/[",\r\n]/.test(inner), `${entity}: ${JSON.stringify(inner.slice(0, 60))} is quoted without need`);
      i = j + 2;
    } else {
      const end = line.indexOf(',', i) === -1 ? line.length : line.indexOf(',', i);
      assert.ok(!line.slice(i, end).includes('"'), `${entity}: a bare quote in ${JSON.stringify(line.slice(i, end).slice(0, 60))}`);
      i = end + 1;
    }
  }
}
