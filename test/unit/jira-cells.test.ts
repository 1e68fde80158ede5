// Number and cut rules of Jira cells (SPEC section 10), with expected values written out by hand.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cutCodePoints, decimalCell } from '../../core/entities/cells.ts';
import { issueColumns, issueKey } from '../../core/entities/jira-issues.ts';
import { projectTypeName, statusCategoryName } from '../../core/entities/jira-issue-lookups.ts';

describe('decimalCell', () => {
  test('drops trailing zeros and a bare decimal point', () => {
    assert.equal(decimalCell('3.000000'), '3');
    assert.equal(decimalCell('0.500000'), '0.5');
    assert.equal(decimalCell('10.000000'), '10');
    assert.equal(decimalCell('100'), '100');
  });
  test('keeps every digit of values a double cannot hold', () => {
    assert.equal(decimalCell('123456789012.345678'), '123456789012.345678');
    assert.equal(decimalCell('999999999999.999999'), '999999999999.999999');
    assert.equal(decimalCell('9007199254740993'), '9007199254740993');
  });
  test('writes zero and negative values plainly', () => {
    assert.equal(decimalCell('0.000000'), '0');
    assert.equal(decimalCell('-0.000000'), '0');
    assert.equal(decimalCell('-2.250000'), '-2.25');
    assert.equal(decimalCell('-0.000001'), '-0.000001');
    assert.equal(decimalCell('007.50'), '7.5');
  });
  test('passes NULL through and accepts numbers and bigints from other drivers', () => {
    assert.equal(decimalCell(null), null);
    assert.equal(decimalCell(undefined), null);
    assert.equal(decimalCell(42), '42');
    assert.equal(decimalCell(0.25), '0.25');
    assert.equal(decimalCell(12345678901234567890n), '12345678901234567890');
  });
});

describe('cutCodePoints', () => {
  test('leaves a text of at most the limit untouched, counting code points rather than UTF-16 units', () => {
    assert.equal(cutCodePoints('abc', 3), 'abc');
    assert.equal(cutCodePoints('\u{1F600}\u{1F600}', 2), '\u{1F600}\u{1F600}');
    assert.equal(cutCodePoints(null, 2), null);
  });
  test('never splits a surrogate pair', () => {
    assert.equal(cutCodePoints('ab\u{1F600}cd', 3), 'ab\u{1F600}');
    assert.equal(cutCodePoints('\u{1F600}\u{1F680}x', 1), '\u{1F600}');
  });
  test('cuts between CR and LF, leaving the CR for the line-break escape', () => {
    assert.equal(cutCodePoints('ab\r\ncd', 3), 'ab\r');
  });
});

describe('Jira issue cells', () => {
  test('the key is the project key and the issue number', () => {
    assert.equal(issueKey('ALPHA', '12'), 'ALPHA-12');
    assert.equal(issueKey(null, '12'), null);
    assert.equal(issueKey('ALPHA', null), null);
  });
  test('project types and status categories have their display names', () => {
    assert.deepEqual(['business', 'software', 'service_desk', null].map(projectTypeName), ['Business', 'Software', 'Service Desk', null]);
    assert.deepEqual(['1', '2', '4', '3', '7', null].map(statusCategoryName), ['No Category', 'To Do', 'In Progress', 'Done', null, null]);
  });
  test('schema v1 places each user name right after its id', () => {
    const v2 = issueColumns(2);
    const v1 = issueColumns(1);
    assert.equal(v1.length, v2.length + 3);
    assert.deepEqual(v1.slice(11, 17), ['creator_id', 'creator_name', 'reporter_id', 'reporter_name', 'assignee_id', 'assignee_name']);
    assert.deepEqual(v2.slice(11, 14), ['creator_id', 'reporter_id', 'assignee_id']);
  });
});
