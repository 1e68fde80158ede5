// Rows read from mysql2's packets into a RowBlock hold exactly what the driver's own row objects hold, cell
// for cell: NULLs, empty text, every length encoding of a cell, multi-byte text, and bytes that are not UTF-8.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openMysql } from '../../adapters/sources/mysql.ts';
import { createCsvWriter, type CsvRecords } from '../../core/csv.ts';
import { text, type Db, type DbRow, type RowBlock } from '../../core/source.ts';
import { createMysqlTestDatabase, type MysqlTestDatabase } from '../helpers/test-db.ts';

const SCHEMA = 'test/fixtures/confluence-mysql.sql';
// Cell lengths around each of the protocol's length encodings: one byte below 251, then 2 and 3 bytes.
const LENGTHS = [0, 1, 250, 251, 252, 65_535, 65_536, 70_000];
const COLUMNS = ['id', 'label', 'body', 'raw', 'missing'];

describe('MySQL rows as a block of cells', () => {
  let site: MysqlTestDatabase;
  let db: Db & { close(): Promise<void> };

  before(async () => {
    site = await createMysqlTestDatabase(SCHEMA);
    await site.pool.query(`CREATE TABLE cells (id BIGINT PRIMARY KEY, label VARCHAR(255), body LONGTEXT, raw LONGBLOB, missing INT) CHARACTER SET utf8mb4`);
    const rows: unknown[][] = [];
    LENGTHS.forEach((length, i) =>
      rows.push([i + 1, `é${i}, "q"`, 'ü'.repeat(Math.floor(length / 2)) + 'x'.repeat(length % 2), Buffer.alloc(length, 0x61), null]),
    );
    // Bytes that are not UTF-8, and a cell ending inside a character followed by one starting with its rest:
    // together they would be a valid euro sign.
    rows.push([100, '', '', Buffer.from([0xff, 0xfe, 0x41]), null]);
    rows.push([101, null, null, Buffer.from([0x41, 0xe2, 0x82]), 7]);
    rows.push([102, 'x', null, Buffer.from([0xac, 0x42]), -3]);
    rows.push(['9007199254740993', 'big', '', Buffer.alloc(0), 0]);
    // A leading byte order mark is text: a key that starts with one must read as it is stored.
    rows.push([103, '\uFEFFbob', '\uFEFF', Buffer.from('\uFEFFraw'), null]);
    for (const row of rows)
      await site.pool.query(
        'INSERT INTO cells VALUES (?, ?, ?, ?, ?)',
        row.map((v, i) => (i === 0 ? String(v) : v)),
      );
    db = await openMysql(site.url);
  });
  after(async () => {
    await db?.close();
    await site?.drop();
  });

  const sql = `SELECT ${COLUMNS.join(', ')} FROM cells ORDER BY id`;

  test('every cell reads as the text the driver decodes for it, NULLs as null', async () => {
    const block = await db.rows!(sql);
    const objects = await db.query(sql);
    assert.equal(block.length, objects.length);
    const indexes = COLUMNS.map((name) => block.column(name));
    objects.forEach((row, r) => {
      for (const [c, name] of COLUMNS.entries()) {
        assert.equal(block.text(r, indexes[c]), text(row[name]), `row ${r}, ${name}`);
        assert.equal(block.isNull(r, indexes[c]), row[name] === null, `row ${r}, ${name} NULL`);
      }
    });
  });

  test('a cell ending inside a character, followed by one holding its rest, is two cells of replacement characters', async () => {
    // Alone in a result, the two cells' bytes are valid UTF-8 together.
    const block = await db.rows!('SELECT raw FROM cells WHERE id IN (101, 102) ORDER BY id');
    const records: CsvRecords = {
      count: 2,
      write(out) {
        for (const r of [0, 1]) {
          out.from(block, r, 0);
          out.end();
        }
      },
    };
    const csv = createCsvWriter({ preserve: false, escape: '\\n' }).rows(records);
    assert.deepEqual([...csv], [...new TextEncoder().encode('A\ufffd\r\n\ufffdB\r\n')]);
  });

  test('numbers read from the bytes match the driver, ids above 2^53 included as text', async () => {
    const block = await db.rows!(sql);
    const objects = await db.query(sql);
    const [id, missing] = [block.column('id'), block.column('missing')];
    objects.forEach((row, r) => {
      assert.equal(block.text(r, id), String(row.id));
      assert.equal(block.number(r, missing), row.missing === null ? Number.NaN : Number(row.missing));
    });
  });

  test('a block written as CSV records gives the same file as the driver rows written as cells', async () => {
    const block = await db.rows!(sql);
    const objects = await db.query(sql);
    const records: CsvRecords = {
      count: block.length,
      write(out) {
        for (let r = 0; r < block.length; r++) {
          for (const name of COLUMNS) out.from(block, r, block.column(name));
          out.end();
        }
      },
    };
    const decoder = new TextDecoder();
    const rule = { preserve: false, escape: '\\n' };
    const fromBlock = decoder.decode(createCsvWriter(rule).rows(records));
    const fromObjects = decoder.decode(createCsvWriter(rule).rows(objects.map((row: DbRow) => COLUMNS.map((name) => text(row[name])))));
    assert.equal(fromBlock, fromObjects);
  });

  test('an empty result is an empty block, and a failing query rejects with the server error', async () => {
    const empty: RowBlock = await db.rows!('SELECT id, label FROM cells WHERE id < 0');
    assert.equal(empty.length, 0);
    await assert.rejects(db.rows!('SELECT nope FROM cells'), /nope/);
    const after = await db.rows!('SELECT COUNT(*) AS n FROM cells');
    assert.equal(after.text(0, after.column('n')), String(LENGTHS.length + 5));
  });
});
