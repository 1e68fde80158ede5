// Page bodies travel as UTF-8 bytes from MySQL and as strings from PostgreSQL. Both paths must give the
// same file: the byte decoder is checked against the string decoder, and the CSV writer against
// csv-stringify, on inputs built from the characters that matter (references, quotes, line breaks).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stringify } from 'csv-stringify/sync';
import { createSeededRandom, type SeededRandom } from '../../adapters/demo/seeded-random.ts';
import { createCsvWriter, type CsvCell, type CsvRecords } from '../../core/csv.ts';
import { decodeEntities, decodeEntitiesUtf8, HTML_REFERENCES } from '../../core/entities/html-entities.ts';
import { HTML_ENTITY_TABLE } from '../../core/entities/html-entity-table.ts';

const utf8 = new TextEncoder();
// csv-stringify quotes on a delimiter, a quote or the whole record delimiter; a lone carriage return or
// line feed needs quotes too (SPEC section 5), which it is told here.
const STRINGIFY = { record_delimiter: '\r\n', quoted_match: /[\r\n]/ };
const decoder = new TextDecoder();

const FRAGMENTS = [
  '&',
  ';',
  '#',
  'x',
  'X',
  'amp',
  'lt',
  'nbsp',
  'NotEqualTilde',
  'nGt',
  'Afr',
  'constructor',
  '&amp;',
  '&#',
  '&#x',
  '&#65;',
  '&#x1F600;',
  '&#xD800;',
  '&#0;',
  '&#1114112;',
  '&#' + '9'.repeat(30) + ';',
  '&' + 'a'.repeat(31) + ';',
  '&' + 'b'.repeat(32) + ';',
  '&' + 'c'.repeat(33) + ';',
  'a',
  'Z',
  '0',
  '9',
  'f',
  'G',
  ' ',
  '"',
  ',',
  '\r',
  '\n',
  '\r\n',
  'é',
  'ü',
  '日本',
  '😀',
  '\u2028',
  '<p>',
  '</p>',
  'text ',
];

// Seeded, so a failure names the same input on every run.
function randomText(random: SeededRandom, parts: number): string {
  let text = '';
  for (let i = 0; i < parts; i++) text += random.pick(FRAGMENTS);
  return text;
}

test('the byte decoder gives what the string decoder gives, on 20,000 mixed inputs', () => {
  const random = createSeededRandom(7);
  for (let i = 0; i < 20_000; i++) {
    const text = randomText(random, 1 + Math.floor(random.next() * 12));
    assert.equal(decoder.decode(decodeEntitiesUtf8(utf8.encode(text))), decodeEntities(text), JSON.stringify(text));
  }
});

test('the byte decoder returns its input untouched when nothing decodes', () => {
  for (const text of ['no references', '&bogus; & &#; &#x;', '&#xD800;']) {
    const bytes = utf8.encode(text);
    assert.equal(decodeEntitiesUtf8(bytes), bytes);
  }
});

test('the byte decoder handles a 2 MB body with references throughout', () => {
  const chunk = 'caf&eacute; &amp;lt; &#x1F600;&nbsp;"x", y\n';
  const body = chunk.repeat(50_000);
  assert.equal(decoder.decode(decodeEntitiesUtf8(utf8.encode(body))), decodeEntities(body));
});

test('preserved line breaks give exactly what csv-stringify writes, for string and byte cells', () => {
  const random = createSeededRandom(11);
  const writer = createCsvWriter({ preserve: true, escape: '\\n' });
  for (let round = 0; round < 500; round++) {
    const records: (string | null)[][] = [];
    for (let r = 0; r < 5; r++) {
      records.push(Array.from({ length: 4 }, () => (random.next() < 0.1 ? null : randomText(random, Math.floor(random.next() * 6)))));
    }
    const expected = stringify(records, STRINGIFY);
    assert.equal(decoder.decode(writer.rows(records)), expected);
    const asBytes: CsvCell[][] = records.map((row) => row.map((cell) => (cell === null ? null : utf8.encode(cell))));
    assert.equal(decoder.decode(writer.rows(asBytes)), expected);
  }
});

test('escaped line breaks give what csv-stringify writes once the breaks are replaced, for string and byte cells', () => {
  const random = createSeededRandom(13);
  for (const escape of ['\\n', ' ', '', ',', '"', '$&']) {
    const writer = createCsvWriter({ preserve: false, escape });
    for (let round = 0; round < 200; round++) {
      const records = Array.from({ length: 3 }, () => Array.from({ length: 3 }, () => randomText(random, Math.floor(random.next() * 6))));
      const replaced = records.map((row) => row.map((cell) => cell.split(/\r\n|\r|\n/).join(escape)));
      const expected = stringify(replaced, STRINGIFY);
      assert.equal(decoder.decode(writer.rows(records)), expected, JSON.stringify({ escape, records }));
      assert.equal(decoder.decode(writer.rows(records.map((row) => row.map((cell) => utf8.encode(cell))))), expected);
    }
  }
});

test('a lone surrogate in a string cell is written as U+FFFD, as TextEncoder writes it', () => {
  const writer = createCsvWriter({ preserve: true, escape: '\\n' });
  const cells = ['a\uD800b', '\uDC00', 'x\uD83D', '\uD83D\uDE00'];
  assert.deepEqual(writer.rows([cells]), utf8.encode(cells.join(',') + '\r\n'));
});

test('long string cells (encoded natively) give the same UTF-8 as short ones, lone surrogates included', () => {
  const writer = createCsvWriter({ preserve: true, escape: '\\n' });
  const piece = 'caf\u00e9 \u{1f600} \u4e2d a\uD800b \uDC00 ';
  for (const length of [1, 2, 4, 8, 16]) {
    const cell = `${piece.repeat(length)}x\uD83D`;
    assert.deepEqual(writer.rows([[cell, 'short']]), utf8.encode(`${cell},short\r\n`));
  }
});

test('no named reference decodes to more than a fifth over its length, the room the byte decoder leaves', () => {
  for (const [name, value] of HTML_ENTITY_TABLE) {
    assert.ok(utf8.encode(value).length <= ((name.length + 2) * 6) / 5, name);
  }
  const worst = '&nGt;'.repeat(1000);
  assert.equal(decoder.decode(decodeEntitiesUtf8(utf8.encode(worst))), decodeEntities(worst));
});

// References that decode to the characters CSV cares about.
const SPECIAL_REFERENCES = ['&quot;', '&#34;', '&#x22;', '&QUOT;', '&#10;', '&#13;', '&NewLine;', '&comma;', '&#44;', '&amp;quot;'];

test('a body whose references are decoded as it is written gives the file its decoded text gives, every rule', () => {
  const random = createSeededRandom(17);
  const fragments = [...FRAGMENTS, ...SPECIAL_REFERENCES];
  const searchables = [(bytes: Uint8Array) => bytes, (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)];
  for (const rule of [
    { preserve: true, escape: '\\n' },
    { preserve: false, escape: '\\n' },
    { preserve: false, escape: ',' },
    { preserve: false, escape: '' },
  ]) {
    for (const searchable of searchables) {
      const writer = createCsvWriter(rule, searchable);
      for (let round = 0; round < 3000; round++) {
        let text = '';
        for (let i = 0, parts = 1 + Math.floor(random.next() * 10); i < parts; i++) text += random.pick(fragments);
        const records: CsvRecords = {
          count: 1,
          write(out) {
            out.cell('x');
            out.references(utf8.encode(text), HTML_REFERENCES);
            out.end();
          },
        };
        const expected = decoder.decode(writer.rows([['x', decodeEntities(text)]]));
        assert.equal(decoder.decode(writer.rows(records)), expected, JSON.stringify({ rule, text }));
      }
    }
  }
});
