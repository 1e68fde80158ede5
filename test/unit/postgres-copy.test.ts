// COPY's text format read back into cells: the server's escapes undone, `\N` as NULL, the rest byte for byte.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitCells } from '../../adapters/sources/postgres-copy.ts';

const cellsOf = (text: string) => splitCells(Buffer.from(text, 'utf8')).map((line) => line.map((cell) => (cell === null ? null : cell.toString('utf8'))));

test('lines end at a line feed and cells at a tab; `\\N` alone is NULL', () => {
  assert.deepEqual(cellsOf('id\tbody\n1\t\\N\n2\t\n'), [
    ['id', 'body'],
    ['1', null],
    ['2', ''],
  ]);
});

test('the escapes PostgreSQL writes stand for their characters again', () => {
  assert.deepEqual(cellsOf('a\\\\b\\tc\\nd\\re\\bf\\fg\\vh\n'), [['a\\b\tc\nd\re\bf\fg\u000bh']]);
});

test('a backslash before an N inside a longer cell is text, not NULL', () => {
  assert.deepEqual(cellsOf('\\\\N\tx\\\\N\n'), [['\\N', 'x\\N']]);
});

test('multi-byte UTF-8 passes through untouched, escaped or not', () => {
  assert.deepEqual(cellsOf('caf\u00e9 \u{1f600}\tna\u00efve\\n\u4e2d\n'), [['caf\u00e9 \u{1f600}', 'na\u00efve\n\u4e2d']]);
});
