// Label cells: names with their namespace, sorted by code point, as compact JSON with non-ASCII as is.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareCodePoints, labelName, sortedJsonArray } from '../../core/entities/labels.ts';

test('global labels are plain and other namespaces prefix the name', () => {
  assert.equal(labelName('draft', 'global'), 'draft');
  assert.equal(labelName('draft', null), 'draft');
  assert.equal(labelName('b', 'team'), 'team:b');
  assert.equal(labelName('fav', 'my'), 'my:fav');
});

test('labels sort by code point, so astral characters come after every BMP character', () => {
  // UTF-16 order would put U+1F600 (0xD83D…) before U+FF01 and U+FFFD.
  const labels = ['😀', '\uFFFD', '！', 'über', 'Zebra', 'a', 'team:b', 'ab', '𝔸'];
  assert.equal(sortedJsonArray(labels), '["Zebra","a","ab","team:b","über","！","\uFFFD","𝔸","😀"]');
});

test('the SPEC example comes out exactly', () => {
  assert.equal(sortedJsonArray(['über', 'team:b', 'a']), '["a","team:b","über"]');
});

test('no labels is an empty cell, not an empty array', () => {
  assert.equal(sortedJsonArray([]), null);
});

test('quotes and backslashes in a label are JSON-escaped and nothing else is', () => {
  assert.equal(sortedJsonArray(['say "x"', 'a\\b', 'ü']), '["a\\\\b","say \\"x\\"","ü"]');
});

test('a prefix sorts before the longer name it starts', () => {
  assert.ok(compareCodePoints('ab', 'abc') < 0, 'ab before abc');
  assert.ok(compareCodePoints('abc', 'ab') > 0, 'abc after ab');
  assert.equal(compareCodePoints('😀x', '😀x'), 0);
  assert.ok(compareCodePoints('\uFFFF', '\u{10000}') < 0, 'U+FFFF before U+10000');
});
