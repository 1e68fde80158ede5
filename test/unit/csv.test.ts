// The CSV rules of SPEC section 5, with every expected string written out by hand.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCsvWriter, type CsvCell, type LineBreakRule } from '../../core/csv.ts';

const utf8 = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The writer's output as text, checked to be the same whether the cells arrive as strings or as UTF-8
 * bytes (page bodies come as bytes from MySQL, as strings from PostgreSQL).
 */
function createCsvFormatter(rule: LineBreakRule) {
  const writer = createCsvWriter(rule);
  return {
    header: (columns: readonly string[]) => decoder.decode(writer.header(columns)),
    rows(rows: readonly (readonly CsvCell[])[]) {
      const asText = decoder.decode(writer.rows(rows));
      const asBytes = decoder.decode(writer.rows(rows.map((row) => row.map((cell) => (typeof cell === 'string' ? utf8.encode(cell) : cell)))));
      assert.equal(asBytes, asText, 'the same cells as bytes give the same CSV');
      return asText;
    },
  };
}

const escaping = createCsvFormatter({ preserve: false, escape: '\\n' });
const preserving = createCsvFormatter({ preserve: true, escape: '\\n' });

test('the header is one CRLF-terminated record, quoted nowhere', () => {
  assert.equal(escaping.header(['page_id', 'instance_url', 'space_key']), 'page_id,instance_url,space_key\r\n');
});

test('no rows write nothing, so a file with no data is its header alone', () => {
  assert.equal(escaping.rows([]), '');
  assert.equal(escaping.header(['a', 'b']) + escaping.rows([]), 'a,b\r\n');
});

test('every record ends in CRLF', () => {
  assert.equal(
    escaping.rows([
      ['1', 'a'],
      ['2', 'b'],
    ]),
    '1,a\r\n2,b\r\n',
  );
});

test('NULL and the empty string are both an empty, unquoted field', () => {
  assert.equal(escaping.rows([[null, '', 'x', null]]), ',,x,\r\n');
  assert.equal(preserving.rows([['', null]]), ',\r\n');
});

test('only fields with a comma, a quote, CR or LF are quoted, with quotes doubled', () => {
  const row = ['plain', 'a,b', 'say "hi"', '"', ' spaced ', "it's", 'tab\there', 'semi;colon', '#hash', '=1+1', 'über 😀'];
  assert.equal(escaping.rows([row]), 'plain,"a,b","say ""hi""","""", spaced ,it\'s,tab\there,semi;colon,#hash,=1+1,über 😀\r\n');
});

test('CRLF, CR and LF inside a value each become the escape string once', () => {
  assert.equal(escaping.rows([['a\r\nb\rc\nd', '\n\n', '\r\n\r\n', 'end\n']]), 'a\\nb\\nc\\nd,\\n\\n,\\n\\n,end\\n\r\n');
});

test('only CR and LF count as line breaks: other separators stay as they are', () => {
  assert.equal(escaping.rows([['a\u2028b\u0085c\u000bd\fe']]), 'a\u2028b\u0085c\u000bd\fe\r\n');
});

test('the escape string can be anything without a line break, and is quoted when it needs to be', () => {
  const space = createCsvFormatter({ preserve: false, escape: ' ' });
  assert.equal(space.rows([['one\r\ntwo']]), 'one two\r\n');
  const comma = createCsvFormatter({ preserve: false, escape: ',' });
  assert.equal(comma.rows([['one\ntwo', 'x']]), '"one,two",x\r\n');
  const nothing = createCsvFormatter({ preserve: false, escape: '' });
  assert.equal(nothing.rows([['one\r\ntwo']]), 'onetwo\r\n');
});

test('preserve mode keeps line breaks as they are, inside quotes', () => {
  assert.equal(preserving.rows([['a\r\nb', 'c\rd', 'e\nf', 'plain']]), '"a\r\nb","c\rd","e\nf",plain\r\n');
});

test('preserve mode still doubles quotes next to line breaks', () => {
  assert.equal(preserving.rows([['"\n"']]), '"""\n"""\r\n');
});

test('a backslash-n already in the text is written as it is', () => {
  assert.equal(escaping.rows([['C:\\new\\table']]), 'C:\\new\\table\r\n');
});
