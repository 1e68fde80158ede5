// COPY's text format read back into cells: the server's escapes undone, `\N` as NULL, the rest byte for byte.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockOfCopy, splitCells } from '../../adapters/sources/postgres-copy.ts';

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

/** The block's rows as text, NULL as null. */
const blockOf = (text: string) => {
  const block = blockOfCopy(Buffer.from(text, 'utf8'));
  return Array.from({ length: block.length }, (_, r) => Array.from({ length: block.width }, (_, c) => block.text(r, c)));
};

test('a block of COPY rows holds the same cells as the lines split one by one', () => {
  const texts = [
    'id\tbody\n1\t\\N\n2\t\n',
    'a\tb\n\\\\b\\tc\\nd\t\\re\\bf\\fg\\vh\n\\N\t\\N\n',
    'x\ty\n\\\\N\tx\\\\N\n',
    'one\ttwo\ncaf\u00e9 \u{1f600}\tna\u00efve\\n\u4e2d\n',
  ];
  for (const text of texts) assert.deepEqual(blockOf(text), cellsOf(text).slice(1), JSON.stringify(text));
});

test('a block knows its columns by the header line, and a header alone is no rows', () => {
  const block = blockOfCopy(Buffer.from('id\tname\n7\tseven\n', 'utf8'));
  assert.deepEqual([block.length, block.column('name'), block.text(0, block.column('name'))], [1, 1, 'seven']);
  assert.equal(blockOfCopy(Buffer.from('id\tname\n', 'utf8')).length, 0);
});

test('bytes that are not UTF-8 read as replacement characters, as a decoded string would', () => {
  const data = Buffer.concat([Buffer.from('a\tb\n'), Buffer.from([0x41, 0xff, 0x09, 0xe2, 0x82, 0x0a])]);
  const block = blockOfCopy(data);
  assert.deepEqual([block.text(0, 0), block.text(0, 1)], ['A\ufffd', '\ufffd']);
  assert.deepEqual([...(block.value(0, 0) as Uint8Array)], [...Buffer.from('A\ufffd')]);
});
