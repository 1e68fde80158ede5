import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quoteIdent, toNumberedPlaceholders } from '../../adapters/sources/postgres.ts';

test('question-mark placeholders become $1..$n in order', () => {
  assert.equal(toNumberedPlaceholders('SELECT a FROM t WHERE b >= ? AND c IN (?,?) LIMIT 5'), 'SELECT a FROM t WHERE b >= $1 AND c IN ($2,$3) LIMIT 5');
});

test('a question mark inside a quoted literal or identifier is not a placeholder', () => {
  assert.equal(
    toNumberedPlaceholders(`SELECT '?' AS "a?b", x FROM t WHERE y = ? AND z = 'it''s ?'`),
    `SELECT '?' AS "a?b", x FROM t WHERE y = $1 AND z = 'it''s ?'`,
  );
});

test('identifiers are double-quoted with embedded quotes doubled', () => {
  assert.equal(quoteIdent('EVENT_AT'), '"EVENT_AT"');
  assert.equal(quoteIdent('we"ird'), '"we""ird"');
});
