// COPY's text format read back into cells: the server's escapes undone, `\N` as NULL, the rest byte for byte.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockOfCopy, rowsOfCopy } from '../../adapters/sources/postgres-copy.ts';

/**
 * The rows both readers make of a COPY text, each cell as text, NULL as null: the block's, and the row
 * objects' with every column asked for as bytes and with none (a fresh copy each, as both unescape in place).
 */
function readBack(text: string): (string | null)[][] {
  const block = blockOfCopy(Buffer.from(text, 'utf8'));
  const fromBlock = Array.from({ length: block.length }, (_, r) => Array.from({ length: block.width }, (_, c) => block.text(r, c)));
  const names = text.slice(0, text.indexOf('\n')).split('\t');
  const asText = rowsOfCopy(Buffer.from(text, 'utf8'), []).map((row) => names.map((name) => row[name] as string | null));
  const asBytes = rowsOfCopy(Buffer.from(text, 'utf8'), names).map((row) =>
    names.map((name) => (row[name] === null ? null : Buffer.from(row[name] as Uint8Array).toString('utf8'))),
  );
  assert.deepEqual(asText, fromBlock, `rows as text against the block, ${JSON.stringify(text)}`);
  assert.deepEqual(asBytes, fromBlock, `rows as bytes against the block, ${JSON.stringify(text)}`);
  return fromBlock;
}

test('lines end at a line feed and cells at a tab; `\\N` alone is NULL', () => {
  assert.deepEqual(readBack('id\tbody\n1\t\\N\n2\t\n'), [
    ['1', null],
    ['2', ''],
  ]);
});

test('the escapes PostgreSQL writes stand for their characters again', () => {
  assert.deepEqual(readBack('v\na\\\\b\\tc\\nd\\re\\bf\\fg\\vh\n'), [['a\\b\tc\nd\re\bf\fg\u000bh']]);
  assert.deepEqual(readBack('a\tb\n\\\\b\\tc\\nd\t\\re\\bf\\fg\\vh\n\\N\t\\N\n'), [
    ['\\b\tc\nd', '\re\bf\fg\u000bh'],
    [null, null],
  ]);
});

test('a backslash before an N inside a longer cell is text, not NULL', () => {
  assert.deepEqual(readBack('a\tb\n\\\\N\tx\\\\N\n'), [['\\N', 'x\\N']]);
});

test('multi-byte UTF-8 passes through untouched, escaped or not', () => {
  assert.deepEqual(readBack('one\ttwo\ncaf\u00e9 \u{1f600}\tna\u00efve\\n\u4e2d\n'), [['caf\u00e9 \u{1f600}', 'na\u00efve\n\u4e2d']]);
});

test('random cells, short and long, plain and escaped, read back as they were written', () => {
  // COPY's text escaping, written here from its documentation: what the readers must undo.
  const escape = (cell: string) =>
    cell.replace(/[\\\t\n\r\b\f\v]/g, (c) => `\\${{ '\\': '\\', '\t': 't', '\n': 'n', '\r': 'r', '\b': 'b', '\f': 'f', '\v': 'v' }[c]}`);
  const alphabet = ['a', 'b', ' ', ',', '"', 'N', '\\', '\t', '\n', '\r', '\u00e9', '\u{1f600}', '\u4e2d', '<p>'];
  let seed = 7;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let round = 0; round < 300; round++) {
    const rows = Array.from({ length: 1 + random(4) }, () =>
      Array.from({ length: 3 }, () =>
        random(8) === 0 ? null : Array.from({ length: [0, 3, 47, 48, 49, 200][random(6)] }, () => alphabet[random(alphabet.length)]).join(''),
      ),
    );
    const text = `x\ty\tz\n${rows.map((row) => `${row.map((cell) => (cell === null ? '\\N' : escape(cell))).join('\t')}\n`).join('')}`;
    assert.deepEqual(readBack(text), rows, JSON.stringify(text));
  }
});

test('a header whose names are escaped names its columns unescaped', () => {
  assert.deepEqual(Object.keys(rowsOfCopy(Buffer.from('a\\tb\tc\\\\d\n1\t2\n', 'utf8'), [])[0]), ['a\tb', 'c\\d']);
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
